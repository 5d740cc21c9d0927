"""The production gunicorn settings (gunicorn.conf.py), read as gunicorn reads them."""

import gc
import runpy
from pathlib import Path

CONF = Path(__file__).resolve().parents[2] / "gunicorn.conf.py"


class _StartUpObject:
    pass


def _collected(thing):
    return any(tracked is thing for tracked in gc.get_objects())


def test_workers_are_forked_with_the_preloaded_application_frozen():
    # gunicorn calls when_ready once, after preloading and before the first fork.
    conf = runpy.run_path(str(CONF))
    assert conf["preload_app"] is True
    made_at_start_up = _StartUpObject()
    gc.unfreeze()
    assert _collected(made_at_start_up)
    try:
        conf["when_ready"](server=None)
        # Out of the collector's reach: no collection in a worker walks it again.
        assert not _collected(made_at_start_up)
        assert gc.get_freeze_count() > 1000
    finally:
        gc.unfreeze()


def test_without_a_shared_cache_one_process_serves_with_threads(monkeypatch):
    """Without Redis each process keeps its own caches (the public cache's
    generation, used one-time codes): several would disagree."""
    monkeypatch.delenv("REDIS_URL", raising=False)
    monkeypatch.delenv("WEB_CONCURRENCY", raising=False)
    monkeypatch.delenv("GUNICORN_THREADS", raising=False)
    alone = runpy.run_path(str(CONF))
    assert alone["workers"] == 1 and alone["threads"] > 1
    monkeypatch.setenv("REDIS_URL", "redis://redis.internal:6379/0")
    shared = runpy.run_path(str(CONF))
    assert shared["workers"] > 1 and shared["threads"] == 1
    monkeypatch.setenv("WEB_CONCURRENCY", "3")
    assert runpy.run_path(str(CONF))["workers"] == 3
