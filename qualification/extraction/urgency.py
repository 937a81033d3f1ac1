"""Urgency: deadlines and time pressure, read as a UK reader reads them, relative to when
the enquiry arrived (Europe/London), never to now: "by Friday", "next week", "court hearing
on 3 March", "completion in 10 days", "12/03/2027" (day first), and phrases such as
"urgent", "injunction", "police want to interview him at 4 today" or a threat to take the
children abroad.

A date in a clause told in the past ("the gearbox went within 3 weeks", "heads were signed
on Friday") is not a deadline. A time limit the enquirer gives is counted from the event
it runs from ("grant of probate issued on 4 September ... six months from the grant",
"hurt in March 2024 ... a three-year limit", "certificate came through on the 9th ... one
month"), and an unfair dismissal with no limit stated gets the tribunal's: three months
less one day from the dismissal. A deadline already passed is urgent for its own reason,
and the findings say so.

Working days are counted in the firm's one working calendar (``firm.calendar``), passed in
as data; with none given, the standard calendar for England and Wales is used.

Common forms are parsed here with regular expressions, which is fast; the rarer ones
("the 3rd") go to dateparser, on the short candidate only, with the day-first order,
future dates preferred and the arrival time as the base.
"""

import calendar
import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

import dateparser
from dateutil.relativedelta import relativedelta

from firm.calendar import WorkingCalendar
from qualification.extraction.guard import guarded
from qualification.extraction.text import HEAD_CHARS, Text

# The calendar used when the caller passes none (the standard one for England and Wales).
STANDARD_CALENDAR = WorkingCalendar()

MONTHS = {
    name: number
    for number in range(1, 13)
    for name in {calendar.month_name[number].lower(), calendar.month_abbr[number].lower()}
}
MONTHS["sept"] = 9
WEEKDAYS = {calendar.day_name[number].lower(): number for number in range(7)}
NUMBER_WORDS = {
    "a": 1,
    "an": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "fourteen": 14,
    "twenty": 20,
    "thirty": 30,
    "a couple of": 2,
    "a few": 3,
}
_MONTH = r"(jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"
_DAY = r"(\d{1,2})(?:st|nd|rd|th)?"
_DAY_MONTH = guarded(r"\b" + _DAY + r"\s+(?:of\s+)?" + _MONTH + r"(?:,?\s+(\d{4}))?\b")
_MONTH_DAY = guarded(r"\b" + _MONTH + r"\s+" + _DAY + r"\b(?:,?\s+(\d{4}))?")
_NUMERIC = guarded(r"(?<![\d/.£])(\d{1,2})/(\d{1,2})(?:/(\d{2}|\d{4}))?(?![\d/])")
_DOTTED = re.compile(r"(?<![\d.£])(\d{1,2})[.-](\d{1,2})[.-](\d{4}|\d{2})(?![\d.])")
_PART_OF_MONTH = guarded(r"\b(early|mid|late|end of|the end of)[- ]" + _MONTH)
_WEEKDAY = guarded(
    r"\b(this|next|by|on|before|until|till|from)?\s?"
    r"(monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b"
)
_NUMBER = "|".join(sorted((re.escape(word) for word in NUMBER_WORDS), key=len, reverse=True))
_IN_PERIOD = guarded(
    r"\b(?:in|within|next|inside)\s+(?:the\s+next\s+)?(\d{1,3}|" + _NUMBER + r")\s+"
    r"(working days?|business days?|days?|weeks?|months?)\b"
)
_FORTNIGHT = guarded(r"\b(?:in|within) a fortnight\b")
_RELATIVE = guarded(
    r"\b(today|tonight|this (?:morning|afternoon|evening)|tomorrow|"
    r"(?:the )?end of (?:the |this )?week|end of next week|this week|next week|"
    r"(?:the )?end of (?:the |this )?month|end of next month|next month)\b"
)
_MONTH_ONLY = guarded(r"\b(in|during|by|before|until|from)\s+" + _MONTH + r"(?!\s*\d)")
_ORDINAL_ONLY = guarded(r"\b(?:on|by|before) the (\d{1,2})(?:st|nd|rd|th)\b")

