"""The demo transfers.

The seed protocol's transfer: Thuispunt Gent sent OCMW Gent the list of candidate
tenants with a reference address on 20 September 2024, by encrypted e-mail (the
protocol's exchange procedure; the platform it announces did not exist yet), to be
deleted by 27 September 2024. It is recorded after the fact, closed at once: the
platform never held that list, and says so in its evidence.

A current transfer under the fictional protocol 2025_DEMO_00002, with a list of
invented people, encrypted like any upload and imported into a worklist."""

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
    """The seed protocol's transfer of 20 September 2024, recorded once as a past
    transfer made by encrypted e-mail whose data were to be deleted by 27/09/2024
    outside the platform."""
    protocol = ProtocolPage.objects.filter(reference="2024_VB_00591").first()
    if protocol is None or Transfer.objects.filter(protocol=protocol).exists():
        return None
    sent_at = timezone.make_aware(datetime.datetime(2024, 9, 20, 10, 0))
    if not protocol.in_force_on(timezone.localdate(sent_at)):
        # The seed leaves the signing date blank, so as published the protocol
        # never entered into force (art. 12) and the platform refuses the transfer.
        return None
    return services.record_past_transfer(
        protocol=protocol,
        decision=protocol.approving_decisions()[0],
        sender=Organisation.objects.get(enterprise_number="0400032156"),
        recipient=Organisation.objects.get(enterprise_number="0212214125"),
        sent_at=sent_at,
        channel=Transfer.Channel.ENCRYPTED_EMAIL,
        data_items=list(protocol.data_items.all()),
        data_subject_count=SEED_PEOPLE,
        user=get_user_model().objects.filter(username="officer").first(),
        note=(
            "Demo: per versleutelde e-mail verstuurd vóór dit platform bestond; het "
            "platform kreeg de lijst nooit. Het aantal personen is verzonnen."
        ),
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


def load_past_example_transfer():
    """A transfer made by encrypted e-mail before the platform existed, recorded
    after the fact under the fictional, ended protocol 2023_DEMO_00003 (the seed
    protocol, never signed, allows none): the platform never held its data, and its
    deletion evidence says so."""
    protocol = ProtocolPage.objects.filter(reference="2023_DEMO_00003").first()
    if protocol is None or Transfer.objects.filter(protocol=protocol).exists():
        return None
    return services.record_past_transfer(
        protocol=protocol,
        decision=protocol.approving_decisions()[0],
        sender=Organisation.objects.get(enterprise_number="0999123457"),
        recipient=Organisation.objects.get(enterprise_number="0999234513"),
        sent_at=timezone.make_aware(datetime.datetime(2023, 3, 1, 10, 0)),
        channel=Transfer.Channel.ENCRYPTED_EMAIL,
        data_items=list(protocol.data_items.all()),
        data_subject_count=0,
        user=get_user_model().objects.filter(username="officer").first(),
        note=(
            "Demo (fictief): per versleutelde e-mail verstuurd vóór dit platform "
            "bestond; het platform kreeg de gegevens nooit."
        ),
    )
