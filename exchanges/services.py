"""Every operation on transfers and their personal data, in one transaction each,
with its audit event written in the same transaction.

Views, management commands and tests call these functions; nothing else writes
transfers, payloads, upload links or deletion evidence.
"""

import hashlib
import json
import secrets
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.core.files import File
from django.db import connection, transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from exchanges import audit, crypto, signing
from exchanges.conf import get_setting
from exchanges.models import DeletionEvidence, Payload, Transfer, UploadLink
from exchanges.storage import delete_everywhere, describe, is_gone, payload_storage
from protocols_registry.models import ProtocolPage

BINDING_VERSION = b"transfer:"


def payload_binding(transfer):
    """What the ciphertext is bound to besides its payload id: its transfer."""
    return BINDING_VERSION + transfer.reference.encode()


# --- recording a transfer -----------------------------------------------------------


def transfer_problems(
    *, protocol, decision, sender, recipient, sent_at, data_items, retention_date
):
    """Why the protocol does not allow this transfer: {field: [messages]}."""
    problems = {}
    day = timezone.localdate(sent_at) if timezone.is_aware(sent_at) else sent_at.date()
    shown = formats.date_format(day, "d/m/Y")

    def add(field, message):
        problems.setdefault(field, []).append(message)

    status = protocol.status_on(day)
    if status == "draft" or day < (protocol.approval_date or day):
        add(
            "protocol",
            _("Protocol %(reference)s was not approved on %(date)s.")
            % {"reference": protocol.reference, "date": shown},
        )
    elif status != "in_force":
        add(
            "protocol",
            _("Protocol %(reference)s was not in force on %(date)s (%(status)s).")
            % {
                "reference": protocol.reference,
                "date": shown,
                "status": protocol.status_on(day).label,
            },
        )
    if decision not in protocol.approving_decisions():
        add(
            "decision",
            _("Decision %(decision)s does not approve protocol %(reference)s.")
            % {"decision": decision.reference, "reference": protocol.reference},
        )
    parties = {party.organisation_id: party for party in protocol.parties.all()}
    if sender.pk not in parties or not parties[sender.pk].sends:
        add(
            "sender",
            _("%(organisation)s is not a sending party of this protocol.")
            % {"organisation": sender},
        )
    if recipient.pk not in parties or not parties[recipient.pk].receives:
        add(
            "recipient",
            _("%(organisation)s is not a receiving party of this protocol.")
            % {"organisation": recipient},
        )
    if sender.pk == recipient.pk:
        add("recipient", _("Sender and recipient must differ."))
    listed = {item.pk for item in protocol.data_items.all()}
    foreign = [item for item in data_items if item.pk not in listed]
    if not data_items:
        add("data_items", _("Name at least one data item of the protocol."))
    for item in foreign:
        add(
            "data_items",
            _("“%(item)s” is not a data item of protocol %(reference)s.")
            % {"item": item, "reference": protocol.reference},
        )
    limit = protocol.retention_limit([item for item in data_items if item.pk in listed])
    if retention_date is None:
        if limit is None:
            add("retention_date", _("The protocol sets no date: enter one."))
    elif limit is not None and retention_date > limit:
        add(
            "retention_date",
            _("The protocol allows keeping these data until %(limit)s at the latest.")
            % {"limit": formats.date_format(limit, "d/m/Y")},
        )
    return problems


def _next_reference(protocol):
    """<protocol reference>/<n>: the n-th transfer under that protocol."""
    count = Transfer.objects.filter(protocol=protocol).count()
    while True:
        count += 1
        reference = f"{protocol.reference}/{count}"
        if not Transfer.objects.filter(reference=reference).exists():
            return reference


@transaction.atomic
def record_transfer(
    *,
    protocol,
    decision,
    sender,
    recipient,
    data_items,
    data_subject_count,
    user,
    sent_at=None,
    channel=Transfer.Channel.PLATFORM,
    retention_date=None,
    note="",
    request=None,
):
    """Record a transfer the protocol allows, or raise ValidationError saying why not."""
    sent_at = sent_at or timezone.now()
    data_items = list(data_items)
    problems = transfer_problems(
        protocol=protocol,
        decision=decision,
        sender=sender,
        recipient=recipient,
        sent_at=sent_at,
        data_items=data_items,
        retention_date=retention_date,
    )
    if problems:
        raise ValidationError(problems)
    transfer = Transfer.objects.create(
        reference=_next_reference(protocol),
        protocol=protocol,
        decision=decision,
        sender=sender,
        recipient=recipient,
        sent_at=sent_at,
        channel=channel,
        data_subject_count=data_subject_count,
        retention_date=retention_date or protocol.retention_limit(data_items),
        data_item_labels=[str(item) for item in data_items],
        note=note,
        created_by=user,
    )
    transfer.data_items.set(data_items)
    audit.record(
        "transfer.recorded",
        user=user,
        request=request,
        obj=transfer,
        details={
            "protocol": protocol.reference,
            "data_items": len(data_items),
            "data_subjects": data_subject_count,
            "retention_date": transfer.retention_date.isoformat(),
        },
    )
    return transfer


