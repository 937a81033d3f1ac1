"""Status periods: each ``status_changed`` timeline entry as a narrow row of numbers (the
status it ended, when that began and ended, the seconds, the forward stage the change led
to and the furthest the lead had reached before it), with the lead's arrival copied, for
the pipeline velocity report.

The table is created bare (no foreign key constraint, no index), filled from the existing
timeline in one ``INSERT … SELECT`` on PostgreSQL (in Python on SQLite), and only then
given its foreign key, its lead index and the report's covering index, so each is built
once over the final rows rather than maintained row by row. The lead table is only read.
"""

import datetime as dt

import django.db.models.deletion
from django.db import migrations, models

STATUS_CHANGED = "status_changed"
# The forward path (leads.statuses.FORWARD_PATH), fixed here as this migration wrote it.
FORWARD_PATH = ["new", "assigned", "contacted", "meeting", "proposal", "won"]

STAGE_CASE = " ".join(f"WHEN '{status}' THEN {index}" for index, status in enumerate(FORWARD_PATH))

# ``since`` is ISO 8601 with its UTC offset, so the cast does not depend on the session's
# time zone. The furthest stage before each change is the highest of the lead's earlier
# changes (in time order, as ``status_periods_restage`` works it out). Rows go in by
# arrival, one sort serving the window and the order, so a range of arrivals is also a
# range of pages.
BACKFILL_POSTGRESQL = f"""
    INSERT INTO leads_statusperiod (
        lead_id, lead_arrived_at, status, started_at, ended_at, seconds, stage, furthest_before
    )
    SELECT c.lead_id, c.arrived_at, c.status, c.since, c.at,
           EXTRACT(EPOCH FROM c.at - c.since)::double precision, c.stage,
           COALESCE(MAX(c.stage) OVER (
               PARTITION BY c.arrived_at, c.lead_id ORDER BY c.at, c.id
               ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING
           ), 0)
    FROM (
        SELECT a.id, a.lead_id, l.arrived_at, a.data->>'from' AS status,
               (a.data->>'since')::timestamptz AS since, a.at,
               CASE a.data->>'to' {STAGE_CASE} END AS stage
        FROM leads_activity a JOIN leads_lead l ON l.id = a.lead_id
        WHERE a.kind = %s
    ) AS c
    ORDER BY c.arrived_at, c.lead_id, c.at, c.id
"""  # noqa: S608 (the interpolated part is fixed SQL; values are parameters)


def backfill_status_periods(apps, schema_editor):
    """One period for each status change already on a timeline."""
    connection = schema_editor.connection
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            # Enough memory to order the rows by arrival without spilling to disk.
            cursor.execute("SET LOCAL work_mem = '256MB'")
            cursor.execute(BACKFILL_POSTGRESQL, [STATUS_CHANGED])
        return
    # SQLite (development and tests): small tables, read in order and written in batches.
    Activity = apps.get_model("leads", "Activity")
    StatusPeriod = apps.get_model("leads", "StatusPeriod")
    changes = (
        Activity.objects.filter(kind=STATUS_CHANGED)
        .order_by("lead__arrived_at", "lead_id", "at", "pk")
        .values_list("lead_id", "lead__arrived_at", "at", "data")
    )
    batch, lead, furthest = [], None, 0
    for lead_id, arrived_at, at, data in changes.iterator(chunk_size=2000):
        if lead_id != lead:
            lead, furthest = lead_id, 0
        since = dt.datetime.fromisoformat(data["since"])
        to = data.get("to")
        stage = FORWARD_PATH.index(to) if to in FORWARD_PATH else None
        batch.append(
            StatusPeriod(
                lead_id=lead_id,
                lead_arrived_at=arrived_at,
                status=data["from"],
                started_at=since,
                ended_at=at,
                seconds=(at - since).total_seconds(),
                stage=stage,
                furthest_before=furthest,
            )
        )
        furthest = max(furthest, stage or 0)
        if len(batch) >= 2000:
            StatusPeriod.objects.bulk_create(batch)
            batch = []
    StatusPeriod.objects.bulk_create(batch)


