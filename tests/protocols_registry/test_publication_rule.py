"""A protocol is published only with an approving decision and a favourable advice of
each party's DPO — on every path Wagtail offers, not just the hook."""

import datetime

import pytest
from django.urls import reverse
from django.utils import timezone
from wagtail.models import Page
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text

from protocols_registry.models import DPOAdvice, ProtocolPage
from protocols_registry.publication import PublicationRefused
from tests.factories import (
    ApprovalDecisionFactory,
    DPOAdviceFactory,
    OrganisationFactory,
    build_protocol,
    protocol_index,
)

pytestmark = pytest.mark.django_db


def create_form_data(parties, decision=None, action="action-publish"):
    data = nested_form_data(
        {
            "title": "Protocol voor een nieuwe uitwisseling",
            "slug": "wordt-vervangen",
            "reference": "2026_VB_00042",
            "summary": "Een nieuwe uitwisseling.",
            "parties": inline_formset(
                [
                    {"organisation": parties[0].pk, "role": "sender"},
                    {"organisation": parties[1].pk, "role": "recipient"},
                ],
                min=2,
            ),
            "decision_links": inline_formset(
                [{"decision": decision.pk}] if decision else []
            ),
            "exchange_steps": inline_formset([]),
            "data_items": inline_formset(
                [{"data": "Naam", "proportionality": "Nodig.", "retention": "Kort"}]
            ),
            "signatories": inline_formset([]),
            "recitals": rich_text("<p>Overwegingen</p>"),
            "periodicity": "one_off",
            "duration": "fixed",
        }
    )
    data[action] = "1"
    return data


def test_publishing_on_the_create_screen_is_refused_and_the_page_is_not_served(
    client, admin_user
):
    # An administrator may publish directly (editors submit to the workflow).
    index = protocol_index()
    parties = [OrganisationFactory(), OrganisationFactory()]
    decision = ApprovalDecisionFactory(organisation=parties[0])
    client.force_login(admin_user)
    url = reverse(
        "wagtailadmin_pages:add", args=("protocols_registry", "protocolpage", index.pk)
    )
    response = client.post(url, create_form_data(parties, decision), follow=True)
    assert response.status_code == 200
    page = ProtocolPage.objects.get(reference="2026_VB_00042")
    assert not page.live
    # Nothing the editor typed is lost: the draft is saved under the derived slug.
    assert page.slug == "2026-vb-00042"
    assert page.get_latest_revision().as_object().summary == "Een nieuwe uitwisseling."
    messages = [str(m) for m in response.context["messages"]]
    assert any("kan nog niet gepubliceerd worden" in m for m in messages), messages
    assert any(parties[0].display_name in m and "functionaris" in m for m in messages)

    client.logout()
    assert client.get("/protocollen/2026-vb-00042/").status_code == 404


def test_refusal_names_a_missing_decision(client, admin_user):
    page = build_protocol(decision=False, publish=False)
    client.force_login(admin_user)
    response = _publish_through_edit_view(client, page)
    page.refresh_from_db()
    assert not page.live
    messages = " ".join(str(m) for m in response.context["messages"])
    assert "Er is geen goedkeurende beslissing gekoppeld" in messages


def _publish_through_edit_view(client, page):
    from wagtail.test.utils.form_data import querydict_from_html

    edit_url = reverse("wagtailadmin_pages:edit", args=(page.pk,))
    form = client.get(edit_url)
    assert form.status_code == 200
    data = querydict_from_html(form.content.decode(), form_id="page-edit-form")
    data["action-publish"] = "1"
    return client.post(edit_url, data, follow=True)


def test_a_publisher_publishes_once_both_advices_are_recorded(client, admin_user):
    # Editors submit to the workflow (tests/protocols_registry/test_workflow.py);
    # whoever may publish directly meets the same rule.
    page = build_protocol(advices=False, publish=False)
    client.force_login(admin_user)

    response = _publish_through_edit_view(client, page)
    page.refresh_from_db()
    assert not page.live
    messages = " ".join(str(m) for m in response.context["messages"])
    for party in page.party_organisations():
        assert party.display_name in messages

    first, second = page.party_organisations()
    DPOAdviceFactory(protocol=page, organisation=first)
    response = _publish_through_edit_view(client, page)
    page.refresh_from_db()
    assert not page.live
    messages = " ".join(str(m) for m in response.context["messages"])
    assert second.display_name in messages and first.display_name not in messages

    DPOAdviceFactory(
        protocol=page,
        organisation=second,
        verdict=DPOAdvice.Verdict.CONDITIONAL,
        conditions="Jaarlijkse evaluatie.",
    )
    _publish_through_edit_view(client, page)
    page.refresh_from_db()
    assert page.live
    client.logout()
    assert client.get(page.url).status_code == 200
    listing = client.get("/protocollen/").content.decode()
    assert page.title in listing


