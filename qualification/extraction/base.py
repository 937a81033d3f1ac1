"""The enquiry as extraction sees it, the practice areas as plain data, and ``extract``,
which runs each reader over the text and gathers their findings."""

import re
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from firm.calendar import WorkingCalendar
from qualification.choices import Flag
from qualification.extraction.flags import FlagFindings, find_flags
from qualification.extraction.language import LanguageFindings, find_language
from qualification.extraction.language import basis_line as language_line
from qualification.extraction.parties import PartyMention, find_parties
from qualification.extraction.position import PositionFindings, find_position
from qualification.extraction.requirement import RequirementFindings, find_requirement
from qualification.extraction.text import Forwarded, Text, clean, find_forwarded, prepare
from qualification.extraction.urgency import UrgencyFindings, find_urgency
from qualification.extraction.value import ValueFindings, find_value

LONDON = ZoneInfo("Europe/London")
NOT_A_BUYER_FLAGS = {
    Flag.SPAM: "sends a sales pitch",
    Flag.JOB_APPLICATION: "is applying for a job",
    Flag.STUDENT: "is a student",
}


@dataclass(frozen=True)
class AreaSpec:
    """A practice area as a model version sees it (hashable, so matchers can be cached)."""

    id: int
    slug: str
    name: str
    keywords: tuple[str, ...]
    fee_low: Decimal
    fee_high: Decimal
    accepts_work: bool = True
    # The area's lines of the firm's price list (``fees.PriceSpec``), frozen with the version.
    prices: tuple = ()


@dataclass(frozen=True)
class Enquiry:
    """What the firm was told: the message and subject, the form's other fields, who
    wrote, from where and when it arrived (aware)."""

    message: str
    arrived_at: datetime
    subject: str = ""
    contact_name: str = ""
    organisation: str = ""
    job_title: str = ""
    email: str = ""
    source: str = ""
    form_fields: tuple[tuple[str, str], ...] = ()
    # The words of the firm's own names, never another party ("Ashdown Marsh LLP").
    firm_words: tuple[str, ...] = ()
    # The firm's one working calendar, in which deadlines' working days are counted
    # (None: the standard calendar for England and Wales).
    calendar: WorkingCalendar | None = None


@dataclass
class Signals:
    requirement: RequirementFindings
    value: ValueFindings
    urgency: UrgencyFindings
    position: PositionFindings
    flags: FlagFindings
    arrived_at: datetime  # London time
    summary: str = ""
    extra: dict = field(default_factory=dict)
    language: LanguageFindings = field(default_factory=LanguageFindings)
    parties: list[PartyMention] = field(default_factory=list)
    forwarded: Forwarded | None = None

    def reading_notes(self) -> list[str]:
        """Basis lines about how the enquiry was read: its language, the other parties
        it names (for the conflict check)."""
        notes = [language_line(self.language)]
        if self.forwarded is not None and self.forwarded.author_name:
            notes.append(f"Forwarded email from {self.forwarded.author_name}: read as the enquiry")
        if self.urgency.passed:
            notes.append(
                f"A deadline has already passed ('{self.urgency.passed}'): urgent to limit "
                "the consequences, not to meet it"
            )
        if self.parties:
            named = ", ".join(
                f"{party.name} ({party.role.replace('_', ' ')})" for party in self.parties[:4]
            )
            notes.append(f"Other parties named: {named}")
        return [note for note in notes if note]


