"""The 72-hour clock of art. 33(1): from discovery until the supervisory authority
is notified or the reason it need not be is documented.

Shown on the DPO's dashboard and mailed by ``manage.py breach_deadlines`` (cron) as
it runs out: once at each of BREACHES_REMINDER_HOURS left, and once when it has
passed. The mails name the breach by reference only, never by its text.
"""

import datetime

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from breaches import conf
from breaches.models import Breach, BreachReminder
from protocols_registry.memberships import members_in_role
from protocols_registry.roles import DPO


def open_breaches():
    """Breaches whose clock runs: neither notified nor documented as not needed."""
    return Breach.objects.filter(
        authority_notified_at__isnull=True, authority_not_notified_reason=""
    ).select_related("organisation")


def local_deadline(breach):
    """The deadline in the register's time zone (Europe/Brussels), with its zone."""
    return format_moment(breach.deadline)


def format_moment(moment):
    local = timezone.localtime(moment, conf.time_zone())
    return f"{formats.date_format(local, 'd/m/Y H:i')} {local.tzname()}"


def describe_time_left(breach, now=None):
    """'48 h 5 min left' or '3 h 10 min overdue' (translated)."""
    left = breach.time_left(now)
    overdue = left < datetime.timedelta(0)
    minutes = int(abs(left).total_seconds() // 60)
    hours, minutes = divmod(minutes, 60)
    amount = _("%(hours)d h %(minutes)02d min") % {"hours": hours, "minutes": minutes}
    if overdue:
        return _("%(amount)s overdue") % {"amount": amount}
    return _("%(amount)s left") % {"amount": amount}


def clock_rows(breaches, now=None):
    now = now or timezone.now()
    return [
        {
            "breach": breach,
            "deadline": local_deadline(breach),
            "left": describe_time_left(breach, now),
            "overdue": breach.deadline <= now,
        }
        for breach in breaches
    ]


def due_stage(breach, now):
    """The most urgent stage reached (hours left; 0 = passed), or None."""
    left = breach.time_left(now)
    if left <= datetime.timedelta(0):
        return 0
    reached = [h for h in conf.reminder_hours() if left <= datetime.timedelta(hours=h)]
    return min(reached) if reached else None


def recipients(breach):
    addresses = [breach.organisation.dpo_email] + [
        user.email for user in members_in_role([breach.organisation], DPO)
    ]
    return sorted({address for address in addresses if address})


def send_reminders(now=None, dry_run=False, stdout=None):
    """Mail each stage due and not yet sent. Returns [(breach, hours_left)] mailed.

    Only the most urgent stage reached is mailed: a breach recorded with 5 hours
    left gets the 6-hour mail, not the 24-hour one too. The reminder row is written
    before the mail is sent, in its own transaction: a crash after it may lose one
    mail, never send one twice (cron runs again; a DPO mailed twice learns to
    ignore the mail)."""
    now = now or timezone.now()
    sent = []
    for breach in open_breaches():
        stage = due_stage(breach, now)
        if stage is None or breach.reminders.filter(hours_left__lte=stage).exists():
            continue
        to = recipients(breach)
        if dry_run:
            sent.append((breach, stage))
            continue
        try:
            with transaction.atomic():
                BreachReminder.objects.create(breach=breach, hours_left=stage)
        except IntegrityError:
            continue  # another run took it
        if to:
            _mail(breach, stage, to, now)
        sent.append((breach, stage))
    return sent


def _mail(breach, stage, to, now):
    with translation.override(settings.LANGUAGE_CODE):
        if stage == 0:
            subject = _(
                "Data breach %(reference)s: the 72 hours to notify have passed"
            ) % {"reference": breach.reference}
        else:
            subject = ngettext(
                "Data breach %(reference)s: %(hours)d hour left to notify",
                "Data breach %(reference)s: %(hours)d hours left to notify",
                stage,
            ) % {"reference": breach.reference, "hours": stage}
        body = render_to_string(
            "breaches/mail/deadline.txt",
            {
                "breach": breach,
                "deadline": local_deadline(breach),
                "left": describe_time_left(breach, now),
                "url": conf.admin_url(
                    reverse("breaches_admin:detail", args=[breach.pk])
                ),
            },
        )
    EmailMessage(subject=subject, body=body, to=to).send(fail_silently=False)
