"""Signed tree heads: the log's history witnessed outside the database.

The two rewrites a database administrator can make without breaking the hash chain
(cut the newest events; change an event and recompute every later hash) pass
`verify_audit_log` on its own; against a head kept elsewhere, both are caught.
"""

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, transaction

from exchanges import audit, audit_heads, merkle
from exchanges.models import AuditEvent, AuditVerification, SignedTreeHead
from protocols_registry import roles
from tests.conftest import make_user

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def head_dir(tmp_path, settings):
    settings.EXCHANGES_AUDIT_HEAD_DIR = str(tmp_path / "heads")
    return tmp_path / "heads"


def append(count):
    with transaction.atomic():
        for n in range(count):
            audit.record("test.event", actor="test", details={"n": n})


def publish(**options):
    call_command("publish_audit_head", stdout=io.StringIO(), **options)


def verify(*against):
    call_command("verify_audit_log", against=list(against), stdout=io.StringIO())


def raw(sql, params=()):
    """Write the audit table behind the application's back, as its owner can."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE exchanges_auditevent DISABLE TRIGGER USER")
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE exchanges_auditevent ENABLE TRIGGER USER")


def held_copy(tmp_path):
    """What a citizen or the other party keeps: today's head, in a file of theirs."""
    copy = tmp_path / "my-copy.checkpoint"
    copy.write_text(SignedTreeHead.objects.latest().note)
    return copy


def chain_checks_out():
    """Both modes of the chain verification, as the nightly job runs them."""
    return audit.verify_chain()[0] and audit.verify_chain(in_python=True)[0]


# --- the two rewrites ------------------------------------------------------------------


def test_cutting_the_newest_events_is_caught_against_a_held_head(tmp_path, head_dir):
    append(80)
    publish()
    copy = held_copy(tmp_path)
    # The attack: the last five events, the stored verifications and the database's
    # own heads go; what is left is a perfect chain.
    raw("DELETE FROM exchanges_auditevent WHERE sequence > 75")
    AuditVerification.objects.all().delete()
    SignedTreeHead.objects.all().delete()
    assert chain_checks_out()
    with pytest.raises(CommandError, match="fewer than the 80 of the signed head"):
        verify(str(copy))
    # The nightly run finds it too, against the folder's copy.
    with pytest.raises(CommandError, match="folder"):
        verify()
    # And the log refuses to sign a head over the shortened log.
    with pytest.raises(CommandError, match="Head not signed"):
        publish()
    assert not SignedTreeHead.objects.exists()


def rewrite_event(sequence, details):
    """Change one event and recompute its hash and every later one, and the stored
    head of the last verification: a chain that checks out again."""
    events = list(AuditEvent.objects.order_by("sequence"))
    prev_hash = events[sequence - 2].hash if sequence > 1 else audit.GENESIS
    for event in events[sequence - 1 :]:
        if event.sequence == sequence:
            event.details = details
        audit.seal(event, prev_hash)
        prev_hash = event.hash
        raw(
            "UPDATE exchanges_auditevent SET details = %s, canonical_details = %s, "
            "prev_hash = %s, hash = %s WHERE id = %s",
            [
                json.dumps(event.details),
                event.canonical_details,
                event.prev_hash,
                event.hash,
                event.pk,
            ],
        )
    rewritten = {event.sequence: event.hash for event in events}
    for verification in AuditVerification.objects.filter(last_sequence__isnull=False):
        verification.last_hash = rewritten[verification.last_sequence]
        verification.save(update_fields=["last_hash"])


def test_rewriting_an_event_and_every_later_hash_is_caught(tmp_path, head_dir):
    append(100)
    publish()
    copy = held_copy(tmp_path)
    append(5)
    rewrite_event(60, {"n": "rewritten"})
    SignedTreeHead.objects.all().delete()
    assert chain_checks_out()
    with pytest.raises(CommandError, match="first 100 events"):
        verify(str(copy))
    with pytest.raises(CommandError, match="Head not signed"):
        publish()


def test_an_honest_log_extends_every_head_it_signed(tmp_path, head_dir, capsys):
    append(7)
    publish()
    first = held_copy(tmp_path)
    append(13)
    publish()
    call_command("verify_audit_log", against=[str(first)])
    out = capsys.readouterr().out
    assert "extends the head of 7 events" in out and "Audit log OK." in out
    assert sorted(path.name for path in head_dir.iterdir()) == [
        "00000000000000000007.checkpoint",
        "00000000000000000020.checkpoint",
    ]
    assert list(SignedTreeHead.objects.values_list("tree_size", flat=True)) == [20, 7]


