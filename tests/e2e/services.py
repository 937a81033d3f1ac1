"""pytest plugin for the end-to-end tests: point Django at real PostgreSQL and Redis.

Loaded with ``-p tests.e2e.services`` before Django is set up, it checks that the
services answer and, if they do, sets ``DATABASE_URL`` and ``CELERY_BROKER_URL`` for the
test process (and the worker it starts). If they do not, the e2e tests are skipped with
the reason, or fail when ``REQUIRE_SERVICES=1`` (as ``.ci/run`` sets).
"""

import os

DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/test"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/15"

DATABASE_URL = os.environ.get("LEADTRACK_TEST_DATABASE_URL", DEFAULT_DATABASE_URL)
REDIS_URL = os.environ.get("LEADTRACK_TEST_REDIS_URL", DEFAULT_REDIS_URL)


def _unavailable_reason() -> str | None:
    problems = []
    try:
        import psycopg

        conninfo = DATABASE_URL.replace("postgres://", "postgresql://", 1)
        with psycopg.connect(conninfo, connect_timeout=3) as conn:
            conn.execute("SELECT 1")
    except Exception as exc:
        problems.append(f"PostgreSQL at {DATABASE_URL} did not answer ({type(exc).__name__})")
    try:
        import redis

        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=3).ping()
    except Exception as exc:
        problems.append(f"Redis at {REDIS_URL} did not answer ({type(exc).__name__})")
    if problems:
        return (
            "; ".join(problems)
            + ". Start them, or set LEADTRACK_TEST_DATABASE_URL and LEADTRACK_TEST_REDIS_URL."
        )
    return None


UNAVAILABLE = _unavailable_reason()
REQUIRED = os.environ.get("REQUIRE_SERVICES", "").lower() in ("1", "true", "yes")

if UNAVAILABLE is None:
    os.environ["DATABASE_URL"] = DATABASE_URL
    os.environ["CELERY_BROKER_URL"] = REDIS_URL
    os.environ["CELERY_TASK_ALWAYS_EAGER"] = "false"
