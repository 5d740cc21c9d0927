"""WCAG 2.1 A and AA on the public pages, checked by axe-core in a real browser,
and the filters and the PDF link reachable with the keyboard alone."""

import pytest
from axe_playwright_python.sync_playwright import Axe

from tests.browser.conftest import shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WCAG_21_AA = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
    "resultTypes": ["violations"],
}


@pytest.fixture
def axe_page(browser):
    # axe-core is injected as a script; the strict public CSP would block it, and
    # the CSP itself is checked elsewhere (tests/security).
    context = browser.new_context(
        locale="nl-BE", viewport={"width": 1280, "height": 900}, bypass_csp=True
    )
    yield context.new_page()
    context.close()


def _upload_link_path():
    """A fresh one-time upload link on a new transfer under a demo protocol."""
    from django.contrib.auth import get_user_model

    from exchanges import services
    from protocols_registry.models import ProtocolPage

    protocol = ProtocolPage.objects.get(reference="2025_DEMO_00002")
    parties = {party.role: party.organisation for party in protocol.parties.all()}
    officer = get_user_model().objects.get(username="officer")
    transfer = services.record_transfer(
        protocol=protocol,
        decision=protocol.approving_decisions()[0],
        sender=parties["sender"],
        recipient=parties["recipient"],
        data_items=list(protocol.data_items.all()),
        data_subject_count=3,
        user=officer,
    )
    _link, token = services.create_upload_link(transfer, user=officer)
    return f"/uitwisseling/upload/{token}/"


def _activity_path():
    from wagtail.models import Site

    from protocols_registry.models import ProcessingRegisterPage

    # The default site's register (the demo has a site per organisation).
    site = Site.objects.get(is_default_site=True)
    register = ProcessingRegisterPage.objects.live().child_of(site.root_page).get()
    return register.relative_url(site) + register.reverse_subpage(
        "detail_view", args=["OCMW-2024-031"]
    )


def _violations(results):
    return [
        f"{violation['id']} ({violation['impact']}): {violation['help']} — "
        + "; ".join(node["target"][0] for node in violation["nodes"][:5])
        for violation in results.response["violations"]
    ]


def test_public_pages_have_no_wcag_21_aa_violations(site, axe_page):
    pages = {
        "home": "/",
        "protocol-list": "/protocollen/",
        "protocol-detail": "/protocollen/2024-vb-00591/",
        "register-list": "/verwerkingsregister/",
        "register-detail": _activity_path(),
        "not-found": "/bestaat-niet/",
        "upload-link": _upload_link_path(),
    }
    axe = Axe()
    found = {}
    for name, path in pages.items():
        response = axe_page.goto(site.url + path)
        expected = 404 if name == "not-found" else 200
        assert response.status == expected, f"{name}: {path} answered {response.status}"
        shot(axe_page, f"a11y-{name}")
        violations = _violations(axe.run(axe_page, options=WCAG_21_AA))
        if violations:
            found[name] = violations
    assert found == {}


def _tab_to(page, predicate, limit=80):
    """Press Tab until the focused element satisfies ``predicate`` (a JS
    function of the element); return how many presses it took."""
    for presses in range(1, limit + 1):
        page.keyboard.press("Tab")
        if page.evaluate(f"({predicate})(document.activeElement)"):
            return presses
    raise AssertionError(f"the keyboard never reached the element after {limit} Tabs")


def test_keyboard_alone_reaches_the_filters_and_the_pdf(site, page):
    page.goto(site.url + "/protocollen/")
    _tab_to(page, "el => el.id === 'id_q'")
    page.keyboard.type("Centraal Inschrijvingsregister")
    _tab_to(page, "el => el.id === 'id_party'")
    _tab_to(page, "el => el.tagName === 'BUTTON' && el.type === 'submit'")
    page.keyboard.press("Enter")
    page.wait_for_url("**q=Centraal*")
    _tab_to(
        page,
        "el => el.tagName === 'A' && el.href.endsWith('/protocollen/2024-vb-00591/')",
    )
    page.keyboard.press("Enter")
    page.wait_for_url("**/protocollen/2024-vb-00591/")
    _tab_to(page, "el => el.tagName === 'A' && el.href.endsWith('/2024-vb-00591/pdf/')")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline != "none", "the focused PDF link shows no focus indicator"
    with page.expect_download() as download:
        page.keyboard.press("Enter")
    assert download.value.suggested_filename.endswith(".pdf")


def test_the_axe_check_does_catch_a_violation(axe_page):
    """Guard against a silently inert checker: a page with an unlabelled image and
    an unlabelled field must fail."""
    axe_page.set_content(
        '<html lang="nl"><body><main><img src="x.png">'
        '<input type="text"></main></body></html>'
    )
    violations = _violations(Axe().run(axe_page, options=WCAG_21_AA))
    assert any(v.startswith("image-alt") for v in violations)
    assert any(v.startswith("label") for v in violations)