def test_the_head_is_a_checkpoint_of_the_log_as_it_is(head_dir):
    append(5)
    publish()
    head = SignedTreeHead.objects.get()
    origin, size, root_b64 = head.note.split("\n")[:3]
    assert origin == audit_heads.origin() and size == "5"
    assert (
        root_b64
        == __import__("base64")
        .b64encode(merkle.root(audit_heads.leaf_hashes()))
        .decode()
    )
    assert (head_dir / "00000000000000000005.checkpoint").read_text() == head.note
    assert head.published_to == ["database", "folder"]


def test_a_folder_copy_is_never_replaced(head_dir):
    from exchanges.audit_sinks import FolderSink, HeadConflict

    sink = FolderSink(head_dir)
    sink.write(3, "first\n")
    sink.write(3, "first\n")  # the same head again: nothing to do
    with pytest.raises(HeadConflict):
        sink.write(3, "another\n")
    assert sink.latest() == "first\n"


def test_heads_removed_from_the_database_stop_the_signing(head_dir):
    append(3)
    publish()
    append(2)
    SignedTreeHead.objects.all().delete()
    with pytest.raises(
        CommandError, match="signed heads were removed from the database"
    ):
        publish()
    assert not SignedTreeHead.objects.exists()


def test_a_head_signed_with_another_key_proves_nothing(tmp_path, head_dir, settings):
    append(4)
    publish()
    copy = held_copy(tmp_path)
    from exchanges import signing

    other = tmp_path / "other.pem"
    signing.create_signing_key(other)
    settings.EXCHANGES_AUDIT_LOG_KEY_FILE = str(other)
    with pytest.raises(CommandError, match="lacks the log's signatures"):
        verify(str(copy))


# --- proofs for auditors, checked offline ------------------------------------------------


def run_offline_verifier(tmp_path, bundle):
    """The shipped verifier in a fresh interpreter that cannot import Django: an
    auditor's machine needs only Python and cryptography."""
    bundle_file = tmp_path / "bundle.json"
    bundle_file.write_text(json.dumps(bundle))
    key_file = tmp_path / "log.vkey"
    key_file.write_text(bundle["verifier_key"])
    script = (
        "import runpy, sys; sys.modules['django'] = None; "
        f"sys.argv = ['tlog_verify', '--key', {str(key_file)!r}, {str(bundle_file)!r}]; "
        f"runpy.run_path({str(ROOT / 'exchanges' / 'tlog_verify.py')!r}, run_name='__main__')"
    )
    return subprocess.run(
        [sys.executable, "-I", "-c", script],
        capture_output=True,
        text=True,
        check=False,
    )


def test_an_event_proof_is_checked_offline(tmp_path, head_dir):
    append(9)
    publish()
    older = held_copy(tmp_path)
    append(30)
    publish()
    out = tmp_path / "proof.json"
    call_command("audit_proof", 25, since=str(older), output=str(out))
    bundle = json.loads(out.read_text())
    result = run_offline_verifier(tmp_path, bundle)
    assert result.returncode == 0, result.stderr
    assert "Event #25 is in the signed head of 39 events" in result.stdout
    assert "extends the older head of 9 events" in result.stdout

    tampered = {**bundle, "entry": bundle["entry"].replace('"n":15', '"n":16')}
    assert tampered != bundle
    result = run_offline_verifier(tmp_path, tampered)
    assert result.returncode == 1 and "NOT VERIFIED" in result.stderr


def test_a_proof_of_an_event_after_the_newest_head_is_refused(head_dir):
    append(3)
    publish()
    append(1)
    with pytest.raises(CommandError, match="not in the head of 3 events"):
        call_command("audit_proof", 4, stdout=io.StringIO())


# --- the public page, and the mail to the DPO and auditors ---------------------------------


