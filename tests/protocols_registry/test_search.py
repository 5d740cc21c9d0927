"""Finding a protocol: Dutch word forms, KBO numbers, references as printed, and the
feed's title (issue 20, point 9)."""

import re
import xml.etree.ElementTree as ET

import pytest
from django.core.management import call_command
from django.db import connection
from wagtail.search.backends import get_search_backend

from protocols_registry.listing import enterprise_number_in, full_text_ids
from protocols_registry.models import ProtocolPage
from tests.factories import OrganisationFactory, build_protocol, protocol_index

pytestmark = pytest.mark.django_db

URL = "/protocollen/2024-vb-00591/"

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="stemming is PostgreSQL's full-text search with the Dutch configuration",
)


@pytest.fixture
def seed(tmp_path, settings, monkeypatch):
    settings.DEMO_CREDENTIALS_FILE = tmp_path / "demo-credentials.txt"
    monkeypatch.delenv("DEMO_PASSWORD", raising=False)
    call_command("load_demo")
    return ProtocolPage.objects.get(reference="2024_VB_00591")


def references_in(response):
    assert response.status_code == 200
    return re.findall(r"<td>(\d{4}_[A-Z]+_\d{5})</td>", response.content.decode())


def test_dakloos_finds_the_seed_protocol(client, seed):
    # The seed speaks of "dakloosheid" and "dak- en thuisloze" cliënten, never of
    # "dakloos": PostgreSQL finds it by the Dutch stem, SQLite by the prefix.
    assert references_in(client.get("/protocollen/?q=dakloos")) == ["2024_VB_00591"]
    assert references_in(client.get("/protocollen/?q=Dakloos+Gent")) == [
        "2024_VB_00591"
    ]
    assert references_in(client.get("/protocollen/?q=daklozenopvang")) == []


@postgresql_only
def test_postgresql_searches_with_dutch_stemming(seed):
    assert get_search_backend().config == "dutch"
    index = seed.get_parent()
    # Found by the full-text search itself, not by the prefix fallback.
    assert full_text_ids(index, "dakloos") == [seed.pk]
    # "inschrijvingen" is no prefix of anything in the seed; only its stem,
    # shared with "inschrijving", finds it.
    assert full_text_ids(index, "inschrijvingen") == [seed.pk]


@pytest.mark.parametrize(
    "spelling",
    ["0400.032.156", "0400032156", "BE0400032156", "BE 0400.032.156", "400.032.156"],
)
def test_a_kbo_number_in_any_spelling_finds_the_party_protocols(client, spelling):
    party = OrganisationFactory(name="Woonmaatschappij Zoektest")
    party.enterprise_number = "0400032156"
    party.save()
    other = OrganisationFactory()
    mine = build_protocol(reference="2025_VB_00101", parties=[party, other])
    build_protocol(reference="2025_VB_00102")
    build_protocol(reference="2025_VB_00103", parties=[party, other], publish=False)
    found = references_in(client.get("/protocollen/", {"q": spelling}))
    assert found == [mine.reference]


def test_only_a_whole_valid_kbo_number_is_taken_for_one():
    assert enterprise_number_in("BE 0400 032 156") == "0400032156"
    assert enterprise_number_in("0400.032.157") is None  # check digits fail
    assert enterprise_number_in("2024") is None
    assert enterprise_number_in("2024_VB_00591") is None
    assert enterprise_number_in("dakloos") is None


def test_a_wrong_kbo_number_is_an_ordinary_search(client):
    build_protocol(reference="2025_VB_00104")
    assert references_in(client.get("/protocollen/?q=0400.032.157")) == []


@pytest.mark.parametrize(
    "path",
    [
        "/protocollen/2024_VB_00591/",
        "/protocollen/2024-VB-00591/",
        "/protocollen/2024_vb_00591/",
    ],
)
def test_the_reference_as_printed_redirects_to_the_protocol(client, seed, path):
    response = client.get(path)
    assert response.status_code == 301
    assert response["Location"] == URL
    assert client.get(response["Location"]).status_code == 200


def test_the_reference_redirect_keeps_the_route_and_the_query(client, seed):
    response = client.get("/protocollen/2024_VB_00591/pdf/?download=1")
    assert response.status_code == 301
    assert response["Location"] == URL + "pdf/?download=1"


def test_no_redirect_reveals_a_draft_or_an_unknown_reference(client):
    protocol_index()
    draft = build_protocol(reference="2025_VB_00105", publish=False)
    assert client.get("/protocollen/2025_VB_00105/").status_code == 404
    assert client.get(f"/protocollen/{draft.slug}/").status_code == 404
    assert client.get("/protocollen/2025_VB_09999/").status_code == 404
    assert client.get("/protocollen/1800_VB_00001/").status_code == 404


def test_the_feed_is_titled_by_the_list_and_the_site(client, seed, settings):
    from wagtail.models import Site

    site = Site.objects.get(is_default_site=True)
    site.site_name = "OCMW Gent"
    site.save()
    root = ET.fromstring(client.get("/protocollen/feed/").content)
    assert root.findtext("{http://www.w3.org/2005/Atom}title") == (
        "Protocollen – OCMW Gent"
    )


def test_the_slug_spelling_is_no_reference_route_of_another_list(rf):
    from django.http import Http404

    index = protocol_index()
    protocol = build_protocol(reference="2025_VB_00106", index=index)
    request = rf.get("/")
    with pytest.raises(Http404):
        index.route(request, ["2025-vb-09999"])
    assert index.route(request, ["2025_VB_00106"]).page == index
    assert index.route(request, [protocol.slug]).page == protocol