# --- upload links -------------------------------------------------------------------


def _token_hash(token):
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def create_upload_link(
    transfer, *, user, hours=None, max_size=None, allowed_types=None, request=None
):
    """A one-time upload link for the sender. Returns (link, token); the token is
    shown once and only its hash is stored."""
    if transfer.is_deleted or hasattr(transfer, "payload"):
        raise ValidationError(_("This transfer already has its file."))
    hours = hours or get_setting("EXCHANGES_UPLOAD_LINK_HOURS")
    if not 0 < hours <= get_setting("EXCHANGES_UPLOAD_LINK_MAX_HOURS"):
        raise ValidationError(
            {"hours": _("Choose a validity within the allowed range.")}
        )
    token = secrets.token_urlsafe(32)
    link = UploadLink.objects.create(
        transfer=transfer,
        token_hash=_token_hash(token),
        expires_at=timezone.now() + timedelta(hours=hours),
        max_size=max_size or get_setting("EXCHANGES_MAX_PAYLOAD_SIZE"),
        allowed_types=list(allowed_types or get_setting("EXCHANGES_ALLOWED_TYPES")),
        created_by=user,
    )
    audit.record(
        "upload_link.created",
        user=user,
        request=request,
        obj=link,
        transfer=transfer,
        details={"expires_at": link.expires_at.isoformat(timespec="seconds")},
    )
    return link, token


def find_upload_link(token, request=None):
    """The usable link for ``token``, or None (the refusal is audited)."""
    link = (
        UploadLink.objects.select_related("transfer")
        .filter(token_hash=_token_hash(token or ""))
        .first()
    )
    if link is None or not link.is_usable(timezone.now()):
        reason = (
            "unknown"
            if link is None
            else "used"
            if link.used_at
            else ("revoked" if link.revoked_at else "expired")
        )
        with transaction.atomic():
            audit.record(
                "upload_link.refused",
                actor="anonymous",
                request=request,
                obj=link,
                transfer=link.transfer if link else None,
                details={"reason": reason},
            )
        return None
    return link


# --- payloads -----------------------------------------------------------------------


def store_payload(transfer, upload, *, user=None, link=None, request=None):
    """Keep an encrypted upload (exchanges.uploads.EncryptedUpload) as the payload
    of ``transfer``: wrap its data key, move the ciphertext into storage, record it."""
    storage = payload_storage()
    name = f"{get_setting('EXCHANGES_PAYLOAD_PREFIX')}/{upload.payload_id}.enc"
    master = crypto.load_keyring()[0]
    try:
        stored_name = storage.save(name, File(upload.file, name=name))
    finally:
        upload.file.close()  # the temporary ciphertext is no longer needed
    try:
        with transaction.atomic():
            locked = Transfer.objects.select_for_update().get(pk=transfer.pk)
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
                actor=None if user else "sender (upload link)",
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
    except BaseException:
        delete_everywhere(storage, stored_name)  # unreadable without its key; tidy up
        raise
    return payload


def _data_key(payload):
    return crypto.unwrap_key(payload.wrapped_key, payload.key_id, payload.id)


def iter_plaintext(payload):
    """The decrypted file, chunk by chunk (raises crypto.DecryptionError)."""
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


def read_payload_bytes(payload, *, user, request=None, purpose="payload.viewed"):
    """The whole decrypted file in memory, for small lists (imports); audited."""
    if payload.is_deleted:
        raise ValidationError(_("The file of this transfer has been deleted."))
    content = b"".join(iter_plaintext(payload))
    if hashlib.sha256(content).hexdigest() != payload.sha256_plaintext:
        raise crypto.DecryptionError(
            "The decrypted file does not match its fingerprint."
        )
    with transaction.atomic():
        audit.record(
            purpose, user=user, request=request, obj=payload, transfer=payload.transfer
        )
    return content


