"""Versions: a decision that amends or ends a published protocol makes a new version;
citizens read the history, each version's text and what changed."""

import datetime
import importlib

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.urls import reverse

from protocols_registry.models import (
    DecisionEffect,
    ProtocolDecision,
    ProtocolStatus,
    ProtocolVersion,
)
from protocols_registry.publication import PublicationRefused
from protocols_registry.version_diff import word_diff
from tests.factories import ApprovalDecisionFactory, build_protocol

pytestmark = pytest.mark.django_db

FIRST_SUBJECT = "<p>OCMW Gent ontvangt een lijst van dak- en thuisloze kandidaten.</p>"
AMENDED_SUBJECT = (
    "<p>OCMW Gent ontvangt elke maand een lijst van dakloze kandidaten.</p>"
)


def amend(page, *, effect, summary="", meeting_date=None, **changes):
    """Publish ``page`` again with a new decision of its last party linked as
    ``effect``, and ``changes`` to its fields. Returns the new decision."""
    organisation = page.parties.last().organisation
    decision = ApprovalDecisionFactory(
        organisation=organisation,
        meeting_date=meeting_date or datetime.date(2025, 11, 20),
    )
    draft = page.get_latest_revision_as_object()
    for name, value in changes.items():
        setattr(draft, name, value)
    draft.decision_links.add(
        ProtocolDecision(
            decision=decision,
            effect=effect,
            change_summary=summary,
            sort_order=draft.decision_links.count(),
        )
    )
    draft.save_revision().publish()
    page.refresh_from_db()
    return decision


@pytest.fixture
def protocol():
    return build_protocol(
        title="Protocol actualisatie kandidatendossiers", subject=FIRST_SUBJECT
    )


@pytest.fixture
def amended(protocol):
    amend(
        protocol,
        effect=DecisionEffect.AMENDMENT,
        summary="De lijst komt voortaan elke maand.",
        subject=AMENDED_SUBJECT,
    )
    return protocol


def test_publishing_makes_version_one_with_the_approving_decision(protocol):
    (version,) = protocol.versions.all()
    assert version.number == 1
    assert version.effect == DecisionEffect.APPROVAL
    assert version.decision == protocol.approving_decisions()[0]
    assert version.content["fields"]["subject"] == FIRST_SUBJECT
    assert [item["data"] for item in version.content["data_items"]] == [
        "Identificatiegegevens: naam, voornaam",
        "Status van het dossier",
    ]


def test_publishing_again_without_a_new_decision_makes_no_version(protocol):
    draft = protocol.get_latest_revision_as_object()
    draft.summary = "Een verbeterde samenvatting."
    draft.save_revision().publish()
    assert protocol.versions.count() == 1


def test_an_amending_decision_makes_version_two(amended):
    first, second = amended.versions.order_by("number")
    assert (second.number, second.effect) == (2, DecisionEffect.AMENDMENT)
    assert second.change_summary == "De lijst komt voortaan elke maand."
    assert second.content["fields"]["subject"] == AMENDED_SUBJECT
    assert first.content["fields"]["subject"] == FIRST_SUBJECT
    # The amendment's date is the protocol's approval date now.
    assert amended.approval_date == datetime.date(2025, 11, 20)


def test_an_amendment_without_what_changed_is_refused(protocol):
    with pytest.raises(PublicationRefused) as refused:
        amend(protocol, effect=DecisionEffect.AMENDMENT, subject=AMENDED_SUBJECT)
    assert "wijzigt het protocol" in str(refused.value)
    assert protocol.versions.count() == 1


def test_the_protocol_page_lists_the_history(client, amended):
    html = client.get(amended.url).content.decode()
    assert 'id="versies"' in html
    assert "Versie 1" in html and "Versie 2" in html
    assert "De lijst komt voortaan elke maand." in html
    assert "20 november 2025" in html  # the amending decision's meeting
    second = amended.versions.get(number=2)
    assert second.decision.reference in html
    assert f"{amended.url}versies/2/verschil/" in html
    assert "wijziging" in html.lower()


def test_a_version_page_shows_that_versions_text(client, amended):
    old = client.get(f"{amended.url}versies/1/")
    assert old.status_code == 200
    text = old.content.decode()
    assert "dak- en thuisloze kandidaten" in text
    assert "elke maand" not in text.split("version-note", 1)[1].split("</div>")[1]
    assert "Dit is niet de huidige versie." in text
    new = client.get(f"{amended.url}versies/2/").content.decode()
    assert "elke maand een lijst van dakloze kandidaten" in new
    assert "Dit is de huidige versie." in new
    assert client.get(f"{amended.url}versies/3/").status_code == 404


def test_the_difference_shows_the_changed_words(client, amended):
    response = client.get(f"{amended.url}versies/2/verschil/")
    assert response.status_code == 200
    html = response.content.decode()
    added = '<ins><span class="visually-hidden">toegevoegd: </span>'
    removed = '<del><span class="visually-hidden">verwijderd: </span>'
    assert f"ontvangt{added} elke maand</ins> een lijst" in html
    assert f"{removed}dak- en thuisloze</del>{added}dakloze</ins>" in html
    assert "Ongewijzigd." in html  # the sections the amendment left alone
    assert client.get(f"{amended.url}versies/1/verschil/").status_code == 404


def test_word_diff_marks_words_and_escapes_text():
    html = word_diff("de <b>oude</b> tekst", "de nieuwe tekst")
    assert "&lt;b&gt;oude&lt;/b&gt;" in html
    assert "<b>" not in html
    assert "nieuwe</ins>" in html
    assert html.endswith(" tekst")


