"""What each role may do with the breach register (see protocols_registry.roles).

The model permissions say what a role may do at all; breaches.access says for
which organisations (the user's memberships in that role).
"""

from protocols_registry.roles import ADMIN_ACCESS, AUDITOR, DPO, grant

ROLE_PERMISSIONS = {
    DPO: [
        ADMIN_ACCESS,
        "breaches.add_breach",
        "breaches.change_breach",
        "breaches.view_breach",
        "breaches.view_breachnotification",
    ],
    AUDITOR: [
        ADMIN_ACCESS,
        "breaches.view_breach",
        "breaches.view_breachnotification",
    ],
}


def sync_role_permissions(sender, using="default", **kwargs):
    grant(ROLE_PERMISSIONS, using=using)
