"""Read a delivered candidate list (CSV or XLSX) and check it row by row.

Nothing is stored here: ``parse_list`` returns the rows it understood and every
problem it found, by row and column, so the caller can show a preview and import all
or nothing. The columns are those of the seed protocol's art. 3; their headers may
vary in case, accents, spacing and order.
"""

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
MAX_XLSX_UNCOMPRESSED = 100 * 1024 * 1024
MAX_XLSX_RATIO = 200
MAX_ROWS = 50_000


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


def _read_csv(content):
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = content.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - cp1252 decodes nearly everything
        raise ListFileError(_("The CSV file is not text in UTF-8 or Windows-1252."))
    if "\x00" in text:
        raise ListFileError(_("This file is not a CSV text file."))
    first_line = text.split("\n", 1)[0]
    delimiter = max([";", ",", "\t"], key=first_line.count)
    try:
        return list(csv.reader(io.StringIO(text), delimiter=delimiter))
    except csv.Error as error:
        raise ListFileError(
            _("The CSV file is malformed: %(error)s") % {"error": error}
        ) from None


def _read_xlsx(content):
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

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl warns about styles it skips
            workbook = load_workbook(
                io.BytesIO(content), read_only=True, data_only=True
            )
            try:
                sheet = workbook.worksheets[0]
                rows = [list(row) for row in sheet.iter_rows(values_only=True)]
            finally:
                workbook.close()
    except Exception:  # noqa: BLE001 - any broken workbook gets the same message
        raise ListFileError(
            _("This file is not a valid Excel workbook (XLSX).")
        ) from None
    return rows


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
    """Parse and check a whole list. Raises ListFileError if the file is unreadable."""
    raw_rows = _read_xlsx(content) if file_type == "xlsx" else _read_csv(content)
    raw_rows = [row for row in raw_rows if any(_text(cell) for cell in row)]
    result = ParseResult()
    if not raw_rows:
        raise ListFileError(_("The file holds no rows."))
    if len(raw_rows) - 1 > MAX_ROWS:
        raise ListFileError(
            _("The list has more than %(max)s rows.") % {"max": MAX_ROWS}
        )
    header = [_text(cell) for cell in raw_rows[0]]
    positions = {}
    for index, name in enumerate(header):
        key = _LOOKUP.get(normalise_header(name))
        if key is None:
            if name:
                result.ignored_columns.append(name)
            continue
        if key in positions:
            result.problems.append(Problem(1, name, _("This column appears twice.")))
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
    for number, raw in enumerate(raw_rows[1:], start=2):
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
