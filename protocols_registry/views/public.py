"""Public views of protocols: list, detail, PDF, Atom feed and open-data exports.

They are reached through the routes of ProtocolIndexPage and ProtocolPage, so they
live wherever a site places those pages. Anything not published is out of reach:
the querysets start from live, public pages only.
"""

import json

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import (
    Http404,
    HttpResponse,
    HttpResponsePermanentRedirect,
    StreamingHttpResponse,
)
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.feedgenerator import Atom1Feed
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe
from wagtail.models import Site

from protocols_registry import opendata
from protocols_registry.conf import get_setting
from protocols_registry.files import serve_file
from protocols_registry.harvest import mirrored_sources
from protocols_registry.listing import filter_protocols, list_rows, visible
from protocols_registry.pagination import CountedUpTo
from protocols_registry.pdf.protocol import render_protocol_pdf
from protocols_registry.public_cache import allow_shared_caching
from protocols_registry.sections import HEADINGS, SECTIONS
from protocols_registry.validators import normalise_decision_reference


def protocol_list(request, index_page):
    form, protocols = filter_protocols(index_page, request.GET)
    paginator = CountedUpTo(
        list_rows(protocols),
        get_setting("PROTOCOLS_REGISTRY_PAGE_SIZE"),
        limit=get_setting("PROTOCOLS_REGISTRY_LIST_COUNT_LIMIT"),
        found=form.found,
    )
    page_obj = paginator.get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    context = index_page.get_context(request)
    context.update(
        {
            "form": form,
            "page_obj": page_obj,
            "protocols": page_obj.object_list,
            "querystring": params.urlencode(),
            "filtered": any(
                value for key, value in form.cleaned_data.items() if key != "sort"
            ),
            "base_template": get_setting("PROTOCOLS_REGISTRY_BASE_TEMPLATE"),
            "harvest_sources": mirrored_sources(index_page),
        }
    )
    return TemplateResponse(request, index_page.get_template(request), context)


def protocol_detail(request, page, **overrides):
    """The protocol page. ``overrides``: context for the same page shown on another
    party's site (protocols_registry.shared_protocols)."""
    from protocols_registry.shared_protocols import canonical_url

    # Each heading translated once: the contents list and the section both show it.
    headings = {key: str(heading) for key, heading in HEADINGS.items()}
    context = page.get_context(request)
    context.update(
        {
            # The parties, decisions, advices… are read by the template, inside the
            # fragment it may keep (protocols_registry.fragment_cache).
            "base_template": get_setting("PROTOCOLS_REGISTRY_BASE_TEMPLATE"),
            "uri": opendata.protocol_uri(page),
            # The page opens with what it means for citizens (its own include,
            # not a section of the protocol text or the PDF), then the sections.
            "sections": [("voor-u", _("What does this mean for you?"), [])]
            + [
                (anchor, headings[anchor.replace("-", "_")], fields)
                for anchor, _heading, fields in SECTIONS
            ],
            "headings": headings,
            # One URL look-up for the links to the PDF and the signed decisions.
            "page_url": page.get_url(request),
            # One address for search engines, whichever party's site shows it.
            "canonical_url": canonical_url(page),
            **overrides,
        }
    )
    return TemplateResponse(request, page.get_template(request), context)


def protocol_by_reference(request, index_page, reference, rest=""):
    """/protocollen/2024_VB_00591/ (the reference as printed on the decision, or
    in any spelling the reference field accepts) -> 301 to the protocol's page.
    Only a live, public protocol of this list is redirected to: the redirect must
    not tell that a draft with that reference exists."""
    from protocols_registry.shared_protocols import listed_protocols, url_in_list

    try:
        normalised = normalise_decision_reference(reference)
    except ValidationError as error:
        raise Http404 from error
    page = (
        visible(listed_protocols(index_page))
        .filter(reference=normalised)
        .order_by("path")
        .first()
    )
    # The slug itself is routed to the page before this view is reached. A
    # protocol shared from another site goes to its address below this list.
    url = (
        url_in_list(request, index_page, page)
        if page and page.slug != reference
        else None
    )
    if not url:
        raise Http404
    url += rest
    if request.META.get("QUERY_STRING"):
        url += "?" + request.META["QUERY_STRING"]
    return HttpResponsePermanentRedirect(url)


def protocol_pdf(request, page):
    response = HttpResponse(render_protocol_pdf(page), content_type="application/pdf")
    response["Content-Disposition"] = (
        f'attachment; filename="protocol-{page.reference}.pdf"'
    )
    return response


