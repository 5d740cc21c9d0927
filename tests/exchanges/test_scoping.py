"""Each organisation sees only its own transfers (exchanges.scoping).

Organisations A, B and C share one installation. The Exchange officer and the
auditor of A are attacked with every door to a transfer between B and C: each
answers 404, as for a transfer that does not exist, and nothing of it leaks or
changes. A transfer from B to A (A is the recipient) works as before.
"""

import csv
import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from exchanges import services, worklist
from exchanges.list_import import parse_list
from exchanges.models import (
    AuditEvent,
    DeletionEvidence,
    ListEntry,
    Payload,
    Transfer,
    UploadLink,
)
from protocols_registry import roles
from tests.conftest import make_user
from tests.exchanges.conftest import LIST_CSV, attach_payload, make_transfer
from tests.factories import OrganisationFactory, build_protocol, member_of
from tests.helpers import close_file

pytestmark = pytest.mark.django_db

# The invented person in LIST_CSV: neither may reach an outsider's page.
SECRETS = ("Voorbeeld", "05.01.01-900.55")


@pytest.fixture
def world():
    a = OrganisationFactory(name="Organisatie Alfa")
    b = OrganisationFactory(name="Organisatie Bravo")
    c = OrganisationFactory(name="Organisatie Charlie")
    officer_bc = member_of(make_user("officer-bc", roles.EXCHANGE_OFFICER), b, c)
    between_b_and_c = build_protocol(title="Protocol Bravo-Charlie", parties=[b, c])
    foreign = make_transfer(between_b_and_c, officer_bc)
    attach_payload(foreign, officer_bc)
    worklist.import_list(foreign, parse_list(LIST_CSV, "csv"), user=officer_bc)
    gone = make_transfer(between_b_and_c, officer_bc)
    evidence = services.delete_transfer_data(gone, reason="manual", actor="test")
    b_to_a = build_protocol(title="Protocol Bravo-Alfa", parties=[b, a])
    ours = make_transfer(b_to_a, officer_bc)
    attach_payload(ours, officer_bc)
    worklist.import_list(ours, parse_list(LIST_CSV, "csv"), user=officer_bc)
    return {
        "a": a,
        "b": b,
        "c": c,
        "foreign": foreign,
        "gone": gone,
        "evidence": evidence,
        "ours": ours,
        "protocol_bc": between_b_and_c,
        "protocol_ba": b_to_a,
        "officer_a": member_of(make_user("officer-a", roles.EXCHANGE_OFFICER), a),
        "auditor_a": member_of(make_user("auditor-a", roles.AUDITOR), a),
    }


def doors(pk):
    """Every admin URL that names one transfer, with the method it is used by."""
    return {
        "detail": ("get", reverse("exchanges_admin:transfer_detail", args=[pk])),
        "download": ("get", reverse("exchanges_admin:payload_download", args=[pk])),
        "upload": ("post", reverse("exchanges_admin:payload_upload", args=[pk])),
        "link": ("post", reverse("exchanges_admin:upload_link_create", args=[pk])),
        "delete": ("post", reverse("exchanges_admin:transfer_delete", args=[pk])),
        "import": ("get", reverse("exchanges_admin:worklist_import", args=[pk])),
        "worklist": ("get", reverse("exchanges_admin:worklist", args=[pk])),
        "handle": ("post", reverse("exchanges_admin:worklist", args=[pk])),
        "export": ("get", reverse("exchanges_admin:worklist_export", args=[pk])),
    }


def knock(client, method, url, entries=()):
    data = {
        "post": {
            "confirm": "on",
            "confirmed": "yes",
            "action": "contacted",
            "entries": [str(pk) for pk in entries],
            "hours": "24",
            "max_megabytes": "5",
            "allowed_types": ["csv"],
            "file": SimpleUploadedFile("lijst.csv", LIST_CSV),
        },
        "get": {},
    }[method]
    response = getattr(client, method)(url, data)
    if getattr(response, "streaming", False):
        body = b"".join(response.streaming_content)
        close_file(response)
    else:
        body = response.content
    return response.status_code, body.decode(errors="replace")


def state(transfer):
    """What an attack could change of a transfer."""
    transfer = Transfer.objects.get(pk=transfer.pk)
    return (
        transfer.status,
        Payload.objects.filter(transfer=transfer, wrapped_key__isnull=False).count(),
        ListEntry.objects.filter(transfer=transfer).count(),
        UploadLink.objects.filter(transfer=transfer).count(),
        DeletionEvidence.objects.filter(transfer=transfer).count(),
    )


@pytest.mark.parametrize("who", ["officer_a", "auditor_a"])
def test_every_door_to_a_transfer_between_others_is_not_found(client, world, who):
    foreign = world["foreign"]
    client.force_login(world[who])
    before = state(foreign)
    entries = list(foreign.list_entries.values_list("pk", flat=True))
    for name, (method, url) in doors(foreign.pk).items():
        status, body = knock(client, method, url, entries)
        assert status == 404, name
        assert foreign.reference not in body, name
        for secret in SECRETS:
            assert secret not in body, name
    assert state(foreign) == before
    assert not AuditEvent.objects.filter(
        transfer_id=foreign.pk,
        action__in=["payload.downloaded", "worklist.viewed", "worklist.exported"],
    ).exists()
    # The attempts are on the record, for the auditors of B and C (not of A).
    refused = AuditEvent.objects.filter(transfer_id=foreign.pk, action="access.refused")
    assert refused.filter(actor=world[who].get_username()).exists()


