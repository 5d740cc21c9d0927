"""The public list: filters, search, sort and pagination combine and stay in the URL."""

import datetime
import re
from urllib.parse import parse_qs, urlsplit

import pytest
from django.test import override_settings

from protocols_registry.models import ProtocolIndexPage, ProtocolPage, ProtocolStatus
from tests.factories import OrganisationFactory, build_protocol

pytestmark = pytest.mark.django_db


def references_in(response):
    return re.findall(r"<td>(\d{4}_[A-Z]+_\d{5})</td>", response.content.decode())


@pytest.fixture
def catalogue():
    """Five published protocols with known parties, years, periodicity and words."""
    housing = OrganisationFactory(name="Woonmaatschappij Test")
    welfare = OrganisationFactory(name="OCMW Test")
    city = OrganisationFactory(name="Stad Test")
    return {
        "housing": housing,
        "welfare": welfare,
        "city": city,
        "cir": build_protocol(
            title="Actualisatie Centraal Inschrijvingsregister",
            reference="2024_VB_00001",
            parties=[housing, welfare],
            decision_date=datetime.date(2024, 9, 19),
        ),
        "energy": build_protocol(
            title="Sociale energietoelage",
            reference="2025_VB_00002",
            parties=[welfare, city],
            periodicity="periodic",
            frequency="maandelijks",
            duration="indefinite",
            decision_date=datetime.date(2025, 3, 13),
        ),
        "count": build_protocol(
            title="Telling dak- en thuislozen",
            reference="2023_CBS_00003",
            parties=[welfare, city],
            decision_date=datetime.date(2023, 2, 9),
            end_date=datetime.date(2023, 12, 31),
        ),
        "future": build_protocol(
            title="Toekomstige uitwisseling met het Centraal Inschrijvingsregister",
            reference="2025_VB_00004",
            parties=[housing, city],
            decision_date=datetime.date(2025, 6, 1),
            entry_into_force_date=datetime.date(2099, 1, 1),
        ),
        "draft": build_protocol(
            title="Ontwerp zonder advies Centraal Inschrijvingsregister",
            reference="2025_VB_00005",
            parties=[housing, welfare],
            advices=False,
            publish=False,
        ),
    }


def test_list_shows_every_published_protocol_with_its_row_facts(client, catalogue):
    response = client.get("/protocollen/")
    assert response.status_code == 200
    assert sorted(references_in(response)) == sorted(
        ["2024_VB_00001", "2025_VB_00002", "2023_CBS_00003", "2025_VB_00004"]
    )
    html = response.content.decode()
    assert "Woonmaatschappij Test" in html or "Org" in html
    assert 'datetime="2024-09-19"' in html
    assert "Ontwerp zonder advies" not in html


def test_default_order_is_newest_approval_first(client, catalogue):
    assert references_in(client.get("/protocollen/")) == [
        "2025_VB_00004",
        "2025_VB_00002",
        "2024_VB_00001",
        "2023_CBS_00003",
    ]


def test_filter_by_party(client, catalogue):
    number = catalogue["housing"].enterprise_number
    response = client.get(f"/protocollen/?party={number}")
    assert sorted(references_in(response)) == ["2024_VB_00001", "2025_VB_00004"]


def test_filter_by_status_year_and_periodicity(client, catalogue):
    assert references_in(client.get("/protocollen/?status=ended")) == ["2023_CBS_00003"]
    assert references_in(client.get("/protocollen/?status=approved")) == [
        "2025_VB_00004"
    ]
    assert sorted(references_in(client.get("/protocollen/?status=in_force"))) == [
        "2024_VB_00001",
        "2025_VB_00002",
    ]
    assert sorted(references_in(client.get("/protocollen/?year=2025"))) == [
        "2025_VB_00002",
        "2025_VB_00004",
    ]
    assert references_in(client.get("/protocollen/?periodicity=periodic")) == [
        "2025_VB_00002"
    ]


