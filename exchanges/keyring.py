"""Every data key in the database that a master key wraps, and the master-key life
cycle built on that list: re-wrap, retire, which keys a backup needs.

A model that stores a data key wrapped with ``crypto.wrap_key`` registers here with
the ``@holds_wrapped_key()`` decorator, and only that: rotation then re-wraps its
rows, retiring a master key counts them, and a backup knows it needs their keys. A
system check (exchanges.E004) and a test fail for a model of this app with a
``wrapped_key`` field that is not registered.

Re-wrapping changes only the wrap (nonce || AES-GCM(master, data key)); the data
keys, the ciphertexts and the files stay as they are. It works in batches, each in
its own transaction with its own audit event, so it can be stopped at any point and
run again: rows already under the target key are skipped, and a batch is either
wholly re-wrapped or not at all. See docs/deployment.md ("Rotating the master key").
"""

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from django.apps import apps
from django.db import transaction
from django.db.models import Count

from exchanges import crypto

BATCH_SIZE = 500


@dataclass(frozen=True)
class WrappedKeys:
    """Where a model keeps its wrapped data key.

    ``record_id(row)`` is the id the wrap's associated data binds the key to (the
    ``payload_id`` of ``crypto.wrap_key``); for the rows so far, the primary key.
    """

    model: type
    wrapped_field: str = "wrapped_key"
    key_id_field: str = "key_id"
    record_id: Callable = field(default=lambda row: row.pk)

    @property
    def label(self):
        return self.model._meta.label_lower

    def rows(self):
        """Rows that hold a wrapped key (a crypto-shredded row holds none)."""
        return self.model._default_manager.filter(
            **{f"{self.wrapped_field}__isnull": False}
        )

    def not_under(self, key_id):
        return self.rows().exclude(**{self.key_id_field: key_id})


_REGISTRY = []


def holds_wrapped_key(
    *, wrapped_field="wrapped_key", key_id_field="key_id", record_id=None
):
    """Class decorator: register a model whose rows hold a wrapped data key."""

    def register(model):
        if any(entry.model is model for entry in _REGISTRY):
            raise ValueError(f"{model._meta.label} is registered twice.")
        options = {"wrapped_field": wrapped_field, "key_id_field": key_id_field}
        if record_id is not None:
            options["record_id"] = record_id
        _REGISTRY.append(WrappedKeys(model, **options))
        return model

    return register


def registered():
    return list(_REGISTRY)


def unregistered_fields(models=None):
    """``app_label.Model.field`` of every ``*wrapped_key`` field whose model is not
    registered with that field: rotation would skip it and lose its rows."""
    if models is None:
        models = apps.get_app_config("exchanges").get_models()
    known = {(entry.model, entry.wrapped_field) for entry in _REGISTRY}
    return [
        f"{model._meta.label}.{model_field.name}"
        for model in models
        for model_field in model._meta.get_fields()
        if model_field.name.endswith("wrapped_key")
        and (model, model_field.name) not in known
    ]


# --- which master keys are in use --------------------------------------------------------


def usage():
    """{model label: {master key id: rows}} over every registered model."""
    counts = {}
    for entry in _REGISTRY:
        per_key = (
            entry.rows()
            .order_by()
            .values_list(entry.key_id_field)
            .annotate(rows=Count("pk"))
        )
        counts[entry.label] = dict(per_key)
    return counts


def key_ids_in_use():
    """The master key ids some row needs: a backup needs exactly these."""
    return sorted({key_id for per_key in usage().values() for key_id in per_key})


def rows_using(key_id):
    """{model label: rows} still wrapped with master key ``key_id`` (none: {})."""
    return {
        label: per_key[key_id]
        for label, per_key in usage().items()
        if per_key.get(key_id)
    }


def describe_counts(counts):
    return ", ".join(f"{rows} {label}" for label, rows in counts.items())


# --- re-wrapping ---------------------------------------------------------------------------


def target_key(keyring, key_id=None):
    """The key to re-wrap to: the active (first) key of ``keyring``. ``key_id``, when
    given, must be that key: re-wrapping to a key this server does not write with
    would leave it reading one key and writing another."""
    active = keyring[0]
    if key_id is None or key_id == active.key_id:
        return active
    if all(key.key_id != key_id for key in keyring):
        raise crypto.KeyringError(
            f"Master key {key_id} is not in this server's keyring. Add it to the "
            "keyring of every server (key file or EXCHANGES_MASTER_KEYS) and make it "
            "the first key before re-wrapping. Nothing was changed."
        )
    raise crypto.KeyringError(
        f"Master key {key_id} is in the keyring but not active here (the active "
        f"key is {active.key_id}). Make it the first key on every server before "
        "re-wrapping. Nothing was changed."
    )


@dataclass
class RewrapResult:
    target: str
    rows: Counter = field(default_factory=Counter)  # model label -> rows re-wrapped
    batches: int = 0


