"""Admin screens of the registers for the DPO group (the Auditor group reads them).

Edit forms are grouped by the letters of GDPR art. 30(1), each with the words of
the regulation as help; every save asks for a reason and leaves one history record.
"""

import django_filters
from django import forms
from django.db.models import Exists, OuterRef
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.forms import WagtailAdminModelForm
from wagtail.admin.panels import FieldPanel, FieldRowPanel, MultiFieldPanel, ObjectList
from wagtail.admin.views.generic import InspectView
from wagtail.snippets.views import chooser
from wagtail.snippets.views import snippets as snippet_views
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
from protocols_registry.register_permissions import (
    policy_for,
    readable,
    readable_organisations,
    writable_organisations,
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
        self.limit_to_own_organisations()

    def limit_to_own_organisations(self):
        """A DPO chooses only their own organisations as controller, and links only
        their own register's processors and activities (a superuser: any)."""
        user = getattr(self, "for_user", None)
        if user is None:
            return
        organisations = writable_organisations(user)
        if organisations is None:
            return
        if "controller" in self.fields:
            field = self.fields["controller"]
            field.queryset = field.queryset.filter(pk__in=organisations)
            field.required = True
            field.empty_label = None if len(organisations) == 1 else field.empty_label
        if "processors" in self.fields:
            field = self.fields["processors"]
            field.queryset = field.queryset.filter(controller__in=organisations)
        if "replaced_by" in self.fields:
            field = self.fields["replaced_by"]
            field.queryset = field.queryset.filter(controller__in=organisations)

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
        request = getattr(self, "request", None)
        activities = (
            readable(request.user, ProcessingActivity)
            if request is not None
            else ProcessingActivity.objects.none()
        )
        departments = (
            activities.order_by("owner_department")
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


class ScopedObjectMixin:
    """Finds the object only among those the user may handle with ``scope_action``
    (register_permissions): another organisation's entry is not found (404)."""

    scope_action = "view"

    def scoped_queryset(self):
        policy = policy_for(self.model)
        user = self.request.user
        if not policy.user_has_any_permission(
            user, ["add", "change", "delete", "view"]
        ):
            # No register role at all: Wagtail's model check refuses the request
            # before anything is shown, as it does for every other admin view.
            return self.model._default_manager.all()
        if not policy.user_has_permission(user, self.scope_action):
            # No such permission at all (the auditor on an edit): find what they
            # read, so that Wagtail's model check refuses it as it does elsewhere.
            return policy.instances_user_has_permission_for(user, "view")
        return policy.instances_user_has_permission_for(user, self.scope_action)


class ScopedEditView(ScopedObjectMixin, snippet_views.EditView):
    scope_action = "change"

    def get_queryset(self):
        return self.scoped_queryset()


class ScopedDeleteView(ScopedObjectMixin, snippet_views.DeleteView):
    scope_action = "delete"

    def get_queryset(self):
        return self.scoped_queryset()


class ScopedHistoryView(ScopedObjectMixin, snippet_views.HistoryView):
    def get_base_object_queryset(self):
        return self.scoped_queryset()


class ScopedUsageView(ScopedObjectMixin, snippet_views.UsageView):
    def get_base_object_queryset(self):
        return self.scoped_queryset()


class ScopedChooseView(chooser.ChooseView):
    def get_object_list(self):
        return readable(self.request.user, self.model_class)


class ScopedChooseResultsView(chooser.ChooseResultsView):
    def get_object_list(self):
        return readable(self.request.user, self.model_class)


class ScopedChosenView(chooser.SnippetChosenView):
    def get_object(self, pk):
        return readable(self.request.user, self.model_class).get(pk=pk)


class ScopedChosenMultipleView(chooser.SnippetChosenMultipleView):
    def get_objects(self, pks):
        return readable(self.request.user, self.model_class).filter(pk__in=pks)


class ScopedChooserViewSet(chooser.SnippetChooserViewSet):
    choose_view_class = ScopedChooseView
    choose_results_view_class = ScopedChooseResultsView
    chosen_view_class = ScopedChosenView
    chosen_multiple_view_class = ScopedChosenMultipleView


class RegisterInspectView(ScopedObjectMixin, InspectView):
    """Shows every field, what is missing, and who changed which field when."""

    template_name = "protocols_registry/admin/register_inspect.html"

    def get_object(self, queryset=None):
        try:
            return self.scoped_queryset().get(pk=self.pk)
        except (self.model.DoesNotExist, ValueError, TypeError):
            raise Http404 from None

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


class ScopedRegisterViewSet(SnippetViewSet):
    """A register's snippet views, each limited to the user's organisations."""

    edit_view_class = ScopedEditView
    delete_view_class = ScopedDeleteView
    history_view_class = ScopedHistoryView
    usage_view_class = ScopedUsageView
    inspect_view_class = RegisterInspectView
    chooser_viewset_class = ScopedChooserViewSet

    def get_queryset(self, request):
        return readable(request.user, self.model)


class ProcessingActivityViewSet(ScopedRegisterViewSet):
    model = ProcessingActivity
    icon = "list-ul"
    menu_label = _("Processing activities")
    menu_order = 100
    copy_view_enabled = False
    inspect_view_enabled = True
    inspect_view_class = RegisterInspectView
    list_display = [
        "reference",
        "name",
        "controller",
        "owner_department",
        "status",
        "next_review",
    ]
    list_export = [
        "reference",
        "name",
        "controller",
        "owner_department",
        "status",
        "lawful_basis",
        "next_review",
    ]
    filterset_class = ActivityFilterSet
    search_fields = ["reference", "name", "purposes", "owner_department"]
    search_backend_name = None
    edit_handler = ObjectList(ACTIVITY_PANELS, base_form_class=HistoriedRegisterForm)


class ProcessorViewSet(ScopedRegisterViewSet):
    model = Processor
    icon = "cogs"
    menu_label = _("Processors")
    menu_order = 200
    copy_view_enabled = False
    inspect_view_enabled = True
    inspect_view_class = RegisterInspectView
    list_display = [
        "name",
        "controller",
        "country",
        "agreement_signed_on",
        "agreement_ends_on",
    ]
    filterset_class = ProcessorFilterSet
    search_fields = ["name", "processing_description"]
    search_backend_name = None
    edit_handler = ObjectList(
        [
            MultiFieldPanel(
                [
                    "controller",
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


def register_controllers(user):
    """The controllers whose register ``user`` reads and that keep entries: one
    export link each on the dashboard."""
    from protocols_registry.models import Organisation

    organisations = readable_organisations(user)
    keeping = Organisation.objects.filter(
        Exists(ProcessingActivity.objects.filter(controller=OuterRef("pk")))
        | Exists(Processor.objects.filter(controller=OuterRef("pk")))
    )
    if organisations is not None:
        keeping = keeping.filter(pk__in=organisations)
    return list(keeping.order_by("name"))


def register_dashboard_counts(user, day=None):
    """The numbers the dashboard shows ``user``: their organisations' registers."""
    day = day or timezone.localdate()
    own_activities = readable(user, ProcessingActivity)
    own_processors = readable(user, Processor)
    activities = own_activities.exclude(status=ProcessingActivity.Status.RETIRED)
    annotated = activities.with_completeness()
    return {
        "activities": activities.count(),
        "complete": annotated.filter(is_complete=True).count(),
        "incomplete": annotated.filter(is_complete=False).count(),
        "reviews_overdue": own_activities.review_overdue(day).count(),
        "processors": own_processors.count(),
        "processors_without_agreement": processors_without_valid_agreement(day)
        .filter(pk__in=own_processors.values("pk"))
        .count(),
    }
