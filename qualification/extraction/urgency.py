"""Urgency: deadlines and time pressure, read as a UK reader reads them, relative to when
the enquiry arrived (Europe/London): "by Friday", "next week", "court hearing on 3 March",
"completion in 10 days", "12/03/2027" (day first), and phrases such as "urgent" or
"limitation period".

Common forms are parsed here with regular expressions, which is fast; the rarer ones
("the 3rd") go to dateparser, on the short candidate only, with the day-first order,
future dates preferred and the arrival time as the base.
"""

import calendar
import re
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import lru_cache

import dateparser
import holidays

from qualification.extraction.text import HEAD_CHARS, Text

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
_DAY_MONTH = re.compile(r"\b" + _DAY + r"\s+(?:of\s+)?" + _MONTH + r"(?:,?\s+(\d{4}))?\b")
_MONTH_DAY = re.compile(r"\b" + _MONTH + r"\s+" + _DAY + r"\b(?:,?\s+(\d{4}))?")
_NUMERIC = re.compile(r"(?<![\d/.£])(\d{1,2})/(\d{1,2})(?:/(\d{2}|\d{4}))?(?![\d/])")
_DOTTED = re.compile(r"(?<![\d.£])(\d{1,2})[.-](\d{1,2})[.-](\d{4}|\d{2})(?![\d.])")
_PART_OF_MONTH = re.compile(r"\b(early|mid|late|end of|the end of)[- ]" + _MONTH)
_WEEKDAY = re.compile(
    r"\b(this|next|by|on|before|until|till|from)?\s?"
    r"(monday|tuesday|wednesday|thursday|friday|saturday|sunday)\b"
)
_NUMBER = "|".join(sorted((re.escape(word) for word in NUMBER_WORDS), key=len, reverse=True))
_IN_PERIOD = re.compile(
    r"\b(?:in|within|next|inside)\s+(?:the\s+next\s+)?(\d{1,3}|" + _NUMBER + r")\s+"
    r"(working days?|business days?|days?|weeks?|months?)\b"
)
_FORTNIGHT = re.compile(r"\b(?:in|within) a fortnight\b")
_RELATIVE = re.compile(
    r"\b(today|tonight|this (?:morning|afternoon|evening)|tomorrow|"
    r"(?:the )?end of (?:the |this )?week|end of next week|this week|next week|"
    r"(?:the )?end of (?:the |this )?month|end of next month|next month)\b"
)
_MONTH_ONLY = re.compile(r"\b(in|during|by|before|until|from)\s+" + _MONTH + r"(?!\s*\d)")
_ORDINAL_ONLY = re.compile(r"\b(?:on|by|before) the (\d{1,2})(?:st|nd|rd|th)\b")

DEADLINE_CUE = re.compile(
    r"\b(by|before|until|till|deadline|due|hearing|trial|tribunal|court|completion|complete|"
    r"completing|exchange|exchanging|expires?|expiry|limitation|appointment|need|needs|"
    r"needed|must|latest|submit|submitted|file|filed|filing|closing|sign|signed|signing|"
    r"start|starts|starting|moving|move|within|in time|no later than|urgent|asap|mediation|"
    r"hmrc|meeting|interview|agree|agreed|wants?|distribut\w*|planned|set for|expect\w*)\b"
)
PAST_CUE = re.compile(
    r"\b(ago|last|was|were|had|died|passed away|dismissed|sacked|happened|since|"
    r"occurred|received|started)\s*$"
)
URGENT_PHRASES = re.compile(
    r"\b(urgent(?:ly)?|asap|as soon as possible|immediately|emergency|right away|"
    r"limitation period|time[- ]limit|time is running out|running out of time|"
    r"injunction|bailiffs?|eviction|statutory demand|winding[- ]up petition|"
    r"without delay|straight away|time[- ]sensitive|time[- ]critical|acas early conciliation|"
    r"tribunal deadline|court deadline|deadline is (?:today|tomorrow))\b"
)
SOON_PHRASES = re.compile(
    r"\b(soon|shortly|quickly|promptly|in the coming weeks|over the next few weeks|"
    r"before the end of the (?:tax )?year|before year[- ]end|this quarter|"
    r"deadline (?:has )?passed|missed the deadline|overdue|penalt(?:y|ies)|fined)\b"
)
RELAXED_PHRASES = re.compile(
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


@lru_cache(maxsize=16)
def _bank_holidays(year: int) -> frozenset[date]:
    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=[year]).keys())


def is_working_day(day: date) -> bool:
    """Monday to Friday and not a bank holiday in England and Wales."""
    return day.weekday() < 5 and day not in _bank_holidays(day.year)


def working_days_between(start: date, end: date) -> int:
    """Working days after ``start`` up to and including ``end`` (0 if end is not later)."""
    if end <= start:
        return 0
    if (end - start).days > 3660:
        return (end - start).days * 5 // 7
    count = 0
    day = start
    while day < end:
        day += timedelta(days=1)
        count += is_working_day(day)
    return count


def add_working_days(start: date, days: int) -> date:
    day = start
    while days > 0:
        day += timedelta(days=1)
        days -= is_working_day(day)
    return day


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


def _period(number: str, unit: str, today: date) -> date:
    count = int(number) if number.isdigit() else NUMBER_WORDS.get(number, 1)
    count = min(count, 3650)
    if unit.startswith(("working", "business")):
        return add_working_days(today, count)
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


def _candidates(lower: str, arrived_at: datetime):
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
        yield match.start(), match.end(), _period(match.group(1), match.group(2), today)
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


def find_urgency(text: Text, *, arrived_at: datetime) -> UrgencyFindings:
    """The earliest stated deadline on or after arrival, and the time-pressure phrases.

    ``arrived_at`` must already be in Europe/London local time.
    """
    lower = text.lower[:HEAD_CHARS]
    relaxed = _distinct(RELAXED_PHRASES.findall(lower))
    urgent = _distinct(URGENT_PHRASES.findall(lower))
    if relaxed:  # "nothing urgent" is not a call for urgency
        urgent = [phrase for phrase in urgent if not phrase.startswith("urgent")]
    findings = UrgencyFindings(
        urgent=urgent, soon=_distinct(SOON_PHRASES.findall(lower)), relaxed=relaxed
    )
    today = arrived_at.date()
    best: tuple[date, str, str] | None = None
    for number, (start, end, day) in enumerate(_candidates(lower, arrived_at)):
        if number >= _MAX_CANDIDATES:
            break
        if day is None or day < today or day > today + timedelta(days=3 * 366):
            continue
        before = lower[max(0, start - 60) : start]
        sentence_start = max(before.rfind("."), before.rfind("\n"), before.rfind("?"))
        before = before[sentence_start + 1 :]
        if PAST_CUE.search(before):
            continue
        after = lower[end : end + 30].split(".")[0]
        window = f"{before} {lower[start:end]} {after}"
        cue = DEADLINE_CUE.search(window)
        if cue is None:
            continue
        if best is None or day < best[0]:
            best = (day, text.original[start:end].strip(), cue.group())
    if best is not None:
        findings.due, findings.due_text, findings.due_cue = best
    return findings


def _distinct(values: list[str]) -> list[str]:
    return list(dict.fromkeys(values))[:4]
