"""The project's Redis cache backend (config.cache) behaves as Django's and keeps
one client per connection pool instead of building one per operation.

Needs Redis (REDIS_URL, default 127.0.0.1:6379); skipped otherwise, unless
REQUIRE_MULTI_INSTANCE=1 (CI) turns the skip into a failure."""

import os
import threading
import uuid

import pytest

from config.cache import RedisCache
from tests.helpers import REDIS_URL, redis_client


@pytest.fixture
def redis_cache():
    client = redis_client()
    if client is None:
        if os.environ.get("REQUIRE_MULTI_INSTANCE") == "1":
            pytest.fail(f"no Redis answers at {REDIS_URL}")
        pytest.skip(f"no Redis answers at {REDIS_URL}")
    prefix = f"cache-test-{uuid.uuid4().hex[:8]}"
    yield RedisCache(REDIS_URL, {"KEY_PREFIX": prefix})
    # Not cache.clear(): that empties the whole Redis database.
    for key in client.scan_iter(f"{prefix}:*"):
        client.delete(key)


def test_it_stores_reads_and_deletes_like_djangos(redis_cache):
    assert redis_cache.get("generation") is None
    assert redis_cache.add("generation", "a:1", timeout=None)
    assert not redis_cache.add("generation", "b:2", timeout=None)
    redis_cache.set("page", {"body": "<h1>Protocol</h1>", "status": 200}, timeout=60)
    assert redis_cache.get_many(["generation", "page"]) == {
        "generation": "a:1",
        "page": {"body": "<h1>Protocol</h1>", "status": 200},
    }
    assert redis_cache.add("counter", 1)
    assert redis_cache.incr("counter") == 2
    redis_cache.delete("page")
    assert redis_cache.get("page", "gone") == "gone"


def test_one_client_serves_every_operation_and_thread(redis_cache):
    client = redis_cache._cache.get_client()
    redis_cache.set("key", "value")
    seen = []
    thread = threading.Thread(
        target=lambda: seen.append(
            (redis_cache._cache.get_client(), redis_cache.get("key"))
        )
    )
    thread.start()
    thread.join()
    assert seen == [(client, "value")]
    assert redis_cache._cache.get_client(write=True) is client
