"""One installation, several organisations, each with its own Wagtail site.

A protocol between parties shows on every party's site under one canonical URL:
the page lives in the tree of the site that published it; the other party's list
shows it, serves the same page object with <link rel="canonical"> to it, and sends
its sub-routes (PDF, versions) to the canonical ones. A protocol the site's
organisation is not a party to never shows there.
"""

import gc
import re

import pytest
from django.core.management import call_command
from wagtail.models import Page, Site

from home.models import HomePage
from protocols_registry.models import (
    Organisation,
    ProtocolIndexPage,
    ProtocolPage,
    SiteOrganisation,
)
from tests.factories import OrganisationFactory, build_protocol
from tests.helpers import streamed_bytes

pytestmark = pytest.mark.django_db

SEED = "2024_VB_00591"
SLUG = "2024-vb-00591"
OCMW = "ocmw.localhost"
THUISPUNT = "thuispunt.localhost"


@pytest.fixture
def demo(tmp_path, settings, monkeypatch):
    settings.DEMO_CREDENTIALS_FILE = tmp_path / "demo-credentials.txt"
    monkeypatch.delenv("DEMO_PASSWORD", raising=False)
    call_command("load_demo", verbosity=0)
    return ProtocolPage.objects.get(reference=SEED)


def get(client, host, url, data=None):
    return client.get(url, data, HTTP_HOST=host)


def canonical_of(html):
    links = re.findall(r'<link rel="canonical" href="([^"]+)">', html)
    assert len(links) == 1, links
    return links[0]


def pdf_link_of(html):
    return re.search(r'<a class="button" href="([^"]+)" download>', html).group(1)


def article_of(html):
    return re.search(r'<article class="protocol".*</article>', html, re.S).group(0)


# --- the setting ----------------------------------------------------------------------


def test_a_site_names_its_organisation_and_dpo_in_header_and_footer(client):
    organisation = OrganisationFactory(
        name="Voorbeeldstad (fictief)",
        short_name="Voorbeeldstad",
        dpo_email="privacy@voorbeeldstad.example",
        dpo_phone="09 000 00 00",
    )
    site = Site.objects.get(is_default_site=True)
    SiteOrganisation.objects.create(site=site, organisation=organisation)
    html = client.get("/").content.decode()
    header = html.split("</header>")[0]
    footer = html.split('<footer class="site-footer">')[1]
    assert "Voorbeeldstad" in header
    assert "Voorbeeldstad (fictief)" in footer
    assert 'href="mailto:privacy@voorbeeldstad.example"' in footer
    assert "09 000 00 00" in footer
    assert "functionaris voor gegevensbescherming" in footer


def test_a_site_without_organisation_falls_back_to_its_name(client):
    html = client.get("/").content.decode()
    assert client.get("/").status_code == 200
    assert "Protocolregister OCMW Gent" in html.split("</header>")[0]
    assert "mailto:" not in html.split('<footer class="site-footer">')[1]
    # Reading the page creates no empty setting (no write on a citizen's GET).
    assert not SiteOrganisation.objects.exists()


def test_a_change_to_the_setting_shows_at_once(client):
    site = Site.objects.get(is_default_site=True)
    setting = SiteOrganisation.objects.create(site=site)
    assert "Gewijzigde organisatie" not in client.get("/").content.decode()
    setting.organisation = OrganisationFactory(short_name="Gewijzigde organisatie")
    setting.save()
    assert "Gewijzigde organisatie" in client.get("/").content.decode()


# Wagtail 8.0.1 generates a rendition into a SpooledTemporaryFile it never closes
# (wagtail/images/models.py, generate_rendition_file): an upstream leak, collected
# within this test so that it is not reported against another one.
@pytest.mark.filterwarnings(
    "ignore:Exception ignored in.*SpooledTemporaryFile"
    ":pytest.PytestUnraisableExceptionWarning"
)
def test_the_logo_is_served_from_its_signed_url(client):
    from wagtail.images.models import Image
    from wagtail.images.tests.utils import get_test_image_file

    logo = Image.objects.create(title="Logo", file=get_test_image_file())
    site = Site.objects.get(is_default_site=True)
    SiteOrganisation.objects.create(
        site=site, organisation=OrganisationFactory(), logo=logo
    )
    html = client.get("/").content.decode()
    src = re.search(r'<img class="site-logo" src="([^"]+)"', html).group(1)
    assert src.startswith("/images/")
    response = client.get(src)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("image/")
    assert streamed_bytes(response).startswith(b"\x89PNG")
    # A tampered signature is refused.
    assert client.get(src.replace("/images/", "/images/x", 1)).status_code in (
        403,
        404,
    )
    gc.collect()


# --- the demo's sites ------------------------------------------------------------------


