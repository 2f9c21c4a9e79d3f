"""The production settings pass Django's deployment checklist and refuse to run half-configured."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parents[2]


def _environment(**overrides: str | None) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "LOGIN_", "DATA_UPLOAD_", "DB_UNAVAILABLE_"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="twinproject.settings_production",
        DJANGO_SECRET_KEY=secrets.token_urlsafe(50),
        DJANGO_ALLOWED_HOSTS=".example.com",
        DJANGO_CSRF_TRUSTED_ORIGINS="https://*.example.com",
        # Never connected to: the checks below need no database.
        DATABASE_URL="postgresql://twin_app@db.invalid/twin",
    )
    for key, value in overrides.items():
        if value is None:
            env.pop(key, None)
        else:
            env[key] = value
    return env


def _manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=120
    )


def test_check_deploy_is_clean_with_the_production_settings():
    run = _manage("check", "--deploy", "--fail-level", "WARNING", env=_environment())
    assert run.returncode == 0, run.stdout + run.stderr
    assert "no issues" in run.stdout


@pytest.mark.parametrize(
    ("overrides", "complaint"),
    [
        ({"DJANGO_CSRF_TRUSTED_ORIGINS": None}, "DJANGO_CSRF_TRUSTED_ORIGINS is required"),
        ({"DJANGO_ALLOWED_HOSTS": " , "}, "DJANGO_ALLOWED_HOSTS must list at least one value"),
        ({"DJANGO_DEBUG": "1"}, "DJANGO_DEBUG must be off"),
        ({"DJANGO_SECRET_KEY": None}, "DJANGO_SECRET_KEY is required"),
    ],
    ids=["no-csrf-origins", "no-hosts", "debug-on", "no-secret-key"],
)
def test_production_settings_refuse_to_run_half_configured(overrides, complaint):
    run = _manage("check", env=_environment(**overrides))
    assert run.returncode != 0
    assert complaint in run.stderr
