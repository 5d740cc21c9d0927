"""The protocol workflow in Wagtail's engine: who may act on each step, what a step
needs before it can be approved, and how the protocol gets published."""

import importlib

import pytest
from django.apps import apps
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from wagtail.models import (
    GroupApprovalTask,
    GroupPagePermission,
    TaskState,
    Workflow,
    WorkflowPage,
    WorkflowState,
    WorkflowTask,
)

from protocols_registry.models import (
    BoardDecisionTask,
    DPOAdvice,
    DPOAdviceTask,
    ProtocolPage,
)
from protocols_registry.models.workflow import StepIncomplete
from protocols_registry.workflow.setup import protocol_workflow
from tests.conftest import make_user
from tests.factories import (
    ApprovalDecisionFactory,
    DPOAdviceFactory,
    OrganisationFactory,
    protocol_index,
)
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
    return draft_protocol(people)


def advise(page, *organisations, verdict=DPOAdvice.Verdict.FAVOURABLE):
    for organisation in organisations:
        DPOAdviceFactory(protocol=page, organisation=organisation, verdict=verdict)


# --- the workflow and where it applies ----------------------------------------------


def test_the_migration_made_the_protocol_workflow_in_dutch():
    workflow = protocol_workflow()
    assert workflow.name == "Goedkeuring van een protocol" and workflow.active
    tasks = [task.specific for task in workflow.tasks]
    assert [type(task) for task in tasks] == [DPOAdviceTask, BoardDecisionTask]
    assert [task.name for task in tasks] == [
        "Advies van de DPO's",
        "Beslissing van het bestuursorgaan",
    ]


def test_wagtails_default_workflow_is_never_offered():
    default = Workflow.objects.get(name="Moderators approval")
    assert not default.active
    assert not WorkflowPage.objects.filter(workflow=default).exists()
    assert Workflow.objects.active().get() == protocol_workflow()


def test_every_protocol_list_and_its_protocols_use_the_protocol_workflow(protocol):
    index = protocol_index()
    assert index.get_workflow() == protocol_workflow()
    assert protocol.get_workflow() == protocol_workflow()
    assert WorkflowPage.objects.get(page=index).workflow == protocol_workflow()


def test_the_default_workflow_stays_where_moderators_still_approve():
    migration = importlib.import_module("protocols_registry.migrations.0006_workflow")
    moderators = Group.objects.create(name="Moderators (host site)")
    make_user("a-moderator", moderators.name)
    used = Workflow.objects.create(name="Moderators approval")
    task = GroupApprovalTask.objects.create(name="Moderators approval")
    task.groups.add(moderators)
    WorkflowTask.objects.create(workflow=used, task=task, sort_order=0)
    unused = Workflow.objects.create(name="Moderators approval")
    idle = GroupApprovalTask.objects.create(name="Moderators approval")
    WorkflowTask.objects.create(workflow=unused, task=idle, sort_order=0)

    migration.deactivate_unusable_default_workflow(apps, None)
    used.refresh_from_db()
    unused.refresh_from_db()
    idle.refresh_from_db()
    assert used.active
    assert not unused.active and not idle.active


def test_editors_no_longer_publish_below_a_protocol_list():
    index = protocol_index()
    editors = Group.objects.get(name="Editor")
    codenames = set(
        GroupPagePermission.objects.filter(group=editors, page=index).values_list(
            "permission__codename", flat=True
        )
    )
    assert codenames == {"add_page", "change_page"}

    migration = importlib.import_module("protocols_registry.migrations.0006_workflow")
    from django.contrib.auth.models import Permission

    GroupPagePermission.objects.create(
        group=editors,
        page=index,
        permission=Permission.objects.get(
            content_type__app_label="wagtailcore", codename="publish_page"
        ),
    )
    migration.editors_no_longer_publish(apps, None)
    assert not GroupPagePermission.objects.filter(
        group=editors, page=index, permission__codename="publish_page"
    ).exists()


def test_the_protocol_list_itself_is_approved_by_an_administrator(people, admin_user):
    index = protocol_index()
    index.intro = "<p>Nieuwe inleiding.</p>"
    index.save_revision(user=people.editor)
    state = submit(index, people.editor)
    for task_state in (state.current_task_state, None):
        task_state = (
            task_state or WorkflowState.objects.get(pk=state.pk).current_task_state
        )
        task = task_state.task.specific
        assert task.get_actions(index, people.dpo_ocmw) == []
        assert task.get_actions(index, people.editor) == []
        assert task_state in task.get_task_states_user_can_moderate(admin_user)
        task.on_action(task_state.specific, admin_user, "approve", step=task_state.pk)
    index.refresh_from_db()
    assert (
        WorkflowState.objects.get(pk=state.pk).status == WorkflowState.STATUS_APPROVED
    )
    assert "Nieuwe inleiding" in index.specific.intro


