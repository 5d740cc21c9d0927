"""How long data may be kept is on the record: a changed retention date is an audit
event, and a date moved behind the application's back is found by verification."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection

from exchanges.models import AuditEvent, Transfer

pytestmark = pytest.mark.django_db


def test_a_changed_retention_date_is_an_audit_event(transfer):
    later = transfer.retention_date - datetime.timedelta(days=10)
    transfer.retention_date = later
    transfer.save()
    event = AuditEvent.objects.get(action="transfer.retention_changed")
    assert event.transfer_id == transfer.pk
    assert event.details["retention_date"] == later.isoformat()
    assert event.actor.startswith("console:")
    call_command("verify_audit_log", stdout=io.StringIO())  # consistent: no complaint


def test_a_date_moved_with_raw_sql_is_found(transfer):
    moved = transfer.retention_date + datetime.timedelta(days=365)
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE exchanges_transfer SET retention_date = %s WHERE id = %s",
            [moved, transfer.pk],
        )
    with pytest.raises(CommandError, match="changed outside the application"):
        call_command("verify_audit_log", stdout=io.StringIO())
    assert Transfer.objects.get(pk=transfer.pk).retention_date == moved


def test_a_protocol_data_items_retention_change_is_an_audit_event(protocol):
    item = protocol.data_items.first()
    # Setting a retention when the item is made is recorded too.
    assert AuditEvent.objects.filter(
        action="protocol.retention_changed", object_id=str(item.pk)
    ).exists()
    item.retention_until = item.retention_until + datetime.timedelta(days=30)
    item.retention = "Tot de dertigste dag na de herinnering."
    item.save()
    event = AuditEvent.objects.filter(
        action="protocol.retention_changed", object_id=str(item.pk)
    ).last()
    assert event.details == {
        "protocol": protocol.reference,
        "fields": ["retention", "retention_until"],
        "retention_until": item.retention_until.isoformat(),
    }
    assert "dertigste" not in event.canonical_details
