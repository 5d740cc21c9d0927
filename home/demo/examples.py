"""Clearly fictional example protocols, so that filters and search have something to do.

Every name says "Voorbeeldstad" and "fictief"; references use the body code DEMO, which
no real governing body uses. The enterprise numbers pass the check digits but are
chosen from a range we do not expect to be in use; do not reuse them in production.
"""

from datetime import date


def _p(text):
    return f"<p>{text}</p>"


ORGANISATIONS = [
    {
        "name": "OCMW Voorbeeldstad (fictief)",
        "short_name": "OCMW Voorbeeldstad",
        "kind": "ocmw",
        "enterprise_number": "0999.123.457",
        "street_address": "Voorbeeldplein 1",
        "postal_code": "9999",
        "city": "Voorbeeldstad",
        "dpo_name": "Functionaris gegevensbescherming (fictief)",
        "dpo_email": "privacy@voorbeeldstad.example",
    },
    {
        "name": "Stad Voorbeeldstad (fictief)",
        "short_name": "Stad Voorbeeldstad",
        "kind": "city",
        "enterprise_number": "0999.234.513",
        "street_address": "Voorbeeldplein 1",
        "postal_code": "9999",
        "city": "Voorbeeldstad",
        "dpo_email": "privacy@voorbeeldstad.example",
    },
    {
        "name": "Woonmaatschappij Voorbeeldstad (fictief)",
        "short_name": "Wonen Voorbeeldstad",
        "kind": "housing_company",
        "enterprise_number": "0999.345.666",
        "street_address": "Woonlaan 10",
        "postal_code": "9999",
        "city": "Voorbeeldstad",
        "dpo_email": "dpo@wonen-voorbeeldstad.example",
    },
]

DECISIONS = [
    {
        "reference": "2025_DEMO_00001",
        "title": "Fictief voorbeeld: protocol sociale energietoelage - Goedkeuring",
        "organisation": "0999123457",
        "governing_body": "vast_bureau",
        "meeting_date": date(2025, 3, 13),
        "session": "public",
        "outcome": "approved",
        "decision_text": "Artikel 1: Keurt het protocol goed (fictief voorbeeld).",
    },
    {
        "reference": "2025_DEMO_00002",
        "title": "Fictief voorbeeld: protocol jaarlijkse actualisatie CIR - Goedkeuring",
        "organisation": "0999123457",
        "governing_body": "vast_bureau",
        "meeting_date": date(2025, 9, 18),
        "session": "closed",
        "outcome": "approved",
        "decision_text": "Artikel 1: Keurt het protocol goed (fictief voorbeeld).",
    },
    {
        "reference": "2023_DEMO_00003",
        "title": "Fictief voorbeeld: protocol telling daklozen 2023 - Goedkeuring",
        "organisation": "0999234513",
        "governing_body": "college",
        "meeting_date": date(2023, 2, 9),
        "session": "public",
        "outcome": "approved",
        "decision_text": "Artikel 1: Keurt het protocol goed (fictief voorbeeld).",
    },
]


def _protocol(
    reference, title, summary, *, parties, items, advices, signed_on, **fields
):
    """A fictional protocol with every section the publication rule requires,
    signed for each party on ``signed_on`` (in force from then)."""
    base = {
        "reference": reference,
        "title": title,
        "summary": summary,
        "recitals": _p("Fictief voorbeeld om de zoek- en filterfuncties te tonen."),
        "subject": _p(summary),
        "collection_purposes": _p(
            "De verzendende partij verzamelde de gegevens voor haar eigen wettelijke "
            "opdracht (fictief voorbeeld)."
        ),
        "communication_purposes": _p(
            "De ontvangende partij gebruikt de gegevens enkel voor het doel in de "
            "samenvatting (fictief voorbeeld)."
        ),
        "periodicity_note": _p("Zoals hierboven vermeld (fictief voorbeeld)."),
        "recipients": _p("De bevoegde medewerkers van de ontvangende partij."),
        "security_general": _p(
            "De partijen nemen passende technische en "
            "organisatorische maatregelen (art. 32 AVG)."
        ),
        "law_and_court": _p("Dit protocol wordt beheerst door het Belgisch recht."),
        "entry_into_force": _p(
            "Dit protocol treedt in werking na goedkeuring en "
            "ondertekening door alle partijen."
        ),
        "notice_period_months": 3,
        "parties": parties,
        "data_items": items,
        "decisions": [reference],
        "advices": advices,
        "exchange_steps": [
            "De verzender laadt de lijst op via het beveiligde uitwisselingsplatform."
        ],
        "signatories": [
            {
                "organisation": party["organisation"],
                "name": "Algemeen directeur (fictief)",
                "title": "algemeen directeur",
                "signed_on": signed_on,
                "signed_place": "Voorbeeldstad",
            }
            for party in parties
        ],
    }
    base.update(fields)
    return base