# --- who may act --------------------------------------------------------------------


def test_only_the_parties_dpos_may_act_on_the_advice_step(people, protocol):
    submit(protocol, people.editor)
    state = current_state(protocol)
    task = state.task.specific
    assert isinstance(task, DPOAdviceTask)
    for dpo in (people.dpo_ocmw, people.dpo_thuispunt):
        assert [name for name, _label, _modal in task.get_actions(protocol, dpo)] == [
            "reject",
            "approve",
        ]
        assert task.user_can_access_editor(protocol, dpo)
        assert not task.locked_for_user(protocol, dpo)
    for other in (people.outsider_dpo, people.secretary, people.editor):
        assert task.get_actions(protocol, other) == []
        assert not task.user_can_access_editor(protocol, other)
        assert task.locked_for_user(protocol, other)


def test_an_administrator_is_no_dpo(people, protocol, admin_user):
    submit(protocol, people.editor)
    task = current_state(protocol).task.specific
    assert task.get_actions(protocol, admin_user) == []
    assert not task.locked_for_user(protocol, admin_user)


def test_a_dpo_of_a_party_who_left_the_dpo_group_may_no_longer_act(people, protocol):
    submit(protocol, people.editor)
    task = current_state(protocol).task.specific
    people.dpo_ocmw.groups.clear()
    dpo = type(people.dpo_ocmw).objects.get(pk=people.dpo_ocmw.pk)
    assert task.get_actions(protocol, dpo) == []


def test_only_a_partys_board_secretary_may_act_on_the_decision_step(people, protocol):
    advise(protocol, people.ocmw, people.thuispunt)
    submit(protocol, people.editor)
    state = current_state(protocol)
    task = state.task.specific
    assert isinstance(task, DPOAdviceTask)
    task.on_action(state, people.dpo_thuispunt, "approve")
    state = current_state(protocol)
    task = state.task.specific
    assert isinstance(task, BoardDecisionTask)
    assert task.get_actions(protocol, people.secretary)
    for other in (people.outsider_secretary, people.dpo_ocmw, people.editor):
        assert task.get_actions(protocol, other) == []
        with pytest.raises(PermissionDenied):
            task.on_action(state, other, "approve")


def test_the_edit_view_is_closed_to_other_dpos_and_open_to_the_partys(
    client, people, protocol
):
    submit(protocol, people.editor)
    edit = reverse("wagtailadmin_pages:edit", args=(protocol.pk,))
    client.force_login(people.outsider_dpo)
    assert client.get(edit).status_code == 302  # "no access" back to the dashboard
    client.force_login(people.dpo_thuispunt)
    response = client.get(edit)
    assert response.status_code == 200
    assert "De gunstige adviezen bevestigen" in response.content.decode()


def test_the_editor_may_not_publish_and_waits_while_the_protocol_is_in_review(
    client, people, protocol
):
    from wagtail.test.utils.form_data import querydict_from_html

    advise(protocol, people.ocmw, people.thuispunt)
    client.force_login(people.editor)
    edit = reverse("wagtailadmin_pages:edit", args=(protocol.pk,))
    page = client.get(edit).content.decode()
    assert 'name="action-publish"' not in page
    assert "Goedkeuring van een protocol" in page  # the submit button names it
    data = querydict_from_html(page, form_id="page-edit-form")
    data["action-publish"] = "1"
    client.post(edit, data)
    assert not ProtocolPage.objects.get(pk=protocol.pk).live

    data = querydict_from_html(page, form_id="page-edit-form")
    data["action-submit"] = "1"
    client.post(edit, data)
    assert isinstance(current_state(protocol).task.specific, DPOAdviceTask)
    locked = client.get(edit).content.decode()
    assert 'name="action-submit"' not in locked


# --- what a step needs --------------------------------------------------------------