def test_out_of_scope_answers_as_a_transfer_that_does_not_exist(client, world):
    client.force_login(world["officer_a"])
    missing = Transfer.objects.order_by("-pk").first().pk + 100
    for name, (method, url) in doors(missing).items():
        assert knock(client, method, url)[0] == 404, name


def test_the_lists_show_only_transfers_of_ones_own_organisations(client, world):
    client.force_login(world["officer_a"])
    listing = client.get(reverse("exchanges_admin:transfer_list")).content.decode()
    assert world["ours"].reference in listing
    assert world["foreign"].reference not in listing
    assert world["gone"].reference not in listing
    # The protocol filter does not name protocols only others transferred under.
    assert "Protocol Bravo-Alfa" in listing
    assert "Protocol Bravo-Charlie" not in listing
    due = client.get(reverse("exchanges_admin:transfer_list"), {"retention_due": "on"})
    assert world["foreign"].reference not in due.content.decode()
    evidence = client.get(reverse("exchanges_admin:evidence_list")).content.decode()
    assert world["gone"].reference not in evidence
    certificate = reverse("exchanges_admin:certificate", args=[world["evidence"].pk])
    assert client.get(certificate).status_code == 404


def test_the_audit_log_hides_the_trace_of_others_transfers(client, world):
    client.force_login(world["auditor_a"])
    url = reverse("exchanges_admin:audit_log")
    page = client.get(url)
    shown = {event.transfer_id for event in page.context["page_obj"].object_list}
    assert world["ours"].pk in shown
    assert world["foreign"].pk not in shown and world["gone"].pk not in shown
    filtered = client.get(url, {"transfer": world["foreign"].reference})
    assert list(filtered.context["page_obj"].object_list) == []


def test_a_transfer_where_one_is_recipient_works(client, world):
    ours = world["ours"]
    client.force_login(world["officer_a"])
    assert client.get(doors(ours.pk)["detail"][1]).status_code == 200
    download = client.get(doors(ours.pk)["download"][1])
    assert download.status_code == 200
    assert b"".join(download.streaming_content) == LIST_CSV
    close_file(download)
    assert AuditEvent.objects.filter(
        action="payload.downloaded", transfer_id=ours.pk, actor="officer-a"
    ).exists()
    page = client.get(doors(ours.pk)["worklist"][1]).content.decode()
    assert "Voorbeeld" in page
    client.force_login(world["auditor_a"])
    assert client.get(doors(ours.pk)["detail"][1]).status_code == 200
    export = client.get(doors(ours.pk)["export"][1])
    assert export.status_code == 200
    rows = list(csv.reader(io.StringIO(export.content.decode())))
    assert len(rows) == 2 and "Voorbeeld" not in export.content.decode()


def test_a_transfer_is_recorded_only_for_ones_own_organisations(client, world):
    a, b, c = world["a"], world["b"], world["c"]
    three = build_protocol(title="Protocol met drie", parties=[b, c, a])
    client.force_login(world["officer_a"])
    url = reverse("exchanges_admin:transfer_create")
    choice = client.get(url).content.decode()
    assert "Protocol met drie" in choice and "Protocol Bravo-Alfa" in choice
    assert "Protocol Bravo-Charlie" not in choice
    refused = client.get(url, {"protocol": world["protocol_bc"].pk})
    assert "protocol" in refused.context["form"].errors

    def post(sender, recipient):
        return client.post(
            f"{url}?protocol={three.pk}",
            {
                "decision": three.approving_decisions()[0].pk,
                "sender": sender.pk,
                "recipient": recipient.pk,
                "sent_at": "2025-06-02T09:30",
                "channel": "platform",
                "data_items": [item.pk for item in three.data_items.all()],
                "data_subject_count": "3",
            },
        )

    response = post(b, c)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "Organisatie Alfa" not in str(errors)
    assert errors["sender"][0].startswith("Verstrekker: de verstrekker of de ontvanger")
    assert not Transfer.objects.filter(protocol=three).exists()
    response = post(b, a)
    assert response.status_code == 302
    recorded = Transfer.objects.get(protocol=three)
    assert (recorded.sender, recorded.recipient) == (b, a)
    assert recorded.sent_at.date() == datetime.date(2025, 6, 2)


def test_a_superuser_alone_sees_no_transfer(client, world, admin_user):
    client.force_login(admin_user)
    listing = client.get(reverse("exchanges_admin:transfer_list"))
    assert world["ours"].reference not in listing.content.decode()
    assert client.get(doors(world["ours"].pk)["detail"][1]).status_code == 404


def test_a_member_of_both_sides_in_another_role_sees_nothing(client, world):
    editor = member_of(make_user("editor-bc", roles.EDITOR), world["b"], world["c"])
    client.force_login(editor)
    response = client.get(doors(world["foreign"].pk)["detail"][1])
    assert response.status_code == 302  # no exchanges permission at all


def test_a_member_of_no_organisation_is_told_why_the_list_is_empty(client, world):
    lone = make_user("officer-alone", roles.EXCHANGE_OFFICER)
    client.force_login(lone)
    listing = client.get(reverse("exchanges_admin:transfer_list")).content.decode()
    assert "u bent van geen enkele lid" in listing
    assert world["ours"].reference not in listing
    step = client.get(reverse("exchanges_admin:transfer_create")).content.decode()
    assert "u bent van geen enkele lid" in step
    client.force_login(world["officer_a"])
    listing = client.get(reverse("exchanges_admin:transfer_list")).content.decode()
    assert "u bent van geen enkele lid" not in listing
