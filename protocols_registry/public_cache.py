"""The anonymous public-page cache, shared by every app server through Django's cache.

Citizens read the same few pages over and over; rendering a protocol takes a dozen
queries, a cached copy none. Every key carries a *generation*: any change to what a
public page may show (a protocol, decision, advice, organisation, activity…) starts a
new generation, so all public pages are rebuilt at once, on every server that shares
the cache. A generation is a random token rather than a counter, so a cache that
loses the key can never bring an old generation back to life.

The pages live in the cache named by PROTOCOLS_REGISTRY_CACHE_ALIAS: a site keeps
them apart from its security state (sessions, login throttles, used one-time codes),
so that a flood of page entries can never evict that state.

Only anonymous GET/HEAD requests that render a complete 200 response without cookies
are cached; anything personal (a logged-in editor, a preview, a flash message, a
form with a CSRF token) bypasses the cache. Every cached response also answers
conditional GETs (ETag, Last-Modified) with 304.
"""

import contextvars
import hashlib
import logging
import threading
import time
import uuid
from collections import OrderedDict
from datetime import timedelta

from django.contrib.messages import get_messages
from django.core.cache import caches
from django.db import transaction
from django.http import HttpResponse
from django.utils import timezone, translation
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.http import http_date

from protocols_registry.conf import get_setting

logger = logging.getLogger(__name__)
GENERATION_KEY = "protocols_registry:public:generation"
MAX_QUERY_LENGTH = 512  # longer query strings are not worth a cache entry
MEMO_LIMIT = 1000  # values kept in process per generation, at most
STORED_HEADERS = (
    "Content-Type",
    "Content-Disposition",
    "Content-Language",
    "Link",
    "X-Robots-Tag",
)


def _new_generation():
    return f"{uuid.uuid4().hex}:{int(time.time())}"


# Within one request (PublicPageCacheMiddleware opens the scope) the generation
# is read from the cache once, not by every lookup that needs it.
_request_scope = contextvars.ContextVar("protocols_registry_request", default=None)


class _Memo:
    """This process's copy of the values remembered() found for one generation:
    valid exactly as long as the shared copy, and no round trip to the cache.

    Shared by the threads of the process, hence the lock; bounded (MEMO_LIMIT, the
    least recently used value goes first), since some names come from requests. It
    keeps values derived from the public pages only, never anything of a request.
    """

    def __init__(self, limit):
        self.limit = limit
        self._lock = threading.Lock()
        self._generation = None
        self._values = OrderedDict()

    def get(self, generation, name):
        """(True, value) when remembered for this generation, else (False, None)."""
        with self._lock:
            if self._generation != generation or name not in self._values:
                return False, None
            self._values.move_to_end(name)
            return True, self._values[name]

    def put(self, generation, name, value):
        with self._lock:
            if self._generation != generation:
                self._generation, self._values = generation, OrderedDict()
            self._values[name] = value
            self._values.move_to_end(name)
            while len(self._values) > self.limit:
                self._values.popitem(last=False)

    def clear(self):
        with self._lock:
            self._generation, self._values = None, OrderedDict()

    def __len__(self):
        with self._lock:
            return len(self._values)


_memo = _Memo(MEMO_LIMIT)


def page_cache():
    """The cache that keeps the public pages (PROTOCOLS_REGISTRY_CACHE_ALIAS)."""
    return caches[get_setting("PROTOCOLS_REGISTRY_CACHE_ALIAS")]


def current_generation():
    scope = _request_scope.get()
    if scope is not None and "generation" in scope:
        return scope["generation"]
    generation = page_cache().get(GENERATION_KEY)
    if generation is None:
        generation = _new_generation()
        if not page_cache().add(GENERATION_KEY, generation, timeout=None):
            generation = page_cache().get(GENERATION_KEY) or generation
    if scope is not None:
        scope["generation"] = generation
    return generation


def _start_generation():
    page_cache().set(GENERATION_KEY, _new_generation(), timeout=None)
    scope = _request_scope.get()
    if scope is not None:
        scope.pop("generation", None)


def invalidate(**kwargs):
    """Start a new generation now, and again once the change is committed: a page
    another server renders from the old data in between is stored under a generation
    that the second start makes obsolete."""
    _start_generation()
    transaction.on_commit(_start_generation)


