from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import Menu, MenuItem, SubmenuMenuItem
from wagtail.admin.ui.components import Component

from exchanges import admin_urls


@hooks.register("register_admin_urls")
def register_admin_urls():
    return [path("exchanges/", include(admin_urls, namespace="exchanges_admin"))]


class PermissionMenuItem(MenuItem):
    def __init__(self, *args, permission, **kwargs):
        super().__init__(*args, **kwargs)
        self.permission = permission

    def is_shown(self, request):
        return request.user.has_perm(self.permission)


exchanges_menu = Menu(
    register_hook_name="register_exchanges_menu_item", construct_hook_name=None
)


@hooks.register("register_exchanges_menu_item")
def transfers_item():
    return PermissionMenuItem(
        _("Transfers"),
        reverse("exchanges_admin:transfer_list"),
        icon_name="arrows-up-down",
        order=100,
        permission="exchanges.view_transfer",
    )


@hooks.register("register_exchanges_menu_item")
def evidence_item():
    return PermissionMenuItem(
        _("Deletion evidence"),
        reverse("exchanges_admin:evidence_list"),
        icon_name="bin",
        order=200,
        permission="exchanges.view_deletionevidence",
    )


@hooks.register("register_exchanges_menu_item")
def audit_item():
    return PermissionMenuItem(
        _("Audit log"),
        reverse("exchanges_admin:audit_log"),
        icon_name="history",
        order=300,
        permission="exchanges.view_auditevent",
    )


@hooks.register("register_exchanges_menu_item")
def role_grants_item():
    return PermissionMenuItem(
        _("Role approvals"),
        reverse("exchanges_admin:role_grants"),
        icon_name="user",
        order=400,
        permission="exchanges.view_rolegrant",
    )


class ExchangesSubmenu(SubmenuMenuItem):
    def is_shown(self, request):
        return request.user.has_perm(
            "exchanges.view_transfer"
        ) or request.user.has_perm("exchanges.view_rolegrant")


class PendingRolesPanel(Component):
    """On the DPO's dashboard: roles that wait for their approval."""

    order = 50
    template_name = "exchanges/admin/pending_roles_panel.html"

    def __init__(self, grants):
        self.grants = grants

    def get_context_data(self, parent_context=None):
        return {"grants": self.grants}


@hooks.register("construct_homepage_panels")
def pending_roles_panel(request, panels):
    if not request.user.has_perm("exchanges.approve_rolegrant"):
        return
    from exchanges import role_grants

    grants = [
        grant
        for grant, problems in role_grants.pending_for(request.user)
        if not problems
    ]
    if grants:
        panels.append(PendingRolesPanel(grants))


@hooks.register("register_admin_menu_item")
def exchanges_menu_item():
    return ExchangesSubmenu(_("Exchanges"), exchanges_menu, icon_name="lock", order=270)
