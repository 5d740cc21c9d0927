"""The national register number validator, property-based."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from exchanges import nrn

births_20th = st.dates(
    min_value=datetime.date(1900, 1, 1), max_value=datetime.date(1999, 12, 31)
)
births_21st = st.dates(
    min_value=datetime.date(2000, 1, 1), max_value=datetime.date(2099, 12, 31)
)
counters = st.integers(min_value=1, max_value=997)


@given(births_20th | births_21st, counters)
def test_every_generated_number_is_valid(birth, counter):
    number = nrn.make(birth, counter)
    assert len(number) == 11
    assert nrn.normalise(number) == number
    assert nrn.normalise(nrn.formatted(number)) == number  # YY.MM.DD-SSS.CC


@given(births_21st, counters)
def test_births_from_2000_use_the_prefix_2(birth, counter):
    number = nrn.make(birth, counter)
    base = number[:9]
    assert int(number[9:]) == 97 - int("2" + base) % 97
    # The same digits with a check computed without the prefix differ (mod 97 of
    # 2 000 000 000 is not 0), so the century is part of the number.
    assert int(number[9:]) != 97 - int(base) % 97


@given(births_20th | births_21st, counters, st.integers(0, 10), st.integers(1, 9))
def test_any_single_digit_change_is_caught(birth, counter, position, delta):
    number = nrn.make(birth, counter)
    digits = list(number)
    digits[position] = str((int(digits[position]) + delta) % 10)
    changed = "".join(digits)
    try:
        nrn.normalise(changed)
    except ValidationError:
        return
    # A changed date digit can land on another valid date whose check happens to
    # match in the other century; anything else must be refused.
    assert changed[:9] != number[:9]
    assert position < 6 or position >= 9


@pytest.mark.parametrize(
    "value, code",
    [
        ("8507300332", "nrn_format"),
        ("850730033281", "nrn_format"),
        ("85.07.3O-033.28", "nrn_format"),
        ("", "nrn_format"),
    ],
)
def test_wrong_shapes_are_refused(value, code):
    with pytest.raises(ValidationError) as error:
        nrn.normalise(value)
    assert error.value.code == code


@pytest.mark.parametrize("birth_digits", ["851301", "850230", "850732", "010229"])
def test_impossible_birth_dates_are_refused(birth_digits):
    """Month 13, 30 February, 32 July, 29 February 2001 (not a leap year)."""
    base = birth_digits + "033"
    for century_prefix in ("", "2"):
        check = 97 - int(century_prefix + base) % 97
        number = f"{base}{check:02d}"
        with pytest.raises(ValidationError) as error:
            nrn.normalise(number)
        assert error.value.code == "nrn_date"


def test_29_february_of_a_leap_year_is_accepted():
    assert nrn.normalise(nrn.make(datetime.date(2000, 2, 29), 5))
    assert nrn.normalise(nrn.make(datetime.date(1996, 2, 29), 5))


def test_bis_numbers_and_unknown_dates_are_accepted():
    # Bis numbers add 20 or 40 to the month; an unknown day or month is 00.
    for base in ("852730033", "854730033", "850000033"):
        number = base + f"{97 - int(base) % 97:02d}"
        assert nrn.normalise(number) == number
