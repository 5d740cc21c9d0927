"""Demo entries of the register: the processing activities the seed protocol implies,
on both sides of the exchange, and one clearly fictional processor."""

from datetime import date

from django.contrib.auth import get_user_model
from wagtail.models import Site

from protocols_registry.models import (
    DataSubjectCategory,
    Organisation,
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

PROCESSOR = {
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

ACTIVITIES = [
    {
        "reference": "OCMW-2024-031",
        "name": "Contacteren van dak- en thuisloze cliënten over hun kandidatendossier in "
        "het CIR",
        "owner_department": "Dienst Thuislozenzorg en Welzijnsbureaus",
        "controller": "0212214125",
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
        "processors": True,
    },
    {
        "reference": "THG-2024-007",
        "name": "Actualisatie van kandidatendossiers in het Centraal Inschrijvingsregister",
        "owner_department": "Verhuur en inschrijvingen",
        "controller": "0400032156",
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
        "processors": False,
        "next_review": date(2027, 3, 31),
    },
]


def ensure_register_page(home=None):
    home = home or Site.objects.get(is_default_site=True).root_page
    page = ProcessingRegisterPage.objects.child_of(home).first()
    if page:
        return page
    page = ProcessingRegisterPage(
        title="Verwerkingsregister",
        slug="verwerkingsregister",
        show_in_menus=True,
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


def load_register():
    """Create the demo register entries if they are missing. Returns their references."""
    ensure_register_page()
    user = get_user_model().objects.filter(username="dpo").first()
    for name, description in SUBJECT_CATEGORIES:
        DataSubjectCategory.objects.get_or_create(
            name=name, defaults={"description": description}
        )
    for name, description, special in DATA_CATEGORIES:
        PersonalDataCategory.objects.get_or_create(
            name=name, defaults={"description": description, "special": special}
        )
    processor = Processor.objects.filter(name=PROCESSOR["name"]).first()
    if processor is None:
        fields = dict(PROCESSOR)
        fields["enterprise_number"] = fields["enterprise_number"].replace(".", "")
        processor = save_with_history(Processor(**fields), user=user, reason="Demo")
    created = []
    seed = ProtocolPage.objects.filter(reference="2024_VB_00591").first()
    for data in ACTIVITIES:
        if ProcessingActivity.objects.filter(reference=data["reference"]).exists():
            continue
        activity = ProcessingActivity(
            reference=data["reference"],
            name=data["name"],
            owner_department=data["owner_department"],
            status=ProcessingActivity.Status.ACTIVE,
            controller=Organisation.objects.get(enterprise_number=data["controller"]),
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
            if seed:
                activity.protocols.set([seed])
            if data["processors"]:
                activity.processors.set([processor])

        save_with_history(activity, user=user, reason="Demo", save_m2m=save_m2m)
        created.append(activity.reference)
    return created
