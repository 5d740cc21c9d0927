"""Backup and restore: a backup restored into an empty database gives the site back
(audit log intact, payload readable with the restored keys) minus the data whose
retention date has passed; a damaged backup or a non-empty database is refused; the
backup holds neither key material nor plaintext."""

import base64
import datetime
import hashlib
import io
import json
import os
import subprocess
import sys
import uuid
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.db.migrations.loader import MigrationLoader

from exchanges import crypto
from exchanges.conf import key_file_setting
from exchanges.models import AuditEvent, Transfer
from exchanges.storage import payload_storage
from protocols_registry.models import ProtocolDataItem, ProtocolPage
from tests.exchanges.conftest import attach_payload, expire, make_transfer
from tests.factories import OrganisationFactory, build_protocol
from tests.helpers import ensure_site

# Transactional: pg_dump and the restore's subprocess see only committed data.
pytestmark = pytest.mark.usefixtures("flushable_audit_log")

PROJECT_DIR = Path(__file__).resolve().parents[2]  # where manage.py is
MARKER = b"Geheimeplaintext7f3a"
KEPT_CONTENT = b"Naam;Voornaam\r\nBackuptest;" + MARKER + b"\r\n"
EXPIRED_CONTENT = b"Naam;Voornaam\r\nVerlopen;" + MARKER + b"-oud\r\n"

# Runs inside the restored site: reads the restored database, storage and keys.
PROBE = """
import hashlib, json, os
from exchanges import audit, services
from exchanges.models import DeletionEvidence, Payload, Transfer
from exchanges.storage import payload_storage
kept = Payload.objects.get(pk=os.environ["PROBE_KEPT"])
services.verify_payload(kept)
expired = Transfer.objects.get(pk=os.environ["PROBE_EXPIRED"])
gone = Payload.objects.get(transfer=expired)
print(json.dumps({
    "kept_file": payload_storage().exists(kept.storage_name),
    "kept_sha256": hashlib.sha256(b"".join(services.iter_plaintext(kept))).hexdigest(),
    "expired_status": expired.status,
    "expired_file": payload_storage().exists(gone.storage_name),
    "expired_key": gone.wrapped_key is not None,
    "evidence": sorted(
        DeletionEvidence.objects.filter(transfer=expired).values_list("subject", "reason")
    ),
    "chain": audit.verify_chain()[:2],
}))
"""


@pytest.fixture
def site(officer_user, settings, tmp_path):
    """A published protocol with two transfers, each with an encrypted file: one kept
    until 2099, one whose retention date (yesterday) has passed but that has not
    been deleted yet, as in a backup taken before the retention job ran."""
    # A media folder of its own: files other tests left behind stay out of it.
    settings.MEDIA_ROOT = tmp_path / "media"
    ensure_site()  # an earlier transactional test flushed the database
    protocol = build_protocol(parties=[OrganisationFactory(), OrganisationFactory()])
    # The factory's items end in 2037; the kept transfer must outlive any test run.
    ProtocolDataItem.objects.filter(page=protocol).update(
        retention_until=datetime.date(2099, 12, 31)
    )
    protocol = ProtocolPage.objects.get(pk=protocol.pk)
    decision = protocol.approving_decisions()[0]
    decision.signed_pdf.save("besluit.pdf", ContentFile(b"%PDF-1.4 signed decision"))
    kept = make_transfer(protocol, officer_user)
    expired = make_transfer(protocol, officer_user)
    expired_payload = attach_payload(expired, officer_user, content=EXPIRED_CONTENT)
    expire(expired)  # the clock passed its date; the job has not run yet
    return {
        "kept": attach_payload(kept, officer_user, content=KEPT_CONTENT),
        "expired": expired_payload,
        "decision_pdf": decision.signed_pdf.name,
    }


