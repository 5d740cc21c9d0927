"""Every cross-organisation read and edit of the breach register is refused."""

import pytest
from django.test import Client
from django.urls import reverse

from breaches import services
from tests.breaches.conftest import breach_fields, login, make_breach
from tests.conftest import make_user

pytestmark = pytest.mark.django_db

SECRET = "Een lijst werd naar een verkeerd adres gemaild."


def refused(response):
    """Wagtail answers a PermissionDenied in the admin with a redirect to the
    dashboard; a lookup outside one's organisations is a 404."""
    return response.status_code in (403, 404) or (
        response.status_code == 302 and response["Location"] == "/admin/"
    )


def breach_urls(breach):
    return {
        "detail": reverse("breaches_admin:detail", args=[breach.pk]),
        "edit": reverse("breaches_admin:edit", args=[breach.pk]),
        "notify": reverse("breaches_admin:notify", args=[breach.pk]),
    }


@pytest.mark.parametrize(
    "who", ["dpo_ocmw", "dpo_other", "auditor_other", "superuser", "officer", "editor"]
)
def test_others_never_read_or_edit_a_breach(world, breach, who):
    users = {
        "superuser": lambda: make_user("root", superuser=True),
        "officer": lambda: make_user("officer-x", "Exchange officer"),
        "editor": lambda: make_user("editor-x", "Editor"),
    }
    user = users[who]() if who in users else getattr(world, who)
    client = login(user)
    urls = breach_urls(breach)
    assert refused(client.get(urls["detail"]))
    assert refused(client.get(urls["edit"]))
    response = client.post(urls["edit"], breach_fields(world.thuispunt, nature="X"))
    assert refused(response)
    assert refused(client.post(urls["notify"]))
    breach.refresh_from_db()
    assert breach.nature == SECRET
    assert not breach.notifications.exists()
    listing = client.get(reverse("breaches_admin:list"))
    assert SECRET not in listing.content.decode()
    assert breach.reference not in listing.content.decode()
    export = client.get(
        reverse("breaches_admin:export", args=["csv"]),
        {"organisation": world.thuispunt.pk},
    )
    assert refused(export)


def test_anonymous_is_sent_to_the_login(world, breach):
    for url in breach_urls(breach).values():
        response = Client().get(url)
        assert response.status_code == 302
        assert "login" in response["Location"]


def test_the_dpo_reads_and_edits_their_own_never_cached(world, breach):
    client = login(world.dpo_thuispunt)
    response = client.get(reverse("breaches_admin:detail", args=[breach.pk]))
    assert response.status_code == 200
    assert SECRET in response.content.decode()
    assert "no-cache" in response["Cache-Control"]
    listing = client.get(reverse("breaches_admin:list"))
    assert breach.reference in listing.content.decode()
    assert "no-cache" in listing["Cache-Control"]


def test_the_auditor_reads_without_the_free_text_and_cannot_write(world, breach):
    client = login(world.auditor_thuispunt)
    response = client.get(reverse("breaches_admin:detail", args=[breach.pk]))
    assert response.status_code == 200
    body = response.content.decode()
    assert breach.reference in body and SECRET not in body
    assert refused(client.get(reverse("breaches_admin:create")))
    assert refused(client.post(reverse("breaches_admin:notify", args=[breach.pk])))
    export = client.get(reverse("breaches_admin:export", args=["csv"]))
    assert export.status_code == 200
    assert SECRET not in export.content.decode("utf-8-sig")


def test_a_dpo_cannot_record_a_breach_for_another_organisation(world):
    client = login(world.dpo_other)
    response = client.post(
        reverse("breaches_admin:create"),
        {
            **breach_fields(world.thuispunt),
            "organisation": world.thuispunt.pk,
            "discovered_at": "2026-01-05T10:00",
        },
    )
    assert response.status_code == 200  # the form again, with the error
    assert not world.thuispunt.breaches.exists()


