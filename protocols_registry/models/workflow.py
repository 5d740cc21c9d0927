"""The protocol's approval path as steps of Wagtail's workflow engine.

An editor submits a protocol to the workflow "Goedkeuring van een protocol" (see
protocols_registry.workflow.setup). Two steps follow, each a Task:

1. DPOAdviceTask: the data protection officer of every party advises. The step is
   assigned to each party's DPO (a member of that organisation in the DPO group),
   who records the advice; the last favourable advice completes the step, an
   unfavourable one sends the protocol back to the editor. The DPOs advise in
   parallel on the same text, as they do on paper, so one step waits for all of
   them rather than one step per party: Wagtail's engine runs one step at a time
   and a workflow is shared by protocols with different parties.
2. BoardDecisionTask: the board secretary of a party links the decision of the
   governing body that approves the protocol; that completes the workflow and
   Wagtail publishes the protocol (the publication rule still applies).

Only the people the step is assigned to may act on it, open the protocol in the
editor while it waits for them, and see it on their dashboard. Approving a step
without what it needs is refused with the list of what is missing.
"""

from contextvars import ContextVar

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _
from wagtail.models import Page, Task, TaskState

from protocols_registry import memberships, roles

# The page (its id as text) the protocol workflow is publishing at the end of its
# last step; ProtocolPage.publish() skips the page-permission check for it.
publishing_by_workflow = ContextVar("publishing_by_workflow", default=None)


class StepIncomplete(PermissionDenied):
    """A step was approved without what it needs; ``problems`` says what."""

    def __init__(self, problems):
        self.problems = list(problems)
        super().__init__(" ".join(str(problem) for problem in self.problems))


class ProtocolTask(Task):
    """A step taken by whoever holds ``role`` for one of the protocol's parties."""

    role = None
    approve_label = _("Approve")

    class Meta:
        abstract = True

    # --- what the step is about ------------------------------------------------------
    def protocol_of(self, obj):
        """The protocol as it would be published (its latest revision), or None when
        ``obj`` is not a protocol (the protocol list itself passes the workflow)."""
        from protocols_registry.models import ProtocolPage

        if isinstance(obj, Page) and not isinstance(obj, ProtocolPage):
            obj = obj.specific
        if not isinstance(obj, ProtocolPage):
            return None
        # Asked for every button, row and check of a request: read each revision once.
        cache = self.__dict__.setdefault("_protocols", {})
        key = (obj.pk, obj.latest_revision_id)
        if key not in cache:
            latest = obj.get_latest_revision_as_object() if obj.pk else obj
            cache[key] = latest
        return cache[key]

    def protocol_of_state(self, task_state):
        return self.protocol_of(task_state.workflow_state.content_object)

    @staticmethod
    def parties(protocol):
        """The party organisations, in the order the protocol names them."""
        from protocols_registry.models import Organisation

        ids = [p.organisation_id for p in protocol.parties.all() if p.organisation_id]
        found = Organisation.objects.in_bulk(ids)
        return [found[pk] for pk in dict.fromkeys(ids) if pk in found]

    def advices(self, protocol):
        """Each party with the advice that counts for it (None when there is none)."""
        from protocols_registry.models import DPOAdvice

        latest = DPOAdvice.latest_by_organisation(protocol.pk)
        return [(org, latest.get(org.pk)) for org in self.parties(protocol)]

    def assignees(self, protocol, organisations=None):
        """Who takes this step: the holders of ``role`` for the parties (or for
        ``organisations`` among them)."""
        return memberships.members_in_role(
            organisations if organisations is not None else self.parties(protocol),
            self.role,
        )

    def unassigned_parties(self, protocol, organisations):
        """Those of ``organisations`` whose part of the step nobody can take:
        each party needs someone in the role (the DPO advice)."""
        return [
            organisation
            for organisation in organisations
            if not self.assignees(protocol, [organisation]).exists()
        ]

    # --- who may act ---------------------------------------------------------------
    def user_can_act(self, obj, user):
        protocol = self.protocol_of(obj)
        if protocol is None:
            # The protocol list itself carries no protocol: nothing to advise on or
            # decide; an administrator approves changes to it.
            return user.is_active and user.is_superuser
        party_ids = {org.pk for org in self.parties(protocol)}
        return bool(memberships.organisations_in_role(user, self.role) & party_ids)

    def user_can_access_editor(self, obj, user):
        return self.user_can_act(obj, user)

    def locked_for_user(self, obj, user):
        # The text under review stays as submitted: only the people the step waits
        # for may touch it (to comment, or to act from the editor).
        return not (user.is_superuser or self.user_can_act(obj, user))

    def get_actions(self, obj, user):
        if not self.user_can_act(obj, user):
            return []
        return [
            ("reject", pgettext_lazy("workflow action", "Request changes"), True),
            ("approve", self.approve_label, True),
        ]

    def get_form_for_action(self, action):
        if action == "approve":
            return self.approve_form()
        return super().get_form_for_action(action)

    def get_template_for_action(self, action):
        if action == "approve":
            return "protocols_registry/admin/workflow/approve_step.html"
        return super().get_template_for_action(action)

    def get_task_states_user_can_moderate(self, user, **kwargs):
        if not (
            user.is_superuser or memberships.organisations_in_role(user, self.role)
        ):
            return TaskState.objects.none()
        waiting = self.task_states.filter(
            status=TaskState.STATUS_IN_PROGRESS
        ).select_related("workflow_state")
        mine = [
            state.pk
            for state in waiting
            if self.user_can_act(state.workflow_state.content_object, user)
        ]
        return TaskState.objects.filter(pk__in=mine)

    # --- taking the step -------------------------------------------------------------
    @transaction.atomic
    def on_action(self, task_state, user, action_name, **kwargs):
        if not self.user_can_act(task_state.workflow_state.content_object, user):
            raise PermissionDenied
        if action_name == "approve":
            self.approve(task_state, user, **kwargs)
        elif action_name == "reject":
            task_state.reject(user=user, comment=kwargs.get("comment", ""))
        return None

    def approve_form(self):
        """The form of the approve action (it re-checks what the step needs)."""
        raise NotImplementedError

    def missing(self, protocol, **data):
        """What this step still needs before it can be approved (sentences); called
        for protocols only."""
        raise NotImplementedError

    def approve(self, task_state, user, comment="", **data):
        protocol = self.protocol_of_state(task_state)
        problems = self.missing(protocol, **data) if protocol is not None else []
        if problems:
            raise StepIncomplete(problems)
        self.complete(task_state, user, comment)

    def complete(self, task_state, user, comment=""):
        """Approve the step; when it is the last, the workflow publishes the
        protocol on behalf of ``user``, who took the step but may not publish pages
        otherwise (the publication rule still applies)."""
        token = publishing_by_workflow.set(task_state.workflow_state.object_id)
        try:
            task_state.approve(user=user, comment=comment)
        finally:
            publishing_by_workflow.reset(token)


