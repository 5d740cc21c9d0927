"""Register documents built in the background (protocols_registry.register_builds):
the DPO's progress page, its JSON, the download, and the public register PDF.

None of these views builds a file: they queue a build, report on it or serve it.
"""

from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.cache import add_never_cache_headers, patch_cache_control
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe
from wagtail.models import Site

from protocols_registry import register_builds
from protocols_registry.files import serve_file
from protocols_registry.models import ProcessingRegisterPage, RegisterDocumentBuild

CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}


def serve_build(build, *, public):
    return serve_file(
        build.file,
        register_builds.download_name(build),
        CONTENT_TYPES[build.kind],
        public=public,
    )


def internal_export(request, fmt, organisations):
    """The admin export of the PDF or XLSX: the file when a fresh build is done,
    otherwise the progress page of the build now queued or running."""
    build = register_builds.request_build(
        scope=RegisterDocumentBuild.Scope.INTERNAL,
        kind=fmt,
        organisations=organisations,
        user=request.user,
    )
    if build.status == RegisterDocumentBuild.Status.DONE:
        return serve_build(build, public=False)
    return redirect("protocols_registry_admin:register_build", build.pk)


def _readable_build(request, pk):
    build = get_object_or_404(RegisterDocumentBuild, pk=pk)
    # Another scope's build is not found rather than refused: it reveals nothing.
    if not register_builds.user_may_read(request.user, build):
        raise Http404
    return build


def _finished(build):
    if build.finished_at is None:
        return ""
    when = formats.date_format(timezone.localtime(build.finished_at), "j F Y H:i T")
    return _("Built on %(date)s.") % {"date": when}


@require_safe
def build_progress(request, pk):
    build = _readable_build(request, pk)
    response = TemplateResponse(
        request,
        "protocols_registry/admin/register_build.html",
        {
            "build": build,
            "finished": _finished(build),
            "status_url": reverse(
                "protocols_registry_admin:register_build_status", args=[build.pk]
            ),
            "download_url": reverse(
                "protocols_registry_admin:register_build_download", args=[build.pk]
            ),
        },
    )
    add_never_cache_headers(response)
    return response


@require_safe
def build_status(request, pk):
    build = _readable_build(request, pk)
    done = build.status == RegisterDocumentBuild.Status.DONE
    response = JsonResponse(
        {
            "status": build.status,
            "label": str(build.get_status_display()),
            "progress": build.progress,
            "finished": _finished(build),
            "download_url": (
                reverse(
                    "protocols_registry_admin:register_build_download",
                    args=[build.pk],
                )
                if done
                else None
            ),
        }
    )
    add_never_cache_headers(response)
    return response


@require_safe
def build_download(request, pk):
    build = _readable_build(request, pk)
    if build.status != RegisterDocumentBuild.Status.DONE:
        raise Http404
    return serve_build(build, public=False)


def _register_page(request, register_path):
    site = Site.find_for_request(request)
    if site is None:
        raise Http404
    page = site.root_page.specific.route(request, register_path.split("/")).page
    page = page.specific
    if (
        not isinstance(page, ProcessingRegisterPage)
        or not page.live
        or page.get_view_restrictions().exists()
    ):
        raise Http404
    return page


@require_safe
def public_register_pdf(request, register_path):
    """<register>/export.pdf: the public register as PDF, from the latest build.

    While the register has changed since, a new build is queued and the previous
    file served; before the first build is done, 503 with Retry-After."""
    page = _register_page(request, register_path)
    build, current = register_builds.public_document(page, kind="pdf")
    if build is not None and current:
        return serve_build(build, public=True)
    if build is not None:
        # Outdated while the new one builds: anyone may read it, but the HTTP
        # cache in front must not keep it, or it would outlive the new build (no
        # purge follows a build; the register change that started it was the purge).
        response = serve_build(build, public=True)
        del response["Cache-Control"]
        patch_cache_control(response, public=True, no_cache=True)
        return response
    response = HttpResponse(
        _(
            "The register is being prepared as a PDF. Please try again in a few "
            "seconds."
        ),
        status=503,
        content_type="text/plain; charset=utf-8",
    )
    response["Retry-After"] = str(register_builds.RETRY_AFTER)
    add_never_cache_headers(response)
    return response
