"""The protocol's purpose: work the delivered list by deadline and delete each person
as soon as they are handled.

A candidate confirms within 30 days of the invitation letter's postmark; without an
answer a reminder follows, and 15 days after its postmark the candidate is struck
off. OCMW must delete a person's data once it has contacted them (protocol art. 6),
and people who are neither candidate tenants nor clients (art. 5).
"""

import datetime
import hashlib
import hmac
import json
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from exchanges import (
    audit,
    audit_actions,
    crypto,
    deletion,
    handling_notes,
    list_import,
    payloads,
    sealed,
)
from exchanges.deletion_hooks import register_transfer_deleter
from exchanges.models import DeletionEvidence, ListEntry, Transfer
from exchanges.retention import ensure_within_retention

RESPOND_WITHIN = datetime.timedelta(days=30)
STRUCK_OFF_AFTER_REMINDER = datetime.timedelta(days=15)
DUE_SOON = datetime.timedelta(days=3)
ROW_CONTEXT = b"protocol-registry/list-entry/v1|"
PSEUDONYM_CONTEXT = b"protocol-registry/pseudonym/v1|"


def respond_by(invitation_date):
    """The last day to confirm: 30 days from the invitation letter's postmark."""
    return invitation_date + RESPOND_WITHIN


def struck_off_on(reminder_date):
    """Struck off 15 days after the reminder's postmark, if there was a reminder."""
    return reminder_date + STRUCK_OFF_AFTER_REMINDER if reminder_date else None


def deadline(invitation_date, reminder_date):
    """The date that matters now: strike-off once reminded, otherwise respond-by."""
    return struck_off_on(reminder_date) or respond_by(invitation_date)


def urgency(deadline_date, today):
    if deadline_date < today:
        return "overdue"
    if deadline_date <= today + DUE_SOON:
        return "soon"
    return "later"


def pseudonym(transfer, national_number, key=None):
    """A keyed hash of the national register number, different in every transfer, so
    that pseudonyms cannot be linked across transfers or reversed without the key:
    HMAC-SHA256 with the pseudonym key (not SECRET_KEY) over context || reference ||
    "|" || the 11 digits (docs/encryption.md). Rows imported before that key existed
    keep the pseudonym they were given (Django's salted_hmac with SECRET_KEY)."""
    message = (
        PSEUDONYM_CONTEXT
        + transfer.reference.encode()
        + b"|"
        + national_number.encode("ascii")
    )
    key = key if key is not None else crypto.load_pseudonym_key()
    digest = hmac.new(key, message, hashlib.sha256).hexdigest()
    return "P-" + digest[:12].upper()


# --- row encryption ------------------------------------------------------------------


def _row_aad(entry_id, transfer):
    return ROW_CONTEXT + str(entry_id).encode() + b"|" + transfer.reference.encode()


def _seal(entry, transfer, row, master):
    plaintext = json.dumps(row, ensure_ascii=False, sort_keys=True).encode()
    entry.ciphertext, entry.wrapped_key = sealed.seal(
        entry.id, _row_aad(entry.id, transfer), plaintext, master
    )
    entry.key_id = master.key_id


def open_entry(entry, keyring=None):
    """The person's row as delivered (dict). Raises crypto.DecryptionError."""
    plaintext = sealed.unseal(
        entry.id,
        _row_aad(entry.id, entry.transfer),
        entry.ciphertext,
        entry.wrapped_key,
        entry.key_id,
        keyring,
    )
    return json.loads(plaintext)


# --- import ----------------------------------------------------------------------------


def read_delivered_list(transfer, user, request=None):
    """Decrypt the transfer's file and parse it as it is decrypted (audited as a
    view of the file); a file that fails its integrity check is refused and that is
    audited too. Memory stays bounded whatever the file's size (list_import)."""
    ensure_within_retention(transfer, "worklist.previewed", user=user, request=request)
    payload = getattr(transfer, "payload", None)
    if payload is None or payload.is_deleted:
        raise ValidationError(_("This transfer has no file to import."))
    if payload.file_type not in ("csv", "xlsx"):
        raise ValidationError(_("Only CSV and XLSX lists can be imported."))
    list_import.check_size(payload.file_type, payload.size)  # before decrypting
    stream = payloads.open_payload_stream(
        payload, user=user, request=request, purpose="worklist.previewed"
    )
    try:
        return list_import.parse_list_stream(stream, payload.file_type)
    except crypto.DecryptionError:
        with transaction.atomic():
            audit.record(
                "payload.integrity_failed",
                user=user,
                request=request,
                obj=payload,
                transfer=transfer,
            )
        raise


