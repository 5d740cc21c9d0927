"""A protocol's content as the public page and the PDF show it, read with queries
compiled once (protocols_registry.compiled_query) or, for a preview, from the draft."""

from unittest import mock

import pytest
from django.db import connection
from django.db.models.sql.compiler import SQLCompiler
from django.test.utils import CaptureQueriesContext

from protocols_registry.compiled_query import CompiledQuery
from protocols_registry.models import (
    DPOAdvice,
    ProtocolExchangeStep,
    ProtocolPage,
    ProtocolParty,
    ProtocolSignatory,
)
from protocols_registry.protocol_content import COMPILED, RELATIONS, protocol_content
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


@pytest.mark.parametrize("relation", list(RELATIONS))
def test_a_compiled_query_reads_what_the_orm_reads(protocols, relation):
    for page in protocols:
        expected = list(RELATIONS[relation](page))
        with CaptureQueriesContext(connection) as queries:
            rows = COMPILED[relation].run(page.pk)
            # Related objects come with the row (select_related), as from the ORM.
            related = [
                {
                    name: _values(getattr(row, name))
                    for name in ("organisation", "decision")
                    if hasattr(row, name)
                }
                for row in rows
            ]
        assert len(queries) == 1
        assert expected, relation  # the fixture gives every relation rows
        assert [_values(row) for row in rows] == [_values(row) for row in expected]
        assert related == [
            {
                name: _values(getattr(row, name))
                for name in ("organisation", "decision")
                if hasattr(row, name)
            }
            for row in expected
        ]
    links = COMPILED["decision_links"].run(protocols[0].pk)
    with CaptureQueriesContext(connection) as queries:
        assert links[0].decision.organisation.name
    assert len(queries) == 0  # decision__organisation, two levels deep


def test_content_rows_point_back_to_their_protocol(protocols):
    page = protocols[0]
    content = protocol_content(page)
    with CaptureQueriesContext(connection) as queries:
        owners = {party.page for party in content.parties}
        owners |= {advice.protocol for advice in content.advices}
        owners |= {step.page for step in content.exchange_steps}
    assert owners == {page} and len(queries) == 0


def test_a_query_is_compiled_once_and_run_with_each_value(protocols):
    query = CompiledQuery(
        lambda page_id: ProtocolExchangeStep.objects.filter(page_id=page_id)
    )
    first, second = protocols
    assert [s.description for s in query.run(first.pk)] == ["Stap een", "Stap twee"]
    with mock.patch.object(
        SQLCompiler, "as_sql", autospec=True, side_effect=SQLCompiler.as_sql
    ) as compiled:
        assert [s.description for s in query.run(second.pk)] == ["Enige stap"]
        assert [s.description for s in query.run(first.pk)] == [
            "Stap een",
            "Stap twee",
        ]
    assert compiled.call_count == 0


def test_constants_in_the_query_stay_and_annotations_are_set(protocols):
    from django.db.models import Value

    query = CompiledQuery(
        lambda page_id: (
            ProtocolParty.objects.filter(page_id=page_id, role="sender")
            .annotate(marker=Value("x"))
            .select_related("organisation")
        )
    )
    [sender] = query.run(protocols[1].pk)
    assert sender.role == "sender" and sender.page_id == protocols[1].pk
    assert sender.marker == "x"


@pytest.mark.parametrize(
    "build, error, message",
    [
        (
            lambda page_id: ProtocolPage.objects.filter(path__startswith=page_id),
            ValueError,
            "Parameter 1 must appear once",
        ),
        (
            lambda page_id: DPOAdvice.objects.filter(protocol_id=page_id).values("pk"),
            TypeError,
            "not values()",
        ),
        (
            lambda page_id: ProtocolParty.objects.filter(
                page_id=page_id
            ).prefetch_related("organisation"),
            TypeError,
            "cannot prefetch",
        ),
    ],
)
def test_a_query_it_cannot_reuse_is_refused(build, error, message):
    with pytest.raises(error, match=message):
        CompiledQuery(build).run(1)


def test_the_number_of_parameters_is_checked(protocols):
    query = CompiledQuery(lambda page_id: DPOAdvice.objects.filter(protocol_id=page_id))
    query.run(protocols[0].pk)
    with pytest.raises(TypeError, match="takes 1 parameters, not 2"):
        query.run(protocols[0].pk, 2)


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
