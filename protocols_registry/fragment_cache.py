"""Rendered fragments of public pages, kept per public-cache generation.

A protocol's page is mostly its text, which changes only when something a public
page shows changes, and every such change starts a new generation of the public
cache (protocols_registry.public_cache, protocols_registry.signals). The article is
rendered once per generation, language, day and address, and kept in the page cache
(PROTOCOLS_REGISTRY_CACHE_ALIAS, apart from the security state) as a plain string:
it carries nothing of a request, so whoever asks next on any app server gets the
same bytes. Wagtail's routing, view restrictions and hooks still run on every
request; only the fragment's own queries and template work are saved.

Unlike the whole-page cache, the fragment also serves requests the page cache
passes by (a query parameter, a logged-in reader), and it is never used for a
preview: a draft is rendered from the edited page every time.
"""

import hashlib

from django.utils import timezone, translation

from protocols_registry.conf import get_setting
from protocols_registry.public_cache import (
    cache_unavailable,
    current_generation,
    page_cache,
    report_unavailable,
)


def _key(generation, request, name, vary_on):
    identity = "\n".join(
        [
            name,
            request.get_host(),
            translation.get_language() or "",
            # What follows from the date (a protocol coming into force) changes
            # at midnight without any write.
            timezone.localdate().isoformat(),
            *(str(value) for value in vary_on),
        ]
    )
    digest = hashlib.sha256(identity.encode()).hexdigest()
    return f"protocols_registry:fragment:{generation}:{digest}"


def fragment(request, name, vary_on, render):
    """The fragment ``name`` as ``render()`` makes it, from the page cache when it
    holds it for this generation. ``vary_on``: whatever else the fragment shows
    that the request's host, language and today's date do not already tell (the
    page, its address on this site)."""
    seconds = get_setting("PROTOCOLS_REGISTRY_FRAGMENT_CACHE_SECONDS")
    if (
        seconds <= 0
        or request is None
        or getattr(request, "is_preview", False)
        or cache_unavailable()
    ):
        return render()
    try:
        key = _key(current_generation(), request, name, vary_on)
        found = page_cache().get(key)
    except Exception as error:  # noqa: BLE001 - any cache backend's connection error
        report_unavailable(error, "Fragment cache")
        return render()
    if found is not None:
        return found
    content = render()
    try:
        page_cache().set(key, str(content), seconds)
    except Exception as error:  # noqa: BLE001 - a cache that only reads (failover)
        report_unavailable(error, "Fragment cache")
    return content
