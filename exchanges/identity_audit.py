"""Who may do what is part of the record: every change of a user, a role (group),
a membership, a permission or a second factor is an audit event in the hash chain,
written in the transaction of the change, whoever makes it (the admin screens, the
shell, a command). Events name users by id and say which fields changed, never
their values, except whether an account is active, staff or superuser.

Permissions that the code itself grants after ``migrate`` are part of the release
(protocols_registry.roles.syncing_role_permissions) and are not recorded here.
"""

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save
from wagtail.models import GroupCollectionPermission, GroupPagePermission

from exchanges import audit, role_grants
from exchanges.request_context import current_actor
from protocols_registry.roles import syncing_role_permissions

# Fields of a user whose change is recorded; the flags also with their new value.
WATCHED_FIELDS = (
    "username",
    "email",
    "first_name",
    "last_name",
    "password",
    "is_active",
    "is_staff",
    "is_superuser",
)
FLAGS = ("is_active", "is_staff", "is_superuser")


def _record(action, obj=None, details=None):
    if syncing_role_permissions.get():
        return
    user, actor, request = current_actor()
    with transaction.atomic():
        audit.record(
            action, user=user, actor=actor, request=request, obj=obj, details=details
        )


# --- users ----------------------------------------------------------------------------


def _remember_user(sender, instance, raw=False, update_fields=None, **kwargs):
    instance._audit_before = None
    if raw or instance.pk is None:
        return
    if update_fields is not None and set(update_fields) <= {"last_login"}:
        return
    instance._audit_before = (
        sender.objects.filter(pk=instance.pk).values(*WATCHED_FIELDS).first()
    )


def _user_saved(sender, instance, created, raw=False, update_fields=None, **kwargs):
    if raw:
        return
    if created:
        _record(
            "user.created",
            instance,
            {flag: getattr(instance, flag) for flag in FLAGS},
        )
        return
    before = getattr(instance, "_audit_before", None)
    if before is None:
        return
    changed = [
        name for name in WATCHED_FIELDS if before[name] != getattr(instance, name)
    ]
    if changed:
        details = {"fields": changed}
        details.update(
            {flag: getattr(instance, flag) for flag in FLAGS if flag in changed}
        )
        _record("user.changed", instance, details)


def _user_deleted(sender, instance, **kwargs):
    _record("user.deleted", instance)


# --- roles, memberships and permissions ---------------------------------------------------


def _group_saved(sender, instance, created, raw=False, **kwargs):
    if not raw:
        _record(
            "role.created" if created else "role.changed",
            instance,
            {"name": instance.name},
        )


def _group_deleted(sender, instance, **kwargs):
    _record("role.deleted", instance, {"name": instance.name})


def _pairs(instance, reverse, pk_set, model):
    """(user, group) for every membership an m2m change touches, both directions."""
    if reverse:  # group.user_set.add(users)
        return [(user, instance) for user in model.objects.filter(pk__in=pk_set)]
    return [(instance, group) for group in model.objects.filter(pk__in=pk_set)]


def _membership_changed(sender, instance, action, reverse, model, pk_set, **kwargs):
    if action == "pre_clear":
        # The memberships a clear() removes are known only before it runs.
        instance._audit_cleared = _related_ids(sender, instance)
        return
    if action == "post_clear":
        action, pk_set = "post_remove", getattr(instance, "_audit_cleared", set())
    if action not in ("post_add", "post_remove") or not pk_set:
        return
    if syncing_role_permissions.get():
        return
    user, actor, request = current_actor()
    added = action == "post_add"
    with transaction.atomic():
        for member, group in _pairs(instance, reverse, pk_set, model):
            audit.record(
                "user.role_added" if added else "user.role_removed",
                user=user,
                actor=actor,
                request=request,
                obj=member,
                details={"role": group.name},
            )
            change = (
                role_grants.membership_added
                if added
                else role_grants.membership_removed
            )
            change(member, group, by=user, by_name=actor, request=request)


