import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from exchanges.keyring import holds_wrapped_key


@holds_wrapped_key()
class ListEntry(models.Model):
    """One person of an imported candidate list, until OCMW has handled them.

    Who the person is (name, national register number, the row as delivered) is only
    in ``ciphertext``, sealed with the row's own data key (wrapped by the master key,
    as for payloads). The plain fields are what sorting and filtering need: dates,
    the CIR status and the missing documents. ``pseudonym`` is a keyed hash of the
    national register number, unique within the transfer, used wherever the person
    must be referred to (audit events, evidence, the auditor's export).

    Handling a person deletes the row (protocol art. 6); the deletion evidence keeps
    the pseudonym.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    transfer = models.ForeignKey(
        "exchanges.Transfer", on_delete=models.PROTECT, related_name="list_entries"
    )
    row_number = models.PositiveIntegerField(_("row"))
    pseudonym = models.CharField(_("pseudonym"), max_length=20)
    cir_status = models.CharField(_("CIR file status"), max_length=100)
    missing_documents = models.JSONField(_("missing documents"), default=list)
    invitation_date = models.DateField(_("invitation letter sent"))
    reminder_date = models.DateField(_("reminder sent"), null=True, blank=True)
    respond_by = models.DateField(_("respond by"))
    strike_off_on = models.DateField(_("struck off on"), null=True, blank=True)
    deadline = models.DateField(_("deadline"), db_index=True)
    key_id = models.CharField(max_length=40)
    wrapped_key = models.BinaryField()
    ciphertext = models.BinaryField()
    imported_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["deadline", "row_number"]
        verbose_name = _("list entry")
        verbose_name_plural = _("list entries")
        default_permissions = ("view",)
        constraints = [
            models.UniqueConstraint(
                fields=["transfer", "pseudonym"], name="one_entry_per_person"
            )
        ]

    def __str__(self):
        return self.pseudonym


@holds_wrapped_key()
class HandlingNote(models.Model):
    """What the officer wrote when they handled a person ("gebeld, komt langs").

    Free text may name people, so it is kept like their row: sealed with its own data
    key (exchanges.sealed), shown only to the Exchange officer, and deleted with the
    transfer's data. The audit log holds a keyed digest of it, never the text
    (exchanges.handling_notes).
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    transfer = models.ForeignKey(
        "exchanges.Transfer", on_delete=models.PROTECT, related_name="handling_notes"
    )
    pseudonym = models.CharField(_("pseudonym"), max_length=20)
    written_at = models.DateTimeField(_("written at"))
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("written by"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    key_id = models.CharField(max_length=40)
    wrapped_key = models.BinaryField()
    ciphertext = models.BinaryField()

    class Meta:
        ordering = ["-written_at"]
        verbose_name = _("handling note")
        verbose_name_plural = _("handling notes")
        default_permissions = ()

    def __str__(self):
        return f"{self.pseudonym} ({self.written_at:%Y-%m-%d})"
