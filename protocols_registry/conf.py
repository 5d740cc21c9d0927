"""Settings this app reads, with their defaults. A host site overrides any of them in
its own settings module; docs/extension.md lists them all."""

from django.conf import settings

DEFAULTS = {
    # Template every public page of this app extends; it must define the blocks
    # "title", "extra_head" and "content".
    "PROTOCOLS_REGISTRY_BASE_TEMPLATE": "base.html",
    # Largest PDF (signed decision, advice, agreement, DPIA) accepted, in bytes.
    "PROTOCOLS_REGISTRY_MAX_PDF_SIZE": 20 * 1024 * 1024,
    # Protocols per page on the public list.
    "PROTOCOLS_REGISTRY_PAGE_SIZE": 20,
    # The public list counts its protocols up to this many and then says "more
    # than" (protocols_registry.pagination): an exact count of a very long list
    # costs more than the page itself.
    "PROTOCOLS_REGISTRY_LIST_COUNT_LIMIT": 1000,
    # Seconds an anonymous public page (list, detail, PDF, feed) stays in the cache.
    "PROTOCOLS_REGISTRY_CACHE_SECONDS": 300,
    # Seconds a rendered protocol text stays in the same cache (protocols_registry.
    # fragment_cache); a change to anything public makes it unreachable at once,
    # so this only bounds how long an unread one takes room. 0: rendered each time.
    "PROTOCOLS_REGISTRY_FRAGMENT_CACHE_SECONDS": 24 * 3600,
    # Seconds an HTTP cache in front (Varnish, deploy/varnish) may keep a public
    # page: sent as s-maxage, capped at the next local midnight (a protocol's status
    # follows the date). 0: no shared cache in front, pages say "public, no-cache"
    # as before. Only set it with WAGTAILFRONTENDCACHE: the purges keep it right.
    "PROTOCOLS_REGISTRY_SHARED_CACHE_SECONDS": 0,
    # The alias in CACHES that keeps the cached public pages and the values derived
    # from them. Give it a store of its own (one that may evict), apart from the
    # sessions, login throttles and used one-time codes in "default".
    "PROTOCOLS_REGISTRY_CACHE_ALIAS": "default",
    # The controller named on the cover of the register export.
    "PROTOCOLS_REGISTRY_ORGANISATION_NAME": "",
    # Base of the stable URIs used in the linked-data metadata of protocols and
    # decisions; independent of page URLs so the identifiers survive a move.
    "PROTOCOLS_REGISTRY_URI_BASE": "https://data.example.org/id/",
    # Harvesting another installation's export (manage.py harvest_protocols):
    # seconds to wait for its server, the largest answer read (bytes), and the
    # most pages of one export followed.
    "PROTOCOLS_REGISTRY_HARVEST_TIMEOUT": 30,
    "PROTOCOLS_REGISTRY_HARVEST_MAX_BYTES": 10 * 1024 * 1024,
    "PROTOCOLS_REGISTRY_HARVEST_MAX_PAGES": 100,
    # The TASKS alias whose backend builds the register PDF and XLSX
    # (protocols_registry.register_builds). "default" is immediate unless the host
    # project says otherwise: then the request builds the file, as before.
    "PROTOCOLS_REGISTRY_DOCUMENT_TASK_BACKEND": "default",
}


def get_setting(name):
    return getattr(settings, name, DEFAULTS[name])
