"""The breach register (GDPR art. 33(5)) and the notifications a protocol requires.

A Breach belongs to one organisation, the controller that keeps the record. Its
free text (nature, consequences, measures, reasons) may describe people: it is as
sensitive as a transfer's data, so only that organisation's DPO reads it, auditors
see the record without it, and the append-only audit log holds ids only.

Every change is kept with django-simple-history; writes go through
breaches.services, which records one history entry per change (as the register of
processing activities does).
"""

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from breaches import conf


class Risk(models.TextChoices):
    NONE = "none", _("no risk")
    RISK = "risk", _("risk")
    HIGH = "high", _("high risk")


# The fields that may describe people: shown only to the organisation's DPO.
FREE_TEXT_FIELDS = (
    "nature",
    "consequences",
    "measures",
    "authority_not_notified_reason",
    "subjects_informed_means",
    "subjects_not_informed_reason",
)

BREACH_HISTORY = HistoricalRecords(
    m2m_fields=[
        "data_subject_categories",
        "personal_data_categories",
        "protocols",
        "transfers",
        "activities",
    ],
    excluded_fields=["updated_at"],
    verbose_name=_("historical data breach"),
)


class Breach(models.Model):
    """One personal data breach, as art. 33(3) and 33(5) GDPR and article 9 of the
    seed protocol ask it to be documented."""

    organisation = models.ForeignKey(
        "protocols_registry.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="breaches",
        help_text=_("The controller that keeps this record."),
    )
    is_example = models.BooleanField(
        _("fictitious example"), default=False, editable=False
    )
    discovered_at = models.DateTimeField(
        _("discovered at"),
        help_text=_(
            "When the organisation became aware of the breach: the 72 hours start here."
        ),
    )
    occurred_at = models.DateTimeField(
        _("occurred at"), null=True, blank=True, help_text=_("Leave empty if unknown.")
    )
    contained_at = models.DateTimeField(
        _("contained at"),
        null=True,
        blank=True,
        help_text=_("When the breach was stopped; empty while it goes on."),
    )
    nature = models.TextField(
        _("nature of the breach"),
        help_text=_("What happened: confidentiality, integrity or availability."),
    )
    data_subject_categories = models.ManyToManyField(
        "protocols_registry.DataSubjectCategory",
        verbose_name=_("categories of data subjects"),
        blank=True,
        related_name="+",
    )
    data_subject_count = models.PositiveIntegerField(
        _("approximate number of data subjects"), null=True, blank=True
    )
    personal_data_categories = models.ManyToManyField(
        "protocols_registry.PersonalDataCategory",
        verbose_name=_("categories of personal data records"),
        blank=True,
        related_name="+",
    )
    record_count = models.PositiveIntegerField(
        _("approximate number of records"), null=True, blank=True
    )
    consequences = models.TextField(_("likely consequences"))
    measures = models.TextField(
        _("measures taken or proposed"),
        help_text=_("Including measures to mitigate possible adverse effects."),
    )
    contact_point = models.CharField(
        _("contact point"),
        max_length=200,
        help_text=_("The DPO or another point where more information is obtained."),
    )
    risk = models.CharField(_("risk assessment"), max_length=10, choices=Risk.choices)
    protocols = models.ManyToManyField(
        "protocols_registry.ProtocolPage",
        verbose_name=_("protocols concerned"),
        blank=True,
        related_name="breaches",
    )
    transfers = models.ManyToManyField(
        "exchanges.Transfer",
        verbose_name=_("transfers concerned"),
        blank=True,
        related_name="breaches",
    )
    activities = models.ManyToManyField(
        "protocols_registry.ProcessingActivity",
        verbose_name=_("processing activities concerned"),
        blank=True,
        related_name="breaches",
    )
    # Art. 33(1): the supervisory authority, or why not.
    authority_notified_at = models.DateTimeField(
        _("notified to the supervisory authority at"), null=True, blank=True
    )
    authority_reference = models.CharField(
        _("reference of the supervisory authority"), max_length=100, blank=True
    )
    authority_not_notified_reason = models.TextField(
        _("reason the supervisory authority was not notified"),
        blank=True,
        help_text=_("Only when the breach is unlikely to result in a risk."),
    )
    # Art. 34: the data subjects, or why not.
    subjects_informed_on = models.DateField(
        _("data subjects informed on"), null=True, blank=True
    )
    subjects_informed_means = models.CharField(
        _("means of informing the data subjects"), max_length=300, blank=True
    )
    subjects_not_informed_reason = models.TextField(
        _("reason the data subjects were not informed"),
        blank=True,
        help_text=_(
            "Art. 34(3): e.g. the data were encrypted, or the high risk is "
            "no longer likely."
        ),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("changed at"), auto_now=True)

    history = BREACH_HISTORY

    class Meta:
        ordering = ["-discovered_at", "-pk"]
        verbose_name = _("data breach")
        verbose_name_plural = _("data breaches")

    def __str__(self):
        return self.reference

    @property
    def reference(self):
        return f"DL-{self.pk or 0:05d}"

    @property
    def deadline(self):
        """Art. 33(1): 72 hours after discovery."""
        return self.discovered_at + conf.deadline_delta()

    @property
    def authority_settled(self):
        """Notified, or documented why not: the clock stops."""
        return bool(self.authority_notified_at or self.authority_not_notified_reason)

    def time_left(self, now=None):
        return self.deadline - (now or timezone.now())

    def clean(self):
        errors = {}
        now = timezone.now()
        labels = {f.name: f.verbose_name for f in self._meta.fields}

        def add(field, message):
            errors.setdefault(field, []).append(message)

        for name in (
            "discovered_at",
            "occurred_at",
            "contained_at",
            "authority_notified_at",
        ):
            value = getattr(self, name)
            if value and value > now + datetime.timedelta(minutes=5):
                add(
                    name,
                    _("%(field)s: cannot lie in the future.") % {"field": labels[name]},
                )
        if (
            self.occurred_at
            and self.discovered_at
            and (self.occurred_at > self.discovered_at)
        ):
            add("occurred_at", _("Occurred at: cannot lie after the discovery."))
        if (
            self.contained_at
            and self.occurred_at
            and (self.contained_at < self.occurred_at)
        ):
            add(
                "contained_at",
                _("Contained at: cannot lie before the breach occurred."),
            )
        if (
            self.authority_notified_at
            and self.discovered_at
            and (self.authority_notified_at < self.discovered_at)
        ):
            add(
                "authority_notified_at",
                _(
                    "Notified to the supervisory authority at: cannot lie before the "
                    "discovery."
                ),
            )
        if self.authority_reference and not self.authority_notified_at:
            add(
                "authority_notified_at",
                _(
                    "Notified to the supervisory authority at: give the date of the "
                    "notification that has this reference."
                ),
            )
        if self.authority_not_notified_reason:
            if self.authority_notified_at:
                add(
                    "authority_not_notified_reason",
                    _(
                        "Reason the supervisory authority was not notified: the breach "
                        "was notified; leave this empty."
                    ),
                )
            elif self.risk and self.risk != Risk.NONE:
                add(
                    "authority_not_notified_reason",
                    _(
                        "Reason the supervisory authority was not notified: only a "
                        "breach without risk may go unnotified (art. 33(1)); this one is "
                        "assessed as a risk, so notify it."
                    ),
                )
        if self.subjects_informed_on:
            if not self.subjects_informed_means:
                add(
                    "subjects_informed_means",
                    _(
                        "Means of informing the data subjects: say how they were "
                        "informed."
                    ),
                )
            if self.subjects_not_informed_reason:
                add(
                    "subjects_not_informed_reason",
                    _(
                        "Reason the data subjects were not informed: they were "
                        "informed; leave this empty."
                    ),
                )
            if self.discovered_at and (
                self.subjects_informed_on < timezone.localdate(self.discovered_at)
            ):
                add(
                    "subjects_informed_on",
                    _("Data subjects informed on: cannot lie before the discovery."),
                )
        elif self.subjects_informed_means:
            add(
                "subjects_informed_on",
                _("Data subjects informed on: give the date they were informed."),
            )
        if errors:
            raise ValidationError(errors)


