"""The HTTP cache in front: the real varnishd with the shipped VCL
(deploy/varnish/default.vcl) before the test server, purged by Wagtail's
frontend_cache (protocols_registry.frontend_cache).

Skipped only where varnishd is not installed and REQUIRE_VARNISH is not set (CI sets
it, so CI never skips).
"""

import http.client
import http.server
import io
import os
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.core.management import call_command
from django.db import transaction
from wagtail.models import Site

from bench.varnish import Varnish, available
from protocols_registry.models import ProtocolPage
from tests.factories import build_protocol
from tests.helpers import ensure_site

if not available() and not os.environ.get("REQUIRE_VARNISH"):
    pytestmark = pytest.mark.skip(
        reason="varnishd is not installed (apt-get install varnish); "
        "set REQUIRE_VARNISH=1 to fail instead"
    )


def fetch(port, path, method="GET", connection=None, headers=None):
    own = connection is None
    connection = connection or http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request(method, path, headers=headers or {})
        response = connection.getresponse()
        body = response.read()
        return response.status, response, body.decode(errors="replace")
    finally:
        if own:
            connection.close()


# Committed transactions (the purge waits for the commit). The database is flushed
# after each; ensure_site() puts the migrations' site and page tree back. (Not
# serialized_rollback: the groups that post_migrate recreates after another
# transactional test's flush would clash with the serialized ones.)
needs_commits = pytest.mark.django_db(transaction=True)


@pytest.fixture
def cached_site(live_server, settings, flushable_audit_log):
    """Varnish before the test server, the default site at Varnish's address (what
    visitors use, and what the purges name), the app purging it."""
    ensure_site()
    backend_port = int(live_server.url.rsplit(":", 1)[1])
    with Varnish(backend_port) as cache:
        settings.WAGTAILFRONTENDCACHE = {
            "varnish": {
                "BACKEND": "wagtail.contrib.frontend_cache.backends.HTTPBackend",
                "LOCATION": cache.url,
            }
        }
        settings.PROTOCOLS_REGISTRY_SHARED_CACHE_SECONDS = 3600
        Site.objects.filter(is_default_site=True).update(
            hostname="127.0.0.1", port=cache.port
        )
        yield cache


def path_of(page):
    return page.get_url()


@needs_commits
@pytest.mark.parametrize("app_cache_seconds", [300, 0])
def test_a_public_page_is_served_from_the_cache(
    cached_site, settings, app_cache_seconds
):
    # Varnish caches whether or not the app keeps its own copy.
    settings.PROTOCOLS_REGISTRY_CACHE_SECONDS = app_cache_seconds
    page = build_protocol(title="Gedeeld protocol")
    status, first, body = fetch(cached_site.port, path_of(page))
    assert status == 200 and "Gedeeld protocol" in body
    assert first.getheader("X-Cache") == "MISS", dict(first.getheaders())
    status, second, body = fetch(cached_site.port, path_of(page))
    assert second.getheader("X-Cache") == "HIT"
    assert (
        len(second.getheader("X-Varnish").split()) == 2
    )  # this request and the stored one
    # Browsers and other proxies must ask again: only this cache is purged.
    directives = {d.strip() for d in second.getheader("Cache-Control").split(",")}
    assert directives == {"public", "max-age=0"}
    # Junk parameters and an anonymous visitor's cookies find the same copy.
    status, junk, _ = fetch(
        cached_site.port,
        path_of(page) + "?utm_source=mail&a=1",
        headers={"Cookie": "csrftoken=abc; django_language=en"},
    )
    assert status == 200 and junk.getheader("X-Cache") == "HIT"


@needs_commits
def test_a_signed_in_users_request_is_never_cached(cached_site, client, editor_user):
    page = build_protocol()
    fetch(cached_site.port, path_of(page))  # stored for anonymous visitors
    client.force_login(editor_user)
    session = client.cookies["sessionid"].value
    status, response, _ = fetch(
        cached_site.port, path_of(page), headers={"Cookie": f"sessionid={session}"}
    )
    assert response.getheader("X-Cache") == "MISS"
    assert "no-store" in response.getheader("Cache-Control")
    status, admin, _ = fetch(cached_site.port, "/admin/login/")
    assert admin.getheader("X-Cache") == "MISS"


