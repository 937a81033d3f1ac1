"""Scoring: a model version's rules applied to an enquiry's signals, giving the four
dimensions' values, a score from 0 to 100, the tier, the basis in plain English and the
recommended first action. Pure functions over plain data: the same signals under the
same rules always give the same assessment."""

import re
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal

from leads.choices import Tier
from qualification.choices import (
    UNCLASSIFIED,
    CommercialSignificance,
    DecisionPosition,
    Flag,
    Urgency,
)
from qualification.extraction import AreaSpec, Signals, fees
from qualification.extraction.fees import FeeEstimate, fee_for_signals
from qualification.extraction.urgency import working_days_between
from qualification.extraction.value import money
from qualification.learning import UNCLASSIFIED_SLUG, LearnedReading

# With a disqualifying phrase found as well ("SEO", "CV attached"), a non-enquiry is
# disqualified from this lower probability.
NOT_AN_ENQUIRY_WITH_A_FLAG = 0.25
# The practice-area classifier's lead over its runner-up above which it is "clearly" right.
CLEAR_MARGIN = 0.5
# A message that plainly asks for the firm's work (the area classifier's decision value for
# its best area at least this) or whose writer says they are the firm's client is only
# disqualified when the genuine-or-not classifier is at least this sure it is not an
# enquiry: a genuine enquiry must never be disqualified.
CLEAR_NEED_AREA_SCORE = 0.5
NOT_AN_ENQUIRY_DESPITE_A_NEED = 0.9

DISQUALIFYING = (Flag.SPAM, Flag.JOB_APPLICATION, Flag.STUDENT)

VALUE_SCORES = {
    CommercialSignificance.HIGH: 1.0,
    CommercialSignificance.MEDIUM: 0.6,
    CommercialSignificance.LOW: 0.25,
    CommercialSignificance.UNKNOWN: 0.35,
}
URGENCY_SCORES = {Urgency.HIGH: 1.0, Urgency.MEDIUM: 0.6, Urgency.LOW: 0.2}
DECISION_SCORES = {
    DecisionPosition.DECISION_MAKER: 1.0,
    DecisionPosition.REFERRER: 0.8,
    DecisionPosition.ON_BEHALF: 0.6,
    DecisionPosition.UNKNOWN: 0.45,
    DecisionPosition.RESEARCHING: 0.25,
    DecisionPosition.NOT_A_BUYER: 0.0,
}
DEADLINE_LABELS = {
    "hearing": "Hearing date",
    "trial": "Trial date",
    "tribunal": "Tribunal date",
    "court": "Court date",
    "mediation": "Mediation date",
    "completion": "Completion",
    "complete": "Completion",
    "completing": "Completion",
    "exchange": "Exchange",
    "exchanging": "Exchange",
    "limitation": "Limitation date",
    "expires": "Expiry",
    "expire": "Expiry",
    "expiry": "Expiry",
    "submit": "Filing deadline",
    "submitted": "Filing deadline",
    "file": "Filing deadline",
    "filed": "Filing deadline",
    "filing": "Filing deadline",
    "hmrc": "HMRC deadline",
    "start": "Start date",
    "starts": "Start date",
    "moving": "Moving date",
    "move": "Moving date",
    "meeting": "Meeting",
    "appointment": "Appointment",
    "sign": "Signing",
    "signing": "Signing",
    "signed": "Signing",
    "closing": "Closing date",
}


@dataclass(frozen=True)
class Rules:
    """A model version's rules as plain data (see ``QualificationModel``)."""

    version: int
    weight_requirement: int = 25
    weight_value: int = 35
    weight_urgency: int = 20
    weight_decision: int = 20
    value_high: Decimal = Decimal(15000)
    value_medium: Decimal = Decimal(4000)
    time_critical_fee_from: Decimal = Decimal(1000)
    small_claim_below: Decimal = Decimal(1500)
    urgent_within_working_days: int = 15
    soon_within_working_days: int = 50
    disqualify: frozenset[str] = frozenset(DISQUALIFYING)
    flag_actions: tuple[tuple[str, str], ...] = ()
    # ((tier, practice area id or None), action)
    first_actions: tuple[tuple[tuple[str, int | None], str], ...] = ()


