from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditEvent(models.Model):
    """One entry of the append-only, hash-chained log of actions on personal data.

    ``hash`` = SHA-256 over the previous event's hash and this event's canonical
    content (exchanges.audit.canonical_bytes). Changing, removing or reordering any
    event breaks every later link; `manage.py verify_audit_log` finds the first.
    Events name objects by id and never contain personal data.
    """

    sequence = models.BigIntegerField(unique=True)
    created_at = models.DateTimeField()
    actor_id = models.BigIntegerField(null=True)
    actor = models.CharField(_("actor"), max_length=150)
    action = models.CharField(_("action"), max_length=60, db_index=True)
    object_type = models.CharField(max_length=40, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    transfer_id = models.BigIntegerField(null=True, db_index=True)
    ip_address = models.GenericIPAddressField(null=True)
    details = models.JSONField(default=dict)
    # ``details`` exactly as the hash covers them (exchanges.audit.canonical_details),
    # so that PostgreSQL can rebuild the hash without encoding JSON the way Python
    # does. Never trusted alone: verification also checks it is ``details``' value.
    # Empty on events written before it existed; those are checked in Python.
    canonical_details = models.TextField(default="", editable=False)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64)

    class Meta:
        ordering = ["sequence"]
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        permissions = [("verify_auditevent", _("Can verify the audit log"))]
        default_permissions = ("view",)

    def __str__(self):
        return f"#{self.sequence} {self.action}"


class AuditVerification(models.Model):
    """The result of one verification of the whole chain."""

    checked_at = models.DateTimeField(auto_now_add=True)
    ok = models.BooleanField()
    events_checked = models.BigIntegerField()
    first_broken_sequence = models.BigIntegerField(null=True)
    last_sequence = models.BigIntegerField(null=True)
    last_hash = models.CharField(max_length=64, blank=True)
    message = models.CharField(max_length=300)

    class Meta:
        ordering = ["-checked_at"]
        get_latest_by = "checked_at"
        verbose_name = _("audit log verification")
        verbose_name_plural = _("audit log verifications")

    def __str__(self):
        return f"{self.checked_at:%Y-%m-%d %H:%M} {'ok' if self.ok else 'BROKEN'}"
