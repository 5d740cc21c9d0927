"""Which transfers a user sees and works on: those of their own organisations.

One installation serves several organisations (DESIGN.md). A user holds a role for
the organisations they are a member of (protocols_registry.memberships); a transfer
concerns its sender and its recipient. The rule, in this one place:

- a user sees a transfer (its record, trace, deletion evidence, pseudonymous export)
  when one of the organisations for which they hold a role that grants the
  permission asked (``view_transfer``: Exchange officer or Auditor) is its sender
  or recipient;
- a user works on it (records it, uploads, makes upload links, opens the file or
  the worklist, handles people, deletes) only as Exchange officer of its sender or
  recipient; opening personal data further needs the approved role
  (exchanges.role_grants).

Superusers get nothing from their flag here: administrators manage users and keys,
not the data (DESIGN.md). A superuser who is also a member in a role is scoped as
anyone else. Auditors are scoped to their organisations too: the project has no
installation-wide auditor (the breach register scopes them the same way).

A transfer out of a user's scope answers 404, as one that does not exist, so that
its existence is not revealed; the attempt is logged as a refused access, tied to
that transfer, so only the auditors of its own organisations see it.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404

from exchanges.models import AuditEvent, DeletionEvidence, Transfer
from exchanges.roles import ROLE_PERMISSIONS
from protocols_registry.memberships import organisations_in_role
from protocols_registry.models import Organisation

VIEW = "exchanges.view_transfer"
WORK = "exchanges.change_transfer"
# What every action of the breach register (audit_actions.BREACH_*) starts with.
BREACH_ACTIONS = "breach."


def organisations_for(user, permission):
    """The organisations (ids) for which ``user`` holds a role that grants
    ``permission`` (e.g. ``exchanges.view_transfer``); empty without the
    permission itself (an administrator may have taken it from the role)."""
    if not user.has_perm(permission):
        return set()
    ids = set()
    for role, permissions in ROLE_PERMISSIONS.items():
        if permission in permissions:
            ids |= organisations_in_role(user, role)
    return ids


def _concerning(organisation_ids):
    ids = list(organisation_ids)
    return Q(sender_id__in=ids) | Q(recipient_id__in=ids)


def visible_transfers(user, permission=VIEW):
    """The transfers ``user`` may see (``permission``: the one the view asks)."""
    ids = organisations_for(user, permission)
    if not ids:
        return Transfer.objects.none()
    return Transfer.objects.filter(_concerning(ids))


def workable_transfers(user):
    """The transfers ``user`` may act on as Exchange officer."""
    return visible_transfers(user, WORK)


def may_work_on(user, transfer):
    ids = organisations_for(user, WORK)
    return transfer.sender_id in ids or transfer.recipient_id in ids


def may_record_between(user, sender, recipient):
    """A new transfer must concern one of the user's own organisations."""
    ids = organisations_for(user, "exchanges.add_transfer")
    return sender.pk in ids or recipient.pk in ids


def transfer_or_404(request, pk):
    """The transfer ``pk`` if the user sees it; otherwise 404, whether it exists or
    not. An attempt at an existing transfer out of scope is logged. A user without
    the permission to see transfers at all is refused as before (403): that tells
    nothing about one transfer."""
    if not request.user.has_perm(VIEW):
        raise PermissionDenied
    found = (
        visible_transfers(request.user)
        .select_related("protocol", "decision", "sender", "recipient")
        .filter(pk=pk)
        .first()
    )
    if found is None:
        elsewhere = Transfer.objects.filter(pk=pk).first()
        if elsewhere is not None and request.user.is_authenticated:
            from exchanges import services

            services.record_refused_access(
                request, obj=elsewhere, transfer=elsewhere, action="access.refused"
            )
        raise Http404
    return found


def visible_evidence(user):
    return DeletionEvidence.objects.filter(
        transfer__in=visible_transfers(user, "exchanges.view_deletionevidence")
    )


def visible_events(user):
    """Audit events ``user`` reads: those of the transfers they see, those of the
    breach registers of their own organisations, and those that concern neither
    (roles, keys, logins: the installation's own trace). That another organisation
    had a breach, and when, is that organisation's business."""
    organisations = organisations_for(user, "exchanges.view_auditevent")
    transfers = Transfer.objects.filter(_concerning(organisations))
    installation = Q(transfer_id__isnull=True) & (
        ~Q(action__startswith=BREACH_ACTIONS) | _breach_register_of(organisations)
    )
    return AuditEvent.objects.filter(
        installation | Q(transfer_id__in=transfers.values("pk"))
    )


def _breach_register_of(organisation_ids):
    """Breach events of these organisations: a breach's event names its
    organisation in its details (breaches.services), an export of the register
    names the organisation as its object (breaches.exports)."""
    ids = sorted(organisation_ids)
    return Q(details__organisation_id__in=ids) | Q(
        # As exchanges.audit.record_many names an event's object.
        object_type=Organisation._meta.model_name,
        object_id__in=[str(pk) for pk in ids],
    )
