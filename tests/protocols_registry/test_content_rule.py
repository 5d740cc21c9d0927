"""A protocol is published only once the sections of art. 8 of the decree of 18 July
2008 (the VTC template) are filled; the refusal names each missing section."""

import datetime

import pytest
from django.utils import translation

from protocols_registry.models import ProtocolDataItem, ProtocolPage, ProtocolParty
from protocols_registry.publication import PublicationRefused
from tests.factories import OrganisationFactory, build_protocol

pytestmark = pytest.mark.django_db

SECTIONS = [
    "artikel 2: rechtvaardigingsgronden en doeleinden van de verzameling",
    "artikel 2: rechtvaardigingsgronden en doeleinden van de mededeling",
    "artikel 3: de gegevens",
    "artikel 4: de ontvangers",
    "artikel 5: periodiciteit en duur",
    "artikel 6: de beveiligingsmaatregelen",
]


def missing(page):
    with translation.override("nl"):
        return [str(problem) for problem in page.publication_problems()]


def test_an_empty_protocol_is_refused_naming_every_missing_section():
    page = build_protocol(
        publish=False,
        collection_purposes="",
        communication_purposes="",
        recipients="",
        periodicity_note="",
        security_general="",
    )
    page.data_items.all().delete()
    page = ProtocolPage.objects.get(pk=page.pk)
    problems = missing(page)
    for section in SECTIONS:
        assert f"Niet ingevuld: {section}." in problems, problems
    with pytest.raises(PublicationRefused) as refused:
        page.get_latest_revision().publish()
    for section in SECTIONS[:2] + SECTIONS[3:]:  # its revision still has items
        assert section in str(refused.value)
    assert not ProtocolPage.objects.get(pk=page.pk).live


def test_filling_the_sections_one_by_one_clears_each_refusal():
    page = ProtocolPage(
        title="Leeg protocol", reference="2026_VB_00901", summary="Leeg."
    )
    parties = [OrganisationFactory(dpo_name=""), OrganisationFactory()]
    page.parties = [
        ProtocolParty(organisation=org, role=role)
        for org, role in zip(parties, ("sender", "recipient"), strict=True)
    ]
    problems = missing(page)
    assert any(
        "functionaris voor gegevensbescherming van elke partij" in p
        and parties[0].display_name in p
        for p in problems
    )
    parties[0].dpo_name = "DPO (fictief)"
    fills = [
        ("collection_purposes", "<p>Verzameld voor de opdracht.</p>"),
        ("communication_purposes", "<p>Meegedeeld om te helpen.</p>"),
        ("recipients", "<p>De maatschappelijk werkers.</p>"),
        ("security_general", "<p>Versleuteld.</p>"),
    ]
    remaining = [SECTIONS[0], SECTIONS[1], SECTIONS[3], SECTIONS[5]]
    for (field, value), section in zip(fills, remaining, strict=True):
        assert any(section in p for p in missing(page))
        setattr(page, field, value)
        assert not any(section in p for p in missing(page))
    assert any(SECTIONS[2] in p for p in missing(page))
    page.data_items = [ProtocolDataItem(data="Naam", proportionality="")]
    problems = missing(page)
    assert not any(f"{SECTIONS[2]}." in p for p in problems)
    assert any("proportionaliteit van elk gegeven (gegeven 1)" in p for p in problems)
    assert any("bewaartermijn van elk gegeven (gegeven 1)" in p for p in problems)
    page.data_items = [
        ProtocolDataItem(
            data="Naam",
            proportionality="Nodig.",
            retention_until=datetime.date(2037, 1, 1),
        )
    ]
    assert any(SECTIONS[4] in p for p in missing(page))
    page.end_date = datetime.date(2037, 1, 1)
    assert not any("Niet ingevuld" in p for p in missing(page))


def test_the_factory_builds_a_complete_protocol_in_force_from_its_signatures():
    page = build_protocol(decision_date=datetime.date(2025, 3, 13))
    assert page.live
    assert page.signed_date == datetime.date(2025, 3, 13)
    assert page.in_force_from == datetime.date(2025, 3, 13)