def extract(enquiry: Enquiry, areas: tuple[AreaSpec, ...]) -> Signals:
    """Read the enquiry: never raises on any text, of any length or script."""
    form_text = "\n".join(f"{label}: {value}" for label, value in enquiry.form_fields)
    body = f"{enquiry.message}\n{form_text}" if form_text else enquiry.message
    text = prepare(subject=enquiry.subject, body=body)
    arrived = enquiry.arrived_at.astimezone(LONDON)
    flags = find_flags(
        text.lower, source=enquiry.source, form_text=form_text, original=text.original
    )
    not_a_buyer = next(
        (reason for flag, reason in NOT_A_BUYER_FLAGS.items() if flag in flags.flags), ""
    )
    value = find_value(text, organisation=clean(enquiry.organisation))
    forwarded = find_forwarded(enquiry.message)
    return Signals(
        requirement=find_requirement(text, areas),
        value=value,
        urgency=find_urgency(text, arrived_at=arrived, calendar=enquiry.calendar),
        position=read_position(
            enquiry,
            text,
            not_a_buyer=not_a_buyer,
            company=bool(value.company),
            forwarded=forwarded,
        ),
        flags=flags,
        arrived_at=arrived,
        summary=summarise(text, enquiry.message),
        language=find_language(f"{enquiry.subject}\n{enquiry.message}"),
        parties=find_parties(
            text.original,
            enquirer_name=clean(enquiry.contact_name),
            organisation=clean(enquiry.organisation),
            email=enquiry.email,
            firm_words=enquiry.firm_words,
        ),
        forwarded=forwarded,
    )


def read_position(
    enquiry: Enquiry,
    text: Text,
    *,
    not_a_buyer: str = "",
    company: bool = False,
    forwarded: Forwarded | None = None,
) -> PositionFindings:
    """The enquirer's decision position as the wording rules read it (``text`` is the
    enquiry prepared for reading); a forwarder's own note decides theirs."""
    if forwarded is None:
        forwarded = find_forwarded(enquiry.message)
    forwarded_from = ""
    note = _FORWARD_SUBJECT.sub("", forwarded.note).strip() if forwarded is not None else ""
    # A forward with nothing of the forwarder's own is read as the author's own enquiry.
    if forwarded is not None and forwarded.author_name and note:
        sender = {word for word in clean(enquiry.contact_name).lower().split() if len(word) > 1}
        author = {word for word in forwarded.author_name.lower().split() if len(word) > 1}
        same_address = bool(enquiry.email) and forwarded.author_email == enquiry.email.lower()
        firm = set(enquiry.firm_words) | {"llp", "ltd", "limited", "solicitors", "accountants"}
        if not same_address and not (sender and author <= sender) and not author <= firm:
            forwarded_from = forwarded.author_name
    return find_position(
        text.lower,
        job_title=clean(enquiry.job_title),
        not_a_buyer=not_a_buyer,
        company=company,
        forwarded_note=clean(note) if forwarded_from else "",
        forwarded_from=forwarded_from,
        organisation=clean(enquiry.organisation),
    )


_FORWARD_SUBJECT = re.compile(r"^\s*(?:(?:fw|fwd|re)\s*:[^\n]*)?$", re.IGNORECASE | re.MULTILINE)
_GREETING = re.compile(
    r"^\s*(?:(?:hi|hello|hey|dear|good (?:morning|afternoon|evening))\b[^\n,.!]{0,40}[,.!]?|"
    r"to whom it may concern[,.]?|(?:fw|fwd|re)\s*:)\s*",
    re.IGNORECASE,
)
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+")
SUMMARY_LENGTH = 240


def summarise(text: Text, message: str) -> str:
    """The enquiry in a sentence or two: its opening words after any greeting."""
    body = clean(message[:5000]).strip() or text.original[:5000]
    lines = [line.strip() for line in body.splitlines() if line.strip()]
    lines = [line for line in lines if not _GREETING.fullmatch(line)]
    body = " ".join(lines)
    body = _GREETING.sub("", body, count=1).strip()
    sentences = [sentence for sentence in _SENTENCE_END.split(body) if sentence]
    summary = ""
    for sentence in sentences:
        summary = f"{summary} {sentence}".strip()
        if len(summary) >= 90:
            break
    summary = " ".join(summary.split())
    if len(summary) > SUMMARY_LENGTH:
        summary = summary[: SUMMARY_LENGTH - 1].rsplit(" ", 1)[0] + "…"
    return summary