def test_a_version_cannot_be_changed_or_deleted(amended):
    version = amended.versions.get(number=1)
    version.change_summary = "Achteraf herschreven."
    with pytest.raises(ValidationError):
        version.save()
    with pytest.raises(ValidationError):
        ProtocolVersion.objects.filter(pk=version.pk).update(content={})
    with pytest.raises(ValidationError):
        version.delete()
    version.refresh_from_db()
    assert version.change_summary == ""
    assert version.content["fields"]["subject"] == FIRST_SUBJECT


def test_a_termination_ends_the_protocol(client, amended):
    amend(
        amended,
        effect=DecisionEffect.TERMINATION,
        summary="De actualisatie is afgerond.",
        meeting_date=datetime.date(2026, 1, 15),
    )
    assert amended.terminated_on == datetime.date(2026, 1, 15)
    assert amended.termination_reason == "De actualisatie is afgerond."
    assert amended.status_on(datetime.date(2026, 2, 1)) == ProtocolStatus.TERMINATED
    # Ending a protocol does not approve it again.
    assert amended.approval_date == datetime.date(2025, 11, 20)
    third = amended.versions.get(number=3)
    assert third.effect == DecisionEffect.TERMINATION
    html = client.get(amended.url).content.decode()
    assert "Dit protocol werd beëindigd op 15 januari 2026." in html
    assert "beëindiging" in html.lower()


def test_version_pages_are_cached_publicly(client, amended):
    response = client.get(f"{amended.url}versies/2/verschil/")
    assert "public" in response["Cache-Control"]
    again = client.get(
        f"{amended.url}versies/2/verschil/", HTTP_IF_NONE_MATCH=response["ETag"]
    )
    assert again.status_code == 304


def test_the_version_pages_in_english(client, amended):
    html = client.get(f"/en{amended.url}versies/2/verschil/").content.decode()
    assert '<span class="visually-hidden">added: </span>' in html
    assert "What changed from version 1 to 2" in html


def test_the_data_migration_makes_version_one_of_published_protocols(protocol):
    draft = build_protocol(title="Nog niet gepubliceerd", publish=False)
    recorded = protocol.versions.get().content
    ProtocolVersion.objects.all().delete()  # as before the migration
    migration = importlib.import_module(
        "protocols_registry.migrations.0011_versions_protocol_version"
    )
    migration.first_versions(apps, None)
    (version,) = ProtocolVersion.objects.all()
    assert (version.page_id, version.number) == (protocol.pk, 1)
    assert version.content == recorded
    assert version.content["fields"]["subject"] == FIRST_SUBJECT
    assert not draft.versions.exists()


def test_the_admin_shows_versions_read_only(client, admin_user, editor_user, amended):
    version = amended.versions.get(number=2)
    for user in (editor_user, admin_user):
        client.force_login(user)
        listing = client.get(
            reverse("wagtailsnippets_protocols_registry_protocolversion:list")
        )
        assert listing.status_code == 200
        inspect = client.get(
            reverse(
                "wagtailsnippets_protocols_registry_protocolversion:inspect",
                args=[version.pk],
            )
        )
        assert inspect.status_code == 200
        assert "De lijst komt voortaan elke maand." in inspect.content.decode()
        edit = client.get(
            reverse(
                "wagtailsnippets_protocols_registry_protocolversion:edit",
                args=[version.pk],
            )
        )
        assert edit.status_code in (302, 403)


def test_the_board_secretary_links_an_amending_decision_in_the_workflow(client):
    from tests.protocols_registry.workflow_helpers import (
        cast,
        current_state,
        submit,
        workflow_action,
    )

    people = cast()
    page = build_protocol(
        parties=[people.ocmw, people.thuispunt], subject=FIRST_SUBJECT
    )
    draft = page.get_latest_revision_as_object()
    draft.subject = AMENDED_SUBJECT
    draft.save_revision(user=people.editor)
    submit(page, people.editor)
    state = current_state(page)
    state.task.specific.on_action(state, people.dpo_ocmw, "approve")
    state = current_state(page)
    decision = ApprovalDecisionFactory(
        organisation=people.ocmw, meeting_date=datetime.date(2025, 12, 4)
    )
    client.force_login(people.secretary)
    refused, body = workflow_action(
        client, page, "approve", state, {"decision": decision.pk, "effect": "amendment"}
    )
    assert body.get("step") != "success"
    assert "wijzigt het protocol" in refused.content.decode()
    assert page.versions.count() == 1
    _response, body = workflow_action(
        client,
        page,
        "approve",
        state,
        {
            "decision": decision.pk,
            "effect": "amendment",
            "change_summary": "Elke maand een nieuwe lijst.",
        },
    )
    assert body["step"] == "success"
    second = page.versions.get(number=2)
    assert (second.decision, second.effect) == (decision, DecisionEffect.AMENDMENT)
    assert second.change_summary == "Elke maand een nieuwe lijst."
    assert second.content["fields"]["subject"] == AMENDED_SUBJECT


def test_the_seed_protocol_has_version_one(client, tmp_path, settings, monkeypatch):
    from django.core.management import call_command

    from protocols_registry.models import ProtocolPage

    settings.DEMO_CREDENTIALS_FILE = tmp_path / "demo-credentials.txt"
    monkeypatch.delenv("DEMO_PASSWORD", raising=False)
    call_command("load_demo")
    seed = ProtocolPage.objects.get(reference="2024_VB_00591")
    (version,) = seed.versions.all()
    assert (version.number, version.decision.reference) == (1, "2024_VB_00591")
    assert version.content["fields"]["subject"] == seed.subject
    html = client.get("/protocollen/2024-vb-00591/versies/1/").content.decode()
    assert "Dit is de huidige versie." in html
    assert "Thuispunt Gent" in html
