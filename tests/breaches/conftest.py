"""Two parties to a protocol, a third organisation, and a DPO and an auditor of
each: the world every cross-organisation refusal is tried in."""

import datetime

import pytest
from django.utils import timezone

from breaches import services
from breaches.models import Breach
from protocols_registry.models import OrganisationMember
from protocols_registry.roles import AUDITOR, DPO
from tests.conftest import SecondFactorClient, make_user
from tests.factories import OrganisationFactory, build_protocol


def member(username, role, organisation):
    user = make_user(username, role)
    OrganisationMember.objects.create(user=user, organisation=organisation)
    return user


class World:
    def __init__(self):
        self.thuispunt = OrganisationFactory(
            name="Thuispunt Test", dpo_email="dpo@thuispunt.example"
        )
        self.ocmw = OrganisationFactory(name="OCMW Test", dpo_email="dpo@ocmw.example")
        self.other = OrganisationFactory(
            name="Derde Test", dpo_email="dpo@derde.example"
        )
        self.protocol = build_protocol(parties=[self.ocmw, self.thuispunt])
        self.dpo_thuispunt = member("dpo-thuispunt", DPO, self.thuispunt)
        self.dpo_ocmw = member("dpo-ocmw", DPO, self.ocmw)
        self.dpo_other = member("dpo-derde", DPO, self.other)
        self.auditor_thuispunt = member("auditor-thuispunt", AUDITOR, self.thuispunt)
        self.auditor_other = member("auditor-derde", AUDITOR, self.other)


@pytest.fixture
def world(db):
    return World()


def breach_fields(organisation, **overrides):
    fields = {
        "organisation": organisation,
        "discovered_at": timezone.now() - datetime.timedelta(hours=2),
        "occurred_at": timezone.now() - datetime.timedelta(hours=5),
        "nature": "Een lijst werd naar een verkeerd adres gemaild.",
        "data_subject_count": 12,
        "record_count": 12,
        "consequences": "Verlies van vertrouwelijkheid.",
        "measures": "Ontvanger gevraagd de mail te verwijderen.",
        "contact_point": "dpo@thuispunt.example",
        "risk": "risk",
    }
    fields.update(overrides)
    return fields


def make_breach(organisation, user, protocols=(), **overrides):
    breach = Breach(**breach_fields(organisation, **overrides))
    breach.full_clean()
    services.save_breach(breach, user=user)
    breach.protocols.set(protocols)
    return breach


@pytest.fixture
def breach(world):
    return make_breach(world.thuispunt, world.dpo_thuispunt, [world.protocol])


def login(user):
    client = SecondFactorClient()
    client.force_login(user)
    return client
