"""Benchmark: arrival to brief handed to the mail backend, through real Celery workers
(capture → qualify → assign → brief email), on PostgreSQL and Redis or on the default
single-machine set-up.

It migrates the given database, loads the demo firm, starts WORKERS Celery worker
processes, captures LEADS enquiries spread evenly over SPREAD seconds (as if arriving on
the web form, from distinct enquirers: ``enquirer_details``), and waits until every
brief is sent. Per lead it measures from ``Lead.captured_at`` to the brief's
``OutboundEmail.sent_at`` (set when the mail backend accepted it), and prints
p50/p95/max and leads per minute.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/wt_routing \\
    CELERY_BROKER_URL=redis://127.0.0.1:6379/10 \\
    python bench/routing_brief.py --leads 100 --spread 60 --workers 1 --concurrency 2

Without DATABASE_URL and CELERY_BROKER_URL it measures what ``make run`` runs: SQLite, the
filesystem broker and emails written under ``var/mail/``, all in a fresh ``var/`` folder
of its own (``LEADTRACK_VAR_DIR``), one worker as supervisord.conf starts it.

The database is the benchmark's own: its leads, members' loads and emails are wiped first.
Beside the total it prints where the time went, per lead: capture to the pipeline's first
step starting (the broker's delivery), the steps up to the brief being queued, the brief
queued to sent (the second delivery and the send).
"""

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE_DIR))


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    index = max(0, min(len(ordered) - 1, round(share * (len(ordered) - 1))))
    return ordered[index]


