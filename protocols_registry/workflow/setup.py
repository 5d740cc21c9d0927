"""The workflow "Goedkeuring van een protocol" exists and every protocol list uses it.

The data migration 0006 creates it on an existing installation; a new protocol list
gets it here, creating it when the installation has none (e.g. after a test flushed
the database). An administrator who deactivated it keeps it deactivated.
"""

from wagtail.models import Workflow, WorkflowPage, WorkflowTask

from protocols_registry.models import BoardDecisionTask, DPOAdviceTask

# Names are data (shown as they are in every language), so they are Dutch; the
# migration writes the same ones.
WORKFLOW_NAME = "Goedkeuring van een protocol"
ADVICE_TASK_NAME = "Advies van de DPO's"
DECISION_TASK_NAME = "Beslissing van het bestuursorgaan"


def protocol_workflow():
    """The workflow with the DPO advice step (active or not), or None."""
    return (
        Workflow.objects.filter(workflow_tasks__task__in=DPOAdviceTask.objects.all())
        .order_by("-active", "pk")
        .first()
    )


def ensure_protocol_workflow():
    workflow = protocol_workflow()
    if workflow is not None:
        return workflow
    workflow = Workflow.objects.create(name=WORKFLOW_NAME, active=True)
    tasks = [
        DPOAdviceTask.objects.create(name=ADVICE_TASK_NAME),
        BoardDecisionTask.objects.create(name=DECISION_TASK_NAME),
    ]
    for position, task in enumerate(tasks):
        WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=position)
    return workflow


def assign_protocol_workflow(index_page):
    """Protocols below ``index_page`` go through the protocol workflow."""
    workflow = ensure_protocol_workflow()
    if workflow.active:
        WorkflowPage.objects.update_or_create(
            page=index_page, defaults={"workflow": workflow}
        )
    return workflow
