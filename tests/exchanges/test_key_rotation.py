"""Master-key rotation loses nothing: every wrapped data key (payloads, worklist rows,
any future model) is re-wrapped, in resumable batches, and a key is retired only when
no row needs it; the multi-server procedure works step by step."""

import base64
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import models
from django.test.utils import isolate_apps

from exchanges import crypto, keyring, nrn, services, worklist
from exchanges.list_import import parse_list
from exchanges.models import AuditEvent, ListEntry, Payload
from tests.exchanges.conftest import attach_payload, make_transfer
from tests.exchanges.test_worklist import as_csv, person

pytestmark = pytest.mark.django_db

OLD = crypto.MasterKey("old", bytes(range(32)))
NEW = crypto.MasterKey("new", bytes(range(100, 132)))
PDF = b"%PDF-1.4 besluit zonder persoonsgegevens"


def env_keyring(*keys):
    return ",".join(crypto.key_line(key) for key in keys)


@pytest.fixture
def key_file(settings, tmp_path):
    """This server's keyring: a key file holding only OLD."""
    path = tmp_path / "keys" / "master.keys"
    path.parent.mkdir()
    crypto.write_key_file(path, [OLD])
    settings.EXCHANGES_MASTER_KEYS = ""
    settings.EXCHANGES_MASTER_KEY_FILE = str(path)
    return path


@pytest.fixture
def live_factory(protocol, officer_user):
    """Make, under the active key, a transfer whose list file is imported into five
    worklist rows; with ``pdf``, a second transfer with a file only."""

    def make(start=1, pdf=False):
        rows = [person(n) for n in range(start, start + 5)]
        listed = make_transfer(protocol, officer_user, data_subject_count=5)
        attach_payload(listed, officer_user, as_csv(rows))
        worklist.import_list(listed, parse_list(as_csv(rows), "csv"), user=officer_user)
        made = {
            "transfers": [listed.pk],
            "payloads": {listed.payload.pk: as_csv(rows)},
            "numbers": {row[0]: nrn.normalise(row[2]) for row in rows},
        }
        if pdf:
            other = make_transfer(protocol, officer_user)
            attach_payload(other, officer_user, PDF, name="besluit.pdf")
            made["transfers"].append(other.pk)
            made["payloads"][other.payload.pk] = PDF
        return made

    return make


@pytest.fixture
def live(live_factory):
    """Two transfers with their files, one list imported into five worklist rows."""
    return live_factory(pdf=True)


def read_everything(live, keys=None):
    """Open every payload and worklist row of ``live`` as a request would."""
    payloads = Payload.objects.filter(transfer__in=live["transfers"])
    assert len(payloads) == len(live["payloads"])
    for payload in payloads:
        assert (
            b"".join(services.iter_plaintext(payload)) == live["payloads"][payload.pk]
        )
    entries = list(
        ListEntry.objects.filter(transfer__in=live["transfers"]).select_related(
            "transfer"
        )
    )
    assert len(entries) == 5
    for entry in entries:
        row = worklist.open_entry(entry, keys)
        assert row["national_number"] == live["numbers"][row["last_name"]]


def key_ids_used():
    return keyring.key_ids_in_use()


def run(*args):
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue() + err.getvalue()


# --- the registry ----------------------------------------------------------------------


def test_every_wrapped_key_field_of_the_app_is_registered():
    assert keyring.unregistered_fields() == []
    labels = {entry.label for entry in keyring.registered()}
    assert {"exchanges.payload", "exchanges.listentry"} <= labels


@isolate_apps("exchanges")
def test_a_model_with_an_unregistered_wrapped_key_is_reported():
    class Note(models.Model):  # noqa: DJ008
        key_id = models.CharField(max_length=40)
        wrapped_key = models.BinaryField()

        class Meta:
            app_label = "exchanges"

    assert keyring.unregistered_fields([Note]) == ["exchanges.Note.wrapped_key"]
    keyring.holds_wrapped_key()(Note)
    try:
        assert keyring.unregistered_fields([Note]) == []
    finally:
        keyring._REGISTRY[:] = [e for e in keyring._REGISTRY if e.model is not Note]


# --- a rotation on one server with a key file --------------------------------------------


