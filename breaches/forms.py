from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from breaches.models import Breach
from exchanges.models import Transfer
from protocols_registry.models import (
    Organisation,
    ProcessingActivity,
    ProtocolPage,
)

DATETIME = forms.DateTimeInput(
    attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"
)
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class BreachForm(forms.ModelForm):
    """A breach of one of the user's organisations; the links it offers are those
    of that organisation only (its protocols, transfers and activities)."""

    class Meta:
        model = Breach
        fields = [
            "organisation",
            "discovered_at",
            "occurred_at",
            "contained_at",
            "nature",
            "data_subject_categories",
            "data_subject_count",
            "personal_data_categories",
            "record_count",
            "consequences",
            "measures",
            "contact_point",
            "risk",
            "protocols",
            "transfers",
            "activities",
            "authority_notified_at",
            "authority_reference",
            "authority_not_notified_reason",
            "subjects_informed_on",
            "subjects_informed_means",
            "subjects_not_informed_reason",
        ]
        widgets = {
            "discovered_at": DATETIME,
            "occurred_at": DATETIME,
            "contained_at": DATETIME,
            "authority_notified_at": DATETIME,
            "subjects_informed_on": DATE,
            "nature": forms.Textarea(attrs={"rows": 4}),
            "consequences": forms.Textarea(attrs={"rows": 3}),
            "measures": forms.Textarea(attrs={"rows": 3}),
            "authority_not_notified_reason": forms.Textarea(attrs={"rows": 2}),
            "subjects_not_informed_reason": forms.Textarea(attrs={"rows": 2}),
            "data_subject_categories": forms.CheckboxSelectMultiple,
            "personal_data_categories": forms.CheckboxSelectMultiple,
            "protocols": forms.CheckboxSelectMultiple,
            "transfers": forms.CheckboxSelectMultiple,
            "activities": forms.CheckboxSelectMultiple,
        }

    def __init__(self, *args, organisation_ids, **kwargs):
        super().__init__(*args, **kwargs)
        ids = list(organisation_ids)
        self.fields["organisation"].queryset = Organisation.objects.filter(pk__in=ids)
        if self.instance.pk:
            # A breach stays with the controller that recorded it.
            self.fields["organisation"].disabled = True
        elif len(ids) == 1:
            self.fields["organisation"].initial = ids[0]
        self.fields["protocols"].queryset = (
            ProtocolPage.objects.filter(parties__organisation_id__in=ids)
            .distinct()
            .order_by("title")
        )
        self.fields["transfers"].queryset = (
            Transfer.objects.filter(Q(sender_id__in=ids) | Q(recipient_id__in=ids))
            .select_related("protocol")
            .distinct()
        )
        self.fields["activities"].queryset = (
            ProcessingActivity.objects.filter(
                Q(controller_id__in=ids) | Q(joint_controllers__in=ids)
            )
            .distinct()
            .order_by("reference")
        )
        self.fields["transfers"].label_from_instance = _transfer_label
        self.fields["protocols"].label_from_instance = _protocol_label

    def clean(self):
        data = super().clean()
        organisation = data.get("organisation") or (
            self.instance.organisation if self.instance.organisation_id else None
        )
        if organisation is not None:
            for field in ("protocols", "transfers", "activities"):
                # The querysets already keep to the user's organisations; the
                # links must also concern this breach's organisation.
                if field == "protocols":
                    wrong = [
                        p
                        for p in data.get(field) or []
                        if organisation not in p.party_organisations()
                    ]
                    if wrong:
                        self.add_error(
                            field,
                            _(
                                "Protocols concerned: %(organisation)s is not a party "
                                "to %(protocols)s."
                            )
                            % {
                                "organisation": organisation.display_name,
                                "protocols": ", ".join(p.reference for p in wrong),
                            },
                        )
        return data


def _transfer_label(transfer):
    return f"{transfer.reference} ({transfer.protocol.reference})"


def _protocol_label(protocol):
    return f"{protocol.reference}: {protocol.title}"
