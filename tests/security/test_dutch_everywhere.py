"""Dutch everywhere: every page each role may see, in Dutch, shows none of the
project's own English source strings.

The English strings are the msgids of the project's .po files whose Dutch
translation differs; a page that shows one forgot a translation (a template
without {% translate %}, a label missing from the .po, a code shown raw). The URLs
and sample objects are those of the URL matrix (tests/security/test_url_matrix.py).
"""

import re
from html.parser import HTMLParser
from pathlib import Path

import polib
import pytest
from django.conf import settings

from tests.helpers import close_file
from tests.security import url_matrix
from tests.security.test_url_matrix import Samples, client_for

pytestmark = pytest.mark.django_db

ROOT = Path(settings.BASE_DIR)
CATALOGS = [
    ROOT / "locale/nl/LC_MESSAGES/django.po",
    ROOT / "protocols_registry/locale/nl/LC_MESSAGES/django.po",
    ROOT / "exchanges/locale/nl/LC_MESSAGES/django.po",
    ROOT / "breaches/locale/nl/LC_MESSAGES/django.po",
]
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]|\{\{?[^}]*\}?\}|<[^>]+>")
# Phrases that are English and Dutch alike, or names, once normalised.
SAME_IN_BOTH = set()


def _normal(text):
    return " ".join(text.split()).casefold()


def english_phrases():
    """Literal runs of at least two words and twelve characters of every msgid
    whose Dutch text is different, and that no Dutch text of ours contains."""
    phrases = set()
    dutch_texts = []
    for path in CATALOGS:
        for entry in polib.pofile(str(path)):
            if entry.obsolete or "fuzzy" in entry.flags:
                continue
            translations = (
                list(entry.msgstr_plural.values())
                if entry.msgid_plural
                else [entry.msgstr]
            )
            dutch_texts += [_normal(t) for t in translations if t]
            for msgid in filter(None, (entry.msgid, entry.msgid_plural)):
                if not any(t and _normal(t) != _normal(msgid) for t in translations):
                    continue
                for run in PLACEHOLDER.split(msgid):
                    run = _normal(run.strip(" .,:;()–-·"))
                    if len(run) >= 12 and " " in run:
                        phrases.add(run)
    dutch = "\n".join(dutch_texts)
    return {
        phrase
        for phrase in phrases
        if phrase not in dutch and phrase not in SAME_IN_BOTH
    }


class _VisibleText(HTMLParser):
    """Text a person sees or hears: text nodes outside script/style/template, and
    the title, alt, placeholder and aria-label attributes."""

    HIDDEN = {"script", "style", "template", "noscript"}
    ATTRIBUTES = {"title", "alt", "placeholder", "aria-label"}

    def __init__(self):
        super().__init__()
        self.parts = []
        self.hidden = 0

    def handle_starttag(self, tag, attrs):
        if tag in self.HIDDEN:
            self.hidden += 1
        self.parts += [value for name, value in attrs if name in self.ATTRIBUTES]

    def handle_endtag(self, tag):
        if tag in self.HIDDEN and self.hidden:
            self.hidden -= 1

    def handle_data(self, data):
        if not self.hidden:
            self.parts.append(data)


def visible_text(html):
    parser = _VisibleText()
    parser.feed(html)
    return _normal(" ".join(p for p in parser.parts if p))


def stored_names():
    """Text that is data, not a source string: the roles' group names (identifiers
    the code and settings refer to) and Django's permission names, written in
    English into the database at migrate time and shown as they are by Wagtail's
    user and group screens. Both are known gaps, named here rather than hidden."""
    from django.contrib.auth.models import Group, Permission

    names = {_normal(name) for name in Group.objects.values_list("name", flat=True)}
    names |= {
        _normal(name) for name in Permission.objects.values_list("name", flat=True)
    }
    return sorted(names, key=len, reverse=True)


def without(text, names):
    for name in names:
        text = text.replace(name, " ")
    return text


def test_the_english_phrases_are_found():
    phrases = english_phrases()
    assert len(phrases) > 200
    assert "the chain has not been verified yet" in phrases
    assert "not complete. these mandatory elements are empty" in phrases


def test_visible_text_leaves_scripts_out():
    html = (
        '<p title="Some title">Hello <b>world</b></p><script>var x = "Chain"'
        "</script><style>p{}</style>"
    )
    assert visible_text(html) == "some title hello world"


@pytest.mark.parametrize("role", url_matrix.ROLES)
def test_every_page_a_role_sees_is_in_dutch(role, settings):
    settings.AXES_ENABLED = False  # hundreds of requests from one address
    phrases = english_phrases()
    samples = Samples()
    client = client_for(role, samples)
    urls = {}
    for route in url_matrix.enumerate_routes():
        url = url_matrix.concrete_url(route, samples)
        if url is not None and not route.route.startswith("accounts/logout"):
            urls[route.key] = url
    urls.update(url_matrix.page_urls(samples))
    names = stored_names()
    problems = []
    visited = 0
    for key, url in sorted(urls.items()):
        if url.startswith("/en/"):
            continue
        response = client.get(url)
        if getattr(response, "streaming", False):
            close_file(response)
            continue
        if response.status_code != 200:
            continue
        if not response.get("Content-Type", "").startswith("text/html"):
            continue
        visited += 1
        text = without(visible_text(response.content.decode()), names)
        problems += [
            f"{url} ({key}): “{phrase}”" for phrase in sorted(phrases) if phrase in text
        ]
    assert visited > (5 if role == "anonymous" else 20)
    assert not problems, "English on Dutch pages:\n" + "\n".join(problems)
