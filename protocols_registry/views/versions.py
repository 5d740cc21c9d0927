"""Public views of a protocol's versions: one version's text, and what changed
since the version before it. Reached through ProtocolPage's routes
(…/versies/<n>/ and …/versies/<n>/verschil/), cached like the page itself."""

import datetime

from django.http import Http404
from django.template.response import TemplateResponse

from protocols_registry.conf import get_setting
from protocols_registry.models import ProtocolPage, ProtocolParty
from protocols_registry.sections import HEADINGS, SECTIONS
from protocols_registry.validators import format_enterprise_number
from protocols_registry.version_diff import compare

DATE_FIELDS = {
    "end_date",
    "entry_into_force_date",
    "terminated_on",
    "signed_date",
    "retention_until",
}


def _versions(page):
    return list(page.versions.select_related("decision__organisation"))


def _find(versions, number):
    for version in versions:
        if version.number == number:
            return version
    raise Http404


def _dates(row):
    return {
        key: datetime.date.fromisoformat(value)
        if key in DATE_FIELDS and value
        else value
        for key, value in row.items()
    }


def _label(choices, value):
    try:
        return choices(value).label
    except ValueError:
        return value


def readable(content):
    """A version's frozen content as the template shows it: dates as dates,
    choices with their labels."""
    fields = _dates(content["fields"])
    fields["periodicity_display"] = _label(
        ProtocolPage.Periodicity, fields["periodicity"]
    )
    fields["duration_display"] = _label(ProtocolPage.Duration, fields["duration"])
    parties = [
        {
            **party,
            "role_display": _label(ProtocolParty.Role, party["role"]),
            "enterprise_number": format_enterprise_number(party["enterprise_number"]),
        }
        for party in content["parties"]
    ]
    return {
        "fields": fields,
        "parties": parties,
        "exchange_steps": content["exchange_steps"],
        "data_items": [_dates(item) for item in content["data_items"]],
        "signatories": content["signatories"],
    }


def _context(request, page, versions, version):
    headings = {key: str(heading) for key, heading in HEADINGS.items()}
    context = page.get_context(request)
    context.update(
        {
            "base_template": get_setting("PROTOCOLS_REGISTRY_BASE_TEMPLATE"),
            "page_url": page.get_url(request),
            "version": version,
            "versions": versions,
            "headings": headings,
            "sections": [
                (anchor, headings[anchor.replace("-", "_")])
                for anchor, _heading, _fields in SECTIONS
                if anchor != "besluiten"
            ],
            "previous": next(
                (v for v in versions if v.number == version.number - 1), None
            ),
            "latest": versions[-1],
        }
    )
    return context


def version_detail(request, page, number):
    versions = _versions(page)
    version = _find(versions, number)
    context = _context(request, page, versions, version)
    context["text"] = readable(version.content)
    return TemplateResponse(
        request, "protocols_registry/protocol_version.html", context
    )


def version_diff(request, page, number):
    versions = _versions(page)
    version = _find(versions, number)
    context = _context(request, page, versions, version)
    previous = context["previous"]
    if previous is None:
        raise Http404
    context["diff"] = compare(previous.content, version.content)
    return TemplateResponse(
        request, "protocols_registry/protocol_version_diff.html", context
    )
