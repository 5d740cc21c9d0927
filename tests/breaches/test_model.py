import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from breaches.models import Breach
from exchanges.models import AuditEvent
from tests.breaches.conftest import breach_fields, make_breach

pytestmark = pytest.mark.django_db


def errors_of(organisation, **overrides):
    with pytest.raises(ValidationError) as caught:
        Breach(**breach_fields(organisation, **overrides)).full_clean()
    return caught.value.message_dict


def test_not_notifying_the_authority_is_refused_unless_there_is_no_risk(world):
    errors = errors_of(
        world.thuispunt, risk="high", authority_not_notified_reason="Klein lek."
    )
    (message,) = errors["authority_not_notified_reason"]
    assert message.startswith("Reden waarom de toezichthoudende autoriteit")
    assert "risico" in message
    Breach(
        **breach_fields(
            world.thuispunt, risk="none", authority_not_notified_reason="Versleuteld."
        )
    ).full_clean()


def test_dates_in_the_wrong_order_are_refused_naming_the_field(world):
    now = timezone.now()
    errors = errors_of(
        world.thuispunt,
        occurred_at=now,
        discovered_at=now - datetime.timedelta(hours=1),
        contained_at=now - datetime.timedelta(hours=3),
    )
    assert errors["occurred_at"] == [
        "Voorgevallen op: kan niet na de ontdekking liggen."
    ]
    assert errors["contained_at"][0].startswith("Ingedijkt op:")


def test_informing_the_data_subjects_needs_the_means(world):
    errors = errors_of(world.thuispunt, subjects_informed_on=timezone.localdate())
    assert errors["subjects_informed_means"][0].startswith(
        "Wijze waarop de betrokkenen"
    )
    errors = errors_of(world.thuispunt, subjects_informed_means="per brief")
    assert "subjects_informed_on" in errors


def test_every_change_is_in_history_and_the_audit_log_holds_ids_only(world):
    breach = make_breach(world.thuispunt, world.dpo_thuispunt)
    breach.measures = "Nieuwe maatregel met een naam: Jan Voorbeeld."
    from breaches import services

    services.save_breach(breach, user=world.dpo_thuispunt)
    assert breach.history.count() == 2
    events = AuditEvent.objects.filter(object_type="breach", object_id=str(breach.pk))
    assert list(events.values_list("action", flat=True).order_by("sequence")) == [
        "breach.recorded",
        "breach.changed",
    ]
    for event in events:
        assert event.details == {"organisation_id": world.thuispunt.pk}
        assert "Voorbeeld" not in str(event.__dict__)