def _related_ids(through, instance):
    """The ids on the other side of an m2m table for ``instance`` (before a clear)."""
    sides = [field for field in through._meta.fields if field.many_to_one]
    source = next(field for field in sides if isinstance(instance, field.related_model))
    target = next(field for field in sides if field is not source)
    return set(
        through.objects.filter(**{source.name: instance.pk}).values_list(
            target.attname, flat=True
        )
    )


def _permissions_changed(sender, instance, action, reverse, model, pk_set, **kwargs):
    if action == "pre_clear":
        instance._audit_cleared = _related_ids(sender, instance)
        return
    if action == "post_clear":
        action, pk_set = "post_remove", getattr(instance, "_audit_cleared", set())
    if action not in ("post_add", "post_remove") or not pk_set:
        return
    if reverse:  # permission.group_set / user_set: the holders changed
        holders = model.objects.filter(pk__in=pk_set)
        names = [f"{instance.content_type.app_label}.{instance.codename}"]
    else:
        holders = [instance]
        names = sorted(
            f"{app}.{codename}"
            for app, codename in Permission.objects.filter(pk__in=pk_set).values_list(
                "content_type__app_label", "codename"
            )
        )
    for holder in holders:
        kind = "role" if isinstance(holder, Group) else "user"
        _record(
            f"{kind}.permissions_{'added' if action == 'post_add' else 'removed'}",
            holder,
            {"permissions": names},
        )


def _object_permission_changed(sender, instance, created=None, **kwargs):
    """Wagtail's page and collection permissions of a role."""
    if kwargs.get("raw"):
        return
    verb = "removed" if created is None else "added" if created else "changed"
    _record(
        f"role.permissions_{verb}",
        instance.group,
        {
            "permissions": [instance.permission.codename],
            "on": sender._meta.model_name,
            "object_id": instance.page_id
            if sender is GroupPagePermission
            else instance.collection_id,
        },
    )


# --- second factors -----------------------------------------------------------------------


def _authenticator_saved(sender, instance, created, raw=False, **kwargs):
    if created and not raw:
        _record("mfa.added", instance.user, {"type": instance.type})


def _authenticator_deleted(sender, instance, **kwargs):
    _record("mfa.removed", instance.user, {"type": instance.type})


def connect():
    User = get_user_model()
    uid = "exchanges.identity_audit"
    pre_save.connect(_remember_user, sender=User, dispatch_uid=f"{uid}.user.pre")
    post_save.connect(_user_saved, sender=User, dispatch_uid=f"{uid}.user")
    post_delete.connect(_user_deleted, sender=User, dispatch_uid=f"{uid}.user.del")
    post_save.connect(_group_saved, sender=Group, dispatch_uid=f"{uid}.group")
    post_delete.connect(_group_deleted, sender=Group, dispatch_uid=f"{uid}.group.del")
    m2m_changed.connect(
        _membership_changed, sender=User.groups.through, dispatch_uid=f"{uid}.members"
    )
    m2m_changed.connect(
        _permissions_changed,
        sender=User.user_permissions.through,
        dispatch_uid=f"{uid}.user.perms",
    )
    m2m_changed.connect(
        _permissions_changed,
        sender=Group.permissions.through,
        dispatch_uid=f"{uid}.group.perms",
    )
    for model in (GroupPagePermission, GroupCollectionPermission):
        name = model._meta.model_name
        post_save.connect(
            _object_permission_changed, sender=model, dispatch_uid=f"{uid}.{name}"
        )
        post_delete.connect(
            _object_permission_changed, sender=model, dispatch_uid=f"{uid}.{name}.del"
        )
    if apps.is_installed("allauth.mfa"):  # second factors, where the site has them
        from allauth.mfa.models import Authenticator

        post_save.connect(
            _authenticator_saved, sender=Authenticator, dispatch_uid=f"{uid}.mfa"
        )
        post_delete.connect(
            _authenticator_deleted, sender=Authenticator, dispatch_uid=f"{uid}.mfa.del"
        )