def test_an_unfavourable_latest_advice_blocks_publication(editor_user):
    page = build_protocol(advices=False, publish=False)
    first, second = page.party_organisations()
    DPOAdviceFactory(protocol=page, organisation=first)
    DPOAdviceFactory(
        protocol=page, organisation=second, advice_date=datetime.date(2025, 1, 1)
    )
    DPOAdviceFactory(
        protocol=page,
        organisation=second,
        advice_date=datetime.date(2025, 2, 1),
        verdict=DPOAdvice.Verdict.UNFAVOURABLE,
    )
    problems = page.publication_problems()
    assert len(problems) == 1
    assert "ongunstig" in problems[0] and "01/02/2025" in problems[0]


def test_publishing_from_code_is_refused(editor_user):
    page = build_protocol(advices=False, publish=False)
    with pytest.raises(PublicationRefused) as refusal:
        page.get_latest_revision().publish(user=editor_user)
    assert len(refusal.value.problems) == 2
    page.refresh_from_db()
    assert not page.live


def test_setting_live_and_saving_is_refused():
    page = build_protocol(advices=False, publish=False)
    page.live = True
    with pytest.raises(PublicationRefused):
        page.save()
    assert not ProtocolPage.objects.get(pk=page.pk).live


def test_a_new_page_created_live_in_code_stays_a_draft():
    index = protocol_index()
    parties = [OrganisationFactory(), OrganisationFactory()]
    page = ProtocolPage(
        title="Rechtstreeks live?", reference="2026_VB_00077", summary="…", live=True
    )
    index.add_child(instance=page)
    assert not ProtocolPage.objects.get(pk=page.pk).live
    assert parties  # the organisations exist but no party, decision or advice is linked


def test_bulk_publish_is_refused_with_a_message(client, admin_user):
    page = build_protocol(advices=False, publish=False)
    client.force_login(admin_user)
    index = protocol_index()
    url = (
        reverse(
            "wagtail_bulk_action",
            args=("wagtailcore", "page", "publish"),
        )
        + f"?id={page.pk}&next=/admin/pages/{index.pk}/"
    )
    response = client.post(url, {"include_descendants": "on"}, follow=True)
    assert response.status_code == 200
    page.refresh_from_db()
    assert not page.live
    messages = " ".join(str(m) for m in response.context["messages"])
    assert "kan nog niet gepubliceerd worden" in messages


def test_bulk_publish_works_for_complete_protocols(client, admin_user):
    page = build_protocol(publish=False)
    client.force_login(admin_user)
    url = (
        reverse("wagtail_bulk_action", args=("wagtailcore", "page", "publish"))
        + f"?id={page.pk}"
    )
    client.post(url, {}, follow=True)
    page.refresh_from_db()
    assert page.live


def test_scheduled_publication_waits_for_the_advices(editor_user):
    from django.core.management import call_command

    page = build_protocol(advices=False, publish=False)
    revision = page.get_latest_revision()
    page.go_live_at = timezone.now() - datetime.timedelta(minutes=1)
    revision = page.save_revision(approved_go_live_at=page.go_live_at)
    call_command("publish_scheduled")
    page.refresh_from_db()
    assert not page.live
    revision.refresh_from_db()
    assert revision.approved_go_live_at is not None  # still scheduled

    for org in page.party_organisations():
        DPOAdviceFactory(protocol=page, organisation=org)
    call_command("publish_scheduled")
    page.refresh_from_db()
    assert page.live


def test_unpublished_protocols_are_never_served_to_anonymous_users(client):
    page = build_protocol(advices=False, publish=False)
    assert client.get(page.url or "/protocollen/" + page.slug + "/").status_code == 404
    assert client.get(f"/protocollen/{page.slug}/pdf/").status_code == 404
    assert page.title not in client.get("/protocollen/").content.decode()
    assert page.title not in client.get("/protocollen/export.json").content.decode()


def test_the_page_tree_keeps_drafts_out_of_the_live_list():
    build_protocol(advices=False, publish=False)
    live = build_protocol()
    assert list(Page.objects.type(ProtocolPage).live().specific()) == [live]
