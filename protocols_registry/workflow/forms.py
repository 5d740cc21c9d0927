"""The forms behind "approve" on a protocol step (Wagtail's workflow action modal).

Wagtail builds the form from the POST alone (``form_class(request.POST)``), so the
form carries the task state it is about in a hidden field ``step``; the modal's
template gives it (see the ``step_form`` template tag). The form says what the step
still needs before anything happens; the task checks again when it acts, from its
own task state, so a forged ``step`` only changes which message is shown.
"""

from django import forms
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from wagtail.models import TaskState

from protocols_registry.models import BoardDecisionTask, DecisionEffect, DPOAdviceTask


class StepForm(forms.Form):
    task_class = None

    step = forms.IntegerField(widget=forms.HiddenInput)
    comment = forms.CharField(
        label=_("Comment"), required=False, widget=forms.Textarea({"rows": 2})
    )

    def __init__(self, data=None, *args, task_state=None, **kwargs):
        super().__init__(data, *args, **kwargs)
        self.task_state = None
        self.task = None
        self.protocol = None
        if task_state is None and self.is_bound:
            task_state = self._find(self.data.get("step"))
        if task_state is not None:
            self.scope(task_state)

    @staticmethod
    def _find(value):
        try:
            pk = int(value)
        except (TypeError, ValueError):
            return None
        state = TaskState.objects.filter(pk=pk).first()
        return state.specific if state else None

    def scope(self, task_state):
        """Tie the form to ``task_state`` (the step on one protocol)."""
        task = task_state.task.specific
        if not isinstance(task, self.task_class):
            return
        self.task_state = task_state
        self.task = task
        self.protocol = task.protocol_of_state(task_state)
        self.fields["step"].initial = task_state.pk

    def clean(self):
        cleaned = super().clean()
        if (
            self.task_state is None
            or self.task_state.status != TaskState.STATUS_IN_PROGRESS
        ):
            raise forms.ValidationError(
                gettext("This protocol no longer waits for this step.")
            )
        if self.protocol is None:
            return cleaned  # the protocol list itself: nothing to check
        problems = self.task.missing(self.protocol, **self.step_data(cleaned))
        if problems:
            raise forms.ValidationError(problems)
        return cleaned

    def step_data(self, cleaned):
        return {}

    def summary(self):
        """Rows (label, state, link or None) the modal shows above the form."""
        return []


class AdviceStepForm(StepForm):
    task_class = DPOAdviceTask

    def summary(self):
        if self.protocol is None:
            return []
        rows = []
        for org, advice in self.task.advices(self.protocol):
            if advice is None:
                state = gettext("no advice recorded yet")
                link = (gettext("Record the advice"), advice_url(self.protocol, org))
            else:
                state = gettext("%(verdict)s, %(date)s") % {
                    "verdict": advice.get_verdict_display(),
                    "date": advice.advice_date.strftime("%d/%m/%Y"),
                }
                link = None
            rows.append((org.display_name, state, link))
        return rows


class DecisionStepForm(StepForm):
    task_class = BoardDecisionTask

    decision = forms.TypedChoiceField(
        label=_("Approving decision"),
        required=False,
        coerce=int,
        empty_value=None,
        help_text=_(
            "Decisions of the parties' governing bodies that approve a protocol and "
            "are not linked to this one yet."
        ),
    )

    effect = forms.ChoiceField(
        label=_("Effect on the protocol"),
        choices=DecisionEffect.choices,
        initial=DecisionEffect.APPROVAL,
        required=False,
        help_text=_(
            "A decision that amends or ends a published protocol makes a new "
            "version of it."
        ),
    )
    change_summary = forms.CharField(
        label=_("What changed"),
        required=False,
        widget=forms.Textarea({"rows": 3}),
        help_text=_(
            "In a few sentences, for citizens: what this decision changes. "
            "Required for an amendment."
        ),
    )

    field_order = ["step", "decision", "effect", "change_summary", "comment"]

    def scope(self, task_state):
        super().scope(task_state)
        if self.protocol is None:
            return
        choices = [
            (
                decision.pk,
                f"{decision.reference} – {decision.title} "
                f"({decision.meeting_date.strftime('%d/%m/%Y')})",
            )
            for decision in self.task.candidate_decisions(self.protocol)
        ]
        self.fields["decision"].choices = [("", "---------"), *choices]
        if self.protocol.pk and self.protocol.versions.exists():
            self.fields["effect"].initial = DecisionEffect.AMENDMENT

    def step_data(self, cleaned):
        from protocols_registry.models import ApprovalDecision

        pk = cleaned.get("decision")
        return {
            "decision": ApprovalDecision.objects.filter(pk=pk).first() if pk else None,
            "effect": cleaned.get("effect") or DecisionEffect.APPROVAL,
            "change_summary": cleaned.get("change_summary", ""),
        }

    def summary(self):
        if self.protocol is None:
            return []
        linked = self.protocol.approving_decisions()
        if linked:
            rows = [
                (gettext("Linked decision"), decision.reference, None)
                for decision in linked
            ]
        else:
            rows = [
                (
                    gettext("Linked decision"),
                    gettext("none yet"),
                    (
                        gettext("Record a new decision"),
                        reverse(
                            "wagtailsnippets_protocols_registry_approvaldecision:add"
                        ),
                    ),
                )
            ]
        for org, advice in self.task.advices(self.protocol):
            state = (
                advice.get_verdict_display()
                if advice
                else gettext("no advice recorded")
            )
            rows.append(
                (
                    gettext("Advice of the DPO of %(party)s")
                    % {"party": org.display_name},
                    state,
                    None,
                )
            )
        return rows


def advice_url(protocol, organisation):
    """The form to record the advice of ``organisation``'s DPO on ``protocol``."""
    return (
        reverse("wagtailsnippets_protocols_registry_dpoadvice:add")
        + f"?protocol={protocol.pk}&organisation={organisation.pk}"
    )
