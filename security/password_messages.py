"""The messages of django-zxcvbn-password-validator that this project translates
itself (its own Dutch says "je" where this site says "u", and gets two plurals
wrong): marked here so that `make messages` keeps them in locale/nl. Never called."""

from django.utils.translation import gettext_noop, ngettext


def _messages():  # pragma: no cover - read by makemessages, not run
    gettext_noop("Your password is too guessable:")
    gettext_noop("It would take an offline attacker %(time)s to guess it.")
    gettext_noop("Your password exceeds the maximal length of 72 characters.")
    gettext_noop("We expect a password that cannot be guessed %s")
    gettext_noop("without a dedicated team and an access to our database.")
    gettext_noop("There is no specific rule for a great password,")
    gettext_noop("however if your password is too easy to guess,")
    gettext_noop("we will tell you how to make a better one.")
    gettext_noop("Avoid years that are associated with you")
    gettext_noop("Avoid dates and years that are associated with you")
    ngettext("%d hour", "%d hours", 1)
    ngettext("%d year", "%d years", 1)
