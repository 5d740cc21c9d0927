"""The public register of processing activities as open data: CSV, JSON, JSON-LD.

Served under a register page (``export.csv``, ``export.json``, ``export.jsonld``),
with the page's controller scope. Each record holds what the public register page
shows and nothing more: never the security measures, internal notes, processors,
DPIA or review plans, and only activities the per-entry switch makes public.

The JSON keys below are a published interface (docs/open-data.md): add new keys at
the end, never rename or remove one. JSON-LD uses the class Stad Gent's own public
register publishes (OSLO ``toestemming:VerwerkingsActiviteit``), Dublin Core for
identifier, title and description, and DCAT for the dataset and its distributions.
"""

import json

from django.http import HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from protocols_registry.opendata import _base, csv_lines, organisation_uri

FIELD_DOCUMENTATION = {
    "reference": "The controller's own reference of the activity.",
    "uri": "Stable identifier (URI) of the activity.",
    "name": "Name of the activity.",
    "controller": "Name of the controller.",
    "controller_enterprise_number": "Enterprise (KBO) number of the controller.",
    "joint_controllers": "Names of the joint controllers (GDPR art. 26), if any.",
    "joint_controller_enterprise_numbers": "Their enterprise numbers, same order.",
    "dpo_contact": "Functional mailbox of the data protection officer.",
    "owner_department": "The service responsible for the processing.",
    "status": "active or retired.",
    "purposes": "Purposes of the processing.",
    "lawful_basis": "Letter of GDPR art. 6(1): a to f.",
    "lawful_basis_label": "The lawful basis in words.",
    "legal_reference": "The law, decree or decision the processing rests on.",
    "data_subject_categories": "Categories of data subjects.",
    "data_subjects_note": "Data subjects (details).",
    "personal_data_categories": "Categories of personal data.",
    "personal_data_note": "Personal data (details).",
    "special_categories": "true when special categories (art. 9 or 10) are processed.",
    "special_category_condition": "The art. 9(2) or 10 condition, in words.",
    "recipients": "Categories of recipients.",
    "third_country_transfers": "none, yes, or empty when not yet recorded.",
    "transfer_countries": "Third countries or international organisations.",
    "transfer_safeguard": "Safeguard for those transfers, in words.",
    "retention": "Retention per category of data ('category: period').",
    "retention_note": "Retention (general).",
    "protocols": "References of the published protocols the activity rests on.",
    "last_review": "Date of the last review (YYYY-MM-DD).",
    "url": "Address of the activity in the public register.",
}
FIELDS = list(FIELD_DOCUMENTATION)

CSV_HEADERS = {
    "reference": _("reference"),
    "uri": _("URI"),
    "name": _("name"),
    "controller": _("controller"),
    "controller_enterprise_number": _("enterprise number of the controller"),
    "joint_controllers": _("joint controllers"),
    "joint_controller_enterprise_numbers": _(
        "enterprise numbers of the joint controllers"
    ),
    "dpo_contact": _("DPO contact"),
    "owner_department": _("owner department"),
    "status": _("status"),
    "purposes": _("purposes"),
    "lawful_basis": _("lawful basis (letter)"),
    "lawful_basis_label": _("lawful basis"),
    "legal_reference": _("legal reference"),
    "data_subject_categories": _("categories of data subjects"),
    "data_subjects_note": _("data subjects (details)"),
    "personal_data_categories": _("categories of personal data"),
    "personal_data_note": _("personal data (details)"),
    "special_categories": _("special categories"),
    "special_category_condition": _("art. 9 or 10 condition"),
    "recipients": _("categories of recipients"),
    "third_country_transfers": _("transfers to third countries"),
    "transfer_countries": _("third countries"),
    "transfer_safeguard": _("safeguard"),
    "retention": _("retention per category of data"),
    "retention_note": _("retention (general)"),
    "protocols": _("protocols"),
    "last_review": _("last review"),
    "url": _("address"),
}

MEDIA_TYPES = {
    "csv": "text/csv",
    "json": "application/json",
    "jsonld": "application/ld+json",
}

CONTEXT = {
    "dcat": "http://www.w3.org/ns/dcat#",
    "dct": "http://purl.org/dc/terms/",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "toestemming": "http://data.vlaanderen.be/ns/toestemming#",
    "dpv": "https://w3id.org/dpv#",
}


def activity_uri(activity):
    return f"{_base()}verwerkingsactiviteit/{activity.reference}"


def dataset_uri(page):
    scope = page.controller.enterprise_number if page.controller_id else "alle"
    return f"{_base()}verwerkingsregister/{scope}"


