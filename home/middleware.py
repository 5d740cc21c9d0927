"""Wagtail looks up the Site of every request in the database (one query with a
CASE per site), and the sites' root paths, which every page URL needs, in the cache
(a round trip per request). Both change only when a site or a page changes, so they
are remembered per public-cache generation, which any such change renews."""

import contextlib

from django.core.cache import DEFAULT_CACHE_ALIAS, caches
from django.core.cache.backends.dummy import DummyCache
from django.db import DatabaseError
from django.utils.functional import SimpleLazyObject
from wagtail.models import Site

from protocols_registry.public_cache import (
    cache_unavailable,
    remembered,
    report_unavailable,
)


@contextlib.contextmanager
def _without_shared_cache():
    """Within the block, and in this thread only, the default cache keeps nothing."""
    shared = caches[DEFAULT_CACHE_ALIAS]
    caches[DEFAULT_CACHE_ALIAS] = DummyCache(DEFAULT_CACHE_ALIAS, {})
    try:
        yield
    finally:
        caches[DEFAULT_CACHE_ALIAS] = shared


def site_root_paths():
    """Wagtail's Site.get_site_root_paths(), which keeps them in the cache. When the
    cache is down they are worked out from the database as Wagtail does when they
    are not cached, so that citizens still get the public pages (uncached, see
    protocols_registry.public_cache)."""
    if not cache_unavailable():
        try:
            return Site.get_site_root_paths()
        except DatabaseError:
            raise
        except Exception as error:  # noqa: BLE001 - any cache backend's connection error
            report_unavailable(error, "Cache for the site root paths")
    with _without_shared_cache():
        return Site.get_site_root_paths()


class CachedSiteMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # The validated host (CommonMiddleware has refused any other by now), so
        # that only the names in ALLOWED_HOSTS can make a key.
        host = request.get_host().lower()
        site = remembered(
            f"site:{host}:{request.get_port()}",
            lambda: Site._find_for_request(request) or "",  # "" remembers "none"
        )
        request._wagtail_site = site or None
        # Where Page.get_url() looks for them before asking the cache; lazy, so a
        # request that makes no page URL (the health check) never needs them.
        request._wagtail_cached_site_root_paths = SimpleLazyObject(
            lambda: remembered("site_root_paths", site_root_paths)
        )
        return self.get_response(request)
