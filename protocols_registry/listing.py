"""Filtering, searching and sorting the public protocol list.

One place for the rules, used by the HTML list, the feed and the CSV/JSON exports,
so that a filtered URL means the same in every format.
"""

import re

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import CharField, Exists, F, OuterRef, Prefetch, Value
from django.db.models.functions import Cast, Concat, StrIndex
from django.utils.translation import gettext_lazy as _

from protocols_registry import full_text
from protocols_registry.conf import get_setting
from protocols_registry.models import (
    Organisation,
    ProtocolDecision,
    ProtocolPage,
    ProtocolParty,
    ProtocolStatus,
)
from protocols_registry.public_cache import any_view_restrictions, remembered
from protocols_registry.shared_protocols import listed_protocols, shares_any
from protocols_registry.validators import normalise_enterprise_number
from protocols_registry.widgets import PlainSelect

PUBLIC_STATUSES = [
    (value, label) for value, label in ProtocolStatus.choices if value != "draft"
]

SORTS = {
    "newest": (_("newest approval first"), ["-approval_date", "-reference"]),
    "oldest": (_("oldest approval first"), ["approval_date", "reference"]),
    "reference": (_("reference"), ["reference"]),
    "title": (_("title"), ["title", "reference"]),
}
RELEVANCE = "relevance"


class ProtocolFilterForm(forms.Form):
    # Set by filter_protocols() when a search matched too many protocols to order
    # them by relevance (protocols_registry.full_text.RANK_LIMIT).
    unranked = False
    # Set by filter_protocols() when the search counted its matches (up to the
    # list's count limit and beyond), so that the list need not count them again:
    # pagination.CountedUpTo(found=form.found).
    found = None

    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    party = forms.ChoiceField(label=_("Party"), required=False, widget=PlainSelect)
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("all"))] + PUBLIC_STATUSES,
        widget=PlainSelect,
    )
    year = forms.ChoiceField(
        label=_("Year of approval"), required=False, widget=PlainSelect
    )
    periodicity = forms.ChoiceField(
        label=_("Periodicity"),
        required=False,
        choices=[("", _("all"))] + list(ProtocolPage.Periodicity.choices),
        widget=PlainSelect,
    )
    sort = forms.ChoiceField(label=_("Sort by"), required=False, widget=PlainSelect)

    def __init__(self, data, index_page, protocols, **kwargs):
        super().__init__(data, **kwargs)
        parties, years = list_facets(index_page, protocols)
        self.fields["party"].choices = [("", _("all"))] + parties
        self.fields["year"].choices = [("", _("all"))] + [
            (str(year), year) for year in years
        ]
        sorts = [(key, label) for key, (label, _order) in SORTS.items()]
        if (data or {}).get("q"):
            sorts = [(RELEVANCE, _("relevance"))] + sorts
        self.fields["sort"].choices = sorts


def visible(queryset):
    """Live pages that no view restriction hides. Wagtail's .public() costs a
    query; it is spared while the site has no restriction at all."""
    queryset = queryset.live()
    return queryset.public() if any_view_restrictions() else queryset


def list_facets(index_page, protocols):
    """The parties and approval years a list can be filtered on. The same for every
    visitor until a protocol changes, so computed once per cache generation rather
    than with two DISTINCT queries over every protocol on each request."""

    def compute():
        parties = (
            Organisation.objects.filter(protocol_parties__page__in=protocols)
            .distinct()
            .order_by("name")
            .values_list("enterprise_number", "name")
        )
        years = protocols.dates("approval_date", "year", order="DESC")
        return [tuple(party) for party in parties], [day.year for day in years]

    return remembered(f"facets:{index_page.pk}", compute)


def public_protocols(index_page, base=None):
    """Live, public protocols of one list, with everything a row shows prefetched."""
    if base is None:
        base = visible(listed_protocols(index_page))
    return base.with_status().prefetch_related(
        Prefetch(
            "parties",
            queryset=ProtocolParty.objects.select_related("organisation"),
        ),
        Prefetch(
            "decision_links",
            queryset=ProtocolDecision.objects.select_related(
                "decision", "decision__organisation"
            ),
        ),
    )


