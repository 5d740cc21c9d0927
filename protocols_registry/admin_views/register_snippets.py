"""Admin screens of the registers for the DPO group (the Auditor group reads them).

Edit forms are grouped by the letters of GDPR art. 30(1), each with the words of
the regulation as help; every save asks for a reason and leaves one history record.
"""

import django_filters
from django import forms
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel, ObjectList
from wagtail.admin.views.generic import InspectView
from wagtail.snippets.views.snippets import SnippetViewSet, SnippetViewSetGroup

from protocols_registry.models import (
    DataSubjectCategory,
    LawfulBasis,
    PersonalDataCategory,
    ProcessingActivity,
    Processor,
)
from protocols_registry.models.register import processors_without_valid_agreement
from protocols_registry.register_history import (
    display_value,
    field_changes,
    save_with_history,
)


class HistoriedRegisterForm(WagtailAdminModelForm):
    """Asks why a record changes, and saves through save_with_history()."""

    change_reason = forms.CharField(
        label=_("Reason for this change"),
        max_length=100,
        help_text=_("Kept in the history with your name, e.g. 'yearly review'."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance._state.adding:
            self.fields["change_reason"].required = False

    def save(self, commit=True):
        instance = super().save(commit=False)
        if not commit:
            return instance
        return save_with_history(
            instance,
            user=self.for_user,
            reason=self.cleaned_data.get("change_reason"),
            save_m2m=self._save_m2m,
        )


def _letter(heading, text, fields):
    return MultiFieldPanel(fields, heading=heading, help_text=text)


ACTIVITY_PANELS = [
    MultiFieldPanel(
        [
            FieldRowPanel(["reference", "status"]),
            "name",
            "owner_department",
            FieldRowPanel(["retired_on", "replaced_by"]),
        ],
        heading=_("Activity"),
    ),
    _letter(
        _("(a) Controller and DPO"),
        _(
            "Art. 30(1)(a): the name and contact details of the controller and, where "
            "applicable, the joint controller, the controller's representative and "
            "the data protection officer."
        ),
        ["controller", "joint_controllers", "representative", "dpo_contact"],
    ),
    _letter(
        _("(b) Purposes and lawful basis"),
        _("Art. 30(1)(b): the purposes of the processing."),
        ["purposes", FieldRowPanel(["lawful_basis"]), "legal_reference"],
    ),
    _letter(
        _("(c) Data subjects and personal data"),
        _(
            "Art. 30(1)(c): a description of the categories of data subjects and of "
            "the categories of personal data."
        ),
        [
            FieldPanel("data_subject_categories", widget=forms.CheckboxSelectMultiple),
            "data_subjects_note",
            FieldPanel("personal_data_categories", widget=forms.CheckboxSelectMultiple),
            "personal_data_note",
            FieldRowPanel(["special_categories", "special_category_condition"]),
        ],
    ),
    _letter(
        _("(d) Recipients"),
        _(
            "Art. 30(1)(d): the categories of recipients to whom the personal data "
            "have been or will be disclosed, including recipients in third countries "
            "or international organisations."
        ),
        ["recipients"],
    ),
    _letter(
        _("(e) Transfers to third countries"),
        _(
            "Art. 30(1)(e): where applicable, transfers of personal data to a third "
            "country or an international organisation, including its "
            "identification and the documentation of suitable safeguards."
        ),
        [
            FieldRowPanel(["third_country_transfers", "transfer_countries"]),
            "transfer_safeguard",
            "transfer_safeguard_details",
        ],
    ),
    _letter(
        _("(f) Retention"),
        _(
            "Art. 30(1)(f): where possible, the envisaged time limits for erasure of "
            "the different categories of data."
        ),
        ["retention_rules", "retention_note"],
    ),
    _letter(
        _("(g) Security measures"),
        _(
            "Art. 30(1)(g): where possible, a general description of the technical "
            "and organisational security measures referred to in Article 32(1)."
        ),
        ["security_measures"],
    ),
    MultiFieldPanel(
        [
            "data_source",
            FieldRowPanel(["dpia_needed", "dpia_done_on"]),
            "dpia_document",
            FieldPanel("protocols", widget=forms.SelectMultiple(attrs={"size": 6})),
            FieldPanel("processors", widget=forms.SelectMultiple(attrs={"size": 6})),
        ],
        heading=_("Source, DPIA, protocols and processors"),
    ),
    MultiFieldPanel(
        [
            FieldRowPanel(["last_review", "next_review"]),
            "show_in_public_register",
            "internal_notes",
        ],
        heading=_("Review and publication"),
    ),
    FieldPanel("change_reason"),
]


class ActivityFilterSet(WagtailFilterSet):
    owner_department = django_filters.ChoiceFilter(
        label=_("owner department"), choices=[], empty_label=_("all")
    )
    lawful_basis = django_filters.ChoiceFilter(
        label=_("lawful basis"), choices=LawfulBasis.choices
    )
    status = django_filters.ChoiceFilter(
        label=_("status"), choices=ProcessingActivity.Status.choices
    )
    review_overdue = django_filters.BooleanFilter(
        label=_("review overdue"), method="filter_review_overdue"
    )
    complete = django_filters.BooleanFilter(
        label=_("all mandatory elements filled in"), method="filter_complete"
    )
    processor_agreement_missing = django_filters.BooleanFilter(
        label=_("a processor without a valid agreement"),
        method="filter_processor_agreement",
    )

    class Meta:
        model = ProcessingActivity
        fields = ["owner_department", "lawful_basis", "status"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        departments = (
            ProcessingActivity.objects.order_by("owner_department")
            .values_list("owner_department", flat=True)
            .distinct()
        )
        self.filters["owner_department"].extra["choices"] = [
            (d, d) for d in departments
        ]

    def filter_review_overdue(self, queryset, name, value):
        overdue = ProcessingActivity.objects.review_overdue().values("pk")
        return (
            queryset.filter(pk__in=overdue)
            if value
            else queryset.exclude(pk__in=overdue)
        )

    def filter_complete(self, queryset, name, value):
        return queryset.with_completeness().filter(is_complete=value)

    def filter_processor_agreement(self, queryset, name, value):
        lacking = processors_without_valid_agreement().filter(activities=OuterRef("pk"))
        return queryset.filter(Exists(lacking) if value else ~Exists(lacking))


class ProcessorFilterSet(WagtailFilterSet):
    agreement = django_filters.ChoiceFilter(
        label=_("processor agreement"),
        method="filter_agreement",
        choices=[
            ("valid", _("valid")),
            ("missing", _("missing or expired")),
        ],
    )

    class Meta:
        model = Processor
        fields = ["country"]

    def filter_agreement(self, queryset, name, value):
        lacking = processors_without_valid_agreement().values("pk")
        if value == "missing":
            return queryset.filter(pk__in=lacking)
        return queryset.exclude(pk__in=lacking)


class RegisterInspectView(InspectView):
    """Shows every field, what is missing, and who changed which field when."""

    template_name = "protocols_registry/admin/register_inspect.html"

    def get_field_display_value(self, field_name, field):
        """Ja/Nee and — rather than Python's True/False/None."""
        return display_value(super().get_field_display_value(field_name, field))

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        records = list(
            self.object.history.select_related("history_user").order_by(
                "-history_date", "-history_id"
            )[:200]
        )
        context["history_rows"] = [
            {
                "date": record.history_date,
                "user": record.history_user,
                "reason": record.history_change_reason,
                "type": record.get_history_type_display(),
                "changes": field_changes(record),
            }
            for record in records
        ]
        if isinstance(self.object, ProcessingActivity):
            context["missing_elements"] = self.object.missing_elements()
            context["review_overdue"] = self.object.is_review_overdue()
        return context


class ProcessingActivityViewSet(SnippetViewSet):
    model = ProcessingActivity
    icon = "list-ul"
    menu_label = _("Processing activities")
    menu_order = 100
    copy_view_enabled = False
    inspect_view_enabled = True
    inspect_view_class = RegisterInspectView
    list_display = ["reference", "name", "owner_department", "status", "next_review"]
    list_export = [
        "reference",
        "name",
        "owner_department",
        "status",
        "lawful_basis",
        "next_review",
    ]
    filterset_class = ActivityFilterSet
    search_fields = ["reference", "name", "purposes", "owner_department"]
    search_backend_name = None
    edit_handler = ObjectList(ACTIVITY_PANELS, base_form_class=HistoriedRegisterForm)


class ProcessorViewSet(SnippetViewSet):
    model = Processor
    icon = "cogs"
    menu_label = _("Processors")
    menu_order = 200
    copy_view_enabled = False
    inspect_view_enabled = True
    inspect_view_class = RegisterInspectView
    list_display = ["name", "country", "agreement_signed_on", "agreement_ends_on"]
    filterset_class = ProcessorFilterSet
    search_fields = ["name", "processing_description"]
    search_backend_name = None
    edit_handler = ObjectList(
        [
            MultiFieldPanel(
                [
                    "name",
                    FieldRowPanel(["enterprise_number", "country"]),
                    "contact",
                    "dpo_contact",
                ],
                heading=_("Processor"),
            ),
            "processing_description",
            MultiFieldPanel(
                [
                    FieldRowPanel(["agreement_signed_on", "agreement_ends_on"]),
                    "agreement_document",
                ],
                heading=_("Processor agreement (art. 28)"),
            ),
            "sub_processors",
            "third_country_transfers",
            FieldRowPanel(["last_assessment"]),
            "assessment_note",
            FieldPanel("change_reason"),
        ],
        base_form_class=HistoriedRegisterForm,
    )


class DataSubjectCategoryViewSet(SnippetViewSet):
    model = DataSubjectCategory
    icon = "group"
    menu_label = _("Categories of data subjects")
    menu_order = 300
    copy_view_enabled = False
    list_display = ["name", "description"]
    search_fields = ["name"]
    search_backend_name = None


class PersonalDataCategoryViewSet(SnippetViewSet):
    model = PersonalDataCategory
    icon = "tag"
    menu_label = _("Categories of personal data")
    menu_order = 400
    copy_view_enabled = False
    list_display = ["name", "special"]
    search_fields = ["name"]
    search_backend_name = None


class RegisterGroup(SnippetViewSetGroup):
    menu_label = _("Registers")
    menu_icon = "clipboard-list"
    menu_order = 260
    items = (
        ProcessingActivityViewSet,
        ProcessorViewSet,
        DataSubjectCategoryViewSet,
        PersonalDataCategoryViewSet,
    )


def register_dashboard_counts(day=None):
    """The numbers the DPO's dashboard shows."""
    day = day or timezone.localdate()
    activities = ProcessingActivity.objects.exclude(
        status=ProcessingActivity.Status.RETIRED
    )
    annotated = activities.with_completeness()
    return {
        "activities": activities.count(),
        "complete": annotated.filter(is_complete=True).count(),
        "incomplete": annotated.filter(is_complete=False).count(),
        "reviews_overdue": ProcessingActivity.objects.review_overdue(day).count(),
        "processors": Processor.objects.count(),
        "processors_without_agreement": processors_without_valid_agreement(day).count(),
    }