DEADLINE_CUE = guarded(
    r"\b(by|before|until|till|deadline|due|hearing|trial|tribunal|court|completion|complete|"
    r"completing|exchange|exchanging|expires?|expiry|limitation|appointment|need|needs|"
    r"needed|must|latest|submit|submitted|file|filed|filing|closing|sign|signed|signing|"
    r"start|starts|starting|moving|move|within|in time|no later than|urgent|asap|mediation|"
    r"expiring|turns|before then|"
    r"hmrc|meeting|interview|agree|agreed|wants?|distribut\w*|planned|set for|expect\w*|"
    r"respond|response|reply|given us|given me|have until|has until|listed|booked|"
    r"come|visit|lapses?|offer ends|sign-by)\b"
)
PAST_CUE = guarded(
    r"\b(ago|last|was|were|had|died|passed away|dismissed|sacked|happened|since|"
    r"occurred|received|started)\s*$"
)
URGENT_PHRASES = guarded(
    r"\b(urgent(?:ly)?|asap|as soon as possible|immediately|emergency|right away|"
    r"limitation period|time[- ]limit|time is running out|running out of time|"
    r"injunction|bailiffs?|eviction|statutory demand|winding[- ]up petition|"
    r"without delay|straight away|time[- ]sensitive|time[- ]critical|acas early conciliation|"
    r"tribunal deadline|court deadline|deadline is (?:today|tomorrow)|"
    r"freezing order|search order|non[- ]molestation(?: order)?|occupation order|"
    r"prohibited steps(?: order)?|emergency protection|forced marriage|abduct\w*|"
    r"take (?:the|my|our) (?:kids|children|son|daughter)(?: abroad| out of the country)?|"
    r"(?:remove|removing|take|taking) (?:the |my |our |his |her )?(?:\d |two |three |both )?"
    r"(?:kids|children|son|daughter|boys|girls) (?:abroad|out of the country|to \w+)|"
    r"removal directions|"
    r"(?:police|officers) (?:want|wants|are going) to (?:interview|question)|"
    r"interview under caution|custody suite|repossession hearing|"
    r"(?:was|been|got) arrested (?:last night|this morning|yesterday|today|earlier)|"
    r"days rather than weeks|days to live|end of life|terminally ill|hospice)\b"
)
SOON_PHRASES = guarded(
    r"\b(soon|shortly|quickly|promptly|in the coming weeks|over the next few weeks|"
    r"before the end of the (?:tax )?year|before year[- ]end|this quarter|"
    r"deadline (?:has |had )?(?:already )?passed|missed the (?:[\w-]+ ){0,3}deadline|out of time|"
    r"overdue|penalt(?:y|ies)|fined)\b"
)
RELAXED_PHRASES = guarded(
    r"\b(no rush|no hurry|not urgent|no urgency|in due course|at some point|sometime|"
    r"some time next year|in the new year|when convenient|whenever|no immediate|"
    r"nothing urgent|isn't urgent|is not urgent)\b"
)
_MAX_CANDIDATES = 60
DATEPARSER_LANGUAGES = ["en"]


@dataclass
class UrgencyFindings:
    due: date | None = None
    due_text: str = ""
    due_cue: str = ""
    urgent: list[str] = field(default_factory=list)
    soon: list[str] = field(default_factory=list)
    relaxed: list[str] = field(default_factory=list)
    # How the deadline was worked out, when it was counted from an event ("Six months
    # from the grant of probate on 4 Sep 2025").
    due_basis: str = ""
    # A deadline the enquirer says has already gone ("the deadline passed on Monday").
    passed: str = ""
    # A time limit for bringing a claim, counted from the event the enquirer gives, that
    # ended before the enquiry arrived ("hurt at work in March 2022 ... a three-year
    # limit"): how it was counted, and the day it ended.
    expired: str = ""
    expired_on: date | None = None
    # The firm's working calendar the working days are counted in (None: the standard one).
    calendar: WorkingCalendar | None = None

    @property
    def working_days(self) -> int | None:
        """Working days from arrival to the deadline, in the firm's calendar."""
        if self.due is None or self.arrived is None:
            return None
        return working_days_between(self.arrived, self.due, calendar=self.calendar)

    arrived: date | None = None


