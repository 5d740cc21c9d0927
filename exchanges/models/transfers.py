from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


def retention_over(retention_date, day=None):
    """True from the day after ``retention_date`` (local date, Europe/Brussels in
    this project): the last day the data may be kept has gone by. The one date rule
    behind every door to a transfer's data (exchanges.retention) and the job."""
    return retention_date < (day or timezone.localdate())


class Transfer(models.Model):
    """One communication of personal data under a protocol, as it happened.

    Recorded through exchanges.services.record_transfer(), which refuses a transfer
    the protocol does not allow. The record itself holds no personal data: the file
    lives encrypted in its Payload and disappears on deletion, the record stays.

    Deliberately not in Wagtail's search index: nothing searches it (officers filter
    the list), and indexing would rewrite the index on every status change.
    """

    class Channel(models.TextChoices):
        PLATFORM = "platform", _("this platform (upload link)")
        ENCRYPTED_EMAIL = "encrypted_email", _("encrypted e-mail")
        OTHER = "other", _("other")

    class Status(models.TextChoices):
        AWAITING = "awaiting", _("awaiting the file")
        RECEIVED = "received", _("received")
        IN_PROCESSING = "in_processing", _("in processing")
        DELETED = "deleted", _("deleted")

    reference = models.CharField(
        _("reference"), max_length=40, unique=True, editable=False
    )
    protocol = models.ForeignKey(
        "protocols_registry.ProtocolPage",
        verbose_name=_("protocol"),
        on_delete=models.PROTECT,
        related_name="transfers",
    )
    decision = models.ForeignKey(
        "protocols_registry.ApprovalDecision",
        verbose_name=_("approving decision"),
        on_delete=models.PROTECT,
        related_name="transfers",
    )
    sender = models.ForeignKey(
        "protocols_registry.Organisation",
        verbose_name=_("sender"),
        on_delete=models.PROTECT,
        related_name="transfers_sent",
    )
    recipient = models.ForeignKey(
        "protocols_registry.Organisation",
        verbose_name=_("recipient"),
        on_delete=models.PROTECT,
        related_name="transfers_received",
    )
    sent_at = models.DateTimeField(_("sent at"), default=timezone.now)
    received_at = models.DateTimeField(_("received at"), null=True, blank=True)
    received_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("received by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    channel = models.CharField(
        _("channel"), max_length=20, choices=Channel.choices, default=Channel.PLATFORM
    )
    data_items = models.ManyToManyField(
        "protocols_registry.ProtocolDataItem",
        verbose_name=_("data items carried"),
        related_name="transfers",
    )
    data_item_labels = models.JSONField(
        _("data items (as recorded)"),
        default=list,
        editable=False,
        help_text=_("The names of the data items at the time of the transfer."),
    )
    data_subject_count = models.PositiveIntegerField(_("number of data subjects"))
    retention_date = models.DateField(
        _("keep until"),
        help_text=_("The data are deleted after this day. Defaults to the protocol's."),
    )
    status = models.CharField(
        _("status"), max_length=15, choices=Status.choices, default=Status.AWAITING
    )
    note = models.CharField(
        _("note"),
        max_length=300,
        blank=True,
        help_text=_(
            "No personal data here: auditors see this note. It is erased with the "
            "transfer's data."
        ),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)
    deleted_at = models.DateTimeField(_("deleted at"), null=True, blank=True)

    class Meta:
        ordering = ["-sent_at", "-pk"]
        verbose_name = _("transfer")
        verbose_name_plural = _("transfers")
        permissions = [
            ("download_payload", _("Can open the personal data of a transfer")),
        ]
        indexes = [
            models.Index(fields=["status", "retention_date"], name="transfer_due"),
        ]

    def __str__(self):
        return self.reference

    @property
    def is_deleted(self):
        return self.status == self.Status.DELETED

    def retention_passed(self, day=None):
        """Past its retention date, whether or not its data are deleted yet."""
        return retention_over(self.retention_date, day)

    def retention_due(self, day=None):
        """Past its retention date and not deleted yet: the job's work."""
        return not self.is_deleted and self.retention_passed(day)
