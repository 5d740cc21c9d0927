"""The public list's full-text search on PostgreSQL: a tsvector column of the
protocol itself (``ProtocolPage.search_vector``, Dutch configuration) with a GIN
index on it, matched with ``@@`` in the list's own query.

Wagtail's database search backend keeps its index in a table of its own
(``wagtailsearch_indexentry``), so a search asked it for ids first and the list then
filtered on those ids: two queries, a thousand ids sent back and forth, and a rank
computed over every matching entry of the installation. On the protocol's own row
the filter, the order by relevance and the page's ``LIMIT`` are one query that the
GIN index answers. Wagtail's index stays, for the admin's search, and serves the
public search on SQLite, which has no tsvector.

The vector holds what Wagtail's ``search_fields`` of ProtocolPage hold, weighted as
their boosts: reference and title (A), summary and party names (B), the data items
and the texts of the protocol (D). It is computed by PostgreSQL from the stored
columns (its text parser skips the rich text's HTML tags), whenever a protocol is
saved (ProtocolPage.save, which publishing calls) and when a party's name changes
(protocols_registry.signals).
"""

from django.contrib.postgres.aggregates import StringAgg
from django.contrib.postgres.search import SearchQuery, SearchRank, SearchVector
from django.db import connection
from django.db.models import F, OuterRef, Subquery, TextField, Value
from django.db.models.functions import Concat

from protocols_registry.pagination import count_up_to

CONFIG = "dutch"
# Rich text columns of ProtocolPage the public search looks in, as in its
# search_fields (besides reference, title, summary and the party names).
TEXTS = (
    "recitals",
    "subject",
    "collection_purposes",
    "communication_purposes",
    "data_flow",
)

# A relevance order computes the rank of every match, reading its whole vector:
# some 50 µs a row, 4 s for a search that matches 90 000 protocols. Up to this many
# matches the list is ordered by relevance; beyond, newest first (index
# protocol_newest_first), and the page asks for a narrower search.
RANK_LIMIT = 500

SEARCHED = {"reference", "title", "summary", *TEXTS}


def available():
    """Whether the database keeps the vector: PostgreSQL only."""
    return connection.vendor == "postgresql"


def _aggregated(model, path, text):
    """One string per protocol: the ``text`` of its rows of ``model``."""
    return Subquery(
        model.objects.filter(**{path: OuterRef("pk")})
        .order_by()
        .values(path)
        .annotate(joined=StringAgg(text, " "))
        .values("joined")[:1],
        output_field=TextField(),
    )


def vector_expression(page_model, party_model, data_item_model):
    """The tsvector of a protocol row, for ``QuerySet.update()``. The models are
    arguments so that the migration that fills the column can pass its own."""
    title = Subquery(
        page_model.objects.filter(pk=OuterRef("pk")).values("title")[:1],
        output_field=TextField(),
    )
    parties = _aggregated(
        party_model,
        "page",
        Concat(
            F("organisation__name"),
            Value(" "),
            F("organisation__short_name"),
            output_field=TextField(),
        ),
    )
    items = _aggregated(data_item_model, "page", F("data"))
    return (
        SearchVector("reference", title, weight="A", config=CONFIG)
        + SearchVector("summary", parties, weight="B", config=CONFIG)
        + SearchVector(*TEXTS, items, weight="D", config=CONFIG)
    )


def refresh(page_ids):
    """Recompute the vector of the protocols ``page_ids`` from their stored rows."""
    if not available():
        return
    from wagtail.models import Page

    from protocols_registry.models import (
        ProtocolDataItem,
        ProtocolPage,
        ProtocolParty,
    )

    ProtocolPage.objects.filter(pk__in=list(page_ids)).update(
        search_vector=vector_expression(Page, ProtocolParty, ProtocolDataItem)
    )


def words_query(words):
    """Every word, in any Dutch word form ("huurder" finds "huurders")."""
    return SearchQuery(words, config=CONFIG, search_type="plain")


def prefix_query(words):
    """Every word as the beginning of a word. ``words`` are letters and digits only
    (listing.clean_query): nothing in them is a tsquery operator."""
    return SearchQuery(
        " & ".join(f"{word}:*" for word in words.split()),
        config=CONFIG,
        search_type="raw",
    )


def matching(protocols, words, limit):
    """``(protocols, rank, count)``: those of ``protocols`` whose vector matches
    every word of ``words`` (letters and digits, space-separated), by word form, or
    failing that by prefix; the relevance expression to order them by; and how many
    match, counted up to ``limit + 1``.

    One counting query per kind of match (``SELECT COUNT(*) FROM (… LIMIT n)``)
    tells whether it found any, whether the matches are few enough to rank
    (ranks_all) and the list's count (pagination.CountedUpTo): it replaces an
    ``EXISTS``, a count up to RANK_LIMIT and the list's own count."""
    for query in (words_query(words), prefix_query(words)):
        found = protocols.filter(search_vector=query)
        count = count_up_to(found, limit)
        if count:
            break
    return found, SearchRank(F("search_vector"), query), count


def ranked_ids(protocols, query, limit=1000):
    """Ids of those of ``protocols`` that match ``query``, best first."""
    rank = SearchRank(F("search_vector"), query)
    return list(
        protocols.filter(search_vector=query)
        .order_by(rank.desc(), "reference")
        .values_list("pk", flat=True)[:limit]
    )


def ranks_all(count):
    """Whether ``count`` matches (as matching() counted them) are few enough to
    order by relevance. Always on other databases, where Wagtail's backend ranks at
    most a thousand ids."""
    return not available() or count <= RANK_LIMIT
