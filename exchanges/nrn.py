"""The Belgian national register number (rijksregisternummer): YYMMDD SSS CC.

CC = 97 - (YYMMDDSSS mod 97) for people born before 2000; for people born from 2000
on, the number is prefixed with 2 before the check: 97 - (2YYMMDDSSS mod 97). The
birth date part must be a real date, except that month or day may be 00 when the
date is unknown; bis numbers add 20 or 40 to the month.
"""

import datetime
import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

_SEPARATORS = re.compile(r"[\s.\-/]")


def _check(base, born_after_1999):
    number = int(("2" if born_after_1999 else "") + base)
    return 97 - number % 97


def _birth_date_is_possible(digits, century):
    year = century + int(digits[0:2])
    month = int(digits[2:4])
    day = int(digits[4:6])
    if month >= 40:
        month -= 40  # bis number, sex unknown at allocation
    elif month >= 20:
        month -= 20  # bis number
    if month == 0 or day == 0:
        return month <= 12 and day <= 31  # date (partly) unknown
    try:
        datetime.date(year, month, day)
    except ValueError:
        return False
    return True


def normalise(value):
    """'85.07.30-033.28' -> '85073003328', or ValidationError saying what is wrong."""
    digits = _SEPARATORS.sub("", str(value or ""))
    if not digits.isdigit() or len(digits) != 11:
        raise ValidationError(
            _("A national register number has 11 digits (YY.MM.DD-SSS.CC)."),
            code="nrn_format",
        )
    base, check = digits[:9], int(digits[9:])
    candidates = []
    if _check(base, born_after_1999=False) == check:
        candidates.append(1900)
    if _check(base, born_after_1999=True) == check:
        candidates.append(2000)
    if not candidates:
        raise ValidationError(
            _("The check digits of this national register number are wrong."),
            code="nrn_checksum",
        )
    if not any(_birth_date_is_possible(digits, century) for century in candidates):
        raise ValidationError(
            _(
                "This national register number does not start with a possible birth date."
            ),
            code="nrn_date",
        )
    return digits


def make(birth_date, sequence):
    """A number with valid check digits for ``birth_date`` and counter ``sequence``
    (1-997) — for invented test people only."""
    base = f"{birth_date:%y%m%d}{sequence:03d}"
    return base + f"{_check(base, birth_date.year >= 2000):02d}"


def formatted(digits):
    return f"{digits[0:2]}.{digits[2:4]}.{digits[4:6]}-{digits[6:9]}.{digits[9:11]}"
