"""Signed tree heads: the audit log's history, witnessed outside the database.

The hash chain (exchanges.audit) shows a change to an event, but whoever can write
the database can rewrite the chain from that event on, or cut its newest events,
and leave a chain that checks out. So the log is also a Merkle tree (RFC 9162,
exchanges.merkle), and a scheduled job signs its head (size, root hash, time) with
a key the database does not hold, as a C2SP tlog-checkpoint, and hands copies to
places the database administrator does not control (exchanges.audit_sinks).
Whoever holds a head can later prove that today's log still extends it, event for
event (a consistency proof), and that one event is in it (an inclusion proof).

The log never signs a head that does not extend every head it can still find.
"""

import base64
import datetime
import logging
import struct
import time
from dataclasses import dataclass, field

from cryptography.hazmat.primitives import serialization
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from exchanges import audit, merkle, signing
from exchanges.audit_sinks import configured_sinks, mail_head
from exchanges.conf import get_setting, key_file_setting
from exchanges.models import AuditEvent, SignedTreeHead
from exchanges.tlog_verify import (
    COSIGNATURE_V1,
    ED25519,
    EM_DASH,
    MAX_NOTE_BYTES,
    Checkpoint,
    VerificationError,
    VerifierKey,
    leaf_hash,
    open_checkpoint,
    verify_consistency,
)

logger = logging.getLogger("exchanges.audit")


class HeadRefused(Exception):
    """The log cannot sign a head now; the message says why (an alert)."""


# --- the log's identity and key -------------------------------------------------------


def origin():
    """The log's name in its heads and key. Set EXCHANGES_AUDIT_LOG_ORIGIN once; the
    default derives it from the site's first host name."""
    configured = get_setting("EXCHANGES_AUDIT_LOG_ORIGIN")
    if configured:
        return configured
    hosts = [host for host in settings.ALLOWED_HOSTS if host not in ("*", "")]
    host = hosts[0].lstrip(".") if hosts else "localhost"
    return f"{host}/audit-log"


def _private_key():
    path = key_file_setting("EXCHANGES_AUDIT_LOG_KEY_FILE")
    if path is None:
        raise HeadRefused("Set EXCHANGES_AUDIT_LOG_KEY_FILE to the audit log's key.")
    return signing.load_private_key(str(path))


def verifier_key():
    """The log's public key as a c2sp.org/signed-note verifier key."""
    raw = (
        _private_key()
        .public_key()
        .public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    )
    return VerifierKey(origin(), raw)


def public_key_pem():
    return signing.public_key_pem(_private_key().public_key())


# --- the tree -------------------------------------------------------------------------


def leaf_hashes(size=None):
    """The leaf hash of every event, in sequence order (the first ``size`` events
    when given). Each entry is the event's canonical JSON, the bytes its chain hash
    covers. Raises VerificationError when a sequence number is missing."""
    queryset = AuditEvent.objects.order_by("sequence")
    if size is not None:
        queryset = queryset.filter(sequence__lte=size)
    sequence_at = audit.CANONICAL_FIELDS.index("sequence")
    leaves = []
    for values in queryset.values_list(*audit.CANONICAL_FIELDS).iterator(
        chunk_size=5000
    ):
        if values[sequence_at] != len(leaves) + 1:
            raise VerificationError(
                f"Event #{len(leaves) + 1} is missing from the audit log."
            )
        leaves.append(leaf_hash(audit.canonical_from_values(*values)))
    return leaves


def entry(event):
    """What a leaf holds: the event's canonical JSON."""
    return audit.canonical_bytes(event)


# --- signing ----------------------------------------------------------------------------


def checkpoint_text(size, root):
    return f"{origin()}\n{size}\n{base64.b64encode(root).decode()}\n"


