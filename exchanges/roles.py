"""What each role may do with the exchanges' records (see protocols_registry.roles)."""

from protocols_registry.roles import ADMIN_ACCESS, AUDITOR, DPO, EXCHANGE_OFFICER, grant

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
        "exchanges.view_rolegrant",
        "exchanges.view_signedtreehead",
    ],
    # Approves every membership of a role that opens personal data
    # (EXCHANGES_ROLE_APPROVER_GROUP, exchanges.role_grants).
    DPO: [
        ADMIN_ACCESS,
        "exchanges.view_rolegrant",
        "exchanges.approve_rolegrant",
    ],
}


def sync_role_permissions(sender, using="default", **kwargs):
    grant(ROLE_PERMISSIONS, using=using)


def may_open_personal_data(user):
    """Only a member of a role that holds ``download_payload``, approved by a second
    person (exchanges.role_grants), opens the personal data of a transfer (the file,
    the worklist). Superuser status alone is not enough: administrators manage users
    and keys, not the data (DESIGN.md)."""
    from exchanges.role_grants import may_open_personal_data as approved

    return approved(user)
