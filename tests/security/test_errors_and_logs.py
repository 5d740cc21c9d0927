"""Error pages reveal nothing; logs never hold a national register number, a
password or a session id."""

import logging

import pytest
from django.test import Client
from django.urls import reverse

from exchanges import nrn
from security.logging import JsonFormatter
from tests.conftest import PASSWORD, SecondFactorClient, make_user
from tests.exchanges.conftest import LIST_CSV, attach_payload, make_transfer
from tests.factories import build_protocol

pytestmark = pytest.mark.django_db


def test_the_404_page_reveals_nothing(client):
    html = client.get("/admin-oud/config/settings.py").content.decode()
    assert "Pagina niet gevonden" in html
    from django.conf import settings

    for leak in ("Traceback", "urlpatterns", "DEBUG", "/work/", settings.SECRET_KEY):
        assert leak not in html


def test_the_500_page_reveals_nothing():
    admin = make_user("admin-500", superuser=True)
    client = SecondFactorClient(raise_request_exception=False)
    client.force_login(admin)
    # A Wagtail view that fails on a request without its form fields (see the URL
    # matrix): a real server error, rendered by our 500 page.
    response = client.post("/admin/choose-external-link/", {})
    assert response.status_code == 500
    html = response.content.decode()
    assert "Er ging iets mis" in html
    for leak in ("Traceback", "AttributeError", "startswith", "/work/", "wagtail"):
        assert leak not in html


def test_nothing_personal_or_secret_reaches_the_logs(caplog):
    officer = make_user("officer-logs", "Exchange officer")
    protocol = build_protocol()
    transfer = make_transfer(protocol, officer)
    attach_payload(transfer, officer)
    number = nrn.normalise("05.01.01-900.55")  # the person in LIST_CSV
    client = SecondFactorClient(raise_request_exception=False)
    with caplog.at_level(logging.DEBUG):
        Client().post(
            "/accounts/login/",
            {"login": "officer-logs", "password": "fout " + PASSWORD},
        )
        Client().post(
            "/accounts/login/", {"login": "officer-logs", "password": PASSWORD}
        )
        client.force_login(officer)
        client.post(reverse("exchanges_admin:worklist_import", args=[transfer.pk]))
        client.get(reverse("exchanges_admin:worklist", args=[transfer.pk]))
        client.post("/admin/choose-external-link/", {})  # a server error
        session_id = client.cookies["sessionid"].value
    lines = "\n".join(JsonFormatter().format(record) for record in caplog.records)
    assert lines  # the requests above were logged
    for secret in (number, nrn.formatted(number), "Voorbeeld", PASSWORD, session_id):
        assert secret not in lines, secret
    assert "login failed" in lines


def test_the_audit_log_holds_no_personal_data():
    from exchanges.models import AuditEvent

    officer = make_user("officer-audit", "Exchange officer")
    transfer = make_transfer(build_protocol(), officer)
    attach_payload(transfer, officer)
    from exchanges import worklist
    from exchanges.list_import import parse_list

    worklist.import_list(transfer, parse_list(LIST_CSV, "csv"), user=officer)
    entry = transfer.list_entries.get()
    worklist.handle_people(transfer, [entry.pk], reason="contacted", user=officer)
    dump = repr(list(AuditEvent.objects.values()))
    for personal in ("Voorbeeld", "050101", "900.55", "05.01.01"):
        assert personal not in dump
