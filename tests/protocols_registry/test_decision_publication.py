"""The approving decision is published whole with its protocol (issue 20, points 4
and 10): on the page, in its RDFa, which the besluit-publicatie shapes accept, and
through the parts the PDF reads too."""

import datetime
import io
import re
from pathlib import Path

import pytest
from django.core.management import call_command
from django.utils import translation
from pyRdfa import pyRdfa
from pyshacl import validate
from rdflib import Graph, Literal, Namespace
from rdflib.namespace import RDF, XSD

from home.demo import seed_protocol
from protocols_registry.decision_content import articles, published_parts
from protocols_registry.models import ApprovalDecision, ProtocolPage
from tests.factories import build_protocol

pytestmark = pytest.mark.django_db

SEED_URL = "/protocollen/2024-vb-00591/"
SHAPES = Path(__file__).parent / "shapes" / "besluit-publicatie.ttl"
BESLUIT = Namespace("http://data.vlaanderen.be/ns/besluit#")
PROV = Namespace("http://www.w3.org/ns/prov#")
SH = Namespace("http://www.w3.org/ns/shacl#")


@pytest.fixture
def seed(tmp_path, settings, monkeypatch):
    settings.DEMO_CREDENTIALS_FILE = tmp_path / "demo-credentials.txt"
    monkeypatch.delenv("DEMO_PASSWORD", raising=False)
    call_command("load_demo")
    return ProtocolPage.objects.get(reference="2024_VB_00591")


def text_of(html):
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))
    return text.replace(" ,", ",")


def rdfa_graph(html):
    return pyRdfa(media_type="text/html").graph_from_source(
        io.BytesIO(html.encode() if isinstance(html, str) else html)
    )


def shacl(graph):
    shapes = Graph().parse(SHAPES, format="turtle")
    conforms, report, text = validate(
        graph, shacl_graph=shapes, inference="none", allow_warnings=False
    )
    failing = {str(path) for path in report.objects(None, SH.resultPath)}
    return conforms, failing, text


def test_the_seed_decision_is_published_whole_and_conforms(client, seed):
    html = client.get(SEED_URL).content.decode()
    section = html[html.index('id="besluiten"') : html.index('id="overwegingen"')]
    text = text_of(section)
    assert "Goedgekeurd in besloten vergadering van 19 september 2024" in text
    assert "Zijn aanwezig bij de beslissing van dit punt" in text
    members = re.findall(r'typeof="mandaat:Mandataris"', section)
    assert len(members) == 13
    for entry in (
        "Mathias De Clercq, burgemeester-voorzitter",
        "Filip Watteeuw, schepen",
        "Liesbet Vertriest, waarnemend adjunct-algemeendirecteur",
    ):
        assert entry in text
    assert re.search(r"Bevoegd\s+Mathias De Clercq", text)
    assert re.search(r"Betrokken\s+Tine Heyse\s+Rudy Coddens", text)
    assert "Juridisch kader" in text
    assert "Decreet over het lokaal bestuur van 22 december 2017, artikel 84, §2" in (
        text
    )
    assert "(2019_GRMW_00120)" in text
    assert "elektronische bestuurlijke gegevensverkeer, art. 8." in text
    assert "Motivering" in text and "Centraal Inschrijvingsregister (CIR)" in text
    assert "Functionaris voor gegevensbescherming Thuispunt Gent - gunstig" in text
    assert "Protocol eenmalige actualisatie CIR_Thuispunt Gent_OCMW Gent.pdf" in text
    assert re.search(r"Beslist het volgende: Artikel 1: Keurt goed het bij", text)

    graph = rdfa_graph(html)
    conforms, failing, report = shacl(graph)
    assert conforms, report
    session = next(graph.subjects(RDF.type, BESLUIT.Zitting))
    assert graph.value(session, PROV.startedAtTime) == Literal(
        "2024-09-19T00:00:00+02:00", datatype=XSD.dateTime
    )
    assert len(list(graph.objects(session, BESLUIT.heeftAanwezigeBijStart))) == 13
    decision = next(graph.subjects(RDF.type, BESLUIT.Besluit))
    motivation = graph.value(decision, BESLUIT.motivering)
    assert motivation.language == "nl" and "dak- en thuislozen" in motivation
    treatment = graph.value(predicate=PROV.generated, object=decision)
    assert graph.value(treatment, BESLUIT.openbaar) == Literal(False)


