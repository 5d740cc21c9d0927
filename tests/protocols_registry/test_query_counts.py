"""The public pages cost the same number of queries whatever the number of
protocols: no query per row, party, decision or advice. (Not timed: the benchmark in
bench/ measures time.)"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from protocols_registry.models import ProtocolSignatory
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
