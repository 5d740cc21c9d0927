"""gunicorn settings for production: `gunicorn` (no arguments) in the project folder.

Every value can be overridden from the environment. Logs go to stdout as JSON lines,
like Django's. The access log leaves out query strings (a search may hold a name)
and the secret of upload links.
"""

import gc
import json
import logging
import multiprocessing
import os
import time

from gunicorn.glogging import Logger

from security.logging import JsonFormatter, redact

wsgi_app = "config.wsgi:application"
bind = os.environ.get("GUNICORN_BIND", f"0.0.0.0:{os.environ.get('PORT', '8000')}")
# Sync workers: requests are short; uploads are buffered by the proxy in front.
# Without REDIS_URL the caches live in each process's memory (config/settings.py):
# the public cache's generation, the used one-time codes and the login throttles
# would differ from worker to worker, so a withdrawn protocol would stay served by
# the workers that did not see the change, and a used code be accepted by another.
# One process with threads then keeps them one; with Redis, processes share them.
_CONCURRENCY = min(2 * multiprocessing.cpu_count() + 1, 8)
_SHARED_CACHE = bool(os.environ.get("REDIS_URL"))
workers = int(os.environ.get("WEB_CONCURRENCY", _CONCURRENCY if _SHARED_CACHE else 1))
threads = int(os.environ.get("GUNICORN_THREADS", 1 if _SHARED_CACHE else _CONCURRENCY))
if workers > 1 and not _SHARED_CACHE:
    logging.getLogger("gunicorn.error").warning(
        "%s worker processes without REDIS_URL: each keeps its own caches, so a "
        "change or a used one-time code is not seen by the others "
        "(docs/deployment.md, Redis).",
        workers,
    )
# Uploads of up to 200 MB and large exports need more than the default 30 s.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "120"))
graceful_timeout = 30
keepalive = 5
# Recycle workers now and then so a slow leak can never grow without bound.
max_requests = int(os.environ.get("GUNICORN_MAX_REQUESTS", "2000"))
max_requests_jitter = 200
# Load the application before forking: faster start, shared memory, and a broken
# configuration stops the master instead of every worker in turn.
preload_app = True
# The proxy in front sets X-Forwarded-For/-Proto; trust it only from these addresses.
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1")
# Request line and header limits: generous for Wagtail's admin, not unlimited.
limit_request_line = 8190
limit_request_fields = 100


def when_ready(server):
    """Once, in the master, after the application is preloaded and before the first
    worker is forked: put everything it created at start-up (Django, Wagtail, the
    models: some 200 000 objects) out of the garbage collector's reach. A worker's
    collections then scan only what its requests create, instead of walking the
    whole framework on every full collection, and the collector no longer writes to
    the memory pages the workers share with the master (reference counts still do).
    See gc.freeze() in Python's documentation."""
    gc.freeze()


# gunicorn's control socket is one fixed path per user: two instances on one host
# would fight over it, and nothing here uses it.
control_socket_disable = True

accesslog = "-"
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")


class JsonLogger(Logger):
    """gunicorn's own messages and the access log, as JSON lines on stdout."""

    def setup(self, cfg):
        super().setup(cfg)
        for handler in self.error_log.handlers:
            handler.setFormatter(JsonFormatter())
        for handler in self.access_log.handlers:  # access() writes the JSON itself
            handler.setFormatter(logging.Formatter("%(message)s"))

    def access(self, resp, req, environ, request_time):
        if not self.access_log_enabled:
            return
        status = str(resp.status).split(None, 1)[0]
        entry = {
            "time": time.strftime("%Y-%m-%dT%H:%M:%S"),
            "level": "INFO",
            "logger": "gunicorn.access",
            "method": environ.get("REQUEST_METHOD"),
            "path": redact(environ.get("PATH_INFO", "")),
            "status": int(status) if status.isdigit() else status,
            "bytes": getattr(resp, "sent", None),
            "duration_ms": round(request_time.total_seconds() * 1000, 1),
            "remote_addr": environ.get("REMOTE_ADDR"),
        }
        self.access_log.info(json.dumps(entry, ensure_ascii=False))


logger_class = JsonLogger
