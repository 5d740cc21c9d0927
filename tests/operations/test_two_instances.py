"""Two app servers (gunicorn, two workers each) on one PostgreSQL and one Redis, as
behind a load balancer: a publication through one is served by the other at once,
their audit appends form one chain, and retention started on both deletes each
transfer once.

Needs PostgreSQL (DATABASE_URL) and Redis (REDIS_URL, default 127.0.0.1:6379);
skipped otherwise, unless REQUIRE_MULTI_INSTANCE=1 (CI) turns the skip into a
failure.
"""

import datetime
import os
import re
import socket
import subprocess
import sys
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests
from django.db import connection
from django.urls import reverse

from exchanges import audit
from exchanges.models import AuditEvent, DeletionEvidence, Transfer
from protocols_registry import roles
from tests.conftest import SecondFactorClient, make_user
from tests.exchanges.conftest import attach_payload, expire, make_transfer
from tests.factories import build_protocol, protocol_index
from tests.helpers import REDIS_PAGE_CACHE_URL, REDIS_URL, ensure_site, redis_client

ROOT = Path(__file__).resolve().parents[2]


def _missing_services():
    if connection.vendor != "postgresql":
        return "several app servers need PostgreSQL (set DATABASE_URL)"
    if redis_client() is None:
        return f"several app servers need Redis; none answers at {REDIS_URL}"
    return None


@pytest.fixture
def services_needed(transactional_db):
    ensure_site()
    missing = _missing_services()
    if missing:
        if os.environ.get("REQUIRE_MULTI_INSTANCE") == "1":
            pytest.fail(missing)
        pytest.skip(missing)


def _free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def server_env(services_needed, flushable_audit_log):
    """The environment of a production app server, pointing at the test database
    and a Redis namespace of its own."""
    prefix = f"two-instances-{uuid.uuid4().hex[:8]}"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.settings",
        "DATABASE_URL": "postgres://{USER}@{HOST}:{PORT}/{NAME}".format(
            **connection.settings_dict
        ),
        "REDIS_URL": REDIS_URL,
        "REDIS_PAGE_CACHE_URL": REDIS_PAGE_CACHE_URL,
        "CACHE_KEY_PREFIX": prefix,
        "ALLOWED_HOSTS": "127.0.0.1",
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        # As behind the load balancer: the client's address comes from it.
        "DJANGO_TRUSTED_PROXY_COUNT": "1",
        "PYTHONPATH": str(ROOT),
    }
    env.pop("DJANGO_DEBUG", None)
    yield env
    for client in (redis_client(), redis_client(REDIS_PAGE_CACHE_URL)):
        for key in client.scan_iter(f"{prefix}:*"):
            client.delete(key)


