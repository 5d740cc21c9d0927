"""Retention: enforce_retention deletes what is due, once, even when interrupted;
deletion evidence is signed and its certificate verifies offline."""

import datetime
import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from pypdf import PdfReader

from exchanges import certificates, retention, services, signing
from exchanges.models import AuditEvent, DeletionEvidence, Payload, Transfer
from exchanges.storage import payload_storage
from tests.exchanges.conftest import attach_payload, make_transfer

pytestmark = pytest.mark.django_db

AFTER = "2037-07-01"  # past the fixtures' retention date (30/06/2037)


def run(*args):
    out = io.StringIO()
    call_command("enforce_retention", *args, stdout=out)
    return out.getvalue()


def test_dry_run_lists_and_deletes_nothing(payload):
    output = run("--dry-run", "--today", AFTER)
    assert payload.transfer.reference in output
    payload.refresh_from_db()
    assert not payload.is_deleted
    assert not DeletionEvidence.objects.exists()


def test_nothing_is_deleted_before_its_date(payload):
    assert "0 deletion" in run("--today", "2037-06-30")
    payload.refresh_from_db()
    assert not payload.is_deleted


def test_due_payloads_are_shredded_with_evidence_and_a_second_run_does_nothing(payload):
    stored = payload.storage_name
    assert payload_storage().exists(stored)
    run("--today", AFTER)
    payload.refresh_from_db()
    assert payload.is_deleted and payload.deleted_at is not None
    assert not payload_storage().exists(stored)
    assert payload.file_removed_at >= payload.deleted_at
    transfer = Transfer.objects.get(pk=payload.transfer_id)
    assert transfer.status == Transfer.Status.DELETED
    evidence = DeletionEvidence.objects.get(subject=DeletionEvidence.Subject.TRANSFER)
    assert evidence.reason == DeletionEvidence.Reason.RETENTION
    assert evidence.actor == "enforce_retention"
    assert evidence.verified and evidence.record_count == 1
    assert evidence.sha256_plaintext == payload.sha256_plaintext
    assert "data key present: no" in evidence.verification
    removed = DeletionEvidence.objects.get(subject=DeletionEvidence.Subject.PAYLOAD)
    assert removed.reason == DeletionEvidence.Reason.RETENTION
    assert removed.verified and removed.record_count == 1
    assert removed.subject_id == str(payload.pk)
    assert "encrypted file present in file storage of the platform: no" in (
        removed.verification
    )
    assert AuditEvent.objects.filter(action="transfer.data_deleted").count() == 1
    assert AuditEvent.objects.filter(action="payload.file_removed").count() == 1

    assert "0 deletion" in run("--today", AFTER)
    assert DeletionEvidence.objects.count() == 2


def test_a_deleted_payload_can_no_longer_be_read(payload):
    services.delete_transfer_data(payload.transfer, reason="manual", actor="test")
    payload.refresh_from_db()
    with pytest.raises(Exception):  # noqa: B017 - no key, no file: any error will do
        services.verify_payload(payload)


@pytest.mark.parametrize(
    "failing_step",
    [
        "exchanges.deletion._destroy_keys",
        "exchanges.deletion.build_evidence",
        "exchanges.audit.record_many",
    ],
)
def test_a_crash_inside_the_deletion_changes_nothing_and_the_rerun_finishes(
    payload, monkeypatch, failing_step
):
    """A crash inside the deleting transaction (here: KeyboardInterrupt after each
    step, as a SIGINT would) rolls it back; the file was not touched, so the
    transfer that still says received still has it; the rerun completes."""
    module_name, function_name = failing_step.rsplit(".", 1)
    import importlib

    module = importlib.import_module(module_name)
    original = getattr(module, function_name)

    def crash_after(*args, **kwargs):
        original(*args, **kwargs)
        raise KeyboardInterrupt("killed")

    monkeypatch.setattr(module, function_name, crash_after)
    with pytest.raises(KeyboardInterrupt):
        run("--today", AFTER)
    assert not DeletionEvidence.objects.exists()
    assert (
        Transfer.objects.get(pk=payload.transfer_id).status == Transfer.Status.RECEIVED
    )
    payload.refresh_from_db()
    assert payload.wrapped_key is not None
    assert payload_storage().exists(payload.storage_name)
    services.verify_payload(payload)  # still whole and readable
    monkeypatch.setattr(module, function_name, original)

    run("--today", AFTER)
    run("--today", AFTER)
    assert sorted(DeletionEvidence.objects.values_list("subject", flat=True)) == [
        "payload",
        "transfer",
    ]
    assert all(DeletionEvidence.objects.values_list("verified", flat=True))
    payload.refresh_from_db()
    assert payload.is_deleted and payload.file_removed_at
    assert not payload_storage().exists(payload.storage_name)


def test_transfers_without_a_file_are_closed_with_evidence_too(transfer):
    run("--today", AFTER)
    evidence = DeletionEvidence.objects.get()
    assert evidence.record_count == 0
    assert "geen bestand" in evidence.verification or "no file" in evidence.verification


def test_only_due_transfers_are_touched(protocol, officer_user):
    early = make_transfer(
        protocol, officer_user, retention_date=datetime.date(2037, 1, 1)
    )
    late = make_transfer(protocol, officer_user)
    attach_payload(early, officer_user)
    attach_payload(late, officer_user)
    run("--today", "2037-06-01")
    assert Transfer.objects.get(pk=early.pk).status == Transfer.Status.DELETED
    assert Transfer.objects.get(pk=late.pk).status == Transfer.Status.RECEIVED


