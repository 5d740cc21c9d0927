"""The roles of DESIGN.md as Django groups, and what each may do in this app.

The groups themselves are created by a data migration so every install has them.
Model permissions are (re)granted after every ``migrate`` because Django creates
permission rows only after migrations have run; granting never removes a
permission an administrator added by hand.
"""

from django.apps import apps
from django.contrib.auth.management import create_permissions
from django.contrib.auth.models import Group, Permission

DPO = "DPO"
BOARD_SECRETARY = "Board secretary"
EDITOR = "Editor"
AUDITOR = "Auditor"
# Created by the exchanges app, named here so both apps share one spelling.
EXCHANGE_OFFICER = "Exchange officer"

ALL_ROLES = [DPO, BOARD_SECRETARY, EDITOR, EXCHANGE_OFFICER, AUDITOR]

ADMIN_ACCESS = "wagtailadmin.access_admin"

# Permissions this app grants, as "app_label.codename". Filled in as models land.
ROLE_PERMISSIONS = {
    DPO: [ADMIN_ACCESS],
    BOARD_SECRETARY: [ADMIN_ACCESS],
    EDITOR: [ADMIN_ACCESS],
    AUDITOR: [ADMIN_ACCESS],
}


def grant(role_permissions, using="default"):
    """Give each named group the listed permissions (creating the group if needed)."""
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


def sync_role_permissions(sender, using="default", **kwargs):
    grant(ROLE_PERMISSIONS, using=using)
