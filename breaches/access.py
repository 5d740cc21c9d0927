"""Who reads and edits which organisation's breaches.

A DPO reads and edits the breaches of the organisations they are a member of; an
auditor reads those of the organisations they are a member of, without the free
text (as they see a transfer's record, never its content). Nobody else, superusers
included: administrators manage users and keys, not the data (DESIGN.md).
"""

from breaches.models import Breach, BreachNotification
from protocols_registry.memberships import organisations_in_role
from protocols_registry.roles import AUDITOR, DPO


def dpo_organisations(user):
    """Organisations (ids) whose breaches ``user`` records and edits."""
    if not user.has_perm("breaches.change_breach"):
        return set()
    return set(organisations_in_role(user, DPO))


def readable_organisations(user):
    """Organisations (ids) whose breach register ``user`` reads."""
    if not user.has_perm("breaches.view_breach"):
        return set()
    return set(organisations_in_role(user, DPO)) | set(
        organisations_in_role(user, AUDITOR)
    )


def may_use_register(user):
    return bool(readable_organisations(user))


def readable_breaches(user):
    return Breach.objects.filter(organisation_id__in=readable_organisations(user))


def editable_breaches(user):
    return Breach.objects.filter(organisation_id__in=dpo_organisations(user))


def received_notifications(user):
    """Notifications received by the organisations ``user`` reads the register of."""
    return BreachNotification.objects.filter(
        recipient_id__in=readable_organisations(user)
    )


def may_read_free_text(user, organisation_id):
    """Only the organisation's own DPO reads what may describe people."""
    return organisation_id in dpo_organisations(user)
