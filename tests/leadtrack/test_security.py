"""Secure settings when DEBUG is off, and the admin sign-in throttled against guessing."""

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest
import time_machine

from tests.factories import UserFactory

BASE_DIR = Path(__file__).resolve().parents[2]


def _settings_probe(env: dict[str, str], expression: str) -> subprocess.CompletedProcess:
    clean = {
        k: v
        for k, v in os.environ.items()
        if k not in ("SECRET_KEY", "DEBUG", "ALLOWED_HOSTS", "SECURE_SSL_REDIRECT")
    }
    return subprocess.run(
        [
            sys.executable,
            "-c",
            "import django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', "
            "'leadtrack.settings'); django.setup(); from django.conf import settings; "
            f"print({expression})",
        ],
        cwd=BASE_DIR,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_refuses_to_start_without_secret_key_when_debug_is_off():
    result = _settings_probe({"DEBUG": "false"}, "settings.DEBUG")
    assert result.returncode != 0
    assert "SECRET_KEY is not set" in result.stderr


def test_secure_settings_when_debug_is_off():
    result = _settings_probe(
        {"DEBUG": "false", "SECRET_KEY": "x" * 50, "ALLOWED_HOSTS": "leads.example.co.uk"},
        "settings.SESSION_COOKIE_SECURE, settings.CSRF_COOKIE_SECURE, "
        "settings.SECURE_HSTS_SECONDS, settings.SECURE_SSL_REDIRECT, settings.ALLOWED_HOSTS",
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "True True 31536000 True ['leads.example.co.uk']"


def test_debug_allows_a_local_default_key():
    result = _settings_probe({"DEBUG": "true"}, "bool(settings.SECRET_KEY)")
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "True"


@pytest.mark.django_db
def test_admin_sign_in_is_locked_after_repeated_failures(client, settings):
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 3
    UserFactory(username="partner")
    for _ in range(3):
        client.post("/admin/login/", {"username": "partner", "password": "guess"})
    locked = client.post(
        "/admin/login/", {"username": "partner", "password": "correct-horse-battery"}
    )
    assert locked.status_code == 429
    assert "_auth_user_id" not in client.session


@pytest.mark.django_db
def test_admin_requires_sign_in(client):
    response = client.get("/admin/leads/lead/")
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]


@pytest.mark.django_db
def test_a_locked_out_user_is_told_when_they_can_try_again(client, settings):
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 2
    UserFactory(username="partner")
    for _ in range(2):
        client.post("/admin/login/", {"username": "partner", "password": "guess"})
    with time_machine.travel(dt.datetime(2026, 7, 1, 9, 0, tzinfo=dt.UTC), tick=False):
        locked = client.post(
            "/admin/login/", {"username": "partner", "password": "correct-horse-battery"}
        )
    assert locked.status_code == 429
    text = locked.content.decode()
    assert "locked out" in text
    # 09:00 UTC is 10:00 in London (summer time), plus the 30-minute cool-off.
    assert "try again after 10:30 on 1 July 2026 (London time)" in text
    assert locked["Retry-After"] == "1800"


@pytest.mark.django_db
def test_the_api_token_endpoint_answers_a_lockout_as_json(settings):
    from rest_framework.test import APIClient

    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 2
    settings.REST_FRAMEWORK = {
        **settings.REST_FRAMEWORK,
        "DEFAULT_THROTTLE_RATES": {"token": "100/min"},
    }
    UserFactory(username="integration")
    client = APIClient()
    for _ in range(2):
        client.post("/api/v1/auth/token/", {"username": "integration", "password": "guess"})
    locked = client.post(
        "/api/v1/auth/token/", {"username": "integration", "password": "correct-horse-battery"}
    )
    assert locked.status_code == 429
    body = locked.json()
    assert "locked out" in body["detail"]
    assert body["retry_after"]
