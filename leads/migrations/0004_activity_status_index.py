"""Status changes record when the previous status began (``data["since"]``), so the time a
lead spent in each status is read from each entry alone; existing entries are backfilled
(the previous change's time, or the lead's arrival for its first change). A partial index
on the status changes' times serves the pipeline velocity report's date range."""

import datetime as dt

from django.conf import settings
from django.db import migrations, models

STATUS_CHANGED = "status_changed"

# One statement on PostgreSQL; the JSON gets the timestamp as ISO 8601 in the session's
# time zone, which Django sets to UTC.
BACKFILL_POSTGRESQL = """
    UPDATE leads_activity AS a
    SET data = a.data || jsonb_build_object('since', p.since)
    FROM (
        SELECT c.id,
               COALESCE(
                   LAG(c.at) OVER (PARTITION BY c.lead_id ORDER BY c.at, c.id), l.arrived_at
               ) AS since
        FROM leads_activity c JOIN leads_lead l ON l.id = c.lead_id
        WHERE c.kind = %s
    ) AS p
    WHERE a.id = p.id AND NOT (a.data ? 'since')
"""


def backfill_since(apps, schema_editor):
    """Record on each status change when the status it ends began."""
    if schema_editor.connection.vendor == "postgresql":
        with schema_editor.connection.cursor() as cursor:
            cursor.execute("SET LOCAL TIME ZONE 'UTC'")
            cursor.execute(BACKFILL_POSTGRESQL, [STATUS_CHANGED])
        return
    Activity = apps.get_model("leads", "Activity")
    changes = (
        Activity.objects.filter(kind=STATUS_CHANGED)
        .select_related("lead")
        .order_by("lead_id", "at", "pk")
    )
    batch, lead_id, since = [], None, None
    # SQLite (development and tests): small tables, read whole before writing back.
    for change in list(changes):
        if change.lead_id != lead_id:
            lead_id, since = change.lead_id, change.lead.arrived_at
        if "since" not in change.data:
            change.data = {**change.data, "since": since.astimezone(dt.UTC).isoformat()}
            batch.append(change)
        since = change.at
        if len(batch) >= 2000:
            Activity.objects.bulk_update(batch, ["data"])
            batch = []
    Activity.objects.bulk_update(batch, ["data"])


class Migration(migrations.Migration):
    dependencies = [
        ("leads", "0003_merge_0002_channels_0002_inbound_email"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        # Backfill first, so the new index is built once over the final rows.
        migrations.RunPython(backfill_since, migrations.RunPython.noop, elidable=True),
        migrations.AddIndex(
            model_name="activity",
            index=models.Index(
                condition=models.Q(("kind", "status_changed")),
                fields=["at"],
                include=("lead",),
                name="activity_status_at_idx",
            ),
        ),
    ]
