"""Small helpers shared by the tests."""

import os

from django.core.signals import request_finished
from django.db import close_old_connections


def close_file(response):
    """Close a FileResponse like a server would, without closing the test's
    database connection (request_finished would, as the test client knows)."""
    request_finished.disconnect(close_old_connections)
    try:
        response.close()
    finally:
        request_finished.connect(close_old_connections)


def streamed_bytes(response):
    """The whole body of a streaming response, closing it afterwards."""
    body = b"".join(response.streaming_content)
    close_file(response)
    return body


def ensure_site():
    """Put back what the migrations created (root page, home page, default site):
    a transactional test before this one flushed the database."""
    from wagtail.models import Locale, Page, Site

    from home.models import HomePage

    if HomePage.objects.exists():
        return
    locale, _ = Locale.objects.get_or_create(language_code="nl-be")
    root = Page.get_first_root_node() or Page.add_root(
        instance=Page(title="Root", slug="root", locale=locale)
    )
    home = HomePage(
        title="Welkom",
        slug="home",
        organisation_name="OCMW Gent",
        intro="<p>Protocollen volgens het decreet van 18 juli 2008.</p>",
        locale=locale,
    )
    root.add_child(instance=home)
    Site.objects.all().delete()
    Site.objects.create(
        hostname="localhost",
        root_page=home,
        is_default_site=True,
        site_name="Protocolregister OCMW Gent",
    )


# The Redis the tests that need a real one use (CI runs one; a laptop may not).
REDIS_URL = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
# The page cache's (production gives it a Redis server of its own; another database
# of the same server is enough for a test that does not fill it).
REDIS_PAGE_CACHE_URL = os.environ.get(
    "REDIS_PAGE_CACHE_URL", "redis://127.0.0.1:6379/1"
)


def redis_client(url=REDIS_URL):
    """A client of REDIS_URL (or ``url``), or None when no Redis answers there."""
    import redis

    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=1)
        client.ping()
    except redis.RedisError:
        return None
    return client