def is_working_day(day: date, *, calendar: WorkingCalendar | None = None) -> bool:
    """Whether ``day`` is worked in the firm's calendar (standard England and Wales if
    none is given)."""
    return (calendar or STANDARD_CALENDAR).is_working_day(day)


def working_days_between(start: date, end: date, *, calendar: WorkingCalendar | None = None) -> int:
    """Working days after ``start`` up to and including ``end`` (0 if end is not later)."""
    if end <= start:
        return 0
    if (end - start).days > 3660:
        return (end - start).days * 5 // 7
    return (calendar or STANDARD_CALENDAR).working_days_between(start, end)


def add_working_days(start: date, days: int, *, calendar: WorkingCalendar | None = None) -> date:
    return (calendar or STANDARD_CALENDAR).add_working_days_to_date(start, days)


def _future(day: int, month: int, year: int | None, today: date) -> date | None:
    """The date, with the year supplied, or this year's if still ahead, else next year's."""
    try:
        if year is not None:
            return date(year, month, day)
        candidate = date(today.year, month, day)
        if candidate < today:
            candidate = date(today.year + 1, month, day)
        return candidate
    except ValueError:
        return None


def _year(value: str | None) -> int | None:
    if not value:
        return None
    number = int(value)
    return number + 2000 if number < 100 else number


def _last_day(year: int, month: int) -> date:
    return date(year, month, calendar.monthrange(year, month)[1])


def _friday_of_week(day: date, weeks_ahead: int = 0) -> date:
    friday = day + timedelta(days=(4 - day.weekday()) + 7 * weeks_ahead)
    if friday < day:
        friday += timedelta(days=7)
    return friday


def _relative(phrase: str, today: date) -> date:
    if phrase in ("today", "tonight") or phrase.startswith("this "):
        if phrase == "this week":
            return _friday_of_week(today)
        return today
    if phrase == "tomorrow":
        return today + timedelta(days=1)
    if phrase in ("next week", "end of next week"):
        return _friday_of_week(today, 1)
    if "week" in phrase:
        return _friday_of_week(today)
    if phrase in ("next month", "end of next month"):
        year, month = (today.year + 1, 1) if today.month == 12 else (today.year, today.month + 1)
        return _last_day(year, month)
    return _last_day(today.year, today.month)


def _weekday(qualifier: str | None, name: str, today: date) -> date:
    """ "Friday" is the coming Friday (today if today is Friday); "next Friday" is the
    Friday of next week."""
    target = WEEKDAYS[name]
    ahead = (target - today.weekday()) % 7
    day = today + timedelta(days=ahead)
    if qualifier == "next" and (ahead == 0 or target > today.weekday()):
        day += timedelta(days=7)
    return day


def _period(number: str, unit: str, today: date, calendar: WorkingCalendar | None = None) -> date:
    count = int(number) if number.isdigit() else NUMBER_WORDS.get(number, 1)
    count = min(count, 3650)
    if unit.startswith(("working", "business")):
        return add_working_days(today, count, calendar=calendar)
    if unit.startswith("day"):
        return today + timedelta(days=count)
    if unit.startswith("week"):
        return today + timedelta(weeks=count)
    month = today.month - 1 + min(count, 120)
    year, month = today.year + month // 12, month % 12 + 1
    return min(_last_day(year, month), date(year, month, min(today.day, 28)))


def _dateparser(candidate: str, arrived_at: datetime) -> date | None:
    parsed = dateparser.parse(
        candidate,
        languages=DATEPARSER_LANGUAGES,
        settings={
            "DATE_ORDER": "DMY",
            "PREFER_DATES_FROM": "future",
            "RELATIVE_BASE": arrived_at.replace(tzinfo=None),
            "TIMEZONE": "Europe/London",
            "RETURN_AS_TIMEZONE_AWARE": False,
        },
    )
    return parsed.date() if parsed else None


