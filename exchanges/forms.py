from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from exchanges import filetypes
from exchanges.audit_actions import action_choices
from exchanges.conf import get_setting
from exchanges.models import Transfer
from protocols_registry.models import (
    ApprovalDecision,
    Organisation,
    ProtocolDataItem,
    ProtocolPage,
)


class ProtocolChoiceForm(forms.Form):
    """Step 1 of recording a transfer: under which published protocol. Only
    protocols one of the user's organisations is party to (exchanges.scoping)."""

    protocol = forms.ModelChoiceField(
        label=_("Protocol"),
        queryset=ProtocolPage.objects.none(),
        help_text=_("Only published protocols can carry a transfer."),
    )

    def __init__(self, *args, organisation_ids, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["protocol"].queryset = (
            ProtocolPage.objects.live()
            .filter(parties__organisation_id__in=list(organisation_ids))
            .distinct()
            .order_by("-approval_date", "reference")
        )


class TransferForm(forms.Form):
    """Step 2: the facts of the transfer, with choices limited to the protocol's."""

    decision = forms.ModelChoiceField(label=_("Approving decision"), queryset=None)
    sender = forms.ModelChoiceField(label=_("Sender"), queryset=None)
    recipient = forms.ModelChoiceField(label=_("Recipient"), queryset=None)
    sent_at = forms.DateTimeField(
        label=_("Sent at"),
        initial=timezone.now,
        widget=forms.DateTimeInput(
            attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
        ),
    )
    channel = forms.ChoiceField(label=_("Channel"), choices=Transfer.Channel.choices)
    data_items = forms.ModelMultipleChoiceField(
        label=_("Data items carried"),
        queryset=None,
        widget=forms.CheckboxSelectMultiple,
    )
    data_subject_count = forms.IntegerField(
        label=_("Number of data subjects"), min_value=0, max_value=10_000_000
    )
    retention_date = forms.DateField(
        label=_("Keep until"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Leave empty to use the date the protocol sets."),
    )
    note = forms.CharField(
        label=_("Note"),
        required=False,
        max_length=300,
        help_text=_("No personal data here: auditors read this note."),
    )

    def __init__(self, *args, protocol, organisation_ids, **kwargs):
        super().__init__(*args, **kwargs)
        self.protocol = protocol
        self.organisation_ids = set(organisation_ids)
        decisions = [decision.pk for decision in protocol.approving_decisions()]
        self.fields["decision"].queryset = ApprovalDecision.objects.filter(
            pk__in=decisions
        )
        party_ids = [party.organisation_id for party in protocol.parties.all()]
        parties = Organisation.objects.filter(pk__in=party_ids)
        self.fields["sender"].queryset = parties
        self.fields["recipient"].queryset = parties
        # All items are offered so that a wrong choice gets the service's message.
        self.fields["data_items"].queryset = ProtocolDataItem.objects.filter(
            page=protocol
        )
        if len(decisions) == 1:
            self.fields["decision"].initial = decisions[0]
        for party in protocol.parties.all():
            if party.role == "sender":
                self.fields["sender"].initial = party.organisation_id
            elif party.role == "recipient":
                self.fields["recipient"].initial = party.organisation_id

    def clean(self):
        data = super().clean()
        sender, recipient = data.get("sender"), data.get("recipient")
        # Both parties stay offered (one records a transfer to or from a partner);
        # one of them must be the user's own organisation (exchanges.scoping).
        if sender and recipient:
            if not {sender.pk, recipient.pk} & self.organisation_ids:
                self.add_error(
                    "sender",
                    _(
                        "Sender: the sender or the recipient must be an "
                        "organisation you record transfers for."
                    ),
                )
        return data


class UploadLinkForm(forms.Form):
    hours = forms.IntegerField(label=_("Valid for (hours)"), min_value=1)
    max_megabytes = forms.IntegerField(
        label=_("Largest file (MB)"), min_value=1, initial=10
    )
    allowed_types = forms.MultipleChoiceField(
        label=_("Accepted file types"),
        choices=[(kind, filetypes.LABELS[kind]) for kind in ("csv", "xlsx", "pdf")],
        initial=["csv", "xlsx"],
        widget=forms.CheckboxSelectMultiple,
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Limits come from settings, so the fields are built here.
        self.fields["hours"] = forms.IntegerField(
            label=self.fields["hours"].label,
            min_value=1,
            max_value=get_setting("EXCHANGES_UPLOAD_LINK_MAX_HOURS"),
            initial=get_setting("EXCHANGES_UPLOAD_LINK_HOURS"),
        )
        self.fields["max_megabytes"] = forms.IntegerField(
            label=self.fields["max_megabytes"].label,
            min_value=1,
            max_value=max(
                1, get_setting("EXCHANGES_MAX_PAYLOAD_SIZE") // (1024 * 1024)
            ),
            initial=10,
        )


class DeleteTransferForm(forms.Form):
    confirm = forms.BooleanField(
        label=_("I confirm: delete the personal data of this transfer now."),
    )


class AuditFilterForm(forms.Form):
    # Chosen by label; the view filters on the stable code.
    action = forms.ChoiceField(label=_("Action"), required=False)
    actor = forms.CharField(label=_("Actor"), required=False, max_length=150)
    transfer = forms.CharField(
        label=_("Transfer reference"), required=False, max_length=40
    )
    since = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    until = forms.DateField(
        label=_("Until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["action"].choices = [("", _("all"))] + action_choices()


class TransferFilterForm(forms.Form):
    protocol = forms.ModelChoiceField(
        label=_("Protocol"),
        required=False,
        queryset=ProtocolPage.objects.none(),
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("all"))] + Transfer.Status.choices,
    )
    retention_due = forms.BooleanField(label=_("Retention date passed"), required=False)

    def __init__(self, *args, transfers, **kwargs):
        super().__init__(*args, **kwargs)
        # Only protocols of transfers the user sees: the others' would tell that
        # transfers exist under them.
        self.fields["protocol"].queryset = ProtocolPage.objects.filter(
            pk__in=transfers.values("protocol_id")
        )
