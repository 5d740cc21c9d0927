"""A protocol's content as the public page and the PDF show it: one plain ORM query
per relation, or, for a preview, from the draft."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from protocols_registry.models import (
    DPOAdvice,
    ProtocolExchangeStep,
    ProtocolPage,
    ProtocolSignatory,
)
from protocols_registry.protocol_content import RELATIONS, protocol_content
from tests.factories import OrganisationFactory, build_protocol

pytestmark = pytest.mark.django_db


def _protocol(title, steps):
    parties = [OrganisationFactory(), OrganisationFactory(), OrganisationFactory()]
    page = build_protocol(
        title=title,
        parties=parties,
        exchange_steps=[
            ProtocolExchangeStep(description=step, sort_order=n)
            for n, step in enumerate(steps)
        ],
        signatories=[
            ProtocolSignatory(
                organisation=org, name=f"Verzonnen Naam {n}", title="voorzitter"
            )
            for n, org in enumerate(parties)
        ],
    )
    return ProtocolPage.objects.get(pk=page.pk)


def _values(obj):
    return {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields}


@pytest.fixture
def protocols():
    return (
        _protocol("Eerste protocol", ["Stap een", "Stap twee"]),
        _protocol("Tweede protocol", ["Enige stap"]),
    )


def test_each_relation_is_one_query_with_its_related_rows(protocols):
    """Organisations and decisions come with their rows (select_related): reading
    them afterwards costs nothing, however many rows there are."""
    for page in protocols:
        with CaptureQueriesContext(connection) as queries:
            content = protocol_content(page)
        assert len(queries) == len(RELATIONS)
        with CaptureQueriesContext(connection) as queries:
            names = [p.organisation.name for p in content.parties]
            names += [a.organisation.name for a in content.advices]
            names += [s.organisation.name for s in content.signatories]
            names += [d.organisation.name for d in content.decisions]
        assert len(queries) == 0
        assert all(names) and content.decisions  # the fixture gives every relation
        assert [s.description for s in content.exchange_steps] == [
            s.description for s in ProtocolExchangeStep.objects.filter(page=page)
        ]


def test_content_rows_point_back_to_their_protocol(protocols):
    page = protocols[0]
    content = protocol_content(page)
    with CaptureQueriesContext(connection) as queries:
        owners = {party.page for party in content.parties}
        owners |= {advice.protocol for advice in content.advices}
        owners |= {step.page for step in content.exchange_steps}
    assert owners == {page} and len(queries) == 0


def test_page_and_pdf_list_advices_by_date_then_party(protocols):
    import datetime
    import io

    from django.utils.translation import gettext
    from pypdf import PdfReader

    from protocols_registry.pdf.protocol import render_protocol_pdf

    page = protocols[0]
    first, second, third = DPOAdvice.objects.filter(protocol=page).order_by("pk")
    # Neither the advices' creation order nor their parties' ids give this order.
    first.advice_date = datetime.date(2025, 3, 5)
    first.save()
    for advice, name in ((second, "Zuidelijke dienst"), (third, "Aalterse dienst")):
        advice.organisation.name = name
        advice.organisation.save()
    expected = ["Aalterse dienst", "Zuidelijke dienst", first.organisation.name]

    advices = protocol_content(page).advices
    assert [advice.organisation.name for advice in advices] == expected
    pdf = "".join(
        sheet.extract_text()
        for sheet in PdfReader(io.BytesIO(render_protocol_pdf(page))).pages
    )
    # From the advices' table header on, the parties' names first appear in its rows
    # (the signatures come after it).
    table = pdf[pdf.index(gettext("DPO of")) :]
    assert [name for _, name in sorted((table.index(n), n) for n in expected)] == (
        expected
    )


def test_a_preview_shows_the_drafts_content_not_the_published(protocols):
    page = protocols[0]
    draft = page.get_latest_revision_as_object()
    draft.exchange_steps = [ProtocolExchangeStep(description="Een nieuwe stap")]
    response = draft.make_preview_request()
    body = response.content.decode()
    assert response.status_code == 200
    assert "Een nieuwe stap" in body and "Stap twee" not in body
    # The published page still shows what was published.
    assert protocol_content(page).exchange_steps[1].description == "Stap twee"
    assert protocol_content(draft, draft=True).exchange_steps[0].description == (
        "Een nieuwe stap"
    )


def test_a_protocol_list_routes_only_to_its_own_protocols(rf):
    from django.http import Http404
    from wagtail.models import Page

    from protocols_registry.models import ProtocolIndexPage
    from tests.factories import protocol_index

    index = protocol_index()
    protocol = build_protocol(index=index)
    elsewhere = Page.get_first_root_node().add_child(
        instance=Page(title="Elders", slug="elders")
    )
    other = elsewhere.add_child(
        instance=ProtocolIndexPage(title="Andere lijst", slug="andere-lijst")
    )
    assert other.depth == index.depth  # same depth and slug, another list's child
    request = rf.get("/")
    assert index.route(request, [protocol.slug]).page == protocol
    with pytest.raises(Http404):
        other.route(request, [protocol.slug])
