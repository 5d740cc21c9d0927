"""Writing the breach register: one function per operation, each in a transaction
with its history entry and audit event, called by the admin views, the demo and the
tests alike.

The audit log is append-only and cannot be erased: it learns only that a breach was
recorded or changed (its id and its organisation's id), never its text.
"""

import logging
import smtplib

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from breaches import conf
from breaches.models import BreachNotification
from exchanges import audit, audit_actions
from protocols_registry.register_history import save_with_history

logger = logging.getLogger(__name__)


def _audit(action, breach, user, request):
    audit.record(
        action,
        user=user,
        request=request,
        obj=breach,
        details={"organisation_id": breach.organisation_id},
    )


@transaction.atomic
def save_breach(breach, *, user, request=None, save_m2m=None, reason=""):
    """Record a new breach or a change of one: the row, one history entry and one
    audit event, or none of them. ``save_m2m`` saves the links (a ModelForm's)."""
    is_new = breach._state.adding
    if is_new and user is not None and user.is_authenticated:
        breach.created_by = user
    save_with_history(breach, user=user, reason=reason, save_m2m=save_m2m)
    _audit(
        audit_actions.BREACH_RECORDED if is_new else audit_actions.BREACH_CHANGED,
        breach,
        user,
        request,
    )
    return breach


def notification_content(breach):
    """What article 9 of the protocol asks the parties to tell each other, as text
    (a snapshot: the copy the other party receives)."""
    counts = {
        "subjects": breach.data_subject_count,
        "records": breach.record_count,
    }
    return {
        "reference": breach.reference,
        "organisation": breach.organisation.name,
        "is_example": breach.is_example,
        "discovered_at": breach.discovered_at.isoformat(),
        "occurred_at": breach.occurred_at.isoformat() if breach.occurred_at else None,
        "contained_at": (
            breach.contained_at.isoformat() if breach.contained_at else None
        ),
        "nature": breach.nature,
        "data_subject_categories": [
            str(c) for c in breach.data_subject_categories.all()
        ],
        "data_subject_count": counts["subjects"],
        "personal_data_categories": [
            str(c) for c in breach.personal_data_categories.all()
        ],
        "record_count": counts["records"],
        "consequences": breach.consequences,
        "measures": breach.measures,
        "contact_point": breach.contact_point,
        "risk": breach.risk,
    }


def parties_to_notify(breach):
    """[(protocol, organisation)]: every other party of each linked protocol."""
    pairs = []
    for protocol in breach.protocols.all().order_by("pk"):
        for organisation in protocol.party_organisations():
            if organisation.pk != breach.organisation_id and (
                (protocol, organisation) not in pairs
            ):
                pairs.append((protocol, organisation))
    return pairs


def notify_parties(breach, *, user, request=None):
    """Send the article 9 notification to the DPO of every other party of the
    breach's protocols and record each with its time. A party without a DPO
    address is recorded as not mailed, for the DPO to reach another way.

    The records are written first, in their own transaction; the mails go out
    after it, so a failing mail server never loses the record. Call it outside
    any other transaction (as the view does) so a mail never leaves for a record
    that is later rolled back."""
    with transaction.atomic():
        content = notification_content(breach)
        notifications = [
            BreachNotification.objects.create(
                breach=breach,
                protocol=protocol,
                sender=breach.organisation,
                recipient=organisation,
                email=organisation.dpo_email,
                sent_by=user if user is not None and user.is_authenticated else None,
                content={**content, "protocol": protocol.reference},
                mailed=bool(organisation.dpo_email),
            )
            for protocol, organisation in parties_to_notify(breach)
        ]
        if notifications:
            _audit(audit_actions.BREACH_CHANGED, breach, user, request)
    for notification in notifications:
        if notification.mailed:
            try:
                _mail_notification(notification)
            except (OSError, smtplib.SMTPException):
                # Recorded, not delivered: the DPO sees it and reaches the party
                # another way. The log names ids, never the breach's text.
                logger.warning(
                    "Breach notification %s could not be mailed.", notification.pk
                )
                notification.mailed = False
                notification.save(update_fields=["mailed"])
    return notifications


def _mail_notification(notification):
    with translation.override(settings.LANGUAGE_CODE):
        context = {
            "notification": notification,
            "content": notification.content,
            "risk_label": risk_label(notification.content.get("risk")),
            "moments": moments(notification.content),
            "url": conf.admin_url(
                reverse("breaches_admin:received_detail", args=[notification.pk])
            ),
        }
        subject = _("Data breach %(reference)s under protocol %(protocol)s") % {
            "reference": notification.content["reference"],
            "protocol": notification.content["protocol"],
        }
        if notification.content.get("is_example"):
            subject = _("[EXAMPLE] %(subject)s") % {"subject": subject}
        body = render_to_string("breaches/mail/notification.txt", context)
    EmailMessage(subject=subject, body=body, to=[notification.email]).send(
        fail_silently=False
    )


def moments(content):
    """The times of a notification's content, as a person reads them (with zone)."""
    from django.utils.dateparse import parse_datetime

    from breaches.deadlines import format_moment

    return {
        key: format_moment(parse_datetime(content[key])) if content.get(key) else "—"
        for key in ("discovered_at", "occurred_at", "contained_at")
    }


def risk_label(value):
    from breaches.models import Risk

    return str(dict(Risk.choices).get(value, value or ""))


@transaction.atomic
def acknowledge(notification, *, user):
    """The recipient's DPO has read the notification."""
    if notification.acknowledged_at is None:
        notification.acknowledged_at = timezone.now()
        notification.acknowledged_by = user
        notification.save(update_fields=["acknowledged_at", "acknowledged_by"])
    return notification
