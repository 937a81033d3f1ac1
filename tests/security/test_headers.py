"""A Content-Security-Policy on every kind of page, the enquiry form framable only by
the firm's own website, and ``check --deploy`` clean with production settings."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.factories import UserFactory

BASE_DIR = Path(__file__).resolve().parents[2]

pytestmark = pytest.mark.django_db


def _policy(response) -> dict[str, str]:
    header = response["Content-Security-Policy"]
    return {
        part.split()[0]: " ".join(part.split()[1:]) for part in header.split(";") if part.strip()
    }


@pytest.mark.parametrize(
    "url",
    [
        "/admin/login/",
        "/admin/",
        "/admin/leads/lead/",
        "/admin/reports/",
        "/api/v1/docs/",
        "/api/v1/redoc/",
        "/api/v1/schema/",
        "/api/v1/leads/",
        "/health/",
        "/enquire/",
        "/no-such-page/",
    ],
)
def test_every_page_carries_a_content_security_policy(client, url):
    client.force_login(UserFactory(username="pat", is_superuser=True))
    response = client.get(url)
    policy = _policy(response)
    assert policy["default-src"] == "'self'"
    assert "'unsafe-inline'" not in policy["script-src"]
    assert "object-src" in policy


def test_only_the_enquiry_form_may_be_framed_and_only_by_the_firms_site(client):
    assert _policy(client.get("/admin/login/"))["frame-ancestors"] == "'none'"
    form = client.get("/enquire/")
    assert _policy(form)["frame-ancestors"] == "'self'"
    assert "X-Frame-Options" not in form


def test_the_enquiry_forms_inline_script_carries_the_pages_nonce(client):
    response = client.post("/enquire/", {"name": ""})
    nonce = _policy(response)["script-src"].split("'nonce-")[1].split("'")[0]
    assert f'<script nonce="{nonce}">' in response.content.decode()


def test_the_api_docs_need_no_inline_script(client):
    client.force_login(UserFactory(username="pat", is_superuser=True))
    page = client.get("/api/v1/docs/").content.decode()
    assert "<script>" not in page


def test_check_deploy_is_clean_with_production_settings(tmp_path):
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO_", "DEBUG", "SECRET_KEY", "SECURE_", "ALLOWED_HOSTS"))
    }
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "leadtrack.settings",
            "DEBUG": "false",
            "SECRET_KEY": "k3y-" + "x9Q!" * 20,
            "ALLOWED_HOSTS": "leads.example.co.uk",
            "SECURE_HSTS_PRELOAD": "true",
            "LEADTRACK_VAR_DIR": str(tmp_path),
        }
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
