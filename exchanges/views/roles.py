"""The DPO's screen for roles that open personal data: approve or refuse each
pending grant (exchanges.role_grants). Auditors see it read-only."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from exchanges import role_grants
from exchanges.models import RoleGrant


@never_cache
@require_safe
def role_grant_list(request):
    if not request.user.has_perm("exchanges.view_rolegrant"):
        raise PermissionDenied
    history = RoleGrant.objects.exclude(state=RoleGrant.State.PENDING).select_related(
        "user", "group", "decided_by"
    )
    page = Paginator(history, 50).get_page(request.GET.get("page"))
    return TemplateResponse(
        request,
        "exchanges/admin/role_grants.html",
        {
            "pending": role_grants.pending_for(request.user),
            "can_decide": request.user.has_perm("exchanges.approve_rolegrant"),
            "page_obj": page,
            "history": page.object_list,
        },
    )


@never_cache
@require_POST
def role_grant_decide(request, grant_id):
    if not request.user.has_perm("exchanges.approve_rolegrant"):
        raise PermissionDenied
    grant = get_object_or_404(RoleGrant, pk=grant_id)
    approve = request.POST.get("decision") == "approve"
    try:
        role_grants.decide(
            grant, approver=request.user, approve=approve, request=request
        )
    except ValidationError as refusal:
        for message in refusal.messages:
            messages.error(request, message)
    else:
        messages.success(
            request,
            _("Role approved: it takes effect now.")
            if approve
            else _("Role refused: the membership was removed."),
        )
    return redirect("exchanges_admin:role_grants")
