"""Admin downloads of the register (GDPR art. 30(4)): PDF, CSV and XLSX.

Each holds only the entries the user may read (register_permissions): a DPO or an
auditor gets their organisations' registers, a superuser everything.
``?controller=<id>`` narrows it to one of those organisations.
"""

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.views.decorators.http import require_safe

from protocols_registry import register_export
from protocols_registry.conf import get_setting
from protocols_registry.models import Organisation, ProcessingActivity, Processor
from protocols_registry.pdf.register import render_register_pdf
from protocols_registry.register_history import register_version
from protocols_registry.register_permissions import readable, readable_organisations

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


def _organisation_name(request, controller):
    if controller is not None:
        return controller.name
    organisations = readable_organisations(request.user)
    if organisations is not None and len(organisations) == 1:
        only = Organisation.objects.filter(pk__in=organisations).first()
        if only is not None:
            return only.name
    return (
        get_setting("PROTOCOLS_REGISTRY_ORGANISATION_NAME")
        or settings.WAGTAIL_SITE_NAME
    )


@require_safe
def register_export_view(request, fmt):
    if fmt not in CONTENT_TYPES:
        raise Http404
    if not request.user.has_perm("protocols_registry.view_processingactivity"):
        raise PermissionDenied
    controller = _controller(request)
    activities = readable(request.user, ProcessingActivity)
    processors = readable(request.user, Processor)
    if controller is not None:
        activities = activities.of_controller(controller)
        processors = processors.filter(controller=controller)
    queryset = register_export.export_queryset(activities)
    filename = f"verwerkingsregister-{timezone.localdate().isoformat()}.{fmt}"
    if fmt == "csv":
        response = StreamingHttpResponse(
            register_export.csv_lines(queryset), content_type=CONTENT_TYPES[fmt]
        )
    elif fmt == "xlsx":
        response = HttpResponse(
            register_export.xlsx_bytes(queryset, processors=processors),
            content_type=CONTENT_TYPES[fmt],
        )
    else:
        response = HttpResponse(
            render_register_pdf(
                organisation_name=_organisation_name(request, controller),
                version=register_version(
                    [controller.pk]
                    if controller is not None
                    else readable_organisations(request.user)
                ),
                queryset=queryset,
                processors=processors,
            ),
            content_type=CONTENT_TYPES[fmt],
        )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response
