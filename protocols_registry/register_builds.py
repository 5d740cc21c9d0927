"""Register documents built in the background: the register PDF and XLSX.

A request never builds the file itself: ``request_build`` returns the build of the
register as it is now, queuing one when there is none (a task, with Django's tasks
framework), and the task ``build_register_document`` makes the file, saying how far
it is in ``progress``. A build is outdated as soon as the register's content gives
another fingerprint; the next request then queues a new one. When a build is done,
the builds of the same scope older than the one before it are deleted, with their
files.

The task runs on the backend PROTOCOLS_REGISTRY_DOCUMENT_TASK_BACKEND names
(an alias of TASKS): in production the database backend, whose worker
(``manage.py db_worker``) builds the files; without one configured, the default
backend (immediate: in the request, as before).
"""

import datetime
import hashlib
import logging
import uuid

from django.conf import settings
from django.core.files.base import ContentFile
from django.db.models import Count, Max, Q
from django.utils import timezone, translation

try:
    # Django 6 has the tasks framework built in, and django-tasks-db then runs only
    # its tasks: the register builds must be those.
    from django.tasks import task
except ImportError:  # Django 5.2: the django-tasks backport
    from django_tasks import task

from protocols_registry.conf import get_setting
from protocols_registry.models import (
    Organisation,
    ProcessingActivity,
    Processor,
    ProtocolPage,
    RegisterDocumentBuild,
)
from protocols_registry.register_history import register_version

logger = logging.getLogger(__name__)

Build = RegisterDocumentBuild
# Raise when what a build puts in its file changes, so older files count as outdated.
LAYOUT_VERSION = "1"
# How long a request tells a client to wait before asking again (seconds).
RETRY_AFTER = 10
# A build still queued or running after this long is taken for lost (no worker, or
# one stopped mid-build): the next request queues another.
GIVE_UP_AFTER = datetime.timedelta(minutes=15)


def organisations_key(organisations):
    """The ``organisations`` value of an internal build for a set of ids (None: all)."""
    if organisations is None:
        return "all"
    return ",".join(str(pk) for pk in sorted(organisations))


def _internal_entries(organisations):
    activities = ProcessingActivity.objects.all()
    processors = Processor.objects.all()
    if organisations is not None:
        ids = sorted(organisations)
        activities = activities.of_controllers(ids)
        processors = processors.filter(controller_id__in=ids)
    return activities, processors


def _public_activities(page):
    activities = ProcessingActivity.objects.public()
    if page.controller_id:
        activities = activities.of_controller(page.controller_id)
    return activities


def _public_protocols():
    return ProtocolPage.objects.live().public().only("id", "reference")


def fingerprint(*, scope, kind, language, page=None, organisations=None):
    """What the file of this scope would be built from, as a hash: the entries'
    count and last change, the count of their history records (every save and
    many-to-many change of an entry adds one), the organisations and, for the
    public register, the published protocols it names. Only this scope's entries:
    another controller's changes leave the file current."""
    if scope == Build.Scope.PUBLIC:
        activities, processors = _public_activities(page), Processor.objects.none()
        protocols = ProtocolPage.objects.live().aggregate(
            n=Count("pk"), last=Max("last_published_at")
        )
    else:
        activities, processors = _internal_entries(organisations)
        protocols = {}
    parts = [
        LAYOUT_VERSION,
        scope,
        kind,
        language,
        page.pk if page is not None else organisations_key(organisations),
        activities.aggregate(n=Count("pk"), last=Max("updated_at")),
        processors.aggregate(n=Count("pk"), last=Max("updated_at")),
        _history_count(activities, processors),
        list(Organisation.objects.order_by("pk").values_list("pk", "name")),
        protocols,
    ]
    return hashlib.sha256(repr(parts).encode()).hexdigest()


def _history_count(activities, processors):
    return (
        ProcessingActivity.history.filter(id__in=activities.values("pk")).count()
        + Processor.history.filter(id__in=processors.values("pk")).count()
    )


def _builds_of(*, scope, kind, page=None, organisations=None):
    builds = Build.objects.filter(scope=scope, kind=kind)
    if scope == Build.Scope.PUBLIC:
        return builds.filter(register_page=page)
    return builds.filter(organisations=organisations_key(organisations))


def request_build(*, scope, kind, page=None, organisations=None, user=None):
    """The build of this scope for the register as it is now: a fresh one queued,
    running or done, or a new one queued. Never builds anything itself."""
    language = translation.get_language() or settings.LANGUAGE_CODE
    current = fingerprint(
        scope=scope,
        kind=kind,
        language=language,
        page=page,
        organisations=organisations,
    )
    builds = _builds_of(scope=scope, kind=kind, page=page, organisations=organisations)
    fresh = (
        builds.filter(fingerprint=current)
        .filter(
            Q(status=Build.Status.DONE)
            | Q(
                status__in=[Build.Status.QUEUED, Build.Status.RUNNING],
                created_at__gte=timezone.now() - GIVE_UP_AFTER,
            )
        )
        .order_by("-created_at", "-pk")
        .first()
    )
    if fresh is not None:
        return fresh
    build = Build.objects.create(
        scope=scope,
        kind=kind,
        register_page=page,
        organisations="" if page is not None else organisations_key(organisations),
        language=language,
        fingerprint=current,
        requested_by=user if user is not None and user.is_authenticated else None,
    )
    enqueue(build)
    build.refresh_from_db()
    return build


def enqueue(build):
    alias = get_setting("PROTOCOLS_REGISTRY_DOCUMENT_TASK_BACKEND")
    build_register_document.using(backend=alias).enqueue(build.pk)


