"""The seed protocol 2024_VB_00591 as a citizen reads it: page, PDF, feed, exports and
linked data, loaded by the demo command."""

import csv
import io
import re
import xml.etree.ElementTree as ET

import pytest
from django.core.management import call_command
from pypdf import PdfReader

from protocols_registry.models import (
    ApprovalDecision,
    DPOAdvice,
    Organisation,
    ProtocolPage,
)

pytestmark = pytest.mark.django_db

URL = "/protocollen/2024-vb-00591/"


@pytest.fixture
def seed(tmp_path, settings, monkeypatch):
    settings.DEMO_CREDENTIALS_FILE = tmp_path / "demo-credentials.txt"
    monkeypatch.delenv("DEMO_PASSWORD", raising=False)
    call_command("load_demo")
    return ProtocolPage.objects.get(reference="2024_VB_00591")


def text_of(html):
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_demo_loader_records_the_seed_facts(seed):
    ocmw = Organisation.objects.get(enterprise_number="0212214125")
    thuispunt = Organisation.objects.get(enterprise_number="0400032156")
    assert ocmw.address == "Onderbergen 86, 9000 Gent"
    assert thuispunt.address == "Lange Steenstraat 54, 9000 Gent"
    decision = ApprovalDecision.objects.get(reference="2024_VB_00591")
    assert decision.meeting_date.isoformat() == "2024-09-19"
    assert decision.is_closed_session and decision.approves
    assert decision.get_governing_body_display().startswith("Vast Bureau")
    assert len(decision.members_present_list) == 13
    assert decision.competent_member == "Mathias De Clercq"
    advices = {
        a.organisation.enterprise_number: (a.advice_date.isoformat(), a.verdict)
        for a in DPOAdvice.objects.filter(protocol=seed)
    }
    assert advices == {
        "0400032156": ("2024-09-09", "favourable"),
        "0212214125": ("2024-09-12", "favourable"),
    }
    assert [p.role for p in seed.parties.all()] == ["recipient", "sender"]
    items = list(seed.data_items.all())
    assert len(items) == 2
    assert (
        "Rijksregisternummer" in items[0].data or "rijksregisternummer" in items[0].data
    )
    assert {item.retention_until.isoformat() for item in items} == {"2024-09-27"}
    assert not any(item.special_category for item in items)
    assert seed.periodicity == "one_off" and seed.duration == "fixed"
    assert seed.exchange_steps.count() == 5
    assert seed.notice_period_months == 6
    assert seed.live and seed.approval_date.isoformat() == "2024-09-19"


def test_demo_loader_is_idempotent(seed):
    counts = (
        Organisation.objects.count(),
        ApprovalDecision.objects.count(),
        DPOAdvice.objects.count(),
        ProtocolPage.objects.count(),
        seed.revisions.count(),
    )
    call_command("load_demo")
    seed.refresh_from_db()
    assert counts == (
        Organisation.objects.count(),
        ApprovalDecision.objects.count(),
        DPOAdvice.objects.count(),
        ProtocolPage.objects.count(),
        seed.revisions.count(),
    )


def test_detail_page_shows_every_section_in_order(client, seed):
    response = client.get(URL)
    assert response.status_code == 200
    html = response.content.decode()
    anchors = [
        "partijen",
        "besluiten",
        "overwegingen",
        "gegevensstroom",
        "uitwisselingsproces",
        "dienstenintegrator",
        *[f"artikel-{n}" for n in range(1, 13)],
        "ondertekening",
    ]
    positions = [html.index(f'<section id="{anchor}"') for anchor in anchors]
    assert positions == sorted(positions)
    text = text_of(html)
    for fact in (
        "2024_VB_00591",
        "0212.214.125",
        "0400.032.156",
        "Onderbergen 86, 9000 Gent",
        "19 september 2024",
        "besloten zitting",
        "9 september 2024",
        "12 september 2024",
        "gunstig",
        "Identificatiegegevens",
        "27/09/2024",
        "eenmalig",
        "bepaalde duur",
        "Thuispunt Gent versleutelt de opgemaakte lijst",
        "niet via een dienstenintegrator",
        "opzegtermijn van 6 maanden",
        "Oost-Vlaanderen, afdeling Gent",
        "Diederick Vandekerckhove",
        "Mieke Hullebroeck",
    ):
        assert fact in text, fact


def test_detail_page_links_its_contents_its_pdf_and_its_dates(client, seed):
    html = client.get(URL).content.decode()
    # The contents list names each section by the heading the section itself shows:
    # "Wat betekent dit voor u?" and the 19 sections of the protocol.
    contents = re.findall(r'<li><a href="#([\w-]+)">([^<]+)</a></li>', html)
    assert len(contents) == 20
    for anchor, heading in contents:
        assert f'<h2 id="{anchor}-heading">{heading}</h2>' in html, anchor
    # Both links to the PDF lead to it.
    assert html.count(f'href="{URL}pdf/"') == 2
    assert client.get(URL + "pdf/")["Content-Type"] == "application/pdf"
    # Dates read by machines are ISO dates; people read them in Dutch.
    assert '<time datetime="2024-09-19">19 september 2024</time>' in html
    assert '<time datetime="2024-09-12">12 september 2024</time>' in html
    assert '<time datetime="2024-09-27">27/09/2024</time>' in html