# What a row of the HTML list shows (protocol_index_page.html) and its link needs
# (shared_protocols.url_in_list: path and depth; Page.get_url: url_path; slug).
# The rich text columns of a protocol are most of its row: loading them for a
# page of 20 rows cost more than the list's query itself.
LIST_ROW_FIELDS = (
    "reference",
    "title",
    "approval_date",
    "path",
    "depth",
    "url_path",
    "slug",
)


def list_rows(protocols):
    """``protocols`` with the fields and the parties a row of the HTML list shows,
    nothing more: the list's own page query and the parties' names in a second.
    The feed and the exports keep public_protocols()'s whole rows."""
    return (
        protocols.only(*LIST_ROW_FIELDS)
        .prefetch_related(None)
        .prefetch_related(
            Prefetch(
                "parties",
                queryset=ProtocolParty.objects.select_related("organisation").only(
                    "page_id", "organisation__name", "organisation__short_name"
                ),
            )
        )
    )


def filter_protocols(index_page, params):
    """Apply the query-string filters to the protocols of ``index_page``.

    Returns ``(form, queryset)``. Invalid values are ignored, not fatal: a citizen
    with a stale bookmark still gets a list, and the form shows what applies.
    """
    # The view restrictions are read once, for the form and the list. A published
    # protocol always has an approval date (the publication rule); saying so lets
    # the list's order start past the drafts, whose empty dates PostgreSQL sorts
    # first in protocol_newest_first.
    base = visible(listed_protocols(index_page)).filter(approval_date__isnull=False)
    protocols = public_protocols(index_page, base)
    form = ProtocolFilterForm(params, index_page, base)
    form.is_valid()
    data = form.cleaned_data
    if data.get("party"):
        protocols = with_party(protocols, data["party"])
    if data.get("status"):
        protocols = protocols.filter(current_status=data["status"])
    if data.get("year"):
        protocols = protocols.filter(approval_date__year=int(data["year"]))
    if data.get("periodicity"):
        protocols = protocols.filter(periodicity=data["periodicity"])
    sort = data.get("sort") or (RELEVANCE if data.get("q") else "newest")
    query = (data.get("q") or "").strip()
    party_number = enterprise_number_in(query)
    if party_number:
        # A KBO number, however it is written, means "this party's protocols".
        protocols = with_party(protocols, party_number)
        query = ""
    if query:
        protocols, rank, form.found = searched_protocols(index_page, protocols, query)
        if sort == RELEVANCE and rank is None:
            return form, protocols
        if sort == RELEVANCE and full_text.ranks_all(form.found):
            return form, protocols.order_by(rank, "reference")
        # More matches than are worth ranking: newest first (the list's index), and
        # the page says so (form.unranked).
        form.unranked = sort == RELEVANCE
    if sort == RELEVANCE:
        sort = "newest"
    return form, protocols.order_by(*SORTS[sort][1])


def with_party(protocols, enterprise_number):
    """The protocols the organisation with ``enterprise_number`` is a party to.

    The organisation's id is looked up first, so that PostgreSQL's statistics of
    the parties' organisation column tell it how many protocols that party has:
    for a common one it walks the list's order (index protocol_newest_first) and
    checks each protocol's parties by the unique (page, organisation) index,
    stopping after a page of rows; for a rare one it starts from the party's
    rows. Through a join on the enterprise number it can only guess an average
    party, and read every protocol of a common one (3 s at 100 000 protocols)."""
    organisation_id = (
        Organisation.objects.filter(enterprise_number=enterprise_number)
        .values_list("pk", flat=True)
        .first()
    )
    return protocols.filter(
        Exists(
            ProtocolParty.objects.filter(
                page=OuterRef("pk"), organisation_id=organisation_id
            )
        )
    )