def test_the_demo_has_a_site_per_organisation(demo):
    default = Site.objects.get(is_default_site=True)
    ocmw = Site.objects.get(hostname=OCMW)
    thuispunt = Site.objects.get(hostname=THUISPUNT)
    assert ocmw.root_page_id == default.root_page_id
    assert thuispunt.root_page_id != default.root_page_id
    organisations = {
        setting.site.hostname: setting.organisation.enterprise_number
        for setting in SiteOrganisation.objects.select_related("site", "organisation")
    }
    assert organisations == {
        default.hostname: "0212214125",
        OCMW: "0212214125",
        THUISPUNT: "0400032156",
    }
    thuispunt_home = thuispunt.root_page.specific
    assert isinstance(thuispunt_home, HomePage)
    children = {type(page.specific).__name__ for page in thuispunt_home.get_children()}
    assert children == {"ProtocolIndexPage", "ProcessingRegisterPage"}


def test_the_demo_loads_twice_without_change(demo, capsys):
    def state():
        return (
            Site.objects.count(),
            Page.objects.count(),
            SiteOrganisation.objects.count(),
            Organisation.objects.count(),
            sorted(Site.objects.values_list("hostname", "port", "root_page_id")),
            demo.revisions.count(),
            sorted(SiteOrganisation.objects.values_list("site_id", "logo_id")),
        )

    before = state()
    call_command("load_demo")
    assert state() == before
    assert "Created site" not in capsys.readouterr().out


def test_the_port_option_moves_every_demo_site(demo):
    call_command("load_demo", port=8000, verbosity=0)
    ports = set(Site.objects.values_list("port", flat=True))
    assert ports == {8000}
    assert Site.objects.count() == 3
    call_command("load_demo", port=8000, verbosity=0)
    assert Site.objects.count() == 3


@pytest.mark.parametrize("host", ["localhost", "127.0.0.1", OCMW, THUISPUNT])
def test_each_site_lists_the_seed_protocol(client, demo, host):
    html = get(client, host, "/protocollen/").content.decode()
    assert SEED in html
    assert f'href="/protocollen/{SLUG}/"' in html  # under the site's own address


def test_each_site_shows_its_organisation(client, demo):
    ocmw = get(client, OCMW, "/").content.decode()
    thuispunt = get(client, THUISPUNT, "/").content.decode()
    assert "Protocolregister OCMW Gent" in ocmw.split("</header>")[0]
    assert "Protocolregister Thuispunt Gent" in thuispunt.split("</header>")[0]
    assert "Woonmaatschappij Thuispunt Gent" in thuispunt.split("<footer")[1]
    assert "mailto:dpo@thuispunt.example" in thuispunt.split("<footer")[1]
    assert "mailto:privacy@ocmw.example" in ocmw.split("<footer")[1]
    assert "Welkom bij Thuispunt Gent" in thuispunt


@pytest.mark.filterwarnings(
    "ignore:Exception ignored in.*SpooledTemporaryFile"
    ":pytest.PytestUnraisableExceptionWarning"
)
def test_each_site_shows_its_own_demo_logo(client, demo):
    from io import BytesIO

    from PIL import Image as PillowImage

    logos = {}
    for host in (OCMW, THUISPUNT):
        header = get(client, host, "/").content.decode().split("</header>")[0]
        src = re.search(r'<img class="site-logo" src="([^"]+)"', header).group(1)
        response = get(client, host, src)
        assert response.status_code == 200
        with PillowImage.open(BytesIO(streamed_bytes(response))) as image:
            assert image.format == "PNG"
            # Each organisation its own mark: the tiles differ in colour.
            logos[host] = image.convert("RGB").getpixel((2, 2))
    assert logos[OCMW] != logos[THUISPUNT]
    gc.collect()


def test_each_sites_register_shows_only_its_controller(client, demo):
    ocmw = get(client, OCMW, "/verwerkingsregister/").content.decode()
    thuispunt = get(client, THUISPUNT, "/verwerkingsregister/").content.decode()
    assert "OCMW-2024-031" in ocmw and "OCMW-2024-031" not in thuispunt
    assert "THG-2024-007" in thuispunt and "THG-2024-007" not in ocmw
    # A joint activity (GDPR art. 26) stands in both, marked as joint.
    assert "THG-2025-002" in ocmw and "THG-2025-002" in thuispunt
    assert (
        get(client, THUISPUNT, "/verwerkingsregister/OCMW-2024-031/").status_code == 404
    )
    exported = get(client, THUISPUNT, "/verwerkingsregister/export.json").content
    assert b"THG-2024-007" in exported and b"OCMW-2024-031" not in exported