def _next_month_if_past(day: date | None, today: date) -> date | None:
    """dateparser reads "the 3rd" in the current month even when that has passed; a UK
    reader means next month's."""
    if day is None or day >= today:
        return day
    year, month = (day.year + 1, 1) if day.month == 12 else (day.year, day.month + 1)
    try:
        return day.replace(year=year, month=month)
    except ValueError:
        return None


def _candidates(lower: str, arrived_at: datetime, calendar: WorkingCalendar | None = None):
    """(start, end, date) for every date or relative time found, in text order."""
    today = arrived_at.date()
    for match in _DAY_MONTH.finditer(lower):
        day = _future(int(match.group(1)), MONTHS[match.group(2)], _year(match.group(3)), today)
        yield match.start(), match.end(), day
    for match in _MONTH_DAY.finditer(lower):
        day = _future(int(match.group(2)), MONTHS[match.group(1)], _year(match.group(3)), today)
        yield match.start(), match.end(), day
    for pattern in (_NUMERIC, _DOTTED):
        for match in pattern.finditer(lower):
            if match.group() == "24/7":
                continue
            day = _future(int(match.group(1)), int(match.group(2)), _year(match.group(3)), today)
            yield match.start(), match.end(), day
    for match in _PART_OF_MONTH.finditer(lower):
        month = MONTHS[match.group(2)]
        part = match.group(1)
        day_of_month = {"early": 7, "mid": 15}.get(part)
        day = _future(day_of_month or 28, month, None, today)
        if day is not None and day_of_month is None:
            day = _last_day(day.year, day.month)
        yield match.start(), match.end(), day
    for match in _MONTH_ONLY.finditer(lower):
        month = MONTHS.get(match.group(2))
        if month is None or (match.group(2) == "may" and not match.group().endswith("may")):
            continue
        first = match.group(1) in ("by", "before", "until")
        yield match.start(), match.end(), _future(1 if first else 15, month, None, today)
    for match in _WEEKDAY.finditer(lower):
        yield match.start(), match.end(), _weekday(match.group(1), match.group(2), today)
    for match in _IN_PERIOD.finditer(lower):
        yield (
            match.start(),
            match.end(),
            _period(match.group(1), match.group(2), today, calendar),
        )
    for match in _FORTNIGHT.finditer(lower):
        yield match.start(), match.end(), today + timedelta(days=14)
    for match in _RELATIVE.finditer(lower):
        yield match.start(), match.end(), _relative(match.group(1).removeprefix("the "), today)
    for match in _ORDINAL_ONLY.finditer(lower):
        yield (
            match.start(),
            match.end(),
            _next_month_if_past(_dateparser(match.group(), arrived_at), today),
        )


