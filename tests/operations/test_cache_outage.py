"""While the shared cache (Redis) is down, staff pages and the login answer a 503
page that says so, in Dutch (English under /en/), with Retry-After and no detail;
citizens keep reading the public site.

The cache is the production backend pointed at a closed port: a real redis client
that gets "connection refused", as in a Redis outage."""

import pytest
from django.test import Client

from tests.conftest import SecondFactorClient
from tests.factories import build_protocol

pytestmark = pytest.mark.django_db

# Both shared caches (the security state's and the public pages'), as production's.
UNREACHABLE = {
    alias: {
        "BACKEND": "django.core.cache.backends.redis.RedisCache",
        "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens on port 1
    }
    for alias in ("default", "pages")
}
DETAIL = ("Traceback", "ConnectionError", "Error 111", "127.0.0.1:1", "redis")


@pytest.fixture
def production_sessions(settings):
    # As with REDIS_URL set: sessions in the database, read through the cache.
    settings.SESSION_ENGINE = "django.contrib.sessions.backends.cached_db"


@pytest.fixture
def staff_client(production_sessions, editor_user):
    client = SecondFactorClient()
    client.force_login(editor_user)
    assert client.get("/admin/").status_code == 200
    return client


def redis_goes_down(settings):
    settings.CACHES = UNREACHABLE


def assert_outage_page(response, language="nl"):
    assert response.status_code == 503
    assert int(response["Retry-After"]) > 0
    assert "no-store" in response["Cache-Control"]
    html = response.content.decode()
    for detail in DETAIL:
        assert detail not in html, detail
    if language == "nl":
        assert '<html lang="nl">' in html
        assert "Tijdelijk niet beschikbaar" in html
        assert "Probeer het over enkele minuten opnieuw" in html
    else:
        assert '<html lang="en">' in html
        assert "Temporarily unavailable" in html
        assert "Try again in a few minutes" in html


def test_a_logged_in_staff_member_gets_the_outage_page(staff_client, settings, caplog):
    redis_goes_down(settings)
    for path in ("/admin/", "/admin/pages/", "/accounts/2fa/"):
        caplog.clear()
        assert_outage_page(staff_client.get(path))
        assert "127.0.0.1:1" not in caplog.text
        assert "Traceback" not in caplog.text
    assert_outage_page(staff_client.post("/admin/pages/add_subpage/3/", {}))


def test_the_login_answers_the_outage_page_before_asking_for_a_password(
    production_sessions, settings, editor_user
):
    redis_goes_down(settings)
    client = Client()
    assert_outage_page(client.get("/accounts/login/"))
    assert_outage_page(client.get("/admin/"))
    assert_outage_page(
        client.post("/accounts/login/", {"login": "editor-test", "password": "x"})
    )


def test_english_under_en(staff_client, settings):
    build_protocol()
    redis_goes_down(settings)
    assert_outage_page(staff_client.get("/en/"), language="en")


def test_a_session_the_cache_could_not_keep_is_not_ended_or_lost(
    staff_client, settings
):
    """Logging out while Redis is down would delete the session from the database
    but leave its copy in Redis, alive again once Redis returns: the logout is
    refused with the rest, and works once the cache is back."""
    key = staff_client.cookies["sessionid"].value
    redis_goes_down(settings)
    assert_outage_page(staff_client.post("/accounts/logout/"))
    from django.contrib.sessions.models import Session

    assert Session.objects.filter(session_key=key).exists()


def test_citizens_keep_reading_the_public_site(production_sessions, settings):
    page = build_protocol(title="Protocol tijdens een storing")
    page_url, list_url = page.url, page.get_parent().url  # before: Wagtail caches
    redis_goes_down(settings)
    citizen = Client()
    for url in (page_url, list_url, "/", "/en/"):
        response = citizen.get(url)
        assert response.status_code == 200, url
    assert "Protocol tijdens een storing" in citizen.get(page_url).content.decode()
    assert citizen.get("/healthz?only=database,storage").status_code == 200
    assert citizen.get("/healthz").status_code == 503


def test_a_healthy_cache_changes_nothing(staff_client):
    assert staff_client.get("/admin/").status_code == 200
    assert Client().get("/accounts/login/").status_code == 200


def test_staff_carry_on_with_the_same_session_once_redis_is_back(
    production_sessions, settings, editor_user
):
    """With a real Redis: working, down (503), back (the same session works)."""
    import uuid

    from tests.helpers import REDIS_URL, redis_client

    redis = redis_client()
    if redis is None:
        pytest.skip(f"no Redis answers at {REDIS_URL}")
    prefix = f"outage-test-{uuid.uuid4().hex[:8]}"
    settings.CACHES = {
        alias: {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": f"{prefix}-{alias}",
        }
        for alias in ("default", "pages")
    }
    try:
        client = SecondFactorClient()
        client.force_login(editor_user)
        assert client.get("/admin/").status_code == 200
        healthy = settings.CACHES
        redis_goes_down(settings)
        assert_outage_page(client.get("/admin/"))
        settings.CACHES = healthy
        assert client.get("/admin/").status_code == 200
    finally:
        for key in redis.scan_iter(f"{prefix}-*"):
            redis.delete(key)
