"""The second factor: required for every privileged user on every login path, and no
protected page answers before it."""

import pytest
from django.test import Client

from tests.conftest import PASSWORD, make_user
from tests.security.conftest import password_login, totp_code

pytestmark = pytest.mark.django_db

PROTECTED = [
    "/admin/",
    "/admin/pages/",
    "/admin/exchanges/transfers/",
    "/admin/snippets/protocols_registry/processingactivity/",
]


@pytest.fixture
def plain_client():
    return Client()


def test_a_password_alone_opens_nothing(plain_client):
    user = make_user("officer-2fa", "Exchange officer")
    response = password_login(plain_client, "officer-2fa")
    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/2fa/authenticate/")
    for url in PROTECTED:
        answer = plain_client.get(url)
        assert answer.status_code == 302 and "/accounts/login/" in answer["Location"], (
            url
        )
    page = plain_client.get("/accounts/2fa/authenticate/")
    assert page.status_code == 200
    wrong = plain_client.post("/accounts/2fa/authenticate/", {"code": "000000"})
    assert wrong.status_code == 200
    assert plain_client.get("/admin/").status_code == 302
    right = plain_client.post(
        "/accounts/2fa/authenticate/", {"code": totp_code(user.totp_secret)}
    )
    assert right.status_code == 302
    assert plain_client.get("/admin/").status_code == 200


def test_a_code_works_once(plain_client):
    user = make_user("dpo-2fa", "DPO")
    code = totp_code(user.totp_secret)
    password_login(plain_client, "dpo-2fa")
    assert (
        plain_client.post("/accounts/2fa/authenticate/", {"code": code}).status_code
        == 302
    )
    plain_client.post("/accounts/logout/")
    second = Client()
    password_login(second, "dpo-2fa")
    again = second.post("/accounts/2fa/authenticate/", {"code": code})
    assert again.status_code == 200  # refused: the form is shown again
    assert second.get("/admin/").status_code == 302


def test_wrong_codes_are_throttled(plain_client):
    user = make_user("auditor-2fa", "Auditor")
    password_login(plain_client, "auditor-2fa")
    for _ in range(10):
        plain_client.post("/accounts/2fa/authenticate/", {"code": "123456"})
    blocked = plain_client.post(
        "/accounts/2fa/authenticate/", {"code": totp_code(user.totp_secret)}
    )
    assert blocked.status_code == 200  # the form again, with "too many attempts"
    assert plain_client.get("/admin/").status_code == 302
    # From another address the same user is throttled too: the limit is per user.
    other = Client(REMOTE_ADDR="192.0.2.99")
    password_login(other, "auditor-2fa")
    assert (
        other.post(
            "/accounts/2fa/authenticate/",
            {"code": totp_code(user.totp_secret, offset=1)},
        ).status_code
        == 200
    )


def test_a_recovery_code_works_once(plain_client):
    from allauth.mfa.recovery_codes.internal.auth import RecoveryCodes

    user = make_user("editor-2fa", "Editor")
    codes = RecoveryCodes.activate(user).generate_codes()
    password_login(plain_client, "editor-2fa")
    assert (
        plain_client.post("/accounts/2fa/authenticate/", {"code": codes[0]}).status_code
        == 302
    )
    assert plain_client.get("/admin/").status_code == 200
    other = Client()
    password_login(other, "editor-2fa")
    assert (
        other.post("/accounts/2fa/authenticate/", {"code": codes[0]}).status_code == 200
    )
    assert other.get("/admin/").status_code == 302


def test_a_user_without_second_factor_must_enrol_first(
    plain_client, flushable_audit_log
):
    """Run with real transactions: allauth announces the new factor on commit."""
    from allauth.mfa.models import Authenticator

    user = make_user("secretary-new", "Board secretary", second_factor=False)
    response = password_login(plain_client, "secretary-new")
    assert response.status_code == 302
    for url in PROTECTED:
        answer = plain_client.get(url)
        assert answer.status_code == 302, url
        assert answer["Location"] == "/accounts/2fa/totp/activate/", url
    # Enrolling asks for the password again, so a stolen session cannot enrol
    # someone else's device.
    first = plain_client.get("/accounts/2fa/totp/activate/")
    assert first.status_code == 302 and first["Location"].startswith(
        "/accounts/reauthenticate/"
    )
    reauth = plain_client.post(first["Location"], {"password": PASSWORD})
    assert reauth.status_code == 302
    page = plain_client.get("/accounts/2fa/totp/activate/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "authenticator" in html.lower() or "verificatie" in html.lower()
    secret = page.context["form"].secret
    key_before = plain_client.session.session_key
    done = plain_client.post(
        "/accounts/2fa/totp/activate/", {"code": totp_code(secret)}
    )
    assert done.status_code == 302
    assert Authenticator.objects.filter(user=user, type="totp").exists()
    assert plain_client.session.session_key != key_before  # new key after the factor
    assert plain_client.get("/admin/").status_code == 200


def test_privileged_users_cannot_remove_their_second_factor(client, officer_user):
    client.force_login(officer_user)
    response = client.post("/accounts/2fa/totp/deactivate/", {})
    from allauth.mfa.models import Authenticator

    assert Authenticator.objects.filter(user=officer_user, type="totp").exists()
    assert response.status_code in (200, 302, 403)


def test_the_admins_password_reset_goes_through_allauth(plain_client):
    response = plain_client.get("/admin/password_reset/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/password/reset/"


def test_signing_up_is_closed(plain_client):
    response = plain_client.get("/accounts/signup/")
    assert response.status_code == 200
    assert "form" not in response.context or response.context.get("form") is None


def test_the_administrator_resets_a_lost_second_factor(officer_user, client):
    from allauth.mfa.models import Authenticator
    from django.core.management import call_command

    client.force_login(officer_user)
    assert client.get("/admin/").status_code == 200
    call_command("reset_second_factor", officer_user.get_username(), verbosity=0)
    assert not Authenticator.objects.filter(user=officer_user).exists()
    answer = client.get("/admin/")
    assert answer.status_code == 302  # the session was ended
