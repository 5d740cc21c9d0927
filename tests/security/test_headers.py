"""Security headers and cookies on every kind of page."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import override_settings

pytestmark = pytest.mark.django_db

ROOT = Path(__file__).resolve().parents[2]


def directives(header):
    return {
        part.strip().split(" ", 1)[0]: part.strip().split(" ", 1)[1]
        if " " in part.strip()
        else ""
        for part in header.split(";")
        if part.strip()
    }


@pytest.mark.parametrize(
    "url", ["/", "/protocollen/", "/accounts/login/", "/bestaat-niet/"]
)
def test_public_pages_have_a_strict_content_security_policy(client, url):
    response = client.get(url)
    policy = directives(response["Content-Security-Policy"])
    assert policy["object-src"] == "'none'"
    assert policy["base-uri"] == "'none'"
    assert policy["frame-ancestors"] == "'none'"
    assert "unsafe-inline" not in policy["script-src"]
    assert "unsafe-eval" not in policy["script-src"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"]
    assert response["X-Frame-Options"] == "DENY"


def test_the_upload_page_is_strict_too(client, db):
    response = client.get("/uitwisseling/upload/onbekend/")
    assert "object-src 'none'" in response["Content-Security-Policy"]


def test_the_admin_reports_the_same_policy_without_enforcing_it(client, officer_user):
    client.force_login(officer_user)
    response = client.get("/admin/exchanges/transfers/")
    assert "Content-Security-Policy" not in response
    assert "frame-ancestors 'none'" in response["Content-Security-Policy-Report-Only"]


@override_settings(SECURE_HSTS_SECONDS=31_536_000, SECURE_HSTS_INCLUDE_SUBDOMAINS=True)
def test_hsts_over_https(client):
    response = client.get("/", secure=True)
    assert response["Strict-Transport-Security"].startswith(
        "max-age=31536000; includeSubDomains"
    )


def test_production_cookie_and_transport_settings():
    code = (
        "import config.settings as s; print(s.SESSION_COOKIE_SECURE, s.CSRF_COOKIE_SECURE, "
        "s.SESSION_COOKIE_HTTPONLY, s.SESSION_COOKIE_SAMESITE, s.SECURE_HSTS_SECONDS, "
        "s.SECURE_HSTS_INCLUDE_SUBDOMAINS, s.SECURE_SSL_REDIRECT, s.CSRF_COOKIE_HTTPONLY)"
    )
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(
        SECRET_KEY="x" * 60,
        ALLOWED_HOSTS="protocollen.example.org",
        DJANGO_VAR_DIR=str(ROOT / "var" / "tmp-settings-check"),
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.stdout.split() == [
        "True",
        "True",
        "True",
        "Lax",
        "31536000",
        "True",
        "True",
        "True",
    ], result.stderr


def test_demo_users_cannot_skip_the_second_factor_in_production():
    env = {k: v for k, v in os.environ.items() if not k.startswith("DJANGO_")}
    env.update(
        SECRET_KEY="x" * 60,
        ALLOWED_HOSTS="x.example.org",
        DEMO_SKIP_MFA="1",
        DJANGO_VAR_DIR=str(ROOT / "var" / "tmp-settings-check"),
    )
    result = subprocess.run(
        [sys.executable, "-c", "import config.settings"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode != 0
    assert "DEMO_SKIP_MFA is for development only" in result.stderr
