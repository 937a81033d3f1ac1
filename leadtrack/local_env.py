"""The machine's own ``.env`` (written once by ``make run``), read by the entry points an
operator starts by hand, so ``manage.py escalate_overdue`` works outside ``make run``.

Variables already in the environment win; the file only fills in what is missing. The
test suite does not read it (pytest sets its own environment).
"""

from pathlib import Path

import environ

ENV_FILE = Path(__file__).resolve().parent.parent / ".env"


def local_env_read() -> None:
    """Fill in missing environment variables from the project's ``.env``, if there is one."""
    if ENV_FILE.is_file():
        environ.Env.read_env(str(ENV_FILE), overwrite=False)
