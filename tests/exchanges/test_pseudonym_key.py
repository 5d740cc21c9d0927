"""Pseudonyms have their own key (not SECRET_KEY), made by create_keys like the
others; without it an import is refused and the deploy check says so."""

import base64
import io
import stat

import pytest
from django.core import checks
from django.core.management import call_command

from exchanges import crypto, worklist
from exchanges.list_import import parse_list
from exchanges.models import ListEntry
from tests.exchanges.conftest import attach_payload
from tests.exchanges.test_worklist import as_csv, person

NUMBER = "85073003328"


class Transfer:
    reference = "2024_VB_00591/1"


def test_the_pseudonym_depends_on_its_key_and_not_on_secret_key(settings):
    settings.EXCHANGES_PSEUDONYM_KEY = base64.b64encode(bytes(32)).decode()
    first = worklist.pseudonym(Transfer, NUMBER)
    settings.SECRET_KEY = "another-secret-key-" + "x" * 40
    assert worklist.pseudonym(Transfer, NUMBER) == first
    settings.EXCHANGES_PSEUDONYM_KEY = base64.b64encode(bytes(range(32))).decode()
    assert worklist.pseudonym(Transfer, NUMBER) != first


def test_create_keys_makes_an_owner_only_pseudonym_key_and_never_replaces_it(
    settings, tmp_path
):
    settings.EXCHANGES_PSEUDONYM_KEY = ""
    settings.EXCHANGES_PSEUDONYM_KEY_FILE = str(tmp_path / "keys" / "pseudonym.key")
    out = io.StringIO()
    call_command("create_keys", stdout=out)
    assert "Created pseudonym key file" in out.getvalue()
    path = tmp_path / "keys" / "pseudonym.key"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    key = crypto.load_pseudonym_key()
    assert len(key) == 32
    call_command("create_keys", stdout=io.StringIO())
    assert crypto.load_pseudonym_key() == key


@pytest.mark.parametrize(
    "value, file_name, message",
    [
        ("", None, "No pseudonym key"),
        ("", "missing.key", "does not exist .manage.py create_keys"),
        ("bm90IDMyIGJ5dGVz", None, "EXCHANGES_PSEUDONYM_KEY: expected the base64"),
    ],
)
def test_a_missing_or_bad_pseudonym_key_is_a_clear_deploy_error(
    settings, tmp_path, value, file_name, message
):
    settings.EXCHANGES_PSEUDONYM_KEY = value
    settings.EXCHANGES_PSEUDONYM_KEY_FILE = (
        str(tmp_path / file_name) if file_name else ""
    )
    with pytest.raises(crypto.KeyringError, match=message):
        crypto.load_pseudonym_key()
    errors = checks.run_checks(include_deployment_checks=True, tags=["security"])
    (error,) = [error for error in errors if error.id == "exchanges.E003"]
    assert "pseudonym key" in error.msg


@pytest.mark.django_db
def test_without_a_pseudonym_key_an_import_stores_nothing(
    settings, transfer, officer_user
):
    rows = [person(n) for n in range(1, 3)]
    attach_payload(transfer, officer_user, as_csv(rows))
    settings.EXCHANGES_PSEUDONYM_KEY = ""
    settings.EXCHANGES_PSEUDONYM_KEY_FILE = ""
    with pytest.raises(crypto.KeyringError, match="No pseudonym key"):
        worklist.import_list(
            transfer, parse_list(as_csv(rows), "csv"), user=officer_user
        )
    assert not ListEntry.objects.exists()
