"""What each role may do with the exchanges' records (see protocols_registry.roles)."""

from protocols_registry.roles import ADMIN_ACCESS, EXCHANGE_OFFICER, grant

# Filled in as models land.
ROLE_PERMISSIONS = {
    EXCHANGE_OFFICER: [ADMIN_ACCESS],
}


def sync_role_permissions(sender, using="default", **kwargs):
    grant(ROLE_PERMISSIONS, using=using)
