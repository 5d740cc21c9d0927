"""The dashboard: "Awaiting my advice" for a party's DPO, "Awaiting my decision"
for its board secretary.

It takes the place of Wagtail's "Awaiting your review" panel and is built from it,
so the action buttons (request changes, approve) work the same; task states of
other workflows of the site still show under Wagtail's heading.
"""

from django.urls import reverse
from wagtail.admin.views.home import WorkflowObjectsToModeratePanel

from protocols_registry import memberships
from protocols_registry.models import BoardDecisionTask, DPOAdviceTask
from protocols_registry.workflow.forms import advice_url


class AwaitingMyActionPanel(WorkflowObjectsToModeratePanel):
    template_name = "protocols_registry/admin/workflow/awaiting_my_action.html"

    def get_context_data(self, parent_context):
        context = super().get_context_data(parent_context)
        user = parent_context["request"].user
        advice, decision, other = [], [], []
        for state in context["states"]:
            task = state["task_state"].task.specific
            if isinstance(task, DPOAdviceTask):
                row = self.advice_row(task, state, user)
                if row:
                    advice.append(row)
            elif isinstance(task, BoardDecisionTask):
                decision.append(self.decision_row(task, state))
            else:
                other.append(state)
        context.update(
            {"advice_states": advice, "decision_states": decision, "states": other}
        )
        return context

    @staticmethod
    def _common(task, state):
        protocol = task.protocol_of(state["obj"])
        requester = state["task_state"].workflow_state.requested_by
        return {
            **state,
            "protocol": protocol,
            "requested_by": requester,
            "preview_url": reverse(
                "wagtailadmin_pages:workflow_preview", args=(protocol.pk, task.pk)
            ),
        }

    def advice_row(self, task, state, user):
        """A protocol waits for this DPO while one of their parties has not
        advised favourably."""
        protocol = task.protocol_of(state["obj"])
        mine = memberships.organisations_in_role(user, task.role)
        parties = [org for org in task.pending_parties(protocol) if org.pk in mine]
        if not parties:
            return None
        return {
            **self._common(task, state),
            "parties": [
                {"name": org.display_name, "advice_url": advice_url(protocol, org)}
                for org in parties
            ],
        }

    def decision_row(self, task, state):
        protocol = task.protocol_of(state["obj"])
        return {
            **self._common(task, state),
            "advices": [
                (org.display_name, advice) for org, advice in task.advices(protocol)
            ],
        }


def replace_review_panel(request, panels):
    """construct_homepage_panels: our panel instead of Wagtail's."""
    for position, panel in enumerate(panels):
        if getattr(panel, "name", None) == WorkflowObjectsToModeratePanel.name:
            panels[position] = AwaitingMyActionPanel()
