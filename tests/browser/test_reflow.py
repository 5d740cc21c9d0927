"""WCAG 2.1 1.4.10 (reflow): every public page fits a 320 CSS pixel wide screen
without scrolling sideways. A table too wide for it scrolls inside its own
region, which the keyboard can reach and a screen reader names."""

import pytest

from tests.browser.conftest import shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTH = 320

# How wide the page is, and every table wider than its box with the region that
# scrolls it (or the lack of one).
MEASURE = """() => {
    const tables = [...document.querySelectorAll('table')].map(table => {
        const region = table.closest('[role=region]');
        return {
            wide: table.scrollWidth > table.parentElement.clientWidth + 1,
            region: region ? {
                focusable: region.tabIndex === 0,
                label: region.getAttribute('aria-label')
                    || region.getAttribute('aria-labelledby') || '',
                scrolls: getComputedStyle(region).overflowX,
            } : null,
        };
    });
    const wider = [...document.querySelectorAll('body *')]
        .filter(el => el.getBoundingClientRect().right > window.innerWidth + 1)
        .filter(el => !el.closest('[role=region]') && !el.closest('.skip-link'))
        .slice(0, 5)
        .map(el => el.tagName + '.' + el.className + ': ' +
             (el.textContent || '').trim().slice(0, 40));
    return {width: document.documentElement.scrollWidth, tables, wider};
}"""


def _activity_path():
    from wagtail.models import Site

    from protocols_registry.models import ProcessingRegisterPage

    # The default site's register (the demo has a site per organisation).
    site = Site.objects.get(is_default_site=True)
    register = ProcessingRegisterPage.objects.live().child_of(site.root_page).get()
    return register.relative_url(site) + register.reverse_subpage(
        "detail_view", args=["OCMW-2024-031"]
    )


@pytest.fixture
def narrow(browser):
    context = browser.new_context(
        locale="nl-BE", viewport={"width": WIDTH, "height": 640}
    )
    yield context.new_page()
    context.close()


def _problems(page, name):
    found = page.evaluate(MEASURE)
    problems = []
    if found["width"] > WIDTH:
        problems.append(f"{name}: {found['width']} px wide ({found['wider']})")
    for table in found["tables"]:
        if not table["wide"]:
            continue
        region = table["region"]
        if (
            region is None
            or not region["focusable"]
            or not region["label"]
            or region["scrolls"] not in ("auto", "scroll")
        ):
            problems.append(f"{name}: a wide table outside a focusable region")
    return problems


def _english(page):
    """The URL of the English version the language switch links to, if any."""
    link = page.locator('a[hreflang="en"]')
    return link.first.get_attribute("href") if link.count() else None


def test_public_pages_reflow_at_320_css_pixels(site, narrow, settings):
    from django.template.loader import render_to_string

    settings.EXCHANGES_REFUSAL_LIMIT = 1
    pages = {
        "home": "/",
        "protocol-list": "/protocollen/",
        "protocol-list-filtered": "/protocollen/?q=Gent&sort=reference",
        "protocol-detail": "/protocollen/2024-vb-00591/",
        "protocol-version": "/protocollen/2024-vb-00591/versies/1/",
        "register-list": "/verwerkingsregister/",
        "register-detail": _activity_path(),
        "transparency": "/protocollen/transparantie/",
        "not-found": "/bestaat-niet/",
        "unavailable": "/__reflow/503/",
        "too-many": "/uitwisseling/upload/" + "x" * 43 + "/",
    }
    # The 503 page is what the outage middleware answers while Redis is down.
    narrow.route(
        site.url + "/__reflow/503/",
        lambda route: route.fulfill(
            status=503, content_type="text/html", body=render_to_string("503.html")
        ),
    )
    for _attempt in range(3):  # unknown upload links until the 429
        narrow.goto(site.url + pages["too-many"])
    problems = []
    english = {}
    for name, path in pages.items():
        response = narrow.goto(site.url + path)
        assert (
            response is not None and response.status < 500 or name in ("unavailable",)
        ), f"{name}: {path} answered {response.status}"
        if name == "too-many":
            assert response.status == 429
        shot(narrow, f"reflow-{name}")
        problems += _problems(narrow, name)
        href = _english(narrow)
        if href and response.status == 200:
            english[f"{name}-en"] = href
    assert {"home-en", "protocol-list-en", "protocol-detail-en"} <= set(english)
    for name, href in english.items():
        response = narrow.goto(site.url + href if href.startswith("/") else href)
        assert response.status == 200, f"{name}: {href} answered {response.status}"
        assert narrow.evaluate("document.documentElement.lang") == "en"
        problems += _problems(narrow, name)
    assert not problems, "\n".join(problems)


def test_the_reflow_check_does_catch_a_page_too_wide(narrow):
    """Guard against a measure that cannot fail: a long unbreakable word and a
    wide table outside a region are both reported."""
    narrow.set_content(
        '<html lang="nl"><body><p>' + "Gegevensuitwisselingsprotocol" * 4 + "</p>"
        "<table><tr>" + "<td>kolom</td>" * 20 + "</tr></table></body></html>"
    )
    problems = _problems(narrow, "bad")
    assert any("px wide" in problem for problem in problems)
    assert any("outside a focusable region" in problem for problem in problems)
