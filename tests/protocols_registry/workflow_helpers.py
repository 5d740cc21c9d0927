"""The people and the protocol of a workflow test: two parties, each with its DPO,
a board secretary of the first party, an editor, and outsiders."""

import json
from dataclasses import dataclass

from django.urls import reverse
from wagtail.models import TaskState

from protocols_registry import roles
from protocols_registry.models import OrganisationMember
from tests.conftest import make_user
from tests.factories import OrganisationFactory, build_protocol


@dataclass
class Cast:
    ocmw: object
    thuispunt: object
    editor: object
    dpo_ocmw: object
    dpo_thuispunt: object
    secretary: object
    outsider_dpo: object
    outsider_secretary: object


def member(user, organisation):
    OrganisationMember.objects.create(user=user, organisation=organisation)
    return user


def cast():
    ocmw = OrganisationFactory(name="OCMW Proefstad", short_name="OCMW Proefstad")
    thuispunt = OrganisationFactory(
        name="Woonmaatschappij Proefstad", short_name="Thuispunt Proefstad"
    )
    elsewhere = OrganisationFactory(name="Stad Elders", short_name="Stad Elders")
    return Cast(
        ocmw=ocmw,
        thuispunt=thuispunt,
        editor=member(make_user("wf-editor", roles.EDITOR), ocmw),
        dpo_ocmw=member(make_user("wf-dpo-ocmw", roles.DPO), ocmw),
        dpo_thuispunt=member(make_user("wf-dpo-thuispunt", roles.DPO), thuispunt),
        secretary=member(make_user("wf-secretary", roles.BOARD_SECRETARY), ocmw),
        outsider_dpo=member(make_user("wf-dpo-elders", roles.DPO), elsewhere),
        outsider_secretary=member(
            make_user("wf-secretary-elders", roles.BOARD_SECRETARY), elsewhere
        ),
    )


def draft_protocol(people, **fields):
    return build_protocol(
        title=fields.pop("title", "Protocol in de goedkeuringsstroom"),
        parties=[people.ocmw, people.thuispunt],
        decision=False,
        advices=False,
        publish=False,
        **fields,
    )


def submit(page, user):
    """What "Submit to …" does: start the page's workflow."""
    return page.get_workflow().start(page, user)


def current_state(page):
    page.refresh_from_db()
    state = page.current_workflow_task_state
    return state.specific if state else None


def workflow_action(client, page, action, task_state, data=None):
    """The dashboard's action modal, as Wagtail's script posts it."""
    url = reverse(
        "wagtailadmin_pages:workflow_action", args=(page.pk, action, task_state.pk)
    )
    response = client.post(
        url,
        {"step": task_state.pk, **(data or {})},
        headers={"x-requested-with": "XMLHttpRequest"},
    )
    return response, json.loads(response.content) if response.status_code == 200 else {}


def in_progress(page):
    return TaskState.objects.filter(
        workflow_state__object_id=str(page.pk), status=TaskState.STATUS_IN_PROGRESS
    )
