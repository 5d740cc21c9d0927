"""Load protocols described as plain data (seed_protocol.py, examples.py) into the site.

Idempotent: records are found by their natural keys (enterprise number, decision
reference, protocol reference) and never overwritten, so edits made in the admin
survive a second `make run`.
"""

from django.db import transaction
from wagtail.models import Site

from protocols_registry.models import (
    ApprovalDecision,
    DPOAdvice,
    Organisation,
    ProtocolDataItem,
    ProtocolDecision,
    ProtocolExchangeStep,
    ProtocolIndexPage,
    ProtocolPage,
    ProtocolParty,
    ProtocolSignatory,
)
from protocols_registry.validators import normalise_enterprise_number

PAGE_FIELDS = [
    "title",
    "summary",
    "recitals",
    "data_flow",
    "exchange_note",
    "service_integrator",
    "recitals_continued",
    "subject",
    "collection_purposes",
    "communication_purposes",
    "data_items_intro",
    "retention_note",
    "recipients",
    "periodicity",
    "frequency",
    "duration",
    "end_date",
    "periodicity_note",
    "security_general",
    "security_specific",
    "quality",
    "sanctions",
    "notification_duties",
    "transparency",
    "law_and_court",
    "entry_into_force",
    "entry_into_force_date",
    "notice_period_months",
    "signed_place",
    "closing_text",
]


def ensure_organisation(data):
    number = normalise_enterprise_number(data["enterprise_number"])
    fields = {key: value for key, value in data.items() if key != "enterprise_number"}
    organisation, _created = Organisation.objects.get_or_create(
        enterprise_number=number, defaults=fields
    )
    return organisation


def ensure_decision(data):
    fields = dict(data)
    reference = fields.pop("reference")
    fields["organisation"] = Organisation.objects.get(
        enterprise_number=fields["organisation"]
    )
    decision, _created = ApprovalDecision.objects.get_or_create(
        reference=reference, defaults=fields
    )
    return decision


def ensure_protocol_index(home=None):
    """The /protocollen/ list below the default site's home page."""
    home = home or Site.objects.get(is_default_site=True).root_page
    index = ProtocolIndexPage.objects.child_of(home).first()
    if index:
        return index
    index = ProtocolIndexPage(
        title="Protocollen",
        slug="protocollen",
        show_in_menus=True,
        search_description=(
            "Alle goedgekeurde protocollen voor de uitwisseling van persoonsgegevens, "
            "met hun beslissing en de adviezen van de functionarissen."
        ),
        intro=(
            "<p>Hier vindt u elk protocol dat wij sloten voor de uitwisseling van "
            "persoonsgegevens met andere overheden, zoals artikel 8 van het decreet van "
            "18 juli 2008 vraagt. Bij elk protocol staan de beslissing die het "
            "goedkeurde en de adviezen van de functionarissen voor "
            "gegevensbescherming.</p>"
        ),
    )
    home.add_child(instance=index)
    index.save_revision().publish()
    return index


@transaction.atomic
def ensure_protocol(index, data):
    """Create and publish the protocol described by ``data`` unless it exists."""
    existing = ProtocolPage.objects.filter(reference=data["reference"]).first()
    if existing:
        return existing, False
    organisations = {
        org.enterprise_number: org
        for org in Organisation.objects.filter(
            enterprise_number__in=[party["organisation"] for party in data["parties"]]
            + [signatory["organisation"] for signatory in data.get("signatories", [])]
        )
    }
    page = ProtocolPage(reference=data["reference"])
    for field in PAGE_FIELDS:
        if field in data:
            setattr(page, field, data[field])
    page.parties = [
        ProtocolParty(
            organisation=organisations[party["organisation"]],
            role=party["role"],
            representative=party.get("representative", ""),
            representative_title=party.get("representative_title", ""),
            mandate=party.get("mandate", ""),
        )
        for party in data["parties"]
    ]
    page.decision_links = [
        ProtocolDecision(decision=ApprovalDecision.objects.get(reference=reference))
        for reference in data["decisions"]
    ]
    page.exchange_steps = [
        ProtocolExchangeStep(description=step)
        for step in data.get("exchange_steps", [])
    ]
    page.data_items = [ProtocolDataItem(**item) for item in data["data_items"]]
    page.signatories = [
        ProtocolSignatory(
            organisation=organisations[signatory["organisation"]],
            name=signatory["name"],
            title=signatory["title"],
            signed_on=signatory.get("signed_on"),
            signed_place=signatory.get("signed_place", ""),
        )
        for signatory in data.get("signatories", [])
    ]
    # Orderables keep the order of the protocol text only with an explicit position.
    for relation in (
        "parties",
        "decision_links",
        "exchange_steps",
        "data_items",
        "signatories",
    ):
        for position, child in enumerate(getattr(page, relation).all()):
            child.sort_order = position
    index.add_child(instance=page)  # saved as a draft: no advices exist yet
    for advice in data["advices"]:
        DPOAdvice.objects.create(
            protocol=page,
            organisation=Organisation.objects.get(
                enterprise_number=advice["organisation"]
            ),
            advice_date=advice["advice_date"],
            verdict=advice["verdict"],
            conditions=advice.get("conditions", ""),
            dpo_name=advice.get("dpo_name", ""),
        )
    page.save_revision().publish()
    return page, True


def load_protocols(module):
    """Load the organisations, decisions and protocols of a data module."""
    for organisation in module.ORGANISATIONS:
        ensure_organisation(organisation)
    for decision in module.DECISIONS:
        ensure_decision(decision)
    index = ensure_protocol_index()
    created = []
    protocols = getattr(module, "PROTOCOLS", None) or [module.PROTOCOL]
    for data in protocols:
        page, was_created = ensure_protocol(index, data)
        if was_created:
            created.append(page.reference)
    return created
