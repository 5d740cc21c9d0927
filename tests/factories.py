"""Test data for every app: organisations, decisions, advices and protocol pages.

Organisations get valid-checksum enterprise numbers from a counter; people named
here are invented. Protocol pages are built through the page tree, the way the
admin builds them.
"""

import datetime
import itertools

import factory
from wagtail.models import Site

from protocols_registry.models import (
    ApprovalDecision,
    DPOAdvice,
    Organisation,
    OrganisationMember,
    ProtocolDataItem,
    ProtocolDecision,
    ProtocolIndexPage,
    ProtocolPage,
    ProtocolParty,
    ProtocolSignatory,
)

_numbers = itertools.count(1)


def next_enterprise_number():
    """A fresh enterprise number with valid check digits, from the 0888 range."""
    base = 8_880_000 + next(_numbers)
    first8 = f"0{base:07d}"
    return first8 + f"{97 - int(first8) % 97:02d}"


def _next_reference(kind):
    return f"2025_{kind}_{next(_numbers):05d}"


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Testorganisatie {n}")
    short_name = factory.LazyAttribute(
        lambda o: o.name.replace("Testorganisatie", "Org")
    )
    kind = Organisation.Kind.AGENCY
    enterprise_number = factory.LazyFunction(next_enterprise_number)
    city = "Gent"
    dpo_name = "Functionaris voor gegevensbescherming (fictief)"


class OrganisationMemberFactory(factory.django.DjangoModelFactory):
    """A user speaks for an organisation in their role(s)."""

    class Meta:
        model = OrganisationMember
        django_get_or_create = ("user", "organisation")

    organisation = factory.SubFactory(OrganisationFactory)


def member_of(user, *organisations):
    """Make ``user`` a member of each of ``organisations``; returns the user."""
    for organisation in organisations:
        OrganisationMemberFactory(user=user, organisation=organisation)
    return user


class ApprovalDecisionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ApprovalDecision

    reference = factory.LazyFunction(lambda: _next_reference("VB"))
    title = factory.Sequence(lambda n: f"Goedkeuring testprotocol {n}")
    organisation = factory.SubFactory(OrganisationFactory)
    governing_body = ApprovalDecision.GoverningBody.VAST_BUREAU
    meeting_date = datetime.date(2025, 3, 13)
    session = ApprovalDecision.Session.CLOSED
    outcome = ApprovalDecision.Outcome.APPROVED


class DPOAdviceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = DPOAdvice

    advice_date = datetime.date(2025, 3, 1)
    verdict = DPOAdvice.Verdict.FAVOURABLE


def protocol_index():
    """The protocol list below the default site's home page."""
    home = Site.objects.get(is_default_site=True).root_page
    index = ProtocolIndexPage.objects.child_of(home).first()
    if index is None:
        index = ProtocolIndexPage(title="Protocollen", slug="protocollen")
        home.add_child(instance=index)
        index.save_revision().publish()
    return index


# The sections the publication rule requires (protocols_registry.publication).
REQUIRED_TEXT = {
    "collection_purposes": "<p>Verzameld voor de opdracht van de afzender.</p>",
    "communication_purposes": "<p>Meegedeeld om de betrokkenen te contacteren.</p>",
    "recipients": "<p>De maatschappelijk werkers van de ontvanger.</p>",
    "periodicity_note": "<p>Eenmalig, voor bepaalde duur.</p>",
    "security_general": "<p>Versleuteld via het platform.</p>",
}


def build_protocol(
    *,
    title="Testprotocol voor de uitwisseling van gegevens",
    reference=None,
    parties=None,
    decision=True,
    decision_date=datetime.date(2025, 3, 13),
    advices=True,
    signed=True,
    publish=True,
    index=None,
    **fields,
):
    """Create a protocol page between two (new) organisations.

    It fills every section the publication rule requires. ``decision``: link an
    approving decision; ``advices``: record a favourable advice for each party;
    ``signed``: every party signed on the decision date (so it is in force from
    then); ``publish``: publish it. Returns the page.
    """
    index = index or protocol_index()
    parties = parties or [OrganisationFactory(), OrganisationFactory()]
    page = ProtocolPage(
        title=title,
        reference=reference or _next_reference("PR"),
        summary=fields.pop("summary", f"Samenvatting van {title}."),
        **{**REQUIRED_TEXT, **fields},
    )
    page.parties = [
        ProtocolParty(organisation=org, role="sender" if n == 0 else "recipient")
        for n, org in enumerate(parties)
    ]
    # Retention dates lie a decade ahead so that the tests do not start failing
    # when the calendar passes them; retention tests move "today" explicitly.
    page.data_items = [
        ProtocolDataItem(
            data="Identificatiegegevens: naam, voornaam",
            proportionality="Nodig om de persoon te contacteren.",
            retention="Tot het einde van de actie.",
            retention_until=datetime.date(2037, 12, 31),
        ),
        ProtocolDataItem(
            data="Status van het dossier",
            proportionality="Nodig om gericht te helpen.",
            retention_until=datetime.date(2037, 6, 30),
        ),
    ]
    if decision:
        page.decision_links = [
            ProtocolDecision(
                decision=ApprovalDecisionFactory(
                    organisation=parties[-1], meeting_date=decision_date
                )
            )
        ]
    page.signatories = [
        ProtocolSignatory(
            organisation=org,
            name=f"Ondertekenaar {n}",
            title="algemeen directeur",
            signed_on=decision_date if signed else None,
            signed_place="Gent",
        )
        for n, org in enumerate(parties, 1)
    ]
    for relation in ("parties", "data_items", "decision_links", "signatories"):
        for position, child in enumerate(getattr(page, relation).all()):
            child.sort_order = position
    index.add_child(instance=page)
    if advices:
        for org in parties:
            DPOAdviceFactory(protocol=page, organisation=org)
    revision = page.save_revision()
    if publish:
        revision.publish()
        page.refresh_from_db()
    return page
