"""Filtering, searching and sorting the public protocol list.

One place for the rules, used by the HTML list, the feed and the CSV/JSON exports,
so that a filtered URL means the same in every format.
"""

import re

from django import forms
from django.db.models import Case, IntegerField, Prefetch, When
from django.utils.translation import gettext_lazy as _

from protocols_registry.models import (
    Organisation,
    ProtocolDecision,
    ProtocolPage,
    ProtocolParty,
    ProtocolStatus,
)

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
    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    party = forms.ChoiceField(label=_("Party"), required=False)
    status = forms.ChoiceField(
        label=_("Status"), required=False, choices=[("", _("all"))] + PUBLIC_STATUSES
    )
    year = forms.ChoiceField(label=_("Year of approval"), required=False)
    periodicity = forms.ChoiceField(
        label=_("Periodicity"),
        required=False,
        choices=[("", _("all"))] + list(ProtocolPage.Periodicity.choices),
    )
    sort = forms.ChoiceField(label=_("Sort by"), required=False)

    def __init__(self, data, protocols, **kwargs):
        super().__init__(data, **kwargs)
        parties = (
            Organisation.objects.filter(protocol_parties__page__in=protocols)
            .distinct()
            .order_by("name")
            .values_list("enterprise_number", "name")
        )
        self.fields["party"].choices = [("", _("all"))] + list(parties)
        years = protocols.dates("approval_date", "year", order="DESC")
        self.fields["year"].choices = [("", _("all"))] + [
            (str(d.year), d.year) for d in years
        ]
        sorts = [(key, label) for key, (label, _order) in SORTS.items()]
        if (data or {}).get("q"):
            sorts = [(RELEVANCE, _("relevance"))] + sorts
        self.fields["sort"].choices = sorts


def public_protocols(index_page, base=None):
    """Live, public protocols of one list, with everything a row shows prefetched."""
    if base is None:
        base = ProtocolPage.objects.child_of(index_page).live().public()
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


def filter_protocols(index_page, params):
    """Apply the query-string filters to the protocols of ``index_page``.

    Returns ``(form, queryset)``. Invalid values are ignored, not fatal: a citizen
    with a stale bookmark still gets a list, and the form shows what applies.
    """
    # .public() reads the view restrictions: once, for the form and the list.
    base = ProtocolPage.objects.child_of(index_page).live().public()
    protocols = public_protocols(index_page, base)
    form = ProtocolFilterForm(params, base)
    form.is_valid()
    data = form.cleaned_data
    if data.get("party"):
        protocols = protocols.filter(
            parties__organisation__enterprise_number=data["party"]
        )
    if data.get("status"):
        protocols = protocols.filter(current_status=data["status"])
    if data.get("year"):
        protocols = protocols.filter(approval_date__year=int(data["year"]))
    if data.get("periodicity"):
        protocols = protocols.filter(periodicity=data["periodicity"])
    sort = data.get("sort") or (RELEVANCE if data.get("q") else "newest")
    query = (data.get("q") or "").strip()
    if query:
        ranked_ids = search_protocol_ids(index_page, query)
        protocols = protocols.filter(pk__in=ranked_ids)
        if sort == RELEVANCE:
            rank = Case(
                *[When(pk=pk, then=position) for position, pk in enumerate(ranked_ids)],
                output_field=IntegerField(),
            )
            return form, protocols.order_by(
                rank, "reference"
            ) if ranked_ids else protocols
    if sort == RELEVANCE:
        sort = "newest"
    return form, protocols.order_by(*SORTS[sort][1])


def clean_query(query):
    """Words only: quotes, parentheses and the like mean operators to SQLite's
    full-text search, and a citizen's stray quote must not become a syntax error."""
    return " ".join(re.findall(r"\w+", query or ""))


def search_protocol_ids(index_page, query, limit=1000):
    """Ids of the live protocols below ``index_page`` matching ``query``, best first."""
    query = clean_query(query)
    if not query:
        return []
    results = (
        ProtocolPage.objects.child_of(index_page)
        .live()
        .public()
        .search(query, operator="and")
    )
    return [page.pk for page in results[:limit]]
