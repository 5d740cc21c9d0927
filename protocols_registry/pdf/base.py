"""Shared reportlab building blocks: styles, numbered pages, document metadata.

Used by the protocol PDF, the register export and (from the exchanges app) the
deletion certificates, so every PDF we produce looks and behaves the same:
title and language in the metadata, "page X of Y" in the footer.
"""

import io
from xml.sax.saxutils import escape

from django.utils import timezone
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.enums import TA_LEFT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.pdfgen import canvas as pdf_canvas
from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle

ACCENT = colors.HexColor("#083a66")
LINE = colors.HexColor("#c8c8c4")
SOFT = colors.HexColor("#f3f3f1")


def build_styles():
    sheet = getSampleStyleSheet()
    base = ParagraphStyle(
        "Body", parent=sheet["BodyText"], fontName="Helvetica", fontSize=9.5, leading=13
    )
    return {
        "body": base,
        "small": ParagraphStyle("Small", parent=base, fontSize=8, leading=10),
        "cell": ParagraphStyle("Cell", parent=base, fontSize=8.5, leading=11),
        "cell_head": ParagraphStyle(
            "CellHead", parent=base, fontName="Helvetica-Bold", fontSize=8.5, leading=11
        ),
        "title": ParagraphStyle(
            "DocTitle",
            parent=sheet["Title"],
            fontName="Helvetica-Bold",
            fontSize=16,
            leading=20,
            alignment=TA_LEFT,
            textColor=ACCENT,
            spaceAfter=6,
        ),
        "h1": ParagraphStyle(
            "H1",
            parent=sheet["Heading1"],
            fontName="Helvetica-Bold",
            fontSize=13,
            leading=16,
            textColor=ACCENT,
            spaceBefore=10,
            spaceAfter=4,
        ),
        "h2": ParagraphStyle(
            "H2",
            parent=sheet["Heading2"],
            fontName="Helvetica-Bold",
            fontSize=11,
            leading=14,
            spaceBefore=6,
            spaceAfter=3,
        ),
        "meta": ParagraphStyle(
            "Meta",
            parent=base,
            fontSize=9,
            leading=12,
            textColor=colors.HexColor("#4a4a48"),
        ),
    }


def text(value):
    """Escape plain text for a reportlab Paragraph (which reads a little XML)."""
    return escape(str(value or "")).replace("\n", "<br/>")


def numbered_canvas_class(footer_text):
    """A canvas that writes '<footer_text> · page X of Y' on every page.

    The total is known only at the end, so pages are kept and drawn on save.
    """

    class NumberedCanvas(pdf_canvas.Canvas):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self._saved_pages = []

        def showPage(self):  # noqa: N802 (reportlab's API)
            self._saved_pages.append(dict(self.__dict__))
            self._startPage()

        def save(self):
            total = len(self._saved_pages)
            annotations = getattr(self, "_annotationCount", 0)
            for state in self._saved_pages:
                self.__dict__.update(state)
                # Links drawn now must not reuse numbers of links drawn since.
                self._annotationCount = max(
                    annotations, state.get("_annotationCount", 0)
                )
                self.decorate_page(self._pageNumber, total)
                annotations = self._annotationCount
                self._draw_footer(total)
                super().showPage()
            super().save()

        def decorate_page(self, page_number, total):
            """Draw what is known only once every page is laid out (a hook)."""

        def _draw_footer(self, total):
            self.saveState()
            self.setFont("Helvetica", 7.5)
            self.setFillColor(colors.HexColor("#4a4a48"))
            label = _("page %(page)s of %(total)s") % {
                "page": self._pageNumber,
                "total": total,
            }
            self.drawString(18 * mm, 10 * mm, footer_text[:120])
            self.drawRightString(A4[0] - 18 * mm, 10 * mm, label)
            self.restoreState()

    return NumberedCanvas


def pdf_date(moment):
    """A PDF date string (D:YYYYMMDDHHmmSS+HH'mm') for an aware datetime, in the
    site's time zone."""
    local = timezone.localtime(moment)
    offset = int(local.utcoffset().total_seconds() // 60)
    sign = "+" if offset >= 0 else "-"
    hours, minutes = divmod(abs(offset), 60)
    return local.strftime("D:%Y%m%d%H%M%S") + f"{sign}{hours:02d}'{minutes:02d}'"


def render_document(
    story, *, title, subject="", author="", footer="", lang="nl-BE", created=None
):
    """Lay out ``story`` on A4 and return the PDF bytes.

    ``invariant`` makes the output depend on the content only (no timestamps or
    random ids), so the same record always gives the same bytes. ``created`` (an
    aware datetime) is then written as the creation and modification date;
    without it reportlab's invariant date (1 January 2000) stands.
    """
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=16 * mm,
        bottomMargin=18 * mm,
        title=title,
        subject=subject,
        author=author,
        creator="Protocol Registry",
        lang=lang,
        displayDocTitle=True,
        invariant=1,
    )
    canvas_class = numbered_canvas_class(footer or title)
    if created is not None:
        stamp = pdf_date(created)

        class DatedCanvas(canvas_class):
            def __init__(self, *args, **kwargs):
                super().__init__(*args, **kwargs)
                self.setDateFormatter(lambda *_parts: stamp)

        canvas_class = DatedCanvas
    doc.build(story, canvasmaker=canvas_class)
    return buffer.getvalue()


def _cell(markup, style, plain_limit):
    """A Paragraph wraps and styles text but is slow to lay out; short plain values
    go into the table as strings, which is many times faster for long registers."""
    if (
        plain_limit
        and len(markup) <= plain_limit
        and "<" not in markup
        and "&" not in markup
    ):
        return markup
    return Paragraph(markup, style)


def key_value_table(rows, styles, first_col_width=50 * mm, plain_limit=0):
    """A two-column table of label/value pairs (values may be Paragraph markup).

    With ``plain_limit``, values of at most that many characters without markup are
    drawn as plain strings (no wrapping), which speeds up very long documents.
    """
    data = [
        [
            _cell(text(label), styles["cell_head"], plain_limit),
            _cell(value, styles["cell"], plain_limit),
        ]
        for label, value in rows
    ]
    table = Table(data, colWidths=[first_col_width, None], hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("LINEBELOW", (0, 0), (-1, -1), 0.25, LINE),
                ("BACKGROUND", (0, 0), (0, -1), SOFT),
                ("LEFTPADDING", (0, 0), (-1, -1), 4),
                ("RIGHTPADDING", (0, 0), (-1, -1), 4),
                ("FONTNAME", (0, 0), (0, -1), "Helvetica-Bold"),
                ("FONTNAME", (1, 0), (1, -1), "Helvetica"),
                ("FONTSIZE", (0, 0), (-1, -1), 8.5),
            ]
        )
    )
    return table


def grid_table(header, rows, styles, col_widths=None):
    """A table with a header row, repeated on every page it spans."""
    data = [[Paragraph(text(cell), styles["cell_head"]) for cell in header]]
    data += [[Paragraph(cell, styles["cell"]) for cell in row] for row in rows]
    table = Table(data, colWidths=col_widths, repeatRows=1, hAlign="LEFT")
    table.setStyle(
        TableStyle(
            [
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
                ("BACKGROUND", (0, 0), (-1, 0), SOFT),
                ("GRID", (0, 0), (-1, -1), 0.25, LINE),
                ("LEFTPADDING", (0, 0), (-1, -1), 4),
                ("RIGHTPADDING", (0, 0), (-1, -1), 4),
            ]
        )
    )
    return table
