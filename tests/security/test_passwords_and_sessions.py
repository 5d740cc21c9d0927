"""Password policy, session keys and timeouts, logout and deactivation."""

import time

import pytest
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.test import Client

from security.middleware import SessionTimeoutMiddleware
from tests.conftest import make_user
from tests.security.conftest import password_login, totp_code

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "password", ["kort-11-tek", "password1234", "1qaz2wsx3edc", "qwertyuiop123"]
)
def test_weak_passwords_are_refused(password):
    with pytest.raises(ValidationError):
        validate_password(password)


def test_a_password_like_the_user_name_is_refused():
    user = make_user("jan.verzonnen", "Editor")
    with pytest.raises(ValidationError):
        validate_password("jan.verzonnen2026", user)


def test_no_composition_rules_a_long_phrase_is_enough():
    validate_password("paarse olifanten dansen traag")


def test_production_uses_a_slow_hash():
    import config.settings as production

    assert (
        production.PASSWORD_HASHERS[0]
        == "django.contrib.auth.hashers.Argon2PasswordHasher"
    )


def test_the_session_key_changes_at_login_and_after_the_second_factor():
    user = make_user("dpo-session", "DPO")
    client = Client()
    client.get("/accounts/login/")
    password_login(client, "dpo-session")
    after_password = client.session.session_key
    client.post("/accounts/2fa/authenticate/", {"code": totp_code(user.totp_secret)})
    after_second_factor = client.session.session_key
    assert (
        after_password and after_second_factor and after_password != after_second_factor
    )


def _logged_in(user):
    client = Client()
    password_login(client, user.get_username())
    client.post("/accounts/2fa/authenticate/", {"code": totp_code(user.totp_secret)})
    assert client.get("/admin/").status_code == 200
    return client


def _age_session(client, **shift):
    session = client.session
    for key, seconds in shift.items():
        session[key] = session[key] - seconds
    session.save()


def test_a_session_ends_after_thirty_idle_minutes():
    client = _logged_in(make_user("officer-idle", "Exchange officer"))
    _age_session(client, **{SessionTimeoutMiddleware.SEEN_AT: 31 * 60})
    response = client.get("/admin/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_session_ends_eight_hours_after_login_even_when_active():
    client = _logged_in(make_user("auditor-long", "Auditor"))
    _age_session(
        client,
        **{
            SessionTimeoutMiddleware.LOGIN_AT: 8 * 3600 + 60,
            SessionTimeoutMiddleware.SEEN_AT: 0,
        },
    )
    assert client.get("/admin/").status_code == 302


def test_activity_keeps_a_session_alive():
    client = _logged_in(make_user("editor-active", "Editor"))
    _age_session(client, **{SessionTimeoutMiddleware.SEEN_AT: 29 * 60})
    assert client.get("/admin/").status_code == 200
    assert time.time() - client.session[SessionTimeoutMiddleware.SEEN_AT] < 5


def test_logout_ends_the_session_on_the_server():
    client = _logged_in(make_user("dpo-out", "DPO"))
    key = client.session.session_key
    client.post("/accounts/logout/")
    assert not Session.objects.filter(session_key=key).exists()


def test_deactivating_a_user_ends_their_sessions():
    from tests.conftest import SecondFactorClient

    user = make_user("secretary-gone", "Board secretary")
    first = _logged_in(user)
    second = SecondFactorClient()
    second.force_login(user)
    assert second.get("/admin/").status_code == 200
    user.is_active = False
    user.save()
    for client in (first, second):
        assert client.get("/admin/").status_code == 302
