"""The register as rows, for CSV and XLSX (GDPR art. 30(4)).

The column keys are a documented interface (docs/register-export.md): add columns at
the end, never rename one. Each column names the art. 30(1) letter it answers.
"""

import io

from django.db.models import Prefetch
from django.utils.translation import gettext_lazy as _

from protocols_registry import opendata
from protocols_registry.models import ProcessingActivity, Processor
from protocols_registry.models.register import REQUIRED_ELEMENTS
from protocols_registry.opendata import csv_value


def _names(items):
    return "; ".join(str(item) for item in items)


def _retention(activity):
    return "; ".join(
        f"{block.value['data_category']}: {block.value['period']}"
        for block in activity.retention_rules
    )


def _missing(activity):
    return "; ".join(
        str(label)
        for key, label, _condition in REQUIRED_ELEMENTS
        if getattr(activity, f"missing_{key}")
    )


# (key, label, art. 30(1) letter, getter)
COLUMNS = [
    ("reference", _("reference"), "", lambda a: a.reference),
    ("name", _("name"), "", lambda a: a.name),
    ("status", _("status"), "", lambda a: a.get_status_display()),
    ("owner_department", _("owner department"), "", lambda a: a.owner_department),
    ("controller", _("controller"), "a", lambda a: a.controller or ""),
    (
        "controller_enterprise_number",
        _("enterprise number of the controller"),
        "a",
        lambda a: a.controller.enterprise_number if a.controller else "",
    ),
    (
        "joint_controllers",
        _("joint controllers"),
        "a",
        lambda a: _names(a.joint_controllers.all()),
    ),
    ("representative", _("representative"), "a", lambda a: a.representative),
    ("dpo_contact", _("DPO contact"), "a", lambda a: a.dpo_contact),
    ("purposes", _("purposes"), "b", lambda a: a.purposes),
    ("lawful_basis", _("lawful basis"), "b", lambda a: a.get_lawful_basis_display()),
    ("legal_reference", _("legal reference"), "b", lambda a: a.legal_reference),
    (
        "data_subject_categories",
        _("categories of data subjects"),
        "c",
        lambda a: _names(a.data_subject_categories.all()),
    ),
    (
        "data_subjects_note",
        _("data subjects (details)"),
        "c",
        lambda a: a.data_subjects_note,
    ),
    (
        "personal_data_categories",
        _("categories of personal data"),
        "c",
        lambda a: _names(a.personal_data_categories.all()),
    ),
    (
        "personal_data_note",
        _("personal data (details)"),
        "c",
        lambda a: a.personal_data_note,
    ),
    (
        "special_categories",
        _("special categories"),
        "c",
        lambda a: _("yes") if a.special_categories else _("no"),
    ),
    (
        "special_category_condition",
        _("art. 9 or 10 condition"),
        "c",
        lambda a: (
            a.get_special_category_condition_display() if a.special_categories else ""
        ),
    ),
    ("recipients", _("categories of recipients"), "d", lambda a: a.recipients),
    (
        "third_country_transfers",
        _("transfers to third countries"),
        "e",
        lambda a: a.get_third_country_transfers_display(),
    ),
    ("transfer_countries", _("third countries"), "e", lambda a: a.transfer_countries),
    (
        "transfer_safeguard",
        _("safeguard"),
        "e",
        lambda a: a.get_transfer_safeguard_display() if a.transfer_safeguard else "",
    ),
    (
        "transfer_safeguard_details",
        _("safeguard (details)"),
        "e",
        lambda a: a.transfer_safeguard_details,
    ),
    ("retention", _("retention per category of data"), "f", _retention),
    ("retention_note", _("retention (general)"), "f", lambda a: a.retention_note),
    (
        "security_measures",
        _("technical and organisational measures"),
        "g",
        lambda a: a.security_measures,
    ),
    ("data_source", _("source of the data"), "", lambda a: a.data_source),
    ("dpia_needed", _("DPIA needed"), "", lambda a: a.get_dpia_needed_display()),
    ("dpia_done_on", _("DPIA done on"), "", lambda a: a.dpia_done_on or ""),
    (
        "protocols",
        _("protocols"),
        "",
        lambda a: "; ".join(p.reference for p in a.protocols.all()),
    ),
    ("processors", _("processors"), "", lambda a: _names(a.processors.all())),
    ("last_review", _("last review"), "", lambda a: a.last_review or ""),
    ("next_review", _("next review"), "", lambda a: a.next_review or ""),
    (
        "public",
        _("in the public register"),
        "",
        lambda a: _("yes") if a.show_in_public_register else _("no"),
    ),
    ("complete", _("complete"), "", lambda a: _("yes") if a.is_complete else _("no")),
    ("missing_elements", _("missing elements"), "", _missing),
    ("retired_on", _("retired on"), "", lambda a: a.retired_on or ""),
    (
        "replaced_by",
        _("replaced by"),
        "",
        lambda a: a.replaced_by.reference if a.replaced_by else "",
    ),
]

