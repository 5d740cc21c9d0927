import pytest
from django.core import mail
from django.urls import reverse

from tests.breaches.conftest import breach_fields, login

pytestmark = pytest.mark.django_db


def test_the_dpo_records_a_breach_and_notifies_the_other_party(world):
    client = login(world.dpo_thuispunt)
    form = client.get(reverse("breaches_admin:create"))
    assert form.status_code == 200
    data = {
        **breach_fields(world.thuispunt),
        "organisation": world.thuispunt.pk,
        "discovered_at": "2026-01-05T10:00",
        "occurred_at": "2026-01-05T08:00",
        "protocols": [world.protocol.pk],
    }
    response = client.post(reverse("breaches_admin:create"), data)
    assert response.status_code == 302, response.content.decode()[:3000]
    breach = world.thuispunt.breaches.get()
    assert list(breach.protocols.all()) == [world.protocol]
    assert breach.created_by == world.dpo_thuispunt

    response = client.post(reverse("breaches_admin:notify", args=[breach.pk]))
    assert response.status_code == 302
    (notification,) = breach.notifications.all()
    assert notification.recipient == world.ocmw
    assert notification.sent_at is not None and notification.mailed
    (message,) = mail.outbox
    assert message.to == ["dpo@ocmw.example"]
    assert world.protocol.reference in message.subject
    for text in (breach.nature, breach.consequences, breach.measures, "12"):
        assert text in message.body
    assert "05/01/2026 10:00 CET" in message.body

    ocmw = login(world.dpo_ocmw)
    listing = ocmw.get(reverse("breaches_admin:list")).content.decode()
    assert "Ontvangen melding" in listing
    received = ocmw.get(
        reverse("breaches_admin:received_detail", args=[notification.pk])
    )
    assert breach.nature in received.content.decode()
    # A later change does not alter what was received.
    breach.nature = "Aangepast."
    breach.save()
    received = ocmw.get(
        reverse("breaches_admin:received_detail", args=[notification.pk])
    )
    assert "Aangepast." not in received.content.decode()


def test_a_protocol_the_organisation_is_not_party_to_cannot_be_linked(world):
    from tests.factories import build_protocol

    foreign = build_protocol(parties=[world.ocmw, world.other])
    client = login(world.dpo_thuispunt)
    response = client.post(
        reverse("breaches_admin:create"),
        {
            **breach_fields(world.thuispunt),
            "organisation": world.thuispunt.pk,
            "discovered_at": "2026-01-05T10:00",
            "protocols": [foreign.pk],
        },
    )
    assert response.status_code == 200
    assert not world.thuispunt.breaches.exists()


def test_a_party_without_dpo_address_is_recorded_not_mailed(world, breach):
    world.ocmw.dpo_email = ""
    world.ocmw.save()
    client = login(world.dpo_thuispunt)
    client.post(reverse("breaches_admin:notify", args=[breach.pk]))
    (notification,) = breach.notifications.all()
    assert not notification.mailed
    assert mail.outbox == []


def test_a_mail_that_cannot_be_sent_is_recorded_as_not_mailed(
    world, breach, monkeypatch
):
    from django.core.mail import EmailMessage

    def refuse(self, fail_silently=False):
        raise ConnectionRefusedError

    monkeypatch.setattr(EmailMessage, "send", refuse)
    client = login(world.dpo_thuispunt)
    response = client.post(
        reverse("breaches_admin:notify", args=[breach.pk]), follow=True
    )
    (notification,) = breach.notifications.all()
    assert not notification.mailed
    assert "kon niet verzonden worden" in response.content.decode()


def test_the_recipient_records_the_breach_in_its_own_register(world, breach):
    from breaches import services

    (notification,) = services.notify_parties(breach, user=world.dpo_thuispunt)
    client = login(world.dpo_ocmw)
    url = reverse("breaches_admin:create") + f"?from_notification={notification.pk}"
    form = client.get(url).context["form"]
    assert form.initial["organisation"] == world.ocmw.pk
    assert form.initial["nature"] == breach.nature
    assert form.initial["protocols"] == [world.protocol.pk]
    assert form.initial["discovered_at"] <= notification.sent_at
    # Another organisation's DPO gets an empty form, not the notification.
    other = login(world.dpo_other).get(url).context["form"]
    assert "nature" not in other.initial