def sign_checkpoint(size, root, timestamp=None):
    """The signed note of a head: the log's Ed25519 signature and its timestamped
    cosignature, which carries the signing time (exchanges.tlog_verify)."""
    key, vkey = _private_key(), verifier_key()
    text = checkpoint_text(size, root)
    timestamp = int(time.time()) if timestamp is None else timestamp
    plain = vkey.key_id(ED25519) + key.sign(text.encode())
    message = f"cosignature/v1\ntime {timestamp}\n{text}".encode()
    timed = vkey.key_id(COSIGNATURE_V1) + struct.pack(">Q", timestamp)
    timed += key.sign(message)
    lines = [
        f"{EM_DASH} {vkey.name} {base64.b64encode(signature).decode()}\n"
        for signature in (plain, timed)
    ]
    return text + "\n" + "".join(lines)


# --- comparing the log with heads held elsewhere ----------------------------------------


def read_note(source):
    """A signed head from a file, or from an http(s) URL (such as the transparency
    page's /checkpoint), at most a few kilobytes."""
    if source.startswith(("https://", "http://")):
        import urllib.request

        # The scheme is checked above: no file: or custom URLs.
        request = urllib.request.Request(source, headers={"Accept": "text/plain"})  # noqa: S310
        with urllib.request.urlopen(request, timeout=15) as response:  # noqa: S310
            data = response.read(MAX_NOTE_BYTES + 1)
    else:
        with open(source, "rb") as handle:
            data = handle.read(MAX_NOTE_BYTES + 1)
    if len(data) > MAX_NOTE_BYTES:
        raise VerificationError(f"{source} is too large to be a signed head.")
    return data.decode("utf-8")


@dataclass
class Comparison:
    held: Checkpoint
    size_now: int
    proof_length: int


def compare(note, leaves, key=None):
    """Prove that the log (its ``leaves``) extends the head in ``note``: check the
    head's signatures, then a consistency proof from its size to the log's size.
    Raises VerificationError saying what does not hold."""
    held = open_checkpoint(note, key or verifier_key())
    size_now = len(leaves)
    if held.size > size_now:
        raise VerificationError(
            f"The log holds {size_now} events, fewer than the {held.size} of the "
            f"signed head of {_when(held)}: events were removed."
        )
    proof = merkle.consistency_proof(held.size, leaves)
    verify_consistency(held.size, size_now, proof, held.root, merkle.root(leaves))
    return Comparison(held, size_now, len(proof))


def head_time(head):
    """When a head (exchanges.tlog_verify.Checkpoint) was signed, as a datetime."""
    return datetime.datetime.fromtimestamp(head.timestamp, tz=datetime.UTC)


def _when(head):
    return timezone.localtime(head_time(head)).strftime("%d/%m/%Y %H:%M %Z")


def held_heads():
    """The newest head each place still holds: {place: note}. The database's copy
    first; a place that cannot be read is reported, not skipped silently."""
    heads, unreadable = {}, {}
    newest = SignedTreeHead.objects.order_by("-tree_size").first()
    if newest is not None:
        heads["database"] = newest.note
    for sink in configured_sinks():
        try:
            note = sink.latest()
        except Exception as error:  # noqa: BLE001 - any storage failure is reported
            unreadable[sink.name] = type(error).__name__
            continue
        if note is not None:
            heads[sink.name] = note
    return heads, unreadable


def check_held_heads(leaves):
    """Every held head must be extended by the log: {place: Comparison}."""
    heads, unreadable = held_heads()
    results, failures = {}, {}
    for place, note in heads.items():
        try:
            results[place] = compare(note, leaves)
        except VerificationError as error:
            failures[place] = str(error)
    database = results.get("database")
    for place, result in results.items():
        if place != "database" and (
            database is None or database.held.size < result.held.size
        ):
            failures.setdefault(
                "database",
                f"The database lacks the head of {result.held.size} events that "
                f"{place} holds: signed heads were removed from the database.",
            )
    return results, failures, unreadable


# --- publishing -----------------------------------------------------------------------------


