"""Tagged, accessible PDFs (PDF/UA-1), typeset by Typst.

The public PDFs (a protocol, the register of processing activities) must be
readable with a screen reader: a structure tree with headings, lists and table
header cells, the document language, a title shown in the window, and the PDF/UA
claim in the XMP metadata. Reportlab writes none of that; Typst does, from the
``typst`` package (the compiler and its fonts are in the wheel, no system library).
See docs/accessibility.md. Reportlab stays for the signed deletion certificates,
which are evidence for auditors rather than public documents.

Documents are built as Typst source. Every value from the database enters it as a
Typst string literal (``lit``), never as markup, so no text can inject code.
"""

import datetime

import typst
from django.utils import timezone

ACCENT = "#083a66"
SOFT = "#f3f3f1"
LINE = "#c8c8c4"


def lit(value):
    """``value`` as a Typst string literal."""
    value = "" if value is None else str(value)
    escaped = (
        value.replace("\\", "\\\\")
        .replace('"', '\\"')
        .replace("\r\n", "\n")
        .replace("\r", "\n")
        .replace("\n", "\\n")
        .replace("\t", " ")
    )
    return f'"{escaped}"'


def txt(value):
    """Plain text as content (in markup or a content block); newlines break lines."""
    lines = str(value if value is not None else "").strip().splitlines() or [""]
    return "#linebreak()".join(f"#({lit(line)})" for line in lines)


def heading(level, value):
    return f"#heading(level: {level}, {lit(value)})\n\n"


def paragraph(markup):
    return f"#par[{markup}]\n\n" if markup else ""


def text_block(value, placeholder="–"):
    """A paragraph of plain text, one per blank-line separated part."""
    parts = [part for part in str(value or "").split("\n\n") if part.strip()]
    if not parts:
        return paragraph(txt(placeholder)) if placeholder else ""
    return "".join(paragraph(txt(part)) for part in parts)


def terms(rows):
    """Label/value pairs as a description list (tagged L/LI/Lbl/LBody), the PDF
    counterpart of the web page's <dl>. ``rows`` hold (label, content markup)."""
    items = ",\n".join(
        f"  terms.item(strong({lit(label)}), [{markup or txt('–')}])"
        for label, markup in rows
    )
    return f"#terms(\n{items},\n)\n\n" if rows else ""


def bold_label(label):
    """``label`` set in bold, as markup to reuse in facts() rows: made once per
    document when the same labels come back for every entry."""
    return f'#text(weight: "bold", {lit(label)})'


def facts(rows):
    """Label/value pairs as one paragraph, a line per pair: the bold label, a
    colon, the value. ``rows`` hold (bold_label() markup, content markup).

    The lighter counterpart of terms() for documents with thousands of entries
    (the register): Typst lays out one paragraph instead of a list item, a
    label, a body and a strong element per pair, and writes one P to the
    structure tree instead of four elements per pair. A screen reader still
    reads each label with its value, line by line."""
    lines = "#linebreak()".join(
        f"{label}: {markup or txt('–')}" for label, markup in rows
    )
    return f"#par[{lines}]\n\n" if rows else ""


def table(header, rows, columns=None):
    """A grid with a header row: its cells become TH cells, repeated on each page.
    ``rows`` hold content markup per cell."""
    columns = columns or ["auto"] * len(header)
    head = ", ".join(f"[*{txt(cell)}*]" for cell in header)
    body = ",\n".join(
        "  " + ", ".join(f"[{cell or txt('–')}]" for cell in row) for row in rows
    )
    return (
        f"#table(columns: ({', '.join(columns)},),\n"
        f"  table.header({head}),\n{body},\n)\n\n"
    )


def _typst_datetime(moment):
    if isinstance(moment, datetime.datetime):
        if timezone.is_aware(moment):
            moment = moment.astimezone(datetime.UTC)
    else:
        moment = datetime.datetime.combine(moment, datetime.time())
    return (
        f"datetime(year: {moment.year}, month: {moment.month}, day: {moment.day}, "
        f"hour: {moment.hour}, minute: {moment.minute}, second: {moment.second})"
    )


def preamble(*, title, author, created, footer, page_label, keywords=(), lang="nl"):
    """Document metadata and page layout. ``created`` (a datetime, in UTC in the
    PDF) is the creation date of the content, not of the file: the same record
    gives the same date. ``page_label`` formats "page X of Y" with %(page)s and
    %(total)s."""
    before, _sep, rest = page_label.partition("%(page)s")
    middle, _sep, after = rest.partition("%(total)s")
    authors = ", ".join(lit(name) for name in author if name)
    return f"""#set document(
  title: {lit(title)},
  author: ({authors},),
  keywords: ({", ".join(lit(k) for k in keywords)},),
  date: {_typst_datetime(created)},
)
#set text(lang: {lit(lang)}, region: "BE", font: "Libertinus Serif", size: 10pt)
#set par(justify: false, leading: 0.6em, spacing: 0.9em)
#set page(
  paper: "a4",
  margin: (x: 18mm, top: 16mm, bottom: 20mm),
  footer: context text(size: 8pt, fill: rgb("#4a4a48"))[
    #({lit(footer)}) #h(1fr)
    #({lit(before)})#counter(page).display()#({lit(middle)})#counter(page).final().first()#({lit(after)})
  ],
)
#set heading(numbering: none)
#show heading: set text(fill: rgb("{ACCENT}"))
#show heading.where(level: 1): set text(size: 13pt)
#show heading.where(level: 2): set text(size: 11pt)
#show heading.where(level: 3): set text(size: 10pt)
#show title: set text(size: 17pt, fill: rgb("{ACCENT}"))
#set table(
  stroke: 0.4pt + rgb("{LINE}"),
  inset: 4pt,
  align: left + top,
  fill: (x, y) => if y == 0 {{ rgb("{SOFT}") }},
)
#show table: set text(size: 8.5pt)
#show table: set par(justify: false)
#set terms(separator: [: ], hanging-indent: 1.5em, spacing: 0.7em)
#show link: set text(fill: rgb("#0b4f8a"))
"""


def compile_pdf(source):
    """Typeset Typst ``source`` as a PDF/UA-1 document; the bytes.

    Only the fonts inside the package are used, so every server lays out the same
    document the same way, whatever fonts it has installed."""
    return typst.compile(
        source.encode(),
        format="pdf",
        pdf_standards=["ua-1"],
        ignore_system_fonts=True,
    )