@dataclass
class Assessment:
    practice_area: AreaSpec | None
    requirement_evidence: list[str]
    estimated_value: Decimal | None
    value_source: str
    commercial_significance: CommercialSignificance
    urgency: Urgency
    urgency_due: date | None
    urgency_evidence: list[str]
    decision_position: DecisionPosition
    decision_evidence: list[str]
    flags: list[str]
    is_disqualified: bool
    score: int
    tier: Tier
    basis: list[str]
    recommended_action: str
    summary: str
    details: dict = field(default_factory=dict)


def _quote(words: list[str], limit: int = 3) -> str:
    return ", ".join(f"'{word}'" for word in words[:limit])


def estimate_fee(signals: Signals, rules: Rules) -> FeeEstimate:
    """The likely fee from the firm's price list (``fees.fee_for_signals``): the band, the
    point a BDM would note, its commercial significance under the version's thresholds and
    the basis lines that show the calculation."""
    return fee_for_signals(signals, value_high=rules.value_high, value_medium=rules.value_medium)


def significance(fee: Decimal | None, rules: Rules) -> CommercialSignificance:
    if fee is None:
        return CommercialSignificance.UNKNOWN
    if fee >= rules.value_high:
        return CommercialSignificance.HIGH
    if fee >= rules.value_medium:
        return CommercialSignificance.MEDIUM
    return CommercialSignificance.LOW


def urgency_of(signals: Signals, rules: Rules) -> tuple[Urgency, str, list[str]]:
    """The urgency, its basis line and the evidence."""
    found = signals.urgency
    today = signals.arrived_at.date()
    level = Urgency.LOW
    line = ""
    evidence: list[str] = []
    if found.due is not None:
        days = working_days_between(today, found.due, calendar=found.calendar)
        evidence.append(found.due_text)
        if days <= rules.urgent_within_working_days:
            level = Urgency.HIGH
        elif days <= rules.soon_within_working_days:
            level = Urgency.MEDIUM
        away = (
            "today"
            if days == 0
            else "1 working day away"
            if days == 1
            else f"{days} working days away"
        )
        label = DEADLINE_LABELS.get(found.due_cue.lower(), "Deadline")
        when = found.due.strftime("%-d %b %Y")
        said = (
            "" if found.due_text.lower().startswith(when[:2].strip()) else f" ('{found.due_text}')"
        )
        line = f"{label} {when}{said}: {away}"
        if found.due_basis:
            line = f"{line} ({found.due_basis})"
    if found.urgent:
        evidence.extend(found.urgent)
        level = Urgency.HIGH
        phrase = f"Says {_quote(found.urgent)}"
        line = f"{line}; {phrase.lower()}" if line else phrase
    elif found.soon and level == Urgency.LOW and found.due is None:
        evidence.extend(found.soon)
        level = Urgency.MEDIUM
        line = f"Wants it soon ({_quote(found.soon)})"
    if not line:
        line = (
            f"No time pressure ({_quote(found.relaxed)})"
            if found.relaxed
            else "No deadline or time pressure stated"
        )
    return level, line, evidence


@dataclass(frozen=True)
class TierDecision:
    tier: Tier
    is_disqualified: bool
    line: str  # the basis line that says why, e.g. "Tier A: likely fee £18,000 (high)"


# Areas where the sum at stake is a claim the enquirer would pursue: when it is tiny the
# fees outweigh it, and a BDM signposts (tier C).
CLAIM_AREAS = frozenset({"disputes", "employment", "personal-injury"})
# A claim whose time limit ran out at least this many days before the enquiry arrived is
# time-barred for the tier (a limit that has only just gone may still be argued).
TIME_BARRED_AFTER_DAYS = 31


