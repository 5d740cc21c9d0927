"""Import the candidate list, work it by deadline, delete each person once handled."""

import csv
import datetime
import io
import logging
import zipfile

import pytest
from django.db import connection
from django.urls import reverse
from openpyxl import Workbook

from exchanges import nrn, services, worklist
from exchanges.list_import import ListFileError, parse_list
from exchanges.models import AuditEvent, DeletionEvidence, ListEntry, Transfer
from tests.exchanges.conftest import attach_payload

pytestmark = pytest.mark.django_db

HEADER = [
    "Naam",
    "Voornaam",
    "Rijksregisternummer",
    "Status dossier CIR",
    "Ontbrekende stukken",
    "Datum uitnodigingsbrief",
    "Datum herinneringsbrief",
]


def person(n, invited="02/06/2025", reminded=""):
    number = nrn.formatted(
        nrn.make(datetime.date(1920 + n % 50, 1 + n % 12, 1 + n % 28), 500 + n)
    )
    return [
        f"Verzonnen{n}",
        f"Test{n}",
        number,
        "Niet bevestigd",
        "Inkomensbewijs",
        invited,
        reminded,
    ]


def as_csv(rows, header=HEADER, delimiter=";"):
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter)
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode()


def as_xlsx(rows, header=HEADER):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# --- deadlines ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "invited, expected",
    [
        ("2024-01-30", "2024-02-29"),  # into a leap day
        ("2024-01-31", "2024-03-01"),
        ("2023-01-30", "2023-03-01"),  # no 29 February in 2023
        ("2024-12-15", "2025-01-14"),  # over the year end
        ("2024-08-28", "2024-09-27"),
    ],
)
def test_respond_by_is_thirty_days_after_the_invitation(invited, expected):
    assert (
        worklist.respond_by(datetime.date.fromisoformat(invited)).isoformat()
        == expected
    )


@pytest.mark.parametrize(
    "reminded, expected",
    [
        ("2024-02-14", "2024-02-29"),
        ("2023-02-14", "2023-03-01"),
        ("2024-12-20", "2025-01-04"),
        ("2024-04-30", "2024-05-15"),
    ],
)
def test_struck_off_fifteen_days_after_the_reminder(reminded, expected):
    assert (
        worklist.struck_off_on(datetime.date.fromisoformat(reminded)).isoformat()
        == expected
    )


def test_the_deadline_is_the_strike_off_once_reminded():
    invited = datetime.date(2024, 8, 26)
    assert worklist.deadline(invited, None) == datetime.date(2024, 9, 25)
    assert worklist.deadline(invited, datetime.date(2024, 9, 26)) == datetime.date(
        2024, 10, 11
    )


@pytest.mark.parametrize(
    "offset, expected", [(-1, "overdue"), (0, "soon"), (3, "soon"), (4, "later")]
)
def test_urgency(offset, expected):
    today = datetime.date(2024, 2, 28)
    assert worklist.urgency(today + datetime.timedelta(days=offset), today) == expected


# --- parsing ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "header",
    [
        HEADER,
        [h.upper() for h in HEADER],
        [
            "naam ",
            "VOORNAAM",
            "Rijksregister­nummer".replace("\xad", ""),
            "status dossier cir",
            "Ontbrekende Stukken",
            "datum uitnodigingsbrief",
            "Datum herinneringsbrief",
        ],
        [
            "Familienaam",
            "Voornaam",
            "INSZ",
            "Status",
            "Ontbrekende documenten",
            "Datum uitnodiging",
            "Datum herinnering",
        ],
    ],
)
def test_header_variants_are_recognised(header):
    result = parse_list(as_csv([person(1)], header=header), "csv")
    assert result.ok, result.problems
    assert result.rows[0].last_name == "Verzonnen1"


def test_columns_in_another_order_with_accents_and_extras():
    order = [1, 0, 3, 2, 6, 5, 4]
    header = [HEADER[i] for i in order]
    header[2] = "Státus dossier CIR"
    rows = [[person(1)[i] for i in order] + ["0470 00 00 00"]]
    result = parse_list(as_csv(rows, header=header + ["Telefoon"]), "csv")
    assert result.ok
    assert result.ignored_columns == ["Telefoon"]
    assert result.rows[0].first_name == "Test1"


