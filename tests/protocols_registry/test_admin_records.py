"""The admin screens for organisations, decisions and advices, used by their roles."""

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from protocols_registry.models import ApprovalDecision, DPOAdvice, Organisation
from tests.factories import (
    ApprovalDecisionFactory,
    OrganisationFactory,
    build_protocol,
)
from tests.helpers import close_file

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def snippet_url(model, action, *args):
    return reverse(f"wagtailsnippets_protocols_registry_{model}:{action}", args=args)


def organisation_data(**overrides):
    data = {
        "name": "Woonmaatschappij Thuispunt Gent",
        "short_name": "Thuispunt Gent",
        "kind": "housing_company",
        "enterprise_number": "BE 0400.032.156",
        "street_address": "Lange Steenstraat 54",
        "postal_code": "9000",
        "city": "Gent",
    }
    data.update(overrides)
    return data


def test_enterprise_number_is_stored_in_one_normal_form(client, editor_user):
    client.force_login(editor_user)
    response = client.post(snippet_url("organisation", "add"), organisation_data())
    assert response.status_code == 302
    assert Organisation.objects.get().enterprise_number == "0400032156"


def test_wrong_enterprise_number_is_a_field_error_and_saves_nothing(
    client, editor_user
):
    client.force_login(editor_user)
    response = client.post(
        snippet_url("organisation", "add"),
        organisation_data(enterprise_number="0400.032.157"),
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert list(errors) == ["enterprise_number"]
    assert "controlecijfers" in errors["enterprise_number"][0]
    assert not Organisation.objects.exists()


def test_board_secretary_uploads_a_decision_with_its_signed_pdf(client, secretary_user):
    organisation = OrganisationFactory()
    client.force_login(secretary_user)
    response = client.post(
        snippet_url("approvaldecision", "add"),
        {
            "reference": "2024-vb-00591",
            "title": "Protocol CIR - Goedkeuring",
            "organisation": organisation.pk,
            "governing_body": "vast_bureau",
            "meeting_date": "2024-09-19",
            "session": "closed",
            "outcome": "approved",
            "signed_pdf": SimpleUploadedFile("../../etc/passwd.pdf", PDF),
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    decision = ApprovalDecision.objects.get()
    assert decision.reference == "2024_VB_00591"
    # The stored name is generated, never the uploader's.
    assert decision.signed_pdf.name.startswith("protocols_registry/decisions/")
    assert (
        ".." not in decision.signed_pdf.name
        and "passwd" not in decision.signed_pdf.name
    )
    with decision.signed_pdf.open("rb") as handle:
        assert handle.read() == PDF


def test_a_decision_pdf_that_is_not_a_pdf_is_refused(client, secretary_user):
    client.force_login(secretary_user)
    response = client.post(
        snippet_url("approvaldecision", "add"),
        {
            "reference": "2024_VB_00592",
            "title": "Iets",
            "organisation": OrganisationFactory().pk,
            "governing_body": "vast_bureau",
            "meeting_date": "2024-09-19",
            "session": "public",
            "outcome": "approved",
            "signed_pdf": SimpleUploadedFile("besluit.pdf", b"<html>nope</html>"),
        },
    )
    assert response.status_code == 200
    assert "signed_pdf" in response.context["form"].errors
    assert not ApprovalDecision.objects.exists()


@pytest.mark.parametrize("user_fixture", ["editor_user", "dpo_user", "auditor_user"])
def test_only_the_board_secretary_adds_or_changes_decisions(
    client, request, user_fixture
):
    decision = ApprovalDecisionFactory()
    client.force_login(request.getfixturevalue(user_fixture))
    assert client.get(snippet_url("approvaldecision", "add")).status_code in (302, 403)
    response = client.post(
        snippet_url("approvaldecision", "edit", decision.pk),
        {"reference": decision.reference, "title": "Gewijzigd"},
    )
    assert response.status_code in (302, 403)
    decision.refresh_from_db()
    assert decision.title != "Gewijzigd"


def test_auditor_reads_decisions_but_cannot_change_them(client, auditor_user):
    decision = ApprovalDecisionFactory()
    client.force_login(auditor_user)
    assert client.get(snippet_url("approvaldecision", "list")).status_code == 200
    assert (
        client.get(snippet_url("approvaldecision", "inspect", decision.pk)).status_code
        == 200
    )
    assert client.get(
        snippet_url("approvaldecision", "edit", decision.pk)
    ).status_code in (302, 403)


def test_decision_listing_filters_and_searches(client, secretary_user):
    ApprovalDecisionFactory(reference="2024_VB_00591", title="CIR Thuispunt")
    ApprovalDecisionFactory(
        reference="2023_CBS_00001", title="Telling", outcome="rejected"
    )
    client.force_login(secretary_user)
    listing = client.get(snippet_url("approvaldecision", "list") + "?outcome=rejected")
    html = listing.content.decode()
    assert "2023_CBS_00001" in html and "2024_VB_00591" not in html
    found = client.get(snippet_url("approvaldecision", "list") + "?q=Thuispunt")
    assert "2024_VB_00591" in found.content.decode()


def test_dpo_records_an_advice_for_a_party(client, dpo_user):
    page = build_protocol(advices=False, publish=False)
    party = page.party_organisations()[0]
    client.force_login(dpo_user)
    response = client.post(
        snippet_url("dpoadvice", "add"),
        {
            "protocol": page.pk,
            "organisation": party.pk,
            "dpo_name": "Functionaris",
            "advice_date": "2024-09-09",
            "verdict": "favourable",
        },
    )
    assert response.status_code == 302, response.context["form"].errors
    advice = DPOAdvice.objects.get()
    assert advice.advice_date == datetime.date(2024, 9, 9)


def test_advice_of_an_organisation_that_is_not_a_party_is_refused(client, dpo_user):
    page = build_protocol(advices=False, publish=False)
    outsider = OrganisationFactory(name="Buitenstaander")
    client.force_login(dpo_user)
    response = client.post(
        snippet_url("dpoadvice", "add"),
        {
            "protocol": page.pk,
            "organisation": outsider.pk,
            "advice_date": "2024-09-09",
            "verdict": "conditional",
        },
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "Buitenstaander" in errors["organisation"][0]
    assert "conditions" in errors
    assert not DPOAdvice.objects.exists()


def test_editor_may_not_record_advices(client, editor_user):
    client.force_login(editor_user)
    assert client.get(snippet_url("dpoadvice", "add")).status_code in (302, 403)


def test_changes_to_decisions_are_in_their_history(client, secretary_user):
    client.force_login(secretary_user)
    decision = ApprovalDecisionFactory()
    data = {
        "reference": decision.reference,
        "title": "Nieuwe titel",
        "organisation": decision.organisation.pk,
        "governing_body": decision.governing_body,
        "meeting_date": decision.meeting_date.isoformat(),
        "session": decision.session,
        "outcome": decision.outcome,
    }
    assert (
        client.post(
            snippet_url("approvaldecision", "edit", decision.pk), data
        ).status_code
        == 302
    )
    history = client.get(snippet_url("approvaldecision", "history", decision.pk))
    assert history.status_code == 200
    assert (
        secretary_user.get_username() in history.content.decode()
        or "secretary" in history.content.decode()
    )


def test_signed_decision_is_public_only_once_its_protocol_is(client):
    page = build_protocol(publish=False)
    decision = page.approving_decisions()[0]
    decision.signed_pdf.save("x.pdf", SimpleUploadedFile("x.pdf", PDF))
    url = "/media/" + decision.signed_pdf.name
    assert client.get(url).status_code == 404
    draft_url = f"/protocollen/{page.slug}/besluit/{decision.reference}/"
    assert client.get(draft_url).status_code == 404
    page.get_latest_revision().publish()
    page.refresh_from_db()
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    assert b"".join(response.streaming_content) == PDF
    close_file(response)
    via_page = client.get(f"{page.url}besluit/{decision.reference}/")
    assert via_page.status_code == 200
    close_file(via_page)


def test_advice_documents_are_never_public(client, dpo_user):
    page = build_protocol()
    advice = page.advices.first()
    advice.document.save("a.pdf", SimpleUploadedFile("a.pdf", PDF))
    url = "/media/" + advice.document.name
    assert client.get(url).status_code == 404
    client.force_login(dpo_user)
    response = client.get(url)
    assert response.status_code == 200
    close_file(response)


def test_unknown_and_traversal_media_paths_answer_404(client, admin_user):
    client.force_login(admin_user)
    for path in (
        "protocols_registry/decisions/nope.pdf",
        "../settings.py",
        "x/y/z.pdf",
    ):
        assert client.get("/media/" + path).status_code == 404
