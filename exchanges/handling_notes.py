"""Free text about a person stays out of what cannot be erased.

The officer's note on handling a person is a HandlingNote, sealed like the person's
row and deleted with the transfer's data (by retention, or when everyone is
handled). The append-only audit log records only a keyed digest of it: enough to
show later that the note shown is the note written, useless to anyone guessing its
words without the pseudonym key, which is not in the database.
"""

import hashlib
import hmac

from django.db.models import Count
from django.utils import timezone

from exchanges import crypto, sealed
from exchanges.deletion_hooks import register_transfer_deleter
from exchanges.models import HandlingNote

NOTE_CONTEXT = b"protocol-registry/handling-note/v1|"
DIGEST_CONTEXT = b"protocol-registry/audit-digest/v1|"


def _aad(note_id, transfer):
    return NOTE_CONTEXT + str(note_id).encode() + b"|" + transfer.reference.encode()


def digest(transfer, text, key=None):
    """HMAC-SHA256 of the text with the pseudonym key, bound to the transfer: what
    the audit log holds instead of the text."""
    key = key if key is not None else crypto.load_pseudonym_key()
    message = DIGEST_CONTEXT + transfer.reference.encode() + b"|" + text.encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def write(transfer, *, pseudonym, text, user, master=None):
    """Seal and store a note (inside the caller's transaction). Returns the digest
    for the audit event."""
    master = master or crypto.load_keyring()[0]
    note = HandlingNote(
        transfer=transfer,
        pseudonym=pseudonym,
        written_at=timezone.now(),
        written_by=user,
        key_id=master.key_id,
    )
    note.ciphertext, note.wrapped_key = sealed.seal(
        note.id, _aad(note.id, transfer), text.encode(), master
    )
    note.save(force_insert=True)
    return digest(transfer, text)


def read(transfer, keyring=None):
    """[(note, text)] of a transfer, newest first, for the Exchange officer."""
    keyring = keyring or crypto.load_keyring()
    return [
        (
            note,
            sealed.unseal(
                note.id,
                _aad(note.id, transfer),
                note.ciphertext,
                note.wrapped_key,
                note.key_id,
                keyring,
                what="note",
            ).decode(),
        )
        for note in HandlingNote.objects.filter(transfer=transfer)
    ]


@register_transfer_deleter
def delete_notes(transfers):
    """Part of deleting transfers' data: their notes (the caller holds the transfers
    locked)."""
    notes = HandlingNote.objects.filter(transfer__in=transfers)
    counts = dict(
        notes.order_by()
        .values("transfer")
        .annotate(count=Count("pk"))
        .values_list("transfer", "count")
    )
    if not counts:
        return {}
    notes.delete()
    left = set(
        HandlingNote.objects.filter(transfer__in=list(counts)).values_list(
            "transfer", flat=True
        )
    )
    return {
        pk: (count, f"notes present afterwards: {'YES' if pk in left else 'no'}")
        for pk, count in counts.items()
    }
