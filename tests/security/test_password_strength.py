"""Predictable passwords are refused by a strength estimator (zxcvbn, with the
Dutch and local words of security/passwords.py) besides the length, common-password
and similarity rules: in validate_password and in the forms users change or set
their password with, with the reason in Dutch."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.utils import translation

from tests.conftest import PASSWORD, SecondFactorClient, make_user

pytestmark = pytest.mark.django_db

PREDICTABLE = ["aaaaaaaaaaaa", "azertyuiop12", "Welkom2026!!"]
STRONG = "paarse olifanten dansen traag"
TOO_GUESSABLE_NL = "Uw wachtwoord is te makkelijk te raden"


@pytest.mark.parametrize("password", PREDICTABLE)
def test_predictable_passwords_are_refused_with_the_reason_in_dutch(password):
    user = make_user("jan.verzonnen", "Editor")
    with translation.override("nl-be"), pytest.raises(ValidationError) as refused:
        validate_password(password, user)
    assert TOO_GUESSABLE_NL in " ".join(refused.value.messages)


@pytest.mark.parametrize(
    "password", ["Zomer2025!!!", "Gent2026Gent", "OCMWgent2026!", "Protocol2026!"]
)
def test_local_words_count_as_guessable(password):
    with pytest.raises(ValidationError):
        validate_password(password)


def test_a_strong_passphrase_and_the_test_password_are_accepted():
    user = make_user("an.verzonnen", "DPO")
    validate_password(STRONG, user)
    validate_password(PASSWORD, user)


def test_the_reason_is_in_english_under_english():
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        validate_password("Welkom2026!!")
    assert "Your password is too guessable" in " ".join(refused.value.messages)


def _logged_in(user):
    client = SecondFactorClient()
    client.force_login(user)
    return client


@pytest.mark.parametrize("password", PREDICTABLE)
def test_the_password_change_form_refuses_a_predictable_password(password):
    user = make_user("dpo-change", "DPO")
    client = _logged_in(user)
    response = client.post(
        "/accounts/password/change/",
        {"oldpassword": PASSWORD, "password1": password, "password2": password},
    )
    assert response.status_code == 200
    assert TOO_GUESSABLE_NL in response.content.decode()
    user.refresh_from_db()
    assert user.check_password(PASSWORD) and not user.check_password(password)


def test_the_password_change_form_takes_a_strong_passphrase():
    user = make_user("dpo-strong", "DPO")
    client = _logged_in(user)
    response = client.post(
        "/accounts/password/change/",
        {"oldpassword": PASSWORD, "password1": STRONG, "password2": STRONG},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert user.check_password(STRONG)


@pytest.mark.parametrize("password", [*PREDICTABLE, STRONG])
def test_the_password_set_form_refuses_predictable_and_takes_strong(password):
    user = make_user(f"set-{len(password)}", "Editor")
    user.set_unusable_password()
    user.save()
    client = _logged_in(user)
    response = client.post(
        "/accounts/password/set/", {"password1": password, "password2": password}
    )
    user.refresh_from_db()
    if password == STRONG:
        assert response.status_code == 302
        assert user.check_password(STRONG)
    else:
        assert response.status_code == 200
        assert TOO_GUESSABLE_NL in response.content.decode()
        assert not user.has_usable_password()


def test_an_administrator_cannot_give_a_new_user_a_predictable_password(client):
    admin = make_user("admin-creates", superuser=True)
    client.force_login(admin)
    form = {
        "username": "nieuwe.collega",
        "email": "nieuwe.collega@example.invalid",
        "first_name": "Nieuwe",
        "last_name": "Collega",
        "password1": "Welkom2026!!",
        "password2": "Welkom2026!!",
        "is_active": "on",
    }
    response = client.post("/admin/users/new/", form)
    assert response.status_code == 200
    assert TOO_GUESSABLE_NL in response.content.decode()
    assert not get_user_model().objects.filter(username="nieuwe.collega").exists()
    form["password1"] = form["password2"] = STRONG
    assert client.post("/admin/users/new/", form).status_code == 302
    assert (
        get_user_model().objects.get(username="nieuwe.collega").check_password(STRONG)
    )


def test_a_reset_link_refuses_a_predictable_password(mailoutbox):
    import re

    user = make_user("dpo-reset", "DPO")
    client = SecondFactorClient()
    client.post("/accounts/password/reset/", {"email": user.email})
    link = re.search(r"/accounts/password/reset/key/\S+/", mailoutbox[0].body)[0]
    form_url = client.get(link)["Location"]  # allauth hides the key from the page
    weak = client.post(
        form_url, {"password1": "Welkom2026!!", "password2": "Welkom2026!!"}
    )
    assert weak.status_code == 200
    assert TOO_GUESSABLE_NL in weak.content.decode()
    user.refresh_from_db()
    assert user.check_password(PASSWORD)
    strong = client.post(form_url, {"password1": STRONG, "password2": STRONG})
    assert strong.status_code == 302
    user.refresh_from_db()
    assert user.check_password(STRONG)
