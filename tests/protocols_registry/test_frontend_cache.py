"""What the HTTP cache in front is told (protocols_registry.frontend_cache) and what
the pages tell it (Cache-Control). The real Varnish: test_varnish.py."""

import pytest
from django.core.management import call_command
from django.db.models.signals import post_save
from wagtail.models import Site

from protocols_registry import frontend_cache
from protocols_registry.models import (
    Organisation,
    ProcessingActivity,
    ProcessingRegisterPage,
    ProtocolPage,
    SiteOrganisation,
)
from tests.factories import build_protocol

pytestmark = pytest.mark.django_db

SEED = "2024_VB_00591"
VARNISH = {
    "varnish": {
        "BACKEND": "wagtail.contrib.frontend_cache.backends.HTTPBackend",
        "LOCATION": "http://127.0.0.1:6081",
    }
}


@pytest.fixture
def demo(tmp_path, settings, monkeypatch):
    """Three sites (localhost, ocmw.localhost, thuispunt.localhost); the seed
    protocol between OCMW and Thuispunt shows on each."""
    settings.DEMO_CREDENTIALS_FILE = tmp_path / "demo-credentials.txt"
    settings.WAGTAILFRONTENDCACHE = VARNISH
    monkeypatch.delenv("DEMO_PASSWORD", raising=False)
    call_command("load_demo", verbosity=0)
    return ProtocolPage.objects.get(reference=SEED)


def purged_for(sender, instance, signal=post_save, **kwargs):
    targets = frontend_cache._targets(sender, instance, signal, kwargs)
    return frontend_cache.urls_for(targets)


def test_a_protocol_purges_its_pages_and_every_list_that_shows_it(demo):
    urls = purged_for(ProtocolPage, demo, signal=None)
    canonical = demo.get_full_url()
    assert {canonical, canonical + "pdf/"} <= urls
    # Every language of the address.
    assert canonical.replace("/protocollen/", "/en/protocollen/") in urls
    # Each site lists it at /protocollen/ and serves it at /protocollen/<slug>/: its
    # own tree's page (localhost and ocmw.localhost share the tree) or the mirror
    # (thuispunt.localhost).
    roots = [site.root_url for site in Site.objects.all()]
    assert len(roots) == 3
    for root in roots:
        assert {
            f"{root}/protocollen/",
            f"{root}/protocollen/feed/",
            f"{root}/protocollen/export.csv",
            f"{root}/protocollen/export.json",
            f"{root}/protocollen/{demo.slug}/",
            f"{root}/en/protocollen/{demo.slug}/",
        } <= urls, root
    # Nothing beyond: no other protocol, no whole-site ban.
    assert not any(url.endswith("/*") for url in urls)
    others = ProtocolPage.objects.exclude(pk=demo.pk)
    assert not any(other.get_full_url() in urls for other in others)


def test_a_protocol_no_party_of_a_site_leaves_that_site_alone(demo):
    shared = build_protocol(title="Tussen anderen")
    urls = purged_for(ProtocolPage, shared, signal=None)
    assert shared.get_full_url() in urls
    hosts = {url.split("/")[2].split(":")[0] for url in urls}
    # Thuispunt is no party: its site keeps its copies (ocmw.localhost is another
    # name of the default site's tree, so it is purged with it).
    assert "thuispunt.localhost" not in hosts
    assert {"localhost", "ocmw.localhost"} <= hosts


def test_a_decision_purges_the_protocols_that_cite_it(demo):
    decision = demo.decision_links.first().decision
    urls = purged_for(type(decision), decision)
    assert demo.get_full_url() in urls


def test_a_register_entry_purges_the_public_registers(demo):
    activity = ProcessingActivity.objects.get(reference="OCMW-2024-031")
    urls = purged_for(ProcessingActivity, activity)
    registers = ProcessingRegisterPage.objects.all()
    assert registers
    for register in registers:
        root = register.get_full_url()
        assert {root, root + "export.json", root + "export.jsonld"} <= urls
        assert root + "export.pdf" in urls
    assert any(url.endswith("/verwerkingsregister/OCMW-2024-031/") for url in urls)


def test_an_organisation_purges_every_page_of_its_own_site(demo):
    setting = SiteOrganisation.objects.filter(organisation__isnull=False).first()
    organisation = Organisation.objects.get(pk=setting.organisation_id)
    urls = purged_for(Organisation, organisation)
    assert Site.objects.get(pk=setting.site_id).root_url + "/*" in urls


def test_any_other_page_purges_every_site(demo):
    home = Site.objects.get(is_default_site=True).root_page
    urls = purged_for(type(home), home, signal=None)
    assert urls == {site.root_url + "/*" for site in Site.objects.all()}


def test_without_a_cache_in_front_nothing_is_noted(settings):
    settings.WAGTAILFRONTENDCACHE = None
    page = build_protocol()
    frontend_cache.flush()  # what earlier tests noted in transactions rolled back
    frontend_cache.schedule(sender=ProtocolPage, instance=page, signal=None)
    assert getattr(frontend_cache._local, "pending", None) is None


# --- Cache-Control --------------------------------------------------------------------


def directives(response):
    return {d.strip() for d in response["Cache-Control"].split(",")}


def test_public_pages_may_be_shared_by_the_cache_in_front(client, settings):
    settings.PROTOCOLS_REGISTRY_SHARED_CACHE_SECONDS = 3600
    page = build_protocol()
    for url in (
        "/",  # the site's home page
        page.url,
        page.get_parent().url,
        page.get_parent().url + "feed/",
        page.get_parent().url + "export.json",
    ):
        found = directives(client.get(url))
        assert {"public", "max-age=0"} <= found, url
        (s_maxage,) = [d for d in found if d.startswith("s-maxage=")]
        # At most the setting, and never past midnight: statuses follow the date.
        assert 0 < int(s_maxage.split("=")[1]) <= 3600


def test_a_signed_in_users_page_is_never_stored(client, editor_user, settings):
    settings.PROTOCOLS_REGISTRY_SHARED_CACHE_SECONDS = 3600
    page = build_protocol()
    client.force_login(editor_user)
    found = directives(client.get(page.url))
    assert {"private", "no-store"} <= found
    assert not any(d.startswith("s-maxage") for d in found)


def test_without_a_cache_in_front_pages_say_no_cache(client):
    page = build_protocol()
    assert {"public", "no-cache"} <= directives(client.get(page.url))
