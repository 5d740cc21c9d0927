import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _


class DeletionEvidence(models.Model):
    """Proof that personal data of a transfer were deleted: what, why, when, by whom,
    how, and how it was verified. ``evidence_json`` is the canonical content and
    ``signature`` its Ed25519 signature, so tampering with the row is detectable and
    the certificate (exchanges.certificates) carries both for offline checking."""

    class Subject(models.TextChoices):
        PAYLOAD = "payload", _("the transferred file")
        PERSON = "person", _("one person's data")
        TRANSFER = "transfer", _("all data of the transfer")

    class Reason(models.TextChoices):
        RETENTION = "retention", _("retention date reached")
        CONTACTED = "contacted", _("person contacted (protocol art. 6)")
        NOT_A_CLIENT = "not_a_client", _("neither candidate tenant nor client (art. 5)")
        ALL_HANDLED = "all_handled", _("every person handled")
        MANUAL = "manual", _("deleted on request of the exchange officer")
        # A transfer made before the platform was used, recorded afterwards: its
        # data were never on the platform (services.record_past_transfer).
        OUTSIDE = "outside", _("deleted outside the platform, before it was recorded")

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    transfer = models.ForeignKey(
        "exchanges.Transfer", on_delete=models.PROTECT, related_name="deletion_evidence"
    )
    subject = models.CharField(_("what"), max_length=10, choices=Subject.choices)
    subject_id = models.CharField(max_length=64, blank=True)
    reason = models.CharField(_("why"), max_length=15, choices=Reason.choices)
    deleted_at = models.DateTimeField(_("when"))
    actor = models.CharField(_("by"), max_length=150)
    method = models.CharField(_("method"), max_length=300)
    verification = models.CharField(_("verification"), max_length=300)
    verified = models.BooleanField(_("verified"))
    record_count = models.PositiveIntegerField(_("records"))
    sha256_plaintext = models.CharField(max_length=64, blank=True)
    sha256_ciphertext = models.CharField(max_length=64, blank=True)
    evidence_json = models.TextField()
    signature = models.CharField(max_length=100)
    signing_key_id = models.CharField(max_length=16)

    class Meta:
        ordering = ["-deleted_at"]
        verbose_name = _("deletion evidence")
        verbose_name_plural = _("deletion evidence")
        default_permissions = ("view",)

    def __str__(self):
        return f"{self.transfer.reference}: {self.get_subject_display()}"

    @property
    def actor_label(self):
        from exchanges.audit_actions import actor_label

        return actor_label(self.actor)
