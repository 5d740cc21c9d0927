"""Stable identifiers and the open-data record of a protocol.

The field names below are a published interface (CSV and JSON exports): add new
fields at the end, never rename or remove one. The URIs do not depend on where a
page lives, so they survive a site restructuring.
"""

import csv

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from protocols_registry.conf import get_setting

FIELD_DOCUMENTATION = {
    "reference": "Reference of the protocol, e.g. 2024_VB_00591.",
    "uri": "Stable identifier (URI) of the protocol.",
    "title": "Title of the protocol.",
    "status": (
        "approved_unsigned, approved, in_force, ended or terminated, on the day of "
        "the export."
    ),
    "approval_date": "Latest meeting date of the approving decisions (YYYY-MM-DD).",
    "in_force_from": (
        "First day the protocol applies (YYYY-MM-DD); empty when neither the "
        "protocol nor the signatures give one."
    ),
    "end_date": "Last day for a protocol of fixed duration (YYYY-MM-DD), else empty.",
    "periodicity": "one_off, periodic or continuous.",
    "duration": "fixed or indefinite.",
    "parties": "Names of the parties, in protocol order.",
    "party_enterprise_numbers": "Enterprise (KBO) numbers of the parties, same order.",
    "senders": "Names of the parties that send data.",
    "recipients": "Names of the parties that receive data.",
    "decisions": "References of the approving decisions.",
    "summary": "Short description.",
    "url": "Address of the protocol page.",
    "pdf_url": "Address of the protocol as PDF.",
    "last_published_at": "When the page was last published (ISO 8601).",
}
CSV_FIELDS = list(FIELD_DOCUMENTATION)

# The CSV is read by people in a spreadsheet: its header is in their language.
# The JSON keeps the English keys above (docs/open-data.md).
CSV_HEADERS = {
    "reference": _("reference"),
    "uri": _("URI"),
    "title": _("title"),
    "status": _("status"),
    "approval_date": _("approval date"),
    "in_force_from": _("in force from"),
    "end_date": _("end date"),
    "periodicity": _("periodicity"),
    "duration": _("duration"),
    "parties": _("parties"),
    "party_enterprise_numbers": _("enterprise numbers of the parties"),
    "senders": _("senders"),
    "recipients": _("recipients"),
    "decisions": _("decisions"),
    "summary": _("summary"),
    "url": _("address"),
    "pdf_url": _("address of the PDF"),
    "last_published_at": _("last published"),
}


def csv_header():
    return [str(CSV_HEADERS[field]) for field in CSV_FIELDS]


def _base():
    return get_setting("PROTOCOLS_REGISTRY_URI_BASE").rstrip("/") + "/"


def protocol_uri(page):
    return f"{_base()}protocol/{page.reference}"


def decision_uri(decision):
    return f"{_base()}besluit/{decision.reference}"


def agenda_item_uri(decision):
    return f"{_base()}behandeling/{decision.reference}"


def agenda_point_uri(decision):
    return f"{_base()}agendapunt/{decision.reference}"


def session_uri(decision):
    return (
        f"{_base()}zitting/{decision.organisation.enterprise_number}/"
        f"{decision.governing_body}/{decision.meeting_date.isoformat()}"
    )


def governing_body_uri(decision):
    return (
        f"{_base()}bestuursorgaan/{decision.organisation.enterprise_number}/"
        f"{decision.governing_body}"
    )


def organisation_uri(organisation):
    # Keyed on the enterprise (KBO) number, the organisation's public identifier.
    return f"{_base()}organisatie/{organisation.enterprise_number}"


def publisher_record(index_page):
    """The organisation whose site publishes ``index_page`` (its SiteOrganisation),
    as ``{"name", "enterprise_number", "uri"}``, or None."""
    from protocols_registry.models import Organisation
    from protocols_registry.shared_protocols import tree_owner

    organisation_id, _root = tree_owner(index_page)
    organisation = (
        Organisation.objects.filter(pk=organisation_id).first()
        if organisation_id
        else None
    )
    if organisation is None:
        return None
    return {
        "name": organisation.name,
        "enterprise_number": organisation.enterprise_number,
        "uri": organisation_uri(organisation),
    }


def protocol_record(page, request=None):
    """The open-data record of one protocol (prefetched parties and decisions)."""
    parties = list(page.parties.all())

    def absolute(url):
        return request.build_absolute_uri(url) if request else url

    # With the request, the URL comes from the request's site root paths (see
    # Page.get_url), not from a cache round trip per protocol.
    url = page.get_url(request)
    status = getattr(page, "status", None) or page.status_on()
    in_force_from = page.in_force_from
    return {
        "reference": page.reference,
        "uri": protocol_uri(page),
        "title": page.title,
        "status": str(status),
        "approval_date": page.approval_date.isoformat() if page.approval_date else "",
        "in_force_from": in_force_from.isoformat() if in_force_from else "",
        "end_date": page.end_date.isoformat() if page.end_date else "",
        "periodicity": page.periodicity,
        "duration": page.duration,
        "parties": [party.organisation.name for party in parties],
        "party_enterprise_numbers": [
            party.organisation.enterprise_number for party in parties
        ],
        "senders": [party.organisation.name for party in parties if party.sends],
        "recipients": [party.organisation.name for party in parties if party.receives],
        "decisions": [
            link.decision.reference
            for link in page.decision_links.all()
            if link.decision.approves
        ],
        "summary": page.summary,
        "url": absolute(url),
        "pdf_url": absolute(url + "pdf/"),
        "last_published_at": (
            timezone.localtime(page.last_published_at).isoformat(timespec="seconds")
            if page.last_published_at
            else ""
        ),
    }


def csv_value(value):
    """Lists become '; '-separated text in CSV; a leading formula character is
    neutralised so a spreadsheet never runs a cell as a formula."""
    if isinstance(value, list):
        value = "; ".join(value)
    value = str(value)
    if value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        value = "'" + value
    return value


class _Echo:
    """A file-like object whose write() returns the line, for streaming CSV."""

    def write(self, value):
        return value


def csv_lines(header, rows):
    """CSV text line by line, for a streaming response: a byte-order mark first
    (spreadsheet programs then read UTF-8), the header, then each row's values
    through csv_value()."""
    writer = csv.writer(_Echo())
    yield "\ufeff"
    yield writer.writerow(header)
    for row in rows:
        yield writer.writerow([csv_value(value) for value in row])
