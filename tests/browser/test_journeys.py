"""One journey per role, through the user interface only, in a real browser."""

import csv
import io
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from tests.browser.conftest import login, shot

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_citizen_finds_reads_and_downloads_the_seed_protocol(site, page):
    page.goto(site.url + "/")
    shot(page, "citizen-1-home")
    page.get_by_role("navigation", name="Hoofdnavigatie").get_by_role(
        "link", name="Protocollen"
    ).click()
    page.select_option("#id_party", label="Woonmaatschappij Thuispunt Gent")
    page.get_by_role("button", name="Toepassen").click()
    assert "party=0400032156" in page.url
    page.fill("#id_q", "Centraal Inschrijvingsregister")
    page.get_by_role("button", name="Toepassen").click()
    assert "q=Centraal" in page.url and "party=0400032156" in page.url
    shot(page, "citizen-2-list", doc=True)
    page.get_by_role(
        "link", name=re.compile("eenmalige actualisatie van kandidatendossiers")
    ).click()
    assert page.url.endswith("/protocollen/2024-vb-00591/")
    # A click returns once the next page starts loading; expect() waits for its text.
    expect(
        page.get_by_role("heading", name="Artikel 12: Inwerkingtreding en opzegging")
    ).to_be_visible()
    shot(page, "citizen-3-protocol", doc=True)
    with page.expect_download() as download:
        page.get_by_role("link", name="Download dit protocol als PDF").click()
    content = Path(download.value.path()).read_bytes()
    assert content.startswith(b"%PDF")
    assert "2024_VB_00591" in PdfReader(io.BytesIO(content)).pages[0].extract_text()
    page.get_by_role("link", name="Verwerkingsregister").click()
    page.get_by_role(
        "link", name=re.compile("Contacteren van dak- en thuisloze")
    ).click()
    expect(page.get_by_role("heading", level=1)).to_have_text(
        re.compile("^Contacteren")
    )
    shot(page, "citizen-4-register-activity")


def _choose(page, field_name, choice):
    """Pick a snippet or page in Wagtail's chooser modal for ``field_name``."""
    page.locator(
        f"#id_{field_name}-chooser .unchosen [data-chooser-action-choose]"
    ).click()
    modal = page.locator(".modal-dialog").last
    modal.get_by_role("link", name=re.compile(re.escape(choice))).first.click()
    page.locator(".modal-dialog").wait_for(state="detached")


