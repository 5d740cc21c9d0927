"""The protocol's text, rendered once per public-cache generation
(protocols_registry.fragment_cache): kept where the whole-page cache does not apply,
never stale after a change, never a draft, and apart from the security state."""

import datetime

import pytest
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from protocols_registry.models import DPOAdvice, ProtocolExchangeStep
from tests.factories import build_protocol

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_page_cache(settings):
    # What every request the page cache passes by gets: a query parameter, a
    # reader who is logged in, another language, the first visit after a change.
    settings.PROTOCOLS_REGISTRY_CACHE_SECONDS = 0


def _get(client, url, **kwargs):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, **kwargs)
    assert response.status_code == 200, url
    return response.content.decode(), len(queries)


def test_the_text_is_rendered_once_and_kept(client, settings):
    page = build_protocol(title="Protocol met een bewaarde tekst")
    first, _ = _get(client, page.url)
    second, warm = _get(client, page.url)
    assert second == first
    assert "Protocol met een bewaarde tekst" in second

    settings.PROTOCOLS_REGISTRY_FRAGMENT_CACHE_SECONDS = 0
    third, off = _get(client, page.url)
    assert third == first
    # Routing reads the site and the page; the parties, decisions, advices,
    # steps, data items, signatories and versions are not read again.
    assert warm <= off - 7, (off, warm)


def test_a_change_without_a_new_revision_shows_at_once(client):
    """An advice is not part of the page's revision, nor is an organisation:
    both change what the text shows without a new publication."""
    page = build_protocol()
    _get(client, page.url)
    advice = DPOAdvice.objects.filter(protocol=page).first()
    advice.conditions = "Enkel na pseudonimisering van het rijksregisternummer."
    advice.save()
    organisation = page.parties.first().organisation
    organisation.name = "Hernoemde partij"
    organisation.save()
    html, _ = _get(client, page.url)
    assert "Enkel na pseudonimisering van het rijksregisternummer." in html
    assert "Hernoemde partij" in html


def test_a_preview_is_neither_kept_nor_served_from_the_kept_text(client):
    page = build_protocol()
    published, _ = _get(client, page.url)
    draft = page.get_latest_revision_as_object()
    draft.exchange_steps = [ProtocolExchangeStep(description="Een stap in ontwerp")]
    preview = draft.make_preview_request().content.decode()
    assert "Een stap in ontwerp" in preview
    again, _ = _get(client, page.url)
    assert "Een stap in ontwerp" not in again
    assert again == published


def test_each_language_has_its_own_text(client):
    from django.test import Client

    url = build_protocol().url  # once: the test's thread keeps the last language
    dutch, _ = _get(client, url)
    english, _ = _get(Client(), "/en" + url)
    assert "Wat betekent dit voor u?" in dutch
    assert "What does this mean for you?" in english
    assert "Wat betekent dit voor u?" not in english
    assert _get(Client(), url)[0] == dutch


def test_the_text_of_yesterday_is_not_shown_today(client, monkeypatch):
    """A protocol's status follows the date without any write: one that ends
    today is in force today and ended tomorrow."""
    today = timezone.localdate()
    page = build_protocol(end_date=today)
    assert "status--in_force" in _get(client, page.url)[0]
    tomorrow = today + datetime.timedelta(days=1)
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: tomorrow)
    html, _ = _get(client, page.url)
    assert "status--ended" in html and "status--in_force" not in html


def test_the_text_is_kept_with_the_pages_not_the_security_state(client):
    page = build_protocol()
    _, cold = _get(client, page.url)
    caches["default"].clear()  # sessions, throttles, used one-time codes
    _, warm = _get(client, page.url)
    assert warm < cold
    caches["pages"].clear()
    _, again = _get(client, page.url)
    assert again == cold


def test_the_text_of_a_page_behind_a_password_is_never_kept(client):
    from django.urls import reverse
    from wagtail.models import PageViewRestriction

    page = build_protocol(title="Protocol achter een wachtwoord")
    restriction = PageViewRestriction.objects.create(
        page=page, restriction_type=PageViewRestriction.PASSWORD, password="x"
    )
    client.post(
        reverse(
            "wagtailcore_authenticate_with_password", args=[restriction.id, page.id]
        ),
        {"password": "x", "return_url": page.url},
    )
    for _ in range(2):
        with CaptureQueriesContext(connection) as queries:
            html = client.get(page.url).content.decode()
        assert "Protocol achter een wachtwoord" in html
        # Rendered each time: its parties are read again.
        parties = '"protocols_registry_protocolparty"'
        assert any(f"FROM {parties}" in query["sql"] for query in queries)


def test_a_request_during_a_publication_does_not_keep_the_old_change_date(client):
    """Wagtail's page_published starts a new generation before the page's "last
    change" date is written: a request in between must not keep the old one."""
    from wagtail.signals import page_published

    page = build_protocol(title="Protocol dat verandert")
    url = page.url
    _get(client, url)
    during = []

    def visit(sender, instance, **kwargs):
        during.append(_get(client, url)[0])

    revision = page.get_latest_revision_as_object()
    revision.title = "Protocol dat veranderde"
    page_published.connect(visit, dispatch_uid="test-visit-during-publication")
    try:
        revision.save_revision().publish()
    finally:
        page_published.disconnect(dispatch_uid="test-visit-during-publication")
    today = f'<dd><time datetime="{timezone.localdate().isoformat()}">'
    changed = "Laatste wijziging</dt>\n        " + today
    assert "Protocol dat veranderde" in during[0] and changed not in during[0]
    assert changed in _get(client, url)[0]


def test_a_new_approval_date_is_not_hidden_by_a_remembered_page(client):
    from protocols_registry.models import ApprovalDecision
    from protocols_registry.signals import refresh_approval_dates

    page = build_protocol(decision_date=datetime.date(2025, 3, 13))
    approved = 'Goedgekeurd op</dt>\n        <dd><time datetime="2025-03-13">'
    assert approved in _get(client, page.url)[0]
    decision = page.approving_decisions()[0]
    # As the decision's own save leaves it, after its new generation has begun.
    ApprovalDecision.objects.filter(pk=decision.pk).update(
        meeting_date=datetime.date(2025, 4, 24)
    )
    decision.refresh_from_db()
    refresh_approval_dates(ApprovalDecision, decision)
    html, _ = _get(client, page.url)
    assert 'Goedgekeurd op</dt>\n        <dd><time datetime="2025-04-24">' in html
