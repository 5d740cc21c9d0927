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
    assert {"locale", "protocols_registry", "exchanges"} <= folders


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
