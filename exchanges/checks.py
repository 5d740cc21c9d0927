"""Deployment checks: the keys the exchanges need are present and usable."""

from django.core import checks


@checks.register(checks.Tags.security, deploy=True)
def keys_are_available(app_configs, **kwargs):
    from django.core.exceptions import ImproperlyConfigured

    from exchanges import crypto, signing

    errors = []
    try:
        crypto.load_keyring()
    except ImproperlyConfigured as error:
        errors.append(
            checks.Error(
                f"Exchanges master key: {error}",
                hint="Set EXCHANGES_MASTER_KEYS or EXCHANGES_MASTER_KEY_FILE "
                "(see docs/deployment.md).",
                id="exchanges.E001",
            )
        )
    try:
        crypto.load_pseudonym_key()
    except ImproperlyConfigured as error:
        errors.append(
            checks.Error(
                f"Exchanges pseudonym key: {error}",
                hint="Set EXCHANGES_PSEUDONYM_KEY or EXCHANGES_PSEUDONYM_KEY_FILE "
                "(see docs/deployment.md); it is not SECRET_KEY.",
                id="exchanges.E003",
            )
        )
    try:
        signing.public_key()
    except (ImproperlyConfigured, ValueError) as error:
        errors.append(
            checks.Error(
                f"Exchanges signing key: {error}",
                hint="Set EXCHANGES_SIGNING_KEY_FILE to an Ed25519 key in PEM format.",
                id="exchanges.E002",
            )
        )
    return errors


@checks.register(checks.Tags.security, deploy=True)
def audit_heads_leave_the_database(app_configs, **kwargs):
    """The audit log's proof rests on signed heads kept where the database
    administrator cannot reach them: a key to sign them and at least one place."""
    from django.core.exceptions import ImproperlyConfigured

    from exchanges import audit_heads
    from exchanges.audit_sinks import configured_sinks

    errors = []
    try:
        audit_heads.verifier_key()
    except (ImproperlyConfigured, audit_heads.HeadRefused, ValueError) as error:
        errors.append(
            checks.Error(
                f"Audit log key: {error}",
                hint="Set EXCHANGES_AUDIT_LOG_KEY_FILE to an Ed25519 key in PEM "
                "format (manage.py create_keys makes one).",
                id="exchanges.E005",
            )
        )
    if not configured_sinks():
        errors.append(
            checks.Warning(
                "Signed heads of the audit log are kept only in the database, which "
                "a database administrator can rewrite along with the log.",
                hint="Set EXCHANGES_AUDIT_HEAD_BUCKET (Object Lock) or "
                "EXCHANGES_AUDIT_HEAD_DIR (another machine, write-once), see "
                "docs/transparency.md.",
                id="exchanges.W001",
            )
        )
    return errors


@checks.register(checks.Tags.models)
def wrapped_keys_are_registered(app_configs, **kwargs):
    """A wrapped data key that rotation does not know about would be unreadable once
    its master key is retired."""
    from exchanges import keyring

    return [
        checks.Error(
            f"{name} holds a wrapped data key but its model is not registered.",
            hint="Decorate the model with @exchanges.keyring.holds_wrapped_key(), "
            "so that key rotation re-wraps it.",
            id="exchanges.E004",
        )
        for name in keyring.unregistered_fields()
    ]
