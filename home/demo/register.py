"""Demo entries of the registers: the processing activities the seed protocol implies,
on both sides of the exchange, each in its own controller's register, and a clearly
fictional processor for each controller. The demo's public register page is OCMW
Gent's."""

from datetime import date

from django.contrib.auth import get_user_model
from wagtail.models import Site

from protocols_registry.models import (
    DataSubjectCategory,
    Organisation,
    OrganisationMember,
    PersonalDataCategory,
    ProcessingActivity,
    ProcessingRegisterPage,
    Processor,
    ProtocolPage,
)
from protocols_registry.register_history import save_with_history

SUBJECT_CATEGORIES = [
    (
        "Kandidaat-huurders",
        "Personen ingeschreven als kandidaat-huurder van een sociale woning.",
    ),
    ("Dak- en thuisloze cliënten", "Cliënten van het OCMW met een referentieadres."),
]
DATA_CATEGORIES = [
    ("Identificatiegegevens", "Naam, voornaam, rijksregisternummer.", False),
    (
        "Dossiergegevens CIR",
        "Status van het kandidatendossier en ontbrekende stukken.",
        False,
    ),
    ("Contactgegevens", "Adres of referentieadres, telefoon.", False),
]

OCMW_GENT = "0212214125"
THUISPUNT_GENT = "0400032156"

PROCESSOR = {
    "controller": OCMW_GENT,
    "name": "Voorbeeld Hosting nv (fictief)",
    "enterprise_number": "0999.456.722",
    "country": "BE",
    "contact": "contact@hosting.example",
    "processing_description": (
        "Hosting van de beveiligde basistoepassing van het OCMW, met de lijsten die via "
        "protocollen worden ontvangen. Fictief voorbeeld."
    ),
    "agreement_signed_on": date(2024, 1, 15),
    "agreement_ends_on": date(2027, 1, 14),
    "sub_processors": "Geen.",
    "third_country_transfers": "",
    "last_assessment": date(2025, 11, 4),
    "assessment_note": "Jaarlijkse vragenlijst en ISO 27001-certificaat nagekeken.",
}

PROCESSORS = [
    PROCESSOR,
    {
        "controller": THUISPUNT_GENT,
        "name": "Voorbeeld Mailing bv (fictief)",
        "enterprise_number": "",
        "country": "BE",
        "contact": "info@mailing.example",
        "processing_description": (
            "Verzending van de herinneringsbrieven en -mails aan kandidaat-huurders "
            "bij de actualisatie van het CIR. Fictief voorbeeld."
        ),
        "agreement_signed_on": date(2023, 6, 1),
        "agreement_ends_on": None,
        "sub_processors": "Geen.",
        "third_country_transfers": "",
        "last_assessment": date(2025, 6, 2),
        "assessment_note": "Verwerkersovereenkomst en beveiligingsbijlage nagekeken.",
    },
]

