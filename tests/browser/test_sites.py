"""Both parties publish the seed protocol, on their own site, under one canonical URL.

The demo's sites on the live server: the default site (localhost) shows OCMW Gent's
tree, thuispunt.localhost Thuispunt Gent's. Chromium resolves every *.localhost
name to this machine, so each site is reached by its own host name, as a citizen
would reach it.
"""

import re
from urllib.parse import urlparse

import pytest
from django.core.management import call_command
from playwright.sync_api import expect

from tests.browser.conftest import shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SLUG = "2024-vb-00591"


@pytest.fixture
def sites(site, monkeypatch):
    """The demo, with its sites on the live server's port: links from one site to
    the other carry it (make run does the same with --port 8000)."""
    port = urlparse(site.url).port
    monkeypatch.setenv("DEMO_PASSWORD", site.password)
    call_command("load_demo", port=port, verbosity=0)
    return {
        "ocmw": f"http://localhost:{port}",
        "thuispunt": f"http://thuispunt.localhost:{port}",
    }


def open_seed_protocol(page, base):
    """From the site's protocol list, as a citizen finds it."""
    page.goto(base + "/protocollen/")
    page.get_by_role(
        "link", name=re.compile("eenmalige actualisatie van kandidatendossiers")
    ).click()
    page.wait_for_url(f"{base}/protocollen/{SLUG}/")
    expect(
        page.get_by_role("heading", name="Artikel 12: Inwerkingtreding en opzegging")
    ).to_be_visible()
    return {
        "text": page.locator("article.protocol").inner_text(),
        "canonical": page.locator('link[rel="canonical"]').get_attribute("href"),
        "pdf": page.get_by_role("link", name="Download dit protocol als PDF").evaluate(
            "link => link.href"
        ),
        "reference": page.locator("article.protocol .meta").first.inner_text(),
    }


def test_the_seed_protocol_reads_the_same_on_both_sites(sites, page):
    ocmw = open_seed_protocol(page, sites["ocmw"])
    expect(page.locator("header")).to_contain_text("OCMW Gent")
    canonical = f"{sites['ocmw']}/protocollen/{SLUG}/"
    assert ocmw["canonical"] == canonical
    assert ocmw["pdf"] == canonical + "pdf/"

    thuispunt = open_seed_protocol(page, sites["thuispunt"])
    expect(page.locator("header")).to_contain_text("Thuispunt Gent")
    expect(page.locator("footer")).to_contain_text("Woonmaatschappij Thuispunt Gent")
    shot(page, "sites-thuispunt-protocol")
    # The same text, the same reference, one canonical URL and the canonical PDF.
    assert thuispunt["text"] == ocmw["text"]
    assert thuispunt["reference"] == ocmw["reference"] == "Protocol 2024_VB_00591"
    assert thuispunt["canonical"] == canonical
    assert thuispunt["pdf"] == canonical + "pdf/"
    assert len(page.locator('link[rel="canonical"]').all()) == 1

    # The mirror's sub-routes lead to the canonical ones. (Playwright's own HTTP
    # client does not resolve *.localhost as Chromium does: the Host header says
    # which site is asked.)
    response = page.request.get(
        f"{sites['ocmw']}/protocollen/{SLUG}/pdf/",
        headers={"Host": urlparse(sites["thuispunt"]).netloc},
        max_redirects=0,
    )
    assert response.status == 301
    assert response.headers["location"] == canonical + "pdf/"

    page.get_by_role("link", name="Lees het op zijn oorspronkelijke adres").click()
    page.wait_for_url(canonical)
    expect(page.locator("header")).to_contain_text("OCMW Gent")


def register_rows(page, base):
    """The references in a site's public register, as a citizen reads them."""
    page.goto(base + "/verwerkingsregister/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Verwerkingsregister")
    rows = page.get_by_role("region", name="Verwerkingsactiviteiten").locator(
        "tbody tr"
    )
    return {row.locator("td").first.inner_text(): row for row in rows.all()}


def test_each_sites_register_shows_only_its_controller(sites, page):
    ocmw = register_rows(page, sites["ocmw"])
    assert "OCMW-2024-031" in ocmw and "THG-2024-007" not in ocmw
    # The activity Thuispunt Gent controls with the OCMW (GDPR art. 26) stands in
    # both registers, marked as joint and naming the other controller.
    expect(ocmw["THG-2025-002"]).to_contain_text(
        re.compile("Gezamenlijke verwerkingsverantwoordelijke met .*Thuispunt")
    )
    open_data = page.get_by_role("link", name="JSON", exact=True).evaluate(
        "link => link.href"
    )
    assert open_data == sites["ocmw"] + "/verwerkingsregister/export.json"

    thuispunt = register_rows(page, sites["thuispunt"])
    assert "THG-2024-007" in thuispunt and "OCMW-2024-031" not in thuispunt
    expect(thuispunt["THG-2025-002"]).to_contain_text(
        re.compile("Gezamenlijke verwerkingsverantwoordelijke met .*Welzijn Gent")
    )
    shot(page, "sites-thuispunt-register")
    response = page.request.get(
        f"{sites['ocmw']}/verwerkingsregister/export.json",
        headers={"Host": urlparse(sites["thuispunt"]).netloc},
    )
    exported = response.text()
    assert "THG-2024-007" in exported and "OCMW-2024-031" not in exported


def test_the_organisation_header_and_footer_pass_wcag_21_aa(sites, browser):
    """The header and footer now name the site's organisation and its DPO: the
    pages of both sites stay free of WCAG 2.1 A/AA violations (axe-core)."""
    from axe_playwright_python.sync_playwright import Axe

    from tests.browser.test_accessibility import WCAG_21_AA, _violations

    # axe-core is injected as a script, which the strict public CSP would block.
    context = browser.new_context(
        locale="nl-BE", viewport={"width": 1280, "height": 900}, bypass_csp=True
    )
    page = context.new_page()
    axe = Axe()
    found = {}
    try:
        for name, url in {
            "thuispunt-home": sites["thuispunt"] + "/",
            "thuispunt-list": sites["thuispunt"] + "/protocollen/",
            "thuispunt-protocol": f"{sites['thuispunt']}/protocollen/{SLUG}/",
            "thuispunt-register": sites["thuispunt"] + "/verwerkingsregister/",
            "ocmw-home": sites["ocmw"] + "/",
        }.items():
            assert page.goto(url).status == 200, name
            violations = _violations(axe.run(page, options=WCAG_21_AA))
            if violations:
                found[name] = violations
    finally:
        context.close()
    assert found == {}