def latest_done(*, scope, kind, page=None, organisations=None):
    return (
        _builds_of(scope=scope, kind=kind, page=page, organisations=organisations)
        .filter(status=Build.Status.DONE)
        .order_by("-finished_at", "-pk")
        .first()
    )


def public_document(page, kind="pdf"):
    """What the public register ``page`` serves as a file now, as (build, current):
    the build of the register as it is (current); while that one is still being
    made, the latest earlier build (not current); before any is done, (None, False).
    Asking queues the build the register needs."""
    build = request_build(scope=Build.Scope.PUBLIC, kind=kind, page=page)
    if build.status == Build.Status.DONE:
        return build, True
    return latest_done(scope=Build.Scope.PUBLIC, kind=kind, page=page), False


def user_may_read(user, build):
    """Only who reads every controller's register the build holds (the DPO or
    auditor of those organisations, a superuser) reads an internal build."""
    from protocols_registry.register_permissions import readable_organisations

    if build.scope != Build.Scope.INTERNAL:
        return False
    if not user.has_perm("protocols_registry.view_processingactivity"):
        return False
    readable = readable_organisations(user)
    if readable is None:
        return True
    held = build.organisation_ids()
    return held is not None and held <= readable


def download_name(build):
    stamp = timezone.localtime(build.finished_at or build.created_at)
    prefix = (
        "openbaar-verwerkingsregister"
        if build.scope == Build.Scope.PUBLIC
        else "verwerkingsregister"
    )
    return f"{prefix}-{stamp.date().isoformat()}.{build.kind}"


# The backend named at import: its framework's Task class is the one the task gets
# (on Django 6, Wagtail's "default" may still be the backport's); enqueue() still
# picks the backend named then.
@task(backend=get_setting("PROTOCOLS_REGISTRY_DOCUMENT_TASK_BACKEND"))
def build_register_document(build_id):
    """The task: build the file of ``build_id``. A failure is kept on the build (and
    logged); the next request queues a new one."""
    build = Build.objects.filter(pk=build_id).first()
    if build is None or build.status != Build.Status.QUEUED:
        return
    Build.objects.filter(pk=build.pk).update(
        status=Build.Status.RUNNING, started_at=timezone.now(), progress=0
    )
    try:
        with translation.override(build.language):
            content = _render(build)
    except Exception as error:
        logger.exception("Register document build %s failed", build.pk)
        Build.objects.filter(pk=build.pk).update(
            status=Build.Status.FAILED, error=repr(error)[:2000]
        )
        return
    build.refresh_from_db()
    build.file.save(
        f"{uuid.uuid4().hex}.{build.kind}", ContentFile(content), save=False
    )
    build.status = Build.Status.DONE
    build.progress = 100
    build.finished_at = timezone.now()
    build.save(update_fields=["file", "status", "progress", "finished_at"])
    prune(build)


def _progress_reporter(build, total):
    """Save the progress at most once per percent; the file's layout takes the last
    tenth."""
    state = {"last": -1}

    def report(count):
        percent = min(90, count * 90 // total) if total else 90
        if percent != state["last"]:
            state["last"] = percent
            Build.objects.filter(pk=build.pk).update(progress=percent)

    return report


def _render(build):
    from protocols_registry import register_export
    from protocols_registry.pdf.register import render_register_pdf

    if build.scope == Build.Scope.PUBLIC:
        page = build.register_page
        activities = _public_activities(page)
        queryset = register_export.export_queryset(
            activities, protocols=_public_protocols()
        )
        name = page.controller.name if page.controller_id else _installation_name()
        return render_register_pdf(
            organisation_name=name,
            version=register_version(
                [page.controller_id] if page.controller_id else None
            ),
            queryset=queryset,
            progress=_progress_reporter(build, activities.count()),
            public=True,
        )
    organisations = build.organisation_ids()
    activities, processors = _internal_entries(organisations)
    queryset = register_export.export_queryset(activities)
    report = _progress_reporter(build, activities.count())
    if build.kind == Build.Kind.XLSX:
        return register_export.xlsx_bytes(
            queryset, processors=processors, progress=report
        )
    return render_register_pdf(
        organisation_name=_organisations_name(organisations),
        version=register_version(organisations),
        queryset=queryset,
        processors=processors,
        progress=report,
    )


def _installation_name():
    return (
        get_setting("PROTOCOLS_REGISTRY_ORGANISATION_NAME")
        or settings.WAGTAIL_SITE_NAME
    )


def _organisations_name(organisations):
    if organisations is not None and len(organisations) == 1:
        only = Organisation.objects.filter(pk__in=organisations).first()
        if only is not None:
            return only.name
    return _installation_name()


def prune(build, keep_previous=1):
    """Delete the builds of ``build``'s scope that it supersedes, keeping the
    ``keep_previous`` newest done ones before it; their files go too."""
    others = _builds_of(
        scope=build.scope,
        kind=build.kind,
        page=build.register_page,
        organisations=build.organisation_ids()
        if build.scope == Build.Scope.INTERNAL
        else None,
    ).exclude(pk=build.pk)
    previous = list(
        others.filter(status=Build.Status.DONE)
        .order_by("-finished_at", "-pk")
        .values_list("pk", flat=True)[:keep_previous]
    )
    stale = others.filter(
        Q(status=Build.Status.DONE) | Q(status=Build.Status.FAILED),
        created_at__lte=build.created_at,
    ).exclude(pk__in=previous)
    for old in stale:
        if old.file:
            old.file.delete(save=False)
        old.delete()
