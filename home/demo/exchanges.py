"""The demo transfer of the seed protocol: Thuispunt Gent sends OCMW Gent the list of
candidate tenants with a reference address, on 20 September 2024. The list holds
invented people only; it is encrypted like any upload."""

import datetime

from django.contrib.auth import get_user_model
from django.utils import timezone

from exchanges import services, worklist
from exchanges.list_import import parse_list
from exchanges.models import Transfer
from exchanges.uploads import encrypt_bytes
from home.demo import people
from protocols_registry.models import Organisation, ProtocolPage

SEED_PEOPLE = 23
CURRENT_PEOPLE = 24


def _send_and_import(protocol, *, sender, recipient, sent_at, rows, note):
    officer = get_user_model().objects.filter(username="officer").first()
    transfer = services.record_transfer(
        protocol=protocol,
        decision=protocol.approving_decisions()[0],
        sender=Organisation.objects.get(enterprise_number=sender),
        recipient=Organisation.objects.get(enterprise_number=recipient),
        sent_at=sent_at,
        channel=Transfer.Channel.PLATFORM,
        data_items=list(protocol.data_items.all()),
        data_subject_count=len(rows),
        user=officer,
        note=note,
    )
    content = people.as_csv(rows)
    upload = encrypt_bytes(
        content,
        "kandidaat-huurders-referentieadres.csv",
        binding=services.payload_binding(transfer),
    )
    services.store_payload(transfer, upload, user=officer)
    worklist.import_list(transfer, parse_list(content, "csv"), user=officer)
    return transfer


def load_seed_transfer():
    """The seed protocol's transfer of 20 September 2024, once (never again, even
    after the retention job has deleted it)."""
    protocol = ProtocolPage.objects.filter(reference="2024_VB_00591").first()
    if protocol is None or Transfer.objects.filter(protocol=protocol).exists():
        return None
    return _send_and_import(
        protocol,
        sender="0400032156",
        recipient="0212214125",
        sent_at=timezone.make_aware(datetime.datetime(2024, 9, 20, 10, 0)),
        rows=people.people(
            SEED_PEOPLE,
            invitation_dates=[datetime.date(2024, 8, 26), datetime.date(2024, 9, 2)],
        ),
        note="Demo: lijst met verzonnen personen.",
    )


def load_current_transfer(today=None):
    """A transfer under the fictional yearly protocol 2025_DEMO_00002, dated around
    the day the demo is first loaded, so the worklist has overdue, urgent and later
    people to work through."""
    protocol = ProtocolPage.objects.filter(reference="2025_DEMO_00002").first()
    if protocol is None or Transfer.objects.filter(protocol=protocol).exists():
        return None
    today = today or timezone.localdate()
    invitations = [
        today - datetime.timedelta(days=days) for days in (45, 32, 28, 20, 8)
    ]
    return _send_and_import(
        protocol,
        sender="0999345666",
        recipient="0999123457",
        sent_at=timezone.now() - datetime.timedelta(days=2),
        rows=people.people(CURRENT_PEOPLE, invitation_dates=invitations),
        note="Fictief voorbeeld: verzonnen personen.",
    )
