"""Deleting the personal data of transfers, and the signed evidence that it happened.

A deletion runs in two steps, so that a crash at any moment leaves nothing in
between:

1. One transaction destroys the files' data keys (crypto-shredding: from the commit
   on the ciphertext is unreadable wherever a copy is), deletes the other personal
   rows (exchanges.deletion_hooks), marks the transfers deleted and writes, for each,
   signed evidence (subject "transfer") of what was verified at that moment: the key
   and the rows are gone. The block is durable: it cannot run inside a caller's
   transaction, so it has committed when it ends.
2. Only then is each encrypted file removed from storage (every version), looked up
   again, and recorded with signed evidence of its own (subject "payload") and an
   audit event; the payload is marked ``file_removed_at``.

Removing a file inside step 1 would leave, after a crash, a transfer that the rolled
back database still shows as received while its file is gone. With the order above a
crash in step 1 changes nothing, and a crash in step 2 leaves files that nobody can
read (their key is destroyed) and that are not marked removed yet: every deletion and
every run of enforce_retention finishes those first (finish_file_removals), so a
rerun leaves no file of a deleted transfer behind and certifies each exactly once.
"""

import json
import logging

from django.db import connection, transaction
from django.utils import timezone

from exchanges import audit, signing
from exchanges.conf import get_setting
from exchanges.deletion_hooks import run_transfer_deleters
from exchanges.models import DeletionEvidence, Payload, Transfer, UploadLink
from exchanges.storage import delete_everywhere, describe, is_gone, payload_storage
from protocols_registry.models import ProtocolPage

logger = logging.getLogger(__name__)

METHOD = (
    "Cryptographic erase: the AES-256-GCM data key, wrapped by the master key, is "
    "destroyed; the encrypted file is removed from storage."
)
FILE_METHOD = (
    "The encrypted file, unreadable since its data key was destroyed, is deleted "
    "from storage with every stored version."
)

# Files removed and certified per transaction when finishing removals.
FILE_BATCH = 500


# --- evidence ---------------------------------------------------------------------------


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


def _protocol_references(transfers):
    return dict(
        ProtocolPage.objects.filter(
            pk__in={transfer.protocol_id for transfer in transfers}
        ).values_list("pk", "reference")
    )


# --- step 1: keys and rows, in one transaction ----------------------------------------