@pytest.fixture
def target(tmp_path):
    """The environment of a restored site: an empty database and an empty var/
    (media and keys), for manage.py in a subprocess."""
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "DJANGO_VAR_DIR": str(tmp_path / "restored-var"),
    }
    name = None
    if connection.vendor == "postgresql":
        name = f"pr_helper_restore_{uuid.uuid4().hex[:12]}"
        with connection.cursor() as cursor:
            cursor.execute(f"CREATE DATABASE {name}")
        url = urlsplit(os.environ["DATABASE_URL"])
        env["DATABASE_URL"] = url._replace(path=f"/{name}").geturl()
    yield env
    if name:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def manage(env, *args, extra_env=None):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=PROJECT_DIR,
        env={**env, **(extra_env or {})},
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=180,
    )


def back_up(tmp_path, keys=True):
    out = io.StringIO()
    args = ["--to", str(tmp_path / "backups")]
    if keys:
        args += ["--keys-to", str(tmp_path / "keys")]
    call_command("backup_site", *args, stdout=out)
    (folder,) = (tmp_path / "backups").iterdir()
    return folder, out.getvalue()


def restore_args(folder, tmp_path):
    keys = tmp_path / "keys" / folder.name
    return ["restore_site", "--from", str(folder), "--keys-from", str(keys), "--yes"]


def restore(env, folder, tmp_path):
    return manage(env, *restore_args(folder, tmp_path))


def restored_tables(env):
    result = manage(
        env,
        "shell",
        "-c",
        "from django.db import connection; "
        "print(len(connection.introspection.table_names()))",
    )
    assert result.returncode == 0, result.stderr
    return int(result.stdout.strip().splitlines()[-1])


def test_a_restore_into_an_empty_database_gives_the_site_back_minus_expired_data(
    site, target, tmp_path
):
    kept, expired = site["kept"], site["expired"]
    folder, output = back_up(tmp_path)
    assert "Backup written to" in output and "3 file(s)" in output

    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["database"]["vendor"] == connection.vendor
    newest = MigrationLoader(None).graph.leaf_nodes("exchanges")
    assert [("exchanges", manifest["migrations"]["exchanges"])] == newest
    head = AuditEvent.objects.order_by("-sequence").first()
    assert manifest["audit"] == {"last_sequence": head.sequence, "last_hash": head.hash}
    names = {entry["name"] for entry in manifest["files"]}
    assert names == {kept.storage_name, expired.storage_name, site["decision_pdf"]}
    # The expired transfer is still whole in the backup.
    assert Transfer.objects.get(pk=expired.transfer_id).status != "deleted"
    assert (folder / "files" / "default" / expired.storage_name).is_file()
    keys = tmp_path / "keys" / folder.name
    assert oct(keys.stat().st_mode & 0o777) == "0o700"
    assert {p.name: oct(p.stat().st_mode & 0o777) for p in keys.iterdir()} == {
        "master.keys": "0o600",
        "signing.pem": "0o600",
        "audit-log.pem": "0o600",
        "pseudonym.key": "0o600",
        "keys-manifest.json": "0o600",
    }

    result = restore(target, folder, tmp_path)
    assert result.returncode == 0, result.stderr
    assert "Audit log OK" in result.stdout
    assert f"Deleting {expired.transfer.reference}" in result.stdout
    assert "Ran enforce_retention" in result.stdout

    restored_var = Path(target["DJANGO_VAR_DIR"])
    for name, setting in (
        ("master.keys", "EXCHANGES_MASTER_KEY_FILE"),
        ("pseudonym.key", "EXCHANGES_PSEUDONYM_KEY_FILE"),
    ):
        restored_key = (restored_var / "keys" / name).read_bytes()
        assert restored_key == key_file_setting(setting).read_bytes()
    assert (restored_var / "media" / site["decision_pdf"]).is_file()
    probe = manage(
        target,
        "shell",
        "-c",
        PROBE,
        extra_env={
            "PROBE_KEPT": str(kept.pk),
            "PROBE_EXPIRED": str(expired.transfer_id),
        },
    )
    assert probe.returncode == 0, probe.stderr
    state = json.loads(probe.stdout.strip().splitlines()[-1])
    assert state["kept_file"] is True
    assert state["kept_sha256"] == hashlib.sha256(KEPT_CONTENT).hexdigest()
    assert state["expired_status"] == "deleted"
    assert state["expired_file"] is False and state["expired_key"] is False
    assert state["evidence"] == [["payload", "retention"], ["transfer", "retention"]]
    ok, checked = state["chain"]
    assert ok and checked == head.sequence + 2  # plus the deletion's two events


