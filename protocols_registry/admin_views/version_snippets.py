"""The versions of protocols in the admin: listed and inspected, never added,
changed or deleted (a version is recorded when a protocol is published)."""

from django.utils.translation import gettext_lazy as _
from wagtail.permission_policies import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy
from wagtail.snippets.views.snippets import SnippetViewSet

from protocols_registry.models import ProtocolVersion


class ReadOnlyPolicy(ModelPermissionPolicy):
    """Viewing follows the model's view permission; nobody, not even a superuser,
    adds, changes or deletes a version here."""

    def user_has_permission(self, user, action):
        if action not in ("view", "inspect"):
            return False
        return super().user_has_permission(user, "view")


register_permission_policy(ProtocolVersion, ReadOnlyPolicy(ProtocolVersion))


class ProtocolVersionViewSet(SnippetViewSet):
    model = ProtocolVersion
    icon = "history"
    menu_label = _("Protocol versions")
    menu_order = 250
    copy_view_enabled = False
    inspect_view_enabled = True
    inspect_view_fields = [
        "page",
        "number",
        "decision",
        "effect",
        "published_at",
        "change_summary",
    ]
    list_display = ["page", "number", "decision", "effect", "published_at"]
    list_filter = ["effect"]
    search_fields = ["page__title", "page__reference", "decision__reference"]
    search_backend_name = None
    ordering = ["-published_at", "-number"]

    def register_chooser_viewset(self):
        # Nothing chooses a version.
        pass
