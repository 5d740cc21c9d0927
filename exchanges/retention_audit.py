"""How long data may be kept is part of the record: every change of a transfer's
retention date and of a protocol data item's retention is an audit event, and
verification compares every transfer's retention date with the one the log last
recorded, so a date moved behind the application's back (raw SQL) is found.

Events carry dates and ids only; the retention period in words is free text and is
recorded as "changed", never copied.
"""

from django.db import transaction
from django.db.models.signals import post_save, pre_save

from exchanges import audit
from exchanges.models import AuditEvent, Transfer
from exchanges.request_context import current_actor
from protocols_registry.models import ProtocolDataItem

# The actions whose details hold a transfer's retention date as it was then set.
RETENTION_ACTIONS = ("transfer.recorded", "transfer.retention_changed")


def _record(action, obj, details, transfer=None):
    user, actor, request = current_actor()
    with transaction.atomic():
        audit.record(
            action,
            user=user,
            actor=actor,
            request=request,
            obj=obj,
            transfer=transfer,
            details=details,
        )


def _remember(sender, instance, raw=False, **kwargs):
    instance._retention_before = None
    if raw or instance.pk is None:
        return
    fields = (
        ("retention_date",) if sender is Transfer else ("retention", "retention_until")
    )
    instance._retention_before = (
        sender.objects.filter(pk=instance.pk).values(*fields).first()
    )


def _transfer_saved(sender, instance, created, raw=False, **kwargs):
    before = getattr(instance, "_retention_before", None)
    if raw or created or before is None:
        return
    if before["retention_date"] != instance.retention_date:
        _record(
            "transfer.retention_changed",
            instance,
            {
                "from": before["retention_date"].isoformat(),
                "retention_date": instance.retention_date.isoformat(),
            },
        )


def _data_item_saved(sender, instance, created, raw=False, **kwargs):
    if raw:
        return
    before = getattr(instance, "_retention_before", None) or {}
    changed = [
        name
        for name in ("retention", "retention_until")
        if created or before.get(name) != getattr(instance, name)
    ]
    if not changed or (
        created and not (instance.retention or instance.retention_until)
    ):
        return
    until = instance.retention_until
    _record(
        "protocol.retention_changed",
        instance,
        {
            "protocol": instance.page.reference,
            "fields": changed,
            "retention_until": until.isoformat() if until else None,
        },
    )


def connect():
    uid = "exchanges.retention_audit"
    for model, saved in (
        (Transfer, _transfer_saved),
        (ProtocolDataItem, _data_item_saved),
    ):
        name = model._meta.model_name
        pre_save.connect(_remember, sender=model, dispatch_uid=f"{uid}.{name}.pre")
        post_save.connect(saved, sender=model, dispatch_uid=f"{uid}.{name}")


def dates_off_the_record():
    """Transfers whose retention date differs from the one the audit log last
    recorded for them: [(reference, date now, date recorded)]. A transfer recorded
    before the log held its date is left out."""
    recorded = {}
    events = AuditEvent.objects.filter(action__in=RETENTION_ACTIONS).order_by(
        "sequence"
    )
    for transfer_id, details in events.values_list("transfer_id", "details").iterator():
        if transfer_id is not None and details.get("retention_date"):
            recorded[transfer_id] = details["retention_date"]
    mismatches = []
    for pk, reference, retention_date in Transfer.objects.values_list(
        "pk", "reference", "retention_date"
    ).iterator():
        logged = recorded.get(pk)
        if logged is not None and logged != retention_date.isoformat():
            mismatches.append((reference, retention_date.isoformat(), logged))
    return mismatches