class BreachNotification(models.Model):
    """The message article 9 of a protocol requires: sent to the other party's DPO,
    with what was known at that moment (a copy, so later edits of the breach do
    not change what was received). Where the other party uses this installation,
    its DPO finds it in their own breach register as a received notification."""

    breach = models.ForeignKey(
        Breach,
        verbose_name=_("data breach"),
        on_delete=models.PROTECT,
        related_name="notifications",
    )
    protocol = models.ForeignKey(
        "protocols_registry.ProtocolPage",
        verbose_name=_("protocol"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    sender = models.ForeignKey(
        "protocols_registry.Organisation",
        verbose_name=_("sender"),
        on_delete=models.PROTECT,
        related_name="breach_notifications_sent",
    )
    recipient = models.ForeignKey(
        "protocols_registry.Organisation",
        verbose_name=_("recipient"),
        on_delete=models.PROTECT,
        related_name="breach_notifications_received",
    )
    email = models.EmailField(_("sent to"), blank=True)
    sent_at = models.DateTimeField(_("sent at"), default=timezone.now)
    mailed = models.BooleanField(_("sent by mail"), default=False)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("sent by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    content = models.JSONField(_("content as sent"), default=dict, editable=False)
    acknowledged_at = models.DateTimeField(_("read at"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("read by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["-sent_at", "-pk"]
        verbose_name = _("breach notification")
        verbose_name_plural = _("breach notifications")

    def __str__(self):
        return f"{self.breach.reference} → {self.recipient.display_name}"


class BreachReminder(models.Model):
    """A deadline mail sent once: ``hours_left`` 0 is the deadline itself."""

    breach = models.ForeignKey(
        Breach, on_delete=models.CASCADE, related_name="reminders"
    )
    hours_left = models.PositiveSmallIntegerField(_("hours left"))
    sent_at = models.DateTimeField(_("sent at"), default=timezone.now)

    class Meta:
        verbose_name = _("deadline reminder")
        verbose_name_plural = _("deadline reminders")
        constraints = [
            models.UniqueConstraint(
                fields=["breach", "hours_left"], name="breach_reminder_once"
            )
        ]

    def __str__(self):
        return f"{self.breach.reference}: {self.hours_left} h"


Breach.history_recorder = BREACH_HISTORY
