"""Invented people for the demo transfer: names that say they are examples, and
national register numbers with valid check digits and birth dates around 1900-1930,
chosen so they are unlikely to belong to anyone living. Never real people."""

import csv
import datetime
import io

from exchanges import nrn

LAST_NAMES = [
    "Voorbeeld",
    "Proefmans",
    "Testaert",
    "Demuynck-Fictief",
    "Verzonnen",
    "Bedachte",
    "Denkbeeld",
    "Oefenaere",
    "Staalkaart",
    "Modelmans",
    "Fictieve",
    "Schetsbroek",
    "Proefhuys",
    "Ontwerpe",
    "Simulaer",
    "Nepveu",
    "Zogezegd",
    "Alsofs",
    "Schijnaert",
    "Papierman",
    "Voorlopig",
    "Probeersel",
    "Kladblok",
    "Mockaert",
]
FIRST_NAMES = [
    "An",
    "Bart",
    "Chloé",
    "Dirk",
    "Elif",
    "Frank",
    "Gitte",
    "Hamza",
    "Ines",
    "Jonas",
    "Karima",
    "Lieven",
    "Marie",
    "Noah",
    "Olga",
    "Pieter",
    "Rania",
    "Sander",
    "Tine",
    "Umar",
    "Veerle",
    "Wout",
    "Yasmina",
    "Zeno",
]
STATUSES = [
    ("Niet bevestigd", "Inkomensbewijs"),
    ("Niet bevestigd", "Attest referentieadres"),
    ("Onvolledig", "Kopie identiteitskaart"),
    ("Niet bevestigd", ""),
    ("Onvolledig", "Inkomensbewijs; Gezinssamenstelling"),
]

HEADER = [
    "Naam",
    "Voornaam",
    "Rijksregisternummer",
    "Status dossier CIR",
    "Ontbrekende stukken",
    "Datum uitnodigingsbrief",
    "Datum herinneringsbrief",
]


def people(count, invitation_dates, reminder_every=3):
    """``count`` invented rows; invitation dates cycle through ``invitation_dates``."""
    rows = []
    for number in range(count):
        birth = datetime.date(
            1905 + number % 25, 1 + number % 12, 1 + (number * 7) % 28
        )
        invited = invitation_dates[number % len(invitation_dates)]
        reminded = (
            invited + datetime.timedelta(days=31)
            if number % reminder_every == 0
            else None
        )
        status, missing = STATUSES[number % len(STATUSES)]
        rows.append(
            {
                "Naam": LAST_NAMES[number % len(LAST_NAMES)],
                "Voornaam": FIRST_NAMES[(number * 5) % len(FIRST_NAMES)],
                "Rijksregisternummer": nrn.formatted(nrn.make(birth, 900 + number)),
                "Status dossier CIR": status,
                "Ontbrekende stukken": missing,
                "Datum uitnodigingsbrief": invited.strftime("%d/%m/%Y"),
                "Datum herinneringsbrief": reminded.strftime("%d/%m/%Y")
                if reminded
                else "",
            }
        )
    return rows


def as_csv(rows):
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=HEADER, delimiter=";")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")
