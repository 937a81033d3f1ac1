"""The tier is the firm's policy applied to the four dimensions (not a weighted score),
and the basis says which part of the policy decided it."""

from decimal import Decimal

import pytest

from leads.choices import Tier
from qualification.choices import CommercialSignificance, DecisionPosition, Urgency
from qualification.extraction import AreaSpec
from qualification.scoring import Rules, policy_tier

EMPLOYMENT = AreaSpec(
    id=1,
    slug="employment",
    name="Employment",
    keywords=(),
    fee_low=Decimal(500),
    fee_high=Decimal(30000),
)
CONVEYANCING = AreaSpec(
    id=2,
    slug="conveyancing",
    name="Residential conveyancing",
    keywords=(),
    fee_low=Decimal(1100),
    fee_high=Decimal(3500),
)
RULES = Rules(version=1)


def decide(**overrides):
    values = {
        "disqualifying": None,
        "out_of_scope": False,
        "area": EMPLOYMENT,
        "significance_level": CommercialSignificance.MEDIUM,
        "fee": Decimal(6000),
        "urgency_level": Urgency.LOW,
        "urgency_line": "No deadline or time pressure stated",
        "position": DecisionPosition.DECISION_MAKER,
        "stake": None,
        "rules": RULES,
    }
    values.update(overrides)
    return policy_tier(**values)


def test_a_valuable_enquiry_is_a():
    decision = decide(significance_level=CommercialSignificance.HIGH, fee=Decimal(18000))
    assert decision.tier == Tier.A
    assert decision.line == "Tier A: valuable, likely fee £18,000 (£15,000 or more)"


def test_time_critical_with_a_fee_worth_having_is_a():
    decision = decide(
        area=CONVEYANCING,
        significance_level=CommercialSignificance.LOW,
        fee=Decimal(1300),
        urgency_level=Urgency.HIGH,
        urgency_line="Completion 12 Mar 2027: 12 working days away",
    )
    assert decision.tier == Tier.A
    assert "completion 12 Mar 2027" in decision.line and "£1,300" in decision.line


def test_urgent_but_a_small_fixed_fee_is_b():
    decision = decide(
        significance_level=CommercialSignificance.LOW, fee=Decimal(600), urgency_level=Urgency.HIGH
    )
    assert decision.tier == Tier.B
    assert "a fee below the urgent work's bar" in decision.line


def test_an_ordinary_matter_is_b():
    assert decide(significance_level=CommercialSignificance.LOW, fee=Decimal(400)).tier == Tier.B


@pytest.mark.parametrize(
    ("overrides", "why"),
    [
        ({"out_of_scope": True}, "work the firm does not take on"),
        ({"area": None}, "too vague"),
        ({"position": DecisionPosition.RESEARCHING}, "only researching"),
        ({"position": DecisionPosition.NOT_A_BUYER}, "cannot instruct"),
        ({"stake": Decimal(350)}, "£350 at stake is too small"),
    ],
)
def test_the_policy_places_these_in_c(overrides, why):
    # Even a valuable-looking fee does not lift them out of C.
    decision = decide(significance_level=CommercialSignificance.HIGH, **overrides)
    assert decision.tier == Tier.C and not decision.is_disqualified
    assert why in decision.line


def test_a_small_claim_with_a_deadline_is_not_written_off():
    decision = decide(stake=Decimal(350), urgency_level=Urgency.HIGH)
    assert decision.tier == Tier.A


def test_a_non_enquiry_is_disqualified_whatever_else_it_says():
    decision = decide(disqualifying="spam", significance_level=CommercialSignificance.HIGH)
    assert decision.is_disqualified and decision.tier == Tier.C
    assert decision.line == "Disqualified: spam or solicitation"


def test_the_fee_bars_are_the_versions_own():
    rules = Rules(version=2, time_critical_fee_from=Decimal(500))
    decision = decide(
        significance_level=CommercialSignificance.LOW,
        fee=Decimal(600),
        urgency_level=Urgency.HIGH,
        rules=rules,
    )
    assert decision.tier == Tier.A


def test_a_claim_below_the_small_claim_bar_is_c():
    decision = decide(stake=Decimal(1400))
    assert decision.tier == Tier.C
    assert "£1,400 at stake is too small to justify the fees (under £1,500)" in decision.line
    assert decide(stake=Decimal(2250)).tier == Tier.B


def test_a_high_fee_the_enquiry_does_not_evidence_is_not_a_on_value_alone():
    decision = decide(
        significance_level=CommercialSignificance.HIGH, fee=Decimal(29500), fee_evidenced=False
    )
    assert decision.tier == Tier.B
    assert "not clear enough evidence of value" in decision.line
    evidenced = decide(significance_level=CommercialSignificance.HIGH, fee=Decimal(29500))
    assert evidenced.tier == Tier.A


def test_a_claim_whose_time_limit_has_run_out_is_c():
    barred = "3 years from 1 Mar 2022, ended 1 Mar 2025"
    decision = decide(
        significance_level=CommercialSignificance.HIGH, fee=Decimal(18700), time_barred=barred
    )
    assert decision.tier == Tier.C
    assert decision.line == f"Tier C: the time limit for the claim has already run out ({barred})"
    # Work that is not a claim (a will, a purchase) is not written off by an old date.
    assert decide(area=CONVEYANCING, time_barred=barred).tier == Tier.B


def test_only_asking_for_speed_about_unspecified_work_is_not_time_critical():
    vague = decide(
        significance_level=CommercialSignificance.LOW,
        fee=Decimal(2200),
        urgency_level=Urgency.HIGH,
        urgency_line="Says 'asap'",
        real_deadline=False,
        fee_evidenced=False,
    )
    assert vague.tier == Tier.B
    assert "no emergency and no detail of the work" in vague.line
    # The same words about work the enquiry describes, or with a named emergency, are A.
    described = decide(
        significance_level=CommercialSignificance.LOW,
        fee=Decimal(2200),
        urgency_level=Urgency.HIGH,
        urgency_line="Says 'asap'",
        real_deadline=False,
        asked_for_speed=True,
    )
    assert described.tier == Tier.A
    # A phrase that only names a time limit, with no date in the window, is not enough.
    limit_only = decide(
        significance_level=CommercialSignificance.LOW,
        fee=Decimal(2200),
        urgency_level=Urgency.HIGH,
        urgency_line="Says 'time limit'",
        real_deadline=False,
    )
    assert limit_only.tier == Tier.B


def test_the_tier_classifiers_c_needs_nothing_urgent_and_gives_way_to_evidenced_value():
    why = "read as worth less than the fees it would cost (71%, the tier classifier)"
    decision = decide(little_work=why)
    assert decision.tier == Tier.C
    assert decision.line == f"Tier C: {why}"
    assert decide(little_work=why, urgency_level=Urgency.HIGH).tier != Tier.C
    valuable = decide(
        little_work=why, significance_level=CommercialSignificance.HIGH, fee=Decimal(18000)
    )
    assert valuable.tier == Tier.A
    # A high fee the enquiry does not evidence is no reason to keep it out of C.
    unevidenced = decide(
        little_work=why,
        significance_level=CommercialSignificance.HIGH,
        fee=Decimal(29500),
        fee_evidenced=False,
    )
    assert unevidenced.tier == Tier.C