def test_every_problem_is_reported_by_row_and_column():
    good = person(1)
    rows = [
        good,
        ["", "Test2", "85.07.30-033.29", "", "", "31/02/2025", ""],
        person(3, invited="02/06/2025", reminded="01/06/2025"),
        good,  # duplicate of row 2
        person(5, invited="morgen"),
    ]
    result = parse_list(as_csv(rows), "csv")
    found = {(p.row, p.column) for p in result.problems}
    assert found == {
        (3, "Naam"),
        (3, "Rijksregisternummer"),
        (3, "Status dossier CIR"),
        (3, "Datum uitnodigingsbrief"),
        (4, "Datum herinneringsbrief"),
        (5, "Rijksregisternummer"),
        (6, "Datum uitnodigingsbrief"),
    }
    duplicate = next(p for p in result.problems if p.row == 5)
    assert "rij 2" in duplicate.message
    assert not result.ok


def test_a_missing_required_column_is_reported_on_the_header():
    header = [h for h in HEADER if h != "Rijksregisternummer"]
    rows = [
        [
            value
            for value, h in zip(person(1), HEADER, strict=True)
            if h != "Rijksregisternummer"
        ]
    ]
    result = parse_list(as_csv(rows, header=header), "csv")
    assert [(p.row, p.column) for p in result.problems] == [(1, "Rijksregisternummer")]


def test_xlsx_lists_with_real_dates_are_read():
    row = person(1)
    row[5] = datetime.datetime(2025, 6, 2)
    result = parse_list(as_xlsx([row]), "xlsx")
    assert result.ok and result.rows[0].invitation_date == datetime.date(2025, 6, 2)


@pytest.mark.parametrize(
    "content, file_type",
    [
        (b"PK\x03\x04 not really a zip", "xlsx"),
        (b"", "csv"),
        (b"\x00\x01\x02binary", "csv"),
    ],
)
def test_broken_files_get_a_clear_message(content, file_type):
    with pytest.raises(ListFileError):
        parse_list(content, file_type)


def test_a_zip_bomb_posing_as_xlsx_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/worksheets/sheet1.xml", b"0" * (150 * 1024 * 1024))
    with pytest.raises(ListFileError, match="uitgepakt|unpacks"):
        parse_list(buffer.getvalue(), "xlsx")


# --- importing through the admin -----------------------------------------------------------


def import_url(transfer):
    return reverse("exchanges_admin:worklist_import", args=[transfer.pk])


def test_a_bad_file_shows_every_problem_and_imports_nothing(
    client, transfer, officer_user
):
    attach_payload(
        transfer, officer_user, as_csv([person(1), ["", "", "1", "", "", "x", ""]])
    )
    client.force_login(officer_user)
    preview = client.get(import_url(transfer))
    html = preview.content.decode()
    assert "Niets wordt ingelezen" in html or "niets" in html.lower()
    assert html.count("<tr><td>3</td>") >= 4
    posted = client.post(import_url(transfer))
    assert posted.status_code == 200
    assert not ListEntry.objects.exists()
    assert Transfer.objects.get(pk=transfer.pk).status == Transfer.Status.RECEIVED


def test_a_good_file_is_imported_encrypted(client, transfer, officer_user):
    rows = [person(n) for n in range(1, 6)]
    attach_payload(transfer, officer_user, as_csv(rows))
    client.force_login(officer_user)
    response = client.post(import_url(transfer))
    assert response.status_code == 302
    entries = list(ListEntry.objects.filter(transfer=transfer))
    assert len(entries) == 5
    assert len({entry.pseudonym for entry in entries}) == 5
    first = worklist.open_entry(entries[0])
    assert first["national_number"] == nrn.normalise(rows[entries[0].row_number - 2][2])
    assert (
        AuditEvent.objects.filter(action="worklist.imported").get().details["rows"] == 5
    )
    again = client.post(import_url(transfer), follow=True)
    assert "al ingelezen" in again.content.decode()
    assert ListEntry.objects.count() == 5


