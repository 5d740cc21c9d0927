"""Retention at every door: from the day after its retention date nobody opens,
downloads, imports, works or exports a transfer's data, nor adds a file, whether or
not enforce_retention has run yet; each refusal is audited, without personal data.
Nothing whose retention date has passed is taken in."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from exchanges import retention, services, worklist
from exchanges.list_import import parse_list
from exchanges.models import AuditEvent, Payload, Transfer
from exchanges.models.transfers import retention_over
from exchanges.storage import payload_storage
from exchanges.uploads import encrypt_bytes
from protocols_registry.models import ProtocolDataItem
from tests.exchanges.conftest import (
    LIST_CSV,
    attach_payload,
    expire,
    make_transfer,
)

pytestmark = pytest.mark.django_db

REFUSED = "access.refused_retention"


def stored_files():
    try:
        return set(payload_storage().listdir("exchanges/payloads")[1])
    except FileNotFoundError:
        return set()


def refusals():
    return AuditEvent.objects.filter(action=REFUSED)


def assert_refusal_recorded(transfer, door, actor):
    event = refusals().get()
    assert event.transfer_id == transfer.pk and event.actor == actor
    # What was tried and the date, nothing else: no name, number, file or path.
    assert event.details == {
        "door": door,
        "retention_date": transfer.retention_date.isoformat(),
    }


# --- the date rule ---------------------------------------------------------------------


def test_the_data_may_be_kept_on_the_retention_date_and_not_a_day_longer():
    last_day = datetime.date(2026, 3, 31)
    assert not retention_over(last_day, datetime.date(2026, 3, 31))
    assert retention_over(last_day, datetime.date(2026, 4, 1))


def test_the_rule_uses_the_local_date_of_brussels(settings):
    # 23:30 UTC on 31/03 is already 1 April in Brussels (summer time, UTC+2).
    assert settings.TIME_ZONE == "Europe/Brussels"
    late = datetime.datetime(2026, 3, 31, 23, 30, tzinfo=datetime.UTC)
    assert timezone.localdate(late) == datetime.date(2026, 4, 1)
    assert retention_over(datetime.date(2026, 3, 31), timezone.localdate(late))


# --- nothing past its date is taken in ----------------------------------------------------


def test_a_transfer_whose_given_retention_date_passed_is_refused(
    protocol, officer_user
):
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    with pytest.raises(ValidationError) as refusal:
        make_transfer(protocol, officer_user, retention_date=yesterday)
    assert "voorbij" in refusal.value.message_dict["retention_date"][0]
    assert not Transfer.objects.exists()
    today = make_transfer(protocol, officer_user, retention_date=timezone.localdate())
    assert today.retention_date == timezone.localdate()


def test_a_transfer_whose_protocol_date_passed_is_refused(protocol, officer_user):
    ProtocolDataItem.objects.filter(page=protocol).update(
        retention_until=datetime.date(2026, 1, 31)
    )
    with pytest.raises(ValidationError) as refusal:
        make_transfer(protocol, officer_user)
    message = refusal.value.message_dict["retention_date"][0]
    assert "31/01/2026" in message and "protocol" in message
    assert not Transfer.objects.exists()


def test_the_officer_sees_the_refusal_on_the_date_field(client, protocol, officer_user):
    client.force_login(officer_user)
    url = reverse("exchanges_admin:transfer_create") + f"?protocol={protocol.pk}"
    response = client.post(
        url,
        {
            "decision": protocol.approving_decisions()[0].pk,
            "sender": protocol.parties.get(role="sender").organisation_id,
            "recipient": protocol.parties.get(role="recipient").organisation_id,
            "sent_at": "2026-01-05T10:00",
            "channel": "platform",
            "data_items": [item.pk for item in protocol.data_items.all()],
            "data_subject_count": 3,
            "retention_date": "2026-02-01",
        },
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "voorbij" in errors["retention_date"][0]
    assert not Transfer.objects.exists()


def test_no_upload_link_for_a_transfer_past_its_date(transfer, officer_user):
    expire(transfer)
    with pytest.raises(retention.RetentionPassed):
        services.create_upload_link(transfer, user=officer_user)
    assert not transfer.upload_links.exists()
    assert_refusal_recorded(transfer, "upload_link.create", officer_user.username)


def test_an_officer_upload_past_the_date_is_refused_and_leaves_no_file(
    client, transfer, officer_user
):
    expire(transfer)
    before = stored_files()
    client.force_login(officer_user)
    response = client.post(
        reverse("exchanges_admin:payload_upload", args=[transfer.pk]),
        {"file": SimpleUploadedFile("lijst.csv", LIST_CSV)},
        follow=True,
    )
    assert "mocht maar bewaard worden tot" in response.content.decode()
    assert not Payload.objects.exists()
    assert stored_files() == before
    assert_refusal_recorded(transfer, "payload.store", officer_user.username)


def test_the_date_passing_while_a_file_arrives_still_refuses_it(
    transfer, officer_user, monkeypatch
):
    """Checked again under the transfer's lock: a file that finishes arriving after
    midnight of the last day is not kept, and its ciphertext is removed."""
    upload = encrypt_bytes(
        LIST_CSV, "lijst.csv", binding=services.payload_binding(transfer)
    )
    original = Transfer.retention_passed
    calls = []

    def passes_at_the_second_look(self, day=None):
        calls.append(self.pk)
        return len(calls) > 1 or original(self, day)

    monkeypatch.setattr(Transfer, "retention_passed", passes_at_the_second_look)
    name = f"exchanges/payloads/{upload.payload_id}.enc"
    with pytest.raises(retention.RetentionPassed):
        services.store_payload(transfer, upload, user=officer_user)
    assert not Payload.objects.exists()
    assert not payload_storage().exists(name)
    assert refusals().get().details["door"] == "payload.store"


def test_an_upload_link_stops_working_at_the_retention_date(
    client, transfer, officer_user
):
    _link, token = services.create_upload_link(transfer, user=officer_user)
    url = reverse("exchanges:upload", args=[token])
    assert client.get(url).status_code == 200
    expire(transfer)
    page = client.get(url)
    assert page.status_code == 404  # the plain answer every unusable link gets
    posted = client.post(url, {"file": SimpleUploadedFile("lijst.csv", LIST_CSV)})
    assert posted.status_code == 404
    assert not Payload.objects.exists()
    assert {event.details["door"] for event in refusals()} == {"upload_link.use"}
    assert {event.actor for event in refusals()} == {"anonymous"}


def test_a_link_upload_that_reaches_the_store_past_the_date_is_refused(
    transfer, officer_user
):
    link, _token = services.create_upload_link(transfer, user=officer_user)
    upload = encrypt_bytes(
        LIST_CSV, "lijst.csv", binding=services.payload_binding(transfer)
    )
    expire(transfer)
    with pytest.raises(retention.RetentionPassed):
        services.store_payload(transfer, upload, link=link)
    assert not Payload.objects.exists()
    link.refresh_from_db()
    assert link.used_at is None
    assert_refusal_recorded(transfer, "payload.store", "sender (upload link)")


# --- nothing past its date is served ------------------------------------------------------


def test_the_officer_cannot_download_a_file_past_its_date(
    client, payload, officer_user
):
    transfer = expire(payload.transfer)
    client.force_login(officer_user)
    url = reverse("exchanges_admin:payload_download", args=[transfer.pk])
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "exchanges_admin:transfer_detail", args=[transfer.pk]
    )
    assert b"Voorbeeld" not in response.content
    assert_refusal_recorded(transfer, "payload.downloaded", officer_user.username)
    assert not AuditEvent.objects.filter(action="payload.downloaded").exists()
    page = client.get(response["Location"]).content.decode()
    assert "mocht maar bewaard worden tot" in page  # the message, in Dutch
    assert "De bewaartermijn is voorbij" in page
    assert "Bestand downloaden" not in page
    # Not the job's doing: the file is still there, unreadable to everyone.
    assert payload_storage().exists(payload.storage_name)


def test_the_service_refuses_every_caller_not_only_the_view(payload, officer_user):
    transfer = expire(payload.transfer)
    payload = Payload.objects.select_related("transfer").get(pk=payload.pk)
    for door in (
        lambda: services.open_payload_for_download(payload, user=officer_user),
        lambda: services.open_payload_stream(payload, user=officer_user),
        lambda: worklist.read_delivered_list(transfer, officer_user),
    ):
        with pytest.raises(retention.RetentionPassed):
            door()
    assert refusals().count() == 3


@pytest.fixture
def imported(transfer, officer_user):
    attach_payload(transfer, officer_user)
    worklist.import_list(transfer, parse_list(LIST_CSV, "csv"), user=officer_user)
    return transfer


def test_the_list_cannot_be_imported_past_the_date(client, transfer, officer_user):
    attach_payload(transfer, officer_user)
    result = parse_list(LIST_CSV, "csv")
    expire(transfer)
    with pytest.raises(retention.RetentionPassed):
        worklist.import_list(transfer, result, user=officer_user)
    assert not transfer.list_entries.exists()
    client.force_login(officer_user)
    url = reverse("exchanges_admin:worklist_import", args=[transfer.pk])
    for response in (client.get(url), client.post(url)):
        assert response.status_code == 302
    assert not transfer.list_entries.exists()
    doors = [event.details["door"] for event in refusals().order_by("sequence")]
    assert doors == ["worklist.imported", "worklist.previewed", "worklist.previewed"]
    assert not AuditEvent.objects.filter(action="worklist.previewed").exists()


def test_the_worklist_cannot_be_viewed_handled_or_exported_past_the_date(
    client, imported, officer_user, auditor_user
):
    expire(imported)
    entry = imported.list_entries.get()
    client.force_login(officer_user)
    url = reverse("exchanges_admin:worklist", args=[imported.pk])
    view = client.get(url)
    assert view.status_code == 302 and b"Voorbeeld" not in view.content
    confirm = client.post(url, {"action": "contacted", "entries": [entry.pk]})
    assert confirm.status_code == 302 and b"Voorbeeld" not in confirm.content
    handled = client.post(
        url, {"action": "contacted", "entries": [entry.pk], "confirmed": "yes"}
    )
    assert handled.status_code == 302
    assert imported.list_entries.filter(pk=entry.pk).exists()  # for the job to delete
    client.force_login(auditor_user)
    export = client.get(reverse("exchanges_admin:worklist_export", args=[imported.pk]))
    assert export.status_code == 302 and b"P-" not in export.content
    doors = [event.details["door"] for event in refusals().order_by("sequence")]
    assert doors == [
        "worklist.viewed",
        "worklist.viewed",
        "worklist.handled",
        "worklist.exported",
    ]
    assert not AuditEvent.objects.filter(action="worklist.viewed").exists()
    with pytest.raises(retention.RetentionPassed):
        worklist.handle_people(
            imported, [entry.pk], reason="contacted", user=officer_user
        )
    with pytest.raises(retention.RetentionPassed):
        worklist.open_worklist(imported, user=officer_user)


def test_within_the_date_every_door_opens(client, imported, officer_user):
    """The gate refuses nothing on the retention date itself."""
    Transfer.objects.filter(pk=imported.pk).update(retention_date=timezone.localdate())
    client.force_login(officer_user)
    url = reverse("exchanges_admin:worklist", args=[imported.pk])
    assert client.get(url).status_code == 200
    download = reverse("exchanges_admin:payload_download", args=[imported.pk])
    assert client.get(download).status_code == 200
    assert not refusals().exists()


def test_the_job_deletes_what_the_doors_refused(client, imported, officer_user):
    expire(imported)
    services.enforce_retention()
    imported.refresh_from_db()
    assert imported.status == Transfer.Status.DELETED
    assert not imported.list_entries.exists()
    payload = Payload.objects.get(transfer=imported)
    assert payload.wrapped_key is None and payload.file_removed_at is not None
    assert not payload_storage().exists(payload.storage_name)