def _start(env):
    port = _free_port()
    process = subprocess.Popen(
        [
            str(Path(sys.executable).with_name("gunicorn")),
            "--config",
            str(ROOT / "gunicorn.conf.py"),
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "2",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    for _ in range(150):
        try:
            if requests.get(url + "/healthz", timeout=2).status_code == 200:
                return process, url
        except requests.ConnectionError:
            time.sleep(0.2)
    process.kill()
    raise AssertionError("the app server did not answer /healthz within 30 s")


@pytest.fixture
def two_servers(server_env):
    started = [_start(server_env), _start(server_env)]
    yield [url for _, url in started]
    for process, _ in started:
        process.terminate()
        process.wait(timeout=20)


def _session_of(user):
    """Cookies of a logged-in session (password and second factor), made the way
    the test client makes it; both servers find it in the shared database."""
    client = SecondFactorClient()
    client.force_login(user)
    return {"sessionid": client.cookies["sessionid"].value}


def _post_form(base, path, cookies, data=None):
    """GET a form, then POST it back with its CSRF token, as a browser would."""
    form = requests.get(base + path, cookies=cookies, timeout=10)
    assert form.status_code == 200, (path, form.status_code)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text).group(1)
    cookies = {**cookies, "csrftoken": form.cookies["csrftoken"]}
    response = requests.post(
        base + path,
        data={"csrfmiddlewaretoken": token, **(data or {})},
        cookies=cookies,
        allow_redirects=False,
        timeout=30,
    )
    assert response.status_code == 302, (path, response.status_code)


def test_a_publication_on_one_server_is_served_by_the_other(two_servers, server_env):
    first, second = two_servers
    index = protocol_index()
    visible = build_protocol(title="Protocol dat al gepubliceerd was", index=index)
    draft = build_protocol(
        title="Protocol dat via de eerste server verschijnt", index=index, publish=False
    )
    # Editors no longer publish (the protocol workflow does); the administrator
    # still may, and what matters here is the other server's cache.
    admin = make_user("admin-two-servers", superuser=True)
    cookies = _session_of(admin)

    listing = requests.get(second + index.url, timeout=10)
    assert visible.title in listing.text and draft.title not in listing.text
    cached = redis_client(REDIS_PAGE_CACHE_URL).keys(
        f"{server_env['CACHE_KEY_PREFIX']}:*protocols_registry:page:*"
    )
    assert cached, "the second server did not cache the public list"
    assert requests.get(second + draft.url, timeout=10).status_code == 404

    publish = reverse("wagtail_bulk_action", args=("wagtailcore", "page", "publish"))
    _post_form(first, f"{publish}?id={draft.pk}", cookies)

    listing = requests.get(second + index.url, timeout=10)
    assert draft.title in listing.text
    assert requests.get(second + draft.url, timeout=10).status_code == 200

    unpublish = reverse("wagtailadmin_pages:unpublish", args=(visible.pk,))
    _post_form(first, unpublish, cookies)
    assert requests.get(second + visible.url, timeout=10).status_code == 404
    assert visible.title not in requests.get(second + index.url, timeout=10).text


def test_audit_appends_from_both_servers_form_one_chain(two_servers):
    """Refused upload links are audited, the first of each client at once: 60
    clients, at once, across both servers and their four workers."""
    before = AuditEvent.objects.count()

    def refused(n):
        base = two_servers[n % 2]
        return requests.get(
            f"{base}/uitwisseling/upload/no-such-link-{n}/",
            headers={"X-Forwarded-For": f"192.0.2.{n + 1}"},
            timeout=30,
        )

    with ThreadPoolExecutor(max_workers=12) as pool:
        statuses = [r.status_code for r in pool.map(refused, range(60))]
    assert set(statuses) == {404} or all(s < 500 for s in statuses), statuses
    assert AuditEvent.objects.count() == before + 60
    sequences = list(
        AuditEvent.objects.order_by("sequence").values_list("sequence", flat=True)
    )
    assert sequences == list(range(1, len(sequences) + 1))
    assert audit.verify_chain()[0]


def test_retention_started_on_both_servers_deletes_each_transfer_once(server_env):
    protocol = build_protocol(
        title="Protocol met verlopen uitwisselingen",
        decision_date=datetime.date(2025, 3, 13),
    )
    officer = make_user("officer-two-servers", roles.EXCHANGE_OFFICER)
    due = []
    for _ in range(30):
        transfer = make_transfer(protocol, officer)
        attach_payload(transfer, officer)
        expire(transfer)  # the clock passed its date
        due.append(transfer.pk)

    def enforce():
        return subprocess.run(
            [sys.executable, "manage.py", "enforce_retention"],
            cwd=ROOT,
            env=server_env,
            capture_output=True,
            text=True,
            timeout=120,
        )

    with ThreadPoolExecutor(max_workers=2) as pool:
        runs = list(pool.map(lambda _: enforce(), range(2)))
    for run in runs:
        assert run.returncode == 0, run.stderr[-2000:]
    written = [int(re.search(r"(\d+) deletion", run.stdout).group(1)) for run in runs]
    assert sum(written) == len(due)
    for pk in due:
        # Once for the transfer, once for its file, whichever server did each.
        subjects = DeletionEvidence.objects.filter(transfer_id=pk).values_list(
            "subject", flat=True
        )
        assert sorted(subjects) == ["payload", "transfer"]
        assert Transfer.objects.get(pk=pk).status == Transfer.Status.DELETED
    assert audit.verify_chain()[0]