def test_no_national_register_number_in_plaintext_anywhere(
    client, transfer, officer_user, caplog
):
    rows = [person(n) for n in range(1, 4)]
    attach_payload(transfer, officer_user, as_csv(rows))
    client.force_login(officer_user)
    with caplog.at_level(logging.DEBUG):
        client.post(import_url(transfer))
        client.get(reverse("exchanges_admin:worklist", args=[transfer.pk]))
        client.get(import_url(transfer).replace("/import/", "/nope/"))  # a 404
    numbers = [nrn.normalise(row[2]) for row in rows]
    spellings = numbers + [row[2] for row in rows] + [row[0] for row in rows]
    logged = caplog.text
    for spelling in spellings:
        assert spelling not in logged
    tables = connection.introspection.table_names()
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            dump = repr(cursor.fetchall())
            for spelling in spellings:
                assert spelling not in dump, (table, "plaintext personal data")


# --- working the list ----------------------------------------------------------------------


@pytest.fixture
def imported(transfer, officer_user):
    rows = [
        person(1, invited="01/01/2025"),
        person(2, invited="20/05/2025"),
        person(3, invited="01/05/2025", reminded="02/06/2025"),
    ]
    rows[1][4] = "Attest referentieadres"
    attach_payload(transfer, officer_user, as_csv(rows))
    worklist.import_list(transfer, parse_list(as_csv(rows), "csv"), user=officer_user)
    return transfer


def test_the_worklist_is_sorted_by_deadline_and_filters(client, imported, officer_user):
    client.force_login(officer_user)
    url = reverse("exchanges_admin:worklist", args=[imported.pk])
    html = client.get(url).content.decode()
    assert (
        html.index("Verzonnen1") < html.index("Verzonnen3") < html.index("Verzonnen2")
    )
    assert "31/01/2025" in html  # 01/01 + 30 days, Dutch format
    only = client.get(url, {"document": "Attest referentieadres"}).content.decode()
    assert "Verzonnen2" in only and "Verzonnen1" not in only
    assert "no-store" in client.get(url)["Cache-Control"]


def test_marking_contacted_deletes_the_row_with_evidence(
    client, imported, officer_user
):
    client.force_login(officer_user)
    url = reverse("exchanges_admin:worklist", args=[imported.pk])
    entry = ListEntry.objects.get(row_number=2)
    confirm = client.post(url, {"action": "contacted", "entries": [entry.pk]})
    assert confirm.status_code == 200 and "Verzonnen1" in confirm.content.decode()
    assert ListEntry.objects.filter(pk=entry.pk).exists()  # nothing before confirming
    done = client.post(
        url,
        {
            "action": "contacted",
            "entries": [entry.pk],
            "confirmed": "yes",
            "contacted_on": "2025-06-03",
            "note": "telefonisch bereikt",
        },
    )
    assert done.status_code == 302
    assert not ListEntry.objects.filter(pk=entry.pk).exists()
    evidence = DeletionEvidence.objects.get(subject="person")
    assert evidence.subject_id == entry.pseudonym
    assert evidence.reason == "contacted" and evidence.verified
    event = AuditEvent.objects.get(action="worklist.person_contacted")
    assert event.details["pseudonym"] == entry.pseudonym
    assert event.details["on"] == "2025-06-03"


def test_a_note_with_numbers_is_refused(client, imported, officer_user):
    client.force_login(officer_user)
    url = reverse("exchanges_admin:worklist", args=[imported.pk])
    entry = ListEntry.objects.first()
    client.post(
        url,
        {
            "action": "contacted",
            "entries": [entry.pk],
            "confirmed": "yes",
            "note": "rrn 85073003328",
        },
    )
    assert ListEntry.objects.filter(pk=entry.pk).exists()


