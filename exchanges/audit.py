"""The audit log: append an event in the caller's transaction; verify the chain.

Appends are serialised so the chain stays one line even with concurrent requests
and several app servers: on PostgreSQL a transaction-level advisory lock, on SQLite
the database's single writer (transactions start IMMEDIATE, see settings).
"""

import hashlib
import json
import logging

from django.db import DatabaseError, connection, transaction
from django.utils import timezone

from exchanges.models import AuditEvent, AuditVerification

logger = logging.getLogger(__name__)

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
canonical_details = json.JSONEncoder(
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
        f'"details":{canonical_details(details)},"ip_address":{_scalar(ip_address)},'
        f'"object_id":{_string(object_id)},"object_type":{_string(object_type)},'
        f'"sequence":{_scalar(sequence)},"transfer_id":{_scalar(transfer_id)}}}'
    ).encode()


def canonical_bytes(event):
    """The canonical bytes of an AuditEvent (see canonical_from_values)."""
    return canonical_from_values(*(getattr(event, name) for name in CANONICAL_FIELDS))


def chain_hash(prev_hash, canonical):
    return hashlib.sha256(prev_hash.encode("ascii") + b"\n" + canonical).hexdigest()


def seal(event, prev_hash):
    """Chain an unsaved event after the event whose hash is ``prev_hash``."""
    event.prev_hash = prev_hash
    event.canonical_details = canonical_details(event.details)
    event.hash = chain_hash(prev_hash, canonical_bytes(event))


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
    **named,
):
    """Append one event. Must run inside the transaction of the action it records,
    so that one never exists without the other. ``named`` are the entry's other
    keys (see record_many)."""
    entry = {"obj": obj, "transfer": transfer, "details": details, **named}
    return record_many(action, [entry], user=user, actor=actor, request=request)[0]


def _check_details(value, where="details"):
    """Details are text, whole numbers, booleans, null, lists and objects: values a
    jsonb column gives back as they were written. A float may come back otherwise
    (-0.0 as 0.0, 1e300 as a whole number), and its event would then fail
    verification for ever, so one is refused before it enters the chain."""
    if isinstance(value, dict):
        for key, item in value.items():
            _check_details(item, f"{where}[{key!r}]")
    elif isinstance(value, list | tuple):
        for index, item in enumerate(value):
            _check_details(item, f"{where}[{index}]")
    elif not (value is None or isinstance(value, str | int)):  # bool is an int
        raise TypeError(f"Audit {where} is a {type(value).__name__}; write it as text.")


def record_many(action, entries, *, user=None, actor=None, request=None):
    """Append one event per entry (a dict with ``obj``, ``transfer``, ``details``),
    in order, under one lock: what a batch of the same action by the same actor
    writes. An entry may name its object, transfer and actor by id instead
    (``object_type``, ``object_id``, ``transfer_id``, ``actor_id``): an event written
    later about something that may be gone by then (exchanges.refusals)."""
    if not connection.in_atomic_block:
        raise RuntimeError("Audit events are written inside the action's transaction.")
    if user is None and request is not None and request.user.is_authenticated:
        user = request.user
    for entry in entries:
        _check_details(entry.get("details") or {})
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
            actor_id=user.pk if user is not None else entry.get("actor_id"),
            actor=actor or (user.get_username() if user is not None else "anonymous"),
            action=action,
            object_type=(
                obj._meta.model_name
                if obj is not None
                else entry.get("object_type", "")
            ),
            object_id=str(obj.pk) if obj is not None else entry.get("object_id", ""),
            transfer_id=(
                transfer.pk if transfer is not None else entry.get("transfer_id")
            ),
            ip_address=client_ip(request),
            details=entry.get("details") or {},
        )
        seal(event, prev_hash)
        prev_hash = event.hash
        events.append(event)
    AuditEvent.objects.bulk_create(events)
    return events


def verify_chain(chunk_size=5000, progress=None, *, in_python=False):
    """Check the whole log in order. Returns (ok, events_checked, first_broken, message).

    On PostgreSQL the database rebuilds every event's canonical bytes and hash beside
    the rows, and only what it cannot confirm is checked here (see
    ``_check_in_postgresql``); ``in_python=True`` walks every event here instead, for
    a check that does not rely on the database's own functions. Both name the same
    first broken event for the same reason, with one exception a forger can make:
    an event whose hash was recomputed over details written out in another valid
    JSON form (spaces, key order) is confirmed by PostgreSQL, since its content is
    unchanged, and refused by Python. Recomputed hashes are found only before the
    last verified head, where the next event's link gives them away either way.
    """
    # The head seen by the last good verification must still be there: the chain
    # alone cannot show that its newest events were cut off.
    anchor = AuditVerification.objects.filter(
        ok=True, last_sequence__isnull=False
    ).first()
    outcome = None
    if connection.vendor == "postgresql" and not in_python:
        try:
            with transaction.atomic():
                outcome = _check_in_postgresql(anchor, chunk_size)
        except DatabaseError:  # forged canonical details, see _PG_CONFIRMED
            logger.warning("Audit log: PostgreSQL could not check it; walking it.")
        if outcome and progress and outcome[0]:
            progress(outcome[0])
    checked, broken = outcome or _walk_in_python(anchor, chunk_size, progress)
    if broken is not None:
        pk, sequence, why = broken
        message = f"event #{sequence} (id {pk}) {why}"
        return False, checked, AuditEvent.objects.get(pk=pk), message
    if anchor is not None and checked < anchor.last_sequence:
        return (
            False,
            checked,
            None,
            f"events after #{checked} are missing: #{anchor.last_sequence} was "
            "verified before",
        )
    return True, checked, None, f"{checked} events, chain intact"


