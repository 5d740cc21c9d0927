from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext


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

    @property
    def action_label(self):
        from exchanges.audit_actions import action_label

        return action_label(self.action)

    @property
    def actor_label(self):
        from exchanges.audit_actions import actor_label

        return actor_label(self.actor)


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

    @property
    def summary(self):
        """The outcome in the reader's language (``message`` stays the English
        text the command and the log lines print)."""
        if self.ok:
            return ngettext(
                "%(count)s event checked, chain intact",
                "%(count)s events checked, chain intact",
                self.events_checked,
            ) % {"count": self.events_checked}
        if self.first_broken_sequence is not None:
            return _("the first broken link is event #%(sequence)s") % {
                "sequence": self.first_broken_sequence
            }
        return _("events are missing or cannot be read: run manage.py verify_audit_log")


class SignedTreeHead(models.Model):
    """A signed head of the audit log's Merkle tree (exchanges.audit_heads): the
    copy this installation keeps and shows on its transparency page.

    The proof does not rest on this row: the same signed note is written to places
    the database administrator does not control (a folder, object storage with
    Object Lock, the DPO's and auditor's mailboxes, anyone who downloaded it), and
    verification compares the log with those copies.
    """

    tree_size = models.BigIntegerField(_("number of events"), unique=True)
    root_hash = models.CharField(_("root hash"), max_length=64)
    signed_at = models.DateTimeField(_("signed at"))
    note = models.TextField(_("signed head"))
    published_to = models.JSONField(_("copies written to"), default=list)

    class Meta:
        ordering = ["-tree_size"]
        get_latest_by = "tree_size"
        verbose_name = _("signed tree head")
        verbose_name_plural = _("signed tree heads")
        default_permissions = ("view",)

    def __str__(self):
        return f"{self.tree_size} ({self.signed_at:%Y-%m-%d %H:%M})"