def test_bulk_not_a_client_and_the_last_person_deletes_the_file(
    client, imported, officer_user
):
    client.force_login(officer_user)
    url = reverse("exchanges_admin:worklist", args=[imported.pk])
    ids = list(ListEntry.objects.values_list("pk", flat=True))
    client.post(url, {"action": "not_a_client", "entries": ids, "confirmed": "yes"})
    assert not ListEntry.objects.exists()
    reasons = sorted(DeletionEvidence.objects.values_list("subject", "reason"))
    assert reasons == [
        ("payload", "all_handled"),  # the file, removed once the deletion committed
        ("person", "not_a_client"),
        ("person", "not_a_client"),
        ("person", "not_a_client"),
        ("transfer", "all_handled"),
    ]
    imported.refresh_from_db()
    assert imported.status == Transfer.Status.DELETED
    assert imported.payload.is_deleted


def test_progress_and_the_auditors_export_never_show_a_name(
    client, imported, officer_user, auditor_user
):
    entry = ListEntry.objects.get(row_number=3)  # the person invited on 20/05/2025
    worklist.handle_people(imported, [entry.pk], reason="contacted", user=officer_user)
    progress = worklist.progress(imported, today=datetime.date(2025, 6, 10))
    assert (progress.remaining, progress.contacted, progress.overdue) == (2, 1, 1)
    client.force_login(auditor_user)
    detail = client.get(
        reverse("exchanges_admin:transfer_detail", args=[imported.pk])
    ).content.decode()
    assert "Verzonnen" not in detail
    export = client.get(reverse("exchanges_admin:worklist_export", args=[imported.pk]))
    rows = list(csv.DictReader(io.StringIO(export.content.decode())))
    assert len(rows) == 3
    assert list(rows[0]) == [
        "pseudoniem",
        "termijn",
        "dringendheid",
        "uitkomst",
        "behandeld op",
    ]
    assert {row["uitkomst"] for row in rows} == {
        "open",
        "persoon gecontacteerd (protocol art. 6)",
    }
    handled = next(row for row in rows if row["behandeld op"])
    # Brussels time with its offset: the file leaves the site.
    assert handled["behandeld op"].endswith(("+01:00", "+02:00"))
    assert all(row["pseudoniem"].startswith("P-") for row in rows)
    assert "Verzonnen" not in export.content.decode()
    assert (
        client.get(reverse("exchanges_admin:worklist", args=[imported.pk])).status_code
        == 302
    )
    assert AuditEvent.objects.filter(action="worklist.refused").exists()


def test_retention_deletes_the_rows_left_with_the_file(imported):
    evidence = services.enforce_retention(datetime.date(2040, 1, 1)).deleted
    assert len(evidence) == 1
    assert evidence[0].record_count == 1 + 3
    assert not ListEntry.objects.exists()


def test_one_batch_counts_each_lists_rows_under_its_own_evidence(
    imported, protocol, officer_user
):
    from tests.exchanges.conftest import make_transfer

    two_rows = make_transfer(protocol, officer_user)
    rows = [person(7), person(8)]
    attach_payload(two_rows, officer_user, as_csv(rows))
    worklist.import_list(two_rows, parse_list(as_csv(rows), "csv"), user=officer_user)
    no_list = make_transfer(protocol, officer_user)
    attach_payload(no_list, officer_user)
    keep = make_transfer(protocol, officer_user)
    worklist.import_list(
        keep, parse_list(as_csv([person(9)]), "csv"), user=officer_user
    )

    evidence = services.delete_transfers_data(
        [imported.pk, two_rows.pk, no_list.pk], reason="retention", actor="test"
    )

    by_transfer = {item.transfer_id: item for item in evidence}
    assert by_transfer[imported.pk].record_count == 1 + 3
    assert by_transfer[two_rows.pk].record_count == 1 + 2
    assert by_transfer[no_list.pk].record_count == 1
    assert "list rows present afterwards: 0" in by_transfer[two_rows.pk].verification
    assert "list rows" not in by_transfer[no_list.pk].verification
    assert list(ListEntry.objects.values_list("transfer", flat=True)) == [keep.pk]
    assert len({item.deleted_at for item in evidence}) == 1


def test_pseudonyms_differ_between_transfers(imported, protocol, officer_user):
    from tests.exchanges.conftest import make_transfer

    other = make_transfer(protocol, officer_user)
    number = nrn.normalise(person(1)[2])
    assert worklist.pseudonym(imported, number) != worklist.pseudonym(other, number)
