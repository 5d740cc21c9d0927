"""Fixtures shared by every test folder: users in each role, a logged-in client."""

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group

from protocols_registry import roles


def make_user(username, group_name=None, superuser=False):
    User = get_user_model()
    user = User.objects.create_user(
        username=username,
        email=f"{username}@example.invalid",
        password="correct horse battery staple",  # noqa: S106
        is_staff=superuser,
        is_superuser=superuser,
    )
    if group_name:
        user.groups.add(Group.objects.get(name=group_name))
    return user


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