def delete_transfer_data(
    transfer, *, reason, user=None, actor=None, request=None, skip_locked=False
):
    """Delete everything personal of a transfer and write the evidence.

    Returns the transfer's DeletionEvidence, or None when there was nothing left to
    delete (or, with ``skip_locked``, when another process is deleting it right
    now). Safe to repeat and to interrupt: a rerun finds what is left and finishes
    it, the removal of the file included.
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
    """delete_transfer_data() for several transfers. Returns the transfer evidence
    written, one per transfer that still had data (see delete_and_remove_files)."""
    deleted, _removals = delete_and_remove_files(
        transfer_ids,
        reason=reason,
        user=user,
        actor=actor,
        request=request,
        skip_locked=skip_locked,
    )
    return deleted


def delete_and_remove_files(
    transfer_ids, *, reason, user=None, actor=None, request=None, skip_locked=False
):
    """Step 1 for all ``transfer_ids`` in one transaction (retention deletes
    thousands in one night, with a few queries per batch), then, once it has
    committed, step 2 for their files, including any an earlier, interrupted
    deletion of these transfers left. Returns (transfer evidence, (file evidence,
    files that could not be removed))."""
    transfer_ids = list(transfer_ids)
    actor = actor or (user.get_username() if user else "system")
    deleted = _delete_keys_and_rows(
        transfer_ids,
        reason=reason,
        user=user,
        actor=actor,
        request=request,
        skip_locked=skip_locked,
    )
    removals = finish_file_removals(
        pending_file_removals().filter(transfer_id__in=transfer_ids),
        actor=actor,
        user=user,
        request=request,
    )
    return deleted, removals


def _delete_keys_and_rows(transfer_ids, *, reason, user, actor, request, skip_locked):
    # durable: never inside a caller's transaction, whose rollback would bring the
    # keys back after their files had been removed.
    with transaction.atomic(durable=True):
        locking = Transfer.objects.select_for_update(
            skip_locked=skip_locked
            and connection.features.has_select_for_update_skip_locked
        )
        transfers = [
            transfer
            for transfer in locking.filter(pk__in=transfer_ids).order_by("pk")
            if not transfer.is_deleted
        ]
        if not transfers:
            return []
        # The evidence names each protocol: its reference, not the whole page.
        protocol_references = _protocol_references(transfers)
        # One moment for the whole batch: it is deleted in one transaction.
        now = timezone.now()
        payloads = {
            payload.transfer_id: payload
            for payload in Payload.objects.filter(
                transfer__in=transfers, deleted_at__isnull=True
            )
        }
        keys_gone = _destroy_keys(list(payloads.values()), now)
        deleted_elsewhere = run_transfer_deleters(transfers)
        where = describe(payload_storage())
        evidence, events = [], []
        for transfer in transfers:
            payload = payloads.get(transfer.pk)
            verified, verification, records = True, "no file was received", 0
            hashes = {}
            if payload is not None:
                verified = payload.pk in keys_gone
                verification = (
                    f"data key present: {'no' if verified else 'YES'}; the "
                    f"encrypted file, unreadable without it, is removed from "
                    f"{where} once this deletion has committed (evidence of its own)"
                )
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
        # The officer's free-text note on the transfer goes with its data: whatever
        # it says, it is not kept for ever with the record.
        Transfer.objects.filter(pk__in=[transfer.pk for transfer in transfers]).update(
            status=Transfer.Status.DELETED, deleted_at=now, note=""
        )
        audit.record_many(
            "transfer.data_deleted",
            events,
            user=user,
            actor=actor,
            request=request,
        )
    return evidence


def _destroy_keys(payloads, now):
    """Destroy the wrapped data keys; return the pks of the payloads whose key is
    verifiably gone (looked up again in the same transaction)."""
    if not payloads:
        return set()
    pks = [payload.pk for payload in payloads]
    Payload.objects.filter(pk__in=pks).update(wrapped_key=None, deleted_at=now)
    return set(
        Payload.objects.filter(pk__in=pks, wrapped_key__isnull=True).values_list(
            "pk", flat=True
        )
    )


# --- step 2: the files, after the commit -------------------------------------------------


def pending_file_removals():
    """Payloads whose data key is destroyed but whose file is not yet certified
    removed: a deletion in progress, or one a crash interrupted."""
    return Payload.objects.filter(
        wrapped_key__isnull=True, file_removed_at__isnull=True
    )


def finish_file_removals(payloads=None, *, actor, user=None, request=None):
    """Remove the encrypted files of ``payloads`` (default: every pending one) from
    storage, check each is gone, and certify it. Returns (evidence written, files
    that could not be removed). A file that cannot be removed stays pending and is
    tried again by the next run; an interruption (KeyboardInterrupt, a killed
    process) leaves the rest pending, nothing half-recorded."""
    queryset = pending_file_removals() if payloads is None else payloads
    pending = list(
        queryset.filter(wrapped_key__isnull=True, file_removed_at__isnull=True)
        .order_by("pk")
        .only(
            "pk", "transfer_id", "storage_name", "sha256_plaintext", "sha256_ciphertext"
        )
    )
    storage = payload_storage()
    written, failed = [], 0
    for start in range(0, len(pending), FILE_BATCH):
        removed = []
        for payload in pending[start : start + FILE_BATCH]:
            try:
                delete_everywhere(storage, payload.storage_name)
                gone = is_gone(storage, payload.storage_name)
            except Exception:  # noqa: BLE001 - one broken file must not stop the rest
                logger.exception("Removing the file of payload %s failed.", payload.pk)
                gone = False
            if gone:
                removed.append(payload)
            else:
                failed += 1
                logger.error("The file of payload %s is still in storage.", payload.pk)
        written += _certify_removed(
            removed, storage, actor=actor, user=user, request=request
        )
    return written, failed


def _certify_removed(payloads, storage, *, actor, user, request):
    """Signed evidence and an audit event for each file found gone, once: a
    concurrent run that certified one first is skipped (rows locked, rechecked)."""
    if not payloads:
        return []
    where = describe(storage)
    with transaction.atomic():
        still_pending = set(
            Payload.objects.select_for_update()
            .filter(
                pk__in=[payload.pk for payload in payloads],
                file_removed_at__isnull=True,
            )
            .values_list("pk", flat=True)
        )
        payloads = [payload for payload in payloads if payload.pk in still_pending]
        if not payloads:
            return []
        transfers = {
            transfer.pk: transfer
            for transfer in Transfer.objects.filter(
                pk__in={payload.transfer_id for payload in payloads}
            ).only("pk", "reference", "protocol_id")
        }
        protocol_references = _protocol_references(transfers.values())
        # Why the file goes: the reason its transfer's data were deleted.
        reasons = dict(
            DeletionEvidence.objects.filter(
                transfer_id__in=list(transfers),
                subject=DeletionEvidence.Subject.TRANSFER,
            )
            .order_by("deleted_at")
            .values_list("transfer_id", "reason")
        )
        now = timezone.now()
        evidence, events = [], []
        for payload in payloads:
            transfer = transfers[payload.transfer_id]
            written = build_evidence(
                transfer,
                subject=DeletionEvidence.Subject.PAYLOAD,
                subject_id=str(payload.pk),
                reason=reasons.get(transfer.pk, DeletionEvidence.Reason.RETENTION),
                actor=actor,
                method=FILE_METHOD,
                verification=f"encrypted file present in {where}: no",
                verified=True,
                record_count=1,
                sha256_plaintext=payload.sha256_plaintext,
                sha256_ciphertext=payload.sha256_ciphertext,
                deleted_at=now,
                protocol_reference=protocol_references[transfer.protocol_id],
            )
            evidence.append(written)
            events.append(
                {
                    "obj": payload,
                    "transfer": transfer,
                    "details": {"evidence": str(written.pk)},
                }
            )
        DeletionEvidence.objects.bulk_create(evidence)
        Payload.objects.filter(pk__in=[payload.pk for payload in payloads]).update(
            file_removed_at=now
        )
        audit.record_many(
            "payload.file_removed", events, user=user, actor=actor, request=request
        )
    return evidence
