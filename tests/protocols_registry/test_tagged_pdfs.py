"""The public PDFs are tagged PDF/UA-1: a structure tree with headings and table
header cells, the document language, a title shown in the window and the PDF/UA
claim in the XMP metadata. Checked with the ``pdfua`` checker and, where it does
not look, read back with pypdf. The protocol PDF holds the web page's sections in
the web page's order."""

import datetime
import html
import io
import re

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils.text import capfirst
from django.utils.translation import gettext
from pdfua import validate
from pypdf import PdfReader

from protocols_registry.decision_content import published_parts
from protocols_registry.models import OrganisationMember, Processor, ProtocolPage
from protocols_registry.pdf.protocol import decision_parts
from protocols_registry.pdf.register import render_register_pdf
from protocols_registry.register_export import COLUMNS
from protocols_registry.register_history import save_with_history
from protocols_registry.sections import SECTIONS
from tests.protocols_registry.test_register import complete_activity, own_organisation

pytestmark = pytest.mark.django_db

URL = "/protocollen/2024-vb-00591/"


@pytest.fixture
def seed(tmp_path, settings, monkeypatch):
    settings.DEMO_CREDENTIALS_FILE = tmp_path / "demo-credentials.txt"
    monkeypatch.delenv("DEMO_PASSWORD", raising=False)
    call_command("load_demo")
    return ProtocolPage.objects.get(reference="2024_VB_00591")


def _structure_types(reader):
    """Every structure type in the tag tree, in document order."""
    found = []

    def walk(node):
        node = node.get_object()
        if isinstance(node, list):
            for child in node:
                walk(child)
            return
        if not hasattr(node, "get"):
            return  # a marked-content id
        if "/S" in node:
            found.append(str(node["/S"]))
        if "/K" in node:
            walk(node["/K"])

    walk(reader.trailer["/Root"]["/StructTreeRoot"])
    return found


def _outline(reader, entries=None, depth=0):
    """(depth, title) of every bookmark."""
    result = []
    for entry in reader.outline if entries is None else entries:
        if isinstance(entry, list):
            result += _outline(reader, entry, depth + 1)
        else:
            result.append((depth, str(entry["/Title"])))
    return result


def assert_pdf_ua(content, tmp_path, title_start):
    """The PDF/UA-1 properties of ``content``, by the checker and read back."""
    target = tmp_path / "document.pdf"
    target.write_bytes(content)
    report = validate(str(target))
    assert report.findings == (), [f.message for f in report.findings]
    assert len(report.outcomes) - len(report.skipped) >= 10  # it did look

    reader = PdfReader(io.BytesIO(content))
    root = reader.trailer["/Root"]
    assert bool(root["/MarkInfo"]["/Marked"])
    assert str(root["/Lang"]).startswith("nl")
    assert bool(root["/ViewerPreferences"]["/DisplayDocTitle"])
    assert reader.metadata.title.startswith(title_start)
    xmp = root["/Metadata"].get_object().get_data().decode()
    assert re.search(r"<pdfuaid:part>1</pdfuaid:part>", xmp)
    assert title_start in html.unescape(xmp)
    types = _structure_types(reader)
    assert "/H1" in types
    return reader, types


def _page_headings(client):
    """The section headings of the protocol on the web page, in order. The
    page's own guidance around it ("what this means for you", the version
    history) is about the page, not part of the approved text the PDF holds."""
    page = client.get(URL).content.decode()
    return [
        html.unescape(re.sub(r"<[^>]+>", "", heading)).strip()
        for heading in re.findall(
            r'<h2 id="(?!toc-|voor-u-|versies-)[\w-]+-heading">(.*?)</h2>', page, re.S
        )
    ]


def test_protocol_pdf_is_pdf_ua_with_the_pages_sections_in_order(
    client, seed, tmp_path
):
    response = client.get(URL + "pdf/")
    assert response.status_code == 200
    reader, types = assert_pdf_ua(response.content, tmp_path, "2024_VB_00591")
    assert "/TH" in types and "/Table" in types  # parties, advices, data items
    assert "/L" in types and "/LI" in types  # exchange steps, facts

    expected = [str(heading) for _anchor, heading, _fields in SECTIONS]
    assert _page_headings(client) == expected
    bookmarks = [title for depth, title in _outline(reader) if depth == 0]
    assert bookmarks == expected
    text = re.sub(r"\s+", " ", " ".join(p.extract_text() for p in reader.pages))
    for heading in expected:
        assert heading in text, heading
    # The structure tree has one H1 per section, and the decision beneath it.
    assert types.count("/H1") == len(expected)
    assert "/H2" in types

    # The date of the published revision, not of the download.
    created = reader.metadata.creation_date
    published = seed.last_published_at.astimezone(datetime.UTC)
    assert created.replace(tzinfo=datetime.UTC) == published.replace(microsecond=0)