def test_board_secretary_adds_a_decision_with_its_pdf(site, page, tmp_path):
    login(page, site, "secretary")
    page.goto(site.url + "/admin/snippets/protocols_registry/approvaldecision/")
    page.get_by_role("link", name=re.compile("toevoegen", re.I)).first.click()
    page.fill("#id_reference", "2026-vb-00012")
    page.fill("#id_title", "Protocol met de Stad Gent - Goedkeuring")
    _choose(page, "organisation", "Openbaar Centrum voor Maatschappelijk Welzijn Gent")
    page.select_option("#id_governing_body", "vast_bureau")
    page.fill("#id_meeting_date", "2026-11-20")
    page.select_option("#id_session", "closed")
    pdf = tmp_path / "besluit.pdf"
    pdf.write_bytes(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    page.set_input_files("#id_signed_pdf", str(pdf))
    page.get_by_role("button", name="Opslaan").first.click()
    page.wait_for_load_state()
    shot(page, "secretary-decision-saved")
    assert "2026_VB_00012" in page.content()


def _person(browser, site, username):
    """A browser of one's own, logged in as ``username``."""
    context = browser.new_context(
        locale="nl-BE", viewport={"width": 1280, "height": 900}
    )
    page = context.new_page()
    login(page, site, username)
    return context, page


def _mail_to(mailoutbox, username, subject_part):
    mails = [
        mail
        for mail in mailoutbox
        if mail.to == [f"{username}@example.invalid"] and subject_part in mail.subject
    ]
    assert mails, [(mail.to, mail.subject) for mail in mailoutbox]
    return mails[-1]


def _link(mail, fragment):
    return next(word for word in mail.body.split() if fragment in word)


def test_a_protocol_goes_from_draft_to_published_through_the_workflow(
    site, browser, mailoutbox, settings
):
    """The editor submits; each party's DPO advises; OCMW Gent's secretary records
    and links the Vast Bureau's decision, which publishes the protocol. Each is told
    by mail and finds the protocol on their dashboard."""
    from wagtail.models import Site as WagtailSite

    from protocols_registry.models import ApprovalDecision, Organisation, ProtocolPage
    from tests.factories import build_protocol, protocol_index

    settings.WAGTAILADMIN_BASE_URL = site.url  # the links in the mails
    ocmw = Organisation.objects.get(enterprise_number="0212214125")
    thuispunt = Organisation.objects.get(enterprise_number="0400032156")
    draft = build_protocol(
        title="Voorbeeldprotocol in de goedkeuringsstroom",
        reference="2026_VB_00321",
        parties=[ocmw, thuispunt],
        decision=False,
        advices=False,
        publish=False,
        index=protocol_index(),
    )

    # The editor submits the draft to the protocol workflow.
    editor_context, editor = _person(browser, site, "editor")
    editor.goto(site.url + f"/admin/pages/{draft.pk}/edit/")
    editor.locator("[data-w-dropdown-target='toggle']").last.click()
    assert editor.get_by_role("button", name="Publiceren").count() == 0
    editor.get_by_role(
        "button", name="Stuur door naar Goedkeuring van een protocol"
    ).click()
    editor.wait_for_load_state()
    editor.goto(site.url + "/admin/")
    expect(editor.locator("main")).to_contain_text(
        "Voorbeeldprotocol in de goedkeuringsstroom"
    )
    shot(editor, "workflow-1-editor-submitted")

    # OCMW Gent's DPO follows the link in their mail and records the advice.
    mail = _mail_to(mailoutbox, "dpo", "wacht op uw advies")
    dpo_context, dpo = _person(browser, site, "dpo")
    expect(dpo.locator("#awaiting-my-advice-section")).to_contain_text(
        "Voorbeeldprotocol in de goedkeuringsstroom"
    )
    shot(dpo, "workflow-2-dpo-dashboard", doc=True)
    dpo.goto(_link(mail, "/dpoadvice/add/"))
    dpo.select_option("#id_verdict", "favourable")
    dpo.get_by_role("button", name="Opslaan").first.click()
    dpo.wait_for_url(site.url + "/admin/")
    expect(dpo.locator(".messages")).to_contain_text(
        "wacht nog op het advies van de functionaris voor gegevensbescherming van "
        "Thuispunt Gent"
    )
    expect(dpo.locator("#awaiting-my-advice-section")).to_have_count(0)
    dpo_context.close()

    # Thuispunt Gent's DPO first confirms without an advice: told what is missing.
    mail = _mail_to(mailoutbox, "dpo-thuispunt", "wacht op uw advies")
    thuispunt_context, thuispunt_dpo = _person(browser, site, "dpo-thuispunt")
    row = thuispunt_dpo.locator("#awaiting-my-advice-section tbody tr").first
    row.get_by_role("button", name="De gunstige adviezen bevestigen").click()
    modal = thuispunt_dpo.locator(".modal-dialog")
    modal.get_by_role("button", name="De gunstige adviezen bevestigen").click()
    expect(modal).to_contain_text("Deze stap kan nog niet goedgekeurd worden")
    expect(modal).to_contain_text(
        "Er is geen advies van de functionaris voor gegevensbescherming van "
        "Thuispunt Gent geregistreerd"
    )
    shot(thuispunt_dpo, "workflow-3-dpo-missing-advice", doc=True)
    thuispunt_dpo.goto(_link(mail, "/dpoadvice/add/"))
    thuispunt_dpo.select_option("#id_verdict", "conditional")
    thuispunt_dpo.fill("#id_conditions", "Jaarlijkse evaluatie van de uitwisseling.")
    thuispunt_dpo.get_by_role("button", name="Opslaan").first.click()
    thuispunt_dpo.wait_for_url(site.url + "/admin/")
    expect(thuispunt_dpo.locator(".messages")).to_contain_text(
        "Alle adviezen zijn gunstig"
    )
    thuispunt_context.close()

    # The board secretary is told, records the Vast Bureau's decision and links it.
    _mail_to(mailoutbox, "secretary", "wacht op de beslissing van het bestuursorgaan")
    secretary_context, secretary = _person(browser, site, "secretary")
    decisions = secretary.locator("#awaiting-my-decision-section")
    expect(decisions).to_contain_text("Voorbeeldprotocol in de goedkeuringsstroom")
    decisions.get_by_role("button", name="De beslissing koppelen en publiceren").click()
    modal = secretary.locator(".modal-dialog")
    modal.get_by_role("button", name="De beslissing koppelen en publiceren").click()
    expect(modal).to_contain_text("Er keurt nog geen beslissing dit protocol goed")
    shot(secretary, "workflow-4-secretary-no-decision")
    secretary.goto(
        site.url + "/admin/snippets/protocols_registry/approvaldecision/add/"
    )
    secretary.fill("#id_reference", "2026_VB_00321")
    secretary.fill("#id_title", "Protocol met Thuispunt Gent - Goedkeuring")
    _choose(
        secretary, "organisation", "Openbaar Centrum voor Maatschappelijk Welzijn Gent"
    )
    secretary.select_option("#id_governing_body", "vast_bureau")
    secretary.fill("#id_meeting_date", "2026-11-26")
    secretary.select_option("#id_session", "closed")
    secretary.get_by_role("button", name="Opslaan").first.click()
    secretary.wait_for_load_state()
    secretary.goto(site.url + "/admin/")
    secretary.locator("#awaiting-my-decision-section").get_by_role(
        "button", name="De beslissing koppelen en publiceren"
    ).click()
    modal = secretary.locator(".modal-dialog")
    recorded = ApprovalDecision.objects.get(reference="2026_VB_00321")
    modal.locator("#id_decision").select_option(str(recorded.pk))
    modal.get_by_role("button", name="De beslissing koppelen en publiceren").click()
    secretary.wait_for_url(site.url + "/admin/")
    expect(secretary.locator("#awaiting-my-decision-section")).to_have_count(0)
    secretary_context.close()

    # Published, with its decision; the editor is told.
    protocol = ProtocolPage.objects.get(pk=draft.pk)
    assert protocol.live
    assert [d.reference for d in protocol.approving_decisions()] == ["2026_VB_00321"]
    mail = _mail_to(mailoutbox, "editor", "goedgekeurd")
    assert protocol.full_url in mail.body
    # Its address on the default site (the demo has a site per organisation).
    default_site = WagtailSite.objects.get(is_default_site=True)
    editor.goto(site.url + protocol.relative_url(default_site))
    expect(editor.get_by_role("heading", level=1)).to_contain_text(
        "Voorbeeldprotocol in de goedkeuringsstroom"
    )
    shot(editor, "workflow-5-published")
    editor_context.close()


def test_an_empty_protocol_is_refused_with_every_missing_section(site, browser):
    """Even the administrator, who may publish without the workflow, cannot put a
    protocol online whose articles are empty: the message names each section the
    decree requires, and the draft stays as it was."""
    from protocols_registry.models import ProtocolPage
    from tests.factories import REQUIRED_TEXT, build_protocol, protocol_index

    draft = build_protocol(
        title="Protocol met lege artikels",
        publish=False,
        index=protocol_index(),
        **dict.fromkeys(REQUIRED_TEXT, ""),
    )
    draft.data_items = []  # the draft the editor sees is its latest revision
    draft.save_revision()

    context, admin = _person(browser, site, "admin")
    admin.goto(site.url + f"/admin/pages/{draft.pk}/edit/")
    admin.locator("[data-w-dropdown-target='toggle']").last.click()
    admin.get_by_role("button", name="Publiceren").click()
    admin.wait_for_load_state()
    messages = admin.locator(".messages")
    for section in (
        "artikel 2: rechtvaardigingsgronden en doeleinden van de verzameling",
        "artikel 3: de gegevens",
        "artikel 4: de ontvangers",
        "artikel 5",
        "artikel 6",
    ):
        expect(messages).to_contain_text(section)
    shot(admin, "workflow-0-empty-protocol-refused")
    context.close()
    assert not ProtocolPage.objects.get(pk=draft.pk).live


def test_dpo_edits_an_activity_sees_the_history_and_exports(site, page):
    login(page, site, "dpo")
    page.goto(site.url + "/admin/snippets/protocols_registry/processingactivity/")
    page.get_by_role("link", name=re.compile("OCMW-2024-031")).first.click()
    page.fill(
        "#id_purposes", "Cliënten tijdig contacteren over hun dossier in het CIR."
    )
    page.fill("#id_change_reason", "Jaarlijkse herziening")
    page.get_by_role("button", name="Opslaan").first.click()
    page.wait_for_load_state()
    from protocols_registry.models import ProcessingActivity

    activity = ProcessingActivity.objects.get(reference="OCMW-2024-031")
    page.goto(
        site.url
        + f"/admin/snippets/protocols_registry/processingactivity/inspect/{activity.pk}/"
    )
    history = page.locator("main").inner_text()
    assert "Jaarlijkse herziening" in history and "dpo" in history
    assert "Cliënten tijdig contacteren over hun dossier in het CIR." in history
    shot(page, "dpo-history")
    page.goto(site.url + "/admin/")
    with page.expect_download() as download:
        page.get_by_role("link", name="CSV").click()
    text = Path(download.value.path()).read_text(encoding="utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    # The export speaks Dutch: its header is the Dutch label.
    assert any(row["referentie"] == "OCMW-2024-031" for row in rows)


def test_exchange_officer_receives_a_list_and_works_it(site, page, browser, tmp_path):
    from home.demo import people
    from protocols_registry.models import ProtocolPage

    protocol = ProtocolPage.objects.get(reference="2025_DEMO_00002")
    login(page, site, "officer")
    page.goto(site.url + "/admin/exchanges/transfers/")
    page.get_by_role("link", name="Uitwisseling registreren").click()
    page.select_option("#id_protocol", str(protocol.pk))
    page.get_by_role("button", name="Volgende").click()
    page.get_by_label("Identificatiegegevens", exact=False).check()
    page.get_by_label("Status van het kandidatendossier", exact=False).check()
    page.fill("#id_data_subject_count", "3")
    page.get_by_role("button", name="De uitwisseling registreren").click()
    page.wait_for_url("**/admin/exchanges/transfers/*/")
    transfer_url = page.url
    page.get_by_role("button", name="De link maken").click()
    link = page.locator("#upload-url").input_value()
    assert "/uitwisseling/upload/" in link

    sender = browser.new_context(locale="nl-BE")
    upload = sender.new_page()
    upload.goto(link)
    shot(upload, "sender-upload")
    import datetime

    rows = people.people(
        3, invitation_dates=[datetime.date.today() - datetime.timedelta(days=25)]
    )
    listfile = tmp_path / "lijst.csv"
    listfile.write_bytes(people.as_csv(rows))
    upload.set_input_files("#id_file", str(listfile))
    upload.get_by_role("button", name="Het bestand versturen").click()
    expect(upload.get_by_role("heading", name="Bestand ontvangen")).to_be_visible()
    sender.close()

    page.goto(transfer_url)
    page.get_by_role("link", name="De lijst inlezen in een werklijst").click()
    page.get_by_role("button", name="Inlezen in de werklijst").click()
    page.wait_for_url("**/list/")
    shot(page, "officer-worklist", doc=True)
    page.locator("input[name=entries]").first.check()
    page.get_by_role("button", name="Gecontacteerd").click()
    page.get_by_role("button", name="Ja, de gegevens verwijderen").click()
    page.wait_for_load_state()
    assert "behandeld" in page.locator(".messages").inner_text()
    assert page.locator("input[name=entries]").count() == 2


def test_auditor_follows_the_trail_but_never_opens_the_data(site, page):
    from django.core.management import call_command

    from exchanges.certificates import verify_certificate
    from exchanges.models import Transfer

    call_command("enforce_retention", verbosity=0)  # nothing of the demo is due
    # A transfer went by encrypted e-mail in 2023, before the platform: it is
    # recorded closed, with evidence that the platform never held its data. (The
    # seed protocol was never signed, so no transfer is recorded under it.)
    seed = Transfer.objects.get(reference="2023_DEMO_00003/1")
    current = Transfer.objects.get(reference="2025_DEMO_00002/1")
    login(page, site, "auditor")
    page.goto(site.url + "/admin/exchanges/transfers/")
    page.get_by_role("link", name="2023_DEMO_00003/1").click()
    # The click returns as soon as the detail page starts loading; a read of the
    # timeline then can catch the table half parsed. expect() waits for the rows.
    timeline = page.locator("main table.listing").last
    expect(timeline).to_contain_text("persoonsgegevens van de doorgifte verwijderd")
    expect(timeline).to_contain_text("doorgifte geregistreerd")
    expect(timeline).not_to_contain_text("transfer.recorded")
    page.get_by_role(
        "heading", name="Bewijs van verwijdering"
    ).scroll_into_view_if_needed()
    page.mouse.wheel(0, 250)
    shot(page, "auditor-timeline", doc=True)
    with page.expect_download() as download:
        page.get_by_role("link", name="certificaat (PDF)").first.click()
    evidence = verify_certificate(Path(download.value.path()).read_bytes())
    assert evidence["transfer"] == "2023_DEMO_00003/1"
    assert evidence["reason"] == "outside"
    assert evidence["record_count"] == 0 and evidence["verified"] is False
    page.goto(site.url + f"/admin/exchanges/transfers/{current.pk}/")
    assert page.get_by_role("link", name="Bestand downloaden").count() == 0
    page.goto(site.url + f"/admin/exchanges/transfers/{current.pk}/download/")
    assert page.url.rstrip("/").endswith("/admin")
    assert seed.pk != current.pk