@dataclass
class Publication:
    head: SignedTreeHead | None
    written: list = field(default_factory=list)
    failed: dict = field(default_factory=dict)
    message: str = ""


def publish(*, mail=False):
    """Verify the log, check it against every head still held, sign a head of its
    current size and write it everywhere. Raises HeadRefused (nothing signed) when
    the log is broken or does not extend a held head."""
    verification = audit.verify_and_store()
    if not verification.ok:
        raise HeadRefused(f"The hash chain is broken: {verification.message}.")
    size = verification.events_checked
    try:
        leaves = leaf_hashes(size)
    except VerificationError as error:
        raise HeadRefused(str(error)) from None
    _results, failures, unreadable = check_held_heads(leaves)
    if failures:
        raise HeadRefused(
            "The log does not extend a signed head: "
            + "; ".join(f"{place}: {why}" for place, why in failures.items())
        )
    last = SignedTreeHead.objects.order_by("-tree_size").first()
    if last is not None and last.tree_size == size:
        return Publication(
            last, message=f"No new events since the head of {size} events."
        )
    root = merkle.root(leaves)
    note = sign_checkpoint(size, root)
    signed = open_checkpoint(note, verifier_key())
    with transaction.atomic():
        head = SignedTreeHead.objects.create(
            tree_size=size, root_hash=root.hex(), signed_at=head_time(signed), note=note
        )
    publication = Publication(head, failed=dict(unreadable))
    for sink in configured_sinks():
        try:
            sink.write(size, note)
        except Exception as error:  # noqa: BLE001 - reported, and the job fails
            logger.error("Audit head %s not written to %s.", size, sink.name)
            publication.failed[sink.name] = type(error).__name__
        else:
            publication.written.append(sink.name)
    if mail:
        try:
            count = mail_head(head)
        except Exception as error:  # noqa: BLE001 - reported, and the job fails
            publication.failed["mail"] = type(error).__name__
        else:
            publication.written.append(f"mail ({count})")
    head.published_to = ["database", *publication.written]
    SignedTreeHead.objects.filter(pk=head.pk).update(published_to=head.published_to)
    publication.message = f"Signed the head of {size} events."
    return publication


# --- verification against heads -----------------------------------------------------------


@dataclass
class HeadCheck:
    place: str
    ok: bool
    message: str


def verify_against(notes=(), key=None):
    """Compare the log with heads someone holds (``notes``: {label: signed note},
    checked with ``key``, by default the installation's) and with every head the
    installation's own places still hold. Returns a HeadCheck per head. The tree is
    built (every event read here) only when there is a head to compare with."""
    notes = dict(notes)
    own = key_file_setting("EXCHANGES_AUDIT_LOG_KEY_FILE") is not None
    if not notes and not (own and _anything_held()):
        return []
    try:
        leaves = leaf_hashes()
    except VerificationError as error:
        return [HeadCheck("log", False, str(error))]
    checks = []
    for label, note in notes.items():
        try:
            result = compare(note, leaves, key)
        except VerificationError as error:
            checks.append(HeadCheck(label, False, str(error)))
        else:
            checks.append(HeadCheck(label, True, _extends(result)))
    if not own:
        return checks
    results, failures, unreadable = check_held_heads(leaves)
    for place, result in results.items():
        if place not in failures:
            checks.append(HeadCheck(place, True, _extends(result)))
    for place, why in failures.items():
        checks.append(HeadCheck(place, False, why))
    for place, error in unreadable.items():
        checks.append(HeadCheck(place, False, f"could not be read ({error})"))
    return checks


def _anything_held():
    return SignedTreeHead.objects.exists() or bool(configured_sinks())


def _extends(result):
    return (
        f"the log ({result.size_now} events) extends the head of "
        f"{result.held.size} events signed {_when(result.held)} "
        f"(consistency proof of {result.proof_length} hashes)"
    )
