"""The sender's one-time upload link and the officer's own upload: encrypted on the
way in, never plaintext on disk, refused plainly when the link or file is wrong."""

import datetime
import re
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from exchanges import services
from exchanges.models import AuditEvent, Payload, Transfer, UploadLink
from exchanges.storage import payload_storage
from tests.exchanges.conftest import LIST_CSV

pytestmark = pytest.mark.django_db

MARKER = b"UNIEKE-MARKERING-VOOR-DE-TEST"


def new_link(transfer, user, **kwargs):
    link, token = services.create_upload_link(transfer, user=user, **kwargs)
    return link, reverse("exchanges:upload", args=[token])


def all_files_under(*roots):
    for root in roots:
        for path in Path(root).rglob("*"):
            if path.is_file():
                yield path


def test_sender_uploads_once_through_the_link(
    client, transfer, officer_user, tmp_path, settings
):
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path)
    link, url = new_link(transfer, officer_user)
    page = client.get(url)
    assert page.status_code == 200
    assert transfer.protocol.reference in page.content.decode()
    content = (
        LIST_CSV + MARKER + b"\r\n" + b"x;" * 2_000_000
    )  # > 2.5 MB: Django would spool it
    response = client.post(url, {"file": SimpleUploadedFile("lijst.csv", content)})
    assert response.status_code == 200
    html = response.content.decode()
    payload = Payload.objects.get()
    assert payload.sha256_plaintext in html
    assert payload.size == len(content)
    transfer.refresh_from_db()
    assert transfer.status == Transfer.Status.RECEIVED
    link.refresh_from_db()
    assert link.used_at is not None

    # Nothing plaintext anywhere on disk: not in the payload storage, not in the
    # temporary upload folder, not in the media folder.
    roots = [settings.MEDIA_ROOT, tmp_path]
    for path in all_files_under(*roots):
        assert MARKER not in path.read_bytes(), path
    stored = Path(payload_storage().path(payload.storage_name))
    assert stored.exists() and MARKER not in stored.read_bytes()

    again = client.post(url, {"file": SimpleUploadedFile("lijst.csv", LIST_CSV)})
    assert again.status_code == 404
    assert Payload.objects.count() == 1
    refused = AuditEvent.objects.filter(action="upload_link.refused").last()
    assert refused.details["reason"] == "used"
    assert refused.details["attempts"] == 1
    assert refused.object_id == str(link.pk) and refused.transfer_id == transfer.pk
    assert refused.ip_address is None  # an anonymous client's address is never kept


def test_the_officer_sees_a_receipt_and_the_upload_in_the_timeline(
    client, transfer, officer_user
):
    _link, url = new_link(transfer, officer_user)
    client.post(url, {"file": SimpleUploadedFile("lijst.csv", LIST_CSV)})
    client.force_login(officer_user)
    html = client.get(
        reverse("exchanges_admin:transfer_detail", args=[transfer.pk])
    ).content.decode()
    payload = Payload.objects.get()
    assert payload.sha256_plaintext in html
    assert "payload.uploaded" in html
    event = AuditEvent.objects.get(action="payload.uploaded")
    assert event.actor == "sender (upload link)"
    assert event.details["via"] == "upload_link"


def test_an_expired_link_is_refused_and_logged(client, transfer, officer_user):
    link, url = new_link(transfer, officer_user)
    UploadLink.objects.filter(pk=link.pk).update(
        expires_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    response = client.get(url)
    assert response.status_code == 404
    assert "niet geldig" in response.content.decode()
    assert AuditEvent.objects.filter(
        action="upload_link.refused", details__reason="expired"
    ).exists()


def test_a_wrong_token_is_refused_and_logged_without_the_token(client, transfer):
    token = "verkeerd-" + "x" * 30
    response = client.post(reverse("exchanges:upload", args=[token]), {})
    assert response.status_code == 404
    event = AuditEvent.objects.get(action="upload_link.refused")
    assert event.details["reason"] == "unknown"
    assert set(event.details) == {"reason", "client", "window_start", "attempts"}
    assert token not in str(event.details) and token not in event.object_id


@pytest.mark.parametrize(
    "name, content",
    [
        (
            "lijst.csv",
            b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff",
        ),  # a program
        ("lijst.csv", b"<html><script>alert(1)</script></html>"),
        ("lijst.csv", b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>'),
        ("lijst.exe", LIST_CSV),
        ("lijst.csv", b""),
        ("lijst.pdf", b"%PDF-1.4 not allowed on this link"),
    ],
)
def test_files_that_are_not_what_the_link_accepts_are_refused(
    client, transfer, officer_user, name, content
):
    link, url = new_link(transfer, officer_user, allowed_types=["csv", "xlsx"])
    response = client.post(url, {"file": SimpleUploadedFile(name, content)})
    assert response.status_code == 400
    assert (
        "niet aanvaard" in response.content.decode()
        or "leeg" in response.content.decode()
    )
    assert not Payload.objects.exists()
    link.refresh_from_db()
    assert link.used_at is None  # a refused file does not use up the link


def test_a_file_over_the_limit_is_refused(
    client, transfer, officer_user, tmp_path, settings
):
    settings.FILE_UPLOAD_TEMP_DIR = str(tmp_path)
    _link, url = new_link(transfer, officer_user, max_size=1024 * 1024)
    big = LIST_CSV + MARKER + b"a;" * (1024 * 1024)
    response = client.post(url, {"file": SimpleUploadedFile("lijst.csv", big)})
    assert response.status_code == 400
    assert "groter dan toegelaten" in response.content.decode()
    assert not Payload.objects.exists()
    for path in all_files_under(settings.MEDIA_ROOT, tmp_path):
        assert MARKER not in path.read_bytes()


def test_a_dot_dot_file_name_never_becomes_a_path(client, transfer, officer_user):
    _link, url = new_link(transfer, officer_user)
    client.post(url, {"file": SimpleUploadedFile("../../etc/lijst.csv", LIST_CSV)})
    payload = Payload.objects.get()
    assert ".." not in payload.storage_name
    assert re.fullmatch(r"exchanges/payloads/[0-9a-f-]{36}\.enc", payload.storage_name)


def test_officer_uploads_directly_and_downloads_the_same_bytes(
    client, transfer, officer_user
):
    client.force_login(officer_user)
    response = client.post(
        reverse("exchanges_admin:payload_upload", args=[transfer.pk]),
        {"file": SimpleUploadedFile("lijst.csv", LIST_CSV)},
    )
    assert response.status_code == 302
    download = client.get(
        reverse("exchanges_admin:payload_download", args=[transfer.pk])
    )
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == LIST_CSV
    assert "attachment" in download["Content-Disposition"]
    assert "no-store" in download["Cache-Control"]


def test_upload_links_are_only_made_for_transfers_without_a_file(
    transfer, officer_user, payload
):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.create_upload_link(transfer, user=officer_user)