def protocol_decision_pdf(request, page, reference):
    """The signed PDF of one of this protocol's approving decisions."""
    for decision in page.approving_decisions():
        if decision.reference == reference and decision.signed_pdf:
            return serve_file(
                decision.signed_pdf,
                f"besluit-{decision.reference}.pdf",
                public=decision.is_public(),
            )
    raise Http404


def protocol_feed(request, index_page):
    _form, protocols = filter_protocols(index_page, request.GET)
    feed = Atom1Feed(
        title=feed_title(request, index_page),
        link=request.build_absolute_uri(index_page.get_url(request)),
        description=_("Published protocols for the exchange of personal data."),
        language="nl-BE",
        feed_url=request.build_absolute_uri(),
    )
    for page in protocols.order_by("-last_published_at")[:50]:
        feed.add_item(
            title=f"{page.reference} – {page.title}",
            link=request.build_absolute_uri(page.get_url(request)),
            description=page.summary,
            unique_id=opendata.protocol_uri(page),
            pubdate=page.first_published_at,
            updateddate=page.last_published_at,
            categories=[str(page.get_status_display())],
        )
    response = HttpResponse(content_type="application/atom+xml; charset=utf-8")
    feed.write(response, "utf-8")
    return response


def feed_title(request, index_page):
    """The list and whose list it is ("Protocollen – OCMW Gent"), as a feed reader
    shows it among other feeds: the site's name, else WAGTAIL_SITE_NAME."""
    site = Site.find_for_request(request)
    owner = (site.site_name if site else "") or getattr(
        settings, "WAGTAIL_SITE_NAME", ""
    )
    if not owner or owner == index_page.title:
        return index_page.title
    return _("%(list)s – %(site)s") % {"list": index_page.title, "site": owner}


def protocol_export_csv(request, index_page):
    _form, protocols = filter_protocols(index_page, request.GET)
    # The rows are written after the middleware has returned: what every row's URL
    # needs (the sites' root paths) is looked up now, within the request.
    index_page.get_url(request)
    records = (
        opendata.protocol_record(page, request)
        for page in protocols.iterator(chunk_size=500)
    )
    lines = opendata.csv_lines(
        opendata.csv_header(),
        ([record[f] for f in opendata.CSV_FIELDS] for record in records),
    )
    response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
    stamp = timezone.localdate().isoformat()
    response["Content-Disposition"] = f'attachment; filename="protocollen-{stamp}.csv"'
    return response


@require_safe
def protocol_export(request, index_path, fmt):
    """/<list>/export.csv and /<list>/export.json for a public ProtocolIndexPage;
    export.csv, export.json and export.jsonld for a public register page."""
    from protocols_registry.models import ProcessingRegisterPage, ProtocolIndexPage

    site = Site.find_for_request(request)
    if site is None:
        raise Http404
    page = site.root_page.specific.route(request, index_path.split("/")).page.specific
    if (
        not isinstance(page, (ProtocolIndexPage, ProcessingRegisterPage))
        or not page.live
        or page.get_view_restrictions().exists()
    ):
        raise Http404
    # Open data for anyone: the HTTP cache in front may keep it (purged on change).
    return allow_shared_caching(_export_response(request, page, fmt))


def _export_response(request, page, fmt):
    from protocols_registry import register_opendata
    from protocols_registry.models import ProcessingRegisterPage

    if isinstance(page, ProcessingRegisterPage):
        # The public register's open data (register_opendata).
        if fmt == "csv":
            return register_opendata.csv_response(page, request)
        if fmt == "jsonld":
            return register_opendata.jsonld_response(page, request)
        return register_opendata.json_response(page, request)
    if fmt == "jsonld":
        raise Http404
    if fmt == "csv":
        return protocol_export_csv(request, page)
    return protocol_export_json(request, page)


def protocol_export_json(request, index_page):
    _form, protocols = filter_protocols(index_page, request.GET)
    payload = {
        "generated_at": timezone.localtime().isoformat(timespec="seconds"),
        "source": request.build_absolute_uri(index_page.get_url(request)),
        "fields": opendata.FIELD_DOCUMENTATION,
        "protocols": [opendata.protocol_record(page, request) for page in protocols],
        # Added after the keys above (which stay first): whose list this is, for
        # another installation that mirrors it (protocols_registry.harvest).
        "publisher": opendata.publisher_record(index_page),
    }
    return HttpResponse(
        json.dumps(payload, ensure_ascii=False, indent=2),
        content_type="application/json; charset=utf-8",
    )
