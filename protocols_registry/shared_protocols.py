"""A protocol between parties on every party's site, under one canonical URL.

Article 8 of the decree of 18 July 2008 (and article 10 of the seed protocol) asks
each party to publish the protocol on its website. When several parties run their
site on this installation, the protocol page lives in one page tree: that of the
site that created it. Its URL there is the canonical one.

The protocol list of every other party's site (the organisation of a site is its
SiteOrganisation setting) lists the protocol too and serves it under its own
address, ``<list>/<slug>/``: the same page object, rendered by the same view, with
``<link rel="canonical">`` pointing at the canonical page and its PDF link at the
canonical PDF, so the two can never diverge. The page's sub-routes (PDF, versions,
signed decisions) answer on the mirror with a permanent redirect to the canonical
ones. A protocol the site's organisation is not a party to is never shown there.

Everything goes through Wagtail's public routing: ProtocolIndexPage declares the
route with RoutablePageMixin's ``re_path`` and calls serve_shared() below.
"""

import re

from django.db.models import Q
from django.http import Http404, HttpResponsePermanentRedirect

# A protocol's slug is its reference in lower case with dashes (2024-vb-00591),
# followed by whatever sub-route of the page the visitor asked for.
SLUG = r"\d{4}-[a-z]{2,8}-\d{5}"
SHARED_ROUTE = rf"^(?P<slug>{SLUG})/(?P<rest>(?:[\w-]+/)*)$"


def tree_owner(page):
    """``(organisation id, root path)`` of the site whose tree holds ``page``: the
    deepest site root above it whose SiteOrganisation names an organisation; or
    ``(None, None)``. Remembered until anything public changes (a site, its
    setting or a page: protocols_registry.signals)."""
    from protocols_registry.models import SiteOrganisation
    from protocols_registry.public_cache import remembered

    def compute():
        paths = [
            page.path[:end]
            for end in range(page.steplen, len(page.path) + 1, page.steplen)
        ]
        setting = (
            SiteOrganisation.objects.filter(
                site__root_page__path__in=paths, organisation__isnull=False
            )
            .order_by(
                "-site__root_page__depth", "-site__is_default_site", "site__hostname"
            )
            .values_list("organisation_id", "site__root_page__path")
            .first()
        )
        return tuple(setting) if setting else (None, None)

    return remembered(f"tree-owner:{page.pk}", compute)


def _shared_condition(organisation_id, root_path):
    from protocols_registry.models import ProtocolParty

    return Q(
        pk__in=ProtocolParty.objects.filter(organisation_id=organisation_id).values(
            "page_id"
        )
    ) & ~Q(path__startswith=root_path)


def shared_protocols(index_page):
    """Protocols of other sites' trees that the organisation of ``index_page``'s
    site is a party to (not yet filtered on being live or public)."""
    from protocols_registry.models import ProtocolPage

    organisation_id, root_path = tree_owner(index_page)
    if organisation_id is None:
        return ProtocolPage.objects.none()
    return ProtocolPage.objects.filter(_shared_condition(organisation_id, root_path))


def listed_protocols(index_page):
    """What the list ``index_page`` shows: its own protocols (its children) and those
    shared with its site's organisation (not yet filtered on being live or public).
    Without a site organisation, exactly its children, as before sites had one."""
    from protocols_registry.models import ProtocolPage

    organisation_id, root_path = tree_owner(index_page)
    if organisation_id is None:
        return ProtocolPage.objects.child_of(index_page)
    own = Q(path__startswith=index_page.path, depth=index_page.depth + 1)
    return ProtocolPage.objects.filter(
        own | _shared_condition(organisation_id, root_path)
    )


def shares_any(index_page):
    return tree_owner(index_page)[0] is not None


def is_unshared_slug(index_page, segment):
    """A protocol's slug on a list that shows no other site's protocols (its site
    has no organisation): not found at routing, as before sites had one, rather
    than by the shared route's view."""
    return re.fullmatch(SLUG, segment) is not None and not shares_any(index_page)


def is_own(index_page, protocol):
    return (
        protocol.path.startswith(index_page.path)
        and protocol.depth == index_page.depth + 1
    )


def url_in_list(request, index_page, protocol):
    """The address at which the list ``index_page`` shows ``protocol``: its own page,
    or, for a protocol shared from another site, its address below this list."""
    if is_own(index_page, protocol):
        return protocol.get_url(request)
    return f"{index_page.get_url(request)}{protocol.slug}/"


def canonical_url(page):
    """The one canonical address of a protocol page: its full URL as Wagtail
    gives it without a request (of the sites serving its tree, the default site
    first, then by host name), the same whichever site asks. None when no site
    serves its tree."""
    return page.get_full_url()


def serve_shared(request, index_page, slug, rest=""):
    """``<list>/<slug>/[rest]`` on a site that shows another site's protocol."""
    from protocols_registry.listing import visible
    from protocols_registry.views.public import protocol_detail

    page = (
        visible(shared_protocols(index_page)).filter(slug=slug).order_by("path").first()
    )
    if page is None:
        raise Http404
    canonical = canonical_url(page)
    if rest:
        if canonical is None:
            # No site serves the protocol's own tree: this list is where it lives.
            view, args, kwargs = page.resolve_subpage("/" + rest)
            return view(request, *args, **kwargs)
        url = canonical + rest
        if request.META.get("QUERY_STRING"):
            url += "?" + request.META["QUERY_STRING"]
        return HttpResponsePermanentRedirect(url)
    here = url_in_list(request, index_page, page)
    return protocol_detail(
        request,
        page,
        page_url=canonical or here,
        canonical_url=canonical or request.build_absolute_uri(here),
        shared_copy=canonical is not None,
    )
