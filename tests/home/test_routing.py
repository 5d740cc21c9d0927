"""The site is found as Wagtail finds it, the sections below home without their
usual queries, and never from a stale answer: a change to a site or a page is seen
at once."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import Site

from tests.factories import build_protocol

pytestmark = pytest.mark.django_db


def test_the_site_costs_one_query(client, settings):
    """Wagtail finds the site through its public API, in one query."""
    settings.PROTOCOLS_REGISTRY_CACHE_SECONDS = 0  # no page cache: route each time
    page = build_protocol(title="Protocol langs de snelle route")
    client.get(page.url)
    with CaptureQueriesContext(connection) as captured:
        response = client.get(page.url)
    assert response.status_code == 200
    sites = [q["sql"] for q in captured if "wagtailcore_site" in q["sql"]]
    assert len(sites) == 1


def test_a_changed_site_is_seen_at_once(client):
    assert client.get("/").status_code == 200
    site = Site.objects.get(is_default_site=True)
    site.hostname = "elders.example"
    site.is_default_site = False
    site.save()
    assert client.get("/").status_code == 404  # no site answers for this host
    site.is_default_site = True
    site.save()
    assert client.get("/").status_code == 200


def test_a_renamed_section_moves_at_once(client):
    page = build_protocol(title="Protocol in een hernoemde lijst")
    index = page.get_parent().specific
    assert client.get(page.url).status_code == 200
    old_url = page.url
    index.slug = "overeenkomsten"
    index.save_revision().publish()
    page.refresh_from_db()
    assert client.get(old_url).status_code == 404
    assert client.get(page.url).status_code == 200
    assert "/overeenkomsten/" in page.url
