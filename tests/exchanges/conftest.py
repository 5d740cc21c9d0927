import datetime
import socket

import pytest
from django.utils import timezone

from exchanges import services
from exchanges.uploads import encrypt_bytes
from tests.factories import OrganisationFactory, build_protocol, member_of

LIST_CSV = (
    b"Naam;Voornaam;Rijksregisternummer;Status dossier CIR;Ontbrekende stukken;"
    b"Datum uitnodigingsbrief;Datum herinneringsbrief\r\n"
    b"Voorbeeld;An;05.01.01-900.55;Niet bevestigd;Inkomensbewijs;26/08/2024;\r\n"
)


@pytest.fixture
def protocol(db):
    """A published protocol in force since 13/03/2025, data kept until 2037."""
    sender = OrganisationFactory(name="Woonmaatschappij Proef")
    recipient = OrganisationFactory(name="OCMW Proef")
    return build_protocol(
        title="Testprotocol kandidaat-huurders",
        parties=[sender, recipient],
        decision_date=datetime.date(2025, 3, 13),
    )


@pytest.fixture
def officer_user(officer_user, protocol):
    """The Exchange officer of the protocol's sender: transfers are seen and worked
    only by their own organisations' officers (exchanges.scoping)."""
    return member_of(officer_user, protocol.party_organisations()[0])


@pytest.fixture
def auditor_user(auditor_user, protocol):
    """The auditor of the protocol's recipient (the other side of its transfers)."""
    return member_of(auditor_user, protocol.party_organisations()[-1])


def make_transfer(protocol, user, **overrides):
    parties = {party.role: party.organisation for party in protocol.parties.all()}
    fields = {
        "protocol": protocol,
        "decision": protocol.approving_decisions()[0],
        "sender": parties["sender"],
        "recipient": parties["recipient"],
        "data_items": list(protocol.data_items.all()),
        "data_subject_count": 1,
        "sent_at": timezone.make_aware(datetime.datetime(2025, 6, 2, 9, 30)),
        "user": user,
    }
    fields.update(overrides)
    return services.record_transfer(**fields)


@pytest.fixture
def transfer(protocol, officer_user):
    return make_transfer(protocol, officer_user)


def attach_payload(transfer, user, content=LIST_CSV, name="lijst.csv"):
    upload = encrypt_bytes(content, name, binding=services.payload_binding(transfer))
    return services.store_payload(transfer, upload, user=user)


@pytest.fixture
def payload(transfer, officer_user):
    return attach_payload(transfer, officer_user)


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="session")
def s3_endpoint():
    """moto's S3 server on a local port, spoken to over HTTP as a real store is."""
    from moto.server import ThreadedMotoServer

    port = _free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    yield f"http://127.0.0.1:{port}"
    server.stop()


def expire(transfer):
    """Let the clock pass the transfer's retention date: it ended yesterday. (A
    transfer cannot be recorded with a date already past, so tests move it.)"""
    from exchanges.models import Transfer

    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    # Saved, not updated: the change is recorded as any change of the date is.
    moved = Transfer.objects.get(pk=transfer.pk)
    moved.retention_date = yesterday
    moved.save(update_fields=["retention_date"])
    transfer.retention_date = yesterday
    return transfer
