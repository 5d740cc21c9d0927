"""A real browser (Debian's chromium, driven by Playwright) against the live test
server, with the demo content and demo users who log in with a second factor."""

import os
import shutil
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in the test thread; Django's ORM calls
# from that thread are still synchronous and safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts" / "screenshots"
DOC_SCREENSHOTS = ROOT / "docs" / "screenshots"
BROWSER_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]


def pytest_collection_modifyitems(config, items):
    if Path(CHROMIUM).exists():
        return
    skip = pytest.mark.skip(
        reason="Debian's chromium is not installed (apt-get install -y chromium; "
        ".ci/run installs it): the browser journeys need a real browser."
    )
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(skip)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(
            executable_path=CHROMIUM, args=BROWSER_ARGS
        )
        yield instance
        instance.close()


@pytest.fixture
def site(live_server, tmp_path, settings):
    """The demo site on the live server: home page, seed protocol, register,
    transfers, and demo users with known TOTP secrets."""
    from allauth.mfa.totp.internal.auth import TOTP, generate_totp_secret
    from django.contrib.auth import get_user_model
    from django.core.cache import cache
    from django.core.management import call_command
    from django.db import connection

    from tests.helpers import ensure_site

    cache.clear()  # used TOTP codes of an earlier test
    settings.DEMO_CREDENTIALS_FILE = tmp_path / "demo-credentials.txt"
    settings.AXES_ENABLED = False
    ensure_site()  # an earlier live-server test flushed the database
    os.environ["DEMO_PASSWORD"] = "demo-wachtwoord-voor-de-browser"
    try:
        call_command("load_demo", verbosity=0)
    finally:
        del os.environ["DEMO_PASSWORD"]
    secrets = {}
    for user in get_user_model().objects.all():
        secrets[user.username] = generate_totp_secret()
        TOTP.activate(user, secrets[user.username])
    yield Site_(live_server.url, "demo-wachtwoord-voor-de-browser", secrets)
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:  # let the flush empty the audit log
            cursor.execute("ALTER TABLE exchanges_auditevent DISABLE TRIGGER USER")


class Site_:
    def __init__(self, url, password, secrets):
        self.url = url
        self.password = password
        self.secrets = secrets


@pytest.fixture
def context(browser):
    context = browser.new_context(
        locale="nl-BE", viewport={"width": 1280, "height": 900}, accept_downloads=True
    )
    yield context
    context.close()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item, call):
    report = yield
    if report.when == "call":
        item.call_report = report
    return report


@pytest.fixture
def page(context, request):
    """A page that leaves a screenshot of where it stood when its test failed."""
    page = context.new_page()
    yield page
    report = getattr(request.node, "call_report", None)
    if report is not None and report.failed and not page.is_closed():
        shot(page, f"FAILED-{request.node.name}")


def shot(page, name, *, doc=False):
    """A full-page screenshot as a test artifact (git-ignored). With ``doc`` and
    REFRESH_DOC_SCREENSHOTS=1, also a small one of the visible part for docs/ and
    the README: those change only when someone refreshes them on purpose."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
    if doc and os.environ.get("REFRESH_DOC_SCREENSHOTS") == "1":
        from PIL import Image

        target = DOC_SCREENSHOTS / f"{name}.png"
        target.parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(target))
        with Image.open(target) as image:
            small = image.convert("RGB")
            small.thumbnail((800, 800))
            small = small.quantize(colors=128)
        small.save(target, optimize=True)


def login(page, site, username):
    """Through the login pages, as a person would: password, then the TOTP code."""
    import time

    from allauth.mfa.totp.internal.auth import format_hotp_value, hotp_value
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    page.goto(site.url + "/admin/")
    page.fill("input[name=login]", username)
    page.fill("input[name=password]", site.password)
    page.click("main form button[type=submit]")
    page.wait_for_url("**/accounts/2fa/authenticate/**")
    # A code is valid for its 30-second window only: on a busy machine, one typed
    # at the end of its window arrives in the next and is refused, as it should
    # be. Then type the code of the new window, as a person would.
    for attempt in range(3):
        if time.time() % 30 > 20:
            time.sleep(30 - time.time() % 30 + 0.5)
        counter = int(time.time()) // 30
        code = format_hotp_value(hotp_value(site.secrets[username], counter))
        page.fill("input[name=code]", code)
        page.click("main form button[type=submit]")
        try:
            page.wait_for_url("**/admin/**", timeout=15_000)
            return
        except PlaywrightTimeout:
            if attempt == 2 or "/accounts/2fa/authenticate/" not in page.url:
                raise
            while int(time.time()) // 30 == counter:
                time.sleep(0.5)
