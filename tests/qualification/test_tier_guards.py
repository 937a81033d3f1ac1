"""The policy's hard guards: A only on clear evidence, and out of scope only with
confidence when the enquiry plainly asks for work the firm does."""

from dataclasses import replace
from decimal import Decimal

from leads.choices import Tier
from qualification.choices import CommercialSignificance, Urgency
from qualification.extraction import Enquiry, extract
from qualification.learning import LearnedReading
from qualification.scoring import (
    OUT_OF_SCOPE_CONFIDENT_FROM,
    Rules,
    _clearly_in_scope,
    _doubt,
    _real_deadline,
)
from tests.qualification.test_tier_fee import AREAS, ARRIVED, assessed
from tests.qualification.test_tier_policy import decide

RULES = Rules(version=1)


def signals_of(message: str):
    return extract(Enquiry(message=message, subject="", arrived_at=ARRIVED), AREAS)


def learned(**values) -> LearnedReading:
    reading = {
        "area_slug": "employment",
        "area_margin": 0.1,
        "best": "employment",
        "area_score": 0.3,
        "area_evidence": [],
        "runner_up": "personal-injury",
        "not_an_enquiry": 0.02,
        "not_an_enquiry_evidence": [],
    }
    reading.update(values)
    return LearnedReading(**reading)


def test_a_holiday_with_the_children_is_not_a_removal_threat():
    holiday = signals_of(
        "My former partner wants to take the kids to Portugal for a fortnight in the summer "
        "holidays and asks me to sign a consent letter. Is that something you can help with?"
    )
    assert not _real_deadline(holiday, RULES)
    threat = signals_of(
        "My husband has told me he will take the children abroad and not bring them back. "
        "He has their passports. I need an order to stop him."
    )
    assert _real_deadline(threat, RULES)


def test_a_time_limit_named_without_a_date_in_the_window_is_not_a_real_deadline():
    passed = signals_of(
        "I think I missed the time limit for my claim, it was back in the spring. Can I "
        "still bring it?"
    )
    assert not _real_deadline(passed, RULES)
    result = assessed(
        "The tribunal time limit for my unfair dismissal claim passed months ago. My old "
        "employer still owes me money. Is there anything I can do?"
    )
    assert result.tier != Tier.A


def test_an_enquiry_the_genuine_classifier_doubts_is_not_placed_in_a():
    assert _doubt(learned(not_an_enquiry=0.05)) == ""
    doubt = _doubt(learned(not_an_enquiry=0.4))
    assert doubt == "not clearly an enquiry (40% it is not one)"
    decision = decide(
        significance_level=CommercialSignificance.HIGH, fee=Decimal(25000), doubt=doubt
    )
    assert decision.tier == Tier.B
    assert "not clearly an enquiry" in decision.line
    urgent = decide(urgency_level=Urgency.HIGH, urgency_line="Hearing in 3 days", doubt=doubt)
    assert urgent.tier == Tier.B
    # The doubt changes nothing for an enquiry that was never A.
    assert decide(doubt=doubt).tier == Tier.B


def test_an_unconfident_out_of_scope_reading_does_not_overrule_a_clear_area():
    signals = signals_of(
        "I was dismissed last week after raising a grievance about discrimination. ACAS "
        "early conciliation has started and I want to bring an employment tribunal claim."
    )
    employment = next(area for area in AREAS if area.slug == "employment")
    assert signals.requirement.area == employment
    doubtful = learned(out_of_scope=0.3)
    assert _clearly_in_scope(signals, doubtful, employment)
    confident = replace(doubtful, out_of_scope=OUT_OF_SCOPE_CONFIDENT_FROM + 0.05)
    assert not _clearly_in_scope(signals, confident, employment)
    # Where the wording and the classifier disagree on the area, the flag stands.
    other = next(area for area in AREAS if area.slug == "family")
    assert not _clearly_in_scope(signals, doubtful, other)
