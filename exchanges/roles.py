"""What each role may do with the exchanges' records (see protocols_registry.roles)."""

from protocols_registry.roles import ADMIN_ACCESS, AUDITOR, EXCHANGE_OFFICER, grant

READ_METADATA = [
    "exchanges.view_transfer",
    "exchanges.view_payload",
    "exchanges.view_uploadlink",
    "exchanges.view_auditevent",
    "exchanges.view_deletionevidence",
    "exchanges.view_auditverification",
]

ROLE_PERMISSIONS = {
    EXCHANGE_OFFICER: [
        ADMIN_ACCESS,
        *READ_METADATA,
        "exchanges.add_transfer",
        "exchanges.change_transfer",
        "exchanges.add_uploadlink",
        # Only this role opens the personal data of a transfer.
        "exchanges.download_payload",
    ],
    AUDITOR: [
        *READ_METADATA,
        "exchanges.verify_auditevent",
    ],
}


def sync_role_permissions(sender, using="default", **kwargs):
    grant(ROLE_PERMISSIONS, using=using)


def may_open_personal_data(user):
    """Only a member of a role that holds ``download_payload`` opens the personal
    data of a transfer (the file, the worklist). Superuser status alone is not
    enough: administrators manage users and keys, not the data (DESIGN.md)."""
    return (
        user.is_authenticated
        and user.is_active
        and user.groups.filter(
            permissions__content_type__app_label="exchanges",
            permissions__codename="download_payload",
        ).exists()
    )
