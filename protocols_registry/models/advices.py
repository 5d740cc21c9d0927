from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.search import index

from protocols_registry.fields import PdfFileField


class DPOAdvice(index.Indexed, models.Model):
    """The advice of one party's data protection officer on a protocol.

    Recorded by the DPO group. The latest advice of each party counts for
    publication: favourable, or favourable with conditions.
    """

    class Verdict(models.TextChoices):
        FAVOURABLE = "favourable", _("favourable")
        CONDITIONAL = "conditional", _("favourable with conditions")
        UNFAVOURABLE = "unfavourable", _("unfavourable")

    protocol = models.ForeignKey(
        "protocols_registry.ProtocolPage",
        verbose_name=_("protocol"),
        on_delete=models.CASCADE,
        related_name="advices",
    )
    organisation = models.ForeignKey(
        "protocols_registry.Organisation",
        verbose_name=_("party"),
        on_delete=models.PROTECT,
        related_name="dpo_advices",
        help_text=_("The party whose DPO gave the advice."),
    )
    dpo_name = models.CharField(
        _("data protection officer"),
        max_length=200,
        blank=True,
        help_text=_("Not shown on the public site."),
    )
    advice_date = models.DateField(_("date of the advice"))
    verdict = models.CharField(_("verdict"), max_length=15, choices=Verdict.choices)
    conditions = models.TextField(
        _("conditions"),
        blank=True,
        help_text=_("Required for an advice that is favourable with conditions."),
    )
    document = PdfFileField(_("advice (PDF)"), folder="advices", blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    search_fields = [
        index.SearchField("dpo_name"),
        index.FilterField("verdict"),
        index.FilterField("organisation"),
        index.FilterField("protocol"),
        index.RelatedFields("protocol", [index.SearchField("title")]),
    ]

    class Meta:
        ordering = ["protocol", "organisation", "-advice_date", "-pk"]
        verbose_name = _("DPO advice")
        verbose_name_plural = _("DPO advices")

    def __str__(self):
        return _("Advice of the DPO of %(party)s on %(protocol)s (%(date)s)") % {
            "party": self.organisation,
            "protocol": self.protocol.reference if self.protocol_id else "?",
            "date": self.advice_date,
        }

    @classmethod
    def latest_by_organisation(cls, protocol_id):
        """The advice that counts for each party of a protocol: its latest."""
        latest = {}
        if protocol_id:
            for advice in cls.objects.filter(protocol_id=protocol_id).order_by(
                "organisation_id", "-advice_date", "-pk"
            ):
                latest.setdefault(advice.organisation_id, advice)
        return latest

    @property
    def is_favourable(self):
        return self.verdict in (self.Verdict.FAVOURABLE, self.Verdict.CONDITIONAL)

    def clean(self):
        errors = {}
        if self.verdict == self.Verdict.CONDITIONAL and not self.conditions.strip():
            errors["conditions"] = _("Write down the conditions of this advice.")
        if self.protocol_id and self.organisation_id:
            party_ids = set(
                self.protocol.parties.values_list("organisation_id", flat=True)
            )
            if self.organisation_id not in party_ids:
                errors["organisation"] = _(
                    "%(organisation)s is not a party to this protocol."
                ) % {"organisation": self.organisation}
        if errors:
            raise ValidationError(errors)
