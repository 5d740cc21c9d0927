"""Security state (sessions, login rate limits, used one-time codes) lives apart from
the public-page cache: filling the page cache to its limit, as a flood of junk URLs
would, evicts pages but never the marker that stops a code from being used twice.

Two stand-ins for production: two real Redis servers started here (the security
store with maxmemory-policy noeviction, the page cache with a small maxmemory and
allkeys-lru, as deploy/redis/ configures them), and, without redis-server, two
memory caches of which the page cache is bounded."""

import os
import shutil
import socket
import subprocess
import time
import uuid

import pytest
from django.core.cache import caches
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests.conftest import make_user
from tests.factories import build_protocol
from tests.security.conftest import password_login, totp_code

pytestmark = pytest.mark.django_db

REDIS = "django.core.cache.backends.redis.RedisCache"


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _redis_server(*options):
    port = _free_port()
    process = subprocess.Popen(
        [
            "redis-server",
            "--port",
            str(port),
            "--bind",
            "127.0.0.1",
            "--save",
            "",
            "--appendonly",
            "no",
            *options,
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    import redis

    client = redis.Redis(port=port)
    for _ in range(100):
        try:
            client.ping()
            return process, client, f"redis://127.0.0.1:{port}/0"
        except redis.ConnectionError:
            time.sleep(0.05)
    process.kill()
    pytest.fail("redis-server did not start")


@pytest.fixture(params=["redis", "memory"])
def stores(request, settings):
    """Sets up the two stores; gives a function telling whether the page cache has
    evicted anything yet."""
    if request.param == "memory":
        settings.CACHES = {
            "default": {
                "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                "LOCATION": f"security-{uuid.uuid4().hex}",
                "OPTIONS": {"MAX_ENTRIES": 100_000},
            },
            "pages": {
                "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
                "LOCATION": f"pages-{uuid.uuid4().hex}",
                "OPTIONS": {"MAX_ENTRIES": 20},
            },
        }
        evicted = []  # a bounded memory cache culls once it holds MAX_ENTRIES
        yield lambda: evicted.append(1) or len(evicted) > 25
        return
    if shutil.which("redis-server") is None:
        if os.environ.get("REQUIRE_MULTI_INSTANCE") == "1":
            pytest.fail("redis-server is not installed")
        pytest.skip("redis-server is not installed")
    security, _, security_url = _redis_server("--maxmemory-policy", "noeviction")
    pages, pages_client, pages_url = _redis_server("--maxmemory-policy", "allkeys-lru")
    try:
        # Room for a few dozen pages above what an empty Redis uses.
        baseline = pages_client.info("memory")["used_memory"]
        pages_client.config_set("maxmemory", baseline + 512 * 1024)
        settings.CACHES = {
            "default": {"BACKEND": REDIS, "LOCATION": security_url},
            "pages": {"BACKEND": REDIS, "LOCATION": pages_url},
        }
        yield lambda: pages_client.info("stats")["evicted_keys"] > 10
    finally:
        for process in (security, pages):
            process.terminate()
            process.wait(timeout=10)


def _queries(url):
    with CaptureQueriesContext(connection) as queries:
        assert Client().get(url).status_code == 200
    return len(queries)


def _is_cached(url):
    """Answered from the page cache: fewer queries than the same page rendered
    under an address nobody asked for before (a hit still goes through Wagtail's
    routing, only the page's own queries are saved)."""
    return _queries(url) < _queries(f"{url.split('?')[0]}?q={uuid.uuid4().hex}")


def test_a_full_page_cache_leaves_a_used_code_refused(stores, settings):
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"
    settings.MFA_TOTP_TOLERANCE = 1  # the flood may outlast the code's 30 s window
    # Pages only: a kept protocol text would make a page rendered afresh cost as
    # few queries as a cached one, and _is_cached could not tell them apart.
    settings.PROTOCOLS_REGISTRY_FRAGMENT_CACHE_SECONDS = 0
    page_cache_full = stores
    page = build_protocol(title="Protocol onder een vloed van adressen")
    user = make_user("dpo-flood", "DPO")
    code = totp_code(user.totp_secret)
    first = Client()
    password_login(first, "dpo-flood")
    assert first.post("/accounts/2fa/authenticate/", {"code": code}).status_code == 302

    junk, citizen = [], Client()
    while not page_cache_full():
        # A parameter the lists read, with values nobody asks for: stored each time
        # (unknown parameters are not stored at all).
        junk.append(f"{page.url}?q={len(junk)}")
        assert citizen.get(junk[-1]).status_code == 200
        assert len(junk) < 1000, "the page cache never filled up"
    # The loop ended because the page cache evicted entries: it was full. Which
    # ones went is Redis' sampled LRU's choice (now and then the generation key,
    # which empties the cache once), so only ask that pages are still cached.
    citizen.get(junk[-1])
    assert _is_cached(junk[-1])

    again = Client()
    password_login(again, "dpo-flood")
    refused = again.post("/accounts/2fa/authenticate/", {"code": code})
    assert refused.status_code == 200  # the form again: the code was used
    assert again.get("/admin/").status_code == 302
    # The first login's session outlived the flood as well.
    assert first.get("/admin/").status_code == 200

    # What refused it was the marker in the security store.
    caches["default"].clear()
    password_login(again, "dpo-flood")
    assert again.post("/accounts/2fa/authenticate/", {"code": code}).status_code == 302
