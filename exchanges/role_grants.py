"""No lone path to personal data: a role that opens it takes effect only when a
second person approves.

Every membership of a role is a RoleGrant, made when the user is added to the group
(by the admin screens, the shell or code: the signal handlers in
exchanges.identity_audit call ``membership_added``). A membership of a role that
holds ``exchanges.download_payload`` (Exchange officer) stays pending until a member
of EXCHANGES_ROLE_APPROVER_GROUP (the DPO) approves it, who is neither the person who
gave the role, nor the user who gets it, nor someone whose own DPO role that same
person gave (a superuser cannot approve their own request through a second account
they made). Personal data open only with an approved grant, so a role that gains
the permission later opens nothing until its members are approved. The approvers
are told by mail; every step is an audit event.
"""

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from exchanges import audit
from exchanges.conf import get_setting
from exchanges.models import RoleGrant
from exchanges.operator_mail import send_each

OPENS_PERSONAL_DATA = {
    "permissions__content_type__app_label": "exchanges",
    "permissions__codename": "download_payload",
}


def roles_that_open_personal_data():
    return Group.objects.filter(**OPENS_PERSONAL_DATA)


def approving_role(group):
    """The role whose members approve ``group``, or None when it needs none."""
    if roles_that_open_personal_data().filter(pk=group.pk).exists():
        return get_setting("EXCHANGES_ROLE_APPROVER_GROUP")
    return None


def has_active_grant(user, group_name):
    return RoleGrant.objects.filter(
        user=user, group__name=group_name, state=RoleGrant.State.ACTIVE
    ).exists()


def may_open_personal_data(user):
    """A member of a role that opens personal data, approved by a second person."""
    return (
        user.is_authenticated
        and user.is_active
        and RoleGrant.objects.filter(
            user=user,
            state=RoleGrant.State.ACTIVE,
            decided_at__isnull=False,
            group__in=user.groups.filter(**OPENS_PERSONAL_DATA),
        ).exists()
    )


def membership_added(user, group, *, by, by_name, request=None):
    """Record a new membership (inside the change's transaction)."""
    pending = approving_role(group) is not None
    grant = RoleGrant.objects.create(
        user=user,
        group=group,
        state=RoleGrant.State.PENDING if pending else RoleGrant.State.ACTIVE,
        granted_by=by,
        granted_by_name=by_name,
        granted_at=timezone.now(),
    )
    audit.record(
        "role.requested" if pending else "role.granted",
        user=by,
        actor=by_name,
        request=request,
        obj=grant,
        details={"user_id": user.pk, "role": group.name},
    )
    if pending:
        transaction.on_commit(lambda: _tell_approvers(grant.pk))
    return grant


def membership_removed(user, group, *, by, by_name, request=None):
    ended = RoleGrant.objects.filter(
        user=user,
        group=group,
        state__in=[RoleGrant.State.PENDING, RoleGrant.State.ACTIVE],
    )
    for grant in ended:
        grant.state = RoleGrant.State.ENDED
        grant.ended_at = timezone.now()
        grant.save(update_fields=["state", "ended_at"])
        audit.record(
            "role.ended",
            user=by,
            actor=by_name,
            request=request,
            obj=grant,
            details={"user_id": user.pk, "role": group.name},
        )


def approval_problems(grant, approver):
    """Why ``approver`` may not approve ``grant``: a list of messages."""
    problems = []
    approvers = approving_role(grant.group)
    if grant.state != RoleGrant.State.PENDING:
        problems.append(_("This role is not awaiting approval."))
    if approvers is None:
        problems.append(_("This role needs no approval."))
        return problems
    if not (approver.is_active and has_active_grant(approver, approvers)):
        problems.append(
            _("Only a member of the role %(role)s approves this role.")
            % {"role": approvers}
        )
    if approver.pk == grant.user_id:
        problems.append(_("Nobody approves a role for themselves."))
    if grant.granted_by_id is not None and approver.pk == grant.granted_by_id:
        problems.append(_("The person who gave the role cannot also approve it."))
    own = RoleGrant.objects.filter(
        user=approver, group__name=approvers, state=RoleGrant.State.ACTIVE
    ).first()
    if (
        own is not None
        and grant.granted_by_id is not None
        and own.granted_by_id == grant.granted_by_id
    ):
        problems.append(
            _(
                "Your own role %(role)s was given by the same person who gave this "
                "role: a second person must approve."
            )
            % {"role": approvers}
        )
    return problems