def test_detail_page_reveals_no_internal_or_personal_data(client, seed):
    seed.internal_notes = "INTERNE NOTITIE niet publiceren"
    seed.save_revision().publish()
    DPOAdvice.objects.filter(protocol=seed).update(dpo_name="Jan Verzonnen")
    html = client.get(URL).content.decode()
    assert "INTERNE NOTITIE" not in html
    # The DPOs' names stay in the admin; the members present are part of the
    # decision, which is published whole (tests/protocols_registry/
    # test_decision_publication.py).
    assert "Jan Verzonnen" not in html


def test_pdf_carries_every_section_and_the_facts(client, seed):
    response = client.get(URL + "pdf/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    assert "2024_VB_00591" in response["Content-Disposition"]
    reader = PdfReader(io.BytesIO(response.content))
    assert reader.metadata.title.startswith("2024_VB_00591")
    assert str(reader.trailer["/Root"]["/Lang"]) == "nl-BE"
    pages = [page.extract_text() for page in reader.pages]
    text = re.sub(r"\s+", " ", " ".join(pages))
    for heading in (
        "Partijen",
        "Overwegingen",
        "Artikel 1: Onderwerp",
        "Artikel 3",
        "Artikel 6: Beveiligingsmaatregelen",
        "Artikel 12",
        "Ondertekening",
    ):
        assert heading in text, heading
    for fact in (
        "0212.214.125",
        "0400.032.156",
        "19 september 2024",
        "Identificatiegegevens",
        "Proportionaliteit",
        "27 september 2024",
        "Diederick Vandekerckhove",
        "Thuispunt Gent versleutelt",
    ):
        assert fact in text, fact
    total = len(reader.pages)
    assert f"pagina 1 van {total}" in pages[0]
    assert f"pagina {total} van {total}" in pages[-1]


def test_pdf_is_the_same_for_the_same_record(client, seed):
    assert client.get(URL + "pdf/").content == client.get(URL + "pdf/").content


def test_atom_feed_lists_the_protocol(client, seed):
    response = client.get("/protocollen/feed/")
    assert response["Content-Type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)
    ns = {"a": "http://www.w3.org/2005/Atom"}
    titles = [
        entry.findtext("a:title", namespaces=ns)
        for entry in root.findall("a:entry", ns)
    ]
    assert any(title.startswith("2024_VB_00591") for title in titles)
    ids = [
        entry.findtext("a:id", namespaces=ns) for entry in root.findall("a:entry", ns)
    ]
    assert any(i.endswith("/protocol/2024_VB_00591") for i in ids)


def test_csv_export_has_documented_columns_and_applies_filters(client, seed):
    from protocols_registry.opendata import CSV_FIELDS, CSV_HEADERS

    response = client.get("/protocollen/export.csv?party=0400032156")
    assert response["Content-Type"].startswith("text/csv")
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    header, *lines = list(csv.reader(io.StringIO(body)))
    # Dutch headings in the CSV; the JSON keeps the English keys (docs/open-data.md).
    assert header[:4] == ["referentie", "URI", "titel", "status"]
    assert len(header) == len(CSV_FIELDS) and list(CSV_HEADERS) == CSV_FIELDS
    rows = [dict(zip(CSV_FIELDS, line, strict=True)) for line in lines]
    assert [row["reference"] for row in rows] == ["2024_VB_00591"]
    row = rows[0]
    assert row["approval_date"] == "2024-09-19"
    assert row["party_enterprise_numbers"] == "0212214125; 0400032156"
    assert row["senders"] == "Woonmaatschappij Thuispunt Gent"
    assert row["status"] == "approved_unsigned"  # never signed (art. 12)
    assert row["pdf_url"].endswith(URL + "pdf/")
    # Brussels time with its offset, like every moment that leaves the site.
    assert row["last_published_at"].endswith(("+01:00", "+02:00"))


def test_json_export_lists_every_published_protocol(client, seed):
    data = client.get("/protocollen/export.json").json()
    references = {p["reference"] for p in data["protocols"]}
    assert "2024_VB_00591" in references and len(references) == 4
    assert set(data["fields"]) == set(data["protocols"][0])
    seed_record = next(
        p for p in data["protocols"] if p["reference"] == "2024_VB_00591"
    )
    assert seed_record["decisions"] == ["2024_VB_00591"]
    assert seed_record["periodicity"] == "one_off"
    only_demo = client.get("/protocollen/export.json?q=Voorbeeldstad").json()
    assert "2024_VB_00591" not in {p["reference"] for p in only_demo["protocols"]}


def test_linked_data_describes_the_decision(client, seed):
    from pyRdfa import pyRdfa
    from rdflib import Literal, Namespace, URIRef
    from rdflib.namespace import RDF, XSD

    graph = pyRdfa(media_type="text/html").graph_from_source(
        io.BytesIO(client.get(URL).content)
    )

    besluit = Namespace("http://data.vlaanderen.be/ns/besluit#")
    eli = Namespace("http://data.europa.eu/eli/ontology#")
    prov = Namespace("http://www.w3.org/ns/prov#")
    decisions = list(graph.subjects(RDF.type, besluit.Besluit))
    assert len(decisions) == 1
    decision = decisions[0]
    assert str(decision).endswith("/besluit/2024_VB_00591")
    assert "protocollen" not in str(decision)  # independent of the page URL
    assert (
        decision,
        eli.id_local,
        Literal("2024_VB_00591", datatype=XSD.string),
    ) in graph
    assert (
        decision,
        eli.date_document,
        Literal("2024-09-19", datatype=XSD.date),
    ) in graph
    title = graph.value(decision, eli.title)
    assert title.datatype == XSD.string and "Centraal Inschrijvingsregister" in title
    assert graph.value(decision, eli.language) == URIRef(
        "http://publications.europa.eu/resource/authority/language/NLD"
    )
    assert graph.value(decision, eli.date_publication) is not None
    assert "Centraal Inschrijvingsregister" in graph.value(decision, besluit.motivering)
    assert "Artikel 1" in graph.value(decision, prov.value)
    treatment = graph.value(predicate=prov.generated, object=decision)
    assert (treatment, RDF.type, besluit.BehandelingVanAgendapunt) in graph
    session = next(graph.subjects(RDF.type, besluit.Zitting))
    body = graph.value(session, besluit.isGehoudenDoor)
    assert (body, RDF.type, besluit.Bestuursorgaan) in graph
    assert graph.value(session, prov.startedAtTime) == Literal(
        "2024-09-19T00:00:00+02:00", datatype=XSD.dateTime
    )


def test_demo_register_describes_both_sides_of_the_seed_exchange(client, seed):
    from protocols_registry.models import ProcessingActivity

    ocmw = ProcessingActivity.objects.get(reference="OCMW-2024-031")
    thuispunt = ProcessingActivity.objects.get(reference="THG-2024-007")
    assert list(ocmw.protocols.all()) == [seed]
    assert list(thuispunt.protocols.all()) == [seed]
    assert ocmw.processors.count() == 1
    assert ocmw.missing_elements() == [] and thuispunt.missing_elements() == []
    assert ocmw.history.count() == 1
    # The demo's register page is OCMW Gent's: its own activity, and the joint one
    # of Thuispunt Gent marked as such; Thuispunt's own stays in Thuispunt's.
    html = client.get("/verwerkingsregister/").content.decode()
    assert "OCMW-2024-031" in html and "THG-2025-002" in html
    assert "THG-2024-007" not in html
    assert "Gezamenlijke verwerkingsverantwoordelijke met" in html
    assert thuispunt.processors.get().controller == thuispunt.controller
    detail = client.get("/verwerkingsregister/OCMW-2024-031/").content.decode()
    assert "2024_VB_00591" in detail
    assert "Toegangsbeheer op de beveiligde basistoepassing" not in detail


def test_no_transfer_is_recorded_under_the_unsigned_seed_protocol(seed):
    """The seed leaves the signing date blank ("Opgemaakt te Gent, op _____"): as
    published it never entered into force, so the platform records no transfer under
    it. The demo's transfer made before the platform is a fictional one."""
    from exchanges.models import DeletionEvidence, Payload, Transfer

    assert seed.status == "approved_unsigned"
    assert not Transfer.objects.filter(protocol=seed).exists()
    transfer = Transfer.objects.get(reference="2023_DEMO_00003/1")
    assert transfer.retention_date.isoformat() == "2023-12-31"
    assert transfer.channel == Transfer.Channel.ENCRYPTED_EMAIL
    assert transfer.status == Transfer.Status.DELETED
    assert not Payload.objects.filter(transfer=transfer).exists()
    evidence = DeletionEvidence.objects.get(transfer=transfer)
    assert evidence.reason == "outside" and not evidence.verified


def test_demo_transfer_is_encrypted_and_its_people_are_invented(seed):
    from exchanges import services
    from exchanges.models import Transfer
    from exchanges.nrn import normalise
    from exchanges.storage import payload_storage

    transfer = Transfer.objects.get(reference="2025_DEMO_00002/1")
    payload = transfer.payload
    with payload_storage().open(payload.storage_name, "rb") as handle:
        assert b"Voorbeeld" not in handle.read()
    content = b"".join(services.iter_plaintext(payload)).decode()
    lines = content.strip().splitlines()
    assert len(lines) == 1 + transfer.data_subject_count == 25
    for line in lines[1:]:
        number = line.split(";")[2]
        assert normalise(number)  # valid check digits
