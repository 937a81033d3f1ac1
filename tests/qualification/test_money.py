"""Money in an enquiry: every sum read as a UK reader reads it (digits, words, ranges,
k/m, VAT, a month or a year) and classed by what it is; only a budget is a fee."""

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from qualification.extraction.text import prepare
from qualification.extraction.value import SumKind, find_value, words_to_digits


def read(message: str):
    return find_value(prepare(subject="", body=message))


def kinds(message: str) -> list[tuple[Decimal, str]]:
    return [(item.amount, item.kind) for item in read(message).sums]


def pounds(value) -> Decimal:
    return Decimal(value).quantize(Decimal("0.01"))


@pytest.mark.parametrize(
    ("message", "amount", "kind"),
    [
        ("We are selling our flat for £210,000.", 210_000, SumKind.PROPERTY),
        ("Offer accepted on a three-bed semi at £325k.", 325_000, SumKind.PROPERTY),
        ("The house is worth just under a million.", 1_000_000, SumKind.PROPERTY),
        ("My late mother's estate is about £450,000.", 450_000, SumKind.ESTATE),
        ("A £2m estate left to three children.", 2_000_000, SumKind.ESTATE),
        ("The estate is worth two and a half million.", 2_500_000, SumKind.ESTATE),
        ("He offered eight hundred grand for the business.", 800_000, SumKind.TRANSACTION),
        ("We are raising £1.5m in a seed round.", 1_500_000, SumKind.TRANSACTION),
        ("The business sold for £4.2 million last year.", 4_200_000, SumKind.TRANSACTION),
        ("I earn £45,000 per annum.", 45_000, SumKind.SALARY),
        ("I was dismissed; I earned 48,000 a year.", 48_000, SumKind.SALARY),
        ("My salary is £62k plus bonus.", 62_000, SumKind.SALARY),
        ("Turnover is £6m a year.", 6_000_000, SumKind.TURNOVER),
        ("The rent is £1,800 pcm.", 1_800, SumKind.RENT_MONTH),
        ("Rent of £24,000 per annum on the shop.", 24_000, SumKind.RENT_YEAR),
        ("They owe us £18,500 in unpaid invoices.", 18_500, SumKind.CLAIM),
        ("Claim of around 12 grand against the builder.", 12_000, SumKind.CLAIM),
        ("The claim is worth £250k.", 250_000, SumKind.CLAIM),
        ("HMRC say we owe £85,000 plus penalties.", 85_000, SumKind.TAX),
        ("Our budget for legal fees is £3,000.", 3_000, SumKind.BUDGET),
        ("Another firm quoted £1,400 for the conveyancing.", 1_400, SumKind.BUDGET),
        ("We have pensions of about £300,000.", 300_000, SumKind.ASSETS),
        ("It cost GBP 900.", 900, SumKind.VALUE),
    ],
)
def test_each_sum_is_classed_by_what_it_is(message, amount, kind):
    assert kinds(message) == [(pounds(amount), kind)]


def test_only_a_budget_is_a_fee_and_the_rest_are_at_stake():
    findings = read(
        "We're selling the house for £650,000; our budget for the legal work is £2,000."
    )
    assert findings.largest(SumKind.BUDGET).amount == pounds(2_000)
    assert findings.largest("value").amount == pounds(650_000)  # "value": any sum at stake


@pytest.mark.parametrize(
    ("words", "digits"),
    [
        ("three hundred and fifty thousand pounds", "350000 pounds"),
        ("just under a million", "just under 1000000"),
        ("about two and a half million", "about 2500000"),
        ("half a million quid", "500000 quid"),
        ("a quarter of a million", "250000"),
        ("one point two million", "1200000"),
        ("seventy-five grand", "75 grand"),
        ("no numbers here at all", "no numbers here at all"),
    ],
)
def test_number_words_become_digits(words, digits):
    assert words_to_digits(words) == digits


@pytest.mark.parametrize(
    ("message", "amount"),
    [
        ("My mother's estate is three hundred and fifty thousand pounds.", 350_000),
        ("He's offering eight hundred grand for the house.", 800_000),
        ("The flat sold for half a million quid.", 500_000),
        ("Our budget is around forty thousand pounds.", 40_000),
    ],
)
def test_sums_in_words_are_read(message, amount):
    assert read(message).sums[0].amount == pounds(amount)


def test_a_range_keeps_both_ends_and_its_middle():
    (stated,) = read("We're looking at £200-250k for the house.").sums
    assert (stated.low, stated.high, stated.amount) == (
        pounds(200_000),
        pounds(250_000),
        pounds(225_000),
    )
    assert stated.kind == SumKind.PROPERTY
    assert stated.describe() == "£200,000 to £250,000"
    (between,) = read("An asking price between £400,000 and £450,000.").sums
    assert (between.low, between.high) == (pounds(400_000), pounds(450_000))
    (millions,) = read("A budget of £1.1-1.4m for the deal fees.").sums
    assert (millions.low, millions.high) == (pounds(1_100_000), pounds(1_400_000))


def test_vat_and_qualifiers_are_kept():
    (inc,) = read("Our budget for fees is £3,000 inc VAT.").sums
    assert inc.vat == "inc" and inc.without_vat == pounds(2_500)
    assert inc.describe() == "£3,000 including VAT"
    (plus,) = read("We could pay up to £5k plus VAT.").sums
    assert (plus.kind, plus.vat, plus.qualifier) == (SumKind.BUDGET, "ex", "up to")
    (under,) = read("The house is worth just under £1m.").sums
    assert under.qualifier == "under" and under.describe() == "just under £1m"


def test_employees_are_counted_for_per_employee_prices():
    findings = read("We have 45 employees and a turnover of £3m.")
    assert findings.employees == 45
    assert findings.company_size == "medium"


def test_years_phone_numbers_and_dates_are_not_sums():
    assert kinds("I paid in 2024 and you can call me on 07700 900123 about it.") == []
    assert kinds("The house purchase completes on 12/03/2027.") == []


@settings(max_examples=60, deadline=None)
@given(st.text(max_size=400))
def test_reading_money_never_fails_on_any_text(message):
    for stated in read(message).sums:
        assert stated.amount > 0
        assert stated.kind in SumKind.LABELS


@pytest.mark.parametrize(
    ("message", "is_budget"),
    [
        ("Got a £100 parking charge from a private company.", False),
        ("The builder charged me £300 for work he never finished.", False),
        ("What do you charge? We could pay £900 or so.", True),
    ],
)
def test_only_the_firms_own_charges_make_a_budget(message, is_budget):
    findings = find_value(prepare(subject="", body=message))
    assert (findings.sums[0].kind == SumKind.BUDGET) is is_budget


def test_a_group_of_people_is_not_a_company():
    assert (
        find_value(prepare(subject="", body="It was posted in the parents' group.")).company == []
    )
    named = find_value(prepare(subject="", body="We are Hale Group and need advice."))
    assert named.company and named.company_size == "small"


def test_a_repair_quote_is_not_a_budget_for_fees():
    findings = find_value(prepare(subject="", body="The repair quote is about £45,000."))
    assert findings.sums[0].kind != SumKind.BUDGET
    ours = find_value(prepare(subject="", body="Another firm quoted £1,500 for the work."))
    assert ours.sums[0].kind == SumKind.BUDGET


def test_a_builders_quote_for_the_repair_is_what_is_claimed():
    findings = find_value(
        prepare(subject="", body="Another builder has quoted £28,500 to put it right.")
    )
    assert findings.sums[0].kind == SumKind.CLAIM