def test_rotation_with_live_worklist_rows_reads_everything_after_the_old_key_is_gone(
    key_file, live
):
    assert key_ids_used() == ["old"]
    output = run("new_master_key", "--append")
    added = crypto.read_key_file(key_file)
    new_id = added[1].key_id
    assert [key.key_id for key in added] == ["old", new_id]  # added, not active
    assert new_id in output and base64.b64encode(added[1].key).decode() not in output

    run("activate_master_key", new_id)
    assert crypto.read_key_file(key_file)[0].key_id == new_id
    output = run("rotate_master_key", "--to", new_id)
    assert "2 exchanges.payload, 5 exchanges.listentry" in output
    assert key_ids_used() == [new_id]
    run("retire_master_key", "old")
    assert [key.key_id for key in crypto.read_key_file(key_file)] == [new_id]

    read_everything(live)  # with a keyring that no longer holds the old key
    with pytest.raises(crypto.DecryptionError):
        read_everything(live, [OLD])

    events = AuditEvent.objects.filter(action__startswith="keys.").order_by("sequence")
    assert [event.action for event in events] == [
        "keys.master_key_added",
        "keys.master_key_activated",
        "keys.rewrapped",
        "keys.rewrapped",
        "keys.master_key_retired",
    ]
    assert [(e.details.get("model"), e.details.get("rows")) for e in events[2:4]] == [
        ("exchanges.payload", 2),
        ("exchanges.listentry", 5),
    ]
    assert events[3].details["from_keys"] == {"old": 5}
    secrets = [base64.b64encode(key.key).decode() for key in (OLD, *added)]
    for event in events:
        assert not any(secret in str(event.details) for secret in secrets)


def test_the_one_step_rotation_keeps_worklist_rows_readable(key_file, live):
    """On main the one-step rotation re-wrapped payloads only, dropped the old key,
    and every worklist row became unreadable."""
    run("rotate_master_key", "--new-key")
    (only,) = crypto.read_key_file(key_file)
    assert only.key_id != "old" and key_ids_used() == [only.key_id]
    read_everything(live)


def test_an_interrupted_rotation_loses_nothing_and_a_rerun_finishes_it(
    key_file, live, monkeypatch
):
    crypto.add_to_key_file(key_file, NEW)
    crypto.activate_in_key_file(key_file, "new")
    real_wrap, calls = crypto.wrap_key, []

    def crash_in_the_second_batch(*args):
        calls.append(args)
        if len(calls) == 3:
            raise KeyboardInterrupt  # the process is stopped mid-batch
        return real_wrap(*args)

    monkeypatch.setattr(crypto, "wrap_key", crash_in_the_second_batch)
    with pytest.raises(KeyboardInterrupt):
        keyring.rewrap(batch_size=2)
    in_use = {label: keys for label, keys in keyring.usage().items() if keys}
    assert in_use == {
        "exchanges.payload": {"new": 2},  # the first batch is committed
        "exchanges.listentry": {"old": 5},  # the second rolled back whole
    }
    assert AuditEvent.objects.filter(action="keys.rewrapped").count() == 1
    read_everything(live)  # mid-rotation: every row still opens

    monkeypatch.setattr(crypto, "wrap_key", real_wrap)
    result = keyring.rewrap(batch_size=2)
    assert dict(result.rows) == {"exchanges.listentry": 5}  # payloads skipped
    assert result.batches == 3
    assert key_ids_used() == ["new"]
    assert keyring.rewrap(batch_size=2).batches == 0  # nothing left: a no-op
    run("retire_master_key", "old")
    read_everything(live, [NEW])


def test_a_shredded_payload_stays_shredded(key_file, live):
    shredded = Payload.objects.first()
    services.delete_transfer_data(shredded.transfer, reason="manual", actor="test")
    crypto.add_to_key_file(key_file, NEW)
    crypto.activate_in_key_file(key_file, "new")
    keyring.rewrap()
    shredded.refresh_from_db()
    assert shredded.wrapped_key is None and shredded.key_id == "old"
    run("retire_master_key", "old")  # a destroyed key needs no master key


def test_a_payload_shredded_after_the_listing_is_not_brought_back(
    key_file, live, monkeypatch
):
    """The batch locks and reads its rows again: a key destroyed between the listing
    and the batch stays destroyed."""
    crypto.add_to_key_file(key_file, NEW)
    crypto.activate_in_key_file(key_file, "new")
    victim = Payload.objects.order_by("pk").first()
    real_batch = keyring._rewrap_batch

    def shred_first(entry, pks, *args):
        if entry.model is Payload and victim.pk in pks:
            services.delete_transfer_data(victim.transfer, reason="manual", actor="t")
        return real_batch(entry, pks, *args)

    monkeypatch.setattr(keyring, "_rewrap_batch", shred_first)
    result = keyring.rewrap()
    assert result.rows["exchanges.payload"] == 1
    victim.refresh_from_db()
    assert victim.wrapped_key is None


# --- refusals -----------------------------------------------------------------------------


def test_retiring_a_key_that_still_wraps_a_row_is_refused(key_file, live):
    crypto.add_to_key_file(key_file, NEW)
    crypto.activate_in_key_file(key_file, "new")
    before = key_file.read_bytes()
    with pytest.raises(CommandError, match=r"still wraps 2 exchanges.payload, 5 exch"):
        run("retire_master_key", "old")
    keyring.rewrap()
    ListEntry.objects.filter(pk=ListEntry.objects.first().pk).update(key_id="old")
    with pytest.raises(CommandError, match=r"still wraps 1 exchanges.listentry"):
        run("retire_master_key", "old")
    assert key_file.read_bytes() == before
    assert not AuditEvent.objects.filter(action="keys.master_key_retired").exists()


