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


REGISTER = [
    "processingactivity",
    "processor",
    "datasubjectcategory",
    "personaldatacategory",
]


def register_permissions(actions):
    return {f"protocols_registry.{a}_{m}" for m in REGISTER for a in actions}


# The mirror of other installations' protocols: read only, nobody writes it.
HARVEST_VIEW = {
    "protocols_registry.view_harvestedprotocol",
    "protocols_registry.view_harvestsource",
}

EXPECTED = {
    "DPO": {
        "wagtailadmin.access_admin",
        "protocols_registry.add_organisation",
        "protocols_registry.change_organisation",
        "protocols_registry.view_organisation",
        "protocols_registry.view_approvaldecision",
        "protocols_registry.view_protocolversion",
        "protocols_registry.add_dpoadvice",
        "protocols_registry.change_dpoadvice",
        "protocols_registry.delete_dpoadvice",
        "protocols_registry.view_dpoadvice",
        # The second person for every role that opens personal data.
        "exchanges.view_rolegrant",
        "exchanges.approve_rolegrant",
        # The breach register of their organisations (breaches.access).
        "breaches.add_breach",
        "breaches.change_breach",
        "breaches.view_breach",
        "breaches.view_breachnotification",
    }
    | register_permissions(["add", "change", "delete", "view"])
    | HARVEST_VIEW,
    "Board secretary": {
        "wagtailadmin.access_admin",
        "protocols_registry.add_organisation",
        "protocols_registry.change_organisation",
        "protocols_registry.view_organisation",
        "protocols_registry.add_approvaldecision",
        "protocols_registry.change_approvaldecision",
        "protocols_registry.delete_approvaldecision",
        "protocols_registry.view_approvaldecision",
        "protocols_registry.view_protocolversion",
    },
    "Editor": {
        "wagtailadmin.access_admin",
        "protocols_registry.add_organisation",
        "protocols_registry.change_organisation",
        "protocols_registry.view_organisation",
        "protocols_registry.view_approvaldecision",
        "protocols_registry.view_protocolversion",
        "protocols_registry.view_dpoadvice",
    }
    | HARVEST_VIEW,
    "Auditor": {
        "wagtailadmin.access_admin",
        "protocols_registry.view_organisation",
        "protocols_registry.view_approvaldecision",
        "protocols_registry.view_protocolversion",
        "protocols_registry.view_dpoadvice",
    }
    | register_permissions(["view"])
    | HARVEST_VIEW
    | {
        "exchanges.view_transfer",
        "exchanges.view_payload",
        "exchanges.view_uploadlink",
        "exchanges.view_auditevent",
        "exchanges.view_deletionevidence",
        "exchanges.view_auditverification",
        "exchanges.verify_auditevent",
        "exchanges.view_rolegrant",
        "exchanges.view_signedtreehead",
        # The breach register of their organisations, without the free text.
        "breaches.view_breach",
        "breaches.view_breachnotification",
    },
    "Exchange officer": {
        "wagtailadmin.access_admin",
        "exchanges.view_transfer",
        "exchanges.view_payload",
        "exchanges.view_uploadlink",
        "exchanges.view_auditevent",
        "exchanges.view_deletionevidence",
        "exchanges.view_auditverification",
        "exchanges.add_transfer",
        "exchanges.change_transfer",
        "exchanges.add_uploadlink",
        "exchanges.download_payload",
    },
}

# Wagtail grants "choose" on images and documents to every group it finds.
WAGTAIL_CHOOSERS = {
    "wagtaildocs.choose_document",
    "wagtailimages.choose_image",
}


@pytest.mark.parametrize("role", sorted(EXPECTED))
def test_each_role_has_exactly_its_permissions(role):
    assert permissions_of(role) - WAGTAIL_CHOOSERS == EXPECTED[role]


def test_editors_write_below_every_protocol_list_but_the_workflow_publishes():
    from wagtail.models import GroupPagePermission

    from tests.factories import protocol_index

    index = protocol_index()
    granted = set(
        GroupPagePermission.objects.filter(
            group__name="Editor", page=index
        ).values_list("permission__codename", flat=True)
    )
    assert granted == {"add_page", "change_page"}


def test_only_exchange_officers_may_open_personal_data():
    holders = Group.objects.filter(permissions__codename="download_payload")
    assert list(holders.values_list("name", flat=True)) == ["Exchange officer"]
