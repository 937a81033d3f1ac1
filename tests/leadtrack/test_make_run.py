"""`make run` runs web, worker and beat under supervisord, which restarts whichever falls
over and keeps the others running."""

from pathlib import Path

from supervisor.datatypes import RestartUnconditionally
from supervisor.options import ServerOptions

ROOT = Path(__file__).resolve().parents[2]


def _programs(monkeypatch) -> dict:
    monkeypatch.setenv("VENV_BIN", "/opt/venv/bin")
    monkeypatch.setenv("LEADTRACK_PORT", "8731")
    (ROOT / "var" / "log").mkdir(parents=True, exist_ok=True)  # `make run` makes it too
    options = ServerOptions()
    options.configfile = str(ROOT / "supervisord.conf")
    options.process_config(do_usage=False)
    return {group.name: group.process_configs[0] for group in options.process_group_configs}


def test_web_worker_and_beat_are_restarted_when_they_fall_over(monkeypatch):
    programs = _programs(monkeypatch)
    assert set(programs) == {"web", "worker", "beat"}
    for program in programs.values():
        assert program.autorestart is RestartUnconditionally
        assert program.killasgroup  # nothing is left running when make run stops


def test_the_web_process_serves_the_configured_port_with_threads_that_keep_connections(
    monkeypatch,
):
    web = _programs(monkeypatch)["web"]
    assert "/opt/venv/bin/gunicorn leadtrack.wsgi" in web.command
    assert "--bind 127.0.0.1:8731" in " ".join(web.command.split())
    assert "gthread" in web.command


def test_the_worker_is_given_longer_to_stop_than_any_task_may_run(monkeypatch):
    from django.conf import settings

    worker = _programs(monkeypatch)["worker"]
    assert worker.stopwaitsecs > settings.CELERY_TASK_TIME_LIMIT
