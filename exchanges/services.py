"""Every operation on transfers and their personal data, in one transaction each,
with its audit event written in the same transaction.

Views, management commands and tests call these functions; nothing else writes
transfers, payloads, upload links or deletion evidence. This module records
transfers and upload links; the file lives in exchanges.payloads, deleting in
exchanges.deletion and retention in exchanges.retention, whose names stay
importable from here for callers written before the split.
"""

import hashlib
import secrets
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from exchanges import audit, refusals
from exchanges.conf import get_setting
from exchanges.deletion import (  # noqa: F401
    METHOD,
    build_evidence,
    delete_transfer_data,
    delete_transfers_data,
    write_evidence,
)
from exchanges.models import DeletionEvidence, Transfer, UploadLink
from exchanges.models.transfers import retention_over
from exchanges.payloads import (  # noqa: F401
    PayloadStream,
    iter_plaintext,
    open_payload_for_download,
    open_payload_stream,
    payload_binding,
    store_payload,
    verify_payload,
)
from exchanges.retention import (  # noqa: F401
    RetentionPassed,
    due_for_retention,
    enforce_retention,
    ensure_within_retention,
)

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
    """Record a transfer the protocol allows, or raise ValidationError saying why not.

    A transfer whose retention date (given or the protocol's) has passed is refused:
    its data should already be deleted, so the platform must not take them in. A
    transfer made before the platform was used is recorded with
    record_past_transfer() instead."""
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
    effective = _effective_retention_date(protocol, data_items, retention_date)
    if effective is not None and retention_over(effective):
        if retention_date:
            message = _(
                "This date has passed: data that must already be deleted cannot "
                "be recorded."
            )
        else:
            message = _(
                "The protocol's retention date (%(date)s) has passed: data that "
                "must already be deleted cannot be recorded."
            ) % {"date": formats.date_format(effective, "d/m/Y")}
        problems.setdefault("retention_date", []).append(message)
    if problems:
        raise ValidationError(problems)
    return _create_transfer(
        protocol=protocol,
        decision=decision,
        sender=sender,
        recipient=recipient,
        sent_at=sent_at,
        channel=channel,
        data_items=data_items,
        data_subject_count=data_subject_count,
        retention_date=effective,
        note=note,
        user=user,
        request=request,
    )


def _effective_retention_date(protocol, data_items, retention_date):
    """The date given, or the protocol's for the items it lists."""
    if retention_date:
        return retention_date
    listed = {item.pk for item in protocol.data_items.all()}
    return protocol.retention_limit([item for item in data_items if item.pk in listed])


def _create_transfer(*, protocol, data_items, user, request, details=None, **fields):
    transfer = Transfer.objects.create(
        reference=_next_reference(protocol),
        protocol=protocol,
        data_item_labels=[str(item) for item in data_items],
        created_by=user,
        **fields,
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
            "data_subjects": transfer.data_subject_count,
            "retention_date": transfer.retention_date.isoformat(),
            **(details or {}),
        },
    )
    return transfer


PAST_TRANSFER_METHOD = (
    "Nothing to delete on the platform: it never held these data. The transfer "
    "was made by %(channel)s before it was recorded here, and its data were to be "
    "deleted outside the platform by %(date)s."
)
PAST_TRANSFER_VERIFICATION = (
    "file, data key or list rows of this transfer on the platform: none, ever; "
    "deletion outside the platform: not verified by the platform"
)