# Clauses are cut at sentence ends and at the joins that start a new statement.
_CLAUSE_BREAK = re.compile(r"[.;!?\n]|,\s|\s-\s|\b(?:and|but|so|which|because|then)\b")
_PAST_MARKERS = guarded(
    r"\b(was|were|had|did|went|got|came|came through|happened|ago|yesterday|last|"
    r"died|passed away|broke|bought|sold|signed|started|finished|completed|issued|received|"
    r"sent|served|dismissed|sacked|told|said|arrived|moved|left|lost|paid|fell|hurt|"
    r"injured|dated|took|gave|made|found|noticed|saw|discovered|thought)\b"
)
_PRESENT_MARKERS = guarded(
    r"\b(is|are|am|will|'ll|need|needs|must|have|has|says|going to|want|wants|would like|"
    r"hope|hoping|aim|aiming|expect|due|deadline|please|can|could|should|"
    r"next|coming|this|booked|listed|scheduled|set for|lapses?)\b|\?"
)
NUMBER_OR_WORD = r"(\d{1,3}|" + _NUMBER + r")"
# "six months from the grant", "a three-year limit", "one month from the certificate",
# "60 days to accept", "within 60 days of completion".
_LIMIT_VERBS = (
    r"accept|respond|reply|appeal|report|pay|bring|make|file|submit|claim|challenge|"
    r"register|notify|put|lodge|issue|start|get|tell|disclose|object|apply"
)
_LIMIT = guarded(
    r"\b(?:within |have |has |only has |only have |got |gives? (?:me |us )?)?"
    + NUMBER_OR_WORD
    + r"[- ](working days?|business days?|days?|weeks?|months?|years?)(?:'s?)?\s+(?:time[- ])?"
    r"(?:limit|limitation(?: period)?|deadline|window|from|of|after|to (?:" + _LIMIT_VERBS + r"))\b"
    r"|\b(?:"
    + _LIMIT_VERBS
    + r")\w*\b[^.?!\n]{0,40}?\bwithin "
    + NUMBER_OR_WORD
    + r" (working days?|business days?|days?|weeks?|months?|years?)\b"
)
_EVENT_DATE = re.compile(
    r"\b(?:on |dated |from |since |in |issued |through |came through |was )?(?:(?:last|this) )?"
    r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)?\s?\(?"
    + _DAY
    + r"\)?(?:\s+(?:of\s+)?"
    + _MONTH
    + r")?(?:,?\s+(\d{4}))?"
)
_DISMISSED = guarded(
    r"\b(?:dismissed|sacked|let go|fired|made redundant|terminated|my last day was|"
    r"employment ended)\b"
)
_PASSED = guarded(
    r"\b(?:(?:the )?deadline (?:has |had )?(?:already )?(?:passed|expired|was)[^.\n]{0,40}|"
    r"missed the (?:[\w-]+ ){0,3}deadline[^.\n]{0,40}|out of time[^.\n]{0,30}|"
    r"(?:it|the return|the claim) (?:is|was) (?:already )?(?:overdue|late))"
)


# What the enquirer asks of the firm by a date (a quote, a meeting, a call, to instruct),
# or an offer they expect: when they would like our answer, not the matter's deadline.
_ASKED_OF_US = guarded(
    r"\b(?:would like|'d like|like|want|wants|wanted|hoping for|hope to|please send|"
    r"send (?:me|us|him|her)|can (?:i|we) (?:have|get|book)|could (?:i|we|you) (?:have|get|"
    r"book|send)|expecting|expect)\b[^.\n]{0,30}?\b(?:a |an |the |your )?(?:quote|"
    r"quotation|meeting|call|call back|callback|appointment|chat|to instruct|instruct|"
    r"offer|estimate)\b[^.\n]*$"
)
_DATE_FOLLOWS = guarded(r",?\s?\(?\d{1,2}(?:st|nd|rd|th)?(?:\s+of)?\s+" + _MONTH)
_WRAPPED_LINE = guarded(r"(?<=[a-z0-9,)'])\n(?=[a-z0-9(£])")
_DEADLINE_PREPOSITION = guarded(r"\b(?:by|before|until|till|no later than)\s+(?:the\s+)?$")


def _clause(lower: str, start: int, end: int, *, right: bool = True) -> str:
    """The clause holding lower[start:end] (cut at sentence ends and joining words);
    without ``right``, only up to ``end``."""
    left = lower[max(0, start - 120) : start]
    cuts = [match.end() for match in _CLAUSE_BREAK.finditer(left)]
    left = left[cuts[-1] :] if cuts else left
    right = lower[end : end + 120] if right else ""
    stop = _CLAUSE_BREAK.search(right)
    right = right[: stop.start()] if stop else right
    return f"{left}{lower[start:end]}{right}"


def _told_in_the_past(clause: str) -> bool:
    """A clause with a past-tense verb and nothing present or future about it."""
    return bool(_PAST_MARKERS.search(clause)) and not _PRESENT_MARKERS.search(clause)


def _past_date(day: int, month: int, year: int | None, today: date) -> date | None:
    """The date on or before ``today`` (this year's, else last year's) or with its year."""
    try:
        if year is not None:
            return date(year, month, day)
        candidate = date(today.year, month, day)
        return candidate if candidate <= today else date(today.year - 1, month, day)
    except ValueError:
        return None


