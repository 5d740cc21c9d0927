"""Admin downloads of the register (GDPR art. 30(4)): PDF, CSV and XLSX."""

from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse, StreamingHttpResponse
from django.utils import timezone
from django.views.decorators.http import require_safe

from protocols_registry import register_export
from protocols_registry.conf import get_setting
from protocols_registry.pdf.register import render_register_pdf
from protocols_registry.register_history import register_version

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}


@require_safe
def register_export_view(request, fmt):
    if fmt not in CONTENT_TYPES:
        raise Http404
    if not request.user.has_perm("protocols_registry.view_processingactivity"):
        raise PermissionDenied
    filename = f"verwerkingsregister-{timezone.localdate().isoformat()}.{fmt}"
    if fmt == "csv":
        response = StreamingHttpResponse(
            register_export.csv_lines(), content_type=CONTENT_TYPES[fmt]
        )
    elif fmt == "xlsx":
        response = HttpResponse(
            register_export.xlsx_bytes(), content_type=CONTENT_TYPES[fmt]
        )
    else:
        response = HttpResponse(
            render_register_pdf(
                organisation_name=(
                    get_setting("PROTOCOLS_REGISTRY_ORGANISATION_NAME")
                    or settings.WAGTAIL_SITE_NAME
                ),
                version=register_version(),
            ),
            content_type=CONTENT_TYPES[fmt],
        )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response
