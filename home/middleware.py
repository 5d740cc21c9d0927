"""Wagtail looks up the Site of every request in the database (one query with a
CASE per site), and the sites' root paths, which every page URL needs, in the cache
(a round trip per request). Both change only when a site or a page changes, so they
are remembered per public-cache generation, which any such change renews."""

from django.utils.functional import SimpleLazyObject
from wagtail.models import Site

from protocols_registry.public_cache import remembered


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
            lambda: remembered("site_root_paths", Site.get_site_root_paths)
        )
        return self.get_response(request)
