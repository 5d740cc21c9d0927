"""No personal data in what cannot be erased: a name typed into a handling note is
kept sealed with the transfer's data and deleted with it; the append-only audit log
holds only a keyed digest. After the person is handled and the data deleted, the
name is nowhere: not in any table, not in the logs, not in the chain."""

import datetime
import logging

import pytest
from django.db import connection
from django.urls import reverse

from exchanges import handling_notes, worklist
from exchanges.list_import import parse_list
from exchanges.models import AuditEvent, DeletionEvidence, HandlingNote, ListEntry
from home.demo.people import as_csv, people
from tests.exchanges.conftest import LIST_CSV, attach_payload

pytestmark = pytest.mark.django_db

NOTE = "Mevr. Jansens (Kerkstraat 5) gebeld, komt dinsdag langs"
NAME = "jansens"


def imported(transfer, officer, content):
    attach_payload(transfer, officer, content=content)
    worklist.import_list(transfer, parse_list(content, "csv"), user=officer)
    return list(ListEntry.objects.filter(transfer=transfer))


def handle_in_the_admin(client, transfer, entry, note):
    return client.post(
        reverse("exchanges_admin:worklist", args=[transfer.pk]),
        {
            "action": "contacted",
            "entries": [str(entry.pk)],
            "note": note,
            "confirmed": "yes",
        },
    )


def everything_in_the_database():
    """Every value of every table, as text (binary columns decoded leniently), the
    way a dump would show them."""
    found = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names():
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608 - table names from introspection
            for row in cursor.fetchall():
                for value in row:
                    if isinstance(value, bytes | memoryview):
                        value = bytes(value).decode("utf-8", "replace")
                    found.append(str(value))
    return "\n".join(found).lower()


def test_a_name_in_a_note_is_gone_once_the_person_and_data_are(
    client, transfer, officer_user, caplog, capsys
):
    caplog.set_level(logging.DEBUG)
    (entry,) = imported(transfer, officer_user, LIST_CSV)
    client.force_login(officer_user)
    response = handle_in_the_admin(client, transfer, entry, NOTE)
    assert response.status_code == 302
    # One person on the list: handling them deleted the whole transfer's data.
    transfer.refresh_from_db()
    assert transfer.is_deleted
    assert not HandlingNote.objects.exists() and not ListEntry.objects.exists()
    handled = AuditEvent.objects.get(action="worklist.person_contacted")
    assert handled.details["note_digest"] == handling_notes.digest(transfer, NOTE)
    assert "note" not in handled.details
    assert NAME not in everything_in_the_database()
    chain = "".join(
        f"{event.details}{event.canonical_details}"
        for event in AuditEvent.objects.all()
    ).lower()
    assert NAME not in chain
    assert NAME not in caplog.text.lower()
    captured = capsys.readouterr()
    assert NAME not in (captured.out + captured.err).lower()
    evidence = transfer.deletion_evidence.get(subject=DeletionEvidence.Subject.TRANSFER)
    assert "notes present afterwards: no" in evidence.verification


def test_until_then_the_note_is_sealed_and_only_the_officer_reads_it(
    client, transfer, officer_user, auditor_user
):
    rows = people(2, invitation_dates=[datetime.date.today()])
    first, second = imported(transfer, officer_user, as_csv(rows))
    client.force_login(officer_user)
    handle_in_the_admin(client, transfer, first, NOTE)
    # The other person is still on the list: the note is kept, sealed.
    note = HandlingNote.objects.get()
    assert note.pseudonym == first.pseudonym
    assert NAME not in everything_in_the_database()
    page = client.get(reverse("exchanges_admin:worklist", args=[transfer.pk]))
    assert NOTE in page.content.decode()
    # The auditor sees the trace, not the words.
    client.force_login(auditor_user)
    detail = client.get(reverse("exchanges_admin:transfer_detail", args=[transfer.pk]))
    assert NAME not in detail.content.decode().lower()
    audit_page = client.get(reverse("exchanges_admin:audit_log"))
    assert NAME not in audit_page.content.decode().lower()
    # Handling the last person deletes the transfer's data, the note with it.
    client.force_login(officer_user)
    handle_in_the_admin(client, transfer, second, "")
    assert not HandlingNote.objects.exists()


def test_a_changed_note_no_longer_matches_its_digest(transfer, officer_user):
    assert handling_notes.digest(transfer, NOTE) != handling_notes.digest(
        transfer, NOTE.replace("dinsdag", "woensdag")
    )
    assert len(handling_notes.digest(transfer, NOTE)) == 64
