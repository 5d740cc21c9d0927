"""/healthz: ok or not ok for anyone, the failing part only for administrators."""

import json

import pytest


def test_a_healthy_server_says_ok_and_nothing_more(db, client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert json.loads(response.content) == {"status": "ok"}
    assert "no-cache" in response["Cache-Control"]


def test_an_administrator_sees_each_check(db, client, admin_user):
    client.force_login(admin_user)
    body = json.loads(client.get("/healthz").content)
    assert body == {
        "status": "ok",
        "checks": {"database": "ok", "cache": "ok", "storage": "ok"},
    }


@pytest.fixture
def unreachable_cache(settings):
    # Nothing listens on port 1: every cache call fails at once.
    settings.CACHES = {
        alias: {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",  # production's
            "LOCATION": "redis://127.0.0.1:1/0",
        }
        for alias in ("default", "pages")
    }


def test_an_unreachable_cache_makes_it_not_ok(db, client, unreachable_cache, caplog):
    response = client.get("/healthz")
    assert response.status_code == 503
    assert json.loads(response.content) == {"status": "not ok"}
    assert [
        r.getMessage() for r in caplog.records if r.name == "operations.health"
    ] == ["Health check cache failed: ConnectionError"]


def test_the_administrator_learns_which_part_failed(
    db, client, admin_user, unreachable_cache
):
    client.force_login(admin_user)
    body = json.loads(client.get("/healthz").content)
    assert body["checks"]["cache"] == "not ok"
    assert body["checks"]["database"] == "ok"


def test_a_load_balancer_can_leave_the_cache_out(db, client, unreachable_cache):
    # Public pages do without the cache, so a load balancer may keep the servers in.
    response = client.get("/healthz?only=database,storage")
    assert response.status_code == 200
    assert json.loads(response.content) == {"status": "ok"}
    assert client.get("/healthz?only=cache").status_code == 503


def test_an_unknown_check_is_refused_by_name(db, client):
    response = client.get("/healthz?only=database,disk")
    assert response.status_code == 400
    assert "database, cache, storage" in json.loads(response.content)["error"]
