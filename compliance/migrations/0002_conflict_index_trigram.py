"""On PostgreSQL, a trigram index (pg_trgm) on the conflict index's folded names, so a
conflict check also finds names spelt a little differently without reading every row.
Other databases skip it: the exact keys still find every other kind of match."""

from django.db import migrations

CREATE = (
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX IF NOT EXISTS conflict_index_folded_trgm "
    "ON compliance_conflictindexentry USING gin (folded gin_trgm_ops)",
)
DROP = ("DROP INDEX IF EXISTS conflict_index_folded_trgm",)


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for statement in statements:
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("compliance", "0001_conflicts_due_diligence_introducers")]

    operations = [migrations.RunPython(_run(CREATE), _run(DROP))]
