"""The transferred file: stored only encrypted, read back only through the doors
below, each audited and each refused past the transfer's retention date.

exchanges.crypto does the encryption; exchanges.uploads encrypts an upload while it
arrives; this module records the payload and opens it again (whole, for a download
checked before the first byte leaves, or as a stream for the list import).
"""

import hashlib

from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from exchanges import audit, crypto
from exchanges.audit_actions import UPLOAD_LINK_ACTOR
from exchanges.conf import get_setting
from exchanges.models import Payload, Transfer, UploadLink
from exchanges.retention import ensure_within_retention
from exchanges.storage import delete_everywhere, payload_storage

BINDING_VERSION = b"transfer:"


def payload_binding(transfer):
    """What the ciphertext is bound to besides its payload id: its transfer."""
    return BINDING_VERSION + transfer.reference.encode()


def store_payload(transfer, upload, *, user=None, link=None, request=None):
    """Keep an encrypted upload (exchanges.uploads.EncryptedUpload) as the payload
    of ``transfer``: wrap its data key, move the ciphertext into storage, record it.
    Refused past the transfer's retention date."""
    door = {
        "user": user,
        "actor": None if user else UPLOAD_LINK_ACTOR,
        "request": request,
    }
    storage = payload_storage()
    name = f"{get_setting('EXCHANGES_PAYLOAD_PREFIX')}/{upload.payload_id}.enc"
    try:
        ensure_within_retention(transfer, "payload.store", **door)
        master = crypto.load_keyring()[0]
        stored_name = storage.save(name, File(upload.file, name=name))
    finally:
        upload.file.close()  # the temporary ciphertext is no longer needed
    try:
        with transaction.atomic():
            locked = Transfer.objects.select_for_update().get(pk=transfer.pk)
            payload = None
            if not locked.retention_passed():
                payload = _record_payload(
                    locked, upload, stored_name, master, link=link, **door
                )
        if payload is None:  # the date passed while the file arrived: refused
            ensure_within_retention(locked, "payload.store", **door)
    except BaseException:
        delete_everywhere(storage, stored_name)  # unreadable without its key; tidy up
        raise
    return payload


def _record_payload(locked, upload, stored_name, master, *, user, actor, link, request):
    """The payload row, the transfer received, the audit event (in the caller's
    transaction, with the transfer locked)."""
    if locked.is_deleted or Payload.objects.filter(transfer=locked).exists():
        raise ValidationError(_("This transfer already has its file."))
    if link is not None:
        claimed = UploadLink.objects.filter(
            pk=link.pk,
            used_at__isnull=True,
            revoked_at__isnull=True,
            expires_at__gt=timezone.now(),
        ).update(used_at=timezone.now())
        if claimed != 1:
            raise ValidationError(_("This upload link can no longer be used."))
    payload = Payload.objects.create(
        id=upload.payload_id,
        transfer=locked,
        original_name=(upload.name or "bestand")[:255],
        file_type=upload.kind,
        size=upload.size,
        chunk_size=upload.chunk_size,
        storage_name=stored_name,
        key_id=master.key_id,
        wrapped_key=crypto.wrap_key(upload.data_key, upload.payload_id, master),
        sha256_plaintext=upload.sha256_plaintext,
        sha256_ciphertext=upload.sha256_ciphertext,
        uploaded_by=user,
        via_upload_link=link,
    )
    locked.status = Transfer.Status.RECEIVED
    locked.received_at = timezone.now()
    locked.received_by = user
    locked.save(update_fields=["status", "received_at", "received_by"])
    audit.record(
        "payload.uploaded",
        user=user,
        actor=actor,
        request=request,
        obj=payload,
        transfer=locked,
        details={
            "size": upload.size,
            "type": upload.kind,
            "sha256_ciphertext": upload.sha256_ciphertext,
            "via": "upload_link" if link else "officer",
        },
    )
    return payload


def _data_key(payload):
    return crypto.unwrap_key(payload.wrapped_key, payload.key_id, payload.id)


def iter_plaintext(payload):
    """The decrypted file, chunk by chunk (raises crypto.DecryptionError).

    The bare decryption: no retention check, no audit event. A caller that gives
    the plaintext to anyone goes through open_payload_stream() or
    open_payload_for_download(), the doors that check and record."""
    data_key = _data_key(payload)
    binding = payload_binding(payload.transfer)
    with payload_storage().open(payload.storage_name, "rb") as source:
        yield from crypto.decrypt_chunks(source, data_key, payload.id, binding)


def verify_payload(payload):
    """Decrypt the whole file once and compare its SHA-256 with the recorded one."""
    digest = hashlib.sha256()
    for chunk in iter_plaintext(payload):
        digest.update(chunk)
    if digest.hexdigest() != payload.sha256_plaintext:
        raise crypto.DecryptionError(
            "The decrypted file does not match its fingerprint."
        )


class PayloadStream:
    """The decrypted file as chunks, for readers that work as they go (the list
    import): memory stays at about two chunks whatever the file's size, and nothing
    is written to disk. Each chunk is authenticated by AES-GCM as it is decrypted;
    once the last one has been read, the SHA-256 of everything read is compared with
    the recorded one and a mismatch raises crypto.DecryptionError, so a reader that
    reaches the end never accepts a file other than the one received. Iterating
    again decrypts again from the start."""

    def __init__(self, payload):
        self.payload = payload

    def __iter__(self):
        digest = hashlib.sha256()
        for chunk in iter_plaintext(self.payload):
            digest.update(chunk)
            yield chunk
        if digest.hexdigest() != self.payload.sha256_plaintext:
            raise crypto.DecryptionError(
                "The decrypted file does not match its fingerprint."
            )


def _ensure_readable(payload, door, *, user, request):
    """The doors to a file's plaintext: within the retention date, not deleted."""
    ensure_within_retention(
        payload.transfer, door, user=user, request=request, obj=payload
    )
    if payload.is_deleted:
        raise ValidationError(_("The file of this transfer has been deleted."))


def open_payload_stream(payload, *, user, request=None, purpose="payload.viewed"):
    """Record that ``user`` opens the file (``purpose`` is the audit action) and
    return it as a PayloadStream. Refused past the retention date."""
    _ensure_readable(payload, purpose, user=user, request=request)
    with transaction.atomic():
        audit.record(
            purpose, user=user, request=request, obj=payload, transfer=payload.transfer
        )
    return PayloadStream(payload)


def open_payload_for_download(payload, *, user, request=None):
    """Check the file, record the download, and return a generator of plaintext.

    The whole file is verified before the first byte leaves, so a tampered file is
    refused instead of half-served. Refused past the retention date.
    """
    _ensure_readable(payload, "payload.downloaded", user=user, request=request)
    try:
        verify_payload(payload)
    except crypto.DecryptionError:
        with transaction.atomic():
            audit.record(
                "payload.integrity_failed",
                user=user,
                request=request,
                obj=payload,
                transfer=payload.transfer,
            )
        raise
    with transaction.atomic():
        audit.record(
            "payload.downloaded",
            user=user,
            request=request,
            obj=payload,
            transfer=payload.transfer,
            details={"size": payload.size},
        )
    return iter_plaintext(payload)
