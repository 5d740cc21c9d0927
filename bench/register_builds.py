"""The register PDF built in the background (issue 22, point 5): the request that
asks for it, and the build by the worker, measured apart.

The request goes through the admin export view as a superuser (the whole register);
it must only queue the build. The worker is the real one (``db_worker`` of the
database queue), run once over what is queued, as the systemd unit does for ever.
"""

import time

REQUEST_TARGET = 0.200  # seconds
BUILD_TARGET = 10.0  # seconds


def register_pdf_in_background():
    """(request seconds, build seconds, build CPU seconds, activities, PDF size in
    bytes). The CPU seconds are this process's (the worker runs in it, Typst's
    threads included): on a shared machine they say what the build costs when
    the wall-clock figure also holds the time spent waiting for a core."""
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.test import RequestFactory

    from protocols_registry.conf import get_setting
    from protocols_registry.models import ProcessingActivity, RegisterDocumentBuild
    from protocols_registry.views.register_admin import register_export_view

    user, _created = get_user_model().objects.get_or_create(
        username="bench-register-admin",
        defaults={"is_superuser": True, "is_staff": True},
    )
    RegisterDocumentBuild.objects.all().delete()  # a throw-away database
    request = RequestFactory().get("/admin/protocols-registry/register/export.pdf")
    request.user = user
    started = time.perf_counter()
    response = register_export_view(request, "pdf")
    request_seconds = time.perf_counter() - started
    build = RegisterDocumentBuild.objects.get()
    if response.status_code != 302 or build.status != build.Status.QUEUED:
        raise RuntimeError(
            "The register PDF was built in the request: is the document task "
            "backend the database queue (DJANGO_DOCUMENT_TASKS=database)?"
        )

    started, cpu_started = time.perf_counter(), time.process_time()
    call_command(
        "db_worker",
        "--batch",
        "--backend",
        get_setting("PROTOCOLS_REGISTRY_DOCUMENT_TASK_BACKEND"),
        "--no-startup-delay",
        "--no-reload",
        verbosity=0,
    )
    build_seconds = time.perf_counter() - started
    build_cpu_seconds = time.process_time() - cpu_started
    build.refresh_from_db()
    with build.file.open("rb") as handle:
        is_pdf = handle.read(4) == b"%PDF"
    if build.status != build.Status.DONE or build.progress != 100 or not is_pdf:
        raise RuntimeError(f"The register PDF build ended {build.status}.")
    return (
        request_seconds,
        build_seconds,
        build_cpu_seconds,
        ProcessingActivity.objects.count(),
        build.file.size,
    )
