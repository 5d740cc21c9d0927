"""The roles of DESIGN.md as Django groups, and what each may do in this app.

The groups themselves are created by a data migration so every install has them.
Model permissions are (re)granted after every ``migrate`` because Django creates
permission rows only after migrations have run; granting never removes a
permission an administrator added by hand.
"""

from contextlib import contextmanager
from contextvars import ContextVar

from django.apps import apps
from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import Group, Permission
from django.utils.translation import gettext_lazy as _

DPO = "DPO"
BOARD_SECRETARY = "Board secretary"
EDITOR = "Editor"
AUDITOR = "Auditor"
# Created by the exchanges app, named here so both apps share one spelling.
EXCHANGE_OFFICER = "Exchange officer"

ALL_ROLES = [DPO, BOARD_SECRETARY, EDITOR, EXCHANGE_OFFICER, AUDITOR]

# The group names are identifiers; people read these.
ROLE_LABELS = {
    DPO: _("data protection officer"),
    BOARD_SECRETARY: _("board secretary"),
    EDITOR: _("editor"),
    EXCHANGE_OFFICER: _("exchange officer"),
    AUDITOR: _("auditor"),
}


def role_label(group_name):
    return ROLE_LABELS.get(group_name, group_name)


ADMIN_ACCESS = "wagtailadmin.access_admin"

ORGANISATIONS = [
    "protocols_registry.add_organisation",
    "protocols_registry.change_organisation",
    "protocols_registry.view_organisation",
]

REGISTER_MODELS = [
    "processingactivity",
    "processor",
    "datasubjectcategory",
    "personaldatacategory",
]


# The mirror of other installations' protocols: public information, read by the
# roles that work on protocols; nobody writes it (admin_views.harvest_snippets).
HARVEST_VIEW = [
    "protocols_registry.view_harvestedprotocol",
    "protocols_registry.view_harvestsource",
]


def _model_permissions(actions, model_names):
    return [
        f"protocols_registry.{action}_{model}"
        for model in model_names
        for action in actions
    ]


# Permissions this app grants, as "app_label.codename".
ROLE_PERMISSIONS = {
    DPO: [
        ADMIN_ACCESS,
        *ORGANISATIONS,
        "protocols_registry.view_approvaldecision",
        "protocols_registry.view_protocolversion",
        "protocols_registry.add_dpoadvice",
        "protocols_registry.change_dpoadvice",
        "protocols_registry.delete_dpoadvice",
        "protocols_registry.view_dpoadvice",
        *_model_permissions(["add", "change", "delete", "view"], REGISTER_MODELS),
        *HARVEST_VIEW,
    ],
    BOARD_SECRETARY: [
        ADMIN_ACCESS,
        *ORGANISATIONS,
        "protocols_registry.add_approvaldecision",
        "protocols_registry.change_approvaldecision",
        "protocols_registry.delete_approvaldecision",
        "protocols_registry.view_approvaldecision",
        "protocols_registry.view_protocolversion",
    ],
    EDITOR: [
        ADMIN_ACCESS,
        *ORGANISATIONS,
        "protocols_registry.view_approvaldecision",
        "protocols_registry.view_protocolversion",
        "protocols_registry.view_dpoadvice",
        *HARVEST_VIEW,
    ],
    AUDITOR: [
        ADMIN_ACCESS,
        "protocols_registry.view_organisation",
        "protocols_registry.view_approvaldecision",
        "protocols_registry.view_protocolversion",
        "protocols_registry.view_dpoadvice",
        *_model_permissions(["view"], REGISTER_MODELS),
        *HARVEST_VIEW,
    ],
}

# What editors may do on every protocol list and the protocols below it. They do
# not publish: the protocol workflow does, once the DPOs advised and the governing
# body decided, so what goes live is the text they approved (migration 0006 takes
# back the publish permission earlier versions granted).
EDITOR_PAGE_PERMISSIONS = ["add_page", "change_page"]


# True while the code grants the permissions it defines (after ``migrate``): a part
# of the release, reviewed in git, not a person's change. An audit trail of who
# changed which permission (the exchanges app keeps one) leaves these out.
syncing_role_permissions = ContextVar("syncing_role_permissions", default=False)


@contextmanager
def _syncing():
    token = syncing_role_permissions.set(True)
    try:
        yield
    finally:
        syncing_role_permissions.reset(token)


def grant(role_permissions, using="default"):
    """Give each named group the listed permissions (creating the group if needed)."""
    with _syncing():
        _grant(role_permissions, using)


def _grant(role_permissions, using):
    # post_migrate receivers run in app order, possibly before auth has created the
    # permission rows of the apps named here: create them first (idempotent).
    labels = {
        name.split(".", 1)[0] for names in role_permissions.values() for name in names
    }
    for label in sorted(labels):
        create_permissions(apps.get_app_config(label), verbosity=0, using=using)
    for group_name, permission_names in role_permissions.items():
        group, _created = Group.objects.get_or_create(name=group_name)
        wanted = []
        for name in permission_names:
            app_label, codename = name.split(".", 1)
            permission = Permission.objects.filter(
                content_type__app_label=app_label, codename=codename
            ).first()
            if permission is None:
                raise LookupError(f"Permission {name} does not exist.")
            wanted.append(permission)
        group.permissions.add(*wanted)


def grant_editor_page_permissions(index_page):
    """Let the Editor group write (not publish) protocols below ``index_page``."""
    with _syncing():
        _grant_editor_page_permissions(index_page)


def _grant_editor_page_permissions(index_page):
    from wagtail.models import GroupPagePermission

    editor, _created = Group.objects.get_or_create(name=EDITOR)
    for codename in EDITOR_PAGE_PERMISSIONS:
        permission = Permission.objects.get(
            content_type__app_label="wagtailcore", codename=codename
        )
        GroupPagePermission.objects.get_or_create(
            group=editor, page=index_page, permission=permission
        )


def sync_role_permissions(sender, using="default", **kwargs):
    from protocols_registry.models import ProtocolIndexPage

    grant(ROLE_PERMISSIONS, using=using)
    for index_page in ProtocolIndexPage.objects.using(using):
        grant_editor_page_permissions(index_page)
