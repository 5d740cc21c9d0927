from django.contrib import messages
from django.shortcuts import redirect
from django.urls import include, path, reverse
from django.utils.html import format_html, format_html_join
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from wagtail import hooks
from wagtail.admin.ui.components import Component
from wagtail.snippets.models import register_snippet

from protocols_registry import page_creation, register_permissions
from protocols_registry.admin_views import (
    harvest_snippets,
    protocol_snippets,
    register_snippets,
)
from protocols_registry.admin_views.register_actions import MarkReviewedBulkAction
from protocols_registry.models import DPOAdvice, ProtocolPage
from protocols_registry.models.workflow import advice_recorded
from protocols_registry.views import register_builds as register_build_views
from protocols_registry.views.register_admin import register_export_view
from protocols_registry.workflow.panels import replace_review_panel

register_snippet(protocol_snippets.ProtocolRecordsGroup)
# Before the register's viewsets: they would register a plain model policy.
register_permissions.register_policies()
register_snippet(register_snippets.RegisterGroup)
# Read-only for everyone: only manage.py harvest_protocols writes the mirror.
harvest_snippets.register_policies()
register_snippet(harvest_snippets.HarvestGroup)
hooks.register("register_bulk_action", MarkReviewedBulkAction)


@hooks.register("register_log_actions")
def register_harvest_log_action(actions):
    from django.utils.translation import gettext_lazy

    from protocols_registry.harvest import LOG_ACTION

    actions.register_action(
        LOG_ACTION, gettext_lazy("Harvest"), gettext_lazy("Protocols harvested")
    )


@hooks.register("register_admin_urls")
def register_admin_urls():
    return [
        path(
            "protocols-registry/",
            include(
                (
                    [
                        path(
                            "register/export.<str:fmt>",
                            register_export_view,
                            name="register_export",
                        ),
                        path(
                            "register/builds/<int:pk>/",
                            register_build_views.build_progress,
                            name="register_build",
                        ),
                        path(
                            "register/builds/<int:pk>/status.json",
                            register_build_views.build_status,
                            name="register_build_status",
                        ),
                        path(
                            "register/builds/<int:pk>/download",
                            register_build_views.build_download,
                            name="register_build_download",
                        ),
                    ],
                    "protocols_registry_admin",
                ),
                namespace="protocols_registry_admin",
            ),
        )
    ]


class RegisterPanel(Component):
    """The DPO's register dashboard on the admin home page."""

    name = "protocols_registry_register"
    template_name = "protocols_registry/admin/register_panel.html"
    order = 150

    def get_context_data(self, parent_context):
        index = reverse("wagtailsnippets_protocols_registry_processingactivity:list")
        processors = reverse("wagtailsnippets_protocols_registry_processor:list")
        return {
            "counts": register_snippets.register_dashboard_counts(
                parent_context["request"].user
            ),
            "controllers": register_snippets.register_controllers(
                parent_context["request"].user
            ),
            "incomplete_url": f"{index}?complete=false",
            "overdue_url": f"{index}?review_overdue=true",
            "processors_url": f"{processors}?agreement=missing",
        }


@hooks.register("construct_homepage_panels")
def add_register_panel(request, panels):
    if request.user.has_perm("protocols_registry.view_processingactivity"):
        panels.append(RegisterPanel())


# "Awaiting my advice" and "Awaiting my decision" instead of Wagtail's review panel.
hooks.register("construct_homepage_panels", replace_review_panel)


@hooks.register("after_edit_page")
def back_to_the_dashboard_after_a_step(request, page):
    """A DPO or board secretary who acted on a step from the editor goes back to
    their dashboard: Wagtail would send them to the protocol list, which they may
    not open ("no access")."""
    from wagtail.permission_policies.pages import PagePermissionPolicy

    if not request.POST.get("action-workflow-action") or request.user.is_superuser:
        return None
    explorable = PagePermissionPolicy().explorable_instances(request.user)
    if explorable.filter(pk=page.get_parent().pk).exists():
        return None
    return redirect("wagtailadmin_home")


