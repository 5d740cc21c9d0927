"""Kill the retention job mid-batch, at several points, and rerun it.

Files are removed only after the deleting transaction has committed. Whatever the
moment of the crash: no transfer says received (or in processing) without its file,
a deleted transfer's file has no key, the rerun leaves no file of a deleted
transfer behind, and every subject has its evidence exactly once."""

import io
from collections import Counter

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from pypdf import PdfReader

from exchanges import audit, certificates, deletion, retention, signing
from exchanges.models import AuditEvent, DeletionEvidence, Payload, Transfer
from exchanges.storage import is_gone, payload_storage
from tests.exchanges.conftest import attach_payload, make_transfer

pytestmark = pytest.mark.django_db

AFTER = "2037-07-01"  # past the fixtures' retention date (30/06/2037)
TRANSFERS = 7  # with a batch of 3: batches of 3, 3 and 1
BATCH = 3


def run(*args):
    out = io.StringIO()
    call_command("enforce_retention", "--today", AFTER, *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def due(protocol, officer_user, monkeypatch):
    monkeypatch.setattr(retention, "RETENTION_BATCH", BATCH)
    transfers = [make_transfer(protocol, officer_user) for _ in range(TRANSFERS)]
    for transfer in transfers[:-1]:  # the last one never got its file
        attach_payload(transfer, officer_user)
    return transfers


def assert_nothing_in_between():
    """What must hold after a crash at any moment."""
    storage = payload_storage()
    for transfer in Transfer.objects.exclude(status=Transfer.Status.DELETED):
        payload = Payload.objects.filter(transfer=transfer).first()
        if transfer.status in (Transfer.Status.RECEIVED, Transfer.Status.IN_PROCESSING):
            assert payload is not None and payload.wrapped_key is not None
            assert storage.exists(payload.storage_name), transfer.reference
            assert payload.deleted_at is None and payload.file_removed_at is None
    for payload in Payload.objects.filter(transfer__status=Transfer.Status.DELETED):
        assert payload.wrapped_key is None, payload.pk
        if payload.file_removed_at:
            assert is_gone(storage, payload.storage_name)
    subjects = Counter(
        DeletionEvidence.objects.values_list("transfer_id", "subject")
    ).values()
    assert all(count == 1 for count in subjects)
    removed = set(
        Payload.objects.filter(file_removed_at__isnull=False).values_list(
            "pk", flat=True
        )
    )
    certified = set(
        DeletionEvidence.objects.filter(subject="payload").values_list(
            "subject_id", flat=True
        )
    )
    assert certified == {str(pk) for pk in removed}


def assert_all_done(transfers):
    assert_nothing_in_between()
    storage = payload_storage()
    assert set(Transfer.objects.values_list("status", flat=True)) == {"deleted"}
    for payload in Payload.objects.all():
        assert payload.wrapped_key is None and payload.file_removed_at is not None
        assert is_gone(storage, payload.storage_name)
    evidence = Counter(DeletionEvidence.objects.values_list("subject", flat=True))
    assert evidence == {"transfer": len(transfers), "payload": len(transfers) - 1}
    assert all(DeletionEvidence.objects.values_list("verified", flat=True))
    for item in DeletionEvidence.objects.all():
        signing.verify(item.evidence_json.encode(), item.signature)
    assert AuditEvent.objects.filter(action="payload.file_removed").count() == (
        len(transfers) - 1
    )
    assert audit.verify_chain()[0]


def crash_on_call(monkeypatch, target, number, error):
    """Make ``target`` (module, name) raise ``error`` on its ``number``-th call,
    after doing its work on the calls before."""
    module, name = target
    original = getattr(module, name)
    calls = []

    def wrapped(*args, **kwargs):
        calls.append(1)
        if len(calls) == number:
            raise error
        return original(*args, **kwargs)

    monkeypatch.setattr(module, name, wrapped)
    return lambda: monkeypatch.setattr(module, name, original)


@pytest.mark.parametrize("nth_file", [1, 2, 4, 6])
def test_killed_while_removing_files_after_the_nth(due, monkeypatch, nth_file):
    """The job is killed (KeyboardInterrupt, a BaseException like SIGINT) while the
    storage deletes the nth file: in the first batch's removals (1, 2), in the
    second's (4), or the last file (6)."""
    restore = crash_on_call(
        monkeypatch,
        (deletion, "delete_everywhere"),
        nth_file,
        KeyboardInterrupt("killed"),
    )
    with pytest.raises(KeyboardInterrupt):
        run()
    assert_nothing_in_between()
    # The batch whose files were being removed is deleted and its keys are gone.
    # Its files are pending: those removed before the crash are certified by the
    # rerun (their evidence is written once a batch of files is gone), the one
    # being removed and those after it are still there, unreadable.
    batch = (nth_file - 1) // BATCH
    assert Transfer.objects.filter(status="deleted").count() == BATCH * (batch + 1)
    pending = list(deletion.pending_file_removals().order_by("pk"))  # as removed
    assert len(pending) == BATCH
    storage = payload_storage()
    still_stored = [storage.exists(payload.storage_name) for payload in pending]
    done_before = (nth_file - 1) % BATCH
    assert still_stored == [False] * done_before + [True] * (BATCH - done_before)
    restore()

    assert "file(s) removed" in run()
    assert_all_done(due)
    run()
    assert_all_done(due)


def test_killed_between_the_commit_and_the_file_removal(due, monkeypatch):
    """Call 1 finishes earlier removals (none), call 2 would remove the first
    batch's files: the job dies right after the batch's commit."""
    restore = crash_on_call(
        monkeypatch,
        (deletion, "finish_file_removals"),
        2,
        KeyboardInterrupt("killed"),
    )
    with pytest.raises(KeyboardInterrupt):
        run()
    assert_nothing_in_between()
    assert Transfer.objects.filter(status="deleted").count() == BATCH
    assert deletion.pending_file_removals().count() == BATCH
    assert not DeletionEvidence.objects.filter(subject="payload").exists()
    restore()

    run()
    assert_all_done(due)


def test_a_storage_failure_spares_the_other_files_and_the_job_says_so(due, monkeypatch):
    """An ordinary error on one file (a storage hiccup) does not stop the run: the
    others are removed and certified, the job exits with an error for the alert,
    and the next run removes the one left."""
    restore = crash_on_call(
        monkeypatch, (deletion, "delete_everywhere"), 2, OSError("storage down")
    )
    with pytest.raises(CommandError, match="1 file"):
        run()
    assert_nothing_in_between()
    assert Transfer.objects.filter(status="deleted").count() == TRANSFERS
    assert deletion.pending_file_removals().count() == 1
    restore()

    assert "1 file(s) removed" in run()
    assert_all_done(due)


def test_killed_inside_the_second_batch_transaction(due, monkeypatch):
    """The second batch's transaction dies after destroying its keys: it rolls
    back, its transfers still say received and still have their files."""
    restore = crash_on_call(
        monkeypatch, (deletion, "run_transfer_deleters"), 2, KeyboardInterrupt()
    )
    with pytest.raises(KeyboardInterrupt):
        run()
    assert_nothing_in_between()
    assert Transfer.objects.filter(status="deleted").count() == BATCH
    assert Transfer.objects.filter(status="received").count() == TRANSFERS - 1 - BATCH
    assert not deletion.pending_file_removals().exists()
    restore()

    run()
    assert_all_done(due)


def test_a_manual_deletion_interrupted_is_finished_by_repeating_it(
    payload, monkeypatch
):
    restore = crash_on_call(
        monkeypatch, (deletion, "delete_everywhere"), 1, KeyboardInterrupt()
    )
    with pytest.raises(KeyboardInterrupt):
        deletion.delete_transfer_data(
            payload.transfer, reason="manual", actor="officer"
        )
    assert_nothing_in_between()
    assert deletion.pending_file_removals().get() == payload
    restore()
    assert (
        deletion.delete_transfer_data(
            payload.transfer, reason="manual", actor="officer"
        )
        is None
    )  # nothing left to delete in the database; the file is finished
    payload.refresh_from_db()
    assert payload.file_removed_at is not None
    assert not payload_storage().exists(payload.storage_name)
    removed = DeletionEvidence.objects.get(subject="payload")
    assert removed.reason == "manual" and removed.actor == "officer"


def test_the_deletion_cannot_run_inside_a_callers_transaction(payload):
    """A rollback of an outer transaction would bring the keys back after the
    files had gone; the deletion refuses to run inside one."""
    from django.db import transaction

    with pytest.raises(RuntimeError), transaction.atomic():
        deletion.delete_transfer_data(payload.transfer, reason="manual", actor="x")
    assert payload_storage().exists(payload.storage_name)


def pdf_text(content):
    return " ".join(
        page.extract_text() for page in PdfReader(io.BytesIO(content)).pages
    ).replace("\n", " ")


def test_both_certificates_render_and_say_what_each_covers(payload):
    deletion.delete_transfer_data(payload.transfer, reason="retention", actor="job")
    by_subject = {e.subject: e for e in DeletionEvidence.objects.all()}
    transfer_text = pdf_text(certificates.render_certificate(by_subject["transfer"]))
    file_text = pdf_text(certificates.render_certificate(by_subject["payload"]))
    assert "Gegevenssleutels en versleutelde rijen in de databank" in transfer_text
    assert "data key present: no" in transfer_text
    assert "eigen certificaat" in transfer_text
    assert "Versleuteld bestand in de bestandsopslag" in file_text
    assert "Het uitgewisselde bestand van uitwisseling" in file_text
    assert "encrypted file present in file storage of the platform: no" in file_text
    assert "elke bewaarde versie" in file_text
    for item in by_subject.values():
        content = certificates.render_certificate(item)
        assert certificates.verify_certificate(content)["subject"] == item.subject
