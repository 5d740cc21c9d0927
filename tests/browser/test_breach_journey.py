"""The breach journey of issue 21 in a real browser: Thuispunt Gent's DPO records a
breach under the seed protocol and notifies it; OCMW Gent's DPO gets the mail and
finds the received notification, with the 72-hour clock, on the dashboard."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import login, shot
from tests.browser.test_accessibility import WCAG_21_AA, _violations

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def assert_accessible(page):
    from axe_playwright_python.sync_playwright import Axe

    # Wagtail's flash message slides in: check the page once it stands still.
    page.wait_for_timeout(1000)
    assert _violations(Axe().run(page, options=WCAG_21_AA)) == []


def _person(browser, site, username):
    # axe-core is injected as a script, which the admin's CSP would block.
    context = browser.new_context(
        locale="nl-BE", viewport={"width": 1280, "height": 900}, bypass_csp=True
    )
    page = context.new_page()
    login(page, site, username)
    return context, page


def test_thuispunt_records_a_breach_and_ocmw_receives_the_notification(
    site, browser, mailoutbox
):
    from protocols_registry.models import Organisation

    ocmw = Organisation.objects.get(enterprise_number="0212214125")
    ocmw.dpo_email = "privacy@ocmw.example"
    ocmw.save()

    context, page = _person(browser, site, "dpo-thuispunt")
    page.get_by_role("link", name="Datalekken").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile("Datalekken"))
    page.get_by_role("link", name="Een datalek registreren").click()
    page.fill("#id_nature", "Een lijst met kandidaat-huurders werd verkeerd gemaild.")
    page.fill("#id_data_subject_count", "23")
    page.fill("#id_consequences", "Mogelijk verlies van vertrouwelijkheid.")
    page.fill("#id_measures", "De ontvanger heeft de mail verwijderd.")
    page.select_option("#id_risk", "risk")
    page.get_by_label(re.compile("2024_VB_00591")).check()
    shot(page, "breach-1-form")
    assert_accessible(page)
    page.get_by_role("button", name="Opslaan").click()
    expect(page.locator("[data-breach-clock]")).to_contain_text("72 uur")
    shot(page, "breach-2-recorded")
    assert_accessible(page)
    # The demo's example breach was notified to the same mailbox when it loaded.
    sent_before = len(mailoutbox)
    page.get_by_role("button", name="De andere partijen verwittigen").click()
    expect(
        page.get_by_text("Melding verzonden naar de DPO van OCMW Gent")
    ).to_be_visible()
    context.close()

    (mail,) = [m for m in mailoutbox[sent_before:] if m.to == ["privacy@ocmw.example"]]
    assert "2024_VB_00591" in mail.subject
    assert "verkeerd gemaild" in mail.body

    context, page = _person(browser, site, "dpo")
    panel = page.locator("section", has_text="Datalekken: 72 uur om te melden")
    expect(panel).to_contain_text("Ontvangen melding")
    expect(panel).to_contain_text("resterend")
    expect(panel).to_contain_text(re.compile(r"CES?T"))
    shot(page, "breach-3-ocmw-dashboard")
    panel.get_by_role("link", name=re.compile("Ontvangen melding")).first.click()
    expect(page.get_by_text("verkeerd gemaild")).to_be_visible()
    page.get_by_role("button", name="Als gelezen markeren").click()
    expect(page.get_by_text(re.compile("Gelezen op"))).to_be_visible()
    shot(page, "breach-4-ocmw-received")
    assert_accessible(page)
    page.get_by_role("link", name="Datalekken").first.click()
    expect(page.get_by_role("heading", level=1)).to_have_text(re.compile("Datalekken"))
    assert_accessible(page)
    context.close()
