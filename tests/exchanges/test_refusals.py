"""Refused attempts cannot grow the audit log: a thousand bad upload links leave a
handful of events whose counts add up exactly, the client gets 429 beyond the limit,
a forged X-Forwarded-For does not help, and a valid link still works."""

import datetime
import io
import secrets
import threading

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.db import connection
from django.template.loader import render_to_string
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from exchanges import audit, refusals, services
from exchanges.models import AuditEvent, RefusalWindow, UploadLink
from tests.exchanges.conftest import LIST_CSV, expire

pytestmark = pytest.mark.django_db

LIMIT = 20
# One window holds the whole test: no boundary falls in the middle of it.
LONG_WINDOW = 10**9


@pytest.fixture(autouse=True)
def limits(settings):
    settings.EXCHANGES_REFUSAL_LIMIT = LIMIT
    settings.EXCHANGES_REFUSAL_WINDOW_SECONDS = LONG_WINDOW


def bad_url():
    return reverse("exchanges:upload", args=[secrets.token_urlsafe(24)])


def hammer(client, count, **headers):
    """``count`` requests with unknown tokens, GET and POST in turn: the status
    codes and the responses answered 429."""
    codes, throttled = [], []
    for number in range(count):
        method = client.get if number % 2 else client.post
        response = method(bad_url(), **headers)
        codes.append(response.status_code)
        if response.status_code == 429:
            throttled.append(response)
    return codes, throttled


def refusal_events(**filters):
    return list(AuditEvent.objects.filter(action="upload_link.refused", **filters))


def attempts(events):
    return sum(event.details["attempts"] for event in events)


def close_windows():
    """Flush as the hourly job does, once the test's window has ended."""
    end = refusals.Window.around(timezone.now()).end
    return refusals.flush_closed_windows(now=end)


def digest(address):
    return refusals.client_digest(address)


def test_a_thousand_bad_tokens_from_one_address_leave_two_events():
    client = Client(REMOTE_ADDR="203.0.113.7")
    codes, throttled = hammer(client, 1000)
    assert codes[:LIMIT] == [404] * LIMIT
    assert codes[LIMIT:] == [429] * (1000 - LIMIT)
    # Only the first attempt is in the log while the window is open.
    assert len(refusal_events()) == 1

    assert close_windows() == 1
    events = refusal_events()
    assert len(events) == 2
    assert attempts(events) == 1000
    assert {event.details["client"] for event in events} == {digest("203.0.113.7")}
    aggregate = events[-1].details
    assert aggregate["window_attempts"] == 1000
    assert aggregate["beyond_limit"] == 1000 - LIMIT
    assert aggregate["reason"] == "unknown"
    ok, checked, _broken, message = audit.verify_chain()
    assert ok, message
    assert checked == AuditEvent.objects.count()
    # The rows are not the record: the chain is.
    assert not RefusalWindow.objects.exists()


def test_a_thousand_bad_tokens_from_a_few_addresses_add_up_exactly():
    addresses = ["203.0.113.7", "198.51.100.23", "192.0.2.200", "2001:db8:1:2::99"]
    for address in addresses:
        hammer(Client(REMOTE_ADDR=address), 250)
    close_windows()
    events = refusal_events()
    assert attempts(events) == 1000
    for address in addresses:
        mine = refusal_events(details__client=digest(address))
        assert 1 <= len(mine) <= 3
        assert attempts(mine) == 250
    # No address, nor any part of it, is kept: not as ip_address, not in details.
    for event in events:
        assert event.ip_address is None
        assert event.actor == "anonymous" and event.actor_id is None
        assert not any(part in str(event.details) for part in ("203.0.113", "2001:db8"))
    assert audit.verify_chain()[0]


def test_beyond_the_limit_the_answer_is_429_with_retry_after():
    client = Client(REMOTE_ADDR="203.0.113.8")
    hammer(client, LIMIT)
    before = timezone.now()
    response = client.get(bad_url())
    assert response.status_code == 429
    window = refusals.Window.around(before)
    retry_after = int(response["Retry-After"])
    assert 1 <= retry_after <= window.seconds_left(before)
    assert "no-cache" in response["Cache-Control"]
    html = response.content.decode()
    assert "Te veel pogingen" in html and "Een geldige uploadlink blijft werken" in html
    # The upload pages are Dutch (outside /en/, like the link the officer sends);
    # a host site that serves them under its English prefix gets them in English.
    with translation.override("en"):
        english = render_to_string(
            "exchanges/upload_throttled.html",
            {"base_template": "base.html", "minutes": 7},
        )
    assert "Too many attempts" in english and "about 7 minutes" in english


def test_the_default_window_tells_when_to_come_back(settings):
    settings.EXCHANGES_REFUSAL_WINDOW_SECONDS = 600
    client = Client(REMOTE_ADDR="203.0.113.9")
    for _ in range(3 * LIMIT):  # a window boundary may fall in between: twice over
        response = client.get(bad_url())
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 600


