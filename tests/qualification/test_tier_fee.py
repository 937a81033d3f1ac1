"""The tier reads the likely fee from the firm's price list (``fees.fee_for_signals``),
never a share of the house price or the claim, and the basis shows the calculation."""

from datetime import datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from leads.choices import Tier
from qualification.choices import CommercialSignificance
from qualification.demo import PRACTICE_AREAS
from qualification.extraction import AreaSpec, Enquiry, extract
from qualification.scoring import Rules, assess
from tests.qualification.test_prices import PRICES

ARRIVED = datetime(2027, 2, 24, 10, 0, tzinfo=ZoneInfo("Europe/London"))  # a Wednesday
AREAS = tuple(
    AreaSpec(
        id=number,
        slug=slug,
        name=name,
        keywords=tuple(keywords.split("\n")),
        fee_low=Decimal(low),
        fee_high=Decimal(high),
        accepts_work=slug != "criminal",
        prices=tuple(price for price in PRICES if price.area_slug == slug),
    )
    for number, (name, slug, low, high, keywords) in enumerate(PRACTICE_AREAS, start=1)
)


def assessed(message: str, subject: str = "", rules: Rules | None = None):
    enquiry = Enquiry(message=message, subject=subject, arrived_at=ARRIVED)
    return assess(extract(enquiry, AREAS), rules or Rules(version=1))


def test_a_210000_sale_is_priced_from_the_firm_band_not_as_a_fee():
    result = assessed(
        "Hello, we have accepted an offer on our house and are selling it for £210,000. "
        "Could you quote for the conveyancing?",
        subject="House sale",
    )
    assert result.practice_area.slug == "conveyancing"
    assert Decimal(1100) <= result.estimated_value <= Decimal(1400)
    assert result.commercial_significance == CommercialSignificance.LOW
    assert (
        "Sale at £210,000: fixed fee band £1,100 to £1,400 from the firm's price list"
        in result.basis
    )
    assert result.tier == Tier.B
    assert "price list" in result.value_source


def test_the_fee_never_exceeds_the_band_without_a_reason_in_the_basis():
    result = assessed(
        "We are buying a house in Surrey for £2.4m and need a conveyancer.", subject="Purchase"
    )
    assert result.estimated_value <= Decimal(3500) or any(
        "above the band because" in line for line in result.basis
    )


def test_a_probate_fee_is_the_published_share_of_the_estate():
    result = assessed(
        "My father died last month. I am his executor and the estate is worth about £450,000. "
        "Can you help with probate?",
        subject="Probate",
    )
    assert result.practice_area.slug == "wills-probate"
    assert Decimal(4500) <= result.estimated_value <= Decimal(9000)
    assert any("1% to 2% of it, £4,500 to £9,000" in line for line in result.basis)


def test_the_version_thresholds_set_the_significance():
    message = "My father died last month and the estate is worth about £450,000. Probate please."
    assert assessed(message).commercial_significance == CommercialSignificance.MEDIUM
    strict = Rules(version=2, value_medium=Decimal(10000), value_high=Decimal(20000))
    assert assessed(message, rules=strict).commercial_significance == CommercialSignificance.LOW


def test_a_dispute_that_does_not_say_what_it_is_is_not_a_on_its_usual_fee():
    result = assessed(
        "Someone posted something nasty about me online and I want to sue them. "
        "How much would that cost?",
        subject="Want to sue",
    )
    assert result.tier != Tier.A


def test_an_injury_claim_long_out_of_time_is_c():
    result = assessed(
        "I hurt my back lifting boxes at work on 3 March 2022 and never claimed. "
        "Can I still make a claim for the injury?",
        subject="Injury at work",
    )
    assert result.practice_area.slug == "personal-injury"
    assert result.tier == Tier.C
    assert result.basis[0].startswith(
        "Tier C: the time limit for the claim has already run out (Limitation, three years "
        "from the injury on 3 Mar 2022, ended 3 Mar 2025"
    )


def test_an_injury_claim_inside_its_limitation_counts_it_as_the_deadline():
    result = assessed(
        "I was injured in a crash on 10 March 2024 and would like to claim. "
        "Can you help with the claim?",
        subject="Car accident claim",
    )
    assert result.urgency_due.isoformat() == "2027-03-10"
    assert result.tier == Tier.A  # the limitation is days away, with a fee worth having


def test_a_budget_far_above_the_band_is_the_price_not_the_fees():
    result = assessed(
        "We are first time buyers with a budget of £350,000 for a flat. What would the "
        "conveyancing cost?",
        subject="Buying our first flat",
    )
    assert result.practice_area.slug == "conveyancing"
    assert result.estimated_value <= Decimal(1400)
    assert not any(line.startswith("Stated budget for fees") for line in result.basis)


def test_a_fracture_is_a_moderate_injury_claim_and_an_amputation_a_grave_one():
    fracture = assessed(
        "I tripped on a broken paving slab and fractured my wrist; I was off work for six "
        "weeks. I'd like to make a personal injury claim.",
        subject="Injury claim",
    )
    assert fracture.commercial_significance == CommercialSignificance.MEDIUM
    grave = assessed(
        "My husband lost two fingers (amputation) in an unguarded machine at work. "
        "We want to make a personal injury claim.",
        subject="Injury claim",
    )
    assert grave.commercial_significance == CommercialSignificance.HIGH


def test_a_minor_injury_that_has_healed_is_c():
    result = assessed(
        "I slipped on a wet floor in a shop last week and bruised my knee. It's fine now but "
        "could I make a personal injury claim?",
        subject="Slip in a shop",
    )
    assert result.practice_area.slug == "personal-injury"
    assert result.tier == Tier.C
    assert result.basis[0] == "Tier C: a minor injury ('bruised'), a claim worth less than the fees"
