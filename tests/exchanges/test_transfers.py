"""Recording a transfer: every refusal reason, and what a recorded one looks like."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from exchanges.models import AuditEvent, Transfer
from tests.exchanges.conftest import make_transfer
from tests.factories import ApprovalDecisionFactory, OrganisationFactory, build_protocol

pytestmark = pytest.mark.django_db


def refusal(protocol, user, **overrides):
    with pytest.raises(ValidationError) as error:
        make_transfer(protocol, user, **overrides)
    assert not Transfer.objects.exists()
    return error.value.message_dict


def test_a_transfer_the_protocol_allows_is_recorded_with_its_defaults(
    protocol, officer_user
):
    transfer = make_transfer(protocol, officer_user)
    assert transfer.reference == f"{protocol.reference}/1"
    assert transfer.retention_date == datetime.date(
        2037, 6, 30
    )  # the earliest item limit
    assert transfer.status == Transfer.Status.AWAITING
    assert transfer.data_item_labels == [
        str(item) for item in protocol.data_items.all()
    ]
    event = AuditEvent.objects.get(action="transfer.recorded")
    assert event.action == "transfer.recorded" and event.transfer_id == transfer.pk
    assert event.actor == officer_user.get_username()
    assert make_transfer(protocol, officer_user).reference == f"{protocol.reference}/2"


def test_refused_before_the_protocol_was_approved(protocol, officer_user):
    sent = timezone.make_aware(datetime.datetime(2025, 3, 1, 12, 0))
    problems = refusal(protocol, officer_user, sent_at=sent)
    assert "niet goedgekeurd op 01/03/2025" in problems["protocol"][0]


def test_refused_when_the_protocol_was_no_longer_in_force(officer_user):
    ended = build_protocol(
        decision_date=datetime.date(2023, 2, 1), end_date=datetime.date(2023, 12, 31)
    )
    sent = timezone.make_aware(datetime.datetime(2024, 1, 5, 12, 0))
    problems = refusal(ended, officer_user, sent_at=sent)
    assert "niet van kracht op 05/01/2024" in problems["protocol"][0]
    assert "afgelopen" in problems["protocol"][0]


def test_refused_for_a_data_item_the_protocol_does_not_list(protocol, officer_user):
    other = build_protocol(title="Ander protocol")
    foreign = other.data_items.first()
    problems = refusal(
        protocol, officer_user, data_items=[protocol.data_items.first(), foreign]
    )
    assert "is geen gegeven van protocol" in problems["data_items"][0]
    assert str(foreign) in problems["data_items"][0]


def test_refused_when_kept_longer_than_the_protocol_allows(protocol, officer_user):
    problems = refusal(protocol, officer_user, retention_date=datetime.date(2037, 7, 1))
    assert "30/06/2037" in problems["retention_date"][0]


def test_retention_limit_follows_the_items_carried(protocol, officer_user):
    longest = protocol.data_items.get(retention_until=datetime.date(2037, 12, 31))
    transfer = make_transfer(
        protocol,
        officer_user,
        data_items=[longest],
        retention_date=datetime.date(2037, 12, 31),
    )
    assert transfer.retention_date == datetime.date(2037, 12, 31)


def test_refused_for_a_decision_that_does_not_approve_it(protocol, officer_user):
    unrelated = ApprovalDecisionFactory()
    problems = refusal(protocol, officer_user, decision=unrelated)
    assert unrelated.reference in problems["decision"][0]


def test_refused_for_organisations_that_are_not_the_right_parties(
    protocol, officer_user
):
    outsider = OrganisationFactory(name="Buitenstaander")
    recipient = protocol.parties.get(role="recipient").organisation
    problems = refusal(protocol, officer_user, sender=outsider)
    assert "Buitenstaander" in problems["sender"][0]
    problems = refusal(protocol, officer_user, sender=recipient)
    assert "verstrekkende partij" in problems["sender"][0]


def test_officer_records_a_transfer_in_two_steps(client, protocol, officer_user):
    client.force_login(officer_user)
    url = reverse("exchanges_admin:transfer_create")
    step = client.get(url, {"protocol": protocol.pk})
    assert step.status_code == 200
    parties = {party.role: party.organisation for party in protocol.parties.all()}
    response = client.post(
        f"{url}?protocol={protocol.pk}",
        {
            "decision": protocol.approving_decisions()[0].pk,
            "sender": parties["sender"].pk,
            "recipient": parties["recipient"].pk,
            "sent_at": "2025-06-02T09:30",
            "channel": "platform",
            "data_items": [item.pk for item in protocol.data_items.all()],
            "data_subject_count": "23",
            "retention_date": "2037-08-01",
        },
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "30/06/2037" in errors["retention_date"][0]
    assert not Transfer.objects.exists()


def test_the_transfer_page_shows_protocol_decision_and_advices(
    client, transfer, auditor_user
):
    client.force_login(auditor_user)
    html = client.get(
        reverse("exchanges_admin:transfer_detail", args=[transfer.pk])
    ).content.decode()
    assert transfer.protocol.reference in html
    assert transfer.decision.reference in html
    for advice in transfer.protocol.advices.all():
        assert advice.organisation.name in html
    assert "transfer.recorded" in html


# --- a transfer made before the platform was used ---------------------------------------


@pytest.fixture
def past_protocol():
    """A one-off protocol of 2024 whose data had to be deleted by 27/09/2024."""
    protocol = build_protocol(decision_date=datetime.date(2024, 9, 19))
    protocol.data_items.update(retention_until=datetime.date(2024, 9, 27))
    return protocol


def record_past(protocol, user, **overrides):
    from exchanges import services

    parties = {party.role: party.organisation for party in protocol.parties.all()}
    fields = {
        "protocol": protocol,
        "decision": protocol.approving_decisions()[0],
        "sender": parties["sender"],
        "recipient": parties["recipient"],
        "data_items": list(protocol.data_items.all()),
        "data_subject_count": 23,
        "sent_at": timezone.make_aware(datetime.datetime(2024, 9, 20, 10, 0)),
        "channel": Transfer.Channel.ENCRYPTED_EMAIL,
        "user": user,
    }
    fields.update(overrides)
    return services.record_past_transfer(**fields)


def test_a_past_transfer_cannot_be_recorded_as_a_current_one(
    past_protocol, officer_user
):
    problems = refusal(
        past_protocol,
        officer_user,
        sent_at=timezone.make_aware(datetime.datetime(2024, 9, 20, 10, 0)),
    )
    assert "27/09/2024" in problems["retention_date"][0]


def test_a_past_transfer_is_recorded_closed_with_evidence_that_says_so(
    past_protocol, officer_user
):
    from exchanges import certificates
    from exchanges.models import DeletionEvidence, Payload

    transfer = record_past(past_protocol, officer_user)
    assert transfer.status == Transfer.Status.DELETED and transfer.deleted_at
    assert transfer.retention_date == datetime.date(2024, 9, 27)
    assert transfer.channel == Transfer.Channel.ENCRYPTED_EMAIL
    assert not Payload.objects.exists()
    evidence = DeletionEvidence.objects.get()
    assert evidence.subject == "transfer" and evidence.record_count == 0
    assert evidence.reason == "outside" and evidence.actor == officer_user.username
    # Honest: the platform never held the data and did not verify their deletion.
    assert not evidence.verified
    assert "never held" in evidence.method and "encrypted_email" in evidence.method
    assert "not verified by the platform" in evidence.verification
    actions = list(
        AuditEvent.objects.filter(transfer_id=evidence.transfer_id)
        .order_by("sequence")
        .values_list("action", flat=True)
    )
    assert actions == ["transfer.recorded", "transfer.data_deleted"]
    content = certificates.render_certificate(evidence)
    import io

    from pypdf import PdfReader

    text = " ".join(
        page.extract_text() for page in PdfReader(io.BytesIO(content)).pages
    ).replace("\n", " ")
    assert "Geen: het platform had geen persoonsgegevens" in text
    assert "Niet nodig op het platform" in text
    assert "Purge" not in text
    assert certificates.verify_certificate(content)["verified"] is False


def test_a_past_transfer_is_refused_on_the_platform_channel_or_within_its_date(
    past_protocol, protocol, officer_user
):
    from exchanges.models import DeletionEvidence

    with pytest.raises(ValidationError) as error:
        record_past(past_protocol, officer_user, channel=Transfer.Channel.PLATFORM)
    assert "channel" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        record_past(
            protocol,
            officer_user,
            sent_at=timezone.make_aware(datetime.datetime(2025, 6, 2, 9, 30)),
        )
    assert "niet voorbij" in error.value.message_dict["retention_date"][0]
    with pytest.raises(ValidationError) as error:  # the protocol's rules still apply
        record_past(
            past_protocol,
            officer_user,
            sent_at=timezone.make_aware(datetime.datetime(2024, 9, 1, 10, 0)),
        )
    assert "protocol" in error.value.message_dict
    assert not Transfer.objects.exists() and not DeletionEvidence.objects.exists()
