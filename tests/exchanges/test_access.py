"""Who may open which exchanges screen: nothing without login, auditors read every
trace but never the content, other roles see nothing of the exchanges."""

import pytest
from django.urls import reverse

from exchanges.models import AuditEvent, Payload, Transfer
from tests.helpers import close_file

pytestmark = pytest.mark.django_db


def urls(transfer):
    return {
        "list": reverse("exchanges_admin:transfer_list"),
        "create": reverse("exchanges_admin:transfer_create"),
        "detail": reverse("exchanges_admin:transfer_detail", args=[transfer.pk]),
        "download": reverse("exchanges_admin:payload_download", args=[transfer.pk]),
        "evidence": reverse("exchanges_admin:evidence_list"),
        "audit": reverse("exchanges_admin:audit_log"),
    }


def test_nothing_is_reachable_without_login(client, payload):
    for name, url in urls(payload.transfer).items():
        response = client.get(url)
        assert response.status_code == 302, name
        assert response["Location"].startswith("/accounts/login/"), name


@pytest.mark.parametrize("role", ["editor_user", "dpo_user", "secretary_user"])
def test_other_roles_see_nothing_of_the_exchanges(client, request, payload, role):
    client.force_login(request.getfixturevalue(role))
    for name, url in urls(payload.transfer).items():
        response = client.get(url)
        assert response.status_code == 302 and response["Location"] == "/admin/", name


def test_auditor_reads_every_trace_but_not_the_content(client, payload, auditor_user):
    client.force_login(auditor_user)
    pages = urls(payload.transfer)
    for name in ("list", "detail", "evidence", "audit"):
        assert client.get(pages[name]).status_code == 200, name
    detail = client.get(pages["detail"]).content.decode()
    assert "Bestand downloaden" not in detail
    response = client.get(pages["download"])
    assert response.status_code == 302
    refused = AuditEvent.objects.filter(action="payload.refused").get()
    assert refused.actor == auditor_user.get_username()
    assert refused.transfer_id == payload.transfer_id
    assert client.get(pages["create"]).status_code == 302
    post = client.post(
        reverse("exchanges_admin:transfer_delete", args=[payload.transfer.pk]),
        {"confirm": "on"},
    )
    assert post.status_code == 302
    assert (
        Transfer.objects.get(pk=payload.transfer_id).status != Transfer.Status.DELETED
    )
    link = client.post(
        reverse("exchanges_admin:upload_link_create", args=[payload.transfer.pk]),
        {"hours": "24", "max_megabytes": "5", "allowed_types": ["csv"]},
    )
    assert link.status_code == 302 and payload.transfer.upload_links.count() == 0


def test_auditor_may_verify_the_chain(client, payload, auditor_user):
    client.force_login(auditor_user)
    response = client.post(reverse("exchanges_admin:audit_log"), follow=True)
    assert (
        "Keten intact" in response.content.decode()
        or "intact" in response.content.decode()
    )


def test_officer_download_is_audited_and_never_cached(client, payload, officer_user):
    client.force_login(officer_user)
    response = client.get(
        reverse("exchanges_admin:payload_download", args=[payload.transfer.pk])
    )
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    close_file(response)
    event = AuditEvent.objects.get(action="payload.downloaded")
    assert event.actor == officer_user.get_username()
    assert event.object_id == str(payload.pk)


def test_a_tampered_file_is_not_served(client, payload, officer_user):
    from exchanges.storage import payload_storage

    path = payload_storage().path(payload.storage_name)
    with open(path, "r+b") as handle:
        handle.seek(60)
        byte = handle.read(1)
        handle.seek(60)
        handle.write(bytes([byte[0] ^ 1]))
    client.force_login(officer_user)
    response = client.get(
        reverse("exchanges_admin:payload_download", args=[payload.transfer.pk])
    )
    assert response.status_code == 302
    assert AuditEvent.objects.filter(action="payload.integrity_failed").exists()
    assert not AuditEvent.objects.filter(action="payload.downloaded").exists()
    assert Payload.objects.get(pk=payload.pk).wrapped_key is not None
