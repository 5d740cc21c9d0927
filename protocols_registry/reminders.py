"""Reminders for the DPO: register entries whose review or processor agreement is
due. Run daily or weekly by the scheduler (deploy/); each DPO gets one e-mail that
lists what needs attention in their organisations' registers, with links to the
admin."""

import datetime

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from protocols_registry import roles
from protocols_registry.models import ProcessingActivity, Processor


def due_items(day=None, days_ahead=30):
    """(activities, processors) that need the DPO before ``day + days_ahead``."""
    day = day or timezone.localdate()
    horizon = day + datetime.timedelta(days=days_ahead)
    activities = (
        ProcessingActivity.objects.exclude(status=ProcessingActivity.Status.RETIRED)
        .filter(Q(next_review__lte=horizon) | Q(next_review__isnull=True))
        .order_by("next_review", "reference")
    )
    processors = Processor.objects.filter(agreement_ends_on__lte=horizon).order_by(
        "agreement_ends_on", "name"
    )
    return list(activities), list(processors)


def _admin_link(model, pk):
    base = getattr(settings, "WAGTAILADMIN_BASE_URL", "").rstrip("/")
    name = f"wagtailsnippets_protocols_registry_{model._meta.model_name}:edit"
    return base + reverse(name, args=[pk])


def compose(activities, processors, day):
    lines = []
    if activities:
        lines.append(_("Processing activities to review:"))
        for activity in activities:
            when = (
                activity.next_review.strftime("%d/%m/%Y")
                if activity.next_review
                else _("no review date")
            )
            late = _(" (overdue)") if activity.is_review_overdue(day) else ""
            lines.append(
                f"- {activity} · {when}{late}\n  {_admin_link(ProcessingActivity, activity.pk)}"
            )
        lines.append("")
    if processors:
        lines.append(_("Processor agreements ending:"))
        for processor in processors:
            when = processor.agreement_ends_on.strftime("%d/%m/%Y")
            lines.append(
                f"- {processor.name} · {when}\n  {_admin_link(Processor, processor.pk)}"
            )
    return "\n".join(lines)


def _scoped(items, organisations):
    if organisations is None:
        return list(items)
    return [item for item in items if item.controller_id in organisations]


def send_reminders(day=None, days_ahead=30, dry_run=False):
    """E-mail each DPO what falls due in their organisations' registers; returns
    (activities, processors, recipients): everything due, and who was told.

    Register permissions are scoped by organisation (register_permissions): a DPO
    hears only of their own organisations' entries, a superuser DPO of all. DPOs
    with the same organisations share one e-mail."""
    from protocols_registry.register_permissions import writable_organisations

    day = day or timezone.localdate()
    activities, processors = due_items(day, days_ahead)
    users = (
        get_user_model()
        .objects.filter(groups__name=roles.DPO, is_active=True)
        .exclude(email="")
        .distinct()
        .order_by("pk")
    )
    batches = {}
    for user in users:
        organisations = writable_organisations(user)
        key = None if organisations is None else frozenset(organisations)
        batches.setdefault(key, set()).add(user.email)
    recipients = []
    for organisations, emails in batches.items():
        own_activities = _scoped(activities, organisations)
        own_processors = _scoped(processors, organisations)
        if not (own_activities or own_processors):
            continue
        recipients += sorted(emails)
        if dry_run:
            continue
        with translation.override(settings.LANGUAGE_CODE):
            count = len(own_activities) + len(own_processors)
            subject = ngettext(
                "Register of processing activities: %(count)d item due",
                "Register of processing activities: %(count)d items due",
                count,
            ) % {"count": count}
            send_mail(
                subject,
                compose(own_activities, own_processors, day),
                None,
                sorted(emails),
            )
    return activities, processors, sorted(set(recipients))