def policy_tier(
    *,
    disqualifying: str | None,
    out_of_scope: bool,
    area: AreaSpec | None,
    significance_level: CommercialSignificance,
    fee: Decimal | None,
    urgency_level: Urgency,
    urgency_line: str,
    position: DecisionPosition,
    stake: Decimal | None,
    rules: Rules,
    fee_evidenced: bool = True,
    time_barred: str = "",
    minor_injury: str = "",
    real_deadline: bool = True,
    doubt: str = "",
    asked_for_speed: bool = False,
    little_work: str = "",
) -> TierDecision:
    """The firm's tier policy (docs/qualification.md) applied to the four dimensions, in
    its order: not an enquiry; out of scope, too vague, cannot instruct, only researching
    or too small to pursue (C); valuable (A); time-critical with a fee worth having (A);
    otherwise B."""
    if disqualifying:
        return TierDecision(Tier.C, True, f"Disqualified: {Flag(disqualifying).label.lower()}")
    if out_of_scope:
        return TierDecision(Tier.C, False, "Tier C: work the firm does not take on")
    if area is None:
        return TierDecision(Tier.C, False, "Tier C: too vague to tell what is needed")
    if position == DecisionPosition.RESEARCHING:
        return TierDecision(Tier.C, False, "Tier C: only researching or comparing prices")
    if position == DecisionPosition.NOT_A_BUYER:
        return TierDecision(Tier.C, False, "Tier C: cannot instruct and acts for no one who can")
    urgent = urgency_level == Urgency.HIGH
    if time_barred and not urgent and area.slug in CLAIM_AREAS:
        return TierDecision(
            Tier.C,
            False,
            f"Tier C: the time limit for the claim has already run out ({time_barred})",
        )
    if minor_injury and not urgent and area.slug == "personal-injury":
        return TierDecision(
            Tier.C,
            False,
            f"Tier C: a minor injury ('{minor_injury}'), a claim worth less than the fees",
        )
    if (
        not urgent
        and area.slug in CLAIM_AREAS
        and stake is not None
        and stake < rules.small_claim_below
    ):
        return TierDecision(
            Tier.C,
            False,
            f"Tier C: {money(stake)} at stake is too small to justify the fees "
            f"(under {money(rules.small_claim_below)})",
        )
    valuable = significance_level == CommercialSignificance.HIGH
    if little_work and not urgent and not (valuable and fee_evidenced):
        # The classifier's C gives way to a valuable fee the enquiry evidences: A needs
        # that evidence, and an expected A must never land in C.
        return TierDecision(Tier.C, False, f"Tier C: {little_work}")
    if doubt and (valuable or urgent):
        # A needs clear evidence, and first that it is an enquiry at all.
        return TierDecision(
            Tier.B, False, f"Tier B: a genuine enquiry in work the firm does; {doubt}, not A"
        )
    if valuable and fee_evidenced:
        return TierDecision(
            Tier.A,
            False,
            f"Tier A: valuable, likely fee {money(fee)} ({money(rules.value_high)} or more)",
        )
    # A rests on what the enquiry states: a deadline or an emergency it names in the
    # enquirer's own future, or words asking for speed about work whose fee it evidences;
    # a phrase that only names a time limit counts through its date.
    clear = real_deadline or (fee_evidenced and asked_for_speed)
    if urgent and clear and fee is not None and fee >= rules.time_critical_fee_from:
        when = f"{urgency_line[:1].lower()}{urgency_line[1:]}"
        return TierDecision(
            Tier.A,
            False,
            f"Tier A: time-critical ({when}) with a fee worth having ({money(fee)})",
        )
    why = "a fee below the urgent work's bar" if urgent else "neither valuable nor time-critical"
    if urgent and not clear:
        why = (
            "asked for urgently, but with no deadline in the urgent window, no emergency and "
            "no detail of the work"
        )
    if valuable:
        why = (
            f"the likely fee ({money(fee)}) is the area's usual work, which the enquiry does "
            "not describe: not clear enough evidence of value"
        )
    return TierDecision(
        Tier.B, False, f"Tier B: a genuine enquiry in work the firm does; {why} for A"
    )