def test_approving_the_advice_step_without_advices_names_each_missing_party(
    client, people, protocol
):
    submit(protocol, people.editor)
    state = current_state(protocol)
    client.force_login(people.dpo_ocmw)
    response, body = workflow_action(client, protocol, "approve", state)
    assert body["step"] == "action"  # the modal again, with what is missing
    html = body["html"]
    assert "nog niet goedgekeurd worden" in html
    assert "OCMW Proefstad" in html and "Thuispunt Proefstad" in html
    assert "Er is geen advies van de functionaris voor gegevensbescherming" in html
    assert current_state(protocol).pk == state.pk

    advise(protocol, people.ocmw)
    response, body = workflow_action(client, protocol, "approve", state)
    assert "Thuispunt Proefstad" in body["html"]
    assert (
        "functionaris voor gegevensbescherming van OCMW Proefstad" not in body["html"]
    )


def test_the_approve_modal_shows_where_each_party_stands_and_links_the_advice_form(
    client, people, protocol
):
    advise(protocol, people.ocmw)
    submit(protocol, people.editor)
    state = current_state(protocol)
    client.force_login(people.dpo_thuispunt)
    url = reverse(
        "wagtailadmin_pages:workflow_action", args=(protocol.pk, "approve", state.pk)
    )
    body = client.get(url, headers={"x-requested-with": "XMLHttpRequest"}).json()
    html = body["html"]
    assert "gunstig" in html and "nog geen advies" in html
    assert (
        f"/admin/snippets/protocols_registry/dpoadvice/add/?protocol={protocol.pk}"
        f"&amp;organisation={people.thuispunt.pk}"
    ) in html
    assert f'name="step" value="{state.pk}"' in html


def test_an_unfavourable_latest_advice_keeps_the_step_open(people, protocol):
    advise(protocol, people.ocmw)
    advise(protocol, people.thuispunt, verdict=DPOAdvice.Verdict.UNFAVOURABLE)
    submit(protocol, people.editor)
    state = current_state(protocol)
    with pytest.raises(StepIncomplete) as refused:
        state.task.specific.on_action(state, people.dpo_ocmw, "approve")
    assert any("ongunstig" in str(problem) for problem in refused.value.problems)


def test_the_dpos_send_the_protocol_back_with_a_comment(client, people, protocol):
    submit(protocol, people.editor)
    state = current_state(protocol)
    client.force_login(people.dpo_thuispunt)
    workflow_action(
        client, protocol, "reject", state, {"comment": "Bewaartermijn ontbreekt."}
    )
    workflow_state = WorkflowState.objects.get(object_id=str(protocol.pk))
    assert workflow_state.status == WorkflowState.STATUS_NEEDS_CHANGES
    assert TaskState.objects.get(pk=state.pk).comment == "Bewaartermijn ontbreekt."


def test_approving_the_decision_step_without_a_decision_says_what_is_missing(
    client, people, protocol
):
    advise(protocol, people.ocmw, people.thuispunt)
    submit(protocol, people.editor)
    current_state(protocol).task.specific.on_action(
        current_state(protocol), people.dpo_ocmw, "approve"
    )
    state = current_state(protocol)
    client.force_login(people.secretary)
    response, body = workflow_action(client, protocol, "approve", state)
    assert body["step"] == "action"
    assert "Er keurt nog geen beslissing dit protocol goed" in body["html"]
    assert "Goedkeuringsbeslissingen" in body["html"]
    protocol.refresh_from_db()
    assert not protocol.live


def test_a_decision_that_does_not_approve_or_is_not_a_partys_cannot_be_linked(
    client, people, protocol
):
    from protocols_registry.models import ApprovalDecision

    advise(protocol, people.ocmw, people.thuispunt)
    rejected = ApprovalDecisionFactory(
        organisation=people.ocmw, outcome=ApprovalDecision.Outcome.REJECTED
    )
    foreign = ApprovalDecisionFactory(organisation=OrganisationFactory())
    submit(protocol, people.editor)
    state = current_state(protocol)
    state.task.specific.on_action(state, people.dpo_ocmw, "approve")
    state = current_state(protocol)
    client.force_login(people.secretary)
    for decision in (rejected, foreign):
        response, body = workflow_action(
            client, protocol, "approve", state, {"decision": decision.pk}
        )
        assert body["step"] == "action"
        assert "Selecteer een geldige keuze" in body["html"]
        with pytest.raises(StepIncomplete):
            state.task.specific.on_action(
                state, people.secretary, "approve", decision=decision.pk
            )
    protocol.refresh_from_db()
    assert not protocol.live and not protocol.decision_links.exists()


