"""Benchmark of the overdue sweep at scale, on PostgreSQL.

Creates (or recreates) a benchmark database, migrates it, and fills it with raw SQL
(not through services, for speed): 1,000,000 leads, one follow-up each (900,000
completed, 100,000 open and not yet due), 100 members in 10 teams. It then measures:

1. the empty sweep (nothing overdue): median of 25 sweeps;
2. the sweep that escalates 10,000 overdue follow-ups (owner level), one run;
3. the same 10,000 one level up (supervisor), one run;

and prints EXPLAIN ANALYZE of the sweep's query, which must use the partial index
``followup_escalation_due_idx``. Targets: under 50 ms empty, under 5 s for 10,000.

Run from the project folder (about 3-6 minutes on 2 cores):

    BENCH_DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_followups \\
        /work/main/.venv/bin/python bench/escalation.py

``BENCH_REUSE=1`` keeps an already populated benchmark database and only resets its
follow-ups, escalations, escalation emails and timeline entries (seconds, not minutes);
``BENCH_PROFILE=path`` writes a cProfile of the 10,000-item sweep to that file;
``BENCH_COLD=1`` skips the warm-up, so the sweep also pays what a fresh worker process
loads once (URL configuration, bank holidays, templates).
"""

import os
import statistics
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))

DATABASE_URL = os.environ.get(
    "BENCH_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/bench_followups"
)
LEADS = int(os.environ.get("BENCH_LEADS", "1000000"))
OVERDUE = int(os.environ.get("BENCH_OVERDUE", "10000"))
OPEN_NOT_DUE = int(os.environ.get("BENCH_OPEN", "100000"))
REUSE = os.environ.get("BENCH_REUSE", "") not in ("", "0")
PROFILE = os.environ.get("BENCH_PROFILE", "")
MEMBERS = 100

os.environ.update(
    {
        "DATABASE_URL": DATABASE_URL,
        "DJANGO_SETTINGS_MODULE": "leadtrack.settings",
        "SECRET_KEY": "bench-only",
        "CELERY_BROKER_URL": "memory://",
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "EMAIL_URL": "memorymail://",
        "LOG_LEVEL": "WARNING",
        "LEADTRACK_VAR_DIR": str(BASE_DIR / "var" / "bench"),
    }
)


def recreate_database() -> bool:
    """Create the benchmark database afresh; with BENCH_REUSE keep one that exists.
    Returns whether it must be populated."""
    import psycopg

    name = DATABASE_URL.rsplit("/", 1)[-1]
    server = DATABASE_URL.rsplit("/", 1)[0].replace("postgres://", "postgresql://", 1)
    with psycopg.connect(f"{server}/postgres", autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone()
        if REUSE and exists:
            return False
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    return True


def reset() -> None:
    """Put a reused database back as populate() left it: nothing escalated or overdue."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("DELETE FROM followups_escalation")
        cursor.execute("DELETE FROM leads_activity WHERE kind = 'escalated'")
        cursor.execute("DELETE FROM leads_outboundemail WHERE kind = 'escalation'")
        cursor.execute(
            """
            UPDATE followups_followup SET escalation_level = 0,
                due_at = now() + interval '7 days', next_escalation_at = now() + interval '7 days'
            WHERE completed_at IS NULL
              AND (escalation_level > 0 OR next_escalation_at < now() + interval '1 day')
            """
        )
        cursor.execute("VACUUM ANALYZE followups_followup")
        cursor.execute("VACUUM ANALYZE followups_escalation")
        cursor.execute("VACUUM ANALYZE leads_activity")
        cursor.execute("VACUUM ANALYZE leads_outboundemail")


def timed(label: str, func):
    started = time.perf_counter()
    value = func()
    print(f"  {label}: {time.perf_counter() - started:.2f} s", flush=True)
    return value


def populate() -> None:
    from django.contrib.auth import get_user_model
    from django.db import connection

    from routing.models import Member, Team

    User = get_user_model()
    teams = [Team.objects.create(name=f"Team {n}") for n in range(10)]
    members = []
    for n in range(MEMBERS):
        user = User.objects.create(
            username=f"member{n}", email=f"member{n}@bench.example", is_staff=True
        )
        team = teams[n % 10]
        head = members[n % 10] if n >= 10 else None
        member = Member.objects.create(user=user, team=team, supervisor=head)
        if n < 10:
            team.head = member
            team.save(update_fields=["head"])
        members.append(member)
    user_ids = [m.user_id for m in members]

    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO leads_contact (name, email, phone, organisation, job_title, created_at)
            SELECT 'Enquirer ' || n, 'enquirer' || n || '@example.com', '', '', '', now()
            FROM generate_series(1, 10000) AS n
            """
        )
        cursor.execute("SELECT min(id) FROM leads_contact")
        first_contact = cursor.fetchone()[0]
        timed(
            f"{LEADS:,} leads",
            lambda: cursor.execute(
                """
                INSERT INTO leads_lead (reference, channel, source, arrived_at, captured_at,
                    utm, consent, consent_text, contact_id, subject, message, tier, owner_id,
                    assigned_at, status, status_changed_at, closed_reason, closed_at,
                    next_action_due_at, pipeline_completed_at, practice_area_hint,
                    send_acknowledgement)
                SELECT 'LD-B-' || n, 'web_form', 'bench', now() - (n || ' minutes')::interval,
                    now() - (n || ' minutes')::interval, '{}', false, '',
                    %s + (n %% 10000), 'Enquiry', 'Benchmark enquiry',
                    (ARRAY['A','B','C'])[1 + n %% 3], (%s::bigint[])[1 + n %% %s],
                    now(), CASE WHEN n <= %s THEN 'assigned' ELSE 'won' END, now(), '',
                    CASE WHEN n <= %s THEN NULL ELSE now() END, NULL, now(), '', false
                FROM generate_series(1, %s) AS n
                """,
                [first_contact, user_ids, MEMBERS, OPEN_NOT_DUE, OPEN_NOT_DUE, LEADS],
            ),
        )
        # One follow-up per lead: completed for closed leads; open and due next week for
        # the first OPEN_NOT_DUE leads.
        timed(
            f"{LEADS:,} follow-ups",
            lambda: cursor.execute(
                """
                INSERT INTO followups_followup (lead_id, stage, kind, owner_id, due_at,
                    guidance, counts_calendar_time, created_at, completed_at, completed_how,
                    completion_note, snooze_count, escalation_level, next_escalation_at)
                SELECT id, 'new', 'first_contact', owner_id,
                    now() + interval '7 days', 'Confirm conflict check', false, now(),
                    CASE WHEN status = 'won' THEN now() ELSE NULL END,
                    CASE WHEN status = 'won' THEN 'lead_closed' ELSE '' END, '', 0, 0,
                    CASE WHEN status = 'won' THEN NULL ELSE now() + interval '7 days' END
                FROM leads_lead
                """
            ),
        )
        timed("VACUUM ANALYZE", lambda: cursor.execute("VACUUM ANALYZE"))


