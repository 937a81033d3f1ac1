"""Follow-ups left open on leads merged before merging closed them: closed now, as
``followups_close_for_merged`` closes them at a merge, so no sweep escalates them."""

from django.db import migrations
from django.utils import timezone


def merged_leads_followups_close(apps, schema_editor):
    FollowUp = apps.get_model("followups", "FollowUp")
    Lead = apps.get_model("leads", "Lead")
    now = timezone.now()
    stale = FollowUp.objects.filter(lead__status="merged", completed_at__isnull=True)
    lead_ids = set(stale.values_list("lead_id", flat=True))
    for followup in stale.select_related("lead__merged_into"):
        followup.completed_at = now
        followup.completed_how = "lead_closed"
        followup.completion_note = f"lead merged into {followup.lead.merged_into.reference}"
        followup.next_escalation_at = None
        followup.save(
            update_fields=[
                "completed_at",
                "completed_how",
                "completion_note",
                "next_escalation_at",
            ]
        )
    Lead.objects.filter(pk__in=lead_ids).update(next_action_due_at=None)


class Migration(migrations.Migration):
    dependencies = [
        ("followups", "0001_initial"),
        ("leads", "0009_lead_status_merged"),
    ]

    operations = [
        migrations.RunPython(merged_leads_followups_close, migrations.RunPython.noop),
    ]