def _genuine_or_not(
    learned: LearnedReading,
    rule_flags: dict[str, list[str]],
    flag_evidence: dict[str, list[str]],
    doubtful: bool,
) -> str:
    """The genuine-or-not classifier's say on the flags (``flag_evidence`` is updated) and
    its basis line: a phrase flag is dropped when it reads the text as a real enquiry."""
    disqualifying_rule = [flag for flag in rule_flags if flag in DISQUALIFYING]
    line = ""
    if learned.is_enquiry and not doubtful:
        for flag in disqualifying_rule:  # the classifier reads it as a real enquiry
            flag_evidence.pop(flag)
        if disqualifying_rule:
            line = (
                f"Read as a genuine enquiry ({1 - learned.not_an_enquiry:.0%} sure) despite "
                f"{_quote(sum((rule_flags[flag] for flag in disqualifying_rule), []), 2)}"
            )
    elif not disqualifying_rule:
        flag_evidence[learned.not_an_enquiry_kind] = list(learned.not_an_enquiry_evidence)
    if learned.reads_as_no_work and not doubtful:
        line = (
            "Not a client enquiry: nothing in it reads as work the firm does "
            "(mail meant for someone else?)"
        )
    elif not learned.is_enquiry or doubtful:
        line = f"Not a client enquiry ({learned.not_an_enquiry:.0%} sure)"
    return line


def clear_need(signals: Signals, learned: LearnedReading, areas: tuple[AreaSpec, ...]) -> str:
    """Why the message plainly asks for legal or accountancy work ("" when it does not):
    the practice-area classifier reads an area clearly, or the writer says they are the
    firm's client."""
    if signals.flags.says_client:
        return f"they say they are the firm's client ({_quote(signals.flags.says_client, 1)})"
    area = {area.slug: area for area in areas}.get(learned.area_slug or "")
    if area is not None and learned.area_score >= CLEAR_NEED_AREA_SCORE:
        words = f" ({_quote(learned.area_evidence, 3)})" if learned.area_evidence else ""
        return f"it plainly asks for {area.name} work{words}"
    return ""


def _learned_requirement(
    learned: LearnedReading, areas: tuple[AreaSpec, ...]
) -> tuple[AreaSpec | None, list[str], str]:
    by_slug = {area.slug: area for area in areas}
    area = by_slug.get(learned.area_slug or "")
    if area is None:
        if learned.best == UNCLASSIFIED_SLUG:
            return None, [], "Unclassified: reads as too vague to tell what is needed"
        return None, [], f"Unclassified: read as '{learned.best}', an area this version lacks"
    words = f" from {_quote(learned.area_evidence, 4)}" if learned.area_evidence else ""
    runner_up = by_slug.get(learned.runner_up or "")
    other = runner_up.name if runner_up else "unclassified"
    how = "clearly" if learned.area_margin >= CLEAR_MARGIN else "just"
    return (
        area,
        list(learned.area_evidence),
        f"{area.name}: read{words} ({how} ahead of {other})",
    )


