"""The people of the protocol workflow are told: each step mails whoever takes it and
lists the protocol on their dashboard; recording an advice moves the workflow on;
memberships are the administrator's."""

import pytest
from django.urls import reverse
from wagtail.models import WorkflowState

from protocols_registry.models import (
    BoardDecisionTask,
    DPOAdvice,
    DPOAdviceTask,
    OrganisationMember,
    ProtocolPage,
)
from tests.factories import ApprovalDecisionFactory, DPOAdviceFactory
from tests.protocols_registry.workflow_helpers import (
    cast,
    current_state,
    draft_protocol,
    submit,
    workflow_action,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def people():
    return cast()


@pytest.fixture
def protocol(people):
    return draft_protocol(people, reference="2026_VB_00123")


def mails_to(outbox, user):
    return [mail for mail in outbox if mail.to == [user.email]]


def advice_form_data(protocol, organisation, verdict="favourable", conditions=""):
    return {
        "protocol": protocol.pk,
        "organisation": organisation.pk,
        "dpo_name": "",
        "advice_date": "2026-11-25",
        "verdict": verdict,
        "conditions": conditions,
    }


# --- mails --------------------------------------------------------------------------


def test_submitting_mails_each_partys_dpo_their_own_advice_link(
    people, protocol, mailoutbox
):
    submit(protocol, people.editor)
    for dpo, party in (
        (people.dpo_ocmw, people.ocmw),
        (people.dpo_thuispunt, people.thuispunt),
    ):
        (mail,) = mails_to(mailoutbox, dpo)
        assert mail.subject == "Protocol 2026_VB_00123 wacht op uw advies"
        assert (
            "Registreer uw advies als functionaris voor gegevensbescherming"
            in mail.body
        )
        assert f"?protocol={protocol.pk}&organisation={party.pk}" in mail.body
        other = people.thuispunt if party == people.ocmw else people.ocmw
        assert f"&organisation={other.pk}" not in mail.body
        assert mail.body.count("http://127.0.0.1:8000/admin/") >= 3
    for nobody in (people.outsider_dpo, people.secretary, people.editor):
        assert not mails_to(mailoutbox, nobody)


def test_the_last_favourable_advice_mails_the_partys_board_secretary(
    people, protocol, mailoutbox
):
    DPOAdviceFactory(protocol=protocol, organisation=people.ocmw)
    DPOAdviceFactory(protocol=protocol, organisation=people.thuispunt)
    submit(protocol, people.editor)
    mailoutbox.clear()
    state = current_state(protocol)
    state.task.specific.on_action(state, people.dpo_ocmw, "approve")
    (mail,) = mails_to(mailoutbox, people.secretary)
    assert mail.subject == (
        "Protocol 2026_VB_00123 wacht op de beslissing van het bestuursorgaan"
    )
    assert "OCMW Proefstad: gunstig" in mail.body
    assert "/admin/snippets/protocols_registry/approvaldecision/add/" in mail.body
    assert not mails_to(mailoutbox, people.outsider_secretary)
    assert not mails_to(mailoutbox, people.dpo_ocmw)


def test_publication_and_requested_changes_are_mailed_to_the_editor(
    client, people, protocol, mailoutbox
):
    submit(protocol, people.editor)
    state = current_state(protocol)
    client.force_login(people.dpo_thuispunt)
    workflow_action(
        client, protocol, "reject", state, {"comment": "Art. 3 onvolledig."}
    )
    (mail,) = mails_to(mailoutbox, people.editor)
    assert "Art. 3 onvolledig." in mail.body

    mailoutbox.clear()
    WorkflowState.objects.get(object_id=str(protocol.pk)).resume(people.editor)
    DPOAdviceFactory(protocol=protocol, organisation=people.ocmw)
    DPOAdviceFactory(protocol=protocol, organisation=people.thuispunt)
    state = current_state(protocol)
    state.task.specific.on_action(state, people.dpo_thuispunt, "approve")
    decision = ApprovalDecisionFactory(organisation=people.ocmw)
    state = current_state(protocol)
    state.task.specific.on_action(
        state, people.secretary, "approve", decision=decision.pk
    )
    (mail,) = mails_to(mailoutbox, people.editor)
    assert "goedgekeurd" in mail.subject
    assert ProtocolPage.objects.get(pk=protocol.pk).full_url in mail.body


def test_a_party_without_a_dpo_user_is_reported_to_the_editor(
    people, protocol, mailoutbox
):
    OrganisationMember.objects.filter(user=people.dpo_thuispunt).delete()
    submit(protocol, people.editor)
    (mail,) = mails_to(mailoutbox, people.editor)
    assert (
        mail.subject == "Niemand kan de volgende stap van protocol 2026_VB_00123 zetten"
    )
    assert "Thuispunt Proefstad" in mail.body and "OCMW Proefstad" not in mail.body
    assert "functionaris voor gegevensbescherming" in mail.body
    assert "Leden van organisaties" in mail.body
    assert mails_to(mailoutbox, people.dpo_ocmw)


def test_a_dpo_who_turned_off_submission_mails_gets_none(people, protocol, mailoutbox):
    from wagtail.users.models import UserProfile

    profile = UserProfile.get_for_user(people.dpo_ocmw)
    profile.submitted_notifications = False
    profile.save()
    submit(protocol, people.editor)
    assert not mails_to(mailoutbox, people.dpo_ocmw)
    assert mails_to(mailoutbox, people.dpo_thuispunt)


# --- recording the advice moves the workflow ------------------------------------------


def test_the_advice_form_comes_filled_in_for_the_protocol_and_party(
    client, people, protocol
):
    client.force_login(people.dpo_thuispunt)
    url = (
        reverse("wagtailsnippets_protocols_registry_dpoadvice:add")
        + f"?protocol={protocol.pk}&organisation={people.thuispunt.pk}"
    )
    form = client.get(url).context["form"]
    assert form.initial["protocol"] == protocol.pk
    assert form.initial["organisation"] == people.thuispunt.pk
    assert form.initial["advice_date"]
    bad = client.get(
        reverse("wagtailsnippets_protocols_registry_dpoadvice:add") + "?protocol=x"
    )
    assert "protocol" not in bad.context["form"].initial


def test_recording_both_advices_moves_the_protocol_to_the_board(
    client, people, protocol, mailoutbox
):
    submit(protocol, people.editor)
    add = reverse("wagtailsnippets_protocols_registry_dpoadvice:add")

    client.force_login(people.dpo_ocmw)
    response = client.post(add, advice_form_data(protocol, people.ocmw), follow=True)
    messages = " ".join(str(m) for m in response.context["messages"])
    assert "wacht nog op het advies" in messages and "Thuispunt Proefstad" in messages
    assert response.redirect_chain[-1][0] == "/admin/"
    assert isinstance(current_state(protocol).task.specific, DPOAdviceTask)

    client.force_login(people.dpo_thuispunt)
    response = client.post(
        add, advice_form_data(protocol, people.thuispunt), follow=True
    )
    messages = " ".join(str(m) for m in response.context["messages"])
    assert "Alle adviezen zijn gunstig" in messages
    state = current_state(protocol)
    assert isinstance(state.task.specific, BoardDecisionTask)
    assert mails_to(mailoutbox, people.secretary)
    previous = state.workflow_state.task_states.exclude(pk=state.pk).get()
    assert previous.finished_by == people.dpo_thuispunt


def test_an_unfavourable_advice_sends_the_protocol_back_to_the_editor(
    client, people, protocol, mailoutbox
):
    submit(protocol, people.editor)
    client.force_login(people.dpo_thuispunt)
    client.post(
        reverse("wagtailsnippets_protocols_registry_dpoadvice:add"),
        advice_form_data(
            protocol, people.thuispunt, verdict="unfavourable", conditions=""
        ),
    )
    workflow_state = WorkflowState.objects.get(object_id=str(protocol.pk))
    assert workflow_state.status == WorkflowState.STATUS_NEEDS_CHANGES
    (mail,) = mails_to(mailoutbox, people.editor)
    assert "Ongunstig advies van de functionaris voor gegevensbescherming" in mail.body


def test_an_advice_recorded_by_another_partys_dpo_moves_nothing(
    client, people, protocol
):
    DPOAdviceFactory(protocol=protocol, organisation=people.ocmw)
    submit(protocol, people.editor)
    client.force_login(people.dpo_ocmw)  # a DPO, but not Thuispunt's
    client.post(
        reverse("wagtailsnippets_protocols_registry_dpoadvice:add"),
        advice_form_data(protocol, people.thuispunt),
    )
    assert DPOAdvice.objects.filter(organisation=people.thuispunt).exists()
    assert isinstance(current_state(protocol).task.specific, DPOAdviceTask)


# --- dashboards ---------------------------------------------------------------------


def dashboard(client, user):
    client.force_login(user)
    return client.get(reverse("wagtailadmin_home")).content.decode()


def test_the_dpos_dashboard_shows_what_awaits_their_advice(client, people, protocol):
    submit(protocol, people.editor)
    for dpo in (people.dpo_ocmw, people.dpo_thuispunt):
        page = dashboard(client, dpo)
        assert "Wacht op mijn advies" in page
        assert "Protocol in de goedkeuringsstroom" in page
        assert "Het advies registreren" in page
        assert "In afwachting van jouw beoordeling" not in page  # not listed twice
    for other in (people.outsider_dpo, people.secretary, people.editor):
        page = dashboard(client, other)
        assert "Wacht op mijn advies" not in page
    assert "Protocol in de goedkeuringsstroom" in dashboard(client, people.editor)

    DPOAdviceFactory(protocol=protocol, organisation=people.ocmw)
    assert "Wacht op mijn advies" not in dashboard(client, people.dpo_ocmw)
    assert "Wacht op mijn advies" in dashboard(client, people.dpo_thuispunt)


def test_the_secretarys_dashboard_shows_what_awaits_the_decision(
    client, people, protocol
):
    DPOAdviceFactory(protocol=protocol, organisation=people.ocmw)
    DPOAdviceFactory(protocol=protocol, organisation=people.thuispunt)
    submit(protocol, people.editor)
    assert "Wacht op mijn beslissing" not in dashboard(client, people.secretary)
    state = current_state(protocol)
    state.task.specific.on_action(state, people.dpo_ocmw, "approve")
    page = dashboard(client, people.secretary)
    assert "Wacht op mijn beslissing" in page
    assert "De beslissing koppelen en publiceren" in page
    assert "workflow-action.js" in page
    assert "Wacht op mijn beslissing" not in dashboard(
        client, people.outsider_secretary
    )


# --- memberships --------------------------------------------------------------------


def test_only_administrators_manage_who_belongs_to_an_organisation(
    client, people, admin_user
):
    listing = reverse("wagtailsnippets_protocols_registry_organisationmember:list")
    add = reverse("wagtailsnippets_protocols_registry_organisationmember:add")
    for role_user in (people.dpo_ocmw, people.secretary, people.editor):
        client.force_login(role_user)
        assert client.get(listing).status_code == 302  # "no access"
        client.post(add, {"user": role_user.pk, "organisation": people.thuispunt.pk})
    assert (
        not OrganisationMember.objects.filter(organisation=people.thuispunt)
        .exclude(user=people.dpo_thuispunt)
        .exists()
    )

    client.force_login(admin_user)
    page = client.get(listing).content.decode()
    assert (
        "wf-dpo-thuispunt" in page and "functionaris voor gegevensbescherming" in page
    )
    client.post(add, {"user": people.editor.pk, "organisation": people.thuispunt.pk})
    assert OrganisationMember.objects.filter(
        user=people.editor, organisation=people.thuispunt
    ).exists()
    twice = client.post(
        add, {"user": people.editor.pk, "organisation": people.thuispunt.pk}
    )
    assert twice.status_code == 200  # refused on the form, not a 500


def test_the_decision_step_needs_the_secretary_of_one_party_only(
    people, protocol, mailoutbox
):
    DPOAdviceFactory(protocol=protocol, organisation=people.ocmw)
    DPOAdviceFactory(protocol=protocol, organisation=people.thuispunt)
    submit(protocol, people.editor)
    state = current_state(protocol)
    state.task.specific.on_action(state, people.dpo_ocmw, "approve")
    assert not [
        m for m in mails_to(mailoutbox, people.editor) if "Niemand" in m.subject
    ]

    other = draft_protocol(people, title="Tweede protocol", reference="2026_VB_00124")
    DPOAdviceFactory(protocol=other, organisation=people.ocmw)
    DPOAdviceFactory(protocol=other, organisation=people.thuispunt)
    OrganisationMember.objects.filter(user=people.secretary).delete()
    submit(other, people.editor)
    state = current_state(other)
    state.task.specific.on_action(state, people.dpo_ocmw, "approve")
    (mail,) = [m for m in mails_to(mailoutbox, people.editor) if "Niemand" in m.subject]
    assert "2026_VB_00124" in mail.subject and "secretaris" in mail.body
