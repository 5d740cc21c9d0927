"""Signing, entry into force, last change and the PDF date follow from the record
(protocols_registry.protocol_dates); nothing is invented."""

import datetime
import io

import pytest
from pypdf import PdfReader

from protocols_registry.models import ProtocolPage, ProtocolStatus
from protocols_registry.pdf.protocol import render_protocol_pdf
from tests.factories import build_protocol

pytestmark = pytest.mark.django_db


def test_unsigned_protocol_is_approved_not_signed_and_has_no_entry_date(client):
    page = build_protocol(signed=False)
    assert page.signed_date is None and page.in_force_from is None
    assert page.status_on() == ProtocolStatus.APPROVED_UNSIGNED
    annotated = ProtocolPage.objects.with_status().get(pk=page.pk).current_status
    assert annotated == ProtocolStatus.APPROVED_UNSIGNED
    html = client.get(page.url).content.decode()
    assert "goedgekeurd, nog niet ondertekend" in html
    assert "De datum van inwerkingtreding staat niet in het protocol." in html
    assert "nog niet ondertekend" in html


def test_in_force_from_the_day_the_last_party_signed():
    page = build_protocol(signed=False)
    revision_page = page.get_latest_revision().as_object()
    first, second = revision_page.signatories.all()
    first.signed_on = datetime.date(2025, 4, 1)
    revision_page.save_revision().publish()
    page = ProtocolPage.objects.get(pk=page.pk)
    assert page.signed_date is None  # one party has not signed
    revision_page = page.get_latest_revision().as_object()
    second = list(revision_page.signatories.all())[1]
    second.signed_on = datetime.date(2025, 4, 9)
    revision_page.save_revision().publish()
    page = ProtocolPage.objects.get(pk=page.pk)
    assert page.signed_date == datetime.date(2025, 4, 9)
    assert page.in_force_on(datetime.date(2025, 4, 9))
    assert not page.in_force_on(datetime.date(2025, 4, 8))
    # A signature is not a change of the text: the text still dates from approval.
    assert page.text_changed_on == page.approval_date


def test_an_explicit_date_in_the_protocol_wins():
    page = build_protocol(signed=False, entry_into_force_date=datetime.date(2025, 5, 1))
    assert page.in_force_from == datetime.date(2025, 5, 1)
    assert page.status_on(datetime.date(2025, 4, 30)) == ProtocolStatus.APPROVED


def test_last_change_is_the_last_published_change_of_the_text(client):
    page = build_protocol()
    assert page.text_changed_on == datetime.date(2025, 3, 13)  # its approval
    html = client.get(page.url).content.decode()
    assert "13 maart 2025" in html
    draft = page.get_latest_revision().as_object()
    draft.recipients = "<p>Andere ontvangers.</p>"
    draft.save_revision().publish()
    page = ProtocolPage.objects.get(pk=page.pk)
    assert page.text_changed_at is not None
    assert page.text_changed_on == datetime.date.today() or page.text_changed_on


def test_pdf_creation_date_is_the_publication_of_its_revision():
    page = build_protocol()
    info = PdfReader(io.BytesIO(render_protocol_pdf(page))).metadata
    created = info.creation_date
    assert created.year != 2000
    published = page.last_published_at
    assert abs((created - published).total_seconds()) < 1