def assess(
    signals: Signals,
    rules: Rules,
    *,
    learned: LearnedReading | None = None,
    areas: tuple[AreaSpec, ...] = (),
) -> Assessment:
    """Apply the rules to the signals (and, where the version has them, what its
    classifiers read): the whole assessment of one enquiry."""
    rule_flags = {str(flag): list(evidence) for flag, evidence in signals.flags.flags.items()}
    flag_evidence = dict(rule_flags)
    genuine_line = ""
    if learned is not None:
        disqualifying_rule = [flag for flag in rule_flags if flag in DISQUALIFYING]
        doubtful = learned.not_an_enquiry >= NOT_AN_ENQUIRY_WITH_A_FLAG and disqualifying_rule
        need = clear_need(signals, learned, areas)
        if need and learned.not_an_enquiry < NOT_AN_ENQUIRY_DESPITE_A_NEED:
            # A genuine enquiry must never be disqualified: a plain need for the firm's
            # work overrules a pitch-like score, and any phrase that looked like one.
            for flag in disqualifying_rule:
                flag_evidence.pop(flag)
            if not learned.is_enquiry or doubtful:
                genuine_line = (
                    f"Read as a genuine enquiry despite a pitch-like score "
                    f"({learned.not_an_enquiry:.0%} not an enquiry): {need}"
                )
            elif disqualifying_rule:
                genuine_line = (
                    f"Read as a genuine enquiry ({1 - learned.not_an_enquiry:.0%} sure) despite "
                    f"{_quote(sum((rule_flags[flag] for flag in disqualifying_rule), []), 2)}"
                )
        else:
            genuine_line = _genuine_or_not(learned, rule_flags, flag_evidence, bool(doubtful))
    flags = list(flag_evidence)

    # Requirement type
    if learned is not None:
        area, requirement_evidence, requirement_line = _learned_requirement(learned, areas)
        requirement_score = 0.6 + 0.4 * min(1.0, learned.area_margin) if area else 0.2
    else:
        area = signals.requirement.area
        requirement_evidence = signals.requirement.evidence
        if area is None:
            requirement_line = "Unclassified: no practice area matched"
            requirement_score = 0.2
        else:
            requirement_line = f"{area.name}: matched {_quote(requirement_evidence)}"
            requirement_score = 0.6 + 0.4 * min(1.0, signals.requirement.score / 3)
    scope_line = ""
    if learned is not None and learned.is_out_of_scope and Flag.OUT_OF_SCOPE not in flags:
        if _clearly_in_scope(signals, learned, area):
            scope_line = (
                f"Kept in scope: out of scope read at only {learned.out_of_scope:.0%} (under "
                f"{OUT_OF_SCOPE_CONFIDENT_FROM:.0%}) where the wording and the area "
                f"classifier agree on {area.name}"
            )
        else:
            flags.append(Flag.OUT_OF_SCOPE)
            flag_evidence[Flag.OUT_OF_SCOPE] = list(learned.out_of_scope_evidence)
    out_of_scope = (area is not None and not area.accepts_work) or Flag.OUT_OF_SCOPE in flags
    if out_of_scope:
        if Flag.OUT_OF_SCOPE not in flags:
            flags.append(Flag.OUT_OF_SCOPE)
        if area is not None:
            requirement_line += " (work the firm does not take on)"
        requirement_score = 0.0

    basis_flags = [
        f"Flag: {Flag(flag).label.lower()} ({_quote(flag_evidence[flag])})"
        for flag in flags
        if flag_evidence.get(flag)
    ]
    if scope_line:
        basis_flags.append(scope_line)

    not_a_lead = any(flag in DISQUALIFYING for flag in flags)
    fee: Decimal | None = None
    fee_evidenced = False
    value_source = ""
    value_lines: list[str] = []
    if not_a_lead:  # a job application or a sales pitch brings no fee
        value_lines.append("Value: none, not a client enquiry")
    else:
        if signals.value.company:
            value_lines.append("Company: " + ", ".join(signals.value.company[:3]))
        estimate = estimate_fee(_with_area(signals, area), rules)
        fee, value_source = estimate.point, estimate.source
        fee_evidenced = estimate.evidenced
        value_lines.extend(estimate.basis)
        stake = signals.value.largest("value")
        if estimate.sum_used is None and stake is not None:
            # A sum the price list did not price by is still what a partner asks first.
            value_lines.append(f"Stated {stake.label} {stake.describe()} (not a fee)")
        if fee is not None:
            value_lines.append(
                f"Likely fee {money(fee)} "
                f"({significance(fee, rules).label.lower()} commercial significance)"
            )
    significance_level = significance(fee, rules)

    urgency_level, urgency_line, urgency_evidence = urgency_of(signals, rules)
    emergency = ""
    if (
        learned is not None
        and learned.reads_as_emergency
        and urgency_level != Urgency.HIGH
        and not not_a_lead
    ):
        words = _quote(learned.urgent_evidence)
        emergency = (
            f"Urgent: read as an emergency by the urgency classifier ({learned.urgent:.0%}"
            f"{f': {words}' if words else ''}); the wording rules read "
            f"{urgency_level.label.lower()}"
        )
        urgency_level = Urgency.HIGH
        urgency_line = f"{emergency} ({urgency_line[:1].lower()}{urgency_line[1:]})"
        urgency_evidence = [*urgency_evidence, *learned.urgent_evidence]
    decision_position, decision_line, decision_evidence = position_of(
        signals, learned, not_a_lead=not_a_lead
    )

    weights = {
        "requirement": rules.weight_requirement,
        "value": rules.weight_value,
        "urgency": rules.weight_urgency,
        "decision": rules.weight_decision,
    }
    dimension_scores = {
        "requirement": round(requirement_score, 3),
        "value": VALUE_SCORES[significance_level],
        "urgency": URGENCY_SCORES[urgency_level],
        "decision": DECISION_SCORES[decision_position],
    }
    total_weight = sum(weights.values()) or 1
    score = round(
        100 * sum(weights[name] * dimension_scores[name] for name in weights) / total_weight
    )

    disqualifying = [flag for flag in flags if flag in rules.disqualify]
    decision = policy_tier(
        disqualifying=disqualifying[0] if disqualifying else None,
        out_of_scope=out_of_scope,
        area=area,
        significance_level=significance_level,
        fee=fee,
        urgency_level=urgency_level,
        urgency_line=urgency_line,
        position=decision_position,
        stake=_stake(signals),
        rules=rules,
        fee_evidenced=fee_evidenced,
        time_barred=_time_barred(signals),
        minor_injury=fees.minor_injury(signals.value.text),
        real_deadline=bool(emergency) or _real_deadline(signals, rules),
        doubt=_doubt(learned),
        asked_for_speed=any(phrase in ONLY_ASKED_FOR_SPEED for phrase in signals.urgency.urgent),
        little_work=_little_work(learned),
    )
    tier = decision.tier
    flag_actions = dict(rules.flag_actions)
    first_actions = dict(rules.first_actions)
    if disqualifying:
        action = flag_actions.get(disqualifying[0], "Close as disqualified.")
    elif out_of_scope:
        action = flag_actions.get(Flag.OUT_OF_SCOPE, "Decline politely.")
    else:
        area_id = area.id if area else None
        action = first_actions.get((tier, area_id)) or first_actions.get((tier, None), "")
        if Flag.EXISTING_CLIENT in flags:
            action = flag_actions.get(Flag.EXISTING_CLIENT, action)
        if signals.urgency.due is not None and urgency_level == Urgency.HIGH:
            action = f"{action} Deadline {signals.urgency.due.strftime('%-d %b %Y')}.".strip()

    basis = [decision.line]
    if genuine_line:
        basis.append(genuine_line)
    basis.extend(basis_flags)
    basis.append(requirement_line)
    basis.extend(value_lines)
    basis.append(urgency_line)
    basis.append(decision_line)
    basis.extend(signals.reading_notes())
    basis.append(f"Score {score} of 100 under model v{rules.version}: tier {tier}")

    area_label = area.name if area else UNCLASSIFIED
    details = {
        "dimension_scores": dimension_scores,
        "weights": weights,
        "area_scores": signals.requirement.scores,
        "keyword_area": signals.requirement.area.slug if signals.requirement.area else None,
        "stated_sums": [
            {"amount": str(item.amount), "text": item.text, "kind": item.kind}
            for item in signals.value.sums[:10]
        ],
    }
    if learned is not None:
        details["classifier"] = {
            "area": learned.area_slug,
            "area_margin": learned.area_margin,
            "runner_up": learned.runner_up,
            "not_an_enquiry": learned.not_an_enquiry,
            "out_of_scope": learned.out_of_scope,
        }
    return Assessment(
        practice_area=area,
        requirement_evidence=requirement_evidence,
        estimated_value=fee,
        value_source=value_source[:300],
        commercial_significance=significance_level,
        urgency=urgency_level,
        urgency_due=signals.urgency.due,
        urgency_evidence=urgency_evidence[:5],
        decision_position=decision_position,
        decision_evidence=decision_evidence[:3],
        flags=[str(flag) for flag in flags],
        is_disqualified=decision.is_disqualified,
        score=score,
        tier=tier,
        basis=basis,
        recommended_action=action[:300],
        summary=f"{area_label}: {signals.summary}"[:500] if signals.summary else area_label,
        details=details,
    )


