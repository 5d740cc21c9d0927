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


def test_editor_publishes_once_the_dpos_have_advised(site, context, browser):
    from protocols_registry.models import ProtocolPage
    from tests.factories import build_protocol, protocol_index

    draft = build_protocol(
        title="Voorbeeldprotocol wachtend op adviezen",
        advices=False,
        publish=False,
        index=protocol_index(),
    )
    editor = context.new_page()
    login(editor, site, "editor")
    editor.goto(site.url + f"/admin/pages/{draft.pk}/edit/")
    editor.locator("[data-w-dropdown-target='toggle']").last.click()
    editor.get_by_role("button", name="Publiceren").click()
    editor.wait_for_load_state()
    message = editor.locator(".messages").inner_text()
    assert "kan nog niet gepubliceerd worden" in message
    assert "functionaris voor gegevensbescherming" in message
    shot(editor, "editor-1-refused")

    dpo_context = browser.new_context(
        locale="nl-BE", viewport={"width": 1280, "height": 900}
    )
    dpo = dpo_context.new_page()
    login(dpo, site, "dpo")
    for party in draft.party_organisations():
        dpo.goto(site.url + "/admin/snippets/protocols_registry/dpoadvice/add/")
        _choose(dpo, "protocol", "Voorbeeldprotocol wachtend op adviezen")
        _choose(dpo, "organisation", party.name)
        dpo.fill("#id_advice_date", "2026-11-25")
        dpo.select_option("#id_verdict", "favourable")
        dpo.get_by_role("button", name="Opslaan").first.click()
        dpo.wait_for_load_state()
    dpo_context.close()
    assert draft.advices.count() == 2

    editor.goto(site.url + f"/admin/pages/{draft.pk}/edit/")
    editor.locator("[data-w-dropdown-target='toggle']").last.click()
    editor.get_by_role("button", name="Publiceren").click()
    editor.wait_for_load_state()
    assert ProtocolPage.objects.get(pk=draft.pk).live
    public = context.new_page()
    public.goto(site.url + "/protocollen/")
    assert "Voorbeeldprotocol wachtend op adviezen" in public.content()


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
    assert any(row["reference"] == "OCMW-2024-031" for row in rows)


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

    call_command("enforce_retention", verbosity=0)  # the seed transfer is past its date
    seed = Transfer.objects.get(reference="2024_VB_00591/1")
    current = Transfer.objects.get(reference="2025_DEMO_00002/1")
    login(page, site, "auditor")
    page.goto(site.url + "/admin/exchanges/transfers/")
    page.get_by_role("link", name="2024_VB_00591/1").click()
    # The click returns as soon as the detail page starts loading; a read of the
    # timeline then can catch the table half parsed. expect() waits for the rows.
    timeline = page.locator("main table.listing").last
    expect(timeline).to_contain_text("transfer.data_deleted")
    expect(timeline).to_contain_text("payload.uploaded")
    page.get_by_role(
        "heading", name="Bewijs van verwijdering"
    ).scroll_into_view_if_needed()
    page.mouse.wheel(0, 250)
    shot(page, "auditor-timeline", doc=True)
    with page.expect_download() as download:
        page.get_by_role("link", name="certificaat (PDF)").first.click()
    evidence = verify_certificate(Path(download.value.path()).read_bytes())
    assert (
        evidence["transfer"] == "2024_VB_00591/1" and evidence["reason"] == "retention"
    )
    page.goto(site.url + f"/admin/exchanges/transfers/{current.pk}/")
    assert page.get_by_role("link", name="Bestand downloaden").count() == 0
    page.goto(site.url + f"/admin/exchanges/transfers/{current.pk}/download/")
    assert page.url.rstrip("/").endswith("/admin")
    assert seed.pk != current.pk
