"""The single-machine broker survives empty, truncated and garbage message files, and a
worker reading such a file keeps running and runs the next task."""

import os
import subprocess
import sys
import time
from pathlib import Path

import kombu
import pytest
from kombu.transport.virtual.base import BrokerState

from leadtrack.broker import INCOMING_PREFIX, FilesystemTransport

QUEUE = "celery"


@pytest.fixture(autouse=True)
def fresh_broker_state(monkeypatch):
    """kombu keeps declared bindings in class-level state; each test has its own folder."""
    monkeypatch.setattr(FilesystemTransport, "global_state", BrokerState())


def _connection(folder: Path) -> kombu.Connection:
    return kombu.Connection(
        "filesystem://",
        transport="leadtrack.broker:FilesystemTransport",
        transport_options={
            "data_folder_in": str(folder),
            "data_folder_out": str(folder),
            "control_folder": str(folder / "control"),
            "store_processed": False,
        },
    )


def _drop(folder: Path, name: str, content: bytes) -> None:
    (folder / f"{name}.{QUEUE}.msg").write_bytes(content)


@pytest.mark.parametrize(
    "content",
    [b"", b'{"body": "eyJh', b"\x00\xff garbage \x13", b"[1, 2, 3]", b"null"],
    ids=["empty", "truncated", "garbage", "json-not-a-message", "json-null"],
)
def test_an_unreadable_message_file_is_skipped_and_the_next_message_is_read(tmp_path, content):
    with _connection(tmp_path) as connection:
        queue = connection.SimpleQueue(QUEUE)
        _drop(tmp_path, "0000000000001_bad", content)  # sorts before the real message
        queue.put({"task": "next"})
        message = queue.get(timeout=2)
        assert message.payload == {"task": "next"}
        message.ack()
        queue.close()
    assert not list(tmp_path.glob(f"*.{QUEUE}.msg"))


def test_a_message_is_written_under_a_private_name_and_renamed_into_place(tmp_path, monkeypatch):
    seen = []
    real_replace = os.replace

    def replace(source, target):
        seen.append((Path(source).name, Path(target).name))
        # While the file is being written, nothing the reader takes is in the folder.
        assert not list(tmp_path.glob(f"*.{QUEUE}.msg"))
        return real_replace(source, target)

    monkeypatch.setattr(os, "replace", replace)
    with _connection(tmp_path) as connection:
        queue = connection.SimpleQueue(QUEUE)
        queue.put({"n": 1})
        queue.close()
    assert seen and seen[0][0].startswith(INCOMING_PREFIX)
    assert seen[0][1].endswith(f".{QUEUE}.msg")


@pytest.mark.skipif(sys.platform != "linux", reason="runs a real worker process")
def test_a_real_worker_survives_an_empty_and_a_garbage_file_and_runs_the_next_task(tmp_path):
    """The fault seen in `make run`: an empty broker file killed the worker."""
    var = tmp_path / "var"
    env = {
        **os.environ,
        "LEADTRACK_VAR_DIR": str(var),
        "CELERY_BROKER_URL": "filesystem://",
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "DEBUG": "true",
    }
    queue = var / "broker" / "queue"
    queue.mkdir(parents=True)
    _drop(queue, "0000000000001_empty", b"")
    _drop(queue, "0000000000002_garbage", b"not json at all")
    log = tmp_path / "worker.log"
    code = (
        "from leadtrack.celery import app; "
        "app.send_task('leadtrack.tasks.planner_statistics_refresh')"
    )
    with log.open("wb") as out:
        worker = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "leadtrack",
                "worker",
                "--pool=solo",
                "--without-gossip",
                "--without-mingle",
                "--loglevel=INFO",
            ],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        try:
            subprocess.run([sys.executable, "-c", code], env=env, check=True, timeout=60)
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                text = log.read_text(errors="replace")
                if "planner_statistics_refresh" in text and "succeeded" in text:
                    break
                assert worker.poll() is None, text
                time.sleep(0.2)
            text = log.read_text(errors="replace")
            assert worker.poll() is None, text
            assert "Skipped an unreadable message file" in text
            assert "succeeded" in text, text
        finally:
            worker.terminate()
            worker.wait(timeout=30)
