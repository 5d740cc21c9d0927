import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

from breaches import access
from breaches.models import Breach, BreachNotification

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(tmp_path, settings, monkeypatch):
    settings.DEMO_CREDENTIALS_FILE = tmp_path / "demo-credentials.txt"
    monkeypatch.delenv("DEMO_PASSWORD", raising=False)
    call_command("load_demo")


def test_the_demo_has_one_example_breach_notified_to_ocmw_gent(demo):
    call_command("load_demo")  # idempotent
    (breach,) = Breach.objects.all()
    assert breach.is_example and "FICTIEF VOORBEELD" in breach.nature
    assert breach.organisation.short_name == "Thuispunt Gent"
    assert [p.reference for p in breach.protocols.all()] == ["2024_VB_00591"]
    (notification,) = BreachNotification.objects.all()
    assert notification.recipient.short_name == "OCMW Gent"
    assert notification.content["is_example"] is True
    User = get_user_model()
    ocmw_dpo = User.objects.get(username="dpo")
    assert list(access.received_notifications(ocmw_dpo)) == [notification]
    assert not access.readable_breaches(ocmw_dpo).exists()
    thuispunt_dpo = User.objects.get(username="dpo-thuispunt")
    assert list(access.editable_breaches(thuispunt_dpo)) == [breach]
