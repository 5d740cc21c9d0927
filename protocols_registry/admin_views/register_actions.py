from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from wagtail.snippets.bulk_actions.snippet_bulk_action import SnippetBulkAction

from protocols_registry.models import ProcessingActivity
from protocols_registry.models.register import default_next_review
from protocols_registry.register_history import bulk_update_register


class MarkReviewedBulkAction(SnippetBulkAction):
    """Record today's review on many activities at once, with history for each."""

    display_name = _("Mark as reviewed")
    action_type = "mark_reviewed"
    aria_label = _("Mark the selected activities as reviewed today")
    template_name = "protocols_registry/admin/confirm_bulk_review.html"
    action_priority = 50
    models = [ProcessingActivity]

    def check_perm(self, obj):
        # The organisation-scoped policy (register_permissions): a DPO marks only
        # their own organisations' activities as reviewed.
        return self.permission_policy.user_has_permission_for_instance(
            self.request.user, "change", obj
        )

    @classmethod
    def execute_action(cls, objects, user=None, **kwargs):
        today = timezone.localdate()
        for activity in objects:
            activity.last_review = today
            activity.next_review = default_next_review(today)
        bulk_update_register(
            ProcessingActivity,
            objects,
            ["last_review", "next_review"],
            user=user,
            reason=str(_("Reviewed (bulk action)")),
        )
        return len(objects), 0

    def get_success_message(self, num_parent_objects, num_child_objects):
        return ngettext(
            "%(count)d activity marked as reviewed.",
            "%(count)d activities marked as reviewed.",
            num_parent_objects,
        ) % {"count": num_parent_objects}
