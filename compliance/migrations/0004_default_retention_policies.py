"""The default retention schedule, installed once (then edited in the admin): not
instructed, anonymised 12 months after closing; spam, deleted after 30 days; other
disqualified enquiries, anonymised after 12 months; won, kept (the firm's matter policy
applies, and client due diligence is kept five years after the relationship ends)."""

from django.db import migrations

DEFAULTS = [
    ("Spam: delete after 30 days", "disqualified", "spam", "delete", 30, 10),
    ("Not instructed: anonymise after 12 months", "lost", "", "anonymise", 365, 20),
    ("Disqualified: anonymise after 12 months", "disqualified", "", "anonymise", 365, 30),
    ("Won: keep (matter policy)", "won", "", "keep", 0, 40),
]


def install(apps, schema_editor):
    policy = apps.get_model("compliance", "RetentionPolicy")
    for name, outcome, contains, action, days, order in DEFAULTS:
        policy.objects.get_or_create(
            name=name,
            defaults={
                "outcome": outcome,
                "reason_contains": contains,
                "action": action,
                "after_days": days,
                "order": order,
            },
        )


class Migration(migrations.Migration):
    dependencies = [("compliance", "0003_gdpr_lawful_basis_retention_erasure_access")]

    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
