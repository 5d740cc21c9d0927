import datetime

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from breaches import deadlines, services
from tests.breaches.conftest import login, make_breach

pytestmark = pytest.mark.django_db


def test_the_dashboard_shows_the_clock_in_brussels_time(world):
    discovered = timezone.make_aware(datetime.datetime(2026, 7, 1, 9, 0))
    breach = make_breach(
        world.thuispunt, world.dpo_thuispunt, discovered_at=discovered, occurred_at=None
    )
    now = discovered + datetime.timedelta(hours=50)
    (row,) = deadlines.clock_rows([breach], now)
    assert row["deadline"] == "04/07/2026 09:00 CEST"
    assert row["left"] == "22 u 00 min resterend"
    response = login(world.dpo_thuispunt).get(reverse("wagtailadmin_home"))
    body = response.content.decode()
    assert breach.reference in body and "04/07/2026 09:00 CEST" in body
    # Not on the dashboard of another organisation's DPO.
    other = login(world.dpo_other).get(reverse("wagtailadmin_home")).content.decode()
    assert breach.reference not in other


def test_the_recipient_sees_the_received_notification_on_the_dashboard(world, breach):
    services.notify_parties(breach, user=world.dpo_thuispunt)
    body = login(world.dpo_ocmw).get(reverse("wagtailadmin_home")).content.decode()
    assert "Ontvangen melding" in body and breach.reference in body


def test_reminders_go_once_at_24_and_6_hours_and_when_passed(world):
    breach = make_breach(world.thuispunt, world.dpo_thuispunt)
    start = breach.discovered_at

    def run(hours_after):
        mail.outbox.clear()
        return deadlines.send_reminders(
            now=start + datetime.timedelta(hours=hours_after)
        )

    assert run(10) == []
    assert run(49) == [(breach, 24)]
    assert mail.outbox[0].to == [
        "dpo-thuispunt@example.invalid",
        "dpo@thuispunt.example",
    ]
    assert breach.nature not in mail.outbox[0].body
    assert run(50) == []
    assert run(67) == [(breach, 6)]
    assert run(68) == []
    assert run(73) == [(breach, 0)]
    assert "verstreken" in mail.outbox[0].subject
    assert run(90) == []


def test_no_reminder_once_the_authority_is_notified(world):
    breach = make_breach(world.thuispunt, world.dpo_thuispunt)
    breach.authority_notified_at = timezone.now()
    services.save_breach(breach, user=world.dpo_thuispunt)
    assert (
        deadlines.send_reminders(now=timezone.now() + datetime.timedelta(days=5)) == []
    )


def test_the_command_runs(world, capsys):
    make_breach(
        world.thuispunt,
        world.dpo_thuispunt,
        discovered_at=timezone.now() - datetime.timedelta(hours=80),
        occurred_at=None,
    )
    call_command("breach_deadlines", "--dry-run")
    assert mail.outbox == []
    call_command("breach_deadlines")
    call_command("breach_deadlines")
    assert len(mail.outbox) == 1
