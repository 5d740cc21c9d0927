"""Read a delivered candidate list (CSV or XLSX) and check it row by row.

Nothing is stored here: ``parse_list_stream`` returns the rows it understood and
every problem it found, by row and column, so the caller can show a preview and
import all or nothing. The columns are those of the seed protocol's art. 3; their
headers may vary in case, accents, spacing and order.

Memory stays bounded whatever the file (a list link accepts 200 MB): a CSV is read
as it is decrypted, line by line, and reading stops at the first row beyond
MAX_ROWS; a line, a row and a cell have a length limit too, so no row can hold much.
An XLSX is a zip archive that needs random access: it is held in memory, but only up
to MAX_XLSX_SIZE (refused before it is decrypted) and MAX_XLSX_UNCOMPRESSED, and
openpyxl reads its sheet row by row. Plaintext is never written to disk.
"""

import contextlib
import csv
import datetime
import io
import re
import unicodedata
import warnings
import zipfile
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from exchanges import nrn

# field -> header spellings (compared after normalise_header)
COLUMNS = {
    "last_name": ["naam", "achternaam", "familienaam", "lastname", "name", "surname"],
    "first_name": ["voornaam", "voornamen", "firstname", "givenname"],
    "national_number": [
        "rijksregisternummer",
        "rrn",
        "rijksregisternr",
        "insz",
        "inszpnummer",
        "nationaalnummer",
        "nationalregisternumber",
        "nationalnumber",
    ],
    "cir_status": [
        "statusdossiercir",
        "statuscir",
        "cirstatus",
        "status",
        "statusdossier",
        "statuskandidatendossier",
        "statuskandidatendossierincir",
    ],
    "missing_documents": [
        "ontbrekendestukken",
        "ontbrekendedocumenten",
        "ontbrekend",
        "missingdocuments",
        "stukkennodig",
        "nodigestukken",
    ],
    "invitation_date": [
        "datumuitnodigingsbrief",
        "uitnodigingsbrief",
        "datumuitnodiging",
        "uitnodiging",
        "invitationdate",
        "invitationsent",
        "datumbrief",
    ],
    "reminder_date": [
        "datumherinneringsbrief",
        "herinneringsbrief",
        "datumherinnering",
        "herinnering",
        "reminderdate",
        "remindersent",
    ],
}
REQUIRED = [
    "last_name",
    "first_name",
    "national_number",
    "cir_status",
    "invitation_date",
]
LABELS = {
    "last_name": "Naam",
    "first_name": "Voornaam",
    "national_number": "Rijksregisternummer",
    "cir_status": "Status dossier CIR",
    "missing_documents": "Ontbrekende stukken",
    "invitation_date": "Datum uitnodigingsbrief",
    "reminder_date": "Datum herinneringsbrief",
}
DATE_FORMATS = ["%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y", "%Y-%m-%d", "%d/%m/%y"]
MAX_XLSX_SIZE = 20 * 1024 * 1024  # the file itself: 50 000 rows take about 3 MB
MAX_XLSX_UNCOMPRESSED = 100 * 1024 * 1024
MAX_XLSX_RATIO = 200
MAX_ROWS = 50_000
MAX_RECORD_CHARS = 64 * 1024  # one CSV line, or one row spread over quoted lines
MAX_CELL_CHARS = 500  # a name, a status, the list of missing documents
READ_SIZE = 64 * 1024  # bytes the CSV reader asks of the decrypted stream at a time


class ListFileError(Exception):
    """The file as a whole cannot be read (not the kind it claims, broken, too big)."""


@dataclass
class Problem:
    row: int  # 1 = the header row
    column: str
    message: str


@dataclass
class ParsedRow:
    row: int
    last_name: str
    first_name: str
    national_number: str
    cir_status: str
    missing_documents: list
    invitation_date: datetime.date
    reminder_date: datetime.date | None


@dataclass
class ParseResult:
    rows: list = field(default_factory=list)
    problems: list = field(default_factory=list)
    ignored_columns: list = field(default_factory=list)

    @property
    def ok(self):
        return not self.problems


def normalise_header(text):
    """'Datum Uitnodigingsbrief ' -> 'datumuitnodigingsbrief' (accents, case, spaces)."""
    decomposed = unicodedata.normalize("NFKD", str(text or ""))
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return re.sub(r"[^a-z0-9]", "", plain.lower())


_LOOKUP = {
    spelling: key for key, spellings in COLUMNS.items() for spelling in spellings
}


