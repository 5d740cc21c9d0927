"""The demo transfer of the seed protocol: Thuispunt Gent sends OCMW Gent the list of
candidate tenants with a reference address, on 20 September 2024. The list holds
invented people only; it is encrypted like any upload."""

import datetime

from django.contrib.auth import get_user_model
from django.utils import timezone

from exchanges import services
from exchanges.models import Transfer
from exchanges.uploads import encrypt_bytes
from home.demo import people
from protocols_registry.models import Organisation, ProtocolPage

SEED_PEOPLE = 23


def load_seed_transfer():
    """Create the demo transfer once (never again, even after it is deleted)."""
    protocol = ProtocolPage.objects.filter(reference="2024_VB_00591").first()
    if protocol is None or Transfer.objects.filter(protocol=protocol).exists():
        return None
    officer = get_user_model().objects.filter(username="officer").first()
    sent_at = timezone.make_aware(datetime.datetime(2024, 9, 20, 10, 0))
    rows = people.people(
        SEED_PEOPLE,
        invitation_dates=[datetime.date(2024, 8, 26), datetime.date(2024, 9, 2)],
    )
    transfer = services.record_transfer(
        protocol=protocol,
        decision=protocol.approving_decisions()[0],
        sender=Organisation.objects.get(enterprise_number="0400032156"),
        recipient=Organisation.objects.get(enterprise_number="0212214125"),
        sent_at=sent_at,
        channel=Transfer.Channel.PLATFORM,
        data_items=list(protocol.data_items.all()),
        data_subject_count=len(rows),
        user=officer,
        note="Demo: lijst met verzonnen personen.",
    )
    upload = encrypt_bytes(
        people.as_csv(rows),
        "kandidaat-huurders-referentieadres.csv",
        binding=services.payload_binding(transfer),
    )
    services.store_payload(transfer, upload, user=officer)
    return transfer
