"""public_cache.remembered(): values derived from the public pages, kept per
generation in the shared cache and in a memo of the process that threads share,
thread-safe and bounded."""

import threading

import pytest

from protocols_registry import public_cache
from protocols_registry.public_cache import _Memo, remembered

pytestmark = pytest.mark.django_db


def test_a_value_is_computed_once_per_generation():
    calls = []
    compute = lambda: calls.append(1) or len(calls)  # noqa: E731
    assert remembered("choices", compute) == 1
    assert remembered("choices", compute) == 1
    public_cache.invalidate()
    assert remembered("choices", compute) == 2


def test_the_memo_keeps_the_most_recently_used_values_up_to_its_limit():
    memo = _Memo(limit=3)
    for n in range(3):
        memo.put("g1", f"name-{n}", n)
    assert memo.get("g1", "name-0") == (True, 0)  # used: kept
    memo.put("g1", "name-3", 3)
    assert len(memo) == 3
    assert memo.get("g1", "name-1") == (False, None)  # least recently used: gone
    assert memo.get("g1", "name-0") == (True, 0)
    assert memo.get("g2", "name-0") == (False, None)  # another generation
    memo.put("g2", "name-0", "new")
    assert len(memo) == 1


def test_threads_share_the_memo_safely_and_it_stays_bounded():
    memo = _Memo(limit=50)
    errors = []

    def work(thread):
        try:
            for n in range(2000):
                generation = f"g{n // 500}"
                memo.put(generation, f"{thread}-{n % 120}", n)
                found, value = memo.get(generation, f"{thread}-{n % 120}")
                assert not found or isinstance(value, int)
                assert len(memo) <= 50
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=work, args=(t,)) for t in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(memo) <= 50


def test_an_empty_value_is_not_kept_when_asked_not_to():
    calls = []
    compute = lambda: calls.append(1) or []  # noqa: E731
    assert remembered("nothing", compute, keep_empty=False) == []
    assert remembered("nothing", compute, keep_empty=False) == []
    assert len(calls) == 2
    assert remembered("nothing-kept", compute) == []
    assert remembered("nothing-kept", compute) == []
    assert len(calls) == 3


def test_a_protocol_is_routed_to_without_a_query_until_something_changes(
    client, settings
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories import build_protocol

    settings.PROTOCOLS_REGISTRY_CACHE_SECONDS = 0
    page = build_protocol(title="Eerste titel")
    table = '"protocols_registry_protocolpage"'

    def protocol_queries(url):
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        return response, [q for q in queries if f"FROM {table}" in q["sql"]]

    assert protocol_queries(page.url)[0].status_code == 200
    response, queries = protocol_queries(page.url)
    assert response.status_code == 200 and queries == []

    # A new publication starts a new generation: the page is read again.
    revision = page.get_latest_revision_as_object()
    revision.title = "Tweede titel"
    revision.save_revision().publish()
    response, queries = protocol_queries(page.url)
    assert "Tweede titel" in response.content.decode() and queries

    # An address that finds no protocol is looked up each time, never kept.
    sizes = []
    for number in (99997, 99998, 99999, 99999):
        response, queries = protocol_queries(
            f"{page.get_parent().url}2099-zz-{number}/"
        )
        assert response.status_code == 404 and queries
        sizes.append(len(public_cache._memo))
    # (The first 404 page remembers what any page does: its site's settings.)
    assert len(set(sizes[1:])) == 1, sizes
