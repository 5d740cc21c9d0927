"""Admin downloads of the register (GDPR art. 30(4)): PDF, CSV and XLSX.

Each holds only the entries the user may read (register_permissions): a DPO or an
auditor gets their organisations' registers, a superuser everything.
``?controller=<id>`` narrows it to one of those organisations. The PDF and XLSX
are built in the background (views/register_builds.py); the CSV streams.
"""

from django.core.exceptions import PermissionDenied
from django.http import Http404, StreamingHttpResponse
from django.utils import timezone
from django.views.decorators.http import require_safe

from protocols_registry import register_export
from protocols_registry.models import Organisation, ProcessingActivity
from protocols_registry.register_permissions import readable, readable_organisations
from protocols_registry.views.register_builds import internal_export

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}


def _controller(request):
    """The organisation asked for with ``?controller=``, if the user reads it."""
    raw = request.GET.get("controller", "")
    if not raw:
        return None
    if not raw.isdigit():
        raise Http404
    organisations = readable_organisations(request.user)
    if organisations is not None and int(raw) not in organisations:
        raise Http404
    controller = Organisation.objects.filter(pk=int(raw)).first()
    if controller is None:
        raise Http404
    return controller


@require_safe
def register_export_view(request, fmt):
    if fmt not in CONTENT_TYPES:
        raise Http404
    if not request.user.has_perm("protocols_registry.view_processingactivity"):
        raise PermissionDenied
    controller = _controller(request)
    if fmt != "csv":
        # The PDF and XLSX take long on a large register: built by a task
        # (register_builds), never in this request.
        return internal_export(
            request,
            fmt,
            {controller.pk}
            if controller is not None
            else readable_organisations(request.user),
        )
    activities = readable(request.user, ProcessingActivity)
    if controller is not None:
        activities = activities.of_controller(controller)
    queryset = register_export.export_queryset(activities)
    filename = f"verwerkingsregister-{timezone.localdate().isoformat()}.{fmt}"
    response = StreamingHttpResponse(
        register_export.csv_lines(queryset), content_type=CONTENT_TYPES[fmt]
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response