def test_the_received_notification_is_read_only_for_the_recipient(world, breach):
    (notification,) = services.notify_parties(breach, user=world.dpo_thuispunt)
    url = reverse("breaches_admin:received_detail", args=[notification.pk])
    read = reverse("breaches_admin:received_acknowledge", args=[notification.pk])
    for user in (world.dpo_other, world.auditor_other, world.dpo_thuispunt):
        client = login(user)
        # The sender reads its own breach, not the recipient's copy.
        assert refused(client.get(url))
        assert refused(client.post(read))
    notification.refresh_from_db()
    assert notification.acknowledged_at is None
    client = login(world.dpo_ocmw)
    assert SECRET in client.get(url).content.decode()
    assert client.post(read).status_code == 302
    notification.refresh_from_db()
    assert notification.acknowledged_by == world.dpo_ocmw


def test_the_auditor_sees_which_fields_changed_never_their_text(world, breach):
    breach.consequences = "Nieuwe gevolgen met een geheim detail."
    services.save_breach(breach, user=world.dpo_thuispunt)
    client = login(world.auditor_thuispunt)
    body = client.get(reverse("breaches_admin:detail", args=[breach.pk])).content
    body = body.decode()
    assert "Waarschijnlijke gevolgen" in body
    assert "geheim detail" not in body and "Verlies van vertrouwelijkheid" not in body
    dpo = login(world.dpo_thuispunt).get(
        reverse("breaches_admin:detail", args=[breach.pk])
    )
    assert "Verlies van vertrouwelijkheid. → Nieuwe gevolgen" in dpo.content.decode()


def breach_events_shown(user):
    """(action, object type, object id) of the breach events ``user`` reads in the
    audit log."""
    page = login(user).get(reverse("exchanges_admin:audit_log"))
    assert page.status_code == 200
    return {
        (event.action, event.object_type, event.object_id)
        for event in page.context["page_obj"].object_list
        if event.action.startswith("breach.")
    }


def test_the_audit_log_shows_a_breach_only_to_its_own_organisations(world, breach):
    # Another organisation records a breach and exports its register: that it had a
    # breach, and when, is its own business.
    theirs = make_breach(world.other, world.dpo_other)
    export = login(world.dpo_other).get(
        reverse("breaches_admin:export", args=["csv"]), {"organisation": world.other.pk}
    )
    assert export.status_code == 200
    ours = breach_events_shown(world.auditor_thuispunt)
    assert ("breach.recorded", "breach", str(breach.pk)) in ours
    assert all(
        object_id != str(theirs.pk) for _, kind, object_id in ours if kind == "breach"
    )
    assert ("breach.register_exported", "organisation", str(world.other.pk)) not in ours
    # The other organisation's auditor reads its own events, not Thuispunt's.
    others = breach_events_shown(world.auditor_other)
    assert ("breach.recorded", "breach", str(theirs.pk)) in others
    assert ("breach.register_exported", "organisation", str(world.other.pk)) in others
    assert ("breach.recorded", "breach", str(breach.pk)) not in others


def test_every_breach_action_carries_the_prefix_the_audit_log_scopes_by():
    from exchanges import audit_actions, scoping

    breach_actions = [
        value
        for name, value in vars(audit_actions).items()
        if name.startswith("BREACH_")
    ]
    assert len(breach_actions) >= 3
    assert all(action.startswith(scoping.BREACH_ACTIONS) for action in breach_actions)


def test_an_auditor_of_no_organisation_reads_only_the_installations_own_trace(
    world, breach
):
    from exchanges.models import AuditEvent

    lone = make_user("auditor-alone", "Auditor")
    page = login(lone).get(reverse("exchanges_admin:audit_log"))
    assert page.status_code == 200
    shown = list(page.context["page_obj"].object_list)
    own_trace = AuditEvent.objects.filter(transfer_id__isnull=True).exclude(
        action__startswith="breach."
    )
    assert own_trace.exists()
    assert {event.pk for event in shown} == set(own_trace.values_list("pk", flat=True))
