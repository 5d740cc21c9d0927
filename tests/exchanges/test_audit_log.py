"""The audit log: hash chain, verification naming the first broken event, the
PostgreSQL append-only trigger, and concurrent appends keeping one chain."""

import datetime
import json
import threading

import django
import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError, connection, transaction
from django.test import RequestFactory
from hypothesis import given, settings
from hypothesis import strategies as st

from exchanges import audit
from exchanges.models import AuditEvent, AuditVerification

pytestmark = pytest.mark.django_db


def append(count, action="test.event"):
    with transaction.atomic():
        return [
            audit.record(action, actor="test", details={"n": n}) for n in range(count)
        ]


def raw(sql, params=()):
    """Change the table behind the application's back, as an attacker with database
    access would (the owner may disable the append-only trigger)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE exchanges_auditevent DISABLE TRIGGER USER")
        cursor.execute(sql, params)
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE exchanges_auditevent ENABLE TRIGGER USER")


def verify():
    """verify_chain() as the timer runs it, held to the walk that rebuilds every hash
    in Python: on PostgreSQL the database rebuilds them, and both must name the same
    first broken event for the same reason."""
    result = audit.verify_chain()
    assert audit.verify_chain(in_python=True) == result
    return result


def test_events_form_a_chain_from_the_genesis_hash():
    events = append(3)
    assert events[0].prev_hash == audit.GENESIS
    assert [e.sequence for e in events] == [1, 2, 3]
    assert (
        events[1].prev_hash == events[0].hash and events[2].prev_hash == events[1].hash
    )
    assert verify()[:2] == (True, 3)


def test_an_event_outside_a_transaction_is_refused(flushable_audit_log):
    with pytest.raises(RuntimeError):
        audit.record("test.event", actor="test")


def test_an_edited_event_is_found():
    events = append(5)
    raw(
        "UPDATE exchanges_auditevent SET details = %s WHERE id = %s",
        ['{"n": 99}', events[2].pk],
    )
    ok, checked, broken, message = verify()
    assert not ok and checked == 2 and broken.sequence == 3
    assert "#3" in message and "changed" in message


def test_a_deleted_event_is_found():
    events = append(5)
    raw("DELETE FROM exchanges_auditevent WHERE id = %s", [events[1].pk])
    ok, _checked, broken, message = verify()
    assert not ok and broken.sequence == 3
    assert "sequence 2 is missing" in message


def test_reordered_events_are_found():
    events = append(4)
    # Swap the content of events 2 and 3 (keeping their sequence numbers).
    first, second = events[1], events[2]
    raw(
        "UPDATE exchanges_auditevent SET details = %s, hash = %s, prev_hash = %s "
        "WHERE id = %s",
        ['{"n": 2}', second.hash, second.prev_hash, first.pk],
    )
    raw(
        "UPDATE exchanges_auditevent SET details = %s, hash = %s, prev_hash = %s "
        "WHERE id = %s",
        ['{"n": 1}', first.hash, first.prev_hash, second.pk],
    )
    ok, _checked, broken, _message = verify()
    assert not ok and broken.sequence == 2


def test_removing_the_newest_events_is_found_after_a_good_verification():
    events = append(4)
    good = audit.verify_and_store()
    assert good.ok and (good.last_sequence, good.last_hash) == (4, events[-1].hash)
    raw("DELETE FROM exchanges_auditevent WHERE id = %s", [events[-1].pk])
    result = audit.verify_and_store()
    assert not result.ok
    assert "missing" in result.message


def test_the_command_names_the_first_broken_event_and_fails(settings, mailoutbox):
    # Django 6 takes plain addresses, 5.2 (name, address) pairs (config.settings).
    ops = "ops@example.org"
    settings.ADMINS = [ops] if django.VERSION >= (6, 0) else [(ops, ops)]
    events = append(3)
    call_command("verify_audit_log")
    assert mailoutbox == []
    raw(
        "UPDATE exchanges_auditevent SET actor = 'iemand' WHERE id = %s", [events[1].pk]
    )
    with pytest.raises(CommandError, match="#2"):
        call_command("verify_audit_log")
    with pytest.raises(CommandError, match="#2"):
        call_command("verify_audit_log", "--in-python")
    assert AuditVerification.objects.latest().first_broken_sequence == 2
    assert [mail.to for mail in mailoutbox] == [["ops@example.org"]] * 2
    assert "#2" in mailoutbox[0].body


def test_a_mail_server_that_is_down_does_not_hide_the_broken_log(
    settings, monkeypatch, caplog
):
    def refuse(*args, **kwargs):
        raise ConnectionRefusedError("no SMTP server")

    monkeypatch.setattr("exchanges.operator_mail.mail_admins", refuse)
    events = append(2)
    raw(
        "UPDATE exchanges_auditevent SET actor = 'iemand' WHERE id = %s", [events[1].pk]
    )
    with pytest.raises(CommandError, match="#2"):
        call_command("verify_audit_log")
    assert "Alert to the admins not mailed (Audit log BROKEN)" in caplog.text
    assert "ConnectionRefusedError" in caplog.text


def test_events_hold_no_personal_data_fields():
    names = {field.name for field in AuditEvent._meta.get_fields()}
    assert names == {
        "id",
        "sequence",
        "created_at",
        "actor_id",
        "actor",
        "action",
        "object_type",
        "object_id",
        "transfer_id",
        "ip_address",
        "details",
        "canonical_details",
        "prev_hash",
        "hash",
    }


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL trigger")
@pytest.mark.parametrize(
    "statement",
    [
        "UPDATE exchanges_auditevent SET actor = 'x'",
        "DELETE FROM exchanges_auditevent",
        "TRUNCATE exchanges_auditevent",
    ],
)
def test_postgresql_refuses_changes_to_the_log(statement):
    append(2)
    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE exchanges_auditevent ENABLE TRIGGER USER")
    with pytest.raises(DatabaseError, match="append-only"):
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(statement)
    assert AuditEvent.objects.count() == 2


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs concurrent writers"
)
def test_concurrent_appends_keep_one_chain(flushable_audit_log):
    from django.db import connections

    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE exchanges_auditevent ENABLE TRIGGER USER")
    errors = []
    start = threading.Barrier(8)

    def worker(number):
        try:
            start.wait()
            for n in range(25):
                with transaction.atomic():
                    audit.record(
                        "test.concurrent", actor=f"worker-{number}", details={"n": n}
                    )
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    ok, checked, _broken, message = audit.verify_chain()
    assert ok, message
    assert checked == 200
    assert list(AuditEvent.objects.values_list("sequence", flat=True)) == list(
        range(1, 201)
    )


def _reference_canonical(event):
    """The canonical form as first defined: json.dumps() of a dict. Chains written
    since then must keep verifying, so the hand-written form may never drift."""
    import json

    content = {name: getattr(event, name) for name in audit.CANONICAL_FIELDS}
    content["created_at"] = event.created_at.isoformat(timespec="microseconds")
    return json.dumps(
        content, sort_keys=True, separators=(",", ":"), ensure_ascii=False
    ).encode()


_text = st.text(max_size=40)
_json = st.recursive(
    st.none() | st.booleans() | st.integers() | _text,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(_text, inner, max_size=3)
    ),
    max_leaves=8,
)


@settings(max_examples=300, derandomize=True)
@given(
    actor=_text,
    actor_id=st.none() | st.integers(min_value=1, max_value=2**40),
    action=_text,
    object_type=_text,
    object_id=_text,
    transfer_id=st.none() | st.integers(min_value=1, max_value=2**40),
    ip_address=st.none() | st.sampled_from(["10.0.0.1", "2001:db8::1"]),
    details=st.dictionaries(_text, _json, max_size=4),
    created_at=st.datetimes(timezones=st.just(datetime.UTC)),
    sequence=st.integers(min_value=1, max_value=2**40),
)
def test_the_canonical_bytes_are_those_of_json_dumps(**fields):
    event = AuditEvent(**fields)
    assert audit.canonical_bytes(event) == _reference_canonical(event)


def test_an_event_rewritten_with_a_fresh_hash_is_found_at_the_verified_head():
    """An attacker who rewrites the newest event and recomputes its hash keeps the
    chain whole; the head kept by the last good verification still tells."""
    events = append(3)
    assert audit.verify_and_store().ok
    newest = AuditEvent.objects.get(pk=events[-1].pk)
    newest.details = {"n": 99}
    raw(
        "UPDATE exchanges_auditevent SET details = %s, hash = %s WHERE id = %s",
        [
            '{"n": 99}',
            audit.chain_hash(newest.prev_hash, audit.canonical_bytes(newest)),
            newest.pk,
        ],
    )
    ok, checked, broken, message = verify()
    assert not ok and checked == 2 and broken.sequence == 3
    assert "verified head" in message


def test_details_with_a_float_are_refused():
    with transaction.atomic(), pytest.raises(TypeError, match=r"details\['ratio'\]"):
        audit.record("test.event", actor="test", details={"ratio": 0.5})
    assert not AuditEvent.objects.exists()


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's rendering")
def test_postgresql_rebuilds_the_hash_of_every_ordinary_event():
    """What the application writes (flat details of text, numbers, booleans and
    null; text with quotes, escapes and accents; both address families) is
    confirmed by PostgreSQL alone: none of it is left for the Python walk."""

    def request_from(address):
        request = RequestFactory().get("/", REMOTE_ADDR=address)
        request.user = AnonymousUser()
        return request

    with transaction.atomic():
        audit.record("test.event", actor="test")
        audit.record(
            "payload.uploaded",
            actor='Zoë "Z" \\ \x01\t\n',
            request=request_from("2001:db8::1"),
            details={
                # jsonb keeps keys by length first; sort_keys by code point.
                "b": "x",
                "aa": 1,
                "Ä": True,
                "é": None,
                "Z": -12,
                "sha256": "ab" * 32,
                "note": "lijn 1\nlijn 2 \u2028 \U0001f600 \x7f",
            },
        )
        audit.record(
            "test.event",
            actor="test",
            request=request_from("10.1.2.3"),
            details={"only": "one"},
        )
    assert set(AuditEvent.objects.values_list("ip_address", flat=True)) == {
        None,
        "2001:db8::1",
        "10.1.2.3",
    }
    with connection.cursor() as cursor:
        cursor.execute(audit._PG_UNCONFIRMED, [10])
        assert cursor.fetchall() == []


_stored_text = st.text(
    st.characters(blacklist_characters="\x00", blacklist_categories=("Cs",)),
    max_size=20,
)
_stored_json = st.recursive(
    st.none() | st.booleans() | st.integers() | _stored_text,
    lambda inner: (
        st.lists(inner, max_size=3) | st.dictionaries(_stored_text, inner, max_size=3)
    ),
    max_leaves=6,
)


@settings(max_examples=40, derandomize=True, deadline=None)
@given(details=st.dictionaries(_stored_text, _stored_json, max_size=4))
def test_any_stored_details_verify_and_a_change_to_them_is_found(details):
    """Whatever details a database gives back, both ways of verifying accept the
    event as written and name it once its details change."""
    with transaction.atomic():
        event = audit.record("test.event", actor="test", details=details)
        audit.record("test.event", actor="test")
    assert verify()[0]
    changed = {**details, "changed": [details]}
    raw(
        "UPDATE exchanges_auditevent SET details = %s WHERE id = %s",
        [json.dumps(changed), event.pk],
    )
    ok, _checked, broken, message = verify()
    assert not ok and broken.pk == event.pk and "changed" in message
    raw(
        "UPDATE exchanges_auditevent SET details = %s WHERE id = %s",
        [json.dumps(details), event.pk],
    )


def test_stored_canonical_details_are_never_trusted_alone():
    """The canonical details stored beside an event only spare PostgreSQL the JSON
    encoding: a changed copy sends the event to the Python check, which goes by the
    details themselves."""
    events = append(3)
    raw(
        "UPDATE exchanges_auditevent SET canonical_details = %s WHERE id = %s",
        ['{"n": 1}', events[1].pk],
    )
    raw(
        "UPDATE exchanges_auditevent SET canonical_details = '' WHERE id = %s",
        [events[2].pk],
    )
    assert verify()[:2] == (True, 3)
    # 1.0 is jsonb-equal to 1 but not the number that was hashed.
    raw(
        "UPDATE exchanges_auditevent SET details = %s WHERE id = %s",
        ['{"n": 1.0}', events[1].pk],
    )
    ok, checked, broken, message = verify()
    assert not ok and checked == 1 and broken.pk == events[1].pk
    assert "changed" in message


@pytest.mark.parametrize(
    "text",
    ["{not json", "[" * 100_000 + "]" * 100_000],
    ids=["no JSON", "beyond PostgreSQL's stack"],
)
def test_a_forged_hash_over_details_postgresql_cannot_read_is_found(text, caplog):
    """A forger who recomputes the newest event's hash over canonical details that
    PostgreSQL cannot read cannot make the check fail instead of naming the event."""
    events = append(2)
    forged = AuditEvent.objects.get(pk=events[-1].pk)
    canonical = audit.canonical_bytes(forged).replace(b'{"n":1}', text.encode())
    assert canonical != audit.canonical_bytes(forged)
    raw(
        "UPDATE exchanges_auditevent SET canonical_details = %s, hash = %s "
        "WHERE id = %s",
        [text, audit.chain_hash(forged.prev_hash, canonical), forged.pk],
    )
    ok, checked, broken, message = verify()
    assert not ok and checked == 1 and broken.pk == forged.pk
    assert "changed" in message
    if connection.vendor == "postgresql":
        assert "could not check it" in caplog.text


def test_a_log_from_before_canonical_details_is_walked_whole(monkeypatch):
    """Events written before canonical details were stored beside them cannot be
    confirmed by PostgreSQL; past a handful the whole log is walked in Python, with
    the same outcome."""
    events = append(4)
    raw("UPDATE exchanges_auditevent SET canonical_details = ''")
    monkeypatch.setattr(audit, "_WALK_BEYOND", 2)
    monkeypatch.setattr(audit, "_first_changed", None)  # not one by one
    assert verify()[:2] == (True, 4)
    raw(
        "UPDATE exchanges_auditevent SET details = %s WHERE id = %s",
        ['{"n": 7}', events[2].pk],
    )
    ok, checked, broken, _message = verify()
    assert not ok and checked == 2 and broken.pk == events[2].pk


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL dates")
def test_an_event_moved_before_year_one_fails_the_verification():
    """PostgreSQL writes 2026 BC as 2026; such an event is left to Python, which
    cannot even read it: the verification fails (and alerts) instead of passing."""
    append(3)
    assert audit.verify_and_store().ok
    raw(
        "UPDATE exchanges_auditevent SET created_at = created_at - interval "
        "'4051 years' WHERE sequence = 1"
    )
    for in_python in (False, True):
        result = audit.verify_and_store(in_python=in_python)
        assert not result.ok and result.last_sequence is None
        assert "cannot be read" in result.message


def test_a_forged_head_before_the_first_event_changes_nothing():
    append(3)
    raw(
        "INSERT INTO exchanges_auditevent (sequence, created_at, actor, action, "
        "object_type, object_id, details, canonical_details, prev_hash, hash) "
        "VALUES (0, %s, 'x', 'x', '', '', '{}', '{}', %s, %s)",
        [datetime.datetime.now(datetime.UTC), audit.GENESIS, "f" * 64],
    )
    AuditVerification.objects.create(
        ok=True, events_checked=0, last_sequence=0, last_hash="other", message="-"
    )
    ok, checked, broken, message = verify()
    assert not ok and checked == 0 and broken.sequence == 0
    assert "sequence 1 is missing" in message
