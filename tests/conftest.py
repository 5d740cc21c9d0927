"""Fixtures shared by every test folder: users in each role, a logged-in client."""

import hypothesis
import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.test import Client

from protocols_registry import roles

# Property-based tests explore the same examples on every run: a CI run must be
# repeatable. Raise max_examples locally to search harder.
hypothesis.settings.register_profile("repeatable", derandomize=True, deadline=None)
hypothesis.settings.load_profile("repeatable")

PASSWORD = "correct horse battery staple"  # noqa: S105


def make_user(username, group_name=None, superuser=False, second_factor=True):
    """A user in ``group_name``; privileged users get a TOTP authenticator (its
    secret is on ``user.totp_secret``) unless ``second_factor`` is False."""
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret

    User = get_user_model()
    user = User.objects.create_user(
        username=username,
        email=f"{username}@example.invalid",
        password=PASSWORD,
        is_staff=superuser,
        is_superuser=superuser,
    )
    if group_name:
        user.groups.add(Group.objects.get(name=group_name))
        if group_name == roles.EXCHANGE_OFFICER:
            # In the tests' world a DPO approved the role long ago; the approval
            # itself is tested in tests/exchanges/test_role_grants.py.
            from exchanges.role_grants import approve_at_installation

            approve_at_installation(user, group_name, actor="test fixture")
    user.totp_secret = None
    if second_factor and (group_name or superuser):
        user.totp_secret = generate_totp_secret()
        TOTP.activate(user, user.totp_secret)
    return user


class SecondFactorClient(Client):
    """A test client whose force_login() stands for a full login: password and
    second factor, as recorded by django-allauth."""

    def force_login(self, user, backend=None):
        super().force_login(user, backend)
        import time

        from allauth.account.authentication import AUTHENTICATION_METHODS_SESSION_KEY

        session = self.session
        session["account_authentication_methods_user"] = str(user.pk)
        session[AUTHENTICATION_METHODS_SESSION_KEY] = [
            {"method": "password", "at": time.time(), "username": user.get_username()},
            {"method": "mfa", "at": time.time(), "type": "totp"},
        ]
        session.save()


@pytest.fixture
def client():
    return SecondFactorClient()


@pytest.fixture
def dpo_user(db):
    return make_user("dpo-test", roles.DPO)


@pytest.fixture
def secretary_user(db):
    return make_user("secretary-test", roles.BOARD_SECRETARY)


@pytest.fixture
def editor_user(db):
    return make_user("editor-test", roles.EDITOR)


@pytest.fixture
def officer_user(db):
    return make_user("officer-test", roles.EXCHANGE_OFFICER)


@pytest.fixture
def auditor_user(db):
    return make_user("auditor-test", roles.AUDITOR)


@pytest.fixture
def admin_user(db):
    return make_user("admin-test", superuser=True)


@pytest.fixture(autouse=True)
def default_language():
    """A request to an /en/ page leaves English active in the test's thread (the
    locale middleware activates it and nothing resets it): the next test starts in
    the site's default language again."""
    from django.utils import translation

    yield
    translation.deactivate()


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with empty caches: a page cached by an earlier test may
    show data that test rolled back."""
    from django.core.cache import caches

    for cache in caches.all():
        cache.clear()


@pytest.fixture(scope="session", autouse=True)
def installation_keys():
    """The master key file and signing key of the test installation (under the
    temporary var/ of tests.settings), created once per run."""
    from django.core.management import call_command

    call_command("create_keys", verbosity=0)


@pytest.fixture
def flushable_audit_log(transactional_db):
    """A transactional database whose tables can be flushed afterwards.

    On PostgreSQL the audit table refuses TRUNCATE; Django's flush needs it. The
    table owner (the test database user) disables the triggers just before the
    flush, as an owner could in production: the hash chain is what catches that.
    """
    yield
    from django.db import connection

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("ALTER TABLE exchanges_auditevent DISABLE TRIGGER USER")