def rewrap(
    key_id=None, *, keyring=None, batch_size=None, actor="rotate_master_key", user=None
):
    """Re-wrap every wrapped data key that is not under the active master key.

    Refuses (KeyringError, nothing changed) when ``key_id`` is not the active key,
    or when a row uses a master key this keyring lacks. Each batch is one
    transaction with one ``keys.rewrapped`` audit event; each new wrap is opened
    again before it is written, so no row is ever left unreadable.
    """
    keyring = keyring or crypto.load_keyring()
    target = target_key(keyring, key_id)
    available = {key.key_id for key in keyring}
    missing = {
        label: {key: rows for key, rows in per_key.items() if key not in available}
        for label, per_key in usage().items()
    }
    missing = {label: keys for label, keys in missing.items() if keys}
    if missing:
        raise crypto.KeyringError(
            "Some rows use master keys this server's keyring lacks ("
            + "; ".join(
                f"{label}: "
                + ", ".join(f"{rows} under {key}" for key, rows in keys.items())
                for label, keys in missing.items()
            )
            + "). Add those keys to the keyring first. Nothing was changed."
        )
    result = RewrapResult(target=target.key_id)
    for entry in _REGISTRY:
        after = None
        while True:
            pending = entry.not_under(target.key_id).order_by("pk")
            if after is not None:
                pending = pending.filter(pk__gt=after)
            pks = list(pending.values_list("pk", flat=True)[: batch_size or BATCH_SIZE])
            if not pks:
                break
            done = _rewrap_batch(entry, pks, target, keyring, actor, user)
            result.rows[entry.label] += done
            result.batches += 1 if done else 0
            after = pks[-1]
    return result


@transaction.atomic
def _rewrap_batch(entry, pks, target, keyring, actor, user):
    from exchanges import audit

    # Locked and read again: a row shredded or deleted since the listing is skipped,
    # and a shredding that waits for this lock happens after the new wrap.
    rows = list(
        entry.not_under(target.key_id)
        .select_for_update()
        .filter(pk__in=pks)
        .order_by("pk")
    )
    if not rows:
        return 0
    sources = Counter()
    for row in rows:
        old_id = getattr(row, entry.key_id_field)
        record_id = entry.record_id(row)
        data_key = crypto.unwrap_key(
            getattr(row, entry.wrapped_field), old_id, record_id, keyring
        )
        wrapped = crypto.wrap_key(data_key, record_id, target)
        if crypto.unwrap_key(wrapped, target.key_id, record_id, [target]) != data_key:
            raise crypto.DecryptionError("A new wrap did not open; nothing written.")
        setattr(row, entry.wrapped_field, wrapped)
        setattr(row, entry.key_id_field, target.key_id)
        sources[old_id] += 1
    entry.model._default_manager.bulk_update(
        rows, [entry.wrapped_field, entry.key_id_field]
    )
    audit.record(
        "keys.rewrapped",
        user=user,
        actor=actor if user is None else None,
        details={
            "model": entry.label,
            "rows": len(rows),
            "to_key": target.key_id,
            "from_keys": dict(sorted(sources.items())),
        },
    )
    return len(rows)


# --- adding, activating and retiring master keys -------------------------------------------


def _record(action, *, actor, user, **details):
    from exchanges import audit

    audit.record(
        action, user=user, actor=actor if user is None else None, details=details
    )


def check_retirable(key_id, keyring):
    """Refuse (KeyringError) to retire the active key, a key the keyring lacks, or a
    key that still wraps a row: that row would become unreadable for good."""
    if keyring[0].key_id == key_id:
        raise crypto.KeyringError(
            f"Master key {key_id} is the active key: make another key active on "
            "every server and re-wrap before retiring it. Nothing was changed."
        )
    if all(key.key_id != key_id for key in keyring):
        raise crypto.KeyringError(
            f"Master key {key_id} is not in this server's keyring (already retired "
            "here?). Nothing was changed."
        )
    still = rows_using(key_id)
    if still:
        raise crypto.KeyringError(
            f"Master key {key_id} still wraps {describe_counts(still)}: run "
            "rotate_master_key first (after the new key is active on every server). "
            "Nothing was changed."
        )


@transaction.atomic
def add_to_key_file(path, key, *, actor, user=None):
    _record("keys.master_key_added", actor=actor, user=user, key=key.key_id)
    crypto.add_to_key_file(path, key)


@transaction.atomic
def activate_in_key_file(path, key_id, *, actor, user=None):
    _record("keys.master_key_activated", actor=actor, user=user, key=key_id)
    crypto.activate_in_key_file(path, key_id)


@transaction.atomic
def retire(key_id, *, actor, user=None):
    """Retire ``key_id``: removed from the key file when the keyring comes from one;
    with EXCHANGES_MASTER_KEYS only checked (the caller says what to remove).
    Returns the key file changed, or None."""
    path = crypto.key_file()
    check_retirable(key_id, crypto.load_keyring())
    _record(
        "keys.master_key_retired",
        actor=actor,
        user=user,
        key=key_id,
        source="key_file" if path else "environment",
    )
    if path is not None:
        crypto.remove_from_key_file(path, key_id)
    return path