def test_a_forged_forwarded_for_header_does_not_reset_the_limit(settings):
    client = Client(REMOTE_ADDR="203.0.113.10")
    hammer(client, LIMIT)
    for number in range(20):
        response = client.get(bad_url(), HTTP_X_FORWARDED_FOR=f"198.51.100.{number}")
        assert response.status_code == 429
    # Behind one trusted proxy the client is the address the proxy appended; what
    # the client wrote before it changes nothing either.
    settings.SECURITY_TRUSTED_PROXY_COUNT = 1
    proxy = Client(REMOTE_ADDR="10.0.0.2")
    for number in range(LIMIT + 5):
        response = proxy.get(
            bad_url(), HTTP_X_FORWARDED_FOR=f"192.0.2.{number}, 203.0.113.11"
        )
    assert response.status_code == 429
    other = proxy.get(bad_url(), HTTP_X_FORWARDED_FOR="203.0.113.12")
    assert other.status_code == 404
    clients = {event.details["client"] for event in refusal_events()}
    assert clients == {
        digest("203.0.113.10"),
        digest("203.0.113.11"),
        digest("203.0.113.12"),
    }


def test_a_throttled_client_can_still_use_a_valid_link(transfer, officer_user):
    """A sender behind a shared address (a city's network, a provider's NAT) must
    not be locked out by someone else's loop: a valid link is never throttled."""
    client = Client(REMOTE_ADDR="203.0.113.13")
    hammer(client, LIMIT + 5)
    _link, token = services.create_upload_link(transfer, user=officer_user)
    url = reverse("exchanges:upload", args=[token])
    assert client.get(url).status_code == 200
    sent = client.post(url, {"file": SimpleUploadedFile("lijst.csv", LIST_CSV)})
    assert sent.status_code == 200
    # Used now: refused, and throttled like any refusal of that client.
    assert client.get(url).status_code == 429


def test_a_known_link_tried_again_and_again_is_named_once_per_window(
    transfer, officer_user
):
    link, token = services.create_upload_link(transfer, user=officer_user)
    UploadLink.objects.filter(pk=link.pk).update(
        expires_at=timezone.now() - datetime.timedelta(minutes=1)
    )
    client = Client(REMOTE_ADDR="203.0.113.14")
    url = reverse("exchanges:upload", args=[token])
    for _ in range(10):
        assert client.get(url).status_code == 404
    hammer(client, 5)
    assert len(refusal_events()) == 2  # the expired link once, unknown links once
    close_windows()
    expired = refusal_events(details__reason="expired")
    assert len(expired) == 2 and attempts(expired) == 10
    for event in expired:
        assert event.object_type == "uploadlink"
        assert event.object_id == str(link.pk)
        assert event.transfer_id == transfer.pk
    assert attempts(refusal_events(details__reason="unknown")) == 5


def test_a_link_past_its_retention_date_cannot_grow_the_log_either(
    transfer, officer_user
):
    """Whoever holds a link whose transfer is past its retention date is refused at
    the retention door (exchanges.retention): counted the same way."""
    _link, token = services.create_upload_link(transfer, user=officer_user)
    expire(transfer)
    client = Client(REMOTE_ADDR="203.0.113.18")
    url = reverse("exchanges:upload", args=[token])
    codes = [client.get(url).status_code for _ in range(100)]
    assert codes == [404] * LIMIT + [429] * (100 - LIMIT)
    close_windows()
    events = list(AuditEvent.objects.filter(action="access.refused_retention"))
    assert len(events) == 3  # the first; the rest of that door; those beyond the limit
    assert attempts(events) == 100
    assert {event.details["door"] for event in events} == {"upload_link.use"}
    assert events[0].transfer_id == transfer.pk
    assert events[0].details["retention_date"] == transfer.retention_date.isoformat()


def test_the_next_window_writes_the_count_of_the_last():
    client = Client(REMOTE_ADDR="203.0.113.15")
    hammer(client, LIMIT + 10)
    # Thirty attempts one window ago, as far as the counts can tell.
    length = datetime.timedelta(seconds=LONG_WINDOW)
    for row in RefusalWindow.objects.all():
        row.window_start -= length
        row.window_end -= length
        row.save()
    # A new window: the limit starts again, and opening it closes the last one.
    assert client.get(bad_url()).status_code == 404
    events = refusal_events()
    assert len(events) == 3
    assert [event.details["attempts"] for event in events] == [1, LIMIT + 9, 1]
    assert RefusalWindow.objects.get().attempts == 1


