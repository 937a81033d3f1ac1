# ruff: noqa: S311 (demo data, not security: the standard generator is the right tool)
"""Generate a large, realistic set of leads with their timelines, for trying the tracker
at scale and for the benchmark (``bench/tracker.py``).

Rows are written in bulk, not through the capture service: on PostgreSQL with COPY
(psycopg), elsewhere with ``bulk_create`` in batches. The data follows the tracker's rules
(statuses along allowed transitions with a timeline entry and a status period each, first
responses after arrival, closed leads with a reason), so every figure in the dashboard and
the reports has something true to show. It needs the demo firm's members (``load_demo_firm``).
"""

import datetime as dt
import json
import random
import time
from collections.abc import Iterator
from decimal import Decimal
from typing import Any

from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.db.models import Max, Model
from django.utils import timezone

from leads.choices import ActivityKind, Channel, Status
from leads.models import Activity, Contact, Lead, StatusPeriod
from leads.statuses import forward_stage
from leadtrack.planner_statistics import planner_statistics_refresh
from leadtrack.reports.hours import LONDON
from qualification.models import PracticeArea, QualificationResult
from qualification.services import qualification_model_active_or_default
from routing.models import Member

CHANNELS = [
    (Channel.WEB_FORM, 35, ["Website enquiry form", "Google Ads landing page", "Blog"]),
    (Channel.EMAIL, 30, ["info@ mailbox", "Partner's inbox", "Newsletter reply"]),
    (Channel.PHONE, 15, ["Switchboard", "Direct line"]),
    (Channel.REFERRAL, 10, ["Smith & Co Accountants", "Barclays Business", "Past client"]),
    (Channel.SOCIAL, 6, ["LinkedIn", "Facebook", "X"]),
    (Channel.API, 4, ["Law Society Find a Solicitor", "Comparison site"]),
]
CAMPAIGNS = ["spring-wills", "employment-guide", "business-sale", "", "", ""]
TIERS = [("A", 20, (8000, 60000)), ("B", 50, (2000, 12000)), ("C", 30, (300, 3000))]
FIRST_NAMES = ["Rachel", "Mark", "Priti", "Ben", "Aisha", "Tom", "Chloe", "Daniel", "Megan"]
LAST_NAMES = ["Turner", "Ellis", "Patel", "Hartley", "Khan", "Walker", "Evans", "Jones", "Reid"]
LOST_REASONS = ["Went with another firm", "Fee too high", "No response from enquirer"]
BATCH = 5000


def _weighted(choices):
    return random.choices(choices, weights=[item[1] for item in choices])[0]