# Words that ask for speed without saying why: on their own they are not the policy's
# "real deadline" for a time-critical A.
ONLY_ASKED_FOR_SPEED = frozenset(
    {
        "urgent",
        "urgently",
        "asap",
        "as soon as possible",
        "immediately",
        "right away",
        "straight away",
        "without delay",
        "time-sensitive",
        "time sensitive",
    }
)


# Phrases that name a time limit or a deadline without saying when it falls: they are a
# real deadline for a time-critical A only with a date inside the urgent window.
NAMES_A_LIMIT = re.compile(
    r"^(?:limitation period|time[- ]limit|time is running out|running out of time|"
    r"acas early conciliation|tribunal deadline|court deadline)$"
)
# A removal threat is a child taken from the country (or hidden), not a holiday: the
# phrase counts only when its sentence says neither "holiday" nor "trip", or says it is a
# threat of not coming back.
REMOVAL_PHRASE = re.compile(r"^(?:take|taking|remove|removing) ")
HOLIDAY = re.compile(
    r"\b(?:holiday|holidays|trip|vacation|half[- ]term|"
    r"for (?:a |\d+ |two |three |a few )?(?:days?|weeks?|nights?|fortnight))\b"
)
THREAT = re.compile(
    r"\b(?:threat\w*|not (?:come|coming|bring\w*) (?:them |him |her )?back|"
    r"won't (?:come|bring\w*) (?:them |him |her )?back|for good|permanently|abduct\w*|"
    r"without (?:my|our) (?:consent|permission|knowledge))\b"
)


