"""Payloads and documents on S3-compatible object storage (moto's server on a local
port, spoken to over HTTP by django-storages and boto3, as a real store would be)."""

import boto3
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from exchanges import services
from exchanges.models import DeletionEvidence
from protocols_registry.models import ApprovalDecision
from tests.exchanges.conftest import LIST_CSV, attach_payload, make_transfer
from tests.factories import OrganisationFactory
from tests.helpers import streamed_bytes

BUCKET = "protocolregister-test"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def bucket(s3_endpoint, settings):
    """A fresh, versioned bucket as both the default and the payload storage, set
    up exactly as config/settings.py does when S3_BUCKET is set."""
    client = boto3.client(
        "s3",
        endpoint_url=s3_endpoint,
        region_name="us-east-1",
        aws_access_key_id="test",
        aws_secret_access_key="test",
    )
    client.create_bucket(Bucket=BUCKET)
    # Versioning on: a delete that left an older version behind would show.
    client.put_bucket_versioning(
        Bucket=BUCKET, VersioningConfiguration={"Status": "Enabled"}
    )
    s3 = {
        "BACKEND": "operations.storage.PrivateS3Storage",
        "OPTIONS": {
            "bucket_name": BUCKET,
            "endpoint_url": s3_endpoint,
            "region_name": "us-east-1",
            "access_key": "test",
            "secret_key": "test",
            "default_acl": None,
            "file_overwrite": False,
        },
    }
    settings.STORAGES = {**settings.STORAGES, "default": s3, "payloads": s3}
    settings.EXCHANGES_PAYLOAD_STORAGE = "payloads"
    yield client
    for version in client.list_object_versions(Bucket=BUCKET).get("Versions", []):
        client.delete_object(
            Bucket=BUCKET, Key=version["Key"], VersionId=version["VersionId"]
        )
    for marker in client.list_object_versions(Bucket=BUCKET).get("DeleteMarkers", []):
        client.delete_object(
            Bucket=BUCKET, Key=marker["Key"], VersionId=marker["VersionId"]
        )
    client.delete_bucket(Bucket=BUCKET)


def _every_stored_byte(client):
    """The bytes of every version of every object in the bucket."""
    listing = client.list_object_versions(Bucket=BUCKET)
    return [
        client.get_object(Bucket=BUCKET, Key=v["Key"], VersionId=v["VersionId"])[
            "Body"
        ].read()
        for v in listing.get("Versions", [])
    ]


def test_a_payload_goes_to_the_bucket_encrypted_and_comes_back(
    bucket, transfer, officer_user
):
    payload = attach_payload(transfer, officer_user)
    keys = [o["Key"] for o in bucket.list_objects_v2(Bucket=BUCKET)["Contents"]]
    assert keys == [payload.storage_name]
    stored = _every_stored_byte(bucket)
    assert len(stored) == 1 and stored[0].startswith(b"PRXENC1")
    for fragment in (b"Voorbeeld", b"05.01.01-900.55", b"Inkomensbewijs"):
        assert fragment not in stored[0]
    assert b"".join(services.iter_plaintext(payload)) == LIST_CSV


def test_deletion_removes_every_version_and_the_evidence_says_so(
    bucket, transfer, officer_user
):
    payload = attach_payload(transfer, officer_user)
    evidence = services.delete_transfer_data(
        transfer, user=officer_user, reason=DeletionEvidence.Reason.MANUAL
    )
    listing = bucket.list_object_versions(Bucket=BUCKET)
    assert listing.get("Versions", []) == []
    assert listing.get("DeleteMarkers", []) == []
    # The transfer's evidence vouches for the key, destroyed in the transaction;
    # the file's own evidence, written once it had committed, for the bucket.
    assert evidence.verified and "data key present: no" in evidence.verification
    removed = DeletionEvidence.objects.get(
        transfer=transfer, subject=DeletionEvidence.Subject.PAYLOAD
    )
    assert removed.verified and removed.subject_id == str(payload.pk)
    assert f"bucket {BUCKET}, all versions: no" in removed.verification
    payload.refresh_from_db()
    assert payload.wrapped_key is None and payload.file_removed_at is not None


def test_a_leftover_version_is_reported_not_hidden(bucket, protocol, officer_user):
    """If the store kept a copy (here: a second version written behind our back),
    deletion deletes it too; the check looks at versions, not just the latest."""
    transfer = make_transfer(protocol, officer_user)
    payload = attach_payload(transfer, officer_user)
    bucket.put_object(
        Bucket=BUCKET, Key=payload.storage_name, Body=b"PRXENC1 other copy"
    )
    assert len(bucket.list_object_versions(Bucket=BUCKET)["Versions"]) == 2
    services.delete_transfer_data(
        transfer, user=officer_user, reason=DeletionEvidence.Reason.MANUAL
    )
    assert bucket.list_object_versions(Bucket=BUCKET).get("Versions", []) == []


def test_a_signed_decision_is_stored_in_the_bucket_and_served_from_it(
    bucket, client, secretary_user
):
    client.force_login(secretary_user)
    response = client.post(
        reverse("wagtailsnippets_protocols_registry_approvaldecision:add"),
        {
            "reference": "2026_VB_00100",
            "title": "Goedkeuring in de bucket",
            "organisation": OrganisationFactory().pk,
            "governing_body": "vast_bureau",
            "meeting_date": "2026-11-20",
            "session": "closed",
            "outcome": "approved",
            "signed_pdf": SimpleUploadedFile("besluit.pdf", PDF),
        },
    )
    assert response.status_code == 302
    decision = ApprovalDecision.objects.get(reference="2026_VB_00100")
    stored = bucket.get_object(Bucket=BUCKET, Key=decision.signed_pdf.name)
    assert stored["Body"].read() == PDF
    download = client.get(decision.signed_pdf.url)
    assert download.status_code == 200
    assert streamed_bytes(download) == PDF
    # The stored object is private: the bucket itself refuses an anonymous read.
    anonymous = boto3.client(
        "s3",
        endpoint_url=bucket.meta.endpoint_url,
        region_name="us-east-1",
        aws_access_key_id="someone-else",
        aws_secret_access_key="x",
    )
    acl = anonymous.get_object_acl(Bucket=BUCKET, Key=decision.signed_pdf.name)
    assert all(
        grant["Grantee"].get("URI", "").endswith("AllUsers") is False
        for grant in acl["Grants"]
    )
