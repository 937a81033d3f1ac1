"""Keep the database's query-planner statistics current, so nobody has to know SQLite.

A SQLite database that has never been analysed has no statistics, and SQLite then picks
the wrong index for the lead list (800 ms instead of 150 ms at 100,000 leads). SQLite's
``PRAGMA optimize`` (its documented upkeep) only looks, before SQLite 3.46, at tables the
same connection has queried, which a beat task's fresh connection has not; so this runs
``ANALYZE`` with ``PRAGMA analysis_limit`` (SQLite's approximate analysis, also
documented there), which reads a bounded number of rows per index and so costs
milliseconds at any size. PostgreSQL's autovacuum analyses by itself unless switched off
(it is on this project's test machine), and a bulk load should analyse anyway.
Called after migrations, after bulk loads (``generate_demo_data``) and hourly by beat
(``leadtrack.tasks.planner_statistics_refresh``).
"""

import logging
import time

from django.db import DEFAULT_DB_ALIAS, connections

logger = logging.getLogger(__name__)

# SQLite reads at most this many rows per index when analysing: statistics good enough
# for the planner at any size, in milliseconds rather than seconds at a million rows.
SQLITE_ANALYSIS_LIMIT = 2000


def planner_statistics_refresh(*, using: str = DEFAULT_DB_ALIAS) -> float:
    """Bring the planner's statistics up to date; return the seconds it took."""
    connection = connections[using]
    started = time.monotonic()
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute(f"PRAGMA analysis_limit={SQLITE_ANALYSIS_LIMIT}")
            cursor.execute("ANALYZE")
        elif connection.vendor == "postgresql":
            cursor.execute("ANALYZE")
    seconds = time.monotonic() - started
    logger.info("Planner statistics refreshed (%s) in %.2f s.", connection.vendor, seconds)
    return seconds