def test_one_canonical_url_on_both_sites(client, demo):
    canonical = demo.get_full_url()
    pages = {
        host: get(client, host, f"/protocollen/{SLUG}/")
        for host in ("localhost", OCMW, THUISPUNT)
    }
    for response in pages.values():
        assert response.status_code == 200
    html = {host: response.content.decode() for host, response in pages.items()}
    assert {canonical_of(text) for text in html.values()} == {canonical}
    # The same page object: the same text, reference and linked data.
    assert article_of(html["localhost"]) == article_of(html[OCMW])
    own = article_of(html["localhost"])
    mirrored = article_of(html[THUISPUNT])
    assert mirrored.replace(canonical, "/protocollen/2024-vb-00591/") == own
    # The PDF link is the canonical PDF on the mirror.
    assert pdf_link_of(html[THUISPUNT]) == canonical + "pdf/"
    assert pdf_link_of(html["localhost"]) == f"/protocollen/{SLUG}/pdf/"
    assert "Lees het op zijn oorspronkelijke adres" in html[THUISPUNT]
    assert "Lees het op zijn oorspronkelijke adres" not in html["localhost"]


@pytest.mark.parametrize("rest", ["pdf/", "versies/1/", "versies/1/verschil/"])
def test_the_mirror_sends_sub_routes_to_the_canonical_page(client, demo, rest):
    response = get(client, THUISPUNT, f"/protocollen/{SLUG}/{rest}?a=1")
    assert response.status_code == 301
    assert response["Location"] == demo.get_full_url() + rest + "?a=1"


def test_the_printed_reference_leads_to_the_sites_own_address(client, demo):
    response = get(client, THUISPUNT, f"/protocollen/{SEED}/")
    assert response.status_code == 301
    assert response["Location"] == f"/protocollen/{SLUG}/"


def test_the_mirror_lists_the_protocol_in_every_format(client, demo):
    canonical = demo.get_full_url()
    feed = get(client, THUISPUNT, "/protocollen/feed/").content.decode()
    assert canonical in feed
    exported = get(client, THUISPUNT, "/protocollen/export.json").json()
    assert [p["reference"] for p in exported["protocols"]] == [SEED]
    search = get(client, THUISPUNT, "/protocollen/", {"q": "Inschrijvingsregister"})
    assert SEED in search.content.decode()
    party = get(client, THUISPUNT, "/protocollen/", {"party": "0400032156"})
    assert SEED in party.content.decode()


def test_a_protocol_of_other_parties_is_not_shown_on_a_site(client, demo):
    index = ProtocolIndexPage.objects.child_of(
        Site.objects.get(is_default_site=True).root_page
    ).get()
    other = build_protocol(title="Protocol tussen twee andere partijen", index=index)
    assert get(client, OCMW, other.url).status_code == 200
    listing = get(client, THUISPUNT, "/protocollen/").content.decode()
    assert other.reference not in listing
    assert SEED in listing
    assert get(client, THUISPUNT, f"/protocollen/{other.slug}/").status_code == 404
    assert get(client, THUISPUNT, f"/protocollen/{other.slug}/pdf/").status_code == 404
    assert get(client, THUISPUNT, f"/protocollen/{other.reference}/").status_code == 404
    exported = get(client, THUISPUNT, "/protocollen/export.json").json()
    assert other.reference not in {p["reference"] for p in exported["protocols"]}


def test_a_protocol_of_thuispunt_in_the_ocmw_tree_shows_on_both(client, demo):
    thuispunt = Organisation.objects.get(enterprise_number="0400032156")
    index = ProtocolIndexPage.objects.child_of(
        Site.objects.get(is_default_site=True).root_page
    ).get()
    shared = build_protocol(
        title="Tweede gedeeld protocol",
        index=index,
        parties=[thuispunt, OrganisationFactory()],
    )
    listing = get(client, THUISPUNT, "/protocollen/").content.decode()
    assert shared.reference in listing
    html = get(client, THUISPUNT, f"/protocollen/{shared.slug}/").content.decode()
    assert canonical_of(html) == shared.get_full_url()


def test_a_draft_or_unpublished_protocol_is_not_mirrored(client, demo):
    thuispunt = Organisation.objects.get(enterprise_number="0400032156")
    index = ProtocolIndexPage.objects.child_of(
        Site.objects.get(is_default_site=True).root_page
    ).get()
    draft = build_protocol(
        title="Ontwerp",
        index=index,
        parties=[thuispunt, OrganisationFactory()],
        advices=False,
        publish=False,
    )
    assert get(client, THUISPUNT, f"/protocollen/{draft.slug}/").status_code == 404
    assert (
        draft.reference not in get(client, THUISPUNT, "/protocollen/").content.decode()
    )
    demo.unpublish()
    assert get(client, THUISPUNT, f"/protocollen/{SLUG}/").status_code == 404
    assert SEED not in get(client, THUISPUNT, "/protocollen/").content.decode()
