"""Keep the database's query-planner statistics current, so nobody has to know SQLite.

A SQLite database that has never been analysed has no statistics, and SQLite then picks
the wrong index for the lead list (800 ms instead of 150 ms at 100,000 leads). SQLite's
documentation recommends ``PRAGMA optimize``, which from SQLite 3.46 analyses the tables
whose size has changed much since they were last analysed; before 3.46 (this machine has
3.40) it only looks at tables the same connection has queried, which a beat task's fresh
connection has not. So this does by hand what ``PRAGMA optimize`` does: it analyses, in
full, each table with rows that was never analysed or whose row count has moved more than
a tenth from the one its statistics record; after migrations (new indexes, new columns)
it analyses every table.

The analysis is exact (``analysis_limit`` 0): SQLite's approximate analysis, tried
first, recorded row counts three times too high for one index and half for another, and
SQLite then read the lead list through the contact index and sorted every lead
(755 ms at 100,000 leads against 9 ms with exact statistics). A table is analysed only
when it changed, so the cost is paid after migrations and bulk loads (about 1 s for the
whole database at 100,000 leads), not every hour (the hourly check counts each table's
rows: 0.01 s at 100,000 leads). PostgreSQL's autovacuum analyses by
itself unless switched off (it is on this project's test machine), and a bulk load should
analyse anyway. Called after migrations, after bulk loads (``generate_demo_data``) and
hourly by beat (``leadtrack.tasks.planner_statistics_refresh``).
"""

import logging
import time

from django.db import DEFAULT_DB_ALIAS, connections

logger = logging.getLogger(__name__)

# A table is analysed again when its row count has moved by more than this fraction of
# the count its statistics record (and by more than STALE_AFTER_ROWS rows).
STALE_FRACTION = 0.1
STALE_AFTER_ROWS = 100


def planner_statistics_refresh(
    *, using: str = DEFAULT_DB_ALIAS, every_table: bool = False
) -> float:
    """Bring the planner's statistics up to date (of every table after a migration);
    return the seconds it took."""
    connection = connections[using]
    started = time.monotonic()
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA analysis_limit=0")
            if every_table:
                stale = ["every table"]
                cursor.execute("ANALYZE")
            else:
                stale = sqlite_stale_tables(cursor)
                for table in stale:
                    cursor.execute(f"ANALYZE {connection.ops.quote_name(table)}")
        elif connection.vendor == "postgresql":
            stale = ["every table"]
            cursor.execute("ANALYZE")
    seconds = time.monotonic() - started
    logger.info(
        "Planner statistics refreshed (%s, %d tables) in %.2f s.",
        connection.vendor,
        len(stale),
        seconds,
    )
    return seconds


def sqlite_stale_tables(cursor) -> list[str]:
    """The SQLite tables with rows whose statistics are missing or out of date."""
    cursor.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' "
        "ORDER BY name"
    )
    tables = [row[0] for row in cursor.fetchall()]
    recorded: dict[str, int] = {}
    cursor.execute("SELECT name FROM sqlite_master WHERE name = 'sqlite_stat1'")
    if cursor.fetchone():
        cursor.execute("SELECT tbl, stat FROM sqlite_stat1")
        for table, stat in cursor.fetchall():
            first = (stat or "").split(" ", 1)[0]
            if first.isdigit():
                recorded[table] = max(recorded.get(table, 0), int(first))
    stale = []
    for table in tables:
        cursor.execute(f'SELECT COUNT(*) FROM "{table}"')  # noqa: S608 (names from the schema)
        rows = cursor.fetchone()[0]
        if table not in recorded:
            if rows:
                stale.append(table)
        elif abs(rows - recorded[table]) > max(STALE_AFTER_ROWS, recorded[table] * STALE_FRACTION):
            stale.append(table)
    return stale