def tune_for_index_only_scans(apps, schema_editor):
    """PostgreSQL: statistics for the planner now, rather than at autovacuum's next visit;
    and autovacuum to visit the table every 10,000 new periods rather than after a fifth
    of its size, so the recent periods the report reads stay marked all-visible and its
    covering index answers without the table. (``VACUUM`` cannot run in the migration's
    transaction: where autovacuum is off, run ``VACUUM (ANALYZE) leads_statusperiod``
    after migrating; see docs/tracker.md.)"""
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute(
                "ALTER TABLE leads_statusperiod SET (autovacuum_vacuum_insert_scale_factor = 0,"
                " autovacuum_vacuum_insert_threshold = 10000)"
            )
            cursor.execute("ANALYZE leads_statusperiod")


class Migration(migrations.Migration):
    dependencies = [
        ("leads", "0004_activity_status_index"),
    ]

    operations = [
        migrations.CreateModel(
            name="StatusPeriod",
            fields=[
                (
                    "id",
                    models.BigAutoField(
                        auto_created=True, primary_key=True, serialize=False, verbose_name="ID"
                    ),
                ),
                (
                    "lead_arrived_at",
                    models.DateTimeField(
                        help_text="The lead's arrival, copied (it never changes after capture) "
                        "so that reports find the periods of the leads that arrived in a range "
                        "by one index."
                    ),
                ),
                (
                    "status",
                    models.CharField(
                        choices=[
                            ("new", "New"),
                            ("assigned", "Assigned"),
                            ("contacted", "Contacted"),
                            ("meeting", "Meeting"),
                            ("proposal", "Proposal"),
                            ("won", "Won"),
                            ("lost", "Lost"),
                            ("disqualified", "Disqualified"),
                        ],
                        help_text="The status the lead was in.",
                        max_length=20,
                    ),
                ),
                (
                    "started_at",
                    models.DateTimeField(help_text="The previous change, or the lead's arrival."),
                ),
                (
                    "ended_at",
                    models.DateTimeField(help_text="When the change that ended it was made."),
                ),
                ("seconds", models.FloatField(help_text="From start to end, in seconds.")),
                (
                    "stage",
                    models.PositiveSmallIntegerField(
                        blank=True,
                        help_text="Where the change that ended it led along the forward path "
                        "(0 new … 5 won); empty when it led to lost or disqualified.",
                        null=True,
                    ),
                ),
                (
                    "furthest_before",
                    models.PositiveSmallIntegerField(
                        default=0,
                        help_text="The furthest stage along the forward path the lead had "
                        "reached before this change (0 new): the change took the lead to "
                        "stages it had not reached before when its stage is beyond this.",
                    ),
                ),
                # Bare while it is filled; the constraint and index come after.
                (
                    "lead",
                    models.ForeignKey(
                        db_constraint=False,
                        db_index=False,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="status_periods",
                        to="leads.lead",
                    ),
                ),
            ],
            options={
                "ordering": ["lead", "ended_at", "pk"],
            },
        ),
        migrations.RunPython(
            backfill_status_periods, migrations.RunPython.noop, elidable=True
        ),
        migrations.AlterField(
            model_name="statusperiod",
            name="lead",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.CASCADE,
                related_name="status_periods",
                to="leads.lead",
            ),
        ),
        migrations.AddIndex(
            model_name="statusperiod",
            index=models.Index(
                fields=["lead_arrived_at", "lead"],
                include=("ended_at", "status", "seconds", "stage", "furthest_before"),
                name="status_period_arrival_idx",
            ),
        ),
        migrations.RunPython(
            tune_for_index_only_scans, migrations.RunPython.noop, elidable=True
        ),
    ]
