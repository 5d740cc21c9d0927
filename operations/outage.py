"""While the shared cache (Redis) is down, staff get a page that says so, not a 500.

Citizens' public pages do without the cache (protocols_registry.public_cache). Staff
requests cannot: their session is read through the cache (cached_db), logins count
attempts in it, used one-time codes are remembered in it, and every change a public
page shows must start a new cache generation there. Going on without it could let a
code be used twice, leave stale public pages behind once Redis returns, or log
someone out in the database only (the copy in Redis would bring the session back).
So those requests stop with a 503 and Retry-After until the cache answers again;
nothing is changed meanwhile. /healthz reports the outage.

A citizen's public page needs the shared cache only for what Wagtail keeps there (the
sites' root paths, which every page URL needs): when it fails, the page is rendered
once more with a cache that keeps nothing, so that Wagtail works them out from the
database as it does when they are not cached.
"""

import contextlib
import logging

from django.conf import settings
from django.core.cache import DEFAULT_CACHE_ALIAS, caches
from django.core.cache.backends.dummy import DummyCache
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils.cache import add_never_cache_headers

logger = logging.getLogger("operations.outage")

# Login, second factor, logout and password pages, and the Wagtail admin: the way
# in for staff, refused at once rather than after a password was typed.
STAFF_PATH_PREFIXES = ("/admin/", "/accounts/")
RETRY_AFTER_SECONDS = 60
_PROBE_KEY = "operations:outage-probe"


def _probe():
    """Ask every shared cache (the security state's and the public pages'): staff
    need both, the second for each change a public page shows."""
    for alias in settings.CACHES:
        caches[alias].get(_PROBE_KEY)


def shared_cache_reachable():
    try:
        _probe()
    except Exception:  # noqa: BLE001 - any cache backend's connection error
        return False
    return True


@contextlib.contextmanager
def without_shared_cache():
    """Within the block, and in this thread only, the default cache keeps nothing."""
    shared = caches[DEFAULT_CACHE_ALIAS]
    caches[DEFAULT_CACHE_ALIAS] = DummyCache(DEFAULT_CACHE_ALIAS, {})
    try:
        yield
    finally:
        caches[DEFAULT_CACHE_ALIAS] = shared


def _citizens_request(request):
    """A request that needs nothing of the shared cache but Wagtail's lookups: no
    session, not the way in for staff, and changing nothing."""
    return (
        request.method in ("GET", "HEAD")
        and not request.path.startswith(STAFF_PATH_PREFIXES)
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and request.resolver_match is not None
    )


def _serve_without_shared_cache(request):
    match = request.resolver_match
    with without_shared_cache():
        response = match.func(request, *match.args, **match.kwargs)
        if hasattr(response, "render") and not response.is_rendered:
            response.render()
    return response


def outage_response(error):
    # The type only: a connection error's text carries the cache's address.
    logger.warning(
        "Shared cache unavailable, staff request refused: %s", type(error).__name__
    )
    # Rendered without the request: the usual context (messages, the user) would
    # read the session, through the cache that is down.
    response = HttpResponse(render_to_string("503.html"), status=503)
    response["Retry-After"] = str(RETRY_AFTER_SECONDS)
    add_never_cache_headers(response)
    return response


class SharedCacheOutageMiddleware:
    """Answer the 503 page to every request that needs the shared cache while it is
    unreachable: staff paths, and any request with a session (the session is read
    through the cache). Put it right after LocaleMiddleware, so the page is in the
    request's language, and before anything that reads the session."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            if request.path.startswith(STAFF_PATH_PREFIXES):
                _probe()
            if settings.SESSION_COOKIE_NAME in request.COOKIES:
                request.session.get("")  # loads it now, through the cache
        except Exception as error:
            if shared_cache_reachable():
                raise
            return outage_response(error)
        return self.get_response(request)

    def process_exception(self, request, exception):
        """A view that needed the cache after it went down mid-request: a citizen's
        page is served without it, anything else answers the outage page."""
        if shared_cache_reachable():
            return None
        if _citizens_request(request):
            logger.warning(
                "Shared cache unavailable, public page served without it: %s",
                type(exception).__name__,
            )
            return _serve_without_shared_cache(request)
        return outage_response(exception)
