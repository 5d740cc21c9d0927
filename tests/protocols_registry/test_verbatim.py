"""The demo publishes the seed protocol word for word (DESIGN: "the published protocol
is the approved text, word for word").

The seed text (seed/, a copy of the public decision 2024_VB_00591 with its protocol)
is cut into its recitals and articles; each is compared, whitespace-normalised, with
what the demo's protocol page shows in the matching section. Only layout is
normalised: list markers, the bold markers and the angle brackets around the link
of the text file; every word and every punctuation mark must match.
"""

import html
import re
from pathlib import Path

import pytest
from django.core.management import call_command

from protocols_registry.models import ProtocolPage

pytestmark = pytest.mark.django_db

SEED = (
    Path(__file__).parent
    / "seed"
    / "2024_VB_00591-protocol-OCMW-Gent-Thuispunt-Gent.txt"
)
URL = "/protocollen/2024-vb-00591/"
ARTICLE = re.compile(r"^Artikel (\d+)[:.] ", re.M)


def seed_lines():
    lines = SEED.read_text(encoding="utf-8").splitlines()
    # The protocol starts after the decision, at its own title.
    start = next(n for n, line in enumerate(lines) if line.startswith("PROTOCOL VOOR"))
    return lines[start:]


def between(lines, first, last):
    """The lines after the one starting with ``first`` up to the one starting with
    ``last`` (both excluded)."""
    start = next(n for n, line in enumerate(lines) if line.startswith(first))
    end = next(n for n, line in enumerate(lines) if n > start and line.startswith(last))
    return lines[start + 1 : end]


def plain(lines):
    """Seed text without the text file's layout marks, whitespace collapsed."""
    words = []
    for line in lines:
        line = re.sub(r"^\s*- o ", "", line)
        line = re.sub(r"^\s*- ", "", line)
        line = line.replace("**", "")
        line = re.sub(r"<(https?://[^>]+)>", r"\1", line)
        words.append(line)
    return " ".join(" ".join(words).split())


def seed_articles():
    lines = seed_lines()
    heads = [n for n, line in enumerate(lines) if ARTICLE.match(line)]
    closing = next(n for n, line in enumerate(lines) if line.startswith("Opgemaakt"))
    articles = {}
    for position, start in enumerate(heads):
        end = heads[position + 1] if position + 1 < len(heads) else closing
        number = int(ARTICLE.match(lines[start]).group(1))
        articles[number] = lines[start + 1 : end]
    return articles


def page_text(fragment):
    """What a reader sees of an HTML fragment, whitespace collapsed."""
    fragment = re.sub(
        r"</?(p|li|ul|ol|br|h\d|td|tr|th|table|div)\b[^>]*>", " ", fragment
    )
    fragment = re.sub(r"<[^>]+>", "", fragment)
    return " ".join(html.unescape(fragment).split())


def section(page_html, anchor):
    match = re.search(
        rf'<section id="{anchor}"[^>]*>(.*?)</section>', page_html, flags=re.S
    )
    assert match, anchor
    return match.group(1)


def rich_text(page_html, anchor):
    """The protocol's own words in a section: its rich-text blocks, in order."""
    blocks = re.findall(
        r'<div class="rich-text">(.*?)</div>', section(page_html, anchor), flags=re.S
    )
    return " ".join(page_text(block) for block in blocks).strip()


@pytest.fixture
def page_html(client, tmp_path, settings, monkeypatch):
    settings.DEMO_CREDENTIALS_FILE = tmp_path / "demo-credentials.txt"
    monkeypatch.delenv("DEMO_PASSWORD", raising=False)
    call_command("load_demo")
    response = client.get(URL)
    assert response.status_code == 200
    return response.content.decode()


def test_the_seed_copy_is_the_shared_seed():
    # The copy the tests read must be the real text, not an edited one.
    assert "Slecht een beperkt aantal" in SEED.read_text(encoding="utf-8")
    assert sorted(seed_articles()) == list(range(1, 13))


@pytest.mark.parametrize(
    "number", [n for n in range(1, 13) if n != 3], ids=lambda n: f"artikel-{n}"
)
def test_every_article_is_the_seed_text(page_html, number):
    assert rich_text(page_html, f"artikel-{number}") == plain(seed_articles()[number])


def test_article_3_text_and_table_are_the_seed_text(page_html):
    lines = seed_articles()[3]
    table_start = next(
        n for n, line in enumerate(lines) if line.startswith("Gegeven 1")
    )
    table_end = next(
        n for n, line in enumerate(lines) if line.startswith("De gedeelde")
    )
    assert rich_text(page_html, "artikel-3") == plain(
        lines[:table_start] + lines[table_end:]
    )
    # The table: the values of the seed's rows (after the template's hints).
    values = [
        line.split("\t", 1)[1].strip()
        for line in lines[table_start:table_end]
        if "\t" in line and line.split("\t", 1)[1].strip()
    ]
    cells = [
        page_text(cell)
        for cell in re.findall(
            r"<td>(.*?)</td>", section(page_html, "artikel-3"), flags=re.S
        )
    ]
    data_items = ProtocolPage.objects.get(reference="2024_VB_00591").data_items.all()
    shown = [(item.data, item.proportionality) for item in data_items]
    assert [value for pair in shown for value in pair] == values
    for value in values:
        assert value in cells


def test_recitals_are_the_seed_text(page_html):
    lines = seed_lines()
    intro = between(lines, "In het kader van", "TUSSEN")
    recitals = between(lines, "NA TE HEBBEN UITEENGEZET", "C2.")
    continued = between(lines, "C3.", "WORDT OVEREENGEKOMEN")
    assert rich_text(page_html, "overwegingen") == plain(
        ["In het kader van"] + intro + recitals
    )
    assert rich_text(page_html, "dienstenintegrator") == plain(continued)


def test_data_flow_and_exchange_procedure_are_the_seed_text(page_html):
    lines = between(seed_lines(), "C2.", "C3.")
    steps_start = next(n for n, line in enumerate(lines) if line.startswith("1. "))
    steps_end = next(n for n, line in enumerate(lines) if line.startswith("Aangezien"))
    assert rich_text(page_html, "gegevensstroom") == plain(lines[:steps_start])
    steps = [
        re.sub(r"^\d+\. ", "", line) for line in lines[steps_start:steps_end] if line
    ]
    shown = re.findall(
        r"<li>(.*?)</li>", section(page_html, "uitwisselingsproces"), flags=re.S
    )
    assert [page_text(step) for step in shown] == steps
    assert rich_text(page_html, "uitwisselingsproces") == plain(lines[steps_end:])


def test_the_closing_words_are_the_seed_text_and_the_date_stays_blank(page_html):
    closing = next(line for line in seed_lines() if line.startswith("Opgemaakt"))
    signing = page_text(section(page_html, "ondertekening"))
    assert closing in signing
    assert "Ondertekend te" not in signing


def test_the_seed_is_shown_approved_but_not_signed(page_html):
    seed = ProtocolPage.objects.get(reference="2024_VB_00591")
    assert seed.status == "approved_unsigned" and seed.in_force_from is None
    header = page_text(page_html.split('<p class="lead"', 1)[0])
    assert "goedgekeurd, nog niet ondertekend" in header
    assert "De datum van inwerkingtreding staat niet in het protocol." in header
    # The text dates from its approval, not from the day the demo was loaded.
    assert seed.text_changed_on.isoformat() == "2024-09-19"
    assert header.count("19 september 2024") == 2  # approved on, last change
