"""The public pages cost the same number of queries whatever the number of
protocols: no query per row, party, decision or advice. (Not timed: the benchmark in
bench/ measures time.)"""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from protocols_registry.models import (
    DPOAdvice,
    ProtocolDataItem,
    ProtocolDecision,
    ProtocolExchangeStep,
    ProtocolParty,
    ProtocolSignatory,
)
from tests.factories import OrganisationFactory, build_protocol, protocol_index

pytestmark = pytest.mark.django_db
DETAIL_LIMIT = 12
LIST_LIMIT = 15


@pytest.fixture(autouse=True)
def uncached(settings):
    settings.PROTOCOLS_REGISTRY_CACHE_SECONDS = 0


def _queries(client, url, params=None):
    client.get(url, params or {})  # the site menu is cached; measure steady state
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params or {})
    assert response.status_code == 200, url
    return len(captured)


def _add_protocols(index, count, parties):
    for n in range(count):
        build_protocol(
            title=f"Protocol nummer {n} over kandidaat-huurders",
            parties=[parties[n % len(parties)], parties[(n + 1) % len(parties)]],
            index=index,
        )


def _costs(client, index, probe, party):
    return {
        "detail": _queries(client, probe.url),
        "list": _queries(client, index.url),
        "list, page 2": _queries(client, index.url, {"page": 2}),
        "list, party": _queries(client, index.url, {"party": party.enterprise_number}),
        "list, search": _queries(client, index.url, {"q": "kandidaat-huurders"}),
        "list, year": _queries(client, index.url, {"year": "2025", "sort": "title"}),
    }


def test_query_counts_do_not_grow_with_the_number_of_protocols(client, settings):
    settings.PROTOCOLS_REGISTRY_PAGE_SIZE = 5
    index = protocol_index()
    parties = [OrganisationFactory() for _ in range(4)]
    _add_protocols(index, 6, parties)
    probe = build_protocol(
        title="Het gemeten protocol", parties=parties[:3], index=index
    )
    for party in parties[:3]:  # one query for all signatories, not one each
        ProtocolSignatory.objects.create(
            page=probe, organisation=party, name="Verzonnen Naam", title="voorzitter"
        )
    few = _costs(client, index, probe, parties[0])
    _add_protocols(index, 24, parties)
    many = _costs(client, index, probe, parties[0])
    assert many == few
    assert few["detail"] <= DETAIL_LIMIT, few
    assert max(v for k, v in few.items() if k != "detail") <= LIST_LIMIT, few


def _shape(sql):
    # A prepared statement holds placeholders ($1, $2, …) where Django's log shows
    # the values; both become "?".
    return re.sub(r"\$\d+|'(?:[^']|'')*'|\b\d+\b", "?", sql)


def test_on_postgresql_a_protocols_content_is_read_with_prepared_statements(client):
    """PostgreSQL plans the detail page's content queries once per connection; the
    list's queries, whose best plan depends on the filter, are planned each time."""
    if connection.vendor != "postgresql":
        pytest.skip("prepared statements are PostgreSQL's")
    index = protocol_index()
    probe = build_protocol(title="Het gemeten protocol", index=index)
    for _ in range(6):  # more than psycopg's usual threshold for preparing
        client.get(probe.url)
        client.get(index.url, {"page": 1})
    with CaptureQueriesContext(connection) as detail:
        assert client.get(probe.url).status_code == 200
    with CaptureQueriesContext(connection) as listing:
        assert client.get(index.url, {"page": 1}).status_code == 200
    with connection.cursor() as cursor:
        cursor.execute("SELECT statement FROM pg_prepared_statements")
        prepared = {_shape(statement) for (statement,) in cursor.fetchall()}
    tables = [
        model._meta.db_table
        for model in (
            ProtocolParty,
            ProtocolDecision,
            DPOAdvice,
            ProtocolExchangeStep,
            ProtocolDataItem,
            ProtocolSignatory,
        )
    ]
    content = {
        _shape(q["sql"])
        for q in detail
        if any(f'FROM "{table}"' in q["sql"] for table in tables)
    }
    assert len(content) == len(tables)
    assert content <= prepared
    assert not {_shape(q["sql"]) for q in listing} & prepared
