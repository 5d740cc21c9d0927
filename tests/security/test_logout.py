"""Logging out by any way ends the session on the server: whoever kept a copy of the
session cookie gets nothing with it afterwards.

A GET on either logout URL logs nobody out (a link or an image on another site must
not end a session): it shows the confirmation page and changes nothing, the cookie
included. A POST (the admin's menu, the confirmation's button) ends the session."""

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client

from tests.conftest import SecondFactorClient, make_user

pytestmark = pytest.mark.django_db

ENGINES = [
    "django.contrib.sessions.backends.db",
    # As in production with REDIS_URL: a copy in the cache must go as well.
    "django.contrib.sessions.backends.cached_db",
]


@pytest.fixture(params=ENGINES, ids=["db", "cached_db"])
def engine(request, settings):
    settings.SESSION_ENGINE = request.param


def _logged_in(username):
    client = SecondFactorClient()
    client.force_login(make_user(username, "DPO"))
    assert client.get("/admin/").status_code == 200
    return client, client.cookies[settings.SESSION_COOKIE_NAME].value


def _replay(session_key):
    """A stranger who copied the cookie."""
    stranger = Client()
    stranger.cookies[settings.SESSION_COOKIE_NAME] = session_key
    return stranger.get("/admin/")


def _ended(session_key):
    response = _replay(session_key)
    return (
        response.status_code == 302
        and response["Location"].startswith("/accounts/login/")
        and not Session.objects.filter(session_key=session_key).exists()
    )


@pytest.mark.parametrize("url", ["/admin/logout/", "/accounts/logout/"])
def test_a_post_ends_the_session_on_the_server(engine, url):
    client, key = _logged_in("dpo-post-out")
    response = client.post(url)
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/"
    assert _ended(key)
    assert client.get("/admin/").status_code == 302


@pytest.mark.parametrize("url", ["/admin/logout/", "/accounts/logout/"])
def test_a_get_only_asks_and_changes_nothing(engine, url):
    client, key = _logged_in("dpo-get-out")
    response = client.get(url, follow=True)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'action="/accounts/logout/"' in html and 'method="post"' in html
    for answer in [response, *(r for r, _status in response.redirect_chain)]:
        cookie = getattr(answer, "cookies", {}).get(settings.SESSION_COOKIE_NAME)
        assert cookie is None or cookie.value == key, "the cookie was dropped"
    assert client.cookies[settings.SESSION_COOKIE_NAME].value == key
    assert _replay(key).status_code == 200  # still one valid session, as shown
    confirmed = client.post("/accounts/logout/")
    assert confirmed.status_code == 302
    assert _ended(key)


@pytest.mark.parametrize("method", ["put", "delete", "patch"])
def test_other_methods_change_nothing_either(engine, method):
    client, key = _logged_in("dpo-put-out")
    response = getattr(client, method)("/admin/logout/")
    assert response.status_code == 405
    assert settings.SESSION_COOKIE_NAME not in response.cookies
    assert client.get("/admin/").status_code == 200