def _event_before(lower: str, position: int, today: date) -> tuple[date, str] | None:
    """The date up to ``today`` mentioned nearest before ``position`` (within 400
    characters), or else the first just after it, with its words: the event a limit runs
    from ("the certificate came through on Monday (9th) ... one month from it")."""
    window_start = max(0, position - 400)
    window = lower[window_start : position + 80]
    split = position - window_start
    found: list[tuple[int, date, str]] = []
    dated: list[tuple[int, int]] = []
    for match in _DAY_MONTH.finditer(window):
        day = _past_date(int(match.group(1)), MONTHS[match.group(2)], _year(match.group(3)), today)
        if day is not None:
            found.append((match.start(), day, match.group()))
            dated.append(match.span())
    for match in _MONTH_YEAR.finditer(window):
        if any(start <= match.start() < end for start, end in dated):
            continue  # the month and year of a full date ("21 October 2023")
        month, year = MONTHS.get(match.group(1)), int(match.group(2))
        if month and date(year, month, 1) <= today:
            found.append((match.start(), date(year, month, 1), match.group()))
    for match in _NUMERIC.finditer(window):
        day = _past_date(int(match.group(1)), int(match.group(2)), _year(match.group(3)), today)
        if day is not None:
            found.append((match.start(), day, match.group()))
    for match in re.finditer(
        r"\(\s?" + _DAY + r"\s?\)|\bthe " + _DAY + r"\b(?!\s+(?:of\s+)?[a-z])", window
    ):
        try:
            day = today.replace(day=int(match.group(1) or match.group(2)))
        except ValueError:
            continue
        if day > today:
            day = day - relativedelta(months=1)
        found.append((match.start(), day, match.group()))
    before = [item for item in found if item[0] < split]
    after = sorted(item for item in found if item[0] >= split)
    if before:
        _, day, words = max(before, key=lambda item: item[0])
        return day, words
    if after:
        return after[0][1], after[0][2]
    return None


_MONTH_YEAR = guarded(r"\b" + _MONTH + r"\s+(\d{4})\b")


def _count(number: str) -> int:
    return int(number) if number.isdigit() else NUMBER_WORDS.get(number, 1)


def _limit_deadline(
    lower: str, today: date, calendar: WorkingCalendar | None = None
) -> tuple[date, str, str] | None:
    """A time limit the enquirer states, counted from the event it runs from."""
    for match in _LIMIT.finditer(lower):
        number, unit = match.group(1) or match.group(3), match.group(2) or match.group(4)
        if _told_in_the_past(_clause(lower, match.start(), match.end(), right=False)):
            continue  # "I thought I had six months to claim"
        count = _count(number)
        event = _event_before(lower, match.start(), today)
        if event is None:
            continue
        start, _words = event
        if unit.startswith(("working", "business")):
            due = add_working_days(start, count, calendar=calendar)
        elif unit.startswith("day"):
            due = start + timedelta(days=count)
        elif unit.startswith("week"):
            due = start + timedelta(weeks=count)
        elif unit.startswith("month"):
            due = start + relativedelta(months=count)
        else:
            due = start + relativedelta(years=count)
        base = unit.rstrip("s")
        period = f"{count} {base}{'s' if count != 1 else ''}"
        return due, match.group().strip(), f"{period} from {start.strftime('%-d %b %Y')}"
    return None


def _tribunal_limit(lower: str, today: date) -> tuple[date, str, str] | None:
    """An unfair dismissal's tribunal limit: three months less one day from a dismissal
    date given (ACAS early conciliation must start before it)."""
    match = _DISMISSED.search(lower)
    if match is None or ("tribunal" not in lower and "unfair" not in lower):
        return None
    window = lower[match.start() : match.end() + 60]
    for found in _DAY_MONTH.finditer(window):
        day = _past_date(int(found.group(1)), MONTHS[found.group(2)], _year(found.group(3)), today)
        if day is None:
            continue
        due = day + relativedelta(months=3) - timedelta(days=1)
        return (
            due,
            found.group(),
            f"tribunal limit, three months less a day from the dismissal on "
            f"{day.strftime('%-d %b %Y')}",
        )
    return None