# Why an event breaks the chain, in the order the checks are made for one event.
_MISSING = "sequence {} is missing"
_NOT_FOLLOWING = "does not follow the previous event"
_CHANGED = "its content was changed"
_NOT_HEAD = "differs from the verified head"


def _rows(queryset, chunk_size):
    """Plain rows (pk, prev_hash, hash, *canonical values) in sequence order."""
    return (
        queryset.order_by("sequence")
        .values_list("pk", "prev_hash", "hash", *CANONICAL_FIELDS)
        .iterator(chunk_size=chunk_size)
    )


def _content_intact(prev_hash, stored_hash, values):
    return chain_hash(prev_hash, canonical_from_values(*values)) == stored_hash


def _walk_in_python(anchor, chunk_size, progress):
    """Every event read here, its hash rebuilt here. Returns (events checked,
    (pk, sequence, why) of the first broken event or None)."""
    expected_prev = GENESIS
    expected_sequence = 1
    sequence_at = CANONICAL_FIELDS.index("sequence")
    for pk, prev_hash, stored_hash, *values in _rows(AuditEvent.objects, chunk_size):
        sequence = values[sequence_at]
        checked = expected_sequence - 1
        if sequence != expected_sequence:
            return checked, (pk, sequence, _MISSING.format(expected_sequence))
        if prev_hash != expected_prev:
            return checked, (pk, sequence, _NOT_FOLLOWING)
        if not _content_intact(prev_hash, stored_hash, values):
            return checked, (pk, sequence, _CHANGED)
        if anchor is not None and sequence == anchor.last_sequence:
            if stored_hash != anchor.last_hash:
                return checked, (pk, sequence, _NOT_HEAD)
        expected_prev = stored_hash
        expected_sequence += 1
        if progress and sequence % 100_000 == 0:
            progress(sequence)
    return expected_sequence - 1, None


# The canonical bytes (canonical_from_values) as PostgreSQL writes them, with the
# details as stored beside them at recording (canonical_details). to_json() escapes
# text exactly as Python's json encoder does with ensure_ascii=False; abbrev() is
# inet's output, what Django reads (a ::text cast would add "/32"). Where the two
# could still differ (a timestamp before year 1000, say) the rebuilt hash does not
# match and the event is checked again in Python: PostgreSQL only ever confirms an
# event, it never clears one.
_PG_CANONICAL = """concat(
    '{"action":', to_json(action),
    ',"actor":', to_json(actor),
    ',"actor_id":', coalesce(actor_id::text, 'null'),
    ',"created_at":"',
    to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US'), '+00:00"',
    ',"details":', canonical_details,
    ',"ip_address":', coalesce(to_json(abbrev(ip_address))::text, 'null'),
    ',"object_id":', to_json(object_id),
    ',"object_type":', to_json(object_type),
    ',"sequence":', sequence,
    ',"transfer_id":', coalesce(transfer_id::text, 'null'),
    '}'
)"""
# Confirmed: the hash of the rebuilt bytes is the stored hash, and the stored
# canonical details are the details column's value (compared as jsonb's own text,
# which tells 1 from 1.0 as Python does). The cast comes only after the hash has
# vouched for the text; only a forger who also recomputed the hash can make it fail,
# and verify_chain then walks the log in Python.
_PG_CONFIRMED = f"""CASE
    -- to_char() writes 2026 BC as 2026 and infinity as nothing; Python decides those.
    WHEN NOT (created_at >= '0001-01-01T00:00:00Z' AND created_at < '10000-01-01T00:00:00Z')
    THEN false
    WHEN hash = encode(
        sha256(convert_to(concat(prev_hash, E'\\n', {_PG_CANONICAL}), 'UTF8')), 'hex'
    )
    THEN details::text = canonical_details::jsonb::text
    ELSE false
END"""
# The first event up to the given sequence that is out of place: its sequence is not
# its position, or its previous hash is not the hash of the event before it.
_PG_FIRST_LINK_BREAK = """
SELECT id, sequence, position
FROM (
    SELECT id, sequence, prev_hash,
           lag(hash) OVER (ORDER BY sequence) AS before,
           row_number() OVER (ORDER BY sequence) AS position
    FROM exchanges_auditevent
    WHERE sequence <= %s
) AS chain
WHERE sequence <> position OR prev_hash <> coalesce(before, %s)
ORDER BY sequence
LIMIT 1
"""
# How many events before the given sequence there are, and how many of them
# PostgreSQL cannot confirm: aggregates, so that it scans the table with parallel
# workers and sends back one row.
_PG_COUNTS = f"""
SELECT count(*), count(*) FILTER (WHERE NOT {_PG_CONFIRMED})
FROM exchanges_auditevent WHERE sequence < %s
"""  # noqa: S608 - built from the constants above only
_PG_UNCONFIRMED = f"""
SELECT id FROM exchanges_auditevent
WHERE sequence < %s AND NOT {_PG_CONFIRMED}
ORDER BY sequence
"""  # noqa: S608 - built from the constants above only
# Beyond this many unconfirmed events (a log written before canonical_details
# existed) one walk in Python is quicker than fetching them batch by batch.
_WALK_BEYOND = 10_000