class Command(BaseCommand):
    help = (
        "Generate N demo leads with contacts and timelines (bulk; COPY on PostgreSQL). "
        "Run load_demo_firm first. Example: manage.py generate_demo_data --leads 1000000"
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--leads", type=int, required=True, help="How many leads to add.")
        parser.add_argument(
            "--days", type=int, default=730, help="Spread arrivals over this many past days."
        )
        parser.add_argument("--seed", type=int, default=2026, help="Random seed (repeatable).")

    def handle(self, *args, **options) -> None:
        count, days = options["leads"], options["days"]
        if count < 1:
            raise CommandError("--leads must be at least 1.")
        if days < 1:
            raise CommandError("--days must be at least 1.")
        owners = list(Member.objects.filter(is_active=True).values_list("user_id", flat=True))
        if not owners:
            raise CommandError(
                "There are no members to own leads. Run 'manage.py load_demo_firm' first."
            )
        areas = list(PracticeArea.objects.values_list("pk", flat=True))
        if not areas:
            raise CommandError("There are no practice areas. Run 'manage.py load_demo_firm' first.")
        random.seed(options["seed"])
        started = time.monotonic()
        generator = DemoData(
            owners=owners,
            days=days,
            now=timezone.now(),
            areas=areas,
            model_id=qualification_model_active_or_default().pk,
        )
        first_contact = (Contact.objects.aggregate(top=Max("pk"))["top"] or 0) + 1
        first_lead = (Lead.objects.aggregate(top=Max("pk"))["top"] or 0) + 1
        written = {"contacts": 0, "leads": 0, "activities": 0, "periods": 0}
        with transaction.atomic():
            for start in range(0, count, BATCH):
                size = min(BATCH, count - start)
                contacts, leads, activities, periods, results = generator.batch(
                    first_contact + start,
                    first_lead + start,
                    size,
                    start=days * (1 - start / count),
                    end=days * (1 - (start + size) / count),
                )
                write(Contact, contacts)
                write(Lead, leads)
                write(Activity, activities)
                write(StatusPeriod, periods)
                write(QualificationResult, results)
                written["contacts"] += len(contacts)
                written["leads"] += len(leads)
                written["activities"] += len(activities)
                written["periods"] += len(periods)
                if (start // BATCH) % 20 == 0:
                    self.stdout.write(
                        f"  {start + size:,} leads ({time.monotonic() - started:.0f} s)"
                    )
            reset_sequences([Contact, Lead])
        # A bulk load changes the data's shape: the planner needs fresh statistics.
        planner_statistics_refresh(every_table=True)
        self.stdout.write(
            self.style.SUCCESS(
                f"Added {written['leads']:,} leads, {written['contacts']:,} contacts, "
                f"{written['activities']:,} timeline entries and {written['periods']:,} status "
                f"periods in {time.monotonic() - started:.0f} s."
            )
        )


class DemoData:
    """Makes rows: a contact, a lead and its timeline, consistent with the status rules."""

    def __init__(
        self, *, owners: list[int], days: int, now: dt.datetime, areas: list[int], model_id: int
    ) -> None:
        self.owners = owners
        self.areas = areas
        self.model_id = model_id
        self.days = days
        self.now = now

    def arrivals(self, size: int, *, start: float, end: float) -> list[dt.datetime]:
        """``size`` arrival times between ``start`` and ``end`` days ago, oldest first (so
        ids follow arrival, as they do when leads are captured as they come): most in
        working hours, the rest in the evening or at night."""
        moments = []
        for _ in range(size):
            day = (self.now - dt.timedelta(days=random.uniform(end, start))).astimezone(LONDON)
            if random.random() < 0.75:
                hour = random.uniform(9, 17.5)
            else:
                hour = random.choice([random.uniform(0, 9), random.uniform(17.5, 24)])
            local = dt.datetime.combine(day.date(), dt.time(0), tzinfo=LONDON)
            moments.append(
                min(local + dt.timedelta(hours=hour), self.now - dt.timedelta(minutes=1))
            )
        return sorted(moments)

    def batch(self, contact_id: int, lead_id: int, size: int, *, start: float, end: float):
        """Rows for ``size`` leads arriving between ``start`` and ``end`` days ago."""
        contacts, leads, activities, periods, results = [], [], [], [], []
        arrivals = self.arrivals(size, start=start, end=end)
        for offset in range(size):
            contact, lead, timeline = self.lead(
                contact_id + offset, lead_id + offset, arrivals[offset]
            )
            contacts.append(contact)
            leads.append(lead)
            activities.extend(timeline)
            periods.extend(status_periods(lead, timeline))
            results.append(self.qualification(lead))
        return contacts, leads, activities, periods, results

    def qualification(self, lead: dict[str, Any]) -> dict[str, Any]:
        """The qualification result behind the lead's tier; a few overridden by a person."""
        tier = lead["tier"]
        model_tier = tier
        if random.random() < 0.04:
            model_tier = random.choice([other for other in "ABC" if other != tier])
        return {
            "lead_id": lead["id"],
            "model_version_id": self.model_id,
            "qualified_at": lead["qualified_at"],
            "practice_area_id": random.choice(self.areas),
            "estimated_value": lead["estimated_value"],
            "commercial_significance": {"A": "high", "B": "medium", "C": "low"}[model_tier],
            "urgency": random.choice(["high", "medium", "low"]),
            "decision_position": "decision_maker",
            "score": {"A": 80, "B": 55, "C": 25}[model_tier],
            "tier": model_tier,
            "basis": ["Generated demo data"],
            "recommended_action": "Call the enquirer",
            "override_tier": tier if model_tier != tier else "",
            "override_reason": "Partner's judgement" if model_tier != tier else "",
            "overridden_at": lead["qualified_at"] if model_tier != tier else None,
        }

    def lead(self, contact_id: int, lead_id: int, arrived: dt.datetime):
        age_days = (self.now - arrived).total_seconds() / 86400
        channel, _, sources = _weighted(CHANNELS)
        tier, _, (low, high) = _weighted(TIERS)
        name = f"{random.choice(FIRST_NAMES)} {random.choice(LAST_NAMES)}"
        contact = {
            "id": contact_id,
            "name": name,
            "email": f"enquirer{contact_id}@example.com",
            "organisation": "" if random.random() < 0.6 else f"{name.split()[1]} Ltd",
            "created_at": arrived,
        }
        owner = random.choice(self.owners)
        path = self.path(age_days)
        final = path[-1]
        times = self.times(arrived, len(path), age_days)
        closed = final in (Status.WON, Status.LOST, Status.DISQUALIFIED)
        responded = final != Status.NEW or random.random() < 0.3
        response_delay = dt.timedelta(hours=random.lognormvariate(0.8, 1.1))
        first_response = min(arrived + response_delay, self.now) if responded else None
        if first_response and len(times) > 1:
            first_response = min(first_response, times[1])
        unowned = final == Status.NEW and random.random() < 0.05
        campaign = random.choice(CAMPAIGNS) if channel == Channel.WEB_FORM else ""
        lead = {
            "id": lead_id,
            "reference": f"LD-{arrived.year}-{lead_id:05d}",
            "channel": channel,
            "source": random.choice(sources),
            "arrived_at": arrived,
            "captured_at": arrived + dt.timedelta(seconds=random.randint(1, 90)),
            "utm": {"utm_source": "google", "utm_campaign": campaign} if campaign else {},
            "contact_id": contact_id,
            "subject": "Enquiry",
            "message": "I would like some advice, please.",
            "tier": tier,
            "estimated_value": Decimal(random.randint(low, high)),
            "qualified_at": arrived + dt.timedelta(seconds=5),
            "owner_id": None if unowned else owner,
            "assigned_at": None if unowned else arrived + dt.timedelta(seconds=8),
            "status": final,
            "status_changed_at": times[-1],
            "closed_reason": random.choice(LOST_REASONS)
            if final in (Status.LOST, Status.DISQUALIFIED)
            else "",
            "closed_at": times[-1] if closed else None,
            # A win records the fee agreed (within a fifth of the estimate; no extra draw
            # from the seeded generator, so the rest of the data stays as it was).
            "agreed_fee": None,
            "matter_reference": f"M{arrived.year % 100:02d}-{lead_id:06d}"
            if final == Status.WON
            else "",
            "first_response_at": first_response,
            "last_contact_at": first_response,
            "next_action_due_at": None
            if closed
            else self.now + dt.timedelta(hours=random.uniform(-72, 120)),
            "pipeline_completed_at": arrived + dt.timedelta(seconds=10),
        }
        if final == Status.WON:
            lead["agreed_fee"] = (lead["estimated_value"] * AGREED_SHARE[lead_id % 5]).quantize(
                Decimal("1")
            )
        timeline = [
            {
                "lead_id": lead_id,
                "kind": ActivityKind.CAPTURED,
                "at": lead["captured_at"],
                "summary": f"Enquiry captured from {Channel(channel).label}",
                "data": {},
            }
        ]
        # Each change records when the status it ends began, as lead_change_status does.
        for previous, status, since, at in zip(path, path[1:], times, times[1:], strict=False):
            timeline.append(
                {
                    "lead_id": lead_id,
                    "kind": ActivityKind.STATUS_CHANGED,
                    "at": at,
                    "summary": (
                        f"Status changed from {Status(previous).label} to {Status(status).label}"
                    ),
                    "data": {
                        "from": previous,
                        "to": status,
                        "reason": "",
                        "since": since.astimezone(dt.UTC).isoformat(),
                    },
                }
            )
        if first_response:
            timeline.append(
                {
                    "lead_id": lead_id,
                    "kind": ActivityKind.CALL_LOGGED,
                    "at": first_response,
                    "summary": "Call: first conversation with the enquirer",
                    "data": {},
                }
            )
        if (
            lead["next_action_due_at"]
            and lead["next_action_due_at"] < self.now
            and random.random() < 0.3
        ):
            timeline.append(
                {
                    "lead_id": lead_id,
                    "kind": ActivityKind.ESCALATED,
                    "at": lead["next_action_due_at"] + dt.timedelta(hours=4),
                    "summary": "Overdue follow-up escalated to the supervisor",
                    "data": {"level": 1},
                }
            )
        return contact, lead, [entry for entry in timeline if entry["at"] <= self.now]

    def path(self, age_days: float) -> list[Status]:
        """The statuses the lead went through, along the allowed transitions."""
        forward = [Status.NEW, Status.ASSIGNED, Status.CONTACTED, Status.MEETING, Status.PROPOSAL]
        if age_days > 45 or random.random() < age_days / 60:
            outcome = random.choices(
                [Status.WON, Status.LOST, Status.DISQUALIFIED], weights=[30, 55, 15]
            )[0]
            if outcome == Status.DISQUALIFIED:
                return [Status.NEW, Status.ASSIGNED, Status.DISQUALIFIED]
            reached = random.randint(2, 5) if outcome == Status.LOST else 5
            return [*forward[:reached], outcome]
        return forward[: random.choices([1, 2, 3, 4, 5], weights=[10, 30, 30, 20, 10])[0]]

    def times(self, arrived: dt.datetime, steps: int, age_days: float) -> list[dt.datetime]:
        """When each status began: arrival, then increasing times up to now (each change
        at least a minute after arrival, and none after now: arrivals are a minute old)."""
        span = max(0.0, min(age_days, random.uniform(5, 60)) * 86400 - 60)
        moments = sorted(random.uniform(0, span) for _ in range(steps - 1))
        moments[:1] = [min(moments[0], 3600)] if moments else []
        return [arrived] + [arrived + dt.timedelta(seconds=60 + s) for s in moments]


def status_periods(lead: dict[str, Any], timeline: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The period each status change ended, as ``leads.services.status_period_record``
    records it from the timeline entry (the entries are in time order)."""
    periods, furthest = [], 0
    for entry in timeline:
        if entry["kind"] != ActivityKind.STATUS_CHANGED:
            continue
        since = dt.datetime.fromisoformat(entry["data"]["since"])
        stage = forward_stage(entry["data"]["to"])
        periods.append(
            {
                "lead_id": lead["id"],
                "lead_arrived_at": lead["arrived_at"],
                "status": entry["data"]["from"],
                "started_at": since,
                "ended_at": entry["at"],
                "seconds": (entry["at"] - since).total_seconds(),
                "stage": stage,
                "furthest_before": furthest,
            }
        )
        furthest = max(furthest, stage or 0)
    return periods


# What the client agreed against the estimate, by lead (demo data only).
AGREED_SHARE = [Decimal("0.8"), Decimal("0.9"), Decimal("1"), Decimal("1.1"), Decimal("1.2")]


def write(model: type[Model], rows: list[dict[str, Any]]) -> None:
    """Insert rows (dicts of field attnames) with every other field at its default."""
    if not rows:
        return
    fields = [
        field
        for field in model._meta.concrete_fields
        if not (field.primary_key and "id" not in rows[0])
    ]
    if connection.vendor == "postgresql":
        _copy(model, fields, rows)
        return
    model.objects.bulk_create(
        [model(**{f.attname: row.get(f.attname, f.get_default()) for f in fields}) for row in rows],
        batch_size=1000,
    )


def _copy(model: type[Model], fields, rows: list[dict[str, Any]]) -> None:
    columns = ", ".join(f'"{field.column}"' for field in fields)
    json_fields = {field.attname for field in fields if field.get_internal_type() == "JSONField"}
    defaults = {field.attname: field.get_default() for field in fields}
    sql = f'COPY "{model._meta.db_table}" ({columns}) FROM STDIN'
    with connection.cursor() as cursor, cursor.copy(sql) as copy:
        for row in _rows(rows, fields, defaults, json_fields):
            copy.write_row(row)


def _rows(rows, fields, defaults, json_fields) -> Iterator[list[Any]]:
    names = [field.attname for field in fields]
    for row in rows:
        values = []
        for name in names:
            value = row.get(name, defaults[name]) if name in row else defaults[name]
            if name in json_fields:
                value = json.dumps(value)
            values.append(value)
        yield values


def reset_sequences(models: list[type[Model]]) -> None:
    """After inserting explicit ids, move the id sequences past them (PostgreSQL)."""
    if connection.vendor != "postgresql":
        return
    from django.core.management.color import no_style

    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(sql)
