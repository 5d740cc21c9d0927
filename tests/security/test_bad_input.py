"""Hostile and random input to every public form and to the list import: never a
server error, nothing changed on error, user input escaped on public pages."""

import string

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from exchanges import services
from exchanges.list_import import ListFileError, parse_list
from exchanges.models import Payload
from protocols_registry.models import ProtocolPage

pytestmark = pytest.mark.django_db

HOSTILE = st.one_of(
    st.text(max_size=300),
    st.sampled_from(
        [
            "<script>alert(1)</script>",
            "\"'><img src=x onerror=alert(1)>",
            "../../etc/passwd",
            "%00",
            "' OR 1=1 --",
            "\u202e\u0000",
            "0" * 5000,
            "🙂" * 50,
            "{{ 7*7 }}",
        ]
    ),
)
QUICK = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.fixture
def public_site(db):
    from home.demo.register import ensure_register_page
    from tests.factories import build_protocol

    build_protocol(title="Openbaar protocol")
    ensure_register_page()


@QUICK
@given(
    q=HOSTILE, party=HOSTILE, status=HOSTILE, year=HOSTILE, sort=HOSTILE, page=HOSTILE
)
def test_the_protocol_list_survives_any_query(
    public_site, q, party, status, year, sort, page
):
    client = Client()
    for url in ("/protocollen/", "/protocollen/export.json", "/protocollen/feed/"):
        response = client.get(
            url,
            {
                "q": q,
                "party": party,
                "status": status,
                "year": year,
                "sort": sort,
                "page": page,
            },
        )
        assert response.status_code == 200, url
    html = client.get("/protocollen/", {"q": q}).content.decode()
    assert "<script>alert(1)</script>" not in html
    assert "onerror=alert(1)>" not in html


@QUICK
@given(department=HOSTILE, basis=HOSTILE, subjects=HOSTILE)
def test_the_public_register_survives_any_query(
    public_site, department, basis, subjects
):
    response = Client().get(
        "/verwerkingsregister/",
        {"department": department, "lawful_basis": basis, "subjects": subjects},
    )
    assert response.status_code == 200


@QUICK
@given(reference=st.text(alphabet=string.printable, min_size=1, max_size=60))
def test_unknown_activity_and_protocol_paths_answer_404(public_site, reference):
    safe = "".join(c for c in reference if c.isalnum() or c in "-_") or "x"
    assert Client().get(f"/verwerkingsregister/{safe}/").status_code == 404
    assert Client().get(f"/protocollen/{safe}-x/").status_code == 404


@pytest.fixture
def link_url(db):
    from tests.conftest import make_user
    from tests.exchanges.conftest import make_transfer
    from tests.factories import build_protocol

    officer = make_user("officer-fuzz", "Exchange officer")
    transfer = make_transfer(build_protocol(), officer)
    _link, token = services.create_upload_link(
        transfer, user=officer, max_size=64 * 1024
    )
    return f"/uitwisseling/upload/{token}/"


@QUICK
@given(content=st.binary(max_size=4096), name=HOSTILE)
def test_the_upload_page_refuses_junk_without_error(link_url, content, name):
    from django.core.exceptions import SuspiciousFileOperation

    try:
        upload = SimpleUploadedFile(name[:100] or "x", content)
    except SuspiciousFileOperation:
        assume(False)  # Django's test client cannot even send such a name
    response = Client().post(link_url, {"file": upload})
    assert response.status_code in (200, 400, 404, 409)
    if response.status_code != 200:
        assert not Payload.objects.exists()


@QUICK
@given(fields=st.dictionaries(HOSTILE, HOSTILE, max_size=5))
def test_the_upload_page_survives_any_form(link_url, fields):
    response = Client().post(link_url, fields)
    assert response.status_code in (400, 404)
    assert not Payload.objects.exists()


@QUICK
@given(content=st.binary(max_size=2048), file_type=st.sampled_from(["csv", "xlsx"]))
def test_the_list_parser_never_crashes(content, file_type):
    try:
        result = parse_list(content, file_type)
    except ListFileError:
        return
    assert isinstance(result.rows, list) and isinstance(result.problems, list)


@QUICK
@given(rows=st.lists(st.lists(HOSTILE, min_size=0, max_size=9), max_size=6))
def test_random_csv_rows_give_problems_not_errors(rows):
    header = (
        "Naam;Voornaam;Rijksregisternummer;Status dossier CIR;Datum uitnodigingsbrief"
    )
    body = "\n".join(
        ";".join(cell.replace(";", ",").replace("\n", " ") for cell in row)
        for row in rows
    )
    try:
        result = parse_list((header + "\n" + body).encode("utf-8", "replace"), "csv")
    except ListFileError:
        return
    assert len(result.rows) + len({p.row for p in result.problems}) <= len(rows) + 1


def test_protocol_content_is_escaped_on_public_pages(client):
    from tests.factories import build_protocol

    page = build_protocol(title="Titel <script>alert('x')</script>")
    page.summary = "<img src=x onerror=alert(1)>"
    page.save_revision().publish()
    html = client.get(ProtocolPage.objects.get(pk=page.pk).url).content.decode()
    assert "<script>alert('x')</script>" not in html
    assert "<img src=x onerror=alert(1)>" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html
