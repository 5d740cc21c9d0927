"""The register of processing activities as a PDF for the supervisory authority
(GDPR art. 30(4)): cover, table of contents, one section per activity with every
letter of art. 30(1), and the processors as an annex.

The table of contents is drawn in a single layout pass: its pages are reserved up
front (one line per entry, so their number is known) and filled in once every
section has found its page. Reportlab's own TableOfContents needs three full
passes, which made a 1 000-activity register take three times as long.
"""

import io
import math

from django.utils import formats, timezone
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Flowable, PageBreak, Paragraph, Spacer
from reportlab.platypus.doctemplate import BaseDocTemplate, PageTemplate
from reportlab.platypus.frames import Frame

from protocols_registry.pdf.base import (
    build_styles,
    key_value_table,
    numbered_canvas_class,
    text,
)
from protocols_registry.register_export import (
    COLUMNS,
    iter_activities,
    processor_headers,
    processor_row,
)

LEFT = 18 * mm
RIGHT = 18 * mm
TOC_TOP = A4[1] - 40 * mm
TOC_LINE = 5.2 * mm
TOC_LINES_PER_PAGE = int((TOC_TOP - 24 * mm) // TOC_LINE)


class _TocPageMarker(Flowable):
    """Marks the page it lands on as a table-of-contents page."""

    def wrap(self, available_width, available_height):
        return (0, 0)

    def draw(self):
        self.canv.toc_pages.append(self.canv.getPageNumber())


class _RegisterDoc(BaseDocTemplate):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        frame = Frame(
            self.leftMargin, self.bottomMargin, self.width, self.height, id="body"
        )
        self.addPageTemplates([PageTemplate(id="page", frames=[frame])])

    def afterFlowable(self, flowable):  # noqa: N802 (reportlab's API)
        key = getattr(flowable, "toc_key", None)
        if key is None:
            return
        # Bookmarks are placed when the pages are really written (see
        # RegisterCanvas.decorate_page): pages are held back until then.
        self.canv.toc_entries.append(
            (flowable.getPlainText(), self.canv.getPageNumber(), key)
        )


def _register_canvas_class(footer):
    base = numbered_canvas_class(footer)

    class RegisterCanvas(base):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.toc_entries = []
            self.toc_pages = []

        def decorate_page(self, page_number, total):
            for label, page, key in self.toc_entries:
                if page == page_number:
                    self.bookmarkPage(key)
                    self.addOutlineEntry(label, key, level=0)
            if page_number not in self.toc_pages:
                return
            index = self.toc_pages.index(page_number)
            entries = self.toc_entries[
                index * TOC_LINES_PER_PAGE : (index + 1) * TOC_LINES_PER_PAGE
            ]
            width = A4[0] - LEFT - RIGHT
            y = TOC_TOP
            self.saveState()
            self.setFillColor(colors.black)
            for label, page, key in entries:
                number = str(page)
                room = width - stringWidth(number, "Helvetica", 9) - 6 * mm
                while stringWidth(label, "Helvetica", 9) > room and len(label) > 4:
                    label = label[:-2].rstrip() + "…"
                self.setFont("Helvetica", 9)
                self.drawString(LEFT, y, label)
                self.drawRightString(LEFT + width, y, number)
                self.linkRect("", key, (LEFT, y - 1.5, LEFT + width, y + 8), relative=0)
                y -= TOC_LINE
            self.restoreState()

    return RegisterCanvas


def _heading(value, style, key):
    paragraph = Paragraph(text(value), style)
    paragraph.toc_key = key
    return paragraph


def _value(value):
    if hasattr(value, "isoformat"):
        return formats.date_format(value, "d/m/Y")
    return str(value) if value not in (None, "") else "—"


def render_register_pdf(*, organisation_name, version, queryset=None, progress=None):
    """The whole register as PDF bytes. ``progress(n)`` is called per activity."""
    from protocols_registry.models import ProcessingActivity, Processor

    styles = build_styles()
    now = timezone.localtime()
    queryset = queryset if queryset is not None else None
    total = (queryset if queryset is not None else ProcessingActivity.objects).count()
    toc_pages = max(1, math.ceil((total + 1) / TOC_LINES_PER_PAGE))

    story = [
        Spacer(1, 40 * mm),
        Paragraph(text(_("Register of processing activities")), styles["title"]),
        Paragraph(text(organisation_name), styles["h1"]),
        Paragraph(
            text(
                _("GDPR article 30. Version %(version)s, produced on %(date)s.")
                % {"version": version, "date": formats.date_format(now, "j F Y H:i")}
            ),
            styles["meta"],
        ),
        Paragraph(
            text(
                _("%(count)s processing activities; the processors follow as an annex.")
                % {"count": total}
            ),
            styles["meta"],
        ),
    ]
    for number in range(toc_pages):
        story += [PageBreak(), _TocPageMarker()]
        if number == 0:
            story.append(Paragraph(text(_("Contents")), styles["h1"]))
    story.append(PageBreak())

    count = 0
    for activity in iter_activities(queryset):
        count += 1
        story.append(
            _heading(
                f"{activity.reference} – {activity.name}",
                styles["h1"],
                f"a{activity.pk}",
            )
        )
        rows = []
        for key, label, letter, getter in COLUMNS:
            if key in ("reference", "name"):
                continue
            prefix = f"({letter}) " if letter else ""
            rows.append((f"{prefix}{capfirst(label)}", text(_value(getter(activity)))))
        story.append(
            key_value_table(rows, styles, first_col_width=60 * mm, plain_limit=55)
        )
        story.append(Spacer(1, 4 * mm))
        if progress:
            progress(count)
    if count == 0:
        story.append(
            Paragraph(text(_("The register holds no activities.")), styles["body"])
        )

    story.append(PageBreak())
    story.append(_heading(_("Annex: processors"), styles["h1"], "processors"))
    headers = processor_headers()
    for processor in Processor.objects.order_by("name"):
        story.append(Paragraph(text(processor.name), styles["h2"]))
        story.append(
            key_value_table(
                [
                    (label, text(_value(value)))
                    for label, value in zip(
                        headers[1:], processor_row(processor)[1:], strict=True
                    )
                ],
                styles,
                first_col_width=60 * mm,
            )
        )

    buffer = io.BytesIO()
    doc = _RegisterDoc(
        buffer,
        pagesize=A4,
        leftMargin=LEFT,
        rightMargin=RIGHT,
        topMargin=16 * mm,
        bottomMargin=18 * mm,
        title=_("Register of processing activities – %(organisation)s")
        % {"organisation": organisation_name},
        author=organisation_name,
        subject=_("GDPR article 30"),
        creator="Protocol Registry",
        lang="nl-BE",
        displayDocTitle=True,
    )
    footer = _("Register of processing activities – version %(version)s") % {
        "version": version
    }
    doc.build(story, canvasmaker=_register_canvas_class(footer))
    return buffer.getvalue()
