"""django-axes: failed logins lock the user name at that address; a forged
X-Forwarded-For does not help; logins are logged without passwords."""

import json
import logging

import pytest
from django.test import Client

from tests.conftest import PASSWORD, make_user
from tests.security.conftest import password_login

pytestmark = pytest.mark.django_db


def test_five_failures_lock_the_account_at_that_address(caplog):
    make_user("dpo-locked", "DPO")
    client = Client()
    with caplog.at_level(logging.INFO, logger="security.auth"):
        for _ in range(5):
            client.post(
                "/accounts/login/",
                {"login": "dpo-locked", "password": "fout-wachtwoord"},
            )
        locked = password_login(client, "dpo-locked")  # the right password, too late
    assert locked.status_code == 429
    assert "Te veel mislukte pogingen" in locked.content.decode()
    assert "fout-wachtwoord" not in caplog.text and PASSWORD not in caplog.text
    failures = [r for r in caplog.records if getattr(r, "event", "") == "login.failed"]
    assert len(failures) >= 5 and failures[0].username == "dpo-locked"


def test_a_forged_forwarded_for_header_does_not_reset_the_count():
    make_user("officer-locked", "Exchange officer")
    client = Client()
    for number in range(5):
        client.post(
            "/accounts/login/",
            {"login": "officer-locked", "password": "fout-wachtwoord"},
            HTTP_X_FORWARDED_FOR=f"203.0.113.{number}",
        )
    forged = password_login(
        client, "officer-locked", HTTP_X_FORWARDED_FOR="198.51.100.7"
    )
    assert forged.status_code == 429


def test_other_addresses_are_not_locked_out():
    make_user("editor-locked", "Editor")
    attacker = Client(REMOTE_ADDR="203.0.113.50")
    for _ in range(5):
        attacker.post("/accounts/login/", {"login": "editor-locked", "password": "x"})
    colleague = Client(REMOTE_ADDR="192.0.2.10")
    assert password_login(colleague, "editor-locked").status_code == 302


def test_a_successful_login_is_logged_as_one_json_line(caplog):
    from security.logging import JsonFormatter

    make_user("auditor-log", "Auditor", second_factor=False)  # login completes at once
    with caplog.at_level(logging.INFO, logger="security.auth"):
        password_login(Client(), "auditor-log")
    record = next(
        r for r in caplog.records if getattr(r, "event", "") == "login.succeeded"
    )
    line = JsonFormatter().format(record)
    assert json.loads(line)["username"] == "auditor-log"


def test_a_user_name_with_a_newline_cannot_forge_a_log_line(caplog):
    from security.logging import JsonFormatter

    forged = 'x\n{"level": "INFO", "message": "login succeeded", "username": "admin"}'
    with caplog.at_level(logging.INFO, logger="security.auth"):
        Client().post("/accounts/login/", {"login": forged, "password": "whatever"})
    lines = [
        JsonFormatter().format(r) for r in caplog.records if r.name == "security.auth"
    ]
    assert lines
    for line in lines:
        assert "\n" not in line
        assert json.loads(line)["message"] == "login failed"


def test_behind_a_trusted_proxy_each_client_is_locked_on_its_own(settings):
    """Behind the proxy every request comes from its address: the lock-out follows
    the address the proxy appended, not the proxy's, and not what the client wrote."""
    settings.SECURITY_TRUSTED_PROXY_COUNT = 1
    make_user("secretary-locked", "Board secretary")
    proxy = Client(REMOTE_ADDR="10.0.0.2")
    for number in range(5):
        proxy.post(
            "/accounts/login/",
            {"login": "secretary-locked", "password": "fout-wachtwoord"},
            HTTP_X_FORWARDED_FOR=f"198.51.100.{number}, 203.0.113.60",
        )
    forged = password_login(
        proxy, "secretary-locked", HTTP_X_FORWARDED_FOR="198.51.100.9, 203.0.113.60"
    )
    assert forged.status_code == 429
    colleague = Client(REMOTE_ADDR="10.0.0.2")
    answer = password_login(
        colleague, "secretary-locked", HTTP_X_FORWARDED_FOR="192.0.2.10"
    )
    assert answer.status_code == 302