def test_search_finds_words_of_the_title_and_combines_with_filters(client, catalogue):
    found = references_in(client.get("/protocollen/?q=Centraal+Inschrijvingsregister"))
    assert sorted(found) == ["2024_VB_00001", "2025_VB_00004"]
    city = catalogue["city"].enterprise_number
    combined = client.get(
        f"/protocollen/?q=Centraal+Inschrijvingsregister&party={city}"
    )
    assert references_in(combined) == ["2025_VB_00004"]


def test_search_finds_a_party_name_and_a_reference(client, catalogue):
    assert "2025_VB_00002" in references_in(
        client.get("/protocollen/?q=energietoelage")
    )
    assert references_in(client.get("/protocollen/?q=2023_CBS_00003")) == [
        "2023_CBS_00003"
    ]


def test_search_never_returns_drafts(client, catalogue):
    found = references_in(client.get("/protocollen/?q=Ontwerp"))
    assert "2025_VB_00005" not in found


def test_sort_by_reference_and_title(client, catalogue):
    assert references_in(client.get("/protocollen/?sort=reference")) == [
        "2023_CBS_00003",
        "2024_VB_00001",
        "2025_VB_00002",
        "2025_VB_00004",
    ]
    titles = references_in(client.get("/protocollen/?sort=title"))
    assert titles[0] == "2024_VB_00001"  # "Actualisatie …" sorts first


def test_unknown_filter_values_are_ignored_not_fatal(client, catalogue):
    response = client.get("/protocollen/?status=bogus&year=abc&party=<script>&page=999")
    assert response.status_code == 200
    assert "<script>" not in response.content.decode().split("<main", 1)[1]


@override_settings(PROTOCOLS_REGISTRY_PAGE_SIZE=2)
def test_pagination_keeps_filters_in_the_links(client, catalogue):
    response = client.get("/protocollen/?status=in_force&sort=reference")
    html = response.content.decode()
    assert references_in(response) == ["2024_VB_00001", "2025_VB_00002"]
    assert 'rel="next"' not in html

    response = client.get("/protocollen/?sort=reference")
    assert references_in(response) == ["2023_CBS_00003", "2024_VB_00001"]
    next_link = re.search(r'href="(\?[^"]+)" rel="next"', response.content.decode())
    assert next_link, "no link to the next page"
    query = parse_qs(urlsplit(next_link.group(1).replace("&amp;", "&")).query)
    assert query == {"sort": ["reference"], "page": ["2"]}
    second = client.get("/protocollen/" + next_link.group(1).replace("&amp;", "&"))
    assert references_in(second) == ["2025_VB_00002", "2025_VB_00004"]
    assert 'aria-current="page">Pagina 2 van 2<' in second.content.decode()


def test_form_shows_the_applied_filters(client, catalogue):
    number = catalogue["welfare"].enterprise_number
    html = client.get(f"/protocollen/?party={number}&q=telling").content.decode()
    assert f'<option value="{number}" selected>' in html
    assert 'value="telling"' in html


def test_status_rule_in_python_and_sql_agree(catalogue):
    today = datetime.date.today()
    for day in (
        datetime.date(2023, 6, 1),
        datetime.date(2024, 1, 1),
        datetime.date(2025, 4, 1),
        today,
    ):
        annotated = dict(
            ProtocolPage.objects.with_status(day).values_list(
                "reference", "current_status"
            )
        )
        for page in ProtocolPage.objects.all():
            assert page.status_on(day) == annotated[page.reference], (
                page.reference,
                day,
            )
    undecided = build_protocol(decision=False, advices=False, publish=False)
    assert undecided.status_on(today) == ProtocolStatus.DRAFT
    assert (
        ProtocolPage.objects.with_status().get(pk=undecided.pk).current_status
        == ProtocolStatus.DRAFT
    )


