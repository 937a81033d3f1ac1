"""The lead list's indexes (issue 19): leads by owner in arrival order, and the index on
``merged_into`` made partial (only merged leads), so that the list's "not merged"
condition is never answered from an index of nulls.

The foreign key's own index is dropped by name found in the schema, not by altering the
field: on SQLite an AlterField rebuilds the whole lead table."""

import django.db.models.deletion
from django.db import migrations, models


def foreign_key_indexes(schema_editor, model) -> list[str]:
    table = model._meta.db_table
    with schema_editor.connection.cursor() as cursor:
        constraints = schema_editor.connection.introspection.get_constraints(cursor, table)
    return [
        name
        for name, details in constraints.items()
        if details["index"]
        and details["columns"] == ["merged_into_id"]
        and not details["primary_key"]
        and not details["unique"]
        and name != "lead_merged_into_idx"
    ]


def drop_foreign_key_index(apps, schema_editor):
    model = apps.get_model("leads", "Lead")
    for name in foreign_key_indexes(schema_editor, model):
        schema_editor.execute(f"DROP INDEX {schema_editor.quote_name(name)}")


def restore_foreign_key_index(apps, schema_editor):
    model = apps.get_model("leads", "Lead")
    if not foreign_key_indexes(schema_editor, model):
        field = model._meta.get_field("merged_into")
        schema_editor.execute(schema_editor._create_index_sql(model, fields=[field]))


class Migration(migrations.Migration):
    dependencies = [
        ("leads", "0014_lead_agreed_fee_matter_reference"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="lead",
                    name="merged_into",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="merged_leads",
                        to="leads.lead",
                    ),
                ),
            ],
            database_operations=[
                migrations.RunPython(drop_foreign_key_index, restore_foreign_key_index),
            ],
        ),
        migrations.AddIndex(
            model_name="lead",
            index=models.Index(fields=["owner", "arrived_at"], name="lead_owner_arrived_idx"),
        ),
        migrations.AddIndex(
            model_name="lead",
            index=models.Index(
                condition=models.Q(("merged_into__isnull", False)),
                fields=["merged_into"],
                name="lead_merged_into_idx",
            ),
        ),
    ]
