"""Register permissions scoped by organisation: each controller keeps its own register.

The model permissions (roles.py) say what a role may do with the registers at all;
this policy says for which entries:

- a DPO creates, changes and deletes the activities and processors whose controller
  is an organisation they are a member of (memberships.organisations_in_role);
- whoever may read the register (the DPO, the auditor) reads the entries of the
  organisations they are a member of: the activities they control, those where
  they are a joint controller, and their processors. An auditor reads one or
  several organisations' registers by being made a member of each;
- a superuser reads and changes everything;
- an entry without a controller (older data) is only a superuser's, until it is
  given one.

It is a Wagtail permission policy (registered for both models), so the snippet
views, the bulk actions and the admin's "edit" links all ask it; the views in
admin_views/register_snippets.py also filter their querysets with it, so an entry
out of scope is not found (404) rather than shown.
"""

from django.db.models import Q
from wagtail.permission_policies.base import ModelPermissionPolicy
from wagtail.permissions import register_permission_policy

from protocols_registry import roles
from protocols_registry.memberships import organisation_ids, organisations_in_role

WRITE_ACTIONS = {"add", "change", "delete"}


def readable_organisations(user):
    """The organisations (ids) whose register ``user`` reads; None: all of them."""
    if not (user.is_authenticated and user.is_active):
        return set()
    if user.is_superuser:
        return None
    return organisation_ids(user)


def writable_organisations(user):
    """The organisations (ids) whose register ``user`` edits; None: all of them."""
    if not (user.is_authenticated and user.is_active):
        return set()
    if user.is_superuser:
        return None
    return organisations_in_role(user, roles.DPO)


class ControllerScopedPermissionPolicy(ModelPermissionPolicy):
    """A ModelPermissionPolicy whose instances are limited to the user's controllers.

    ``joint_field`` names a many-to-many to Organisation whose members may read an
    entry too (the joint controllers of an activity).
    """

    def __init__(self, model, controller_field="controller", joint_field=None):
        super().__init__(model)
        self.controller_field = controller_field
        self.joint_field = joint_field

    def organisations_for(self, user, action):
        if action in WRITE_ACTIONS:
            return writable_organisations(user)
        return readable_organisations(user)

    def _scope(self, organisations, action):
        condition = Q(**{f"{self.controller_field}__in": organisations})
        if self.joint_field and action not in WRITE_ACTIONS:
            through = self.model._meta.get_field(self.joint_field).remote_field.through
            source = f"{self.model._meta.model_name}_id"
            condition |= Q(
                pk__in=through.objects.filter(organisation_id__in=organisations).values(
                    source
                )
            )
        return condition

    def instances_user_has_any_permission_for(self, user, actions):
        manager = self.model._default_manager
        conditions = Q(pk__in=[])
        for action in actions:
            if not self.user_has_permission(user, action):
                continue
            organisations = self.organisations_for(user, action)
            if organisations is None:
                return manager.all()
            if organisations:
                conditions |= self._scope(sorted(organisations), action)
        return manager.filter(conditions)

    def user_has_permission_for_instance(self, user, action, instance):
        if not self.user_has_permission(user, action):
            return False
        organisations = self.organisations_for(user, action)
        if organisations is None:
            return True
        if instance.pk is None:
            controller = getattr(instance, f"{self.controller_field}_id")
            return controller in organisations
        return (
            self.instances_user_has_permission_for(user, action)
            .filter(pk=instance.pk)
            .exists()
        )


def register_policies():
    """Register the policies with Wagtail (before the snippet viewsets)."""
    from protocols_registry.models import ProcessingActivity, Processor

    activity_policy = ControllerScopedPermissionPolicy(
        ProcessingActivity, joint_field="joint_controllers"
    )
    processor_policy = ControllerScopedPermissionPolicy(Processor)
    register_permission_policy(ProcessingActivity, activity_policy, exact_class=True)
    register_permission_policy(Processor, processor_policy, exact_class=True)
    return activity_policy, processor_policy


def policy_for(model):
    from wagtail.permissions import policy_registry

    return policy_registry.get_by_type(model)


def readable(user, model):
    """The entries of ``model`` (ProcessingActivity or Processor) ``user`` reads."""
    return policy_for(model).instances_user_has_permission_for(user, "view")