def test_terminated_protocol(catalogue):
    page = catalogue["energy"]
    page.terminated_on = datetime.date(2025, 12, 1)
    assert page.status_on(datetime.date(2025, 11, 30)) == ProtocolStatus.IN_FORCE
    assert page.status_on(datetime.date(2025, 12, 1)) == ProtocolStatus.TERMINATED


@pytest.mark.parametrize("query", ['"', 'Centraal"', "(OR", "*", "NEAR(", "a:b"])
def test_search_operators_are_plain_text(client, catalogue, query):
    response = client.get("/protocollen/", {"q": query})
    assert response.status_code == 200


def test_a_protocol_is_found_only_below_its_own_list(client):
    """A site may hold two lists (say one per body); each finds only its own
    protocols, even where their slugs would match."""
    own = build_protocol(reference="2025_VB_00011")
    home = own.get_parent().get_parent()
    other = ProtocolIndexPage(title="Andere protocollen", slug="andere-protocollen")
    home.add_child(instance=other)
    other.save_revision().publish()
    elsewhere = build_protocol(reference="2025_VB_00012", index=other)

    assert client.get(f"/protocollen/{own.slug}/").status_code == 200
    assert client.get(f"/andere-protocollen/{elsewhere.slug}/").status_code == 200
    assert client.get(f"/protocollen/{elsewhere.slug}/").status_code == 404
    assert client.get(f"/andere-protocollen/{own.slug}/").status_code == 404
    # The list itself is no child of itself, and a protocol has no protocols below.
    assert client.get("/protocollen/protocollen/").status_code == 404
    assert client.get(f"/protocollen/{own.slug}/{own.slug}/").status_code == 404


def test_search_on_postgresql_reads_the_search_vector_not_the_whole_table(catalogue):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from protocols_registry.listing import search_protocol_ids

    if connection.vendor != "postgresql":
        pytest.skip("the index serves PostgreSQL's full-text search")
    index = ProtocolIndexPage.objects.get()
    with CaptureQueriesContext(connection) as queries:
        assert search_protocol_ids(index, "Centraal Inschrijvingsregister")
    # The protocol's own vector, not Wagtail's index table (protocols_registry.full_text)
    [search] = [q["sql"] for q in queries if "@@" in q["sql"]]
    assert '"protocols_registry_protocolpage"."search_vector" @@' in search
    assert "wagtailsearch_indexentry" not in search
    # ... and the GIN index serves it. A handful of rows is read faster whole, so
    # the planner is kept from scanning the table to show whether the index fits.
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        cursor.execute(
            "EXPLAIN SELECT page_ptr_id FROM protocols_registry_protocolpage "
            "WHERE search_vector @@ plainto_tsquery('dutch', 'centraal')"
        )
        plan = "\n".join(row for (row,) in cursor.fetchall())
    assert "Bitmap Index Scan on protocol_search_vector" in plan, plan


def test_search_rank_orders_rows_as_the_search_ranked_them(catalogue):
    from protocols_registry.listing import search_rank

    pks = sorted(
        page.pk
        for key, page in catalogue.items()
        if key != "draft" and isinstance(page, ProtocolPage)
    )
    ranked = [pks[2], pks[0], pks[3], pks[1]]  # neither ascending nor descending
    ordered = ProtocolPage.objects.filter(pk__in=ranked).order_by(search_rank(ranked))
    assert list(ordered.values_list("pk", flat=True)) == ranked


def test_a_search_lists_the_best_match_first(client, catalogue):
    from protocols_registry.listing import search_protocol_ids

    index = ProtocolIndexPage.objects.get()
    ranked = search_protocol_ids(index, "Centraal Inschrijvingsregister")
    expected = [ProtocolPage.objects.get(pk=pk).reference for pk in ranked]
    assert len(expected) == 2
    found = references_in(client.get("/protocollen/?q=Centraal+Inschrijvingsregister"))
    assert found == expected
