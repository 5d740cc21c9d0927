"""The two apps inside a host site that is not ours: own root page, own base
template, own URL layout, every migration from zero."""

import datetime
import io

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db.migrations.recorder import MigrationRecorder
from hostsite.models import TownHomePage
from wagtail.models import Site

from protocols_registry.models import (
    ApprovalDecision,
    DPOAdvice,
    Organisation,
    ProcessingActivity,
    ProcessingRegisterPage,
    ProtocolDataItem,
    ProtocolDecision,
    ProtocolIndexPage,
    ProtocolPage,
    ProtocolParty,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def published(db):
    root = Site.objects.get(is_default_site=True).root_page.specific
    assert isinstance(root, TownHomePage)
    index = ProtocolIndexPage(title="Gegevensdeling", slug="gegevensdeling")
    root.add_child(instance=index)
    index.save_revision().publish()
    city = Organisation.objects.create(
        name="Gemeente Proefdorp",
        kind="city",
        enterprise_number="0999234513",
        dpo_name="Functionaris voor gegevensbescherming (fictief)",
        dpo_email="dpo@proefdorp.example",
    )
    ocmw = Organisation.objects.create(
        name="OCMW Proefdorp",
        kind="ocmw",
        enterprise_number="0999123457",
        dpo_name="Functionaris voor gegevensbescherming (fictief)",
        dpo_email="dpo@ocmw.proefdorp.example",
    )
    decision = ApprovalDecision.objects.create(
        reference="2025_CBS_00012",
        title="Goedkeuring",
        organisation=city,
        governing_body="college",
        meeting_date=datetime.date(2025, 1, 9),
    )
    # Every section the publication rule requires (art. 8 of the decree of 18 July
    # 2008), so the host site publishes as a real one would.
    page = ProtocolPage(
        reference="2025_CBS_00012",
        title="Proefprotocol",
        summary="Proef.",
        collection_purposes="<p>Verzameld voor de opdracht van het OCMW.</p>",
        communication_purposes="<p>Meegedeeld om de betrokkenen te contacteren.</p>",
        recipients="<p>De maatschappelijk werkers van de gemeente.</p>",
        periodicity_note="<p>Eenmalig, voor bepaalde duur.</p>",
        security_general="<p>Versleuteld via het platform.</p>",
    )
    page.parties = [
        ProtocolParty(organisation=ocmw, role="sender", sort_order=0),
        ProtocolParty(organisation=city, role="recipient", sort_order=1),
    ]
    page.decision_links = [ProtocolDecision(decision=decision, sort_order=0)]
    page.data_items = [
        ProtocolDataItem(
            data="Naam",
            proportionality="Nodig.",
            retention="Tot het einde van de actie.",
            sort_order=0,
        )
    ]
    index.add_child(instance=page)
    for org in (ocmw, city):
        DPOAdvice.objects.create(
            protocol=page,
            organisation=org,
            advice_date=datetime.date(2025, 1, 2),
            verdict="favourable",
        )
    page.save_revision().publish()
    register = ProcessingRegisterPage(title="Register", slug="register")
    root.add_child(instance=register)
    register.save_revision().publish()
    ProcessingActivity.objects.create(
        reference="PD-1",
        name="Proefverwerking",
        owner_department="Burgerzaken",
        status="active",
        show_in_public_register=True,
    )
    return page


def test_every_migration_of_the_extension_ran_from_zero():
    applied = set(MigrationRecorder.Migration.objects.values_list("app", flat=True))
    assert {"protocols_registry", "exchanges", "breaches", "hostsite"} <= applied
    assert {"DPO", "Board secretary", "Editor", "Auditor", "Exchange officer"} <= set(
        Group.objects.values_list("name", flat=True)
    )


def test_the_protocol_is_served_in_the_host_layout(client, published):
    response = client.get("/gegevensdeling/2025-cbs-00012/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "HOST-LAYOUT" in html and "Proefprotocol" in html
    assert "https://data.proefdorp.example/id/besluit/2025_CBS_00012" in html
    listing = client.get("/gegevensdeling/").content.decode()
    assert "2025_CBS_00012" in listing and "HOST-LAYOUT" in listing
    assert client.get("/gegevensdeling/export.json").json()["protocols"][0][
        "reference"
    ] == ("2025_CBS_00012")


def test_the_pdf_is_generated(client, published):
    from pypdf import PdfReader

    response = client.get("/gegevensdeling/2025-cbs-00012/pdf/")
    assert response.status_code == 200
    text = " ".join(
        p.extract_text() for p in PdfReader(io.BytesIO(response.content)).pages
    )
    assert "2025_CBS_00012" in text


def test_the_public_register_is_served(client, published):
    html = client.get("/register/").content.decode()
    assert "PD-1" in html and "HOST-LAYOUT" in html
    assert client.get("/register/PD-1/").status_code == 200


def test_the_exchanges_admin_is_reached_by_an_exchange_officer(client, published):
    officer = get_user_model().objects.create_user("ambtenaar", password="x" * 20)
    officer.groups.add(Group.objects.get(name="Exchange officer"))
    client.force_login(officer)
    assert client.get("/beheer/exchanges/transfers/").status_code == 200
    assert client.get("/beheer/exchanges/transfers/new/").status_code == 200
    client.logout()
    assert client.get("/beheer/exchanges/transfers/").status_code == 302
    assert client.get("/gegevensuitwisseling/sleutel.pem").status_code == 200


def test_the_breach_register_works_for_the_dpo_of_the_organisation(client, published):
    from breaches.models import Breach
    from protocols_registry.models import OrganisationMember

    city = Organisation.objects.get(enterprise_number="0999234513")
    dpo = get_user_model().objects.create_user("dpo-stad", password="x" * 20)
    dpo.groups.add(Group.objects.get(name="DPO"))
    OrganisationMember.objects.create(user=dpo, organisation=city)
    client.force_login(dpo)
    assert client.get("/beheer/breaches/").status_code == 200
    response = client.post(
        "/beheer/breaches/new/",
        {
            "organisation": city.pk,
            "discovered_at": "2025-03-01T10:00",
            "nature": "Proeflek",
            "consequences": "Geen",
            "measures": "Geen",
            "contact_point": "dpo@proefdorp.example",
            "risk": "risk",
            "protocols": [published.pk],
        },
    )
    assert response.status_code == 302
    breach = Breach.objects.get()
    response = client.post(f"/beheer/breaches/{breach.pk}/notify/")
    assert breach.notifications.get().recipient.name == "OCMW Proefdorp"
    client.logout()
    assert client.get(f"/beheer/breaches/{breach.pk}/").status_code == 302