def open_payload_for_download(payload, *, user, request=None):
    """Check the file, record the download, and return a generator of plaintext.

    The whole file is verified before the first byte leaves, so a tampered file is
    refused instead of half-served.
    """
    if payload.is_deleted:
        raise ValidationError(_("The file of this transfer has been deleted."))
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


def record_refused_access(request, *, obj=None, transfer=None, action="access.refused"):
    with transaction.atomic():
        audit.record(
            action,
            request=request,
            obj=obj,
            transfer=transfer,
            details={"path": request.path[:200]},
        )


# --- deletion -------------------------------------------------------------------------

METHOD = (
    "Cryptographic erase: the AES-256-GCM data key, wrapped by the master key, is "
    "destroyed; the encrypted file is removed from storage."
)


def _shred_payloads(payloads, now):
    """Destroy the data keys and the ciphertexts; return {payload pk: (verified,
    verification text)}, checked afterwards against the database and the storage."""
    if not payloads:
        return {}
    storage = payload_storage()
    Payload.objects.filter(pk__in=[payload.pk for payload in payloads]).update(
        wrapped_key=None, deleted_at=now
    )
    for payload in payloads:
        delete_everywhere(storage, payload.storage_name)
    keys_gone = set(
        Payload.objects.filter(
            pk__in=[payload.pk for payload in payloads], wrapped_key__isnull=True
        ).values_list("pk", flat=True)
    )
    where = describe(storage)
    results = {}
    for payload in payloads:
        key_gone = payload.pk in keys_gone
        file_gone = is_gone(storage, payload.storage_name)
        results[payload.pk] = (
            key_gone and file_gone,
            f"data key present: {'no' if key_gone else 'YES'}; "
            f"encrypted file present in {where}: {'no' if file_gone else 'YES'}",
        )
    return results


def _installation():
    from django.conf import settings

    return (
        get_setting("EXCHANGES_INSTALLATION_NAME")
        or getattr(settings, "PROTOCOLS_REGISTRY_ORGANISATION_NAME", "")
        or settings.WAGTAIL_SITE_NAME
    )


def build_evidence(
    transfer,
    *,
    subject,
    subject_id="",
    reason,
    actor,
    method,
    verification,
    verified,
    record_count,
    sha256_plaintext="",
    sha256_ciphertext="",
    deleted_at=None,
    protocol_reference=None,
):
    """A signed DeletionEvidence row, not yet saved. A caller that deletes many
    transfers passes their protocol's reference rather than load every protocol."""
    evidence = DeletionEvidence(
        transfer=transfer,
        subject=subject,
        subject_id=subject_id,
        reason=reason,
        deleted_at=deleted_at or timezone.now(),
        actor=actor,
        method=method,
        verification=verification,
        verified=verified,
        record_count=record_count,
        sha256_plaintext=sha256_plaintext,
        sha256_ciphertext=sha256_ciphertext,
    )
    content = {
        "certificate_id": str(evidence.id),
        "installation": _installation(),
        "transfer": transfer.reference,
        "protocol": protocol_reference or transfer.protocol.reference,
        "subject": subject,
        "subject_id": subject_id,
        "reason": reason,
        "deleted_at": evidence.deleted_at.isoformat(timespec="seconds"),
        "actor": actor,
        "method": method,
        "verification": verification,
        "verified": verified,
        "record_count": record_count,
        "sha256_plaintext": sha256_plaintext,
        "sha256_ciphertext": sha256_ciphertext,
    }
    evidence.evidence_json = json.dumps(content, sort_keys=True, ensure_ascii=False)
    evidence.signature = signing.sign(evidence.evidence_json.encode())
    evidence.signing_key_id = signing.key_id()
    return evidence


def write_evidence(transfer, **fields):
    """Create a signed DeletionEvidence row (inside the caller's transaction)."""
    evidence = build_evidence(transfer, **fields)
    evidence.save(force_insert=True)
    return evidence


def delete_transfer_data(
    transfer, *, reason, user=None, actor=None, request=None, skip_locked=False
):
    """Delete everything personal of a transfer and write the evidence.

    Returns the DeletionEvidence, or None when there was nothing left to delete (or,
    with ``skip_locked``, when another process is deleting it right now). Safe to
    repeat and to interrupt: until the transaction commits nothing is recorded, and
    a rerun finds the same work and finishes it.
    """
    written = delete_transfers_data(
        [transfer.pk],
        reason=reason,
        user=user,
        actor=actor,
        request=request,
        skip_locked=skip_locked,
    )
    return written[0] if written else None