def decide(grant, *, approver, approve, request=None):
    """Approve or refuse a pending grant; raises ValidationError saying why not."""
    with transaction.atomic():
        grant = (
            RoleGrant.objects.select_for_update()
            .select_related("group")
            .get(pk=grant.pk)
        )
        problems = approval_problems(grant, approver)
        if problems:
            raise ValidationError(problems)
        grant.state = RoleGrant.State.ACTIVE if approve else RoleGrant.State.REFUSED
        grant.decided_by = approver
        grant.decided_at = timezone.now()
        grant.save(update_fields=["state", "decided_by", "decided_at"])
        audit.record(
            "role.approved" if approve else "role.refused",
            user=approver,
            request=request,
            obj=grant,
            details={"user_id": grant.user_id, "role": grant.group.name},
        )
        if not approve:
            # A refused role is taken away again, so the membership shows the truth.
            grant.user.groups.remove(grant.group)
    return grant


def approve_at_installation(user, group_name, *, actor="installation"):
    """Give and approve a role in one step, for the installation itself (the demo,
    first users created at the console), recorded as such in the audit log."""
    group = Group.objects.get(name=group_name)
    with transaction.atomic():
        if not user.groups.filter(pk=group.pk).exists():
            user.groups.add(group)
        grant = RoleGrant.objects.filter(
            user=user, group=group, state=RoleGrant.State.PENDING
        ).first()
        if grant is not None:
            grant.state = RoleGrant.State.ACTIVE
            grant.decided_at = timezone.now()
            grant.save(update_fields=["state", "decided_at"])
            audit.record(
                "role.approved",
                actor=actor,
                obj=grant,
                details={"user_id": user.pk, "role": group_name, "by": "installation"},
            )
    return grant


def pending_for(approver):
    """The pending grants, each with why ``approver`` may not approve it ([] when
    they may)."""
    grants = RoleGrant.objects.filter(state=RoleGrant.State.PENDING).select_related(
        "user", "group"
    )
    return [(grant, approval_problems(grant, approver)) for grant in grants]


def _tell_approvers(grant_pk):
    grant = (
        RoleGrant.objects.select_related("user", "group").filter(pk=grant_pk).first()
    )
    if grant is None or grant.state != RoleGrant.State.PENDING:
        return
    approvers = approving_role(grant.group)
    recipients = sorted(
        {
            user.email
            for user in get_user_model()
            .objects.filter(
                is_active=True,
                role_grants__group__name=approvers,
                role_grants__state=RoleGrant.State.ACTIVE,
            )
            .exclude(email="")
            if user.pk not in (grant.user_id, grant.granted_by_id)
        }
    )
    try:
        url = reverse("exchanges_admin:role_grants")
    except NoReverseMatch:
        url = ""
    with translation.override(settings.LANGUAGE_CODE):
        subject = _("A role awaits your approval: %(role)s") % {"role": grant.group}
        body = _(
            "%(by)s gave %(user)s the role %(role)s, which opens personal data. It "
            "takes effect only once a second person approves it. Approve or refuse it "
            "in the admin: %(url)s\n"
        ) % {
            "by": grant.granted_by_name,
            "user": grant.user.get_username(),
            "role": grant.group,
            "url": url,
        }
    send_each([(subject, body, settings.DEFAULT_FROM_EMAIL, [to]) for to in recipients])
