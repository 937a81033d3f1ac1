"""Commercial significance: sums of money stated in the enquiry, read as a UK reader
reads them ("£250k", "£1.2m", "250,000 pounds", "a budget of around 40k"), what each
sum is (a fee budget, the value at stake, a turnover, a salary) and the signs of a
company client (Ltd, PLC, LLP, employee numbers, turnover)."""

import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from qualification.extraction.text import HEAD_CHARS, Text

_MULTIPLIERS = {
    "k": Decimal(1_000),
    "thousand": Decimal(1_000),
    "grand": Decimal(1_000),
    "m": Decimal(1_000_000),
    "mn": Decimal(1_000_000),
    "mil": Decimal(1_000_000),
    "million": Decimal(1_000_000),
    "bn": Decimal(1_000_000_000),
    "billion": Decimal(1_000_000_000),
}
_NUMBER = r"(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d{1,2}))?"
_SCALE = r"(?:\s?(k|m|mn|bn|thousand|grand|million|mil|billion)\b)?"
_POUND_SIGN = re.compile(r"(?:£|\bgbp\s?)\s?" + _NUMBER + _SCALE)
_POUND_WORD = re.compile(r"\b" + _NUMBER + _SCALE + r"\s?(?:pounds|pound|gbp|quid)\b")
# A bare "40k" or "1.2m" counts only after a money word ("a budget of around 40k").
_BARE = re.compile(
    r"\b(budget|fees?|worth|valued?|turnover|revenue|price|offer|claim|owed|owes|debt|"
    r"salary|earn|earns|earning|spend|cost|pay)\b[^.\n£\d]{0,30}?"
    r"\b(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d{1,2}))?\s?(k|m|mn|million|thousand|grand)\b"
)
_MAX_SUMS = 40

BUDGET_WORDS = re.compile(r"\b(budget|fees?|quote|spend on|pay up to|afford|legal costs)\b")
TURNOVER_WORDS = re.compile(r"\b(turnover|revenue|sales of|annual sales|income of)\b")
SALARY_WORDS = re.compile(r"\b(salary|earn|earns|earning|per annum|a year|p\.?a\.?|wage)\b")

_COMPANY_SUFFIX = re.compile(r"\b(ltd|limited|plc|llp|group|holdings|inc|gmbh|llc)\b\.?")
_COMPANY_NAME = re.compile(
    r"((?:[A-Z0-9][\w&'-]*\s){1,4})(Ltd|LTD|Limited|PLC|plc|LLP|Group|Holdings)\b\.?"
)
_EMPLOYEES = re.compile(
    r"\b(\d{1,3}(?:,\d{3})+|\d+)\s?\+?\s?(?:full[- ]time\s)?"
    r"(staff|employees|people|workers|headcount|colleagues)\b"
)


@dataclass(frozen=True)
class StatedSum:
    amount: Decimal
    text: str
    kind: str  # "budget", "value", "turnover" or "salary"


@dataclass
class ValueFindings:
    sums: list[StatedSum] = field(default_factory=list)
    company: list[str] = field(default_factory=list)
    company_size: str = ""  # "", "small", "medium" or "large"

    def largest(self, kind: str) -> StatedSum | None:
        matching = [item for item in self.sums if item.kind == kind]
        return max(matching, key=lambda item: item.amount) if matching else None


def parse_amount(whole: str, pence: str | None, scale: str | None) -> Decimal | None:
    """A sum written as digits with optional decimals and scale, in pounds."""
    try:
        amount = Decimal(whole.replace(",", "") + (f".{pence}" if pence else ""))
    except InvalidOperation:
        return None
    if scale:
        amount *= _MULTIPLIERS[scale]
    if amount <= 0 or amount >= Decimal(10) ** 11:
        return None
    return amount.quantize(Decimal("0.01"))


_CLAUSE_BREAK = re.compile(r"[.;:()\n!?]|\band\b|\bbut\b")


def _kind(text: str, start: int, end: int) -> str:
    """What a sum is, from the nearest money word before it in the same clause."""
    before = text[max(0, start - 60) : start]
    breaks = [match.end() for match in _CLAUSE_BREAK.finditer(before)]
    if breaks:
        before = before[breaks[-1] :]
    cues = [
        (match.end(), kind)
        for kind, pattern in (
            ("turnover", TURNOVER_WORDS),
            ("budget", BUDGET_WORDS),
            ("salary", SALARY_WORDS),
        )
        for match in pattern.finditer(before)
    ]
    if cues:
        return max(cues)[1]
    after = text[end : end + 25].split(".")[0]
    if SALARY_WORDS.search(after):
        return "salary"
    if TURNOVER_WORDS.search(after):
        return "turnover"
    return "value"


def find_value(text: Text, *, organisation: str = "") -> ValueFindings:
    """Every stated sum with its kind, and the company signals."""
    lower = text.lower[:HEAD_CHARS]
    findings = ValueFindings()
    seen: set[int] = set()
    for pattern, first_group in ((_POUND_SIGN, 1), (_POUND_WORD, 1), (_BARE, 2)):
        for match in pattern.finditer(lower):
            if len(findings.sums) >= _MAX_SUMS:
                break
            start = match.start(first_group)
            if start in seen:
                continue
            seen.add(start)
            whole, pence, scale = match.group(first_group, first_group + 1, first_group + 2)
            amount = parse_amount(whole, pence, scale)
            if amount is None:
                continue
            findings.sums.append(
                StatedSum(
                    amount=amount, text=match.group().strip(), kind=_kind(lower, start, match.end())
                )
            )
    findings.sums.sort(key=lambda item: lower.find(item.text))

    size = ""
    org = organisation.lower()
    suffix = _COMPANY_SUFFIX.search(org) or _COMPANY_SUFFIX.search(lower)
    if suffix:
        word = suffix.group(1)
        named = _COMPANY_NAME.search(text.original[:HEAD_CHARS])
        findings.company.append(
            organisation or (named.group().strip() if named else f"a {word.upper()}")
        )
        size = "large" if word == "plc" else "small"
    employees = [
        int(match.group(1).replace(",", ""))
        for match in _EMPLOYEES.finditer(lower)
        if match.group(1).replace(",", "").isdigit()
    ]
    if employees:
        count = max(employees)
        findings.company.append(f"{count:,} employees")
        size = _larger(size, "large" if count >= 250 else "medium" if count >= 50 else "small")
    turnover = findings.largest("turnover")
    if turnover is not None:
        findings.company.append(f"turnover {money(turnover.amount)}")
        size = _larger(
            size,
            "large"
            if turnover.amount >= 10_000_000
            else "medium"
            if turnover.amount >= 1_000_000
            else "small",
        )
    findings.company_size = size
    return findings


_SIZES = ["", "small", "medium", "large"]


def _larger(one: str, other: str) -> str:
    return one if _SIZES.index(one) >= _SIZES.index(other) else other


def money(amount: Decimal) -> str:
    """£1,200 / £1.2m / £250,000, as a partner writes it."""
    if amount >= 1_000_000:
        millions = (amount / 1_000_000).quantize(Decimal("0.1")).normalize()
        return f"£{millions:f}m"
    if amount == amount.to_integral_value():
        return f"£{int(amount):,}"
    return f"£{amount:,.2f}"