def test_broken_rdfa_fails_the_shapes(client, seed):
    html = client.get(SEED_URL).content.decode()
    assert shacl(rdfa_graph(html))[0]
    breakages = {
        # the motivation without its language
        'property="besluit:motivering" lang="nl"': (
            'property="besluit:motivering" lang=""',
            "http://data.vlaanderen.be/ns/besluit#motivering",
        ),
        # the session's start as a day
        'property="prov:startedAtTime" datatype="xsd:dateTime"': (
            'property="prov:startedAtTime" datatype="xsd:date"',
            "http://www.w3.org/ns/prov#startedAtTime",
        ),
        # the language as a bare IRI, not a concept
        'typeof="skos:Concept"': (
            "",
            "http://data.europa.eu/eli/ontology#language",
        ),
    }
    for good, (bad, path) in breakages.items():
        assert good in html
        conforms, failing, _report = shacl(rdfa_graph(html.replace(good, bad)))
        assert not conforms and failing == {path}, (good, failing)


def seed_decision(**overrides):
    fields = dict(seed_protocol.DECISION)
    fields.pop("reference")
    fields.update(overrides)
    return fields


def test_published_parts_follow_the_decision_for_the_page_and_the_pdf():
    page = build_protocol(reference="2024_VB_00777")
    decision = page.approving_decisions()[0]
    ApprovalDecision.objects.filter(pk=decision.pk).update(**seed_decision())
    decision.refresh_from_db()
    parts = decision.published_parts()
    assert [part.key for part in parts] == [
        "outcome",
        "members_present",
        "competent_member",
        "involved_members",
        "legal_framework",
        "motivation",
        "advices",
        "attachments",
        "decision",
    ]
    by_key = {part.key: part for part in parts}
    assert len(by_key["members_present"].paragraphs) == 13
    assert by_key["members_present"].is_list
    assert by_key["involved_members"].paragraphs == ("Tine Heyse", "Rudy Coddens")
    assert (
        by_key["legal_framework"]
        .paragraphs[1]
        .startswith("Het Decreet over het lokaal bestuur")
    )
    assert by_key["decision"].text.startswith("Beslist het volgende:\nArtikel 1:")
    assert [(a.heading, a.text[:15]) for a in articles(decision)] == [
        ("Artikel 1", "Keurt goed het ")
    ]
    with translation.override("en"):
        english = published_parts(decision)
    assert english[0].heading == "Decision taken"
    assert english[0].paragraphs == ("Approved in closed session of 19 September 2024",)


def test_articles_inline_or_on_their_own_line():
    decision = ApprovalDecision(
        decision_text=(
            "Beslist het volgende:\nArtikel 1: Keurt goed.\n"
            "Artikel 2:\nGeeft opdracht.\nNog een regel.\nArt. 3. Slot."
        )
    )
    assert [(a.number, a.text) for a in articles(decision)] == [
        ("1", "Keurt goed."),
        ("2", "Geeft opdracht.\nNog een regel."),
        ("3", "Slot."),
    ]


def test_an_open_session_with_a_start_time_publishes_the_instant(client):
    page = build_protocol(reference="2025_CBS_00012")
    decision = page.approving_decisions()[0]
    ApprovalDecision.objects.filter(pk=decision.pk).update(
        session=ApprovalDecision.Session.PUBLIC,
        meeting_date=datetime.date(2025, 1, 16),
        meeting_start_time=datetime.time(19, 30),
        members_present="Anna Voorbeeld, voorzitter; Bert Verzonnen, lid",
        motivation="Een verzonnen motivering.",
        decision_text="Artikel 1: Keurt het protocol goed.",
    )
    html = client.get(page.url).content.decode()
    assert "16 januari 2025, 19:30" in text_of(html)
    graph = rdfa_graph(html)
    conforms, _failing, report = shacl(graph)
    assert conforms, report
    session = next(graph.subjects(RDF.type, BESLUIT.Zitting))
    assert graph.value(session, PROV.startedAtTime) == Literal(
        "2025-01-16T19:30:00+01:00", datatype=XSD.dateTime
    )
    treatment = next(graph.subjects(RDF.type, BESLUIT.BehandelingVanAgendapunt))
    assert graph.value(treatment, BESLUIT.openbaar) == Literal(True)
    assert len(list(graph.objects(treatment, BESLUIT.heeftAanwezige))) == 2


def test_the_secretary_records_involved_members_and_the_rest(client, secretary_user):
    from tests.protocols_registry.test_admin_records import snippet_url

    page = build_protocol(reference="2025_VB_00013")
    decision = page.approving_decisions()[0]
    client.force_login(secretary_user)
    form = client.get(snippet_url("approvaldecision", "edit", decision.pk))
    body = form.content.decode()
    for field in (
        "involved_members",
        "advices_text",
        "attachments_text",
        "meeting_start_time",
    ):
        assert f'name="{field}"' in body
