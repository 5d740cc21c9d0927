"""The public register of processing activities: list with filters, and detail."""

from django import forms
from django.core.paginator import Paginator
from django.http import Http404
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _

from protocols_registry.conf import get_setting
from protocols_registry.models import DataSubjectCategory, LawfulBasis


class RegisterFilterForm(forms.Form):
    department = forms.ChoiceField(label=_("Department"), required=False)
    lawful_basis = forms.ChoiceField(
        label=_("Lawful basis"),
        required=False,
        choices=[("", _("all"))] + list(LawfulBasis.choices),
    )
    subjects = forms.ChoiceField(label=_("Data subjects"), required=False)

    def __init__(self, data, activities, **kwargs):
        super().__init__(data, **kwargs)
        departments = (
            activities.order_by("owner_department")
            .values_list("owner_department", flat=True)
            .distinct()
        )
        self.fields["department"].choices = [("", _("all"))] + [
            (d, d) for d in departments
        ]
        categories = DataSubjectCategory.objects.filter(
            activities__in=activities
        ).distinct()
        self.fields["subjects"].choices = [("", _("all"))] + [
            (str(category.pk), category.name) for category in categories
        ]


def mark_joint_controllers(page, activities):
    """Set ``joint_with`` on each activity: the other controllers, named, when it is
    a joint processing (GDPR art. 26); empty otherwise. Uses the prefetched
    controllers, so it costs no query per row."""
    for activity in activities:
        controllers = [activity.controller] if activity.controller else []
        controllers += list(activity.joint_controllers.all())
        joint = len(controllers) > 1 or (
            page.controller_id is not None
            and activity.controller_id != page.controller_id
        )
        activity.joint_with = (
            [org for org in controllers if org.pk != page.controller_id]
            if joint
            else []
        )
    return activities


def register_list(request, page):
    activities = page.public_activities()
    form = RegisterFilterForm(request.GET, activities)
    form.is_valid()
    data = form.cleaned_data
    if data.get("department"):
        activities = activities.filter(owner_department=data["department"])
    if data.get("lawful_basis"):
        activities = activities.filter(lawful_basis=data["lawful_basis"])
    if data.get("subjects"):
        activities = activities.filter(data_subject_categories__pk=data["subjects"])
    paginator = Paginator(
        activities.order_by("reference"), get_setting("PROTOCOLS_REGISTRY_PAGE_SIZE")
    )
    page_obj = paginator.get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    context = page.get_context(request)
    context.update(
        {
            "form": form,
            "page_obj": page_obj,
            "activities": mark_joint_controllers(page, list(page_obj.object_list)),
            "querystring": params.urlencode(),
            "base_template": get_setting("PROTOCOLS_REGISTRY_BASE_TEMPLATE"),
        }
    )
    return TemplateResponse(
        request, "protocols_registry/processing_register_page.html", context
    )


def register_detail(request, page, reference):
    activity = page.public_activities().filter(reference=reference).first()
    if activity is None:
        raise Http404
    mark_joint_controllers(page, [activity])
    context = page.get_context(request)
    context.update(
        {
            "activity": activity,
            "base_template": get_setting("PROTOCOLS_REGISTRY_BASE_TEMPLATE"),
        }
    )
    return TemplateResponse(
        request, "protocols_registry/processing_activity.html", context
    )