def test_page_and_pdf_publish_the_same_parts_of_the_decision(client, seed):
    """The seed decision, whole: every part the page shows under its own heading
    (members present, competent and involved members, legal framework,
    motivation, the articles) is in the PDF too, under the same heading and in
    the same order."""
    decision = seed.approving_decisions()[0]
    parts = decision_parts(decision)
    page = client.get(URL).content.decode()
    page_headings = [html.unescape(h) for h in re.findall(r"<h4>([^<]+)</h4>", page)]
    assert [label for label, _value in parts] == [
        h for h in page_headings if h in {label for label, _v in parts}
    ]
    keys = [part.key for part in published_parts(decision)]
    for key in ("members_present", "competent_member", "involved_members"):
        assert key in keys, key
    for key in ("legal_framework", "motivation", "decision"):
        assert key in keys, key

    response = client.get(URL + "pdf/")
    reader = PdfReader(io.BytesIO(response.content))
    text = re.sub(r"\s+", " ", " ".join(p.extract_text() for p in reader.pages))
    position = text.index(gettext("Approval and DPO advices"))
    for label, value in parts:
        # Each part's heading, then its first line, after the previous part.
        position = text.index(label, position)
        position = text.index(re.sub(r"\s+", " ", value.splitlines()[0]), position)
    assert "Artikel 1" in text
    section = gettext("Approval and DPO advices")
    after = [title for _depth, title in _outline(reader)]
    assert after.index(section) < after.index(parts[0][0])


def test_register_pdf_is_pdf_ua(client, dpo_user, tmp_path):
    # The DPO exports the register of the organisation they belong to.
    OrganisationMember.objects.create(user=dpo_user, organisation=own_organisation())
    complete_activity("VA-061", name='Een "naam" met #tekens en \\ streep')
    save_with_history(
        Processor(
            name="Hosting Voorbeeld",
            processing_description="Hosting",
            controller=own_organisation(),
        ),
        user=None,
        reason="",
    )
    client.force_login(dpo_user)
    response = client.get(
        reverse("protocols_registry_admin:register_export", args=["pdf"])
    )
    # Built by the (immediate) task and served as a stored file.
    body = response.getvalue()
    reader, types = assert_pdf_ua(
        body, tmp_path, gettext("Register of processing activities")
    )
    outline = _outline(reader)
    assert outline[0] == (0, 'VA-061 – Een "naam" met #tekens en \\ streep')
    assert (0, gettext("Annex: processors")) in outline
    assert "/TOC" in types or "/TOCI" in types  # the contents are tagged too


def test_the_checker_catches_an_untagged_pdf(tmp_path):
    """Guard against an inert checker: reportlab's untagged PDF fails it."""
    from reportlab.platypus import Paragraph

    from protocols_registry.pdf.base import build_styles, render_document

    content = render_document(
        [Paragraph("Ongetagd", build_styles()["body"])], title="Ongetagd"
    )
    target = tmp_path / "untagged.pdf"
    target.write_bytes(content)
    assert validate(str(target)).findings


def test_register_pdf_prints_each_fact_as_a_label_and_its_value_cheaply():
    """Each activity is its heading and a line per fact, "label: value", every
    printed column of the export. Issue 22: a description list per activity made
    four structure elements per fact (150 000 at 1 000 activities, some 150 per
    activity) and most of the build time; a paragraph makes one."""
    complete_activity("VA-062")
    complete_activity("VA-063", name="Tweede activiteit")
    content = render_register_pdf(organisation_name="OCMW Test", version="1")
    reader = PdfReader(io.BytesIO(content))
    text = "\n".join(page.extract_text() for page in reader.pages)

    printed = [column for column in COLUMNS if column[0] not in ("reference", "name")]
    for _key, label, letter, _getter in printed:
        prefix = f"({letter}) " if letter else ""
        assert text.count(f"{prefix}{capfirst(label)}: ") == 2, label
    assert "(b) Doeleinden: Cliënten tijdig contacteren." in text
    assert "Volgende herziening: 01/01/2099" in text

    types = _structure_types(reader)
    assert types.count("/H1") == 2 + 2  # the activities, the contents, the annex
    assert len(types) < 50, types  # description lists: over 300
