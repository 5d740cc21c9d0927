"""The Dutch catalogues are complete and their committed .mo files are current.

The .mo files are committed so a fresh machine needs no GNU gettext; this test
catches a .po edited without recompiling (run `make messages`).
"""

import gettext
from pathlib import Path

import polib
import pytest

ROOT = Path(__file__).resolve().parents[2]
CATALOGUES = sorted(
    path
    for path in ROOT.glob("**/locale/nl/LC_MESSAGES/django.po")
    if ".venv" not in path.parts
)


def test_every_app_ships_a_dutch_catalogue():
    folders = {path.relative_to(ROOT).parts[0] for path in CATALOGUES}
    assert {"locale", "protocols_registry", "exchanges", "breaches"} <= folders


@pytest.mark.parametrize("po_path", CATALOGUES, ids=lambda p: str(p.relative_to(ROOT)))
def test_catalogue_is_translated_and_compiled(po_path):
    po = polib.pofile(str(po_path))
    untranslated = [entry.msgid for entry in po if not entry.translated()]
    assert not untranslated, f"untranslated in {po_path}: {untranslated[:5]}"
    with open(po_path.with_suffix(".mo"), "rb") as handle:
        compiled = gettext.GNUTranslations(handle)
    for entry in po:
        if entry.obsolete or entry.msgid_plural:
            continue
        key = f"{entry.msgctxt}\x04{entry.msgid}" if entry.msgctxt else entry.msgid
        assert compiled._catalog.get(key) == entry.msgstr, (
            f"{po_path.with_suffix('.mo')} is stale for {entry.msgid!r}: "
            "run make messages"
        )


def _framework_translations():
    """Django's and Wagtail's own Dutch words, by message id."""
    import django
    import wagtail

    words = {}
    for package in (django, wagtail):
        base = Path(package.__file__).parent
        for mo in base.glob("**/locale/nl/LC_MESSAGES/django.mo"):
            with open(mo, "rb") as handle:
                catalog = gettext.GNUTranslations(handle)._catalog
            for msgid, msgstr in catalog.items():
                if isinstance(msgid, str) and msgid:
                    words.setdefault(msgid, set()).add(msgstr)
    return words


# Rewordings made before this test; each renames the framework's word too, in the
# whole admin. Give them a context (pgettext) to take them off this list.
KNOWN_REWORDINGS = set()


def test_our_catalogues_do_not_reword_the_frameworks_messages():
    """Our catalogues come before Django's and Wagtail's: a message id they share
    gets our translation everywhere. Translating Wagtail's "Save" as "Bewaren"
    renamed every save button of the admin; use Wagtail's word or a context."""
    framework = _framework_translations()
    reworded = []
    for po_path in CATALOGUES:
        for entry in polib.pofile(str(po_path)):
            if entry.msgctxt or entry.msgid_plural or entry.msgid in KNOWN_REWORDINGS:
                continue
            theirs = framework.get(entry.msgid)
            if theirs and entry.msgstr not in theirs:
                reworded.append(
                    f"{po_path.relative_to(ROOT)}: {entry.msgid!r} -> "
                    f"{entry.msgstr!r}, the framework says {sorted(theirs)}"
                )
    assert not reworded, reworded
