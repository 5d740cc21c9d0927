"""What a protocol names, each in the order the protocol gives: its parties, the
decisions that approved or changed it, the steps of the exchange, the data items
and the signatories. Edited inline on the protocol page (Wagtail's InlinePanel)."""

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.models import Orderable

from protocols_registry.models.versions import DecisionEffect


class ProtocolParty(Orderable):
    """A party to the protocol, in the order the protocol names them."""

    class Role(models.TextChoices):
        SENDER = "sender", _("sender")
        RECIPIENT = "recipient", _("recipient")
        BOTH = "both", _("sender and recipient")

    page = ParentalKey(
        "protocols_registry.ProtocolPage",
        on_delete=models.CASCADE,
        related_name="parties",
    )
    organisation = models.ForeignKey(
        "protocols_registry.Organisation",
        verbose_name=_("organisation"),
        on_delete=models.PROTECT,
        related_name="protocol_parties",
    )
    role = models.CharField(_("role"), max_length=10, choices=Role.choices)
    representative = models.CharField(
        _("represented by"),
        max_length=200,
        blank=True,
        help_text=_("Name of the official who signs for the party."),
    )
    representative_title = models.CharField(
        _("title of the representative"), max_length=200, blank=True
    )
    mandate = models.TextField(
        _("mandate"),
        blank=True,
        help_text=_("The decision or mandate the representative acts on."),
    )

    panels = [
        "organisation",
        "role",
        "representative",
        "representative_title",
        "mandate",
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("party")
        verbose_name_plural = _("parties")
        constraints = [
            models.UniqueConstraint(
                fields=["page", "organisation"], name="protocol_party_once"
            )
        ]

    def __str__(self):
        return f"{self.organisation} ({self.get_role_display()})"

    @property
    def sends(self):
        return self.role in (self.Role.SENDER, self.Role.BOTH)

    @property
    def receives(self):
        return self.role in (self.Role.RECIPIENT, self.Role.BOTH)


class ProtocolDecision(Orderable):
    """Links a protocol to a decision of one of the parties' governing bodies."""

    page = ParentalKey(
        "protocols_registry.ProtocolPage",
        on_delete=models.CASCADE,
        related_name="decision_links",
    )
    decision = models.ForeignKey(
        "protocols_registry.ApprovalDecision",
        verbose_name=_("decision"),
        on_delete=models.PROTECT,
        related_name="protocol_links",
    )
    effect = models.CharField(
        _("effect on the protocol"),
        max_length=12,
        choices=DecisionEffect.choices,
        default=DecisionEffect.APPROVAL,
        # Blank reads as an initial approval: forms that predate the field (and
        # the workflow's) may leave it out.
        blank=True,
        help_text=_(
            "A later decision that amends or ends the protocol makes a new version."
        ),
    )
    change_summary = models.TextField(
        _("what changed"),
        blank=True,
        help_text=_(
            "In a few sentences, for citizens: what this decision changes. "
            "Required for an amendment."
        ),
    )

    panels = ["decision", "effect", "change_summary"]

    class Meta(Orderable.Meta):
        verbose_name = _("approval decision")
        verbose_name_plural = _("approval decisions")


class ProtocolExchangeStep(Orderable):
    """One step of the exchange procedure, in order (seed: five steps)."""

    page = ParentalKey(
        "protocols_registry.ProtocolPage",
        on_delete=models.CASCADE,
        related_name="exchange_steps",
    )
    description = models.TextField(_("step"))

    panels = ["description"]

    class Meta(Orderable.Meta):
        verbose_name = _("exchange step")
        verbose_name_plural = _("exchange steps")

    def __str__(self):
        return self.description


class ProtocolDataItem(Orderable):
    """A data item (or cluster) of article 3 with why it is needed and how long it
    is kept. Transfers name the items they carry; the retention date bounds them."""

    page = ParentalKey(
        "protocols_registry.ProtocolPage",
        on_delete=models.CASCADE,
        related_name="data_items",
    )
    data = models.TextField(
        _("data"),
        help_text=_(
            "The data communicated; may be a cluster, e.g. identification "
            "data: last name, first name, national register number."
        ),
    )
    proportionality = models.TextField(
        _("proportionality"), help_text=_("Why each of these data is necessary.")
    )
    retention = models.TextField(
        _("retention period"), blank=True, help_text=_("The retention period in words.")
    )
    retention_until = models.DateField(
        _("kept until"),
        null=True,
        blank=True,
        help_text=_("The last day the recipient may keep these data, if fixed."),
    )
    special_category = models.BooleanField(
        _("special category (GDPR art. 9 or 10)"), default=False
    )
    special_category_basis = models.TextField(
        _("ground for the special category"),
        blank=True,
        help_text=_("Required when the data belong to a special category."),
    )

    panels = [
        "data",
        "proportionality",
        "retention",
        "retention_until",
        "special_category",
        "special_category_basis",
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("data item")
        verbose_name_plural = _("data items")

    def __str__(self):
        return self.data.split("\n", 1)[0][:80]

    def clean(self):
        if self.special_category and not self.special_category_basis.strip():
            raise ValidationError(
                {
                    "special_category_basis": _(
                        "Name the GDPR art. 9(2) or 10 ground for "
                        "special-category data."
                    )
                }
            )


class ProtocolSignatory(Orderable):
    """Who signed the protocol, for which party and in which capacity."""

    page = ParentalKey(
        "protocols_registry.ProtocolPage",
        on_delete=models.CASCADE,
        related_name="signatories",
    )
    organisation = models.ForeignKey(
        "protocols_registry.Organisation",
        verbose_name=_("for"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    name = models.CharField(_("name"), max_length=200)
    title = models.CharField(_("function"), max_length=200)
    signed_on = models.DateField(
        _("signed on"),
        null=True,
        blank=True,
        help_text=_("Leave empty until this signatory has signed."),
    )
    signed_place = models.CharField(_("signed at"), max_length=100, blank=True)

    panels = ["organisation", "name", "title", "signed_on", "signed_place"]

    class Meta(Orderable.Meta):
        verbose_name = _("signatory")
        verbose_name_plural = _("signatories")

    def __str__(self):
        return f"{self.name}, {self.title}"
