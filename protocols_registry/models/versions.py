from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _


class DecisionEffect(models.TextChoices):
    """What a decision linked to a protocol does to it."""

    APPROVAL = "approval", _("initial approval")
    AMENDMENT = "amendment", _("amendment")
    TERMINATION = "termination", _("termination")


class VersionImmutable(ValidationError):
    """A version is the approved text as published: it is never changed."""


class ProtocolVersionQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise VersionImmutable(_("A version of a protocol cannot be changed."))


class ProtocolVersion(models.Model):
    """The text of a protocol as published with one decision of a governing body.

    Each decision that approves, amends or ends a protocol makes a new version when
    the protocol is published with it (protocols_registry.versions records it).
    Citizens read the history, each version's text and what changed between two
    versions. Once written, a version never changes: the text frozen here is what
    the decision approved, whatever the page says later.
    """

    page = models.ForeignKey(
        "protocols_registry.ProtocolPage",
        verbose_name=_("protocol"),
        on_delete=models.CASCADE,
        related_name="versions",
    )
    number = models.PositiveIntegerField(_("version"))
    decision = models.ForeignKey(
        "protocols_registry.ApprovalDecision",
        verbose_name=_("decision"),
        on_delete=models.PROTECT,
        related_name="protocol_versions",
    )
    effect = models.CharField(
        _("effect of the decision"),
        max_length=12,
        choices=DecisionEffect.choices,
        default=DecisionEffect.APPROVAL,
    )
    published_at = models.DateTimeField(_("published at"))
    change_summary = models.TextField(_("what changed"), blank=True)
    content = models.JSONField(
        _("approved text"),
        help_text=_("The text of every section as published with this version."),
    )

    objects = ProtocolVersionQuerySet.as_manager()

    class Meta:
        ordering = ["page", "number"]
        verbose_name = _("protocol version")
        verbose_name_plural = _("protocol versions")
        constraints = [
            models.UniqueConstraint(
                fields=["page", "number"], name="protocol_version_number_once"
            ),
            models.UniqueConstraint(
                fields=["page", "decision"], name="protocol_version_decision_once"
            ),
        ]

    def __str__(self):
        return _("%(reference)s, version %(number)s") % {
            "reference": self.page.reference,
            "number": self.number,
        }

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise VersionImmutable(_("A version of a protocol cannot be changed."))
        return super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise VersionImmutable(_("A version of a protocol cannot be deleted."))

    @property
    def is_amendment(self):
        return self.effect == DecisionEffect.AMENDMENT

    @property
    def is_termination(self):
        return self.effect == DecisionEffect.TERMINATION