def test_a_tampered_file_makes_the_restore_refuse_and_change_nothing(
    site, target, tmp_path
):
    folder, _output = back_up(tmp_path)
    ciphertext = folder / "files" / "default" / site["kept"].storage_name
    data = bytearray(ciphertext.read_bytes())
    data[-1] ^= 0x01
    ciphertext.write_bytes(bytes(data))

    result = restore(target, folder, tmp_path)
    assert result.returncode != 0
    assert "does not match its SHA-256" in result.stderr
    assert "Nothing was changed" in result.stderr
    restored_var = Path(target["DJANGO_VAR_DIR"])
    assert not (restored_var / "keys").exists()
    assert not (restored_var / "media").exists() or not any(
        path.is_file() for path in (restored_var / "media").rglob("*")
    )
    assert restored_tables(target) == 0


def test_a_database_that_is_not_empty_is_refused(site, tmp_path):
    folder, _output = back_up(tmp_path)
    before = AuditEvent.objects.count()
    with pytest.raises(CommandError, match="not empty"):
        call_command(*restore_args(folder, tmp_path), stdout=io.StringIO())
    assert AuditEvent.objects.count() == before
    assert payload_storage().exists(site["kept"].storage_name)


def _backup_bytes(folder):
    """Every byte of the backup; a PostgreSQL dump is compressed, so it is read
    through pg_restore as the SQL it holds."""
    chunks = []
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            chunks.append(path.read_bytes())
        if path.name == "database.dump":
            chunks.append(
                subprocess.run(
                    ["pg_restore", "--file=-", str(path)],
                    capture_output=True,
                    check=True,
                ).stdout
            )
    return b"\n".join(chunks)


def test_the_backup_holds_no_key_material_and_no_plaintext(site, tmp_path):
    folder, output = back_up(tmp_path, keys=False)
    assert "keys are NOT in this backup" in output
    assert str(key_file_setting("EXCHANGES_MASTER_KEY_FILE")) in output
    assert str(key_file_setting("EXCHANGES_SIGNING_KEY_FILE")) in output
    assert str(key_file_setting("EXCHANGES_PSEUDONYM_KEY_FILE")) in output
    assert not (tmp_path / "keys").exists()

    content = _backup_bytes(folder)
    assert b"INSERT" in content or b"COPY" in content or b"SQLite" in content
    assert MARKER not in content
    master = crypto.load_keyring()[0]
    assert master.key not in content
    assert base64.b64encode(master.key) not in content
    pseudonym_key = crypto.load_pseudonym_key()
    assert pseudonym_key not in content
    assert base64.b64encode(pseudonym_key) not in content
    signing_pem = key_file_setting("EXCHANGES_SIGNING_KEY_FILE").read_bytes()
    pem_body = b"".join(signing_pem.strip().splitlines()[1:-1])
    assert pem_body not in content
    assert b"PRIVATE KEY" not in content


def test_the_keys_are_not_copied_into_the_backup_folder(site, tmp_path):
    with pytest.raises(CommandError, match="apart from --to"):
        call_command(
            "backup_site",
            "--to",
            str(tmp_path / "backups"),
            "--keys-to",
            str(tmp_path / "backups" / "keys"),
            stdout=io.StringIO(),
        )
    assert not (tmp_path / "backups").exists()
