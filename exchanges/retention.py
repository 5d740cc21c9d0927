"""Retention: a transfer's personal data are kept until its retention date, and not a
day longer.

One date rule (exchanges.models.transfers.retention_over, local date) with two halves:

- every door to the data (opening, downloading or importing the file, viewing,
  handling or exporting the worklist, storing a file) passes ensure_within_retention()
  first, so nothing is served or added from the day after the retention date, whether
  or not the job has run yet; each refusal is an audit event;
- enforce_retention(), the daily job, deletes what is due and writes the evidence.
"""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from exchanges import audit, deletion
from exchanges.models import DeletionEvidence, Transfer

JOB = "enforce_retention"

# Transfers deleted per transaction: each commit waits for the disk, and each batch
# costs a dozen queries whatever its size; 500 keeps both small per deletion while
# a failure still rolls back only one batch, which the next run finishes.
RETENTION_BATCH = 500


class RetentionPassed(ValidationError):
    """A door to a transfer's data was tried after its retention date."""

    def __init__(self, transfer):
        super().__init__(
            _(
                "Transfer %(reference)s could be kept until %(date)s only: its data "
                "can no longer be opened, imported or added, and are being deleted."
            )
            % {
                "reference": transfer.reference,
                "date": formats.date_format(transfer.retention_date, "d/m/Y"),
            },
            code="retention_passed",
        )
        self.transfer = transfer


def ensure_within_retention(
    transfer, door, *, user=None, actor=None, request=None, obj=None
):
    """Return if ``transfer`` is within its retention date; otherwise record the
    refused attempt (``door`` names what was tried) and raise RetentionPassed.

    Call it outside the transaction of the work it guards (or after that transaction
    has ended): a refusal raised inside would roll its own audit event back.
    """
    if not transfer.retention_passed():
        return
    with transaction.atomic():
        audit.record(
            "access.refused_retention",
            user=user,
            actor=actor,
            request=request,
            obj=obj if obj is not None else transfer,
            transfer=transfer,
            details={
                "door": door,
                "retention_date": transfer.retention_date.isoformat(),
            },
        )
    raise RetentionPassed(transfer)


def due_for_retention(day=None):
    day = day or timezone.localdate()
    return Transfer.objects.filter(retention_date__lt=day).exclude(
        status=Transfer.Status.DELETED
    )


@dataclass
class RetentionRun:
    """What one run of enforce_retention did."""

    deleted: list = field(default_factory=list)  # transfer evidence
    files_removed: list = field(default_factory=list)  # file evidence
    files_failed: int = 0  # files still in storage: the next run tries again


def enforce_retention(day=None, *, dry_run=False, report=None):
    """Finish the file removals an interrupted deletion left, then delete what is
    past its retention date, a batch of transfers per transaction. ``report`` is
    called with each due transfer. Returns a RetentionRun."""
    run = RetentionRun()
    if not dry_run:
        _add(run, deletion.finish_file_removals(actor=JOB))
    due = due_for_retention(day).order_by("retention_date", "pk")
    batch = []
    for transfer in due.only("pk", "reference", "retention_date").iterator():
        if report:
            report(transfer)
        if dry_run:
            continue
        batch.append(transfer.pk)
        if len(batch) == RETENTION_BATCH:
            _delete_batch(run, batch)
            batch = []
    if batch:
        _delete_batch(run, batch)
    return run


def _add(run, removals):
    written, failed = removals
    run.files_removed += written
    run.files_failed += failed


def _delete_batch(run, transfer_ids):
    deleted, removals = deletion.delete_and_remove_files(
        transfer_ids,
        reason=DeletionEvidence.Reason.RETENTION,
        actor=JOB,
        skip_locked=True,
    )
    run.deleted += deleted
    _add(run, removals)
