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
        and not key.startswith("DJANGO_")
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
    result = run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env_overrides=PRODUCTION,
        tmp_path=tmp_path,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_the_deploy_check_names_missing_keys(tmp_path):
    result = run_manage(
        "check", "--deploy", env_overrides=PRODUCTION, tmp_path=tmp_path
    )
    assert result.returncode != 0
    assert "exchanges.E001" in result.stderr and "exchanges.E002" in result.stderr


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


@pytest.mark.parametrize(
    "switch, options",
    [
        (None, {"server_side_binding": True}),
        ("0", {}),  # for a transaction-mode pooler that cannot keep them
    ],
)
def test_postgresql_binds_parameters_on_the_server_unless_switched_off(
    tmp_path, switch, options
):
    overrides = {
        **PRODUCTION,
        "DATABASE_URL": "postgres://pr@db.internal:5432/protocolregister",
    }
    if switch is not None:
        overrides["DATABASE_PREPARED_STATEMENTS"] = switch
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
    assert json.loads(result.stdout) == options