@transaction.atomic
def record_past_transfer(
    *,
    protocol,
    decision,
    sender,
    recipient,
    data_items,
    data_subject_count,
    user,
    sent_at,
    channel,
    retention_date=None,
    note="",
    request=None,
):
    """Record, after the fact, a transfer made outside the platform (by encrypted
    e-mail, say) whose retention date has already passed, so that the record of
    transfers under a protocol is complete. The platform receives no file: the
    transfer is closed at once, with evidence saying that the platform never held
    its data and did not verify their deletion elsewhere.

    The protocol must have allowed the transfer on the day it was made, as for
    record_transfer(); a transfer still within its retention date is recorded with
    record_transfer() and its file uploaded."""
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
    if channel == Transfer.Channel.PLATFORM:
        problems.setdefault("channel", []).append(
            _("A transfer made on this platform is recorded when it happens.")
        )
    effective = _effective_retention_date(protocol, data_items, retention_date)
    if effective is not None and not retention_over(effective):
        problems.setdefault("retention_date", []).append(
            _(
                "This retention date has not passed yet: record the transfer "
                "normally and add its file."
            )
        )
    if problems:
        raise ValidationError(problems)
    now = timezone.now()
    recorder = user.get_username() if user else "system"
    transfer = _create_transfer(
        protocol=protocol,
        decision=decision,
        sender=sender,
        recipient=recipient,
        sent_at=sent_at,
        channel=channel,
        data_items=data_items,
        data_subject_count=data_subject_count,
        retention_date=effective,
        note=note,
        user=user,
        request=request,
        status=Transfer.Status.DELETED,
        deleted_at=now,
        details={"recorded_after_the_fact": True, "channel": channel},
    )
    evidence = write_evidence(
        transfer,
        subject=DeletionEvidence.Subject.TRANSFER,
        reason=DeletionEvidence.Reason.OUTSIDE,
        actor=recorder,
        method=PAST_TRANSFER_METHOD
        % {"channel": channel, "date": effective.isoformat()},
        verification=PAST_TRANSFER_VERIFICATION,
        verified=False,
        record_count=0,
        deleted_at=now,
    )
    audit.record(
        "transfer.data_deleted",
        user=user,
        request=request,
        obj=transfer,
        details={
            "reason": DeletionEvidence.Reason.OUTSIDE,
            "records": 0,
            "evidence": str(evidence.pk),
            "outside_the_platform": True,
        },
    )
    return transfer


# --- upload links -------------------------------------------------------------------


def _token_hash(token):
    return hashlib.sha256(token.encode()).hexdigest()


def create_upload_link(
    transfer, *, user, hours=None, max_size=None, allowed_types=None, request=None
):
    """A one-time upload link for the sender. Returns (link, token); the token is
    shown once and only its hash is stored. Refused past the retention date."""
    ensure_within_retention(transfer, "upload_link.create", user=user, request=request)
    with transaction.atomic():
        return _create_upload_link(
            transfer,
            user=user,
            hours=hours,
            max_size=max_size,
            allowed_types=allowed_types,
            request=request,
        )


def _create_upload_link(transfer, *, user, hours, max_size, allowed_types, request):
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
    """The usable link for ``token``, or None: the refusal is counted and audited
    (exchanges.refusals), and refusals.Throttled raised beyond the client's limit. A
    usable link is never throttled: a sender behind a busy shared address still
    gets through."""
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
        # Counted, not written one by one (exchanges.refusals); may raise Throttled.
        refusals.refuse(
            request,
            "upload_link.refused",
            obj=link,
            transfer=link.transfer if link else None,
            reason=reason,
        )
        return None
    transfer = link.transfer
    if transfer.retention_passed():
        # The retention door's refusal (exchanges.retention), counted like any
        # other anonymous one: whoever holds the link must not grow the log either.
        # The same plain answer as any other unusable link.
        refusals.refuse(
            request,
            "access.refused_retention",
            obj=transfer,
            transfer=transfer,
            reason="upload_link.use",
            details={"retention_date": transfer.retention_date.isoformat()},
        )
        return None
    return link


def record_refused_access(request, *, obj=None, transfer=None, action="access.refused"):
    """Count a refused access (exchanges.refusals): one event per attempt of a
    logged-in user up to the limit, the rest in one event per window."""
    try:
        refusals.refuse(
            request,
            action,
            obj=obj,
            transfer=transfer,
            details={"path": request.path[:200]},
        )
    except refusals.Throttled:
        pass  # counted; the caller refuses it as any other