_INJURED = guarded(
    r"\b(?:hurt|injured|injury|injuries|accident|crash|collision|slipped|tripped|fell)\b"
)


def _injury_limit(lower: str, today: date) -> tuple[date, str, str] | None:
    """A personal injury claim's limitation with no limit stated: three years from the
    injury's date given near the words for it (the Limitation Act 1980)."""
    match = _INJURED.search(lower)
    if match is None or "claim" not in lower:
        return None
    event = _event_before(lower, min(len(lower), match.end() + 60), today)
    if event is None:
        return None
    day, words = event
    if not re.search(r"\d{4}", words):
        return None  # an injury's date without its year is too loose to count from
    return (
        day + relativedelta(years=3),
        words,
        f"limitation, three years from the injury on {day.strftime('%-d %b %Y')}",
    )


def find_urgency(
    text: Text, *, arrived_at: datetime, calendar: WorkingCalendar | None = None
) -> UrgencyFindings:
    """The earliest stated deadline on or after arrival, and the time-pressure phrases.

    ``arrived_at`` must already be in Europe/London local time; ``calendar`` is the
    firm's working calendar (``firm.selectors.working_calendar()``).
    """
    # A line wrapped inside a sentence (phone notes, hard-wrapped mail) reads as one line;
    # the same length, so offsets still point into the original.
    lower = _WRAPPED_LINE.sub(" ", text.lower[:HEAD_CHARS])
    relaxed = _distinct(RELAXED_PHRASES.findall(lower))
    urgent = _distinct(URGENT_PHRASES.findall(lower))
    if relaxed:  # "nothing urgent" is not a call for urgency
        urgent = [phrase for phrase in urgent if not phrase.startswith("urgent")]
    today = arrived_at.date()
    findings = UrgencyFindings(
        urgent=urgent,
        soon=_distinct(SOON_PHRASES.findall(lower)),
        relaxed=relaxed,
        calendar=calendar,
        arrived=today,
    )
    if passed := _PASSED.search(lower):
        findings.passed = text.original[passed.start() : passed.end()].strip()
    best: tuple[date, str, str] | None = None
    for number, (start, end, day) in enumerate(_candidates(lower, arrived_at, calendar)):
        if number >= _MAX_CANDIDATES:
            break
        if day is None or day < today or day > today + timedelta(days=3 * 366):
            continue
        before = lower[max(0, start - 100) : start]
        sentence_start = max(before.rfind("."), before.rfind("\n"), before.rfind("?"))
        before = before[sentence_start + 1 :]
        if PAST_CUE.search(before):
            continue
        if not _DEADLINE_PREPOSITION.search(lower[max(0, start - 14) : start]) and (
            _told_in_the_past(_clause(lower, start, end))
        ):
            continue
        if _ASKED_OF_US.search(before):
            continue  # "would like a quote today": when they want our reply, not a deadline
        after = lower[end : end + 30].split(".")[0]
        if _WEEKDAY.fullmatch(lower[start:end].strip()) and _DATE_FOLLOWS.match(after):
            continue  # "on Friday 27 November": the date says which Friday
        window = f"{before} {lower[start:end]} {after}"
        cue = DEADLINE_CUE.search(window)
        if cue is None:
            continue
        if best is None or day < best[0]:
            best = (day, text.original[start:end].strip(), cue.group())
    stated = _limit_deadline(lower, today, calendar)
    counted = stated or _tribunal_limit(lower, today) or _injury_limit(lower, today)
    if counted is not None and counted[0] < today:
        findings.expired_on = counted[0]
        findings.expired = counted[2][0].upper() + counted[2][1:]
    if counted is not None and today <= counted[0] <= today + timedelta(days=5 * 366):
        if best is None or counted[0] < best[0]:
            day, said, basis = counted
            best = (day, said, "time limit" if stated else "limitation")
            findings.due_basis = basis[0].upper() + basis[1:]
    if best is not None:
        findings.due, findings.due_text, findings.due_cue = best
    return findings


def _distinct(values: list[str]) -> list[str]:
    return list(dict.fromkeys(values))[:4]