def import_list(transfer, result, *, user, request=None):
    """Store every row of a fully valid parse, or nothing. Refused past the
    transfer's retention date."""
    ensure_within_retention(transfer, "worklist.imported", user=user, request=request)
    with transaction.atomic():
        locked = Transfer.objects.select_for_update().get(pk=transfer.pk)
        if not locked.retention_passed():
            return _import_rows(locked, result, user=user, request=request)
    # The date passed since the check above: refused like any other late attempt.
    ensure_within_retention(locked, "worklist.imported", user=user, request=request)


def _import_rows(locked, result, *, user, request):
    """The rows, sealed one by one (in the caller's transaction, transfer locked)."""
    if result.problems or not result.rows:
        raise ValidationError(_("The list has problems; nothing was imported."))
    if locked.is_deleted:
        raise ValidationError(_("The data of this transfer have been deleted."))
    if (
        ListEntry.objects.filter(transfer=locked).exists()
        or locked.deletion_evidence.filter(
            subject=DeletionEvidence.Subject.PERSON
        ).exists()
    ):
        raise ValidationError(_("This list has already been imported."))
    master = crypto.load_keyring()[0]
    pseudonym_key = crypto.load_pseudonym_key()
    entries = []
    for row in result.rows:
        entry = ListEntry(
            transfer=locked,
            row_number=row.row,
            pseudonym=pseudonym(locked, row.national_number, pseudonym_key),
            cir_status=row.cir_status[:100],
            missing_documents=row.missing_documents,
            invitation_date=row.invitation_date,
            reminder_date=row.reminder_date,
            respond_by=respond_by(row.invitation_date),
            strike_off_on=struck_off_on(row.reminder_date),
            deadline=deadline(row.invitation_date, row.reminder_date),
        )
        _seal(
            entry,
            locked,
            {
                "last_name": row.last_name,
                "first_name": row.first_name,
                "national_number": row.national_number,
                "cir_status": row.cir_status,
                "missing_documents": row.missing_documents,
            },
            master,
        )
        entries.append(entry)
    ListEntry.objects.bulk_create(entries, batch_size=500)
    locked.status = Transfer.Status.IN_PROCESSING
    locked.save(update_fields=["status"])
    audit.record(
        "worklist.imported",
        user=user,
        request=request,
        obj=locked,
        details={"rows": len(entries), "declared": locked.data_subject_count},
    )
    return entries


# --- working the list ------------------------------------------------------------------


@dataclass
class Progress:
    imported: bool
    remaining: int
    contacted: int
    not_a_client: int
    overdue: int
    due_soon: int

    @property
    def handled(self):
        return self.contacted + self.not_a_client


def progress(transfer, today=None):
    """Counts for the team lead and the auditor; no personal data."""
    today = today or timezone.localdate()
    open_counts = ListEntry.objects.filter(transfer=transfer).aggregate(
        remaining=Count("pk"),
        overdue=Count("pk", filter=Q(deadline__lt=today)),
        due_soon=Count(
            "pk", filter=Q(deadline__gte=today, deadline__lte=today + DUE_SOON)
        ),
    )
    handled = dict(
        transfer.deletion_evidence.filter(subject=DeletionEvidence.Subject.PERSON)
        .values_list("reason")
        .annotate(count=Count("pk"))
    )
    contacted = handled.get(DeletionEvidence.Reason.CONTACTED, 0)
    not_a_client = handled.get(DeletionEvidence.Reason.NOT_A_CLIENT, 0)
    return Progress(
        imported=bool(open_counts["remaining"] or contacted or not_a_client),
        remaining=open_counts["remaining"],
        contacted=contacted,
        not_a_client=not_a_client,
        overdue=open_counts["overdue"],
        due_soon=open_counts["due_soon"],
    )


def open_worklist(transfer, *, user, request=None, entries=None):
    """The decrypted rows to show the exchange officer (one audit event per view).
    Refused past the transfer's retention date."""
    ensure_within_retention(transfer, "worklist.viewed", user=user, request=request)
    entries = list(entries if entries is not None else transfer.list_entries.all())
    keyring = crypto.load_keyring()
    rows = [(entry, open_entry(entry, keyring)) for entry in entries]
    with transaction.atomic():
        audit.record(
            "worklist.viewed",
            user=user,
            request=request,
            obj=transfer,
            details={"rows": len(rows)},
        )
    return rows


HANDLING_REASONS = {
    "contacted": DeletionEvidence.Reason.CONTACTED,
    "not_a_client": DeletionEvidence.Reason.NOT_A_CLIENT,
}