def test_publishing_a_head_writes_the_closed_windows_first(settings, tmp_path):
    settings.EXCHANGES_AUDIT_HEAD_DIR = str(tmp_path / "heads")
    hammer(Client(REMOTE_ADDR="203.0.113.16"), 50)
    RefusalWindow.objects.update(
        window_start=timezone.now() - datetime.timedelta(hours=2),
        window_end=timezone.now() - datetime.timedelta(hours=1),
    )
    out = io.StringIO()
    call_command("publish_audit_head", stdout=out)
    assert "1 events counting refused attempts written" in out.getvalue()
    assert attempts(refusal_events()) == 50
    assert not RefusalWindow.objects.exists()


def test_ipv6_addresses_of_one_subscriber_share_one_count():
    for number in range(LIMIT):
        Client(REMOTE_ADDR=f"2001:db8:aa:bb::{number + 1:x}").get(bad_url())
    other_address = Client(REMOTE_ADDR="2001:db8:aa:bb:ffff::1")
    assert other_address.get(bad_url()).status_code == 429
    assert Client(REMOTE_ADDR="2001:db8:aa:cc::1").get(bad_url()).status_code == 404
    assert refusals.client_network("::ffff:203.0.113.5") == "203.0.113.5"


def test_many_addresses_beyond_those_kept_apart_share_one_count(settings):
    settings.EXCHANGES_REFUSAL_CLIENTS_PER_WINDOW = 3
    for number in range(12):
        hammer(Client(REMOTE_ADDR=f"198.51.100.{number + 1}"), 5)
    # Three clients kept apart, the nine others counted as one: a botnet grows
    # the log by a bounded number of events per window, whatever its size.
    assert len(refusal_events()) == 4
    crowd = refusal_events(details__client=refusals.CROWD)
    assert len(crowd) == 1
    close_windows()
    assert attempts(refusal_events()) == 60
    assert attempts(refusal_events(details__client=refusals.CROWD)) == 45


def test_a_staff_member_is_refused_one_event_at_a_time_up_to_the_limit(
    client, auditor_user, payload
):
    """A logged-in user is a person: each refusal is an event of its own, with the
    address, as any staff action; a loop beyond the limit is counted in one."""
    client.force_login(auditor_user)
    url = reverse("exchanges_admin:payload_download", args=[payload.transfer_id])
    answers = [client.get(url, REMOTE_ADDR="192.0.2.44") for _ in range(LIMIT + 30)]
    # Refused as before, beyond the limit too (the admin sends the user home).
    assert {(a.status_code, a.get("Location")) for a in answers} == {(302, "/admin/")}
    refused = list(AuditEvent.objects.filter(action="payload.refused"))
    assert len(refused) == LIMIT
    assert all(event.actor_id == auditor_user.pk for event in refused)
    assert all(event.ip_address == "192.0.2.44" for event in refused)
    assert all(event.transfer_id == payload.transfer_id for event in refused)
    close_windows()
    refused = list(AuditEvent.objects.filter(action="payload.refused"))
    assert len(refused) == LIMIT + 1
    assert attempts(refused) == LIMIT + 30
    aggregate = refused[-1]
    assert aggregate.actor == auditor_user.get_username()
    assert aggregate.actor_id == auditor_user.pk
    assert aggregate.details["beyond_limit"] == 30
    assert "client" not in aggregate.details


def test_without_a_pseudonym_key_clients_share_one_count(settings):
    settings.EXCHANGES_PSEUDONYM_KEY = ""
    settings.EXCHANGES_PSEUDONYM_KEY_FILE = ""
    assert Client(REMOTE_ADDR="203.0.113.17").get(bad_url()).status_code == 404
    event = refusal_events()[0]
    assert event.details["client"] == refusals.CROWD


@pytest.mark.skipif(
    connection.vendor != "postgresql", reason="needs concurrent writers"
)
def test_concurrent_refusals_keep_exact_counts(flushable_audit_log, settings):
    from django.db import connections

    with connection.cursor() as cursor:
        cursor.execute("ALTER TABLE exchanges_auditevent ENABLE TRIGGER USER")
    threads_per_address, per_thread = 4, 40
    addresses = ["203.0.113.30", "203.0.113.31"]
    start = threading.Barrier(threads_per_address * len(addresses))
    codes, errors = [], []

    def worker(address):
        try:
            client = Client(REMOTE_ADDR=address)
            start.wait()
            for _ in range(per_thread):
                codes.append((address, client.get(bad_url()).status_code))
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=worker, args=(address,))
        for address in addresses
        for _ in range(threads_per_address)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    per_address = threads_per_address * per_thread
    for address in addresses:
        mine = [code for who, code in codes if who == address]
        # One lock per client: exactly the limit is let through, not one more.
        assert mine.count(404) == LIMIT
        assert mine.count(429) == per_address - LIMIT
    close_windows()
    for address in addresses:
        mine = refusal_events(details__client=digest(address))
        assert len(mine) == 2
        assert attempts(mine) == per_address
    ok, _checked, _broken, message = audit.verify_chain()
    assert ok, message
