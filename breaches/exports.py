"""The whole breach register of one organisation, for the supervisory authority
(art. 33(5): "that documentation shall enable the supervisory authority to verify
compliance"): CSV, XLSX and PDF.

The organisation's DPO gets every column; an auditor gets the same file with the
free text left out. Each export is an event in the audit log (ids only).
"""

import csv
import io

from django.db import transaction
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from breaches import access, deadlines
from breaches.models import FREE_TEXT_FIELDS, Breach
from exchanges import audit, audit_actions
from protocols_registry.opendata import csv_value
from protocols_registry.register_history import display_value

FORMATS = ["csv", "xlsx", "pdf"]
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}


def _names(items):
    return "; ".join(str(item) for item in items)


def _when(value):
    return deadlines.format_moment(value) if value else ""


# (key, label, getter): keys are a stable interface, labels follow the language.
COLUMNS = [
    ("reference", gettext_lazy("reference"), lambda b: b.reference),
    (
        "example",
        gettext_lazy("fictitious example"),
        lambda b: display_value(b.is_example),
    ),
    ("discovered_at", gettext_lazy("discovered at"), lambda b: _when(b.discovered_at)),
    ("occurred_at", gettext_lazy("occurred at"), lambda b: _when(b.occurred_at)),
    ("contained_at", gettext_lazy("contained at"), lambda b: _when(b.contained_at)),
    ("deadline", gettext_lazy("deadline (72 hours)"), lambda b: _when(b.deadline)),
    ("nature", gettext_lazy("nature of the breach"), lambda b: b.nature),
    (
        "data_subject_categories",
        gettext_lazy("categories of data subjects"),
        lambda b: _names(b.data_subject_categories.all()),
    ),
    (
        "data_subject_count",
        gettext_lazy("approximate number of data subjects"),
        lambda b: b.data_subject_count if b.data_subject_count is not None else "",
    ),
    (
        "personal_data_categories",
        gettext_lazy("categories of personal data records"),
        lambda b: _names(b.personal_data_categories.all()),
    ),
    (
        "record_count",
        gettext_lazy("approximate number of records"),
        lambda b: b.record_count if b.record_count is not None else "",
    ),
    ("consequences", gettext_lazy("likely consequences"), lambda b: b.consequences),
    ("measures", gettext_lazy("measures taken or proposed"), lambda b: b.measures),
    ("contact_point", gettext_lazy("contact point"), lambda b: b.contact_point),
    ("risk", gettext_lazy("risk assessment"), lambda b: b.get_risk_display()),
    (
        "protocols",
        gettext_lazy("protocols concerned"),
        lambda b: _names(p.reference for p in b.protocols.all()),
    ),
    (
        "transfers",
        gettext_lazy("transfers concerned"),
        lambda b: _names(t.reference for t in b.transfers.all()),
    ),
    (
        "activities",
        gettext_lazy("processing activities concerned"),
        lambda b: _names(a.reference for a in b.activities.all()),
    ),
    (
        "authority_notified_at",
        gettext_lazy("notified to the supervisory authority at"),
        lambda b: _when(b.authority_notified_at),
    ),
    (
        "authority_reference",
        gettext_lazy("reference of the supervisory authority"),
        lambda b: b.authority_reference,
    ),
    (
        "authority_not_notified_reason",
        gettext_lazy("reason the supervisory authority was not notified"),
        lambda b: b.authority_not_notified_reason,
    ),
    (
        "subjects_informed_on",
        gettext_lazy("data subjects informed on"),
        lambda b: (
            display_value(b.subjects_informed_on) if b.subjects_informed_on else ""
        ),
    ),
    (
        "subjects_informed_means",
        gettext_lazy("means of informing the data subjects"),
        lambda b: b.subjects_informed_means,
    ),
    (
        "subjects_not_informed_reason",
        gettext_lazy("reason the data subjects were not informed"),
        lambda b: b.subjects_not_informed_reason,
    ),
    (
        "notified_parties",
        gettext_lazy("parties notified (protocol art. 9)"),
        lambda b: _names(
            f"{n.recipient.display_name} {_when(n.sent_at)}"
            for n in b.notifications.all()
        ),
    ),
]


def columns(free_text):
    return [
        (key, label, getter)
        for key, label, getter in COLUMNS
        if free_text or key not in FREE_TEXT_FIELDS
    ]


def breaches_of(organisation):
    return (
        Breach.objects.filter(organisation=organisation)
        .prefetch_related(
            "data_subject_categories",
            "personal_data_categories",
            "protocols",
            "transfers",
            "activities",
            "notifications__recipient",
        )
        .order_by("discovered_at", "pk")
    )


def rows(organisation, free_text):
    cols = columns(free_text)
    headers = [str(label) for _key, label, _getter in cols]
    return headers, [
        [getter(breach) for _key, _label, getter in cols]
        for breach in breaches_of(organisation)
    ]


def csv_bytes(organisation, free_text):
    headers, body = rows(organisation, free_text)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(headers)
    for row in body:
        writer.writerow([csv_value(value) for value in row])
    return ("\ufeff" + buffer.getvalue()).encode()


def xlsx_bytes(organisation, free_text):
    from openpyxl import Workbook

    headers, body = rows(organisation, free_text)
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(str(_("Data breaches")))
    sheet.append(headers)
    for row in body:
        sheet.append([csv_value(v) if isinstance(v, str) else v for v in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def pdf_bytes(organisation, free_text):
    """One section per breach, every field on its own line: a register for a
    reader, not a spreadsheet squeezed onto a page."""
    from xml.sax.saxutils import escape

    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import getSampleStyleSheet
    from reportlab.lib.units import cm
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table

    headers, body = rows(organisation, free_text)
    styles = getSampleStyleSheet()
    title = _("Register of data breaches of %(organisation)s") % {
        "organisation": organisation.name
    }
    story = [
        Paragraph(escape(title), styles["Title"]),
        Paragraph(
            escape(
                _("Art. 33(5) GDPR. Drawn up on %(moment)s.")
                % {"moment": _when(timezone.now())}
            ),
            styles["Normal"],
        ),
        Spacer(1, 0.5 * cm),
    ]
    if not body:
        story.append(
            Paragraph(escape(_("No data breaches recorded.")), styles["Normal"])
        )
    for row in body:
        story.append(Paragraph(escape(str(row[0])), styles["Heading2"]))
        table = Table(
            [
                [
                    Paragraph(escape(label), styles["Normal"]),
                    Paragraph(
                        escape(str(value)).replace("\n", "<br/>"), styles["Normal"]
                    ),
                ]
                for label, value in zip(headers[1:], row[1:], strict=True)
            ],
            colWidths=[6 * cm, 11 * cm],
        )
        story.append(table)
    buffer = io.BytesIO()
    SimpleDocTemplate(buffer, pagesize=A4, title=title).build(story)
    return buffer.getvalue()


BUILDERS = {"csv": csv_bytes, "xlsx": xlsx_bytes, "pdf": pdf_bytes}


def export(request, organisation, fmt):
    free_text = access.may_read_free_text(request.user, organisation.pk)
    with transaction.atomic():
        content = BUILDERS[fmt](organisation, free_text)
        audit.record(
            audit_actions.BREACH_REGISTER_EXPORTED,
            request=request,
            obj=organisation,
            details={"format": fmt, "free_text": free_text},
        )
    response = HttpResponse(content, content_type=CONTENT_TYPES[fmt])
    day = timezone.localdate().isoformat()
    response["Content-Disposition"] = (
        f'attachment; filename="datalekken-{organisation.pk}-{day}.{fmt}"'
    )
    return response
