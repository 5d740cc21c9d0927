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


def canonical_bytes(event):
    """The exact bytes an event's hash covers (everything but the hashes themselves)."""
    content = {
        "sequence": event.sequence,
        "created_at": event.created_at.isoformat(timespec="microseconds"),
        "actor_id": event.actor_id,
        "actor": event.actor,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "transfer_id": event.transfer_id,
        "ip_address": event.ip_address,
        "details": event.details,
    }
    return json.dumps(
        content, sort_keys=True, separators=(",", ":"), ensure_ascii=False
    ).encode()


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
    if not connection.in_atomic_block:
        raise RuntimeError("Audit events are written inside the action's transaction.")
    if user is None and request is not None and request.user.is_authenticated:
        user = request.user
    _lock()
    last = (
        AuditEvent.objects.order_by("-sequence").values_list("sequence", "hash").first()
    )
    sequence, prev_hash = (last[0] + 1, last[1]) if last else (1, GENESIS)
    if transfer is None and obj is not None and obj._meta.model_name == "transfer":
        transfer = obj
    event = AuditEvent(
        sequence=sequence,
        created_at=timezone.now(),
        actor_id=user.pk if user is not None else None,
        actor=actor or (user.get_username() if user is not None else "anonymous"),
        action=action,
        object_type=obj._meta.model_name if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        transfer_id=transfer.pk if transfer is not None else None,
        ip_address=client_ip(request),
        details=details or {},
        prev_hash=prev_hash,
    )
    event.hash = chain_hash(prev_hash, canonical_bytes(event))
    event.save(force_insert=True)
    return event


def verify_chain(chunk_size=5000, progress=None):
    """Walk the whole log in order. Returns (ok, events_checked, first_broken, message).

    Reads with a server-side cursor in chunks, so a million events need little memory.
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
    events = AuditEvent.objects.order_by("sequence").iterator(chunk_size=chunk_size)
    for event in events:
        if event.sequence != expected_sequence:
            return _result(
                False, checked, event, f"sequence {expected_sequence} is missing"
            )
        if event.prev_hash != expected_prev:
            return _result(False, checked, event, "does not follow the previous event")
        if chain_hash(event.prev_hash, canonical_bytes(event)) != event.hash:
            return _result(False, checked, event, "its content was changed")
        if anchor is not None and event.sequence == anchor.last_sequence:
            if event.hash != anchor.last_hash:
                return _result(False, checked, event, "differs from the verified head")
            anchor_seen = True
        expected_prev = event.hash
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


def _result(ok, checked, event, why):
    return ok, checked, event, f"event #{event.sequence} (id {event.pk}) {why}"


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
