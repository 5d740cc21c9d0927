"""The public register as open data (issue 21, point 3): CSV, JSON with stable keys
and JSON-LD (OSLO VerwerkingsActiviteit in a DCAT dataset), per controller, linked
from the page, validated with rdflib and pyshacl, never holding what the per-entry
switch keeps private."""

import csv
import io
import json
import warnings
from pathlib import Path

import pytest
from pyshacl import validate
from rdflib import RDF, Graph, Namespace, URIRef

from protocols_registry.models import ProcessingActivity
from protocols_registry.register_history import save_with_history
from protocols_registry.register_opendata import FIELDS
from tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db

SHAPES = Path(__file__).parent / "shapes" / "verwerkingsregister.ttl"
DCAT = Namespace("http://www.w3.org/ns/dcat#")
DCT = Namespace("http://purl.org/dc/terms/")
TOESTEMMING = Namespace("http://data.vlaanderen.be/ns/toestemming#")
PRIVATE = "NIET-OPENBAAR"


def _activity(reference, controller, joint=(), **fields):
    activity = ProcessingActivity(
        reference=reference,
        name=fields.pop("name", f"Activiteit {reference}"),
        owner_department="Dienst",
        status=fields.pop("status", ProcessingActivity.Status.ACTIVE),
        controller=controller,
        purposes=f"Doel van {reference}",
        lawful_basis="e",
        security_measures=f"{PRIVATE} maatregelen",
        internal_notes=f"{PRIVATE} notitie",
        show_in_public_register=fields.pop("public", True),
        retention_rules=[
            ("rule", {"data_category": "Contact", "period": "1 jaar", "ground": ""})
        ],
        **fields,
    )

    def save_m2m():
        activity.joint_controllers.set(joint)

    return save_with_history(activity, user=None, reason="test", save_m2m=save_m2m)


@pytest.fixture
def register():
    from home.demo.register import ensure_register_page

    ocmw = OrganisationFactory(name="OCMW Open")
    thuispunt = OrganisationFactory(name="Thuispunt Open")
    _activity("OCMW-1", ocmw)
    _activity("OCMW-2", ocmw, public=False, name=f"{PRIVATE} activiteit")
    _activity(
        "OCMW-3",
        ocmw,
        status=ProcessingActivity.Status.DRAFT,
        name=f"{PRIVATE} ontwerp",
    )
    _activity("THG-1", thuispunt, name=f"{PRIVATE} van Thuispunt")
    _activity("THG-2", thuispunt, joint=[ocmw])
    page = ensure_register_page(controller=ocmw)
    return page, ocmw


def _get(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    if getattr(response, "streaming", False):
        return response, b"".join(response.streaming_content).decode("utf-8-sig")
    return response, response.content.decode()


def test_the_page_links_its_open_data(client, register):
    page, _ocmw = register
    html = client.get(page.url).content.decode()
    for fmt in ("csv", "json", "jsonld"):
        assert f'href="{page.url}export.{fmt}"' in html


def test_csv_has_dutch_headings_and_only_the_controllers_public_entries(
    client, register
):
    page, _ocmw = register
    response, text = _get(client, page.url + "export.csv")
    assert response["Content-Type"].startswith("text/csv")
    header, *rows = list(csv.reader(io.StringIO(text)))
    assert header[:3] == ["referentie", "URI", "naam"]
    assert len(header) == len(FIELDS)
    assert [row[0] for row in rows] == ["OCMW-1", "THG-2"]
    assert PRIVATE not in text


def test_json_keys_are_stable_and_hold_nothing_private(client, register):
    page, ocmw = register
    _response, text = _get(client, page.url + "export.json")
    payload = json.loads(text)
    assert list(payload["fields"]) == FIELDS
    assert payload["controller"]["enterprise_number"] == ocmw.enterprise_number
    assert [record["reference"] for record in payload["activities"]] == [
        "OCMW-1",
        "THG-2",
    ]
    for record in payload["activities"]:
        assert list(record) == FIELDS
    joint = payload["activities"][1]
    assert joint["controller"] == "Thuispunt Open"
    assert joint["joint_controllers"] == ["OCMW Open"]
    assert PRIVATE not in text
    for absent in ("security_measures", "internal_notes", "processors"):
        assert absent not in text


def test_jsonld_is_a_dcat_dataset_of_oslo_activities_that_the_shapes_accept(
    client, register
):
    page, ocmw = register
    response, text = _get(client, page.url + "export.jsonld")
    assert response["Content-Type"].startswith("application/ld+json")
    assert PRIVATE not in text
    with warnings.catch_warnings():
        # rdflib 7's JSON-LD parser uses its own deprecated ConjunctiveGraph.
        warnings.simplefilter("ignore", DeprecationWarning)
        graph = Graph().parse(data=text, format="json-ld")
    datasets = list(graph.subjects(RDF.type, DCAT.Dataset))
    assert len(datasets) == 1
    activities = set(graph.subjects(RDF.type, TOESTEMMING.VerwerkingsActiviteit))
    identifiers = {str(graph.value(a, DCT.identifier)) for a in activities}
    assert identifiers == {"OCMW-1", "THG-2"}
    publisher = graph.value(datasets[0], DCT.publisher)
    assert isinstance(publisher, URIRef)
    assert str(publisher).endswith(ocmw.enterprise_number)
    media = {
        str(graph.value(d, DCAT.mediaType))
        for d in graph.objects(datasets[0], DCAT.distribution)
    }
    assert {m.rsplit("/", 2)[-2] + "/" + m.rsplit("/", 1)[-1] for m in media} == {
        "text/csv",
        "application/json",
        "application/ld+json",
    }
    shapes = Graph().parse(SHAPES, format="turtle")
    conforms, _graph, report = validate(
        graph, shacl_graph=shapes, inference="none", allow_warnings=False
    )
    assert conforms, report


def test_a_page_without_controller_publishes_every_public_activity(client):
    from home.demo.register import ensure_register_page

    ocmw = OrganisationFactory(name="OCMW Alle")
    _activity("ALLE-1", ocmw)
    _activity("ALLE-2", ocmw, public=False)
    page = ensure_register_page()
    _response, text = _get(client, page.url + "export.json")
    payload = json.loads(text)
    assert payload["controller"] is None
    assert [r["reference"] for r in payload["activities"]] == ["ALLE-1"]
