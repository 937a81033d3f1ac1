"""The overdue sweep on real PostgreSQL: its query uses the partial index; two sweeps in
two processes at once still send each level once; a sweep process killed mid-sweep
leaves nothing behind and the next sweep sends everything; and a real worker runs the
beat task and sends the emails."""

import datetime as dt
import subprocess
import sys
import textwrap
from collections import Counter

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from followups.models import Escalation, FollowUp
from followups.selectors import escalation_due_locked
from followups.tasks import escalation_sweep as sweep_task
from leads.choices import EmailKind
from leads.models import OutboundEmail
from tests.e2e.conftest import BASE_DIR, Workers, wait_for
from tests.factories import LeadFactory, UserFactory
from tests.followups.factories import FollowUpFactory, make_firm

pytestmark = pytest.mark.services


def _overdue_followups(count: int, owners) -> list[FollowUp]:
    due = timezone.now() - dt.timedelta(minutes=10)
    items = []
    for number in range(count):
        owner = owners[number % len(owners)]
        lead = LeadFactory(owner=owner, tier="A")
        items.append(FollowUpFactory(lead=lead, owner=owner, due_at=due))
    return items


def _run_script(tmp_path, body: str, *, name: str) -> subprocess.Popen:
    script = tmp_path / f"{name}.py"
    script.write_text(
        "import django, os\n"
        "os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'leadtrack.settings')\n"
        "django.setup()\n" + textwrap.dedent(body)
    )
    workers = Workers.__new__(Workers)  # only for its environment
    workers.mail_dir = tmp_path / "mail"
    workers.tmp_path = tmp_path
    env = {**workers.env(), "PYTHONPATH": str(BASE_DIR)}
    return subprocess.Popen(
        [sys.executable, str(script)],
        cwd=BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def test_sweep_query_uses_the_partial_index(transactional_db):
    lead = LeadFactory()
    with connection.cursor() as cursor:
        # 50,000 completed follow-ups and a handful of open ones, as in a real tracker.
        cursor.execute(
            """
            INSERT INTO followups_followup (lead_id, stage, kind, due_at, guidance,
                counts_calendar_time, created_at, completed_at, completed_how,
                completion_note, snooze_count, escalation_level, next_escalation_at)
            SELECT %s, 'new', 'first_contact', now() - interval '1 day', '', false, now(),
                CASE WHEN n %% 10000 = 0 THEN NULL ELSE now() END, '', '', 0, 0,
                CASE WHEN n %% 10000 = 0 THEN now() - interval '1 hour' ELSE NULL END
            FROM generate_series(1, 50000) AS n
            """,
            [lead.pk],
        )
        cursor.execute("ANALYZE followups_followup")
    with transaction.atomic(), CaptureQueriesContext(connection) as queries:
        assert len(escalation_due_locked(now=timezone.now(), limit=20000)) == 5
    [query] = queries.captured_queries  # one query locks and reads them
    assert query["sql"].endswith("FOR UPDATE SKIP LOCKED")
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN " + query["sql"])
        plan = "\n".join(row[0] for row in cursor.fetchall())
    print(plan)
    assert "followup_escalation_due_idx" in plan
    assert "Seq Scan on followups_followup" not in plan


def test_two_sweeps_at_once_send_each_level_exactly_once(transactional_db, tmp_path):
    firm = make_firm()
    owners = [firm.earner.user, firm.supervisor.user, UserFactory(username="third")]
    items = _overdue_followups(120, owners)
    # Each process holds its locks a moment before working, so the two really overlap.
    body = """
        import time
        from followups.services import escalation as module
        real = module._escalate
        def slow(**kwargs):
            time.sleep(1.5)
            return real(**kwargs)
        module._escalate = slow
        print(module.escalation_sweep())
    """
    processes = [_run_script(tmp_path, body, name=f"sweep{n}") for n in range(2)]
    outputs = [process.communicate(timeout=120)[0] for process in processes]
    assert all(p.returncode == 0 for p in processes), outputs

    assert Escalation.objects.count() == len(items)
    per_level = Counter(Escalation.objects.values_list("followup_id", "level"))
    assert set(per_level.values()) == {1}
    emails = list(OutboundEmail.objects.filter(kind=EmailKind.ESCALATION))
    mentioned = Counter(
        item.lead.reference
        for item in items
        for email in emails
        if item.lead.reference in email.body_text
    )
    assert all(mentioned[item.lead.reference] == 1 for item in items)

    # Beat firing again straight away finds nothing to send.
    rerun = _run_script(tmp_path, body, name="sweep_again")
    assert "0 escalation(s) recorded" in rerun.communicate(timeout=60)[0]
    assert Escalation.objects.count() == len(items)


def test_a_sweep_process_killed_mid_sweep_leaves_nothing_and_next_sweep_sends_all(
    transactional_db, tmp_path
):
    firm = make_firm()
    items = _overdue_followups(9, [firm.earner.user, firm.supervisor.user, firm.head.user])
    body = """
        import os, signal
        from followups.services import escalation as module
        real = module.outbound_emails_queue_many
        def die_after_queueing(**kwargs):
            real(**kwargs)  # escalations recorded, emails queued, nothing committed
            os.kill(os.getpid(), signal.SIGKILL)
        module.outbound_emails_queue_many = die_after_queueing
        module.escalation_sweep()
    """
    killed = _run_script(tmp_path, body, name="killed")
    killed.communicate(timeout=60)
    assert killed.returncode == -9
    assert Escalation.objects.count() == 0
    assert OutboundEmail.objects.count() == 0
    assert FollowUp.objects.filter(escalation_level=0).count() == len(items)

    normal = _run_script(
        tmp_path,
        "from followups.services import escalation_sweep\nprint(escalation_sweep())\n",
        name="next",
    )
    output = normal.communicate(timeout=60)[0]
    assert normal.returncode == 0, output
    assert Escalation.objects.count() == len(items)
    assert OutboundEmail.objects.filter(kind=EmailKind.ESCALATION).count() == 3


def test_beat_task_on_a_real_worker_sends_the_escalation_emails(celery_workers, celery_not_eager):
    firm = make_firm()
    _overdue_followups(4, [firm.earner.user, firm.supervisor.user])
    celery_workers.start()
    sweep_task.delay()
    wait_for(
        lambda: OutboundEmail.objects.filter(kind=EmailKind.ESCALATION, state="sent").count() == 2,
        what="the two escalation emails to be sent",
    )
    assert len(list(celery_workers.mail_dir.iterdir())) == 2
    assert Escalation.objects.count() == 4
