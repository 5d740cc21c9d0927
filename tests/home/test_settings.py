"""Start-up refuses insecure production settings; production passes check --deploy."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def run_manage(*args, env_overrides, tmp_path):
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"SECRET_KEY", "ALLOWED_HOSTS", "DJANGO_DEBUG", "DATABASE_URL"}
        and not key.startswith(("DJANGO_", "REDIS_"))
        and key != "PYTEST_CURRENT_TEST"
    }
    env["DJANGO_SETTINGS_MODULE"] = "config.settings"
    env["DJANGO_VAR_DIR"] = str(tmp_path)
    env.update(env_overrides)
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_missing_secret_key_stops_start_up(tmp_path):
    result = run_manage(
        "check", env_overrides={"ALLOWED_HOSTS": "example.org"}, tmp_path=tmp_path
    )
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_missing_allowed_hosts_stops_start_up(tmp_path):
    result = run_manage(
        "check", env_overrides={"SECRET_KEY": "x" * 50}, tmp_path=tmp_path
    )
    assert result.returncode != 0
    assert "ALLOWED_HOSTS is not set" in result.stderr


def test_wildcard_host_is_refused(tmp_path):
    result = run_manage(
        "check",
        env_overrides={"SECRET_KEY": "x" * 50, "ALLOWED_HOSTS": "*"},
        tmp_path=tmp_path,
    )
    assert result.returncode != 0
    assert "may not contain '*'" in result.stderr


PRODUCTION = {
    "SECRET_KEY": "k3y-" + "q8Zr7Lm2Xv9Tn4Bw6Hs1Jd5Pf0Gc3Ky8Ue2Ri7Oa" * 2,
    "ALLOWED_HOSTS": "protocollen.example.org",
}


def test_production_settings_pass_the_deploy_check(tmp_path):
    created = run_manage("create_keys", env_overrides=PRODUCTION, tmp_path=tmp_path)
    assert created.returncode == 0, created.stderr
    # Signed heads of the audit log go somewhere the database administrator
    # cannot reach (here a folder; in production another machine or a bucket).
    heads = {**PRODUCTION, "EXCHANGES_AUDIT_HEAD_DIR": str(tmp_path / "heads")}
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env_overrides=heads,
        tmp_path=tmp_path,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_the_deploy_check_warns_when_heads_stay_in_the_database(tmp_path):
    created = run_manage("create_keys", env_overrides=PRODUCTION, tmp_path=tmp_path)
    assert created.returncode == 0, created.stderr
    result = run_manage(
        "check", "--deploy", env_overrides=PRODUCTION, tmp_path=tmp_path
    )
    assert "exchanges.W001" in result.stdout + result.stderr


def test_the_deploy_check_names_missing_keys(tmp_path):
    result = run_manage(
        "check", "--deploy", env_overrides=PRODUCTION, tmp_path=tmp_path
    )
    assert result.returncode != 0
    assert "exchanges.E001" in result.stderr and "exchanges.E002" in result.stderr
    assert "exchanges.E003" in result.stderr
    assert "pseudonym key file" in result.stderr and "create_keys" in result.stderr


@pytest.mark.parametrize("value", ["maybe", "2"])
def test_unreadable_boolean_names_the_variable(tmp_path, value):
    result = run_manage(
        "check", env_overrides={"DJANGO_DEBUG": value}, tmp_path=tmp_path
    )
    assert result.returncode != 0
    assert "DJANGO_DEBUG must be one of" in result.stderr


def test_production_hashes_passwords_slowly():
    import config.settings as production

    assert production.PASSWORD_HASHERS[0].endswith("Argon2PasswordHasher")


def test_postgresql_runs_with_djangos_own_parameter_binding(tmp_path):
    """No server-side binding or prepared statements: Django's defaults, which a
    transaction-mode pooler (PgBouncer) also accepts."""
    overrides = {
        **PRODUCTION,
        "DATABASE_URL": "postgres://pr@db.internal:5432/protocolregister",
    }
    result = run_manage(
        "shell",
        "--no-imports",
        "-c",
        "import json; from django.conf import settings; "
        "print(json.dumps(settings.DATABASES['default'].get('OPTIONS', {})))",
        env_overrides=overrides,
        tmp_path=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {}


CACHES_AS_JSON = (
    "import json; from django.conf import settings; "
    "print(json.dumps({a: c['LOCATION'] for a, c in settings.CACHES.items()}))"
)


def test_with_redis_the_page_cache_has_a_redis_of_its_own(tmp_path):
    """Security state (default) and public pages (pages) on two Redis servers, so
    that pages can never evict a session, a rate limit or a used code."""
    overrides = {
        **PRODUCTION,
        "REDIS_URL": "rediss://redis-security.internal:6379/0",
        "REDIS_PAGE_CACHE_URL": "rediss://redis-pages.internal:6379/0",
    }
    result = run_manage(
        "shell",
        "--no-imports",
        "-c",
        CACHES_AS_JSON,
        env_overrides=overrides,
        tmp_path=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {
        "default": "rediss://redis-security.internal:6379/0",
        "pages": "rediss://redis-pages.internal:6379/0",
    }


@pytest.mark.parametrize("pages", [None, "rediss://redis.internal:6379/0"])
def test_redis_without_a_page_cache_of_its_own_is_refused(tmp_path, pages):
    overrides = {**PRODUCTION, "REDIS_URL": "rediss://redis.internal:6379/0"}
    if pages:
        overrides["REDIS_PAGE_CACHE_URL"] = pages
    result = run_manage("check", env_overrides=overrides, tmp_path=tmp_path)
    assert result.returncode != 0
    assert "REDIS_PAGE_CACHE_URL" in result.stderr


def test_without_redis_both_caches_are_in_memory_and_the_pages_bounded(tmp_path):
    script = (
        "import json; from django.conf import settings; "
        "print(json.dumps(settings.CACHES))"
    )
    result = run_manage(
        "shell",
        "--no-imports",
        "-c",
        script,
        env_overrides=PRODUCTION,
        tmp_path=tmp_path,
    )
    assert result.returncode == 0, result.stderr
    caches = json.loads(result.stdout)
    assert {c["BACKEND"] for c in caches.values()} == {
        "django.core.cache.backends.locmem.LocMemCache"
    }
    assert caches["default"]["LOCATION"] != caches["pages"]["LOCATION"]
    assert caches["pages"]["OPTIONS"]["MAX_ENTRIES"] <= 10_000