def test_retiring_the_active_key_or_an_unknown_one_is_refused(key_file, live):
    crypto.add_to_key_file(key_file, NEW)
    with pytest.raises(CommandError, match="old is the active key"):
        run("retire_master_key", "old")
    with pytest.raises(CommandError, match="not in this server's keyring"):
        run("retire_master_key", "gone")
    assert [key.key_id for key in crypto.read_key_file(key_file)] == ["old", "new"]


def test_a_rewrap_to_a_key_that_is_absent_or_not_active_is_refused(key_file, live):
    with pytest.raises(CommandError, match="new is not in this server's keyring"):
        run("rotate_master_key", "--to", "new")
    crypto.add_to_key_file(key_file, NEW)
    with pytest.raises(CommandError, match="not active here .the active key is old"):
        run("rotate_master_key", "--to", "new")
    with pytest.raises(CommandError, match="not in this server's keyring"):
        run("activate_master_key", "other")
    assert key_ids_used() == ["old"]
    assert not AuditEvent.objects.filter(action__startswith="keys.").exists()


def test_a_rewrap_refuses_when_a_row_needs_a_key_the_keyring_lacks(key_file, live):
    ListEntry.objects.filter(pk=ListEntry.objects.first().pk).update(key_id="lost")
    crypto.add_to_key_file(key_file, NEW)
    crypto.activate_in_key_file(key_file, "new")
    with pytest.raises(crypto.KeyringError, match="exchanges.listentry: 1 under lost"):
        keyring.rewrap()
    assert key_ids_used() == ["lost", "old"]


# --- several servers ----------------------------------------------------------------------


def test_the_multi_server_procedure_with_two_keyrings(settings, live_factory):
    """Server A and B read their keys from the environment. Each step leaves both
    able to read everything the other wrote."""

    def server(keys):
        settings.EXCHANGES_MASTER_KEY_FILE = ""
        settings.EXCHANGES_MASTER_KEYS = keys

    server(env_keyring(OLD))
    live = live_factory()
    printed = io.StringIO()
    call_command("new_master_key", stdout=printed, stderr=io.StringIO())
    (added,) = crypto._parse_keys(printed.getvalue(), "the printed line")
    assert AuditEvent.objects.filter(action__startswith="keys.").count() == 0

    # Step 2a: every server gets the new key, last (not active).
    a, b = env_keyring(OLD, added), env_keyring(OLD, added)
    server(a)
    with pytest.raises(CommandError, match="put .* first there on every server"):
        run("activate_master_key", added.key_id)
    # Step 2b: A makes it active first; B has not yet. A writes under the new key...
    a = env_keyring(added, OLD)
    server(a)
    more = live_factory(start=10)
    assert keyring.usage()["exchanges.listentry"] == {"old": 5, added.key_id: 5}
    # ...and B, for which the new key is not active, reads it; A reads B's rows.
    server(b)
    read_everything(more)
    read_everything(live)
    with pytest.raises(CommandError, match="not active here"):
        run("rotate_master_key", "--to", added.key_id)  # B is not ready yet
    b = env_keyring(added, OLD)

    # Step 3: re-wrap from any one server.
    server(b)
    run("rotate_master_key", "--to", added.key_id)
    assert key_ids_used() == [added.key_id]
    # Step 4: retire: the command checks; the operator removes it everywhere.
    output = run("retire_master_key", "old")
    assert "Remove the entry 'old:…' from EXCHANGES_MASTER_KEYS" in output
    for keys in (env_keyring(added), env_keyring(added)):
        server(keys)
        read_everything(live)
        read_everything(more)


def test_a_backup_names_the_master_keys_the_worklist_rows_need(key_file, live):
    """A restore refuses when a key is missing: it must know the rows' keys too."""
    from operations import backup

    ListEntry.objects.update(key_id="rows-only")
    assert backup._master_key_ids_in_use() == ["old", "rows-only"]


def test_with_keys_from_the_environment_the_commands_say_what_to_change(
    settings, live_factory
):
    settings.EXCHANGES_MASTER_KEY_FILE = ""
    settings.EXCHANGES_MASTER_KEYS = env_keyring(OLD)
    live_factory()
    for command in (["new_master_key", "--append"], ["rotate_master_key", "--new-key"]):
        with pytest.raises(CommandError, match="EXCHANGES_MASTER_KEYS"):
            run(*command)
    settings.EXCHANGES_MASTER_KEYS = env_keyring(NEW, OLD)
    output = run("rotate_master_key", "--dry-run")
    assert "Active master key: new." in output
    assert "exchanges.listentry: 5 under old" in output
    assert key_ids_used() == ["old"]  # a dry run changes nothing
    assert "1 exchanges.payload, 5 exchanges.listentry" in run("rotate_master_key")
    assert key_ids_used() == ["new"]
