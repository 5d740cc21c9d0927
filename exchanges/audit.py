"""The audit log: append an event in the caller's transaction; verify the chain.

Appends are serialised so the chain stays one line even with concurrent requests
and several app servers: on PostgreSQL a transaction-level advisory lock, on SQLite
the database's single writer (transactions start IMMEDIATE, see settings).
"""

import hashlib
import json

from django.db import connection, transaction
from django.utils import timezone

from exchanges.models import AuditEvent, AuditVerification

GENESIS = "0" * 64
# Any constant: the key of the advisory lock that serialises appends.
_LOCK_KEY = 0x5052_4155  # "PRAU"


# The fields an event's hash covers, in the order of the canonical JSON (sorted keys).
CANONICAL_FIELDS = (
    "action",
    "actor",
    "actor_id",
    "created_at",
    "details",
    "ip_address",
    "object_id",
    "object_type",
    "sequence",
    "transfer_id",
)
_string = json.encoder.encode_basestring  # the C encoder json.dumps uses
_details = json.JSONEncoder(
    sort_keys=True, separators=(",", ":"), ensure_ascii=False
).encode


def _scalar(value):
    if value is None:
        return "null"
    if isinstance(value, int):
        return str(value)
    return _string(str(value))


def canonical_from_values(
    action,
    actor,
    actor_id,
    created_at,
    details,
    ip_address,
    object_id,
    object_type,
    sequence,
    transfer_id,
):
    """The exact bytes an event's hash covers: everything but the hashes, as JSON
    with sorted keys, no spaces and UTF-8 text. Written out by hand rather than with
    json.dumps() on a dict because verifying a million events spends its time here;
    a test holds it byte for byte to the json.dumps() form."""
    return (
        f'{{"action":{_string(action)},"actor":{_string(actor)},'
        f'"actor_id":{_scalar(actor_id)},'
        f'"created_at":{_string(created_at.isoformat(timespec="microseconds"))},'
        f'"details":{_details(details)},"ip_address":{_scalar(ip_address)},'
        f'"object_id":{_string(object_id)},"object_type":{_string(object_type)},'
        f'"sequence":{_scalar(sequence)},"transfer_id":{_scalar(transfer_id)}}}'
    ).encode()


def canonical_bytes(event):
    """The canonical bytes of an AuditEvent (see canonical_from_values)."""
    return canonical_from_values(*(getattr(event, name) for name in CANONICAL_FIELDS))


def chain_hash(prev_hash, canonical):
    return hashlib.sha256(prev_hash.encode("ascii") + b"\n" + canonical).hexdigest()


def client_ip(request):
    """The address Django sees (REMOTE_ADDR). A trusted proxy setup replaces it
    before this point; a forged X-Forwarded-For is never read here."""
    if request is None:
        return None
    return request.META.get("REMOTE_ADDR") or None


def _lock():
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK_KEY])


def record(
    action,
    *,
    user=None,
    actor=None,
    request=None,
    obj=None,
    transfer=None,
    details=None,
):
    """Append one event. Must run inside the transaction of the action it records,
    so that one never exists without the other."""
    entry = {"obj": obj, "transfer": transfer, "details": details}
    return record_many(action, [entry], user=user, actor=actor, request=request)[0]


def record_many(action, entries, *, user=None, actor=None, request=None):
    """Append one event per entry (a dict with ``obj``, ``transfer``, ``details``),
    in order, under one lock: what a batch of the same action by the same actor
    writes."""
    if not connection.in_atomic_block:
        raise RuntimeError("Audit events are written inside the action's transaction.")
    if user is None and request is not None and request.user.is_authenticated:
        user = request.user
    _lock()
    last = (
        AuditEvent.objects.order_by("-sequence").values_list("sequence", "hash").first()
    )
    sequence, prev_hash = last if last else (0, GENESIS)
    now = timezone.now()
    events = []
    for entry in entries:
        obj, transfer = entry.get("obj"), entry.get("transfer")
        if transfer is None and obj is not None and obj._meta.model_name == "transfer":
            transfer = obj
        sequence += 1
        event = AuditEvent(
            sequence=sequence,
            created_at=now,
            actor_id=user.pk if user is not None else None,
            actor=actor or (user.get_username() if user is not None else "anonymous"),
            action=action,
            object_type=obj._meta.model_name if obj is not None else "",
            object_id=str(obj.pk) if obj is not None else "",
            transfer_id=transfer.pk if transfer is not None else None,
            ip_address=client_ip(request),
            details=entry.get("details") or {},
            prev_hash=prev_hash,
        )
        event.hash = chain_hash(prev_hash, canonical_bytes(event))
        prev_hash = event.hash
        events.append(event)
    AuditEvent.objects.bulk_create(events)
    return events


def verify_chain(chunk_size=5000, progress=None):
    """Walk the whole log in order. Returns (ok, events_checked, first_broken, message).

    Reads plain rows with a server-side cursor in chunks, so a million events need
    little memory and no model instance each.
    """
    expected_prev = GENESIS
    expected_sequence = 1
    checked = 0
    # The head seen by the last good verification must still be there: the chain
    # alone cannot show that its newest events were cut off.
    anchor = AuditVerification.objects.filter(
        ok=True, last_sequence__isnull=False
    ).first()
    anchor_seen = anchor is None
    sequence_at = CANONICAL_FIELDS.index("sequence")
    rows = (
        AuditEvent.objects.order_by("sequence")
        .values_list("pk", "prev_hash", "hash", *CANONICAL_FIELDS)
        .iterator(chunk_size=chunk_size)
    )
    for pk, prev_hash, stored_hash, *values in rows:
        sequence = values[sequence_at]
        if sequence != expected_sequence:
            return _result(
                False, checked, pk, sequence, f"sequence {expected_sequence} is missing"
            )
        if prev_hash != expected_prev:
            return _result(
                False, checked, pk, sequence, "does not follow the previous event"
            )
        if chain_hash(prev_hash, canonical_from_values(*values)) != stored_hash:
            return _result(False, checked, pk, sequence, "its content was changed")
        if anchor is not None and sequence == anchor.last_sequence:
            if stored_hash != anchor.last_hash:
                return _result(
                    False, checked, pk, sequence, "differs from the verified head"
                )
            anchor_seen = True
        expected_prev = stored_hash
        expected_sequence += 1
        checked += 1
        if progress and checked % 100_000 == 0:
            progress(checked)
    if not anchor_seen:
        return (
            False,
            checked,
            None,
            f"events after #{checked} are missing: #{anchor.last_sequence} was "
            "verified before",
        )
    return True, checked, None, f"{checked} events, chain intact"


def _result(ok, checked, pk, sequence, why):
    broken = AuditEvent.objects.get(pk=pk)
    return ok, checked, broken, f"event #{sequence} (id {pk}) {why}"


def verify_and_store(progress=None):
    """Verify the chain and keep the outcome (and the head it saw) for the
    auditor's screen and for the next verification."""
    ok, checked, broken, message = verify_chain(progress=progress)
    head = (
        AuditEvent.objects.order_by("-sequence").values_list("sequence", "hash").first()
    )
    with transaction.atomic():
        return AuditVerification.objects.create(
            ok=ok,
            events_checked=checked,
            first_broken_sequence=broken.sequence if broken else None,
            last_sequence=head[0] if ok and head else None,
            last_hash=head[1] if ok and head else "",
            message=message[:300],
        )
