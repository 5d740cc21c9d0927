"""Validators for identifiers and uploads. Each error names what is wrong and how to
write it right, because the people who see them are not developers."""

import re
from datetime import date

from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext_lazy as _

from protocols_registry.conf import get_setting

_NON_DIGITS = re.compile(r"[\s.\-/]")
_DECISION_REFERENCE = re.compile(
    r"^(?P<year>\d{4})_(?P<body>[A-Z]{2,8})_(?P<number>\d{5})$"
)


def normalise_enterprise_number(value):
    """'BE 0400.032.156', '0400 032 156', '0400032156' -> '0400032156'.

    Raises ValidationError unless the result is ten digits with a valid mod-97 check:
    97 minus (the first eight digits modulo 97) equals the last two.
    """
    raw = (value or "").strip().upper()
    if raw.startswith("BE"):
        raw = raw[2:]
    digits = _NON_DIGITS.sub("", raw)
    if not digits.isdigit() or len(digits) != 10:
        raise ValidationError(
            _(
                "An enterprise number has 10 digits, for example 0212.214.125 or "
                "BE 0400.032.156."
            ),
            code="enterprise_number_format",
        )
    if 97 - int(digits[:8]) % 97 != int(digits[8:]):
        raise ValidationError(
            _(
                "This enterprise number fails its check digits; check it against the "
                "Crossroads Bank for Enterprises (KBO)."
            ),
            code="enterprise_number_checksum",
        )
    return digits


def format_enterprise_number(digits):
    """'0400032156' -> '0400.032.156'."""
    if not digits or len(digits) != 10:
        return digits or ""
    return f"{digits[:4]}.{digits[4:7]}.{digits[7:]}"


def normalise_decision_reference(value):
    """'2024-vb-00591' -> '2024_VB_00591': year, body code, five-digit number."""
    reference = re.sub(r"[\s\-]+", "_", (value or "").strip().upper())
    match = _DECISION_REFERENCE.match(reference)
    if not match:
        raise ValidationError(
            _(
                "A decision reference is the year, the code of the governing body "
                "and a five-digit number, separated by underscores: for example "
                "2024_VB_00591."
            ),
            code="decision_reference_format",
        )
    year = int(match["year"])
    if not 1990 <= year <= date.today().year + 1:
        raise ValidationError(
            _("The year %(year)s in this reference is not plausible."),
            params={"year": year},
            code="decision_reference_year",
        )
    return reference


def slug_for_reference(reference):
    """'2024_VB_00591' -> '2024-vb-00591', the protocol page's slug."""
    return reference.lower().replace("_", "-")


def validate_pdf_upload(uploaded):
    """Accept only real PDF files up to the configured size.

    The extension alone proves nothing: the content must start with the PDF header,
    so an HTML page, an SVG or a renamed executable is refused.
    """
    if getattr(uploaded, "_committed", False):
        # A file already in storage was checked when it was uploaded; reading it
        # again on every save of the record would only open it for nothing.
        return
    limit = get_setting("PROTOCOLS_REGISTRY_MAX_PDF_SIZE")
    size = getattr(uploaded, "size", None) or 0
    if size == 0:
        raise ValidationError(_("The file is empty."), code="pdf_empty")
    if size > limit:
        raise ValidationError(
            _("The file is %(size)s; the limit is %(limit)s."),
            params={"size": filesizeformat(size), "limit": filesizeformat(limit)},
            code="pdf_too_large",
        )
    name = getattr(uploaded, "name", "") or ""
    if not name.lower().endswith(".pdf"):
        raise ValidationError(
            _("Only PDF files are accepted (the name must end in .pdf)."),
            code="pdf_extension",
        )
    position = uploaded.tell() if hasattr(uploaded, "tell") else 0
    uploaded.seek(0)
    head = uploaded.read(1024)
    uploaded.seek(position)
    if isinstance(head, str):
        head = head.encode("latin-1", "replace")
    if not head.lstrip(b"\x00\t\n\r ").startswith(b"%PDF-"):
        raise ValidationError(
            _("This file is not a PDF document, whatever its name says."),
            code="pdf_content",
        )
