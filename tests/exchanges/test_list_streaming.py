"""The delivered list is parsed as it is decrypted, with bounded memory: reading
stops at the first row beyond the limit, a tampered file is refused, and a workbook
too big to hold in memory is refused before it is decrypted. (The memory figure for a
200 MB file is in the benchmark, `make bench`.)"""

import datetime
import io

import pytest
from django.urls import reverse
from django.utils import translation
from openpyxl import Workbook

from exchanges import crypto, list_import, worklist
from exchanges.list_import import ListFileError, parse_list_stream
from exchanges.models import AuditEvent, ListEntry, Payload
from exchanges.storage import payload_storage
from home.demo.people import HEADER, as_csv, people
from tests.exchanges.conftest import attach_payload

pytestmark = pytest.mark.django_db


class CountedChunks:
    """Chunks of a CSV list of invented people, made as they are asked for, and
    counted: how far did the parser read?"""

    def __init__(self, rows, rows_per_chunk=50):
        self.rows = rows
        self.rows_per_chunk = rows_per_chunk
        self.consumed = 0

    @property
    def total(self):
        return -(-self.rows // self.rows_per_chunk)

    def __iter__(self):
        yield (";".join(HEADER) + "\r\n").encode()
        invited = datetime.date(2026, 10, 1).strftime("%d/%m/%Y")
        for start in range(0, self.rows, self.rows_per_chunk):
            self.consumed += 1
            count = min(self.rows_per_chunk, self.rows - start)
            yield "".join(
                _row(n, invited) for n in range(start, start + count)
            ).encode()


def _row(n, invited):
    from exchanges import nrn

    # A different person on every row: 8 400 birth dates, then the next sequence.
    day = n % 8400
    born = datetime.date(1905 + day // 336, 1 + day % 336 // 28, 1 + day % 28)
    number = nrn.formatted(nrn.make(born, 1 + n // 8400))
    return f"Verzonnen{n};Test{n};{number};Niet bevestigd;;{invited};\r\n"


def test_the_parse_stops_reading_at_the_row_limit(monkeypatch):
    monkeypatch.setattr(list_import, "MAX_ROWS", 200)
    chunks = CountedChunks(rows=50_000)
    with pytest.raises(ListFileError, match="200"):
        parse_list_stream(chunks, "csv")
    # 201 rows are 5 chunks of 50; the reader reads ahead by at most 64 KB.
    assert chunks.consumed <= 5 + list_import.READ_SIZE // 4000 + 1
    assert chunks.consumed < chunks.total // 20


def test_the_real_limit_stops_at_row_50_001():
    chunks = CountedChunks(rows=200_000, rows_per_chunk=500)
    with pytest.raises(ListFileError, match="50[. ]?000"):
        parse_list_stream(chunks, "csv")
    assert chunks.consumed <= 50_001 // 500 + 3
    limit = CountedChunks(rows=list_import.MAX_ROWS, rows_per_chunk=500)
    result = parse_list_stream(limit, "csv")  # exactly the limit is fine
    assert result.ok and len(result.rows) == list_import.MAX_ROWS


def test_a_csv_that_is_not_utf8_halfway_is_read_again_as_windows_1252():
    rows = people(30, invitation_dates=[datetime.date(2026, 10, 1)])
    rows[25]["Voornaam"] = "Cécile"
    content = as_csv(rows).decode().encode("cp1252")
    chunks = [content[start : start + 100] for start in range(0, len(content), 100)]
    result = parse_list_stream(chunks, "csv")
    assert result.ok and result.rows[25].first_name == "Cécile"


def test_an_overlong_line_or_cell_is_refused_without_holding_it():
    header = (";".join(HEADER) + "\n").encode()
    endless = [header] + [b"x" * 10_000] * 100  # a megabyte without a line end
    with translation.override("nl"), pytest.raises(ListFileError, match="langer dan"):
        parse_list_stream(endless, "csv")
    row = people(1, invitation_dates=[datetime.date(2026, 10, 1)])
    row[0]["Ontbrekende stukken"] = "Inkomensbewijs " * 100
    result = parse_list_stream([as_csv(row)], "csv")
    assert [(p.row, p.column) for p in result.problems] == [(2, "Ontbrekende stukken")]
    assert "500" in result.problems[0].message


# --- through the encrypted payload ----------------------------------------------------------


@pytest.fixture
def delivered(transfer, officer_user):
    rows = people(40, invitation_dates=[datetime.date(2026, 10, 1)])
    attach_payload(transfer, officer_user, as_csv(rows))
    return transfer


def test_a_good_list_is_read_through_the_stream(delivered, officer_user):
    result = worklist.read_delivered_list(delivered, officer_user)
    assert result.ok and len(result.rows) == 40
    assert AuditEvent.objects.filter(action="worklist.previewed").count() == 1


def test_a_file_that_does_not_match_its_fingerprint_is_refused(
    client, delivered, officer_user
):
    """Every chunk decrypts (the key and ciphertext are intact) and every row is
    right, but the file is not the one received: refused at the end."""
    Payload.objects.filter(transfer=delivered).update(sha256_plaintext="0" * 64)
    delivered.refresh_from_db()
    with pytest.raises(crypto.DecryptionError):
        worklist.read_delivered_list(delivered, officer_user)
    client.force_login(officer_user)
    url = reverse("exchanges_admin:worklist_import", args=[delivered.pk])
    response = client.post(url, follow=True)
    assert "integriteitscontrole" in response.content.decode()
    assert not ListEntry.objects.exists()
    assert AuditEvent.objects.filter(action="payload.integrity_failed").count() == 2


def test_a_changed_byte_in_the_stored_file_is_refused(delivered, officer_user):
    payload = Payload.objects.get(transfer=delivered)
    path = payload_storage().path(payload.storage_name)
    with open(path, "r+b") as stored:
        stored.seek(crypto.HEADER_SIZE + 200)
        byte = stored.read(1)
        stored.seek(-1, io.SEEK_CUR)
        stored.write(bytes([byte[0] ^ 0x01]))
    with pytest.raises(crypto.DecryptionError):
        worklist.read_delivered_list(delivered, officer_user)
    assert AuditEvent.objects.filter(action="payload.integrity_failed").exists()


def test_a_workbook_too_big_to_hold_is_refused_before_decrypting(
    transfer, officer_user, monkeypatch
):
    workbook = Workbook()
    workbook.active.append(HEADER)
    buffer = io.BytesIO()
    workbook.save(buffer)
    attach_payload(transfer, officer_user, buffer.getvalue(), name="lijst.xlsx")
    monkeypatch.setattr(list_import, "MAX_XLSX_SIZE", 1000)

    def never(*args, **kwargs):
        raise AssertionError("decrypted")

    monkeypatch.setattr("exchanges.payloads.iter_plaintext", never)
    with pytest.raises(ListFileError, match="CSV"):
        worklist.read_delivered_list(transfer, officer_user)
    assert not AuditEvent.objects.filter(action="worklist.previewed").exists()
    # And a stream that grows beyond the limit is not joined further.
    with pytest.raises(ListFileError):
        parse_list_stream([b"PK" + b"\0" * 600] * 3, "xlsx")