def _check_in_postgresql(anchor, chunk_size):
    """The same checks as _walk_in_python, made by PostgreSQL over the whole table;
    events it cannot confirm are checked in Python. Returns the same (events
    checked, first broken or None), or None when walking in Python is quicker."""
    with connection.cursor() as cursor:
        # Events appended while the statements below run are left for the next
        # verification: every statement looks at the same events.
        cursor.execute("SELECT max(sequence) FROM exchanges_auditevent")
        (last,) = cursor.fetchone()
        if last is None:
            return 0, None
        cursor.execute(_PG_FIRST_LINK_BREAK, [last, GENESIS])
        link_break = cursor.fetchone()
        stop_sequence = link_break[1] if link_break else last + 1
        cursor.execute(_PG_COUNTS, [stop_sequence])
        total, unconfirmed = cursor.fetchone()
        if unconfirmed > _WALK_BEYOND:
            return None
        if unconfirmed:
            cursor.execute(_PG_UNCONFIRMED, [stop_sequence])
            changed = _first_changed([pk for (pk,) in cursor.fetchall()], chunk_size)
        else:
            changed = None
    if changed is not None:
        # Before the first link break every event's sequence is its position.
        stop_position, broken = changed[1], changed
    elif link_break is not None:
        pk, sequence, position = link_break
        why = _MISSING.format(position) if sequence != position else _NOT_FOLLOWING
        stop_position, broken = position, (pk, sequence, why)
    else:
        # Every event is in place and confirmed.
        stop_position, broken = total + 1, None
    if anchor is not None and 1 <= anchor.last_sequence < stop_position:
        head = (
            AuditEvent.objects.filter(sequence=anchor.last_sequence)
            .values_list("pk", "hash")
            .first()
        )
        if head is not None and head[1] != anchor.last_hash:
            stop_position = anchor.last_sequence
            broken = (head[0], anchor.last_sequence, _NOT_HEAD)
    return stop_position - 1, broken


def _first_changed(pks, chunk_size):
    """The first of these events (in sequence order) whose content does not give
    its stored hash in Python, as (pk, sequence, why), or None."""
    sequence_at = CANONICAL_FIELDS.index("sequence")
    for start in range(0, len(pks), chunk_size):
        batch = AuditEvent.objects.filter(pk__in=pks[start : start + chunk_size])
        for pk, prev_hash, stored_hash, *values in _rows(batch, chunk_size):
            if not _content_intact(prev_hash, stored_hash, values):
                return pk, values[sequence_at], _CHANGED
    return None


def verify_and_store(progress=None, *, in_python=False):
    """Verify the chain and keep the outcome (and the head it saw) for the
    auditor's screen and for the next verification."""
    try:
        with transaction.atomic():
            ok, checked, broken, message = verify_chain(
                progress=progress, in_python=in_python
            )
    except (DatabaseError, ValueError, RecursionError) as error:
        # Values the application never writes (a date before year 1, JSON nested
        # beyond Python's limits) make an event unreadable: the log was tampered
        # with, and the alert must still go out.
        logger.error("Audit log: an event cannot be read (%s).", type(error).__name__)
        ok, checked, broken = False, 0, None
        message = f"an event cannot be read ({type(error).__name__})"
    # The newest event this verification checked (the events are 1..checked when it
    # is ok), not the newest now: one appended meanwhile has not been checked yet.
    head = None
    if ok and checked:
        head = (
            AuditEvent.objects.filter(sequence=checked)
            .values_list("sequence", "hash")
            .first()
        )
    with transaction.atomic():
        return AuditVerification.objects.create(
            ok=ok,
            events_checked=checked,
            first_broken_sequence=broken.sequence if broken else None,
            last_sequence=head[0] if head else None,
            last_hash=head[1] if head else "",
            message=message[:300],
        )
