"""The party filter's select is written in Python for speed; it must stay the
markup Django's own template writes, for every kind of option."""

import pytest
from django import forms

from protocols_registry.widgets import PlainSelect

CHOICES = [
    ("", "alle"),
    ("0212214125", "OCMW Gent"),
    ("0400032156", 'Thuispunt "Gent" <&>'),
    ("Groep", [("1", "een"), ("2", "twee")]),
]


@pytest.mark.parametrize("value", ["", "0400032156", "2", None])
@pytest.mark.parametrize("attrs", [None, {"id": "id_party", "required": True}])
def test_the_plain_select_writes_what_djangos_template_writes(value, attrs):
    ours = PlainSelect(choices=CHOICES).render("party", value, attrs=attrs)
    django = forms.Select(choices=CHOICES).render("party", value, attrs=attrs)
    assert ours.strip() == django.strip()
    assert "&lt;&amp;&gt;" in ours and "&quot;Gent&quot;" in ours


def test_the_filter_form_uses_it_for_every_choice():
    from protocols_registry.listing import ProtocolFilterForm

    for name in ("party", "status", "year", "periodicity", "sort"):
        assert isinstance(ProtocolFilterForm.base_fields[name].widget, PlainSelect)