class _ChunkReader(io.RawIOBase):
    """A binary file over an iterable of byte chunks (a decrypted PayloadStream),
    read once from start to end; closing it closes the iterator."""

    def __init__(self, chunks):
        self._chunks = iter(chunks)
        self._view = memoryview(b"")

    def readable(self):
        return True

    def readinto(self, buffer):
        while not self._view:
            try:
                self._view = memoryview(next(self._chunks))
            except StopIteration:
                return 0
        size = min(len(buffer), len(self._view))
        buffer[:size] = self._view[:size]
        self._view = self._view[size:]
        return size

    def close(self):
        with contextlib.suppress(AttributeError):
            self._chunks.close()  # a generator: stop it, its file closes
        super().close()


def _csv_records(chunks, encoding):
    """The CSV's rows (lists of text), decoded and split as the bytes stream in."""
    text = io.TextIOWrapper(
        io.BufferedReader(_ChunkReader(chunks), READ_SIZE),
        encoding=encoding,
        newline="\n",  # lines end at \n only, as io.StringIO splits them
    )
    record_chars = 0

    def lines(first):
        nonlocal record_chars
        line = first
        while line:
            if "\x00" in line:
                raise ListFileError(_("This file is not a CSV text file."))
            record_chars += len(line)
            if record_chars > MAX_RECORD_CHARS:
                raise ListFileError(
                    _("A row of the file is longer than %(max)s characters.")
                    % {"max": MAX_RECORD_CHARS}
                )
            yield line
            line = text.readline(MAX_RECORD_CHARS + 1)

    with text:
        first = text.readline(MAX_RECORD_CHARS + 1)
        delimiter = max([";", ",", "\t"], key=first.count)
        try:
            for record in csv.reader(lines(first), delimiter=delimiter):
                record_chars = 0
                yield record
        except csv.Error as error:
            raise ListFileError(
                _("The CSV file is malformed: %(error)s") % {"error": error}
            ) from None


def _parse_csv(chunks):
    """UTF-8 (with or without BOM), else Windows-1252: a file that turns out not to
    be UTF-8 halfway is read again from the start."""
    try:
        return _check_records(_csv_records(chunks, "utf-8-sig"))
    except UnicodeDecodeError:
        pass
    try:
        return _check_records(_csv_records(chunks, "cp1252"))
    except UnicodeDecodeError:
        raise ListFileError(
            _("The CSV file is not text in UTF-8 or Windows-1252.")
        ) from None


