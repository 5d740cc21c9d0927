from django.urls import include, path, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.components import Component

from breaches import access, admin_urls, deadlines


@hooks.register("register_admin_urls")
def register_admin_urls():
    return [path("breaches/", include(admin_urls, namespace="breaches_admin"))]


class BreachesMenuItem(MenuItem):
    def is_shown(self, request):
        return access.may_use_register(request.user)


@hooks.register("register_admin_menu_item")
def breaches_menu_item():
    return BreachesMenuItem(
        _("Data breaches"),
        reverse("breaches_admin:list"),
        icon_name="warning",
        order=280,
    )


class BreachClockPanel(Component):
    """On a DPO's dashboard: the open breaches of their organisations with the time
    left to notify, and the notifications other parties sent them, unread."""

    order = 40
    template_name = "breaches/admin/clock_panel.html"

    def __init__(self, rows, received):
        self.rows = rows
        self.received = received

    def get_context_data(self, parent_context=None):
        return {"rows": self.rows, "received": self.received}


@hooks.register("construct_homepage_panels")
def breach_clock_panel(request, panels):
    organisations = access.dpo_organisations(request.user)
    if not organisations:
        return
    now = timezone.now()
    breaches = deadlines.open_breaches().filter(organisation_id__in=organisations)
    received = [
        {
            "notification": notification,
            "clock": None
            if notification.breach.authority_settled
            else deadlines.clock_rows([notification.breach], now)[0],
        }
        for notification in access.received_notifications(request.user)
        .filter(acknowledged_at__isnull=True)
        .select_related("sender", "breach")
    ]
    rows = deadlines.clock_rows(breaches.order_by("discovered_at"), now)
    if rows or received:
        panels.append(BreachClockPanel(rows, received))
