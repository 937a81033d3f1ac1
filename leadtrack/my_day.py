"""*My day*: what a fee earner must do today, on one page they can work from: their
overdue follow-ups, those due later today, and the leads newly given to them that nobody
has answered yet. Each item is completed in place (a call with its outcome, marked done,
or snoozed), through the same services as everywhere else.

Three indexed queries, whatever the size of the firm: the page's query count is fixed
(asserted in ``tests/leadtrack/test_my_day.py``).
"""

import datetime as dt
from dataclasses import dataclass, field

from django.utils import timezone

from firm.calendar import LONDON, WorkingCalendar
from followups.choices import IntervalUnit
from followups.models import FollowUp
from followups.selectors import followup_list
from leads.choices import Status
from leads.models import Lead
from leadtrack.access import visible_followups, visible_leads
from leadtrack.reports.base import as_duration
from leadtrack.reports.hours import working_calendar, working_seconds

# At most this many items in each section (the rest are on the follow-up lists).
SECTION_LIMIT = 50
# A lead counts as "new to me" for this many days after it was given to me.
NEW_FOR_DAYS = 7


@dataclass
class Item:
    """One thing to do: a follow-up (overdue or due today) or a new lead to contact."""

    lead: Lead
    followup: FollowUp | None = None
    late_by: str = ""  # elapsed since it fell due
    late_working: str = ""  # of which in the firm's working hours

    @property
    def uid(self) -> str:
        """Unique on the page (one lead can have two follow-ups listed)."""
        return f"f{self.followup.pk}" if self.followup else f"l{self.lead.pk}"


@dataclass
class MyDay:
    overdue: list[Item] = field(default_factory=list)
    due_today: list[Item] = field(default_factory=list)
    new_to_me: list[Item] = field(default_factory=list)
    more_overdue: bool = False
    snooze_choices: list[tuple[str, str]] = field(default_factory=list)


def end_of_day(now: dt.datetime) -> dt.datetime:
    """Midnight at the end of ``now``'s London day."""
    day = now.astimezone(LONDON).date() + dt.timedelta(days=1)
    return dt.datetime.combine(day, dt.time.min, tzinfo=LONDON)


def snooze_choices(calendar: WorkingCalendar, now: dt.datetime) -> list[tuple[str, str]]:
    """Snooze times a person would pick, all inside working hours: (ISO value, label)."""
    options = [
        (calendar.add(now, 2, IntervalUnit.HOURS), "In two working hours"),
        (
            calendar.opening_hours(calendar.next_working_day(now.astimezone(LONDON).date()))[0],
            "Next working morning",
        ),
        (calendar.add(now, 2, IntervalUnit.DAYS), "In two working days"),
    ]
    seen, choices = set(), []
    for moment, label in options:
        if moment in seen:
            continue
        seen.add(moment)
        local = moment.astimezone(LONDON)
        choices.append((local.isoformat(), f"{label} ({local:%a %d %b %H:%M})"))
    return choices


def my_day_build(*, user, now: dt.datetime | None = None) -> MyDay:
    """The signed-in person's day, as of ``now``."""
    now = now or timezone.now()
    calendar = working_calendar()
    mine = visible_followups(user, followup_list()).filter(owner=user, completed_at__isnull=True)
    day = MyDay(snooze_choices=snooze_choices(calendar, now))

    overdue = list(mine.filter(due_at__lte=now).order_by("due_at", "pk")[: SECTION_LIMIT + 1])
    day.more_overdue = len(overdue) > SECTION_LIMIT
    for followup in overdue[:SECTION_LIMIT]:
        day.overdue.append(
            Item(
                lead=followup.lead,
                followup=followup,
                late_by=as_duration((now - followup.due_at).total_seconds()),
                late_working=as_duration(working_seconds(calendar, followup.due_at, now)),
            )
        )

    today = mine.filter(due_at__gt=now, due_at__lt=end_of_day(now)).order_by("due_at", "pk")
    day.due_today = [Item(lead=f.lead, followup=f) for f in today[:SECTION_LIMIT]]

    listed = {item.lead.pk for item in day.overdue + day.due_today}
    fresh = (
        visible_leads(user)
        .filter(
            owner=user,
            status__in=[Status.NEW, Status.ASSIGNED],
            first_response_at__isnull=True,
            assigned_at__gte=now - dt.timedelta(days=NEW_FOR_DAYS),
        )
        .select_related("contact")
        .order_by("-assigned_at", "-pk")[: SECTION_LIMIT + len(listed)]
    )
    day.new_to_me = [Item(lead=lead) for lead in fresh if lead.pk not in listed][:SECTION_LIMIT]
    return day