ACTIVITIES = [
    {
        "reference": "OCMW-2024-031",
        "name": "Contacteren van dak- en thuisloze cliënten over hun kandidatendossier in "
        "het CIR",
        "owner_department": "Dienst Thuislozenzorg en Welzijnsbureaus",
        "controller": OCMW_GENT,
        "dpo_contact": "privacy@ocmw.example",
        "purposes": (
            "Dak- en thuisloze cliënten met een referentieadres bij OCMW Gent tijdig "
            "contacteren en begeleiden zodat zij hun kandidatendossier in het Centraal "
            "Inschrijvingsregister bevestigen en niet van de wachtlijst voor een sociale "
            "woning geschrapt worden."
        ),
        "lawful_basis": "e",
        "legal_reference": (
            "Artikel 57, §1 en artikel 60, §2 van de Organieke Wet van 8 juli 1976 "
            "betreffende de openbare centra voor maatschappelijk welzijn; protocol "
            "2024_VB_00591."
        ),
        "subjects": ["Kandidaat-huurders", "Dak- en thuisloze cliënten"],
        "data": ["Identificatiegegevens", "Dossiergegevens CIR"],
        "recipients": (
            "Hoofdmaatschappelijk en maatschappelijk werkers van de Welzijnsbureaus en "
            "de Dienst Thuislozenzorg; administratief medewerkers."
        ),
        "third_country_transfers": "none",
        "retention_rules": [
            (
                "Identificatiegegevens",
                "Tot de persoon gecontacteerd is, uiterlijk 27/09/2024",
            ),
            (
                "Dossiergegevens CIR",
                "Tot de persoon gecontacteerd is, uiterlijk 27/09/2024",
            ),
        ],
        "security_measures": (
            "Toegangsbeheer op de beveiligde basistoepassing; multifactorauthenticatie; "
            "logging; versleutelde uitwisseling; verwijdering per persoon na contact."
        ),
        "data_source": "Woonmaatschappij Thuispunt Gent (protocol 2024_VB_00591).",
        "dpia_needed": "no",
        "processors": ["Voorbeeld Hosting nv (fictief)"],
    },
    {
        "reference": "THG-2024-007",
        "name": "Actualisatie van kandidatendossiers in het Centraal Inschrijvingsregister",
        "owner_department": "Verhuur en inschrijvingen",
        "controller": THUISPUNT_GENT,
        "dpo_contact": "dpo@thuispunt.example",
        "purposes": (
            "Kandidaat-huurders vragen hun inschrijving in het CIR te bevestigen en te "
            "actualiseren; herinneren; schrappen wie niet reageert."
        ),
        "lawful_basis": "c",
        "legal_reference": (
            "Art. 6.3/1, §1, 1° en 2° Vlaamse Codex Wonen 2021 en het Besluit Vlaamse "
            "Codex Wonen van 2021, wat betreft de sociale huur."
        ),
        "subjects": ["Kandidaat-huurders"],
        "data": ["Identificatiegegevens", "Dossiergegevens CIR", "Contactgegevens"],
        "recipients": "OCMW Gent (protocol 2024_VB_00591), voor cliënten met referentieadres.",
        "third_country_transfers": "none",
        "retention_rules": [
            ("Dossiergegevens CIR", "Zolang de inschrijving loopt"),
        ],
        "security_measures": "Toegangsbeheer en logging in het CIR.",
        "data_source": "De kandidaat-huurder zelf en het Centraal Inschrijvingsregister.",
        "dpia_needed": "no",
        "processors": ["Voorbeeld Mailing bv (fictief)"],
        "next_review": date(2027, 3, 31),
    },
    {
        # Joint controllers (GDPR art. 26): listed in both public registers, marked
        # as such on each.
        "reference": "THG-2025-002",
        "name": "Gezamenlijk woon- en welzijnsloket (fictief voorbeeld)",
        "owner_department": "Klantenwerking",
        "controller": THUISPUNT_GENT,
        "joint": [OCMW_GENT],
        "seed_protocol": False,
        "dpo_contact": "dpo@thuispunt.example",
        "purposes": (
            "Kandidaat-huurders en OCMW-cliënten op één loket helpen met hun "
            "inschrijving en hun vragen over wonen en welzijn. Fictief voorbeeld."
        ),
        "lawful_basis": "e",
        "legal_reference": (
            "Samenwerkingsovereenkomst tussen OCMW Gent en Thuispunt Gent (fictief)."
        ),
        "subjects": ["Kandidaat-huurders"],
        "data": ["Identificatiegegevens", "Contactgegevens"],
        "recipients": "Loketmedewerkers van beide organisaties.",
        "third_country_transfers": "none",
        "retention_rules": [("Contactgegevens", "Tot één jaar na het laatste contact")],
        "security_measures": "Toegangsbeheer per organisatie en logging.",
        "data_source": "De kandidaat-huurder of cliënt zelf.",
        "dpia_needed": "no",
        "processors": [],
    },
]


def ensure_register_page(home=None, controller=None):
    """The public register page under ``home``; ``controller`` (an Organisation) is
    the one whose register it shows (None: every public activity)."""
    home = home or Site.objects.get(is_default_site=True).root_page
    page = ProcessingRegisterPage.objects.child_of(home).first()
    if page:
        if controller is not None and page.controller_id is None:
            page.controller = controller
            page.save_revision().publish()
        return page
    page = ProcessingRegisterPage(
        title="Verwerkingsregister",
        slug="verwerkingsregister",
        show_in_menus=True,
        controller=controller,
        search_description=(
            "Het openbare deel van ons register van verwerkingsactiviteiten (AVG art. 30)."
        ),
        intro=(
            "<p>Welke persoonsgegevens verwerken wij, waarom, op welke rechtsgrond en "
            "hoe lang? Dit is het openbare deel van ons register van "
            "verwerkingsactiviteiten. Vragen? Neem contact op met onze functionaris "
            "voor gegevensbescherming.</p>"
        ),
    )
    home.add_child(instance=page)
    page.save_revision().publish()
    return page


