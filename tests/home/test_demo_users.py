import stat

import pytest
from django.contrib.auth import authenticate as django_authenticate
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.test import RequestFactory

pytestmark = pytest.mark.django_db


def authenticate(**credentials):
    # django-axes needs the request to throttle per address.
    return django_authenticate(RequestFactory().post("/accounts/login/"), **credentials)


@pytest.fixture
def credentials_file(tmp_path, settings):
    settings.DEMO_CREDENTIALS_FILE = tmp_path / "demo-credentials.txt"
    return settings.DEMO_CREDENTIALS_FILE


def test_one_demo_user_per_role_with_a_generated_password(
    credentials_file, monkeypatch
):
    monkeypatch.delenv("DEMO_PASSWORD", raising=False)
    call_command("load_demo")
    text = credentials_file.read_text()
    password = next(
        line.split(":", 1)[1].strip()
        for line in text.splitlines()
        if line.startswith("password:")
    )
    assert stat.S_IMODE(credentials_file.stat().st_mode) == 0o600
    User = get_user_model()
    expected = {
        "dpo": "DPO",
        "dpo-thuispunt": "DPO",
        "secretary": "Board secretary",
        "editor": "Editor",
        "officer": "Exchange officer",
        "auditor": "Auditor",
    }
    for username, group in expected.items():
        user = User.objects.get(username=username)
        assert list(user.groups.values_list("name", flat=True)) == [group]
        assert not user.is_superuser
        assert authenticate(username=username, password=password) == user
    assert User.objects.get(username="admin").is_superuser


def test_loading_twice_changes_nothing(credentials_file, monkeypatch):
    monkeypatch.delenv("DEMO_PASSWORD", raising=False)
    call_command("load_demo")
    User = get_user_model()
    before = {u.username: u.password for u in User.objects.all()}
    first_text = credentials_file.read_text()
    call_command("load_demo")
    after = {u.username: u.password for u in User.objects.all()}
    assert before == after
    assert credentials_file.read_text() == first_text


def test_demo_password_from_the_environment(credentials_file, monkeypatch):
    monkeypatch.setenv("DEMO_PASSWORD", "een-lang-demo-wachtwoord")
    call_command("load_demo")
    assert authenticate(username="dpo", password="een-lang-demo-wachtwoord")
    assert not credentials_file.exists()


def test_refused_outside_demo_mode(settings, credentials_file):
    settings.DEMO_MODE = False
    with pytest.raises(CommandError, match="development only"):
        call_command("load_demo")
    assert not get_user_model().objects.filter(username="dpo").exists()


def test_the_generated_password_passes_the_password_rules(
    credentials_file, monkeypatch
):
    from django.contrib.auth.password_validation import validate_password

    monkeypatch.delenv("DEMO_PASSWORD", raising=False)
    call_command("load_demo")
    password = credentials_file.read_text().split("password:", 1)[1].strip()
    for user in get_user_model().objects.all():
        validate_password(password, user)


def test_a_generated_password_like_a_users_name_is_drawn_again(
    credentials_file, monkeypatch
):
    # One draw in some 3 000 looks like a demo user's first name to Django's
    # similarity rule (seen in CI: "sNF0priH9ItJAguo" for "Functionaris").
    from home.demo import users

    draws = iter(["sNF0priH9ItJAguo", "q7Vw-xZt3LmKpR2d"])
    monkeypatch.setattr(users.secrets, "token_urlsafe", lambda n: next(draws))
    monkeypatch.delenv("DEMO_PASSWORD", raising=False)
    call_command("load_demo")
    assert "password: q7Vw-xZt3LmKpR2d" in credentials_file.read_text()


def test_a_predictable_demo_password_is_refused_before_anything_is_made(
    credentials_file, monkeypatch
):
    monkeypatch.setenv("DEMO_PASSWORD", "Welkom2026!!")
    with pytest.raises(CommandError, match="demo password is refused"):
        call_command("load_demo")
    assert not get_user_model().objects.exists()


def test_the_demo_users_speak_for_the_seed_protocols_parties(
    credentials_file, monkeypatch
):
    from protocols_registry import memberships, roles
    from protocols_registry.models import Organisation, OrganisationMember

    monkeypatch.delenv("DEMO_PASSWORD", raising=False)
    call_command("load_demo")
    call_command("load_demo")
    ocmw = Organisation.objects.get(enterprise_number="0212214125")
    thuispunt = Organisation.objects.get(enterprise_number="0400032156")
    assert [u.username for u in memberships.members_in_role([ocmw], roles.DPO)] == [
        "dpo"
    ]
    assert [
        u.username for u in memberships.members_in_role([thuispunt], roles.DPO)
    ] == ["dpo-thuispunt"]
    secretaries = memberships.members_in_role([ocmw], roles.BOARD_SECRETARY)
    assert [u.username for u in secretaries] == ["secretary"]
    # The four above, the officer's two, the auditor's three (it reads both
    # controllers' registers, home.demo.register); loading twice adds nothing.
    assert OrganisationMember.objects.count() == 9


def test_the_demo_officer_and_auditor_see_every_demo_transfer(
    credentials_file, monkeypatch
):
    from exchanges import scoping
    from exchanges.models import Transfer

    monkeypatch.delenv("DEMO_PASSWORD", raising=False)
    call_command("load_demo")
    assert Transfer.objects.count() >= 2
    for username in ("officer", "auditor"):
        user = get_user_model().objects.get(username=username)
        assert scoping.visible_transfers(user).count() == Transfer.objects.count()
    officer = get_user_model().objects.get(username="officer")
    assert scoping.workable_transfers(officer).count() == Transfer.objects.count()