def enquirer_details(count: int) -> list[dict[str, str]]:
    """Distinct enquirers as a firm meets them (names from Faker's en_GB, seeded): half
    write from free mail, half from one of a few dozen organisations' domains (so a few
    share one), as the conflict check sees real enquiries. Every enquirer at one domain
    would make each check find every earlier enquirer."""
    from faker import Faker

    fake = Faker("en_GB")
    fake.seed_instance(2026)
    companies = [fake.domain_name() for _ in range(max(1, count // 3))]
    free = ("gmail.com", "outlook.com", "btinternet.com", "hotmail.co.uk", "icloud.com")
    people = []
    for n in range(count):
        first, last = fake.first_name(), fake.last_name()
        domain = free[n % len(free)] if n % 2 else companies[(n // 2) % len(companies)]
        local = f"{first}.{last}{n}".lower().replace("'", "").replace(" ", "")
        people.append({"name": f"{first} {last}", "email": f"{local}@{domain}"})
    return people


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--leads", type=int, default=100)
    parser.add_argument("--spread", type=float, default=60.0, help="Seconds to spread them over.")
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--concurrency", type=int, default=4)
    args = parser.parse_args()

    single_machine = not os.environ.get("DATABASE_URL")
    if single_machine == bool(os.environ.get("CELERY_BROKER_URL")):
        sys.exit(
            "Set both DATABASE_URL and CELERY_BROKER_URL (PostgreSQL and Redis), or neither "
            "(the default set-up); see the module docstring."
        )
    var_dir = Path(tempfile.mkdtemp(prefix="leadtrack-bench-"))
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "leadtrack.settings",
        "SECRET_KEY": os.environ.get("SECRET_KEY", "bench-secret-key"),
        "DEBUG": "false",
        "CELERY_TASK_ALWAYS_EAGER": "false",
        "LOG_LEVEL": "WARNING",
        "LEADTRACK_VAR_DIR": str(var_dir),
    }
    if not single_machine:
        env["EMAIL_URL"] = f"filemail://{var_dir / 'mail'}"
    os.environ.update(env)
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    call_command("migrate", verbosity=0)
    if not single_machine:
        with connection.cursor() as cursor:
            cursor.execute(
                "TRUNCATE leads_lead, leads_contact, leads_inboundmessage, leads_outboundemail "
                "RESTART IDENTITY CASCADE"
            )
    call_command("load_demo_firm", verbosity=0, stdout=open(os.devnull, "w"))  # noqa: SIM115
    if not single_machine:
        import redis

        redis.Redis.from_url(os.environ["CELERY_BROKER_URL"]).flushdb()
    connection.close()  # the workers and this process share the SQLite file from here

    from leads.choices import Channel, EmailKind, EmailState
    from leads.models import Lead, OutboundEmail, PipelineStepRun
    from leads.services import ContactDetails, lead_capture

    workers = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "leadtrack",
                "worker",
                "--loglevel=WARNING",
                f"--concurrency={args.concurrency}",
                "--without-gossip",
                "--without-mingle",
                f"--hostname=bench{n}@%h",
            ],
            cwd=BASE_DIR,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for n in range(args.workers)
    ]
    time.sleep(8)  # let the workers connect before the first lead arrives
    messages = [
        "I was dismissed last week after a grievance; I think it was unfair dismissal.",
        "We are buying a leasehold flat for £285,000 and hope to complete in six weeks.",
        "My mother passed away and I am the executor of her will. Can you help with probate?",
        "We need a shareholder agreement for our new joint venture, turnover £2m.",
        "Can you do our annual accounts and corporation tax return? Small company.",
        "Hello, could someone call me back please?",
    ]
    enquirers = enquirer_details(args.leads)
    try:
        started = time.monotonic()
        ids = []
        for n in range(args.leads):
            due = started + n * args.spread / max(args.leads, 1)
            time.sleep(max(0.0, due - time.monotonic()))
            ids.append(
                lead_capture(
                    channel=Channel.WEB_FORM,
                    contact=ContactDetails(**enquirers[n]),
                    message=messages[n % len(messages)],
                    provider="bench",
                    external_id=f"bench-{n}-{started}",
                ).lead.pk
            )
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            done = OutboundEmail.objects.filter(
                lead__in=ids, kind=EmailKind.BRIEF, state=EmailState.SENT
            ).count()
            if done >= len(ids):
                break
            time.sleep(0.5)
    finally:
        for worker in workers:
            worker.terminate()
        for worker in workers:
            worker.wait(timeout=30)

    emails = {
        email.lead_id: email
        for email in OutboundEmail.objects.filter(
            lead__in=ids, kind=EmailKind.BRIEF, state=EmailState.SENT
        )
    }
    briefs = {lead_id: email.sent_at for lead_id, email in emails.items()}
    first_step = {}
    step_seconds: dict[str, list[float]] = {}
    for run in PipelineStepRun.objects.filter(lead__in=ids).exclude(started_at=None):
        known = first_step.get(run.lead_id)
        first_step[run.lead_id] = run.started_at if known is None else min(known, run.started_at)
        if run.finished_at is not None:
            step_seconds.setdefault(run.step, []).append(
                (run.finished_at - run.started_at).total_seconds()
            )
    leads = Lead.objects.filter(pk__in=ids)
    seconds = [
        (briefs[lead.pk] - lead.captured_at).total_seconds() for lead in leads if lead.pk in briefs
    ]
    if not seconds:
        sys.exit("No brief was sent; check the workers (run one by hand to see its log).")
    first = min(lead.captured_at for lead in leads)
    last = max(briefs.values())
    print(f"leads captured: {len(ids)} over {args.spread:.0f} s; briefs sent: {len(seconds)}")
    print(
        f"set-up: {'SQLite, filesystem broker' if single_machine else 'PostgreSQL, Redis'}; "
        f"workers: {args.workers} × concurrency {args.concurrency}"
    )
    print(
        f"capture → brief sent: p50 {percentile(seconds, 0.5):.2f} s, "
        f"p95 {percentile(seconds, 0.95):.2f} s, max {max(seconds):.2f} s"
    )
    print(f"throughput: {len(seconds) / (last - first).total_seconds() * 60:.0f} leads per minute")
    parts = {
        "capture → first step started": [],
        "first step → brief queued": [],
        "brief queued → sent": [],
    }
    for lead in leads:
        if lead.pk not in briefs or lead.pk not in first_step:
            continue
        email = emails[lead.pk]
        parts["capture → first step started"].append(
            (first_step[lead.pk] - lead.captured_at).total_seconds()
        )
        parts["first step → brief queued"].append(
            (email.created_at - first_step[lead.pk]).total_seconds()
        )
        parts["brief queued → sent"].append((email.sent_at - email.created_at).total_seconds())
    for name, values in parts.items():
        print(
            f"  {name}: p50 {percentile(values, 0.5):.3f} s, p95 {percentile(values, 0.95):.3f} s"
        )
    print("each pipeline step, started to finished (its transaction):")
    for name, values in step_seconds.items():
        print(
            f"  {name}: p50 {percentile(values, 0.5):.3f} s, p95 {percentile(values, 0.95):.3f} s"
        )


if __name__ == "__main__":
    main()