def searched_protocols(index_page, protocols, query):
    """``(protocols, rank, count)``: those of ``protocols`` that match ``query``, an
    expression that orders them best first (None when nothing matches), and how
    many match, counted up to past the list's count limit and full_text.RANK_LIMIT
    (None where it is not counted here).

    On PostgreSQL the list's own query filters on the protocol's search vector
    (protocols_registry.full_text), which a GIN index serves; elsewhere the ids
    come from Wagtail's search backend first."""
    words = clean_query(query)
    if not words:
        return protocols.none(), None, 0
    if full_text.available():
        count_up_to = max(
            get_setting("PROTOCOLS_REGISTRY_LIST_COUNT_LIMIT"), full_text.RANK_LIMIT
        )
        found, rank, count = full_text.matching(protocols, words, count_up_to)
        return found, rank.desc(), count
    ranked_ids = search_protocol_ids(index_page, words)
    rank = search_rank(ranked_ids) if ranked_ids else None
    return protocols.filter(pk__in=ranked_ids), rank, None


def search_rank(ranked_ids):
    """An expression that orders rows as ``ranked_ids`` lists them: where ",<pk>,"
    stands in ",<id>,<id>,…,". One string parameter, where a CASE with a WHEN per
    result (up to a thousand) cost Django some 40 ms to compile on every search."""
    ranking = Value("," + ",".join(str(pk) for pk in ranked_ids) + ",")
    row = Concat(Value(","), Cast(F("pk"), CharField()), Value(","))
    return StrIndex(ranking, row)


def clean_query(query):
    """Words only: quotes, parentheses and the like mean operators to SQLite's
    full-text search, and a citizen's stray quote must not become a syntax error."""
    return " ".join(re.findall(r"\w+", query or ""))


def enterprise_number_in(query):
    """The ten digits of the enterprise (KBO) number ``query`` consists of, or None.

    Citizens copy it from anywhere: 0400.032.156, 0400032156, BE0400032156,
    BE 0400 032 156, or the older nine-digit 400.032.156. Only a whole query that is
    a number with valid check digits counts, so a search for a year or a reference
    stays a word search.
    """
    raw = (query or "").strip()
    if not raw or not any(char.isdigit() for char in raw):
        return None
    digits = re.sub(r"[\s.\-/]", "", raw.upper().removeprefix("BE"))
    if len(digits) == 9 and digits.isdigit():
        digits = "0" + digits
    try:
        return normalise_enterprise_number(digits)
    except ValidationError:
        return None


def search_protocol_ids(index_page, query, limit=1000):
    """Ids of the live protocols below ``index_page`` matching ``query``, best first.

    Full-text search first: on PostgreSQL with the Dutch configuration
    (``SEARCH_CONFIG: "dutch"``) it matches word forms, so "dakloos" finds
    "dakloosheid". When it finds nothing, the words are tried as prefixes of the
    autocomplete fields: the most the SQLite backend, which does not stem, allows.
    """
    query = clean_query(query)
    if not query:
        return []
    return full_text_ids(index_page, query, limit) or prefix_ids(
        index_page, query, limit
    )


def searched(index_page):
    """What a search of the list looks in: its children, or, when it also shows
    protocols shared from other sites, every protocol (the search backend filters
    on indexed fields only; the list keeps its own from the results)."""
    if shares_any(index_page):
        return visible(ProtocolPage.objects.all())
    return visible(ProtocolPage.objects.child_of(index_page))


def full_text_ids(index_page, query, limit=1000):
    if full_text.available():
        return full_text.ranked_ids(
            visible(listed_protocols(index_page)), full_text.words_query(query), limit
        )
    # Only the ids: the list loads its page of rows itself.
    results = searched(index_page).only("pk").search(query, operator="and")
    return [page.pk for page in results[:limit]]


def prefix_ids(index_page, query, limit=1000):
    """Protocols with, for every word of ``query``, a word in an autocomplete field
    that starts with it; best match of the last word first."""
    if full_text.available():
        return full_text.ranked_ids(
            visible(listed_protocols(index_page)), full_text.prefix_query(query), limit
        )
    base = searched(index_page).only("pk")
    found = None
    for word in query.split():
        ids = [page.pk for page in base.autocomplete(word)[:limit]]
        if found is not None:
            ids = [pk for pk in ids if pk in found]
        if not ids:
            return []
        found = ids
    return found
