"""/healthz for load balancers and monitoring: is this app server able to serve?

It checks what every request may need: the database, the shared caches (each alias
in CACHES: the security state and the public pages) and the file storages (object storage in production), or only those named in ``?only=``.
Anonymous callers learn only "ok" or "not ok" (with 200 or 503); an administrator
also sees which part failed. Failures are logged with the exception type only:
connection strings may hold passwords.
"""

import logging
import uuid

from django.conf import settings
from django.core.cache import caches
from django.core.files.storage import storages
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_safe

from exchanges.storage import payload_storage

logger = logging.getLogger("operations.health")


def _database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def _cache():
    for alias in settings.CACHES:
        cache = caches[alias]
        key, value = f"healthz:{uuid.uuid4().hex}", uuid.uuid4().hex
        cache.set(key, value, 10)
        if cache.get(key) != value:
            raise RuntimeError("the cache did not return what was just stored")
        cache.delete(key)


def _storage():
    # A lookup of a name that never exists: reaches the store without writing.
    for storage in {
        id(s): s for s in (storages["default"], payload_storage())
    }.values():
        storage.exists("healthz-probe-never-stored")


CHECKS = {"database": _database, "cache": _cache, "storage": _storage}


def run_checks(names=None):
    results = {}
    for name in names or CHECKS:
        check = CHECKS[name]
        try:
            check()
        except Exception as error:  # noqa: BLE001 - any failure means "not ok"
            logger.error("Health check %s failed: %s", name, type(error).__name__)
            results[name] = "not ok"
        else:
            results[name] = "ok"
    return results


@never_cache
@require_safe
def healthz(request):
    # ?only=database,storage: a load balancer that should keep serving citizens
    # while the shared cache is down (public pages do without it) leaves the cache
    # out; monitoring asks for everything.
    names = [name for name in request.GET.get("only", "").split(",") if name]
    if any(name not in CHECKS for name in names):
        return JsonResponse(
            {"status": "not ok", "error": f"only: choose from {', '.join(CHECKS)}"},
            status=400,
        )
    results = run_checks(names)
    healthy = all(value == "ok" for value in results.values())
    body = {"status": "ok" if healthy else "not ok"}
    if request.user.is_authenticated and request.user.is_superuser:
        body["checks"] = results
    return JsonResponse(body, status=200 if healthy else 503)