def handle_people(
    transfer, entry_ids, *, reason, user, on_date=None, note="", request=None
):
    """Mark people contacted (or not a client): delete their rows at once, with one
    evidence record each. When nobody is left, the transfer's file goes too.

    Returns the number of people handled. Refused past the transfer's retention
    date: from then on the retention job deletes every row at once.
    """
    if reason not in HANDLING_REASONS.values():
        raise ValueError(reason)
    door = {"user": user, "request": request}
    ensure_within_retention(transfer, "worklist.handled", **door)
    with transaction.atomic():
        locked = Transfer.objects.select_for_update().get(pk=transfer.pk)
        handled = None
        if not locked.retention_passed():
            handled = _handle_rows(
                locked, entry_ids, reason, note=note, on_date=on_date, **door
            )
    if handled is None:  # the date passed since the check above
        ensure_within_retention(locked, "worklist.handled", **door)
    if handled and not ListEntry.objects.filter(transfer=transfer).exists():
        # Everyone is handled: nothing justifies keeping the delivered file.
        deletion.delete_transfer_data(
            transfer,
            reason=DeletionEvidence.Reason.ALL_HANDLED,
            user=user,
            request=request,
        )
    return handled


def _handle_rows(locked, entry_ids, reason, *, user, request, note, on_date):
    """Delete the rows, with evidence and an audit event each (in the caller's
    transaction, with the transfer locked). Returns how many."""
    handled = 0
    entries = list(
        ListEntry.objects.select_for_update().filter(transfer=locked, pk__in=entry_ids)
    )
    for entry in entries:
        entry_pk, alias, due = entry.pk, entry.pseudonym, entry.deadline
        entry.delete()
        gone = not ListEntry.objects.filter(pk=entry_pk).exists()
        deletion.write_evidence(
            locked,
            subject=DeletionEvidence.Subject.PERSON,
            subject_id=alias,
            reason=reason,
            actor=user.get_username(),
            method=_(
                "The encrypted row and its data key are deleted from the database."
            ),
            verification=_("row present afterwards: %(present)s")
            % {"present": _("no") if gone else _("YES")},
            verified=gone,
            record_count=1,
        )
        details = {
            "pseudonym": alias,
            "deadline": due.isoformat(),
            "on": (on_date or timezone.localdate()).isoformat(),
        }
        if note:
            # The text may name people: it is kept with the transfer's data, and the
            # permanent log gets only its keyed digest.
            details["note_digest"] = handling_notes.write(
                locked, pseudonym=alias, text=note[:200], user=user
            )
        audit.record(
            audit_actions.WORKLIST_PERSON_CONTACTED
            if reason == "contacted"
            else audit_actions.WORKLIST_PERSON_NOT_A_CLIENT,
            user=user,
            request=request,
            obj=locked,
            details=details,
        )
        handled += 1
    return handled


@register_transfer_deleter
def delete_remaining_entries(transfers):
    """Part of deleting transfers' data (retention, manual): their open rows.
    The caller holds the transfers locked, so no row can be added between the
    count and the delete."""
    rows = ListEntry.objects.filter(transfer__in=transfers)
    counts = _rows_per_transfer(rows)
    if not counts:
        return {}
    rows.delete()
    left = _rows_per_transfer(ListEntry.objects.filter(transfer__in=list(counts)))
    return {
        pk: (count, f"list rows present afterwards: {left.get(pk, 0)}")
        for pk, count in counts.items()
    }


def _rows_per_transfer(rows):
    return dict(
        rows.order_by()
        .values("transfer")
        .annotate(count=Count("pk"))
        .values_list("transfer", "count")
    )


# Columns of the auditor's CSV export: stable keys, Dutch headings.
EXPORT_COLUMNS = {
    "pseudonym": gettext_lazy("pseudonym"),
    "deadline": gettext_lazy("deadline"),
    "urgency": gettext_lazy("urgency"),
    "outcome": gettext_lazy("outcome"),
    "handled_at": gettext_lazy("handled at"),
}
URGENCY_LABELS = {
    "overdue": gettext_lazy("overdue"),
    "soon": gettext_lazy("due within 3 days"),
    "later": gettext_lazy("later"),
}


def pseudonymous_export_rows(transfer, today=None, *, user=None, request=None):
    """Rows for the auditor: pseudonym, deadline, outcome; never a name or number.
    Pseudonyms still single out people: refused past the retention date too (the
    deletion evidence keeps what the auditor needs). Values in the reader's
    language; times in the site's zone with their UTC offset (the file leaves
    the site)."""
    ensure_within_retention(transfer, "worklist.exported", user=user, request=request)
    today = today or timezone.localdate()
    rows = [
        {
            "pseudonym": entry.pseudonym,
            "deadline": entry.deadline.isoformat(),
            "urgency": str(URGENCY_LABELS[urgency(entry.deadline, today)]),
            "outcome": str(_("open")),
            "handled_at": "",
        }
        for entry in transfer.list_entries.all()
    ]
    for evidence in transfer.deletion_evidence.filter(
        subject=DeletionEvidence.Subject.PERSON
    ):
        rows.append(
            {
                "pseudonym": evidence.subject_id,
                "deadline": "",
                "urgency": "",
                "outcome": evidence.get_reason_display(),
                "handled_at": timezone.localtime(evidence.deleted_at).isoformat(
                    timespec="seconds"
                ),
            }
        )
    return rows