def _cacheable_request(request):
    if get_setting("PROTOCOLS_REGISTRY_CACHE_SECONDS") <= 0:
        return False
    return _public_request(request) and set(request.GET) <= cached_query_parameters()


def cached_query_parameters():
    """The query parameters the public pages read: the lists' filters and the page
    number, the same set deploy/varnish/default.vcl keeps. An address with any
    other parameter (?utm_source=…, ?a=1) is served but not stored, so junk
    addresses cannot fill the page cache."""
    from protocols_registry.listing import ProtocolFilterForm
    from protocols_registry.views.register_public import RegisterFilterForm

    return {*ProtocolFilterForm.base_fields, *RegisterFilterForm.base_fields, "page"}


def _public_request(request):
    """What anyone asking the same address would get: no editor, preview or message."""
    if request.method not in ("GET", "HEAD"):
        return False
    if getattr(request, "is_preview", False):
        return False
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return False
    # len() reads the waiting messages without marking them shown.
    if len(get_messages(request)):
        return False
    return len(request.META.get("QUERY_STRING", "")) <= MAX_QUERY_LENGTH


def _cacheable_response(request, response):
    return (
        response.status_code == 200
        and not response.streaming
        and not response.cookies
        and not request.META.get("CSRF_COOKIE_USED")
        and "no-store" not in response.get("Cache-Control", "")
        and "private" not in response.get("Cache-Control", "")
    )


def _key(request, generation):
    identity = "\n".join(
        [request.get_host(), translation.get_language() or "", request.get_full_path()]
    )
    digest = hashlib.sha256(identity.encode()).hexdigest()
    return f"protocols_registry:page:{generation}:{digest}"


def _last_modified(generation):
    """Nothing a public page shows changed since the generation began, except what
    follows from the date (a protocol coming into force or expiring)."""
    started = int(generation.rsplit(":", 1)[1])
    midnight = timezone.localtime().replace(hour=0, minute=0, second=0, microsecond=0)
    return max(started, int(midnight.timestamp()))


def report_unavailable(error, what="Public page cache"):
    """Log a failed call to the shared cache, and let the rest of this request do
    without the cache rather than wait for it again: a cache that hangs would
    otherwise cost its time-out once per lookup."""
    # The type only: a connection error's text may carry the cache's address.
    logger.warning("%s unavailable: %s", what, type(error).__name__)
    scope = _request_scope.get()
    if scope is not None:
        scope["unavailable"] = True


def cache_unavailable():
    """Whether the shared cache already failed during this request."""
    scope = _request_scope.get()
    return scope is not None and "unavailable" in scope


def _lookup(request):
    """(generation, cached entry or None); (None, None) when the cache is down, so
    that the request goes on to its view (the health check reports the outage)
    rather than failing here."""
    if cache_unavailable():
        return None, None
    try:
        generation = current_generation()
        return generation, page_cache().get(_key(request, generation))
    except Exception as error:  # noqa: BLE001 - any cache backend's connection error
        report_unavailable(error)
        return None, None


def serve_cached(request, serve, *, restricted=False):
    """``serve()`` renders the page; answer from the cache when we may. A page with
    a view restriction (login, password, groups) is never stored: the visitor who
    got through it is no reason to show it to the next one."""
    if restricted or not _public_request(request):
        return serve()
    if not _cacheable_request(request):
        # No app-level cache (or too long a query): still public for the HTTP
        # cache in front.
        response = serve()
        if hasattr(response, "render") and not response.is_rendered:
            response.render()
        if _cacheable_response(request, response):
            allow_shared_caching(response)
        return response
    generation, entry = _lookup(request)
    if generation is None:
        return serve()
    if entry is not None:
        return _answer(request, entry, generation)
    response = serve()
    if hasattr(response, "render") and not response.is_rendered:
        response.render()
    if not _cacheable_response(request, response):
        return response
    entry = {
        "content": response.content,
        "headers": [(h, response[h]) for h in STORED_HEADERS if h in response],
        "etag": f'"{hashlib.sha256(response.content).hexdigest()[:32]}"',
    }
    try:
        if not cache_unavailable():
            page_cache().set(
                _key(request, generation),
                entry,
                get_setting("PROTOCOLS_REGISTRY_CACHE_SECONDS"),
            )
    except Exception as error:  # noqa: BLE001 - as above
        report_unavailable(error)
    return _answer(request, entry, generation, response)


