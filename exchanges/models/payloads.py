import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from exchanges.keyring import holds_wrapped_key


@holds_wrapped_key()
class Payload(models.Model):
    """The transferred file, stored only encrypted (see exchanges.crypto).

    ``wrapped_key`` is the file's data key wrapped by master key ``key_id``; setting
    it to NULL destroys the only way to read the ciphertext (crypto-shredding).
    ``deleted_at`` is when that happened; the ciphertext itself is removed from
    storage only after that deletion has committed, at ``file_removed_at``
    (exchanges.deletion explains why, and finishes removals a crash interrupted).
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    transfer = models.OneToOneField(
        "exchanges.Transfer", on_delete=models.PROTECT, related_name="payload"
    )
    original_name = models.CharField(_("file name"), max_length=255)
    file_type = models.CharField(_("type"), max_length=10)
    size = models.BigIntegerField(_("size (bytes)"))
    chunk_size = models.PositiveIntegerField()
    storage_name = models.CharField(max_length=300, unique=True)
    key_id = models.CharField(max_length=40)
    wrapped_key = models.BinaryField(null=True, editable=False)
    sha256_plaintext = models.CharField(_("SHA-256 of the file"), max_length=64)
    sha256_ciphertext = models.CharField(
        _("SHA-256 of the encrypted file"), max_length=64
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    via_upload_link = models.ForeignKey(
        "exchanges.UploadLink",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    deleted_at = models.DateTimeField(_("deleted at"), null=True, blank=True)
    file_removed_at = models.DateTimeField(_("file removed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("payload")
        verbose_name_plural = _("payloads")

    def __str__(self):
        return f"{self.transfer.reference} ({self.file_type})"

    @property
    def is_deleted(self):
        return self.wrapped_key is None


class UploadLink(models.Model):
    """A one-time link through which the sending party uploads the file.

    Only a hash of the token is stored; the link itself is shown to the officer once.
    """

    transfer = models.ForeignKey(
        "exchanges.Transfer", on_delete=models.CASCADE, related_name="upload_links"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    expires_at = models.DateTimeField(_("expires at"))
    max_size = models.BigIntegerField(_("largest file (bytes)"))
    allowed_types = models.JSONField(_("accepted file types"), default=list)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    used_at = models.DateTimeField(_("used at"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("upload link")
        verbose_name_plural = _("upload links")

    def __str__(self):
        return f"{self.transfer.reference} ({self.expires_at:%Y-%m-%d %H:%M})"

    def is_usable(self, now):
        return (
            self.used_at is None and self.revoked_at is None and self.expires_at > now
        )
