import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from protocols_registry.validators import (
    format_enterprise_number,
    normalise_decision_reference,
    normalise_enterprise_number,
    slug_for_reference,
    validate_pdf_upload,
)

MINIMAL_PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.mark.parametrize(
    "raw, digits",
    [
        ("0212.214.125", "0212214125"),
        ("BE 0400.032.156", "0400032156"),
        ("0400032156", "0400032156"),
        ("be0400 032 156", "0400032156"),
        ("  0212-214-125 ", "0212214125"),
    ],
)
def test_enterprise_numbers_of_the_seed_are_accepted_in_every_spelling(raw, digits):
    assert normalise_enterprise_number(raw) == digits


def test_enterprise_number_is_displayed_with_dots():
    assert format_enterprise_number("0212214125") == "0212.214.125"


@pytest.mark.parametrize("raw", ["0212.214.12", "02122141250", "BE 04OO.032.156", ""])
def test_enterprise_number_of_the_wrong_shape_names_the_format(raw):
    with pytest.raises(ValidationError) as error:
        normalise_enterprise_number(raw)
    assert error.value.code == "enterprise_number_format"
    assert "10" in error.value.messages[0]


@pytest.mark.parametrize("raw", ["0212.214.126", "0400.032.155", "1234.567.890"])
def test_enterprise_number_with_wrong_check_digits_is_refused(raw):
    with pytest.raises(ValidationError) as error:
        normalise_enterprise_number(raw)
    assert error.value.code == "enterprise_number_checksum"


@pytest.mark.parametrize(
    "raw, reference",
    [
        ("2024_VB_00591", "2024_VB_00591"),
        ("2024-vb-00591", "2024_VB_00591"),
        (" 2019_grmw_00120 ", "2019_GRMW_00120"),
    ],
)
def test_decision_references_are_normalised(raw, reference):
    assert normalise_decision_reference(raw) == reference


@pytest.mark.parametrize(
    "raw", ["2024_VB_591", "VB_2024_00591", "2024_V_00591", "24_VB_00591"]
)
def test_decision_reference_of_the_wrong_shape_is_refused(raw):
    with pytest.raises(ValidationError) as error:
        normalise_decision_reference(raw)
    assert "2024_VB_00591" in error.value.messages[0]


def test_decision_reference_with_an_implausible_year_is_refused():
    with pytest.raises(ValidationError) as error:
        normalise_decision_reference("1890_VB_00001")
    assert error.value.code == "decision_reference_year"


def test_slug_of_the_seed_protocol():
    assert slug_for_reference("2024_VB_00591") == "2024-vb-00591"


def test_a_real_pdf_is_accepted():
    validate_pdf_upload(SimpleUploadedFile("besluit.pdf", MINIMAL_PDF))


@pytest.mark.parametrize(
    "name, content, code",
    [
        ("besluit.pdf", b"", "pdf_empty"),
        ("besluit.pdf", b"<html><script>alert(1)</script></html>", "pdf_content"),
        ("besluit.pdf", b'<svg xmlns="http://www.w3.org/2000/svg"/>', "pdf_content"),
        ("besluit.pdf", b"MZ\x90\x00\x03\x00\x00\x00", "pdf_content"),
        ("besluit.html", MINIMAL_PDF, "pdf_extension"),
        ("besluit.pdf.exe", MINIMAL_PDF, "pdf_extension"),
    ],
)
def test_files_that_are_not_pdfs_are_refused(name, content, code):
    with pytest.raises(ValidationError) as error:
        validate_pdf_upload(SimpleUploadedFile(name, content))
    assert error.value.code == code


def test_files_over_the_configured_size_are_refused(settings):
    settings.PROTOCOLS_REGISTRY_MAX_PDF_SIZE = 1024
    big = SimpleUploadedFile("besluit.pdf", MINIMAL_PDF + b"0" * 2048)
    with pytest.raises(ValidationError) as error:
        validate_pdf_upload(big)
    assert error.value.code == "pdf_too_large"
    assert "1,0" in error.value.messages[0] or "1.0" in error.value.messages[0]


def test_validation_does_not_move_the_read_position():
    upload = SimpleUploadedFile("besluit.pdf", MINIMAL_PDF)
    upload.seek(5)
    validate_pdf_upload(upload)
    assert upload.tell() == 5
    assert isinstance(upload.file, io.BytesIO)