def _removal_threat(phrase: str, lower: str) -> bool:
    """Whether a "take the children" phrase reads as a removal threat in its sentence."""
    for sentence in re.split(r"(?<=[.!?\n])", lower):
        if phrase in sentence:
            if HOLIDAY.search(sentence) and not THREAT.search(sentence):
                continue
            return True
    return False


def _real_deadline(signals: Signals, rules: Rules) -> bool:
    """Whether the urgency rests on a deadline within the urgent window or an emergency
    the enquirer names (an injunction, a removal threat, a police interview) in their own
    future, not only on words asking for speed. A phrase that only names a time limit
    ("time limit", "tribunal deadline") counts through its date; one that has already
    passed is not a future deadline; a holiday with the children is not a removal threat."""
    found = signals.urgency
    if found.due is not None:
        days = working_days_between(signals.arrived_at.date(), found.due, calendar=found.calendar)
        if days <= rules.urgent_within_working_days:
            return True
    lower = signals.value.text.lower()
    for phrase in found.urgent:
        if phrase in ONLY_ASKED_FOR_SPEED or NAMES_A_LIMIT.match(phrase):
            continue
        if REMOVAL_PHRASE.match(phrase) and not _removal_threat(phrase, lower):
            continue
        return True
    return False


# Below this chance of being a genuine enquiry (the genuine-or-not classifier's), an
# enquiry that is kept (doubt counts for the enquirer) is not placed in A: chosen by the
# development part's 5-fold cross-validation (docs/qualification.md, "Figures").
NOT_CLEARLY_GENUINE_FROM = 0.2


def _doubt(learned: LearnedReading | None) -> str:
    """Why an enquiry kept as genuine is not clearly one ("" when it is)."""
    if learned is None or learned.not_an_enquiry < NOT_CLEARLY_GENUINE_FROM:
        return ""
    return f"not clearly an enquiry ({learned.not_an_enquiry:.0%} it is not one)"


# The out-of-scope classifier's flag (from 25%) sends a clear in-scope enquiry to C only
# from this confidence: chosen on the development part's 5-fold cross-validated readings
# (docs/qualification.md, "Figures").
OUT_OF_SCOPE_CONFIDENT_FROM = 0.35