@needs_commits
def test_a_published_change_shows_through_the_cache_within_a_second(cached_site):
    page = build_protocol(title="Eerste titel", summary="Eerste samenvatting.")
    index = page.get_parent()
    paths = [path_of(page), path_of(index), path_of(index) + "feed/"]
    for path in paths:
        fetch(cached_site.port, path)
        assert fetch(cached_site.port, path)[1].getheader("X-Cache") == "HIT"

    # From the commit of the publication (what the editor's request saves; indexing
    # it for search is part of publishing, not of the cache) to what visitors see.
    commit = []
    page = ProtocolPage.objects.get(pk=page.pk)
    page.title = "Tweede titel"
    with transaction.atomic():
        transaction.on_commit(lambda: commit.append(time.monotonic()))
        page.save_revision().publish()
    started = commit[0]
    visible = {}
    while len(visible) < len(paths) and time.monotonic() - started < 5:
        for path in paths:
            if (
                path not in visible
                and "Tweede titel" in fetch(cached_site.port, path)[2]
            ):
                visible[path] = time.monotonic() - started
    assert set(visible) == set(paths)
    assert max(visible.values()) <= 1.0, visible

    # Unpublished: gone from the cache as from the site.
    page.unpublish()
    assert fetch(cached_site.port, path_of(page))[0] == 404
    assert "Tweede titel" not in fetch(cached_site.port, path_of(index))[2]


@needs_commits
def test_a_change_to_a_decision_purges_the_protocol(cached_site):
    page = build_protocol()
    fetch(cached_site.port, path_of(page))
    assert fetch(cached_site.port, path_of(page))[1].getheader("X-Cache") == "HIT"
    decision = page.decision_links.get().decision
    decision.reference = "2025_VB_00777"
    decision.save()
    status, response, body = fetch(cached_site.port, path_of(page))
    assert response.getheader("X-Cache") == "MISS"
    assert "2025_VB_00777" in body


@needs_commits
def test_purges_only_from_the_app_servers(cached_site):
    page = build_protocol()
    backend_port = int(cached_site.vcl.split('.port = "')[1].split('"')[0])
    # A second cache before the same app that trusts only 127.0.0.2: this client
    # (127.0.0.1) is "elsewhere" to it.
    with Varnish(backend_port, purgers=("127.0.0.2",)) as strict:
        fetch(strict.port, path_of(page))
        status, _, _ = fetch(strict.port, path_of(page), method="PURGE")
        assert status == 403
        assert fetch(strict.port, path_of(page))[1].getheader("X-Cache") == "HIT"
    # The cache that trusts this address purges.
    fetch(cached_site.port, path_of(page))
    status, _, _ = fetch(cached_site.port, path_of(page), method="PURGE")
    assert status == 200
    assert fetch(cached_site.port, path_of(page))[1].getheader("X-Cache") == "MISS"


@needs_commits
def test_junk_parameters_do_not_grow_the_cache(cached_site):
    page = build_protocol()
    index = page.get_parent()
    known = [path_of(page), path_of(index), path_of(index) + "feed/"]
    for path in known:
        assert fetch(cached_site.port, path)[0] == 200
    stored = cached_site.counter("MAIN.n_object")
    assert stored == len(known)

    def flood(start):
        connection = http.client.HTTPConnection(
            "127.0.0.1", cached_site.port, timeout=10
        )
        statuses = set()
        try:
            for n in range(start, start + 2500):
                path = f"{known[n % len(known)]}?junk{n}={n}&utm_source=x{n}"
                statuses.add(fetch(cached_site.port, path, connection=connection)[0])
        finally:
            connection.close()
        return statuses

    with ThreadPoolExecutor(4) as pool:
        statuses = set().union(*pool.map(flood, range(0, 10_000, 2500)))
    assert statuses == {200}
    assert cached_site.counter("MAIN.n_object") == len(known)
    # The allowed list parameters are real pages, each its own copy.
    fetch(cached_site.port, path_of(index) + "?q=protocol&zz=1")
    assert cached_site.counter("MAIN.n_object") == len(known) + 1


class StaticPage(http.server.BaseHTTPRequestHandler):
    """A backend whose page may be shared for one second."""

    def do_GET(self):  # noqa: N802 - the standard library's name
        body = b"eerste versie"
        self.send_response(200)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "public, max-age=0, s-maxage=1")
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def test_stale_pages_are_served_while_the_app_is_down():
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), StaticPage)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    with Varnish(server.server_address[1], probe_interval=1) as cache:
        assert fetch(cache.port, "/protocollen/")[2] == "eerste versie"
        server.shutdown()
        server.server_close()
        # Past the page's s-maxage and the probe's verdict (3 failures of 5).
        time.sleep(4.5)
        status, response, body = fetch(cache.port, "/protocollen/")
        assert (status, body) == (200, "eerste versie")
        assert int(response.getheader("Age")) >= 4
        # A page it never stored: nothing to fall back on.
        assert fetch(cache.port, "/elders/")[0] == 503


@needs_commits
def test_a_deploy_purges_every_page(cached_site):
    page = build_protocol()
    paths = [path_of(page), path_of(page.get_parent())]
    for path in paths:
        fetch(cached_site.port, path)
        assert fetch(cached_site.port, path)[1].getheader("X-Cache") == "HIT"
    call_command("purge_public_cache", stdout=io.StringIO())
    for path in paths:
        assert fetch(cached_site.port, path)[1].getheader("X-Cache") == "MISS"
