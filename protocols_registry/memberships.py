"""Who speaks for which organisation: a role (group) held for an organisation one is
a member of (OrganisationMember).

"The DPO of Thuispunt Gent" is an active user in the DPO group who is a member of
Thuispunt Gent. The workflow uses this to find who advises and decides; the DPO
registers can use it to scope what a DPO sees.
"""

from django.contrib.auth import get_user_model

_CACHE = "_protocols_registry_memberships"


def members_in_role(organisations, role):
    """Active users holding ``role`` (a group name) for any of ``organisations``."""
    return (
        get_user_model()
        .objects.filter(
            is_active=True,
            groups__name=role,
            organisation_memberships__organisation__in=list(organisations),
        )
        .distinct()
        .order_by("pk")
    )


def _facts(user):
    # Read once per request: the workflow asks for every action button and row.
    facts = getattr(user, _CACHE, None)
    if facts is None:
        facts = {
            "roles": set(user.groups.values_list("name", flat=True)),
            "organisations": set(
                user.organisation_memberships.values_list("organisation_id", flat=True)
            ),
        }
        setattr(user, _CACHE, facts)
    return facts


def organisation_ids(user):
    """The organisations ``user`` is a member of (ids)."""
    if not user.is_authenticated:
        return set()
    return _facts(user)["organisations"]


def organisations_in_role(user, role):
    """The organisations (ids) for which ``user`` holds ``role``; empty for an
    inactive or anonymous user, or one without the role."""
    if not (user.is_authenticated and user.is_active):
        return set()
    facts = _facts(user)
    return facts["organisations"] if role in facts["roles"] else set()
