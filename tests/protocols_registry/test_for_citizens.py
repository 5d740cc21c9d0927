"""Every protocol page tells citizens what it means for them: the summary, their
GDPR rights and how to use them, each party's DPO and where to complain (issue 20,
point 7)."""

import re

import pytest

from tests.factories import OrganisationFactory, build_protocol

pytestmark = pytest.mark.django_db

RIGHTS = ["inzage", "verbetering", "wissing", "beperking", "overdraagbaarheid"]
VTC = "https://www.vlaamsetoezichtcommissie.be/"


def text_of(html):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def block_of(html):
    match = re.search(r'<section id="voor-u".*?</section>', html, re.S)
    assert match, "no block for citizens on the page"
    return match.group(0)


@pytest.fixture
def protocol():
    with_mailbox = OrganisationFactory(
        name="Woonmaatschappij Burgertest",
        dpo_email="privacy@burgertest.example",
        dpo_phone="09 123 45 67",
        privacy_url="https://burgertest.example/privacy",
    )
    by_letter = OrganisationFactory(
        name="OCMW Burgertest",
        street_address="Teststraat 1",
        postal_code="9000",
        city="Gent",
    )
    return build_protocol(
        reference="2025_VB_00201",
        parties=[with_mailbox, by_letter],
        summary="Een korte uitleg in gewone taal voor de burger.",
    )


def test_the_block_comes_first_and_says_what_it_means(client, protocol):
    html = client.get(protocol.url).content.decode()
    block = block_of(html)
    text = text_of(block)
    assert "Wat betekent dit voor u?" in text
    assert "Een korte uitleg in gewone taal voor de burger." in text
    for right in [*RIGHTS, "bezwaar"]:
        assert f"<strong>{right}</strong>" in block, right
    for article in ("art. 15", "art. 16", "art. 17", "art. 18", "art. 20", "art. 21"):
        assert article in text
    assert "referentie 2025_VB_00201" in text
    # Right before the parties, and first in the contents after it.
    assert html.index('<section id="voor-u"') < html.index('<section id="partijen"')
    toc = re.search(r'<nav class="toc".*?</nav>', html, re.S).group(0)
    anchors = re.findall(r'href="#([\w-]+)"', toc)
    assert anchors[:2] == ["voor-u", "partijen"]


def test_each_party_dpo_contact_is_given(client, protocol):
    block = block_of(client.get(protocol.url).content.decode())
    assert 'href="mailto:privacy@burgertest.example"' in block
    assert 'href="tel:091234567"' in block
    assert 'href="https://burgertest.example/privacy"' in block
    # A party without a mailbox is reached by letter at its address.
    assert (
        "per brief aan de functionaris voor gegevensbescherming, "
        "Teststraat 1, 9000 Gent"
    ) in text_of(block)
    # The DPO's own name stays off the public site.
    for party in protocol.party_organisations():
        if party.dpo_name:
            assert party.dpo_name not in block


def test_where_to_complain(client, protocol):
    block = block_of(client.get(protocol.url).content.decode())
    assert f'href="{VTC}"' in block
    assert 'href="https://www.gegevensbeschermingsautoriteit.be/burger"' in block
    assert "Vlaamse Toezichtcommissie" in block
    assert "Gegevensbeschermingsautoriteit" in block


def test_the_block_in_english(client, protocol):
    response = client.get("/en" + protocol.url)
    assert response.status_code == 200
    block = block_of(response.content.decode())
    text = text_of(block)
    assert "What does this mean for you?" in text
    for right in ("access", "rectification", "erasure", "restriction"):
        assert f"<strong>{right}</strong>" in block
    assert "Wat betekent" not in text
    assert f'href="{VTC}"' in block
    assert 'href="https://www.dataprotectionauthority.be/citizen"' in block