PROTOCOLS = [
    _protocol(
        "2025_DEMO_00001",
        "Fictief voorbeeld: maandelijkse mededeling van leefloongerechtigden voor de "
        "sociale energietoelage",
        "OCMW Voorbeeldstad deelt maandelijks aan Stad Voorbeeldstad mee wie een leefloon "
        "ontvangt, zodat de stad de sociale energietoelage automatisch kan toekennen. "
        "Fictief voorbeeld.",
        parties=[
            {"organisation": "0999123457", "role": "sender"},
            {"organisation": "0999234513", "role": "recipient"},
        ],
        items=[
            {
                "data": "Identificatiegegevens: naam, voornaam, rijksregisternummer",
                "proportionality": "Nodig om de toelage aan de juiste persoon toe te kennen.",
                "retention": "Tot één jaar na de toekenning.",
                "retention_until": None,
            },
            {
                "data": "Periode waarin een leefloon wordt ontvangen",
                "proportionality": "Bepaalt het recht op de toelage.",
                "retention": "Tot één jaar na de toekenning.",
                "retention_until": None,
            },
        ],
        advices=[
            {
                "organisation": "0999123457",
                "advice_date": date(2025, 2, 20),
                "verdict": "favourable",
            },
            {
                "organisation": "0999234513",
                "advice_date": date(2025, 2, 24),
                "verdict": "conditional",
                "conditions": "Jaarlijkse evaluatie van de noodzaak van elk gegeven.",
            },
        ],
        periodicity="periodic",
        frequency="maandelijks",
        duration="indefinite",
        signed_on=date(2025, 3, 20),
    ),
    _protocol(
        "2025_DEMO_00002",
        "Fictief voorbeeld: jaarlijkse actualisatie van kandidatendossiers in het "
        "Centraal Inschrijvingsregister in Voorbeeldstad",
        "Woonmaatschappij Voorbeeldstad meldt jaarlijks aan OCMW Voorbeeldstad welke "
        "kandidaat-huurders met een referentieadres bij het OCMW hun dossier in het CIR "
        "nog moeten bevestigen. Fictief voorbeeld, naar het model van 2024_VB_00591.",
        parties=[
            {"organisation": "0999123457", "role": "recipient"},
            {"organisation": "0999345666", "role": "sender"},
        ],
        items=[
            {
                "data": "Identificatiegegevens: naam, voornaam, rijksregisternummer",
                "proportionality": "Nodig om de persoon te identificeren en te contacteren.",
                "retention": "Tot de persoon gecontacteerd is, uiterlijk 31/12/2027.",
                "retention_until": date(2027, 12, 31),
            },
            {
                "data": "Status van het kandidatendossier in het CIR en de ontbrekende "
                "stukken",
                "proportionality": "Nodig om gericht te kunnen helpen.",
                "retention": "Tot de persoon gecontacteerd is, uiterlijk 31/12/2027.",
                "retention_until": date(2027, 12, 31),
            },
        ],
        advices=[
            {
                "organisation": "0999345666",
                "advice_date": date(2025, 9, 2),
                "verdict": "favourable",
            },
            {
                "organisation": "0999123457",
                "advice_date": date(2025, 9, 5),
                "verdict": "favourable",
            },
        ],
        periodicity="periodic",
        frequency="jaarlijks",
        duration="fixed",
        end_date=date(2027, 12, 31),
        signed_on=date(2025, 9, 25),
    ),
    _protocol(
        "2023_DEMO_00003",
        "Fictief voorbeeld: eenmalige mededeling voor de telling van dak- en thuislozen "
        "2023",
        "OCMW Voorbeeldstad deelt eenmalig geanonimiseerde aantallen en "
        "referentieadressen mee aan Stad Voorbeeldstad voor de telling van dak- en "
        "thuislozen. Fictief voorbeeld; het protocol is afgelopen.",
        parties=[
            {"organisation": "0999123457", "role": "sender"},
            {"organisation": "0999234513", "role": "recipient"},
        ],
        items=[
            {
                "data": "Aantal personen met een referentieadres, per leeftijdsgroep",
                "proportionality": "Nodig voor de telling; geen identificatie.",
                "retention": "Tot de publicatie van het rapport.",
                "retention_until": date(2023, 12, 31),
            },
        ],
        advices=[
            {
                "organisation": "0999123457",
                "advice_date": date(2023, 1, 20),
                "verdict": "favourable",
            },
            {
                "organisation": "0999234513",
                "advice_date": date(2023, 1, 25),
                "verdict": "favourable",
            },
        ],
        periodicity="one_off",
        duration="fixed",
        end_date=date(2023, 12, 31),
        signed_on=date(2023, 2, 16),
    ),
]