class DPOAdviceTask(ProtocolTask):
    """Every party's data protection officer advises on the protocol."""

    role = roles.DPO
    approve_label = _("Confirm the favourable advices")

    class Meta:
        verbose_name = _("advice of the data protection officers")
        verbose_name_plural = _("advices of the data protection officers")

    @classmethod
    def get_description(cls):
        return _(
            "The data protection officer of each party records an advice; the step "
            "is complete when every party's latest advice is favourable."
        )

    def approve_form(self):
        from protocols_registry.workflow.forms import AdviceStepForm

        return AdviceStepForm

    def pending_parties(self, protocol):
        """The parties whose DPO has not (yet) given a favourable advice."""
        return [
            org
            for org, advice in self.advices(protocol)
            if advice is None or not advice.is_favourable
        ]

    def missing(self, protocol, **data):
        problems = []
        for org, advice in self.advices(protocol):
            if advice is None:
                problems.append(
                    gettext(
                        "No advice of the data protection officer of %(party)s is "
                        "recorded."
                    )
                    % {"party": org.display_name}
                )
            elif not advice.is_favourable:
                problems.append(
                    gettext(
                        "The latest advice of the data protection officer of "
                        "%(party)s (%(date)s) is unfavourable."
                    )
                    % {
                        "party": org.display_name,
                        "date": advice.advice_date.strftime("%d/%m/%Y"),
                    }
                )
        return problems

    @transaction.atomic
    def advice_recorded(self, task_state, advice, user):
        """``user`` recorded (or changed) ``advice`` while this step waits.

        Only the DPO of the advising party moves the step: an unfavourable advice
        sends the protocol back to the editor, the last favourable one completes
        the step. Returns a sentence saying what happened, or None.
        """
        protocol = self.protocol_of_state(task_state)
        if protocol is None or advice.protocol_id != protocol.pk:
            return None
        if advice.organisation_id not in memberships.organisations_in_role(
            user, self.role
        ):
            return None
        party = advice.organisation.display_name
        if not advice.is_favourable:
            comment = gettext(
                "Unfavourable advice of the data protection officer of %(party)s."
            ) % {"party": party}
            if advice.conditions.strip():
                comment += " " + advice.conditions.strip()
            task_state.reject(user=user, comment=comment)
            return gettext(
                "The advice is unfavourable: the protocol goes back to its editor "
                "for changes."
            )
        pending = self.pending_parties(protocol)
        if pending:
            return gettext(
                "Your advice is recorded. The protocol still awaits the advice of "
                "the data protection officer of %(parties)s."
            ) % {"parties": ", ".join(org.display_name for org in pending)}
        self.complete(
            task_state,
            user,
            gettext("Every party's data protection officer advised favourably."),
        )
        return gettext(
            "Every advice is favourable: the protocol now awaits the decision of "
            "the governing body."
        )


