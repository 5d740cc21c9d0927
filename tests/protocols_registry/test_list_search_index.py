"""The public list stays fast as it grows (issue 22, point 4): the search reads the
protocol's own Dutch search vector through its GIN index on PostgreSQL, the vector
follows every published change, the count stops at a limit, and a page of the list
costs a fixed handful of queries. Timed at 100 000 protocols by bench/lists.py."""

import re

import pytest
from django.db import connection

from protocols_registry import full_text
from protocols_registry.listing import filter_protocols, full_text_ids
from protocols_registry.models import ProtocolIndexPage, ProtocolPage
from tests.factories import OrganisationFactory, build_protocol, protocol_index

pytestmark = pytest.mark.django_db
LIST_LIMIT = 15

postgresql_only = pytest.mark.skipif(
    connection.vendor != "postgresql",
    reason="the search vector and its GIN index are PostgreSQL's",
)


@pytest.fixture(autouse=True)
def uncached(settings):
    settings.PROTOCOLS_REGISTRY_CACHE_SECONDS = 0


def references_in(response):
    assert response.status_code == 200
    return re.findall(r"<td>(\d{4}_[A-Z]+_\d{5})</td>", response.content.decode())


@postgresql_only
def test_dutch_stemming_finds_the_plural_for_the_singular(client):
    tenants = build_protocol(
        title="Actualisatie van de dossiers van kandidaat-huurders",
        reference="2025_VB_00201",
    )
    build_protocol(title="Sociale energietoelage", reference="2025_VB_00202")
    index = ProtocolIndexPage.objects.get()
    # Found by the word search itself (the Dutch stem), not by the prefix fallback.
    assert full_text_ids(index, "huurder") == [tenants.pk]
    assert references_in(client.get("/protocollen/", {"q": "huurder"})) == [
        tenants.reference
    ]
    form, found = filter_protocols(index, {"q": "kandidaat-huurder"})
    assert [page.pk for page in found] == [tenants.pk]


@postgresql_only
def test_the_vector_follows_a_published_edit(client):
    page = build_protocol(
        title="Uitwisseling over de schoolpremie",
        reference="2025_VB_00203",
        summary="Over een tegemoetkoming.",
    )
    assert references_in(client.get("/protocollen/", {"q": "schoolpremie"})) == [
        page.reference
    ]
    page.title = "Uitwisseling over de studietoelage"
    page.save_revision().publish()
    assert references_in(client.get("/protocollen/", {"q": "studietoelagen"})) == [
        page.reference
    ]
    assert references_in(client.get("/protocollen/", {"q": "schoolpremie"})) == []


@postgresql_only
def test_a_draft_edit_leaves_the_published_text_searchable(client):
    page = build_protocol(
        title="Uitwisseling over de fietspremie", summary="Over een premie."
    )
    page.title = "Uitwisseling over de autopremie"
    page.save_revision()  # saved as a draft, not published
    assert references_in(client.get("/protocollen/", {"q": "fietspremie"})) == [
        page.reference
    ]
    assert references_in(client.get("/protocollen/", {"q": "autopremie"})) == []


@postgresql_only
def test_a_renamed_party_is_found_by_its_new_name(client):
    party = OrganisationFactory(name="Woonmaatschappij Oudenaam", short_name="WMO")
    page = build_protocol(parties=[party, OrganisationFactory()])
    party.name = "Woonmaatschappij Nieuwenaam"
    party.save()
    assert references_in(client.get("/protocollen/", {"q": "nieuwenaam"})) == [
        page.reference
    ]
    assert references_in(client.get("/protocollen/", {"q": "oudenaam"})) == []


@postgresql_only
def test_the_search_filters_through_the_gin_index():
    build_protocol(title="Actualisatie Centraal Inschrijvingsregister")
    found = ProtocolPage.objects.filter(
        search_vector=full_text.words_query("inschrijvingsregister")
    )
    assert found.count() == 1
    with connection.cursor() as cursor:
        # A handful of rows is read faster whole or along another index; keep the
        # planner from both to show whether the GIN index fits the query at all.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        plan = found.explain()
    assert "Bitmap Index Scan on protocol_search_vector" in plan, plan


def test_a_prefix_still_finds_what_no_word_form_does(client):
    page = build_protocol(title="Telling van daklozen", reference="2025_VB_00204")
    assert references_in(client.get("/protocollen/", {"q": "dakl"})) == [page.reference]
    assert references_in(client.get("/protocollen/", {"q": "daklozenopvang"})) == []


def test_the_count_stops_at_the_limit_and_says_so(client, settings):
    settings.PROTOCOLS_REGISTRY_PAGE_SIZE = 2
    settings.PROTOCOLS_REGISTRY_LIST_COUNT_LIMIT = 3
    index = protocol_index()
    for n in range(5):
        build_protocol(reference=f"2025_VB_0030{n}", index=index)
    html = client.get("/protocollen/").content.decode()
    assert "Meer dan 3 protocollen gevonden." in html
    assert "Pagina 1 van meer dan 2" in html
    last = client.get("/protocollen/", {"page": 2})
    assert len(references_in(last)) == 1  # the third row: the count's limit
    assert 'rel="next"' not in last.content.decode()
    settings.PROTOCOLS_REGISTRY_LIST_COUNT_LIMIT = 5
    html = client.get("/protocollen/").content.decode()
    assert "5 protocollen gevonden." in html
    assert "Pagina 1 van 3" in html


@pytest.mark.parametrize(
    "params",
    [{}, {"party": "party"}, {"q": "kandidaat-huurders"}, {"q": "kandid"}],
    ids=["list", "party", "search", "prefix"],
)
def test_a_list_page_costs_a_fixed_handful_of_queries(
    client, django_assert_max_num_queries, params
):
    parties = [OrganisationFactory() for _ in range(3)]
    index = protocol_index()
    for n in range(6):
        build_protocol(
            title=f"Protocol {n} over kandidaat-huurders",
            parties=[parties[n % 3], parties[(n + 1) % 3]],
            index=index,
        )
    if "party" in params:
        params = {"party": parties[0].enterprise_number}
    assert client.get("/protocollen/", params).status_code == 200  # warm the menu
    with django_assert_max_num_queries(LIST_LIMIT):
        found = references_in(client.get("/protocollen/", params))
    assert len(found) == (4 if "party" in params else 6)


@postgresql_only
def test_a_search_counts_its_matches_once(client):
    from django.test.utils import CaptureQueriesContext

    index = protocol_index()
    for n in range(3):
        build_protocol(title=f"Protocol {n} over kandidaat-huurders", index=index)
    params = {"q": "kandidaat-huurders"}
    assert client.get("/protocollen/", params).status_code == 200  # warm the menu
    with CaptureQueriesContext(connection) as captured:
        html = client.get("/protocollen/", params).content.decode()
    counts = [
        query["sql"]
        for query in captured.captured_queries
        if query["sql"].startswith("SELECT COUNT(*)")
    ]
    # One count tells whether the words matched, whether to rank and the list's
    # total; no EXISTS before it.
    assert len(counts) == 1, counts
    assert not any(
        query["sql"].startswith("SELECT 1 AS") for query in captured.captured_queries
    )
    assert "3 protocollen gevonden." in html
