"""The site and the sections below home are found without their usual queries, and
never from a stale answer: a change to a site or a page is seen at once."""

from unittest import mock

import pytest
from django.core.cache import caches
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import Site

from protocols_registry.public_cache import GENERATION_KEY
from tests.factories import build_protocol

pytestmark = pytest.mark.django_db


def _queries(client, url):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    sql = " ".join(query["sql"] for query in captured)
    return response, sql


def test_the_site_is_not_looked_up_on_every_request(client, settings):
    settings.PROTOCOLS_REGISTRY_CACHE_SECONDS = 0  # no page cache: route each time
    page = build_protocol(title="Protocol langs de snelle route")
    client.get(page.url)
    response, sql = _queries(client, page.url)
    assert response.status_code == 200
    assert "wagtailcore_site" not in sql


def test_a_page_asks_the_shared_cache_for_the_generation_only(client, settings):
    settings.PROTOCOLS_REGISTRY_CACHE_SECONDS = 0  # no page cache: route each time
    page = build_protocol(title="Protocol met een enkele vraag aan de cache")
    client.get(page.url)
    cache = caches["default"]
    with mock.patch.object(cache, "get", wraps=cache.get) as get:
        response = client.get(page.url)
    assert response.status_code == 200
    # Not Wagtail's site root paths, which each page URL needs: remembered.
    assert [call.args[0] for call in get.call_args_list] == [GENERATION_KEY]


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