def _clearly_in_scope(signals: Signals, learned: LearnedReading, area: AreaSpec | None) -> bool:
    """Whether an enquiry the out-of-scope classifier doubts, without confidence, is plainly
    in work the firm does: the wording rules and the area classifier read the same area,
    one the firm takes on."""
    keyword_area = signals.requirement.area
    return (
        learned.out_of_scope < OUT_OF_SCOPE_CONFIDENT_FROM
        and area is not None
        and area.accepts_work
        and keyword_area is not None
        and keyword_area.slug == area.slug
    )


def _little_work(learned: LearnedReading | None) -> str:
    """The tier classifier's reason for C, when it reads the enquiry as worth less than
    the fees it would cost (a general question, a trivial matter, not theirs to instruct)."""
    if learned is None or not learned.reads_as_little_work:
        return ""
    words = f": {_quote(learned.little_work_evidence)}" if learned.little_work_evidence else ""
    return (
        f"read as worth less than the fees it would cost ({learned.little_work:.0%}, "
        f"the tier classifier{words})"
    )


def _time_barred(signals: Signals) -> str:
    """How a claim's time limit, counted from the event the enquirer gives, ran out before
    the enquiry arrived ("3 years from 1 Mar 2022, ended 1 Mar 2025"); "" if it has not."""
    found = signals.urgency
    pressing = [phrase for phrase in found.urgent if not NAMES_A_LIMIT.match(phrase)]
    if found.expired_on is None or found.due is not None or pressing:
        return ""
    if (signals.arrived_at.date() - found.expired_on).days < TIME_BARRED_AFTER_DAYS:
        return ""  # only just run out, or read from a month without its day: not clear
    return f"{found.expired}, ended {found.expired_on.strftime('%-d %b %Y')}"


def position_of(
    signals: Signals, learned: LearnedReading | None, *, not_a_lead: bool
) -> tuple[DecisionPosition, str, list[str]]:
    """The decision position, its basis line and evidence: the version's position
    classifier where it has one (the words and the wording rules' cues together), else the
    wording rules; never a buyer when the enquiry is not a client enquiry."""
    position = signals.position
    if not_a_lead:
        reason = position.reason if position.position == DecisionPosition.NOT_A_BUYER else ""
        line = f"{reason[:1].upper()}{reason[1:]}: not a buyer" if reason else ""
        return DecisionPosition.NOT_A_BUYER, line or "Decision position: not a buyer", []
    rule_position = position.position
    if rule_position == DecisionPosition.NOT_A_BUYER:
        rule_position = DecisionPosition.DECISION_MAKER  # a genuine enquiry's own matter
    if learned is not None and learned.position and learned.position != rule_position:
        chosen = DecisionPosition(learned.position)
        why = ", ".join(learned.position_evidence[:4])
        said = f": '{learned.position_sentence}'" if learned.position_sentence else ""
        line = (
            f"Decision position: {chosen.label.lower()}, read by the position classifier"
            f"{f' ({why})' if why else ''}{said}; the wording rules alone read "
            f"{rule_position.label.lower()}"
        )
        return chosen, line, [learned.position_sentence or why]
    if position.reason and rule_position == position.position:
        line = f"{position.reason[0].upper()}{position.reason[1:]}: {rule_position.label.lower()}"
    elif rule_position != DecisionPosition.UNKNOWN:
        line = f"Decision position: {rule_position.label.lower()}"
    else:
        line = "Decision position not stated"
    if position.evidence and rule_position != DecisionPosition.DECISION_MAKER:
        line += f" ({_quote(position.evidence, 1)})"
    return rule_position, line, list(position.evidence)


def _stake(signals: Signals) -> Decimal | None:
    """The sum at stake the enquirer states (a claim, a debt, a deposit), if any."""
    stated = signals.value.largest("value")
    return stated.amount if stated is not None else None


def _with_area(signals: Signals, area: AreaSpec | None) -> Signals:
    """The signals with the practice area the version settled on (the fee reads its band)."""
    if area is signals.requirement.area:
        return signals
    requirement = replace(signals.requirement, area=area)
    return replace(signals, requirement=requirement)
