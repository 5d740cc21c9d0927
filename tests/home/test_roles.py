import pytest
from django.contrib.auth.models import Group

from protocols_registry import roles

pytestmark = pytest.mark.django_db


def permissions_of(group_name):
    group = Group.objects.get(name=group_name)
    return {
        f"{p.content_type.app_label}.{p.codename}"
        for p in group.permissions.select_related("content_type")
    }


def test_every_role_of_the_design_exists():
    names = set(Group.objects.values_list("name", flat=True))
    assert {"DPO", "Board secretary", "Editor", "Exchange officer", "Auditor"} <= names
    # Wagtail's own default groups are removed: only our roles grant rights.
    assert not {"Editors", "Moderators"} & names


@pytest.mark.parametrize("role", roles.ALL_ROLES)
def test_every_role_may_enter_the_admin(role):
    assert "wagtailadmin.access_admin" in permissions_of(role)