COLUMN_KEYS = [key for key, _label, _letter, _getter in COLUMNS]

# What the public register may show (as register_opendata does): never the security
# measures, DPIA, review plans, processors, completeness or the public switch itself.
PUBLIC_COLUMN_KEYS = [
    "reference",
    "name",
    "status",
    "owner_department",
    "controller",
    "controller_enterprise_number",
    "joint_controllers",
    "dpo_contact",
    "purposes",
    "lawful_basis",
    "legal_reference",
    "data_subject_categories",
    "data_subjects_note",
    "personal_data_categories",
    "personal_data_note",
    "special_categories",
    "special_category_condition",
    "recipients",
    "third_country_transfers",
    "transfer_countries",
    "transfer_safeguard",
    "retention",
    "retention_note",
    "protocols",
    "last_review",
]


def column_headers():
    """The Dutch (active language) headings of the CSV and XLSX columns."""
    return [str(label) for _key, label, _letter, _getter in COLUMNS]


def export_queryset(activities=None, protocols=None):
    """The activities (every one, or those of the ``activities`` queryset) with what
    the rows need, in as few queries as possible. ``protocols``: the protocols the
    rows may name (every one unless given; the public register names live public
    ones only)."""
    if activities is None:
        activities = ProcessingActivity.objects.all()
    return (
        activities.with_completeness()
        .select_related("controller", "replaced_by")
        .prefetch_related(
            "joint_controllers",
            "data_subject_categories",
            "personal_data_categories",
            Prefetch(
                "protocols",
                queryset=_protocol_refs() if protocols is None else protocols,
            ),
            "processors",
        )
        .order_by("reference")
    )


def _protocol_refs():
    from protocols_registry.models import ProtocolPage

    return ProtocolPage.objects.only("id", "reference")


def activity_row(activity):
    return [getter(activity) for _key, _label, _letter, getter in COLUMNS]


def iter_activities(queryset=None, chunk_size=200):
    # "is None", never "or": an empty selection must stay empty.
    if queryset is None:
        queryset = export_queryset()
    return queryset.iterator(chunk_size=chunk_size)


def csv_lines(queryset=None, progress=None):
    """The register as CSV text, line by line (for a streaming response)."""

    def rows():
        for count, activity in enumerate(iter_activities(queryset), start=1):
            yield activity_row(activity)
            if progress:
                progress(count)

    return opendata.csv_lines(column_headers(), rows())


def xlsx_bytes(queryset=None, progress=None, processors=None):
    """The register as an XLSX workbook: one row per activity, plus a sheet that
    documents the columns and a sheet of processors (every one, or ``processors``)."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(str(_("Processing activities")))
    sheet.append(column_headers())
    for count, activity in enumerate(iter_activities(queryset), start=1):
        sheet.append([_cell(value) for value in activity_row(activity)])
        if progress:
            progress(count)
    sheet_rows = workbook.create_sheet(str(_("Processors")))
    sheet_rows.append(processor_headers())
    for processor in processor_queryset(processors):
        sheet_rows.append([_cell(value) for value in processor_row(processor)])
    columns = workbook.create_sheet(str(_("Columns")))
    columns.append([str(_("key")), str(_("label")), str(_("art. 30(1)"))])
    for key, label, letter, _getter in COLUMNS:
        columns.append([key, str(label), letter])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _cell(value):
    """Text cells as text: a value starting with '=' is never a formula."""
    if hasattr(value, "isoformat"):
        return value
    return csv_value(value)


def processor_queryset(processors=None):
    if processors is None:
        processors = Processor.objects.all()
    return processors.select_related("controller").order_by("name")


def processor_headers():
    return [
        str(_("name")),
        str(_("enterprise number (KBO)")),
        str(_("country")),
        str(_("what it processes for us")),
        str(_("processor agreement signed on")),
        str(_("processor agreement ends on")),
        str(_("sub-processors")),
        str(_("transfers to third countries")),
        str(_("last assessment")),
        str(_("controller")),
    ]


def processor_row(processor):
    return [
        processor.name,
        processor.enterprise_number,
        processor.country,
        processor.processing_description,
        processor.agreement_signed_on or "",
        processor.agreement_ends_on or "",
        processor.sub_processors,
        processor.third_country_transfers,
        processor.last_assessment or "",
        processor.controller or "",
    ]
