"""What makes a password predictable here, beyond what zxcvbn knows.

zxcvbn (through django-zxcvbn-password-validator) estimates how many guesses a
password takes from English words, names, keyboard patterns, dates and leaked
passwords. People here reach for Dutch words and local names ("Welkom2026!!",
"Gent2025zomer"), which it takes for random letters. These words are handed to it as
a dictionary (the PASSWORD_EXTRA_DICTIONARY setting), so a password built on one of
them counts as guessable. zxcvbn ranks a word by its place: most likely first.
"""

import re

PREDICTABLE_WORDS = (
    # What people type when asked for a password.
    "welkom",
    "wachtwoord",
    "paswoord",
    "passwoord",
    "geheim",
    "hallo",
    "azerty",
    "toegang",
    "aanmelden",
    "inloggen",
    "beheerder",
    "gebruiker",
    "nieuw",
    # Seasons, months and days: a password changed "every season".
    "zomer",
    "winter",
    "lente",
    "herfst",
    "januari",
    "februari",
    "maart",
    "april",
    "mei",
    "juni",
    "juli",
    "augustus",
    "september",
    "oktober",
    "november",
    "december",
    "maandag",
    "dinsdag",
    "woensdag",
    "donderdag",
    "vrijdag",
    "zaterdag",
    "zondag",
    # Places.
    "gent",
    "vlaanderen",
    "belgie",
    "belgië",
    "antwerpen",
    "brussel",
    "brugge",
    "leuven",
    "mechelen",
    "kortrijk",
    "aalst",
    "oostende",
    "hasselt",
    "genk",
    "nederland",
    # The work itself.
    "ocmw",
    "stad",
    "gemeente",
    "stadgent",
    "protocol",
    "protocollen",
    "protocolregister",
    "register",
    "privacy",
    "gegevens",
    "persoonsgegevens",
    "besluit",
    "dienst",
    "uitwisseling",
    # Everyday words of leaked Dutch passwords.
    "liefde",
    "schat",
    "schatje",
    "lieverd",
    "prinses",
    "voetbal",
    "kabouter",
    "konijn",
    "hond",
    "poes",
    "zonneschijn",
    "vakantie",
    "kerstmis",
    "familie",
    "koffie",
)


def predictable_words(*names):
    """PREDICTABLE_WORDS, then the words of ``names`` (the site's and the
    organisation's), which are the first thing an attacker tries."""
    words = list(PREDICTABLE_WORDS)
    for name in names:
        for word in re.findall(r"\w{3,}", name.lower()):
            if word not in words:
                words.append(word)
    return words