class BoardDecisionTask(ProtocolTask):
    """The board secretary links the decision that approves the protocol; the
    workflow then publishes it."""

    role = roles.BOARD_SECRETARY
    approve_label = _("Link the decision and publish")

    class Meta:
        verbose_name = _("decision of the governing body")
        verbose_name_plural = _("decisions of the governing body")

    @classmethod
    def get_description(cls):
        return _(
            "The board secretary of a party links the decision that approves the "
            "protocol; the protocol is then published."
        )

    def approve_form(self):
        from protocols_registry.workflow.forms import DecisionStepForm

        return DecisionStepForm

    def unassigned_parties(self, protocol, organisations):
        # The board secretary of any one party links the decision.
        if self.assignees(protocol, organisations).exists():
            return []
        return list(organisations)

    def candidate_decisions(self, protocol):
        """Approving decisions of the parties' governing bodies not yet linked."""
        from protocols_registry.models import ApprovalDecision

        linked = [link.decision_id for link in protocol.decision_links.all()]
        return (
            ApprovalDecision.objects.filter(
                outcome=ApprovalDecision.Outcome.APPROVED,
                organisation__in=self.parties(protocol),
            )
            .exclude(pk__in=linked)
            .order_by("-meeting_date", "reference")
        )

    def with_decision(self, page, decision, effect=None, change_summary=""):
        """A copy of the protocol's latest revision with ``decision`` linked (not
        saved) as having ``effect`` (initial approval by default) and the
        ``change_summary`` citizens read; ``page`` itself is left as it is."""
        from protocols_registry.models import DecisionEffect, ProtocolDecision

        revision = page.get_latest_revision()
        draft = revision.as_object() if revision else type(page).objects.get(pk=page.pk)
        links = list(draft.decision_links.all())
        draft.decision_links.add(
            ProtocolDecision(
                decision=decision,
                sort_order=len(links),
                effect=effect or DecisionEffect.APPROVAL,
                change_summary=change_summary or "",
            )
        )
        return draft

    def missing(self, protocol, decision=None, effect=None, change_summary="", **data):
        from protocols_registry.publication import publication_problems

        if decision is None:
            if protocol.approving_decisions():
                return publication_problems(protocol)
            return [
                gettext(
                    "No decision approves this protocol yet. Choose the approving "
                    "decision; when it is not in the list, record it first under "
                    "Protocol records › Approval decisions."
                )
            ]
        if not self.candidate_decisions(protocol).filter(pk=decision.pk).exists():
            return [
                gettext(
                    "Decision %(reference)s cannot be linked: it must approve the "
                    "protocol and be taken by a party's governing body."
                )
                % {"reference": decision.reference}
            ]
        return publication_problems(
            self.with_decision(protocol, decision, effect, change_summary)
        )

    def approve(
        self,
        task_state,
        user,
        comment="",
        decision=None,
        effect=None,
        change_summary="",
        **data,
    ):
        from protocols_registry.models import ApprovalDecision

        if decision is not None and not isinstance(decision, ApprovalDecision):
            decision = ApprovalDecision.objects.filter(pk=decision).first()
            if decision is None:
                raise StepIncomplete([gettext("This decision no longer exists.")])
        protocol = self.protocol_of_state(task_state)
        problems = (
            self.missing(
                protocol,
                decision=decision,
                effect=effect,
                change_summary=change_summary,
            )
            if protocol
            else []
        )
        if problems:
            raise StepIncomplete(problems)
        if decision is not None and protocol is not None:
            page = task_state.workflow_state.content_object
            draft = self.with_decision(protocol, decision, effect, change_summary)
            draft.save_revision(user=user, log_action=True)
            # The workflow publishes the object's latest revision: read it anew.
            page.refresh_from_db()
        self.complete(task_state, user, comment)


@transaction.atomic
def advice_recorded(advice, user):
    """``user`` saved ``advice``: move the advice step of its protocol, if the
    protocol waits for it. Returns what happened (a sentence) or None."""
    current = advice.protocol.current_workflow_task_state
    if current is None:
        return None
    # Two DPOs saving their advice at the same moment: the second waits here and
    # then sees both advices, so one of them completes the step.
    task_state = TaskState.objects.select_for_update().get(pk=current.pk).specific
    task = task_state.task.specific
    if task_state.status != TaskState.STATUS_IN_PROGRESS or not isinstance(
        task, DPOAdviceTask
    ):
        return None
    return task.advice_recorded(task_state, advice, user)
