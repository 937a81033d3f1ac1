"""End-to-end fixtures: real PostgreSQL, Redis and Celery worker processes."""

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.db import connection

from tests.e2e import services

BASE_DIR = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def _require_services():
    if services.UNAVAILABLE:
        if services.REQUIRED:
            pytest.fail(f"REQUIRE_SERVICES=1 but {services.UNAVAILABLE}")
        pytest.skip(services.UNAVAILABLE)
    if connection.vendor != "postgresql":
        pytest.fail(
            "The e2e tests must run with '-p tests.e2e.services' (as 'make test' does) so "
            "that Django uses PostgreSQL."
        )


def wait_for(predicate, *, timeout: float = 30.0, interval: float = 0.2, what: str = ""):
    """Poll until ``predicate()`` is truthy (work in another process takes real time)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout} s waiting for {what or predicate}")


def _database_url() -> str:
    db = connection.settings_dict
    user = db.get("USER") or "postgres"
    host = db.get("HOST") or "127.0.0.1"
    port = db.get("PORT") or 5432
    return f"postgres://{user}@{host}:{port}/{db['NAME']}"


class Workers:
    """Celery worker processes started against the test database and Redis."""

    def __init__(self, tmp_path: Path) -> None:
        self.mail_dir = tmp_path / "mail"
        self.mail_dir.mkdir()
        self.processes: list[subprocess.Popen] = []
        self.logs: list[Path] = []
        self.tmp_path = tmp_path

    def env(self) -> dict[str, str]:
        return {
            **os.environ,
            "DATABASE_URL": _database_url(),
            "CELERY_BROKER_URL": services.REDIS_URL,
            "CELERY_TASK_ALWAYS_EAGER": "false",
            "EMAIL_URL": f"filemail://{self.mail_dir}",
            "SECRET_KEY": "e2e-secret-key",
            "DEBUG": "false",
            "LEADTRACK_VAR_DIR": str(self.tmp_path / "var"),
        }

    def start(self, count: int = 1, *, concurrency: int = 2) -> None:
        for number in range(count):
            log = self.tmp_path / f"worker{number}.log"
            self.logs.append(log)
            self.processes.append(
                subprocess.Popen(
                    [
                        sys.executable,
                        "-m",
                        "celery",
                        "-A",
                        "leadtrack",
                        "worker",
                        "--loglevel=INFO",
                        f"--concurrency={concurrency}",
                        "--without-gossip",
                        "--without-mingle",
                        "--without-heartbeat",
                        f"--hostname=e2e{number}-{os.getpid()}@%h",
                    ],
                    cwd=BASE_DIR,
                    env=self.env(),
                    stdout=log.open("w"),
                    stderr=subprocess.STDOUT,
                )
            )
        wait_for(
            lambda: all("ready." in log.read_text() for log in self.logs),
            timeout=60,
            what="the Celery worker(s) to be ready",
        )

    def stop(self) -> None:
        for process in self.processes:
            process.terminate()
        for process in self.processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()

    def log_text(self) -> str:
        return "\n".join(log.read_text() for log in self.logs)


@pytest.fixture
def purge_broker():
    import redis

    redis.Redis.from_url(services.REDIS_URL).flushdb()


@pytest.fixture
def celery_workers(transactional_db, purge_broker, tmp_path):
    """Start real worker processes; stop them after the test and show their logs on failure."""
    workers = Workers(tmp_path)
    yield workers
    workers.stop()
    print(workers.log_text()[-5000:])


@pytest.fixture
def celery_not_eager():
    from leadtrack.celery import app

    previous = app.conf.task_always_eager
    app.conf.task_always_eager = False
    yield app
    app.conf.task_always_eager = previous


__all__ = ["settings", "wait_for"]