def _organisation(enterprise_number):
    return Organisation.objects.filter(enterprise_number=enterprise_number).first()


def link_demo_auditor():
    """The demo auditor reads both controllers' registers (register permissions are
    scoped by organisation)."""
    auditor = get_user_model().objects.filter(username="auditor").first()
    if auditor is None:
        return
    for enterprise_number in (OCMW_GENT, THUISPUNT_GENT):
        organisation = _organisation(enterprise_number)
        if organisation:
            OrganisationMember.objects.get_or_create(
                user=auditor, organisation=organisation
            )


def load_register():
    """Create the demo register entries if they are missing. Returns their references."""
    ensure_register_page(controller=_organisation(OCMW_GENT))
    link_demo_auditor()
    users = {
        OCMW_GENT: get_user_model().objects.filter(username="dpo").first(),
        THUISPUNT_GENT: get_user_model()
        .objects.filter(username="dpo-thuispunt")
        .first(),
    }
    for name, description in SUBJECT_CATEGORIES:
        DataSubjectCategory.objects.get_or_create(
            name=name, defaults={"description": description}
        )
    for name, description, special in DATA_CATEGORIES:
        PersonalDataCategory.objects.get_or_create(
            name=name, defaults={"description": description, "special": special}
        )
    processors = {}
    for data in PROCESSORS:
        controller = _organisation(data["controller"])
        processor = Processor.objects.filter(name=data["name"]).first()
        if processor is None:
            fields = dict(data, controller=controller)
            fields["enterprise_number"] = fields["enterprise_number"].replace(".", "")
            processor = save_with_history(
                Processor(**fields), user=users[data["controller"]], reason="Demo"
            )
        elif processor.controller_id is None and controller is not None:
            processor.controller = controller
            save_with_history(
                processor, user=users[data["controller"]], reason="Demo: controller"
            )
        processors[data["name"]] = processor
    created = []
    seed = ProtocolPage.objects.filter(reference="2024_VB_00591").first()
    for data in ACTIVITIES:
        if ProcessingActivity.objects.filter(reference=data["reference"]).exists():
            continue
        user = users[data["controller"]]
        activity = ProcessingActivity(
            reference=data["reference"],
            name=data["name"],
            owner_department=data["owner_department"],
            status=ProcessingActivity.Status.ACTIVE,
            controller=_organisation(data["controller"]),
            dpo_contact=data["dpo_contact"],
            purposes=data["purposes"],
            lawful_basis=data["lawful_basis"],
            legal_reference=data["legal_reference"],
            recipients=data["recipients"],
            third_country_transfers=data["third_country_transfers"],
            retention_rules=[
                ("rule", {"data_category": category, "period": period, "ground": ""})
                for category, period in data["retention_rules"]
            ],
            security_measures=data["security_measures"],
            data_source=data["data_source"],
            dpia_needed=data["dpia_needed"],
            last_review=date(2025, 9, 30),
            next_review=data.get("next_review", date(2026, 9, 30)),
            show_in_public_register=True,
        )

        def save_m2m(activity=activity, data=data):
            activity.data_subject_categories.set(
                DataSubjectCategory.objects.filter(name__in=data["subjects"])
            )
            activity.personal_data_categories.set(
                PersonalDataCategory.objects.filter(name__in=data["data"])
            )
            if seed and data.get("seed_protocol", True):
                activity.protocols.set([seed])
            activity.processors.set([processors[name] for name in data["processors"]])
            joint = [_organisation(number) for number in data.get("joint", [])]
            activity.joint_controllers.set([org for org in joint if org])

        save_with_history(activity, user=user, reason="Demo", save_m2m=save_m2m)
        created.append(activity.reference)
    return created
