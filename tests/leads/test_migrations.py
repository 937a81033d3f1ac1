"""Data migrations of this milestone, run on data as it was before them: duplicate
contacts folded into one before the unique keys, and merged leads closed as merged."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

pytestmark = pytest.mark.django_db(transaction=True)

AFTER = [("leads", "0009_lead_status_merged"), ("followups", "0002_close_merged_leads_followups")]
FIRST_NEW = ("leads", "0008_contact_one_per_person")


def _before() -> list[tuple[str, str]]:
    """The state just before this milestone's contact migration: every leads migration
    not after it (branches merged beside it add columns the old rows must have)."""
    graph = MigrationExecutor(connection).loader.graph
    later = set(graph.backwards_plan(FIRST_NEW))  # FIRST_NEW and all after it
    earlier = {node for node in graph.nodes if node[0] == "leads" and node not in later}
    return sorted(
        node
        for node in earlier
        if not any(child.key in earlier for child in graph.node_map[node].children)
    )


def migrate(targets):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state(targets).apps


@pytest.fixture
def old_apps():
    before = _before()
    migrate(before)
    executor = MigrationExecutor(connection)
    yield executor.loader.project_state([*before, ("followups", "0001_initial")]).apps
    migrate(MigrationExecutor(connection).loader.graph.leaf_nodes())


def _lead(apps, contact, reference, **kwargs):
    now = timezone.now()
    return apps.get_model("leads", "Lead").objects.create(
        contact=contact, reference=reference, channel="email", arrived_at=now, **kwargs
    )


def test_duplicate_contacts_become_one_with_their_leads_and_details(old_apps):
    contact_model = old_apps.get_model("leads", "Contact")
    first = contact_model.objects.create(email="jane@example.com", name="")
    second = contact_model.objects.create(email="JANE@example.com ", name="Jane Doe")
    phone_a = contact_model.objects.create(phone="+447912345678")
    phone_b = contact_model.objects.create(phone="+447912345678", organisation="Baker Ltd")
    _lead(old_apps, first, "LD-2026-00001")
    _lead(old_apps, second, "LD-2026-00002")
    _lead(old_apps, phone_b, "LD-2026-00003")

    apps = migrate(AFTER)

    contacts = apps.get_model("leads", "Contact").objects.order_by("pk")
    assert [(c.pk, c.email, c.name, c.organisation) for c in contacts] == [
        (first.pk, "jane@example.com", "Jane Doe", ""),
        (phone_a.pk, "", "", "Baker Ltd"),
    ]
    leads = apps.get_model("leads", "Lead").objects.order_by("reference")
    assert [lead.contact_id for lead in leads] == [first.pk, first.pk, phone_a.pk]


def test_leads_merged_before_get_the_merged_status_and_lose_open_followups(old_apps):
    contact = old_apps.get_model("leads", "Contact").objects.create(email="a@example.com")
    keep = _lead(old_apps, contact, "LD-2026-00001")
    merged = _lead(old_apps, contact, "LD-2026-00002", merged_into=keep)
    followup = old_apps.get_model("followups", "FollowUp").objects.create(
        lead=merged, kind="first_contact", stage="new", due_at=timezone.now()
    )

    apps = migrate(AFTER)

    merged = apps.get_model("leads", "Lead").objects.get(pk=merged.pk)
    assert merged.status == "merged"
    assert merged.closed_reason == "Merged into LD-2026-00001"
    followup = apps.get_model("followups", "FollowUp").objects.get(pk=followup.pk)
    assert followup.completed_at is not None
    assert followup.completion_note == "lead merged into LD-2026-00001"