def make_overdue() -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            """
            UPDATE followups_followup SET due_at = now() - interval '10 minutes',
                next_escalation_at = now() - interval '10 minutes'
            WHERE id IN (SELECT id FROM followups_followup WHERE completed_at IS NULL
                         ORDER BY id LIMIT %s)
            """,
            [OVERDUE],
        )
        cursor.execute("ANALYZE followups_followup")


def explain() -> str:
    from django.db import transaction
    from django.utils import timezone

    from followups.selectors import escalation_due

    with transaction.atomic():
        # The first of the sweep's three queries (see escalation_due_locked).
        return (
            escalation_due(now=timezone.now())
            .select_for_update(skip_locked=True)
            .order_by("next_escalation_at")
            .values_list("pk", "lead_id")[:20000]
            .explain(analyze=True)
        )


def warm_up() -> None:
    """Load what a worker that has run sweeps before already has loaded: the URL
    configuration (the emails' links), the bank holidays and the email templates. The
    first sweep in a fresh process pays this once (measured and reported separately)."""
    from django.template.loader import get_template
    from django.utils import timezone

    from firm.selectors import working_calendar
    from followups.services.escalation import lead_url

    lead_url(1)
    working_calendar().add(timezone.now(), 120, "minutes")
    for part in ("subject.txt", "body.txt", "body.html"):
        get_template(f"emails/escalation_{part}")


def main() -> None:
    import django

    print(f"Benchmark database: {DATABASE_URL}")
    must_populate = recreate_database()
    django.setup()
    from django.core.management import call_command

    from followups.models import Escalation
    from followups.services import escalation_sweep
    from leads.models import OutboundEmail

    timed("migrate", lambda: call_command("migrate", verbosity=0))
    if must_populate:
        print("Populating:")
        timed("total populate", populate)
    else:
        print("Reusing the populated database:")
        timed("reset", reset)
    with open("/proc/loadavg") as loadavg:
        print(f"Load average before the sweeps: {loadavg.read().strip()}")

    print("Empty sweep (nothing overdue), 25 runs:")
    escalation_sweep()  # warm the connection and caches
    runs = []
    for _ in range(25):
        result = escalation_sweep()
        assert result.due == 0
        runs.append(result.seconds * 1000)
    print(
        f"  median {statistics.median(runs):.1f} ms, min {min(runs):.1f} ms, max {max(runs):.1f} ms"
    )
    print("Query plan with nothing overdue:")
    print(explain())

    make_overdue()
    if os.environ.get("BENCH_COLD", "") in ("", "0"):
        timed("warm-up (URLs, holidays, templates; once per worker process)", warm_up)
    print(f"Sweep with {OVERDUE:,} overdue follow-ups:")
    print(explain())
    cpu = time.process_time()
    if PROFILE:
        import cProfile

        profiler = cProfile.Profile()
        result = profiler.runcall(escalation_sweep)
        profiler.dump_stats(PROFILE)
    else:
        result = escalation_sweep()
    print(f"  {result}")
    print(f"  CPU time of this process (excluding PostgreSQL): {time.process_time() - cpu:.2f} s")
    assert result.escalations == OVERDUE, result
    print(f"  emails queued: {OutboundEmail.objects.count()} (one per recipient)")

    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE followups_followup SET next_escalation_at = now() - interval '1 minute' "
            "WHERE escalation_level = 1"
        )
    cpu = time.process_time()
    result = escalation_sweep()
    print(f"Supervisor level for the same {OVERDUE:,}:\n  {result}")
    print(f"  CPU time of this process (excluding PostgreSQL): {time.process_time() - cpu:.2f} s")
    assert Escalation.objects.count() == 2 * OVERDUE
    result = escalation_sweep()
    print(f"Sweep straight after (nothing due): {result.seconds * 1000:.1f} ms")
    with open("/proc/loadavg") as loadavg:
        print(f"Load average after the sweeps: {loadavg.read().strip()}")


if __name__ == "__main__":
    main()
