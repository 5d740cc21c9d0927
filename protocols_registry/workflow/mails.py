"""Mails of the protocol workflow: each step tells the people it waits for.

Built on Wagtail's notifiers (wagtail.admin.mail), so a user's notification
preferences ("submitted" notifications) and preferred language apply as to
Wagtail's own workflow mails, which still tell the editor when the protocol is
published or sent back. Django's mail backend sends them (console in development).
"""

from django.conf import settings
from django.urls import reverse
from wagtail.admin.mail import EmailNotificationMixin, Notifier
from wagtail.models import TaskState
from wagtail.signals import task_submitted

from protocols_registry.models import BoardDecisionTask, DPOAdviceTask
from protocols_registry.models.workflow import ProtocolTask
from protocols_registry.roles import role_label
from protocols_registry.workflow.forms import advice_url


def _absolute(path):
    return (getattr(settings, "WAGTAILADMIN_BASE_URL", "") or "").rstrip("/") + path


class ProtocolStepNotifier(EmailNotificationMixin, Notifier):
    """A protocol reached a step: mail whoever takes it."""

    notification = "submitted"
    templates = {
        DPOAdviceTask: "protocols_registry/notifications/advice_requested",
        BoardDecisionTask: "protocols_registry/notifications/decision_requested",
    }

    def __init__(self):
        super().__init__((TaskState,))

    def task_and_protocol(self, task_state):
        task = task_state.task.specific
        if not isinstance(task, ProtocolTask):
            return None, None
        return task, task.protocol_of_state(task_state)

    def can_handle(self, instance, **kwargs):
        if not super().can_handle(instance, **kwargs):
            return False
        task, protocol = self.task_and_protocol(instance)
        return protocol is not None and instance.status == TaskState.STATUS_IN_PROGRESS

    def parties_to_tell(self, task, protocol):
        """The parties whose people this step waits for: for the advice, those
        without a favourable advice (all of them when every advice is in and the
        step only needs confirming); for the decision, every party."""
        if isinstance(task, DPOAdviceTask):
            return task.pending_parties(protocol) or task.parties(protocol)
        return task.parties(protocol)

    def get_recipient_users(self, task_state, **kwargs):
        task, protocol = self.task_and_protocol(task_state)
        people = set(task.assignees(protocol, self.parties_to_tell(task, protocol)))
        people.discard(kwargs.get("user"))
        return people

    def get_template_set(self, instance, **kwargs):
        task = instance.task.specific
        base = self.templates[type(task)]
        return {
            "subject": base + "_subject.txt",
            "text": base + ".txt",
            "html": base + ".html",
        }

    def get_context(self, task_state, **kwargs):
        context = super().get_context(task_state, **kwargs)
        task, protocol = self.task_and_protocol(task_state)
        requester = task_state.workflow_state.requested_by
        parties = []
        for organisation in self.parties_to_tell(task, protocol):
            parties.append(
                {
                    "name": organisation.display_name,
                    "people": {
                        user.pk for user in task.assignees(protocol, [organisation])
                    },
                    "advice_url": _absolute(advice_url(protocol, organisation)),
                }
            )
        context.update(
            {
                "task": task,
                "protocol": protocol,
                "requester": (requester.get_full_name() or requester.get_username())
                if requester
                else "",
                "parties": parties,
                "advices": [
                    {
                        "party": org.display_name,
                        "verdict": advice.get_verdict_display() if advice else "",
                        "date": advice.advice_date.strftime("%d/%m/%Y")
                        if advice
                        else "",
                    }
                    for org, advice in task.advices(protocol)
                ],
                "preview_url": _absolute(
                    reverse(
                        "wagtailadmin_pages:workflow_preview",
                        args=(protocol.pk, task.pk),
                    )
                ),
                "edit_url": _absolute(
                    reverse("wagtailadmin_pages:edit", args=(protocol.pk,))
                ),
                "dashboard_url": _absolute(reverse("wagtailadmin_home")),
                "new_decision_url": _absolute(
                    reverse("wagtailsnippets_protocols_registry_approvaldecision:add")
                ),
            }
        )
        return context


class UnassignedStepNotifier(ProtocolStepNotifier):
    """A step waits for a party nobody holds the role for: tell the editor who
    submitted the protocol, so an administrator can link someone."""

    templates = {
        DPOAdviceTask: "protocols_registry/notifications/step_unassigned",
        BoardDecisionTask: "protocols_registry/notifications/step_unassigned",
    }

    def unassigned(self, task, protocol):
        return task.unassigned_parties(protocol, self.parties_to_tell(task, protocol))

    def get_recipient_users(self, task_state, **kwargs):
        task, protocol = self.task_and_protocol(task_state)
        requester = task_state.workflow_state.requested_by
        if requester is None or not self.unassigned(task, protocol):
            return set()
        return {requester}

    def get_context(self, task_state, **kwargs):
        context = super().get_context(task_state, **kwargs)
        task, protocol = context["task"], context["protocol"]
        context["unassigned"] = [
            org.display_name for org in self.unassigned(task, protocol)
        ]
        context["role"] = role_label(task.role)
        return context


step_notifier = ProtocolStepNotifier()
unassigned_notifier = UnassignedStepNotifier()


def connect():
    task_submitted.connect(step_notifier, dispatch_uid="pr_workflow_step_mail")
    task_submitted.connect(
        unassigned_notifier, dispatch_uid="pr_workflow_step_unassigned_mail"
    )