def _answer(request, entry, generation, response=None):
    if response is None:
        response = HttpResponse(entry["content"])
        for header, value in entry["headers"]:
            response[header] = value
    last_modified = _last_modified(generation)
    response["ETag"] = entry["etag"]
    response["Last-Modified"] = http_date(last_modified)
    allow_shared_caching(response)
    return get_conditional_response(
        request, etag=entry["etag"], last_modified=last_modified, response=response
    )


def shared_cache_seconds():
    """How long the HTTP cache in front may keep a public page: the setting, at most
    until the next local midnight, when protocols come into force or expire
    without any write that would purge them."""
    seconds = get_setting("PROTOCOLS_REGISTRY_SHARED_CACHE_SECONDS")
    if seconds <= 0:
        return 0
    now = timezone.localtime()
    midnight = (now + timedelta(days=1)).replace(
        hour=0, minute=0, second=0, microsecond=0
    )
    return max(1, min(seconds, int((midnight - now).total_seconds())))


def allow_shared_caching(response):
    """Headers of a response anyone may see. Browsers may keep a copy but must ask
    again each time (the answer is usually a 304); the HTTP cache in front, which
    frontend_cache purges on every change, may keep it for shared_cache_seconds()."""
    seconds = shared_cache_seconds()
    if seconds:
        patch_cache_control(response, public=True, max_age=0, s_maxage=seconds)
    else:
        patch_cache_control(response, public=True, no_cache=True)
    return response


def remembered(name, compute, timeout=24 * 3600, *, keep_empty=True):
    """A value derived from what the public pages show (the party and year choices
    of a list, whether any page is restricted), computed once per generation: any
    change that could alter it starts a new one. ``keep_empty=False``: an empty
    value is returned but not kept, so names taken from addresses that find
    nothing cannot fill the cache."""
    if cache_unavailable():
        return compute()
    try:
        generation = current_generation()
        found, value = _memo.get(generation, name)
        if found:
            return value
        key = f"protocols_registry:data:{generation}:{name}"
        value = page_cache().get(key)
    except Exception as error:  # noqa: BLE001 - any cache backend's connection error
        report_unavailable(error)
        return compute()
    if value is None:
        value = compute()
        if not value and not keep_empty:
            return value
        try:
            page_cache().set(key, value, timeout)
        except Exception as error:  # noqa: BLE001 - a cache that only reads (failover)
            report_unavailable(error)
    _memo.put(generation, name, value)
    return value


def any_view_restrictions():
    """Whether any page of the site has a view restriction. Most public bodies'
    sites have none, and then no page needs to look its own up."""
    from wagtail.models import PageViewRestriction

    return remembered("restrictions", PageViewRestriction.objects.exists)


class PublicPageCacheMiddleware:
    """Opens the request's scope of the public cache: the generation is read from
    the shared cache once per request, and a cache that fails is given up for the
    rest of the request instead of being waited for at every lookup.

    It answers nothing itself: a cached page is found in the page's serve(), after
    Wagtail's routing, its view restrictions and its before_serve_page hooks, so
    that every rule Wagtail applies to a page also applies to its cached copy.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        scope = _request_scope.set({})
        try:
            return self.get_response(request)
        finally:
            _request_scope.reset(scope)


class PublicCacheMixin:
    """For Wagtail page models whose public routes may be cached."""

    def get_view_restrictions(self):
        # Wagtail's own rule, skipped only while no page of the installation has
        # a restriction (remembered per generation; a restriction's change starts
        # a new one): most public bodies' sites have none, and Wagtail's hook
        # and serve() below would otherwise ask the database twice each.
        if not any_view_restrictions():
            from wagtail.models import PageViewRestriction

            return PageViewRestriction.objects.none()
        return super().get_view_restrictions()

    def serve(self, request, *args, **kwargs):
        parent = super()
        return serve_cached(
            request,
            lambda: parent.serve(request, *args, **kwargs),
            restricted=self.get_view_restrictions().exists(),
        )