def test_linking_the_approving_decision_publishes_the_protocol(
    client, people, protocol
):
    advise(protocol, people.ocmw, people.thuispunt)
    decision = ApprovalDecisionFactory(organisation=people.ocmw)
    submit(protocol, people.editor)
    state = current_state(protocol)
    state.task.specific.on_action(state, people.dpo_thuispunt, "approve")
    state = current_state(protocol)
    client.force_login(people.secretary)
    response, body = workflow_action(
        client,
        protocol,
        "approve",
        state,
        {"decision": decision.pk, "comment": "Vast Bureau van 13/03/2025."},
    )
    assert body == {"step": "success", "redirect": f"/admin/pages/{protocol.pk}/edit/"}
    protocol = ProtocolPage.objects.get(pk=protocol.pk)
    assert protocol.live
    assert [link.decision for link in protocol.decision_links.all()] == [decision]
    assert protocol.approval_date == decision.meeting_date
    workflow_state = WorkflowState.objects.get(object_id=str(protocol.pk))
    assert workflow_state.status == WorkflowState.STATUS_APPROVED
    client.logout()
    assert client.get(protocol.url).status_code == 200


def test_the_board_step_from_the_editor_links_the_decision_and_publishes(
    client, people, protocol
):
    import json

    from wagtail.test.utils.form_data import querydict_from_html

    advise(protocol, people.ocmw, people.thuispunt)
    decision = ApprovalDecisionFactory(organisation=people.thuispunt)
    submit(protocol, people.editor)
    state = current_state(protocol)
    state.task.specific.on_action(state, people.dpo_ocmw, "approve")
    state = current_state(protocol)
    client.force_login(people.secretary)
    edit = reverse("wagtailadmin_pages:edit", args=(protocol.pk,))
    page = client.get(edit).content.decode()
    assert "De beslissing koppelen en publiceren" in page
    # The modal checks the choice first (Wagtail's CollectWorkflowActionData)...
    collect = reverse(
        "wagtailadmin_pages:collect_workflow_action_data",
        args=(protocol.pk, "approve", state.pk),
    )
    checked = client.post(
        collect,
        {"step": state.pk, "decision": decision.pk},
        headers={"x-requested-with": "XMLHttpRequest"},
    ).json()
    assert checked["step"] == "success"
    # ...then the editor form is posted with it.
    data = querydict_from_html(page, form_id="page-edit-form")
    data["action-workflow-action"] = "true"
    data["workflow-action-name"] = "approve"
    data["workflow-action-extra-data"] = json.dumps(checked["cleaned_data"])
    client.post(edit, data)
    protocol = ProtocolPage.objects.get(pk=protocol.pk)
    assert protocol.live
    assert protocol.approving_decisions() == [decision]


def test_a_resubmitted_protocol_already_linked_needs_no_new_decision(people):
    protocol = draft_protocol(people)
    decision = ApprovalDecisionFactory(organisation=people.ocmw)
    advise(protocol, people.ocmw, people.thuispunt)
    draft = protocol.get_latest_revision_as_object()
    from protocols_registry.models import ProtocolDecision

    draft.decision_links.add(ProtocolDecision(decision=decision))
    draft.save_revision(user=people.editor)
    submit(protocol, people.editor)
    state = current_state(protocol)
    state.task.specific.on_action(state, people.dpo_ocmw, "approve")
    state = current_state(protocol)
    state.task.specific.on_action(state, people.secretary, "approve")
    assert ProtocolPage.objects.get(pk=protocol.pk).live


def test_a_dpo_acting_from_the_editor_returns_to_the_dashboard(
    client, people, protocol
):
    import json

    from wagtail.test.utils.form_data import querydict_from_html

    submit(protocol, people.editor)
    client.force_login(people.dpo_thuispunt)
    edit = reverse("wagtailadmin_pages:edit", args=(protocol.pk,))
    data = querydict_from_html(
        client.get(edit).content.decode(), form_id="page-edit-form"
    )
    data["action-workflow-action"] = "true"
    data["workflow-action-name"] = "reject"
    data["workflow-action-extra-data"] = json.dumps({"comment": "Zie art. 3."})
    response = client.post(edit, data, follow=True)
    assert response.redirect_chain[-1][0] == "/admin/"
    messages = " ".join(str(m) for m in response.context["messages"])
    assert "geen toegang" not in messages