def test_the_transparency_page_lists_signed_heads_for_anyone(client, head_dir):
    assert client.get("/protocollen/transparantie/checkpoint").status_code == 404
    append(6)
    publish()
    response = client.get("/protocollen/transparantie/")
    assert response.status_code == 200
    assert (
        "public" in response["Cache-Control"]
        and "max-age=300" in response["Cache-Control"]
    )
    page = response.content.decode()
    assert "Transparantie van het auditlogboek" in page
    assert str(audit_heads.verifier_key()) in page
    head = SignedTreeHead.objects.get()
    checkpoint = client.get("/protocollen/transparantie/checkpoint")
    assert checkpoint.content.decode() == head.note
    assert checkpoint["Content-Type"].startswith("text/plain")
    listed = client.get("/protocollen/transparantie/heads.json").json()
    assert [item["checkpoint"] for item in listed["heads"]] == [head.note]
    assert (
        client.get("/protocollen/transparantie/6.checkpoint").content.decode()
        == head.note
    )
    assert client.get("/en/protocollen/transparantie/").status_code == 200
    assert (
        "Transparency of the audit log"
        in client.get("/en/protocollen/transparantie/").content.decode()
    )


def test_verification_takes_a_head_from_a_url(
    live_server, tmp_path, head_dir, flushable_audit_log
):
    append(12)
    publish()
    url = f"{live_server.url}/protocollen/transparantie/checkpoint"
    raw("DELETE FROM exchanges_auditevent WHERE sequence > 10")
    with pytest.raises(CommandError, match="fewer than the 12"):
        verify(url)


def test_each_head_can_be_mailed_to_the_dpo_and_auditors(head_dir):
    dpo = make_user("dpo-heads", roles.DPO)
    auditor = make_user("auditor-heads", roles.AUDITOR)
    make_user("editor-heads", roles.EDITOR)
    append(2)
    publish(mail=True)
    assert sorted(message.to[0] for message in mail.outbox) == sorted(
        [dpo.email, auditor.email]
    )
    message = mail.outbox[0]
    assert "ondertekende stand" in message.subject
    assert SignedTreeHead.objects.get().note in message.body


# --- object storage with Object Lock (moto's S3 server) ---------------------------------

LOCKED = "audit-heads-test"


@pytest.fixture
def locked_bucket(s3_endpoint, settings):
    import boto3

    client = boto3.client(
        "s3",
        endpoint_url=s3_endpoint,
        region_name="us-east-1",
        aws_access_key_id="test",
        aws_secret_access_key="test",
    )
    client.create_bucket(Bucket=LOCKED, ObjectLockEnabledForBucket=True)
    settings.EXCHANGES_AUDIT_HEAD_BUCKET = {
        "bucket": LOCKED,
        "prefix": "heads/",
        "retention_days": 30,
        "endpoint_url": s3_endpoint,
        "region_name": "us-east-1",
        "aws_access_key_id": "test",
        "aws_secret_access_key": "test",
    }
    return client


def test_heads_go_to_object_storage_locked_in_compliance_mode(locked_bucket):
    append(4)
    publish()
    key = "heads/00000000000000000004.checkpoint"
    assert locked_bucket.head_object(Bucket=LOCKED, Key=key)["ObjectLockMode"] == (
        "COMPLIANCE"
    )
    stored = locked_bucket.get_object(Bucket=LOCKED, Key=key)
    assert stored["Body"].read().decode() == SignedTreeHead.objects.get().note
    # Not even the bucket's owner can remove the head before its retention ends,
    # with or without the right to bypass a governance-mode lock.
    for bypass in (False, True):
        with pytest.raises(locked_bucket.exceptions.ClientError, match="AccessDenied"):
            locked_bucket.delete_object(
                Bucket=LOCKED,
                Key=key,
                VersionId=stored["VersionId"],
                BypassGovernanceRetention=bypass,
            )
    # The database's heads gone, the bucket still holds one: no new head is signed.
    append(1)
    SignedTreeHead.objects.all().delete()
    with pytest.raises(CommandError, match="object storage"):
        publish()


def test_a_bucket_without_object_lock_is_refused(s3_endpoint, settings):
    import boto3

    client = boto3.client(
        "s3",
        endpoint_url=s3_endpoint,
        region_name="us-east-1",
        aws_access_key_id="test",
        aws_secret_access_key="test",
    )
    client.create_bucket(Bucket="no-lock")
    settings.EXCHANGES_AUDIT_HEAD_BUCKET = {
        "bucket": "no-lock",
        "endpoint_url": s3_endpoint,
        "region_name": "us-east-1",
        "aws_access_key_id": "test",
        "aws_secret_access_key": "test",
    }
    append(2)
    with pytest.raises(CommandError, match="object storage"):
        publish()