@hooks.register("after_create_snippet")
@hooks.register("after_edit_snippet")
def advance_the_advice_step(request, instance):
    """A DPO recorded an advice on a protocol waiting for it: the workflow moves on
    (or goes back to the editor), and the DPO returns to what still awaits them."""
    if not isinstance(instance, DPOAdvice):
        return None
    outcome = advice_recorded(instance, request.user)
    if outcome is None:
        return None
    messages.success(request, outcome)
    return redirect("wagtailadmin_home")


def _refusal_message(page, problems):
    return format_html(
        "{}<ul>{}</ul>",
        _("“%(title)s” cannot be published yet:") % {"title": page.title},
        format_html_join("", "<li>{}</li>", ((problem,) for problem in problems)),
    )


@hooks.register("before_publish_page")
def refuse_incomplete_protocol(request, page):
    """Tell the editor what is missing instead of publishing.

    The page has been saved as a draft by then, so nothing the editor typed is lost.
    The model guards in protocols_registry.publication enforce the rule on paths
    that bypass this hook.
    """
    specific = page.specific if not isinstance(page, ProtocolPage) else page
    if not isinstance(specific, ProtocolPage):
        return None
    problems = specific.publication_problems()
    if not problems:
        return None
    messages.error(request, _refusal_message(specific, problems))
    return redirect("wagtailadmin_pages:edit", page.pk)


def protected_references(page):
    """Records elsewhere that keep a page from being deleted (e.g. the transfers made
    under a protocol). Found generically, so this app names no other app."""
    from django.db.models.deletion import Collector, ProtectedError

    try:
        Collector(using="default").collect([page])
    except ProtectedError as error:
        return error.protected_objects
    return set()


def _refuse_deletion(request, page, references):
    kinds = sorted({str(obj._meta.verbose_name_plural) for obj in references})
    messages.error(
        request,
        ngettext(
            "“%(title)s” cannot be deleted: %(count)s record refers to it "
            "(%(kinds)s). Unpublish it instead; the record keeps its history.",
            "“%(title)s” cannot be deleted: %(count)s records refer to it "
            "(%(kinds)s). Unpublish it instead; the records keep their history.",
            len(references),
        )
        % {"title": page.title, "count": len(references), "kinds": ", ".join(kinds)},
    )


@hooks.register("before_delete_page")
def refuse_deleting_referenced_pages(request, page):
    if request.method != "POST":
        return None
    references = protected_references(page.specific)
    if not references:
        return None
    _refuse_deletion(request, page, references)
    return redirect("wagtailadmin_pages:edit", page.pk)


def _safe_next(request):
    next_url = request.GET.get("next", "")
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}
    ):
        next_url = reverse("wagtailadmin_explore_root")
    return next_url


@hooks.register("before_bulk_action")
def refuse_bulk_delete_of_referenced_pages(
    request, action_type, objects, action_class_instance
):
    if action_type != "delete":
        return None
    blocked = [(page, protected_references(page.specific)) for page in objects]
    blocked = [(page, references) for page, references in blocked if references]
    for page, references in blocked:
        _refuse_deletion(request, page, references)
    return redirect(_safe_next(request)) if blocked else None


@hooks.register("before_bulk_action")
def refuse_bulk_publish_of_incomplete_protocols(
    request, action_type, objects, action_class_instance
):
    if action_type != "publish":
        return None
    refused = []
    for page in objects:
        specific = page.specific
        if not isinstance(specific, ProtocolPage):
            continue
        revision = specific.latest_revision
        candidate = revision.as_object() if revision else specific
        problems = candidate.publication_problems()
        if problems:
            refused.append((specific, problems))
    if not refused:
        return None
    for page, problems in refused:
        messages.error(request, _refusal_message(page, problems))
    return redirect(_safe_next(request))


@hooks.register("before_serve_page")
def read_only_pages(page, request, serve_args, serve_kwargs):
    """The public pages of this app are read-only: anything but GET and HEAD is
    refused, so no request can smuggle a write through a public URL."""
    from django.http import HttpResponseNotAllowed

    from protocols_registry.models import ProcessingRegisterPage, ProtocolIndexPage

    if request.method not in ("GET", "HEAD") and isinstance(
        page, (ProtocolPage, ProtocolIndexPage, ProcessingRegisterPage)
    ):
        return HttpResponseNotAllowed(["GET", "HEAD"])
    return None


hooks.register("before_create_page", page_creation.create_page_safely)