def test_evidence_is_signed_and_tampering_with_the_row_is_detected(payload):
    evidence = services.delete_transfer_data(
        payload.transfer, reason="manual", actor="test"
    )
    signing.verify(evidence.evidence_json.encode(), evidence.signature)
    DeletionEvidence.objects.filter(pk=evidence.pk).update(
        evidence_json=evidence.evidence_json.replace('"manual"', '"retention"')
    )
    evidence.refresh_from_db()
    with pytest.raises(signing.SignatureError):
        certificates.render_certificate(evidence)


def test_certificate_has_the_nist_fields_and_verifies_offline(payload, tmp_path):
    evidence = services.delete_transfer_data(
        payload.transfer, reason="retention", actor="enforce_retention"
    )
    content = certificates.render_certificate(evidence)
    text = " ".join(
        page.extract_text() for page in PdfReader(io.BytesIO(content)).pages
    )
    for field in (
        "Certificaat van vernietiging",
        "Purge",
        payload.sha256_plaintext[:20],
        payload.transfer.reference,
        "bewaartermijntaak",  # the job, by its Dutch label
        "bewaartermijn bereikt",  # the reason, not its code "retention"
    ):
        assert field in text.replace("\n", " "), field
    path = tmp_path / "certificaat.pdf"
    path.write_bytes(content)
    key = tmp_path / "sleutel.pem"
    key.write_bytes(signing.public_key_pem())
    out = io.StringIO()
    call_command(
        "verify_deletion_certificate", str(path), "--public-key", str(key), stdout=out
    )
    assert str(evidence.pk) in out.getvalue()

    for position in (100, len(content) // 2, len(content) - 40):
        changed = bytearray(content)
        changed[position] ^= 0x01
        bad = tmp_path / f"bad-{position}.pdf"
        bad.write_bytes(bytes(changed))
        with pytest.raises(CommandError, match="INVALID"):
            call_command(
                "verify_deletion_certificate", str(bad), "--public-key", str(key)
            )


def test_a_certificate_signed_by_another_key_is_refused(payload, tmp_path):
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

    evidence = services.delete_transfer_data(
        payload.transfer, reason="manual", actor="test"
    )
    content = certificates.render_certificate(evidence)
    stranger = Ed25519PrivateKey.generate().public_key()
    with pytest.raises(certificates.CertificateError):
        certificates.verify_certificate(content, stranger)


def test_the_public_key_is_published(client):
    response = client.get(reverse("exchanges:public_key"))
    assert response.status_code == 200
    assert response.content.startswith(b"-----BEGIN PUBLIC KEY-----")


def test_auditor_downloads_a_certificate(client, payload, auditor_user):
    evidence = services.delete_transfer_data(
        payload.transfer, reason="manual", actor="test"
    )
    client.force_login(auditor_user)
    listing = client.get(reverse("exchanges_admin:evidence_list")).content.decode()
    assert payload.transfer.reference in listing
    response = client.get(reverse("exchanges_admin:certificate", args=[evidence.pk]))
    assert response.status_code == 200
    assert certificates.verify_certificate(response.content)["certificate_id"] == str(
        evidence.pk
    )


def test_master_key_rotation_rewraps_every_data_key(payload, settings, tmp_path):
    key_file = Path(settings.EXCHANGES_MASTER_KEY_FILE)
    backup = key_file.read_bytes()
    try:
        old_id = payload.key_id
        call_command("rotate_master_key", "--new-key", stdout=io.StringIO())
        payload.refresh_from_db()
        assert payload.key_id != old_id
        assert len(key_file.read_text().strip().splitlines()) == 1
        services.verify_payload(payload)  # still readable with the new key only
        assert Payload.objects.get(pk=payload.pk).wrapped_key != backup
    finally:
        key_file.write_bytes(backup)


def test_a_run_over_several_batches_writes_one_evidence_and_event_per_transfer(
    protocol, officer_user, monkeypatch
):
    from exchanges import audit

    monkeypatch.setattr(retention, "RETENTION_BATCH", 2)
    transfers = [make_transfer(protocol, officer_user) for _ in range(5)]
    for transfer in transfers[:3]:  # two without a file
        attach_payload(transfer, officer_user)
    assert "5 deletion(s) with evidence written; 3 file(s) removed" in run(
        "--today", AFTER
    )
    evidence = DeletionEvidence.objects.filter(subject="transfer").order_by(
        "transfer_id"
    )
    assert [e.transfer_id for e in evidence] == [t.pk for t in transfers]
    assert [e.record_count for e in evidence] == [1, 1, 1, 0, 0]
    files = DeletionEvidence.objects.filter(subject="payload").order_by("transfer_id")
    assert [e.transfer_id for e in files] == [t.pk for t in transfers[:3]]
    assert all(e.verified for e in DeletionEvidence.objects.all())
    for item in DeletionEvidence.objects.all():
        signing.verify(item.evidence_json.encode(), item.signature)
    events = AuditEvent.objects.filter(action="transfer.data_deleted")
    assert sorted(events.values_list("transfer_id", flat=True)) == [
        t.pk for t in transfers
    ]
    assert not Payload.objects.filter(deleted_at__isnull=True).exists()
    assert not Payload.objects.filter(file_removed_at__isnull=True).exists()
    assert audit.verify_chain()[0]