def delete_transfers_data(
    transfer_ids, *, reason, user=None, actor=None, request=None, skip_locked=False
):
    """delete_transfer_data() for several transfers in one transaction: the same
    deletion, evidence and audit event for each, with a few queries per batch
    instead of a dozen per transfer (retention deletes thousands in one night).
    Returns the evidence written, one per transfer that still had data."""
    actor = actor or (user.get_username() if user else "system")
    with transaction.atomic():
        locking = Transfer.objects.select_for_update(
            skip_locked=skip_locked
            and connection.features.has_select_for_update_skip_locked
        )
        transfers = [
            transfer
            for transfer in locking.filter(pk__in=list(transfer_ids)).order_by("pk")
            if not transfer.is_deleted
        ]
        if not transfers:
            return []
        # The evidence names each protocol: its reference, not the whole page.
        protocol_references = dict(
            ProtocolPage.objects.filter(
                pk__in={transfer.protocol_id for transfer in transfers}
            ).values_list("pk", "reference")
        )
        # One moment for the whole batch: it is deleted in one transaction.
        now = timezone.now()
        payloads = {
            payload.transfer_id: payload
            for payload in Payload.objects.filter(
                transfer__in=transfers, deleted_at__isnull=True
            )
        }
        shredded = _shred_payloads(list(payloads.values()), now)
        from exchanges.deletion_hooks import run_transfer_deleters

        deleted_elsewhere = run_transfer_deleters(transfers)
        evidence, events = [], []
        for transfer in transfers:
            payload = payloads.get(transfer.pk)
            verified, verification, records = True, "no file was received", 0
            hashes = {}
            if payload is not None:
                verified, verification = shredded[payload.pk]
                records = 1
                hashes = {
                    "sha256_plaintext": payload.sha256_plaintext,
                    "sha256_ciphertext": payload.sha256_ciphertext,
                }
            extra_records, extra_notes = deleted_elsewhere.get(transfer.pk, (0, ""))
            records += extra_records
            if extra_notes:
                verification = f"{verification}; {extra_notes}"
            written = build_evidence(
                transfer,
                subject=DeletionEvidence.Subject.TRANSFER,
                subject_id=str(payload.pk) if payload else "",
                reason=reason,
                actor=actor,
                method=METHOD,
                verification=verification,
                verified=verified,
                record_count=records,
                deleted_at=now,
                protocol_reference=protocol_references[transfer.protocol_id],
                **hashes,
            )
            evidence.append(written)
            transfer.status = Transfer.Status.DELETED
            transfer.deleted_at = now
            events.append(
                {
                    "obj": transfer,
                    "details": {
                        "reason": reason,
                        "records": records,
                        "evidence": str(written.pk),
                    },
                }
            )
        UploadLink.objects.filter(transfer__in=transfers, used_at__isnull=True).update(
            revoked_at=now
        )
        DeletionEvidence.objects.bulk_create(evidence)
        Transfer.objects.filter(pk__in=[transfer.pk for transfer in transfers]).update(
            status=Transfer.Status.DELETED, deleted_at=now
        )
        audit.record_many(
            "transfer.data_deleted",
            events,
            user=user,
            actor=actor,
            request=request,
        )
    return evidence


def due_for_retention(day=None):
    day = day or timezone.localdate()
    return Transfer.objects.filter(retention_date__lt=day).exclude(
        status=Transfer.Status.DELETED
    )


# Transfers deleted per transaction: each commit waits for the disk, and each batch
# costs a dozen queries whatever its size; 500 keeps both small per deletion while
# a failure still rolls back only one batch, which the next run finishes.
RETENTION_BATCH = 500


def enforce_retention(day=None, *, dry_run=False, report=None):
    """Delete what is past its retention date, a batch of transfers per transaction.
    Returns the evidence written."""
    written = []
    due = due_for_retention(day).order_by("retention_date", "pk")
    batch = []
    for transfer in due.only("pk", "reference", "retention_date").iterator():
        if report:
            report(transfer)
        if dry_run:
            continue
        batch.append(transfer.pk)
        if len(batch) == RETENTION_BATCH:
            written += _retention_batch(batch)
            batch = []
    if batch:
        written += _retention_batch(batch)
    return written


def _retention_batch(transfer_ids):
    return delete_transfers_data(
        transfer_ids,
        reason=DeletionEvidence.Reason.RETENTION,
        actor="enforce_retention",
        skip_locked=True,
    )
