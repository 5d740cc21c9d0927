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