def activity_record(activity, page, request):
    """The open-data record of one public activity (prefetched as
    ProcessingRegisterPage.public_activities() does)."""
    joint = list(activity.joint_controllers.all())
    controller = activity.controller
    page_url = page.get_url(request)
    return {
        "reference": activity.reference,
        "uri": activity_uri(activity),
        "name": activity.name,
        "controller": controller.name if controller else "",
        "controller_enterprise_number": (
            controller.enterprise_number if controller else ""
        ),
        "joint_controllers": [org.name for org in joint],
        "joint_controller_enterprise_numbers": [org.enterprise_number for org in joint],
        "dpo_contact": activity.dpo_contact,
        "owner_department": activity.owner_department,
        "status": activity.status,
        "purposes": activity.purposes,
        "lawful_basis": activity.lawful_basis,
        "lawful_basis_label": (
            str(activity.get_lawful_basis_display()) if activity.lawful_basis else ""
        ),
        "legal_reference": activity.legal_reference,
        "data_subject_categories": [
            c.name for c in activity.data_subject_categories.all()
        ],
        "data_subjects_note": activity.data_subjects_note,
        "personal_data_categories": [
            c.name for c in activity.personal_data_categories.all()
        ],
        "personal_data_note": activity.personal_data_note,
        "special_categories": activity.special_categories,
        "special_category_condition": (
            str(activity.get_special_category_condition_display())
            if activity.special_categories and activity.special_category_condition
            else ""
        ),
        "recipients": activity.recipients,
        "third_country_transfers": activity.third_country_transfers,
        "transfer_countries": activity.transfer_countries,
        "transfer_safeguard": (
            str(activity.get_transfer_safeguard_display())
            if activity.transfer_safeguard
            else ""
        ),
        "retention": [
            f"{block.value['data_category']}: {block.value['period']}"
            for block in activity.retention_rules
        ],
        "retention_note": activity.retention_note,
        "protocols": [protocol.reference for protocol in activity.protocols.all()],
        "last_review": (
            activity.last_review.isoformat() if activity.last_review else ""
        ),
        "url": request.build_absolute_uri(f"{page_url}{activity.reference}/"),
    }


def _records(page, request):
    return [
        activity_record(activity, page, request)
        for activity in page.public_activities().order_by("reference")
    ]


def _stamp():
    return timezone.localdate().isoformat()


def csv_response(page, request):
    records = _records(page, request)
    rows = (
        [
            ("true" if record[key] else "false")
            if isinstance(record[key], bool)
            else record[key]
            for key in FIELDS
        ]
        for record in records
    )
    lines = csv_lines([str(CSV_HEADERS[key]) for key in FIELDS], rows)
    response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = (
        f'attachment; filename="verwerkingsregister-{_stamp()}.csv"'
    )
    return response


def json_response(page, request):
    controller = page.controller
    payload = {
        "generated_at": timezone.localtime().isoformat(timespec="seconds"),
        "source": request.build_absolute_uri(page.get_url(request)),
        "controller": (
            {
                "name": controller.name,
                "enterprise_number": controller.enterprise_number,
                "uri": organisation_uri(controller),
            }
            if controller
            else None
        ),
        "fields": FIELD_DOCUMENTATION,
        "activities": _records(page, request),
    }
    return HttpResponse(
        json.dumps(payload, ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )


def _text(value):
    return {"@value": value, "@language": "nl"}


def _organisation_node(name, enterprise_number):
    return {
        "@id": f"{_base()}organisatie/{enterprise_number}",
        "@type": "foaf:Organization",
        "foaf:name": name,
        "dct:identifier": enterprise_number,
    }


def jsonld_document(page, request):
    """The register as a DCAT dataset of OSLO processing activities."""
    records = _records(page, request)
    landing = request.build_absolute_uri(page.get_url(request))
    dataset = {
        "@id": dataset_uri(page),
        "@type": "dcat:Dataset",
        "dct:title": _text(page.title),
        "dct:description": _text(
            "Het openbare deel van het register van verwerkingsactiviteiten "
            "(AVG artikel 30)."
        ),
        "dct:modified": {
            "@value": timezone.localtime().isoformat(timespec="seconds"),
            "@type": "xsd:dateTime",
        },
        "dcat:landingPage": {"@id": landing},
        "dcat:distribution": [
            {
                "@id": f"{landing}export.{fmt}",
                "@type": "dcat:Distribution",
                "dcat:downloadURL": {"@id": f"{landing}export.{fmt}"},
                "dcat:accessURL": {"@id": f"{landing}export.{fmt}"},
                "dcat:mediaType": {
                    "@id": f"https://www.iana.org/assignments/media-types/{media}"
                },
            }
            for fmt, media in MEDIA_TYPES.items()
        ],
    }
    graph = [dataset]
    organisations = {}
    if page.controller_id:
        controller = page.controller
        dataset["dct:publisher"] = {"@id": organisation_uri(controller)}
        organisations[controller.enterprise_number] = controller.name
    for record in records:
        node = {
            "@id": record["uri"],
            "@type": "toestemming:VerwerkingsActiviteit",
            "dct:identifier": record["reference"],
            "dct:title": _text(record["name"]),
            "dct:description": _text(record["purposes"]),
            "dct:isPartOf": {"@id": dataset["@id"]},
            "foaf:page": {"@id": record["url"]},
        }
        if record["lawful_basis_label"]:
            node["toestemming:verwerkingsgrond"] = {
                "@type": "skos:Concept",
                "skos:prefLabel": _text(record["lawful_basis_label"]),
                "skos:notation": f"6(1)({record['lawful_basis']})",
            }
        if record["retention"]:
            node["dct:temporal"] = [
                {"dct:title": _text(rule)} for rule in record["retention"]
            ]
        controllers = []
        if record["controller_enterprise_number"]:
            controllers.append(
                (record["controller_enterprise_number"], record["controller"])
            )
        controllers += list(
            zip(
                record["joint_controller_enterprise_numbers"],
                record["joint_controllers"],
                strict=True,
            )
        )
        if controllers:
            node["dpv:hasDataController"] = [
                {"@id": f"{_base()}organisatie/{number}"} for number, _n in controllers
            ]
        for number, name in controllers:
            organisations.setdefault(number, name)
        graph.append(node)
    graph += [
        _organisation_node(name, number) for number, name in organisations.items()
    ]
    return {"@context": CONTEXT, "@graph": graph}


def jsonld_response(page, request):
    return HttpResponse(
        json.dumps(jsonld_document(page, request), ensure_ascii=False, indent=2),
        content_type="application/ld+json; charset=utf-8",
    )