def check_size(file_type, size):
    """Refuse, before decrypting it, a workbook too big to hold in memory."""
    if file_type == "xlsx" and size > MAX_XLSX_SIZE:
        raise ListFileError(
            _("An Excel workbook of more than %(max)s MB is not read; send a CSV file.")
            % {"max": MAX_XLSX_SIZE // (1024 * 1024)}
        )


def _joined(chunks):
    """The whole file, refused as soon as it grows beyond MAX_XLSX_SIZE."""
    content, size = [], 0
    iterator = iter(chunks)
    try:
        for chunk in iterator:
            size += len(chunk)
            check_size("xlsx", size)
            content.append(chunk)
    finally:
        with contextlib.suppress(AttributeError):
            iterator.close()  # a stream left early closes its file
    return b"".join(content)


def _xlsx_records(content):
    """The first sheet's rows (tuples of cell values), read one by one."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        entries = archive.infolist()
    except (zipfile.BadZipFile, OSError):
        raise ListFileError(
            _("This file is not a valid Excel workbook (XLSX).")
        ) from None
    unpacked = sum(entry.file_size for entry in entries)
    packed = max(1, sum(entry.compress_size for entry in entries))
    if unpacked > MAX_XLSX_UNCOMPRESSED or unpacked / packed > MAX_XLSX_RATIO:
        raise ListFileError(
            _("This workbook unpacks to far more than its size; it is refused.")
        )
    from openpyxl import load_workbook

    broken = ListFileError(_("This file is not a valid Excel workbook (XLSX)."))
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about styles it skips
            workbook = load_workbook(
                io.BytesIO(content), read_only=True, data_only=True
            )
            rows = workbook.worksheets[0].iter_rows(values_only=True)
    except Exception:  # noqa: BLE001 - any broken workbook gets the same message
        raise broken from None
    try:
        while True:
            try:
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    row = next(rows)
            except StopIteration:
                return
            except Exception:  # noqa: BLE001
                raise broken from None
            yield row
    finally:
        workbook.close()


def _text(value):
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _date(value):
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = _text(value)
    for pattern in DATE_FORMATS:
        try:
            return datetime.datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    raise ValueError(text)


def _documents(text):
    return [part.strip() for part in re.split(r"[;\n]", text) if part.strip()]


def parse_list(content, file_type):
    """Parse and check a whole list held in memory (bytes)."""
    return parse_list_stream([content], file_type)


def parse_list_stream(chunks, file_type):
    """Parse and check a list arriving as ``chunks`` of bytes, an iterable that can
    be iterated again from the start (a PayloadStream decrypts anew; a list will
    do). Raises ListFileError if the file is unreadable or has too many rows, and
    lets the stream's own errors (a failed integrity check) through."""
    if file_type == "xlsx":
        return _check_records(_xlsx_records(_joined(chunks)))
    return _parse_csv(chunks)


def _check_records(records):
    """Check the header, then each row as it is read; stop at the first row beyond
    MAX_ROWS."""
    with contextlib.closing(records):
        rows = (row for row in records if any(_text(cell) for cell in row))
        result = ParseResult()
        first = next(rows, None)
        if first is None:
            raise ListFileError(_("The file holds no rows."))
        header = [_text(cell) for cell in first]
        positions = {}
        for index, name in enumerate(header):
            key = _LOOKUP.get(normalise_header(name))
            if key is None:
                if name:
                    result.ignored_columns.append(name)
                continue
            if key in positions:
                result.problems.append(
                    Problem(1, name, _("This column appears twice."))
                )
                continue
            positions[key] = index
        for key in REQUIRED:
            if key not in positions:
                result.problems.append(
                    Problem(1, LABELS[key], _("This column is missing."))
                )
        if result.problems:
            return result

        seen = {}
        for number, raw in enumerate(rows, start=2):
            if number - 1 > MAX_ROWS:
                raise ListFileError(
                    _("The list has more than %(max)s rows.") % {"max": MAX_ROWS}
                )
            row, problems = _check_row(number, raw, header, positions, seen)
            if problems:
                result.problems.extend(problems)
            else:
                result.rows.append(row)
        return result


def _check_row(number, raw, header, positions, seen):
    """One data row: (ParsedRow, []) when right, (None, problems) otherwise.

    ``seen`` maps national register numbers to the row they were first found on.
    """
    cells = {
        key: raw[index] if index < len(raw) else None
        for key, index in positions.items()
    }
    problems = []

    def problem(key, message):
        problems.append(Problem(number, header[positions[key]], message))

    values = {key: _text(cells.get(key)) for key in positions}
    too_long = [key for key, value in values.items() if len(value) > MAX_CELL_CHARS]
    for key in too_long:
        problem(key, _("Longer than %(max)s characters.") % {"max": MAX_CELL_CHARS})
    if too_long:
        return None, problems
    for key in ("last_name", "first_name", "cir_status"):
        if not values[key]:
            problem(key, _("Required."))
    national_number = ""
    if not values["national_number"]:
        problem("national_number", _("Required."))
    else:
        try:
            national_number = nrn.normalise(values["national_number"])
        except ValidationError as error:
            problem("national_number", error.messages[0])
    dates = {}
    for key in ("invitation_date", "reminder_date"):
        if key not in positions or not values[key]:
            if key == "invitation_date":
                problem(key, _("Required."))
            dates[key] = None
            continue
        try:
            dates[key] = _date(cells[key])
        except ValueError:
            problem(key, _("Not a date; write it as DD/MM/YYYY."))
            dates[key] = None
    if dates["invitation_date"] and dates["reminder_date"]:
        if dates["reminder_date"] < dates["invitation_date"]:
            problem("reminder_date", _("The reminder is dated before the invitation."))
    if national_number:
        if national_number in seen:
            problem(
                "national_number",
                _("This person is already on row %(row)s.")
                % {"row": seen[national_number]},
            )
        else:
            seen[national_number] = number
    if problems:
        return None, problems
    return (
        ParsedRow(
            row=number,
            last_name=values["last_name"],
            first_name=values["first_name"],
            national_number=national_number,
            cir_status=values["cir_status"],
            missing_documents=_documents(values.get("missing_documents", "")),
            invitation_date=dates["invitation_date"],
            reminder_date=dates["reminder_date"],
        ),
        [],
    )
