"""The mirror of other installations' protocols in the admin: read-only.

Only the harvester (manage.py harvest_protocols) writes these rows; they are the
other party's publication, so nobody edits, adds, copies or deletes one here, a
superuser included. The permission policy refuses those actions to everyone, which
hides the buttons and makes Wagtail refuse the views themselves.
"""

from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.tables import Column
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy
from wagtail.snippets.views.snippets import (
    HistoryView,
    SnippetViewSet,
    SnippetViewSetGroup,
)

from protocols_registry.models import HarvestedProtocol, HarvestSource

WRITE_ACTIONS = {"add", "change", "delete", "publish", "lock", "unlock"}


class ReadOnlyPolicy(ModelPermissionPolicy):
    """View as the model permissions say; never a write, whoever asks."""

    def user_has_permission(self, user, action):
        if action in WRITE_ACTIONS:
            return False
        return super().user_has_permission(user, action)

    def user_has_any_permission(self, user, actions):
        return any(self.user_has_permission(user, action) for action in actions)

    def users_with_any_permission(self, actions):
        actions = [action for action in actions if action not in WRITE_ACTIONS]
        if not actions:
            return super().users_with_any_permission([]).none()
        return super().users_with_any_permission(actions)

    def user_has_permission_for_instance(self, user, action, instance):
        return self.user_has_permission(user, action)

    def user_has_any_permission_for_instance(self, user, actions, instance):
        return self.user_has_any_permission(user, actions)

    def instances_user_has_any_permission_for(self, user, actions):
        if self.user_has_any_permission(user, actions):
            return self.model.objects.all()
        return self.model.objects.none()


def register_policies():
    for model in (HarvestSource, HarvestedProtocol):
        register_permission_policy(model, ReadOnlyPolicy(model), exact_class=True)


class ReadableHistoryView(HistoryView):
    """The log (each harvest run) to whoever may view: Wagtail asks for a write
    permission, which nobody has here."""

    any_permission_required = ["view"]


class HarvestedProtocolViewSet(SnippetViewSet):
    model = HarvestedProtocol
    icon = "download"
    menu_label = _("Protocols of other parties")
    menu_order = 100
    copy_view_enabled = False
    inspect_view_enabled = True
    history_view_class = ReadableHistoryView
    list_display = [
        "reference",
        "title",
        Column("parties_display", label=_("parties")),
        "source",
        "retrieved_at",
    ]
    list_filter = ["source"]
    search_fields = ["reference", "title"]
    search_backend_name = None
    inspect_view_fields = [
        "source",
        "uri",
        "reference",
        "title",
        "parties",
        "status",
        "approval_date",
        "url",
        "pdf_url",
        "retrieved_at",
        "content_hash",
        "raw_record",
    ]


class HarvestSourceViewSet(SnippetViewSet):
    model = HarvestSource
    icon = "link"
    menu_label = _("Harvest sources")
    menu_order = 200
    copy_view_enabled = False
    inspect_view_enabled = True
    history_view_class = ReadableHistoryView
    list_display = ["url", "name", "index", "last_success_at", "last_error"]
    inspect_view_fields = [
        "url",
        "name",
        "list_url",
        "index",
        "last_attempt_at",
        "last_success_at",
        "last_error",
    ]


class HarvestGroup(SnippetViewSetGroup):
    items = (HarvestedProtocolViewSet, HarvestSourceViewSet)
    menu_icon = "download"
    menu_label = _("Other installations")
    menu_name = "protocols_registry_harvest"
    menu_order = 310
