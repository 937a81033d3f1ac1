"""Commercial significance: sums of money stated in the enquiry, read as a UK reader
reads them ("£250k", "£1.2m", "250,000 pounds", "a budget of around 40k", "three hundred
and fifty thousand", "just under a million", "eight hundred grand", "£200-250k",
"£1,800 pcm", "£45,000 per annum", "£3,000 inc VAT"), what each sum is, and the signs of
a company client (Ltd, PLC, LLP, employee numbers, turnover).

Each sum is classed by what it is (``SumKind``): a property's price, a business
transaction's value, an estate's value, a salary, a turnover, a rent a month or a year, a
claim's value, tax at stake, or the client's budget for fees. Only a budget is a fee.
Sums written in words are turned into digits by ``text2num`` (a maintained number-words
library); what it leaves (halves, quarters, "1.2 million") is finished here.
"""

import re
from contextlib import suppress
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from text_to_num import alpha2digit

from qualification.extraction.guard import guarded
from qualification.extraction.text import HEAD_CHARS, Text


class SumKind:
    """What a stated sum is. Only ``BUDGET`` is a fee."""

    BUDGET = "budget"
    PROPERTY = "property"
    TRANSACTION = "transaction"
    ESTATE = "estate"
    SALARY = "salary"
    TURNOVER = "turnover"
    RENT_MONTH = "rent_month"
    RENT_YEAR = "rent_year"
    CLAIM = "claim"
    TAX = "tax"
    ASSETS = "assets"
    VALUE = "value"  # a sum whose nature the text does not tell

    LABELS = {
        BUDGET: "budget for fees",
        PROPERTY: "property value",
        TRANSACTION: "transaction value",
        ESTATE: "estate value",
        SALARY: "salary",
        TURNOVER: "turnover",
        RENT_MONTH: "rent a month",
        RENT_YEAR: "rent a year",
        CLAIM: "claim value",
        TAX: "tax at stake",
        ASSETS: "assets",
        VALUE: "sum",
    }
    # The sums at stake in a matter (what ``largest("value")`` means).
    AT_STAKE = (PROPERTY, TRANSACTION, ESTATE, CLAIM, TAX, ASSETS, VALUE)


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
_POUND_SIGN = guarded(r"(?:£|\bgbp\s?)\s?" + _NUMBER + _SCALE)
_POUND_WORD = guarded(r"\b" + _NUMBER + _SCALE + r"\s?(?:pounds|pound|gbp|quid|sterling)\b")
_GRAND = guarded(r"\b" + _NUMBER + r"\s?(grand)\b")
# A range: "£200-250k", "£1.1 to 1.4m", "between £400,000 and £450,000".
_RANGE = guarded(
    r"(?:£|\bgbp\s?)\s?"
    + _NUMBER
    + _SCALE
    + r"\s?(?:-|to|and)\s?(?:£|gbp\s?)?\s?"
    + _NUMBER
    + _SCALE
)
# A bare "40k", "1.2m", "350,000" or (from words) "350000" counts only after a money word.
_BARE = guarded(
    r"\b(budget|fees?|worth|valued?|valuation|turnover|revenue|price|offer|offered|claim|"
    r"owed|owes|owe|debt|salary|earn|earns|earned|earning|spend|spent|cost|costs|pay|paid|sold|"
    r"selling|sell|buying|buy|bought|estate|rent|rental|invoices?|damages|compensation|"
    r"mortgage|around|about|approximately|roughly|circa)\b[^.\n£\d]{0,30}?"
    r"(?<![\d.,])(\d{1,3}(?:,\d{3})+|[1-9]\d{4,}|\d+)(?:\.(\d{1,2}))?"
    r"(?:\s?(k|m|mn|million|thousand|grand)\b)?(?![\d/:-])"
)
_MAX_SUMS = 40

# What a sum is, from the words around it. Nouns say what it is ("estate", "salary",
# "house", "claim"); verbs and adjectives only how it is put ("worth", "sold", "owe"), so
# a noun in the clause wins over a verb nearer the sum ("the estate is worth £2m").
_NOUN, _VERB = 2, 1
# A builder's or a garage's quote is the price of the repair, not a budget for fees.
_NOT_OUR_QUOTE = (
    r"(?<!repair )(?<!repairs )(?<!builder's )(?<!builders )(?<!insurance )(?<!garage )"
    r"(?<!remedial )(?<!roofer's )"
)
# Someone other than a lawyer pricing a job: their quote is not a budget for fees.
_OTHERS_PRICE = guarded(
    r"\b(builders?|contractors?|roofer|plumber|electrician|garage|mechanic|tradesm[ae]n|"
    r"repairs?|remedial|put (?:it|this|things) right|to fix|fixing|decorators?|"
    r"landscaper|glazier)\b"
)
_LEGAL_FEES = guarded(r"\b(legal|fees?|solicitors?|lawyers?|you|your|firm)\b")
_CUES: tuple[tuple[str, int, re.Pattern], ...] = (
    (
        SumKind.BUDGET,
        _NOUN,
        re.compile(
            r"\b(budget|budgeted|legal fees?|your fees?|fees? (?:of|around|about|up to|"
            r"budget)|fee of|fixed fee|"
            + _NOT_OUR_QUOTE
            + r"quoted?|"
            + _NOT_OUR_QUOTE
            + r"quotes?|(?:can|could|willing to|happy to|"
            r"prepared to|able to) (?:pay|spend)|afford|pay up to|spend up to|legal costs|"
            r"(?:you|you'd|you would|would you|do you|your|firm) charges?|you charging|"
            r"your charges|in fees|fees)\b"
        ),
    ),
    (
        SumKind.RENT_MONTH,
        _NOUN,
        re.compile(
            r"\b(pcm|per calendar month|monthly rent|rent|rents|rental|renting|passing rent|"
            r"lease|leases|fri lease|tenancy|"
            r"let(?:ting)? (?:it|the flat|the house|the unit) (?:for|at))\b"
        ),
    ),
    (
        SumKind.TURNOVER,
        _NOUN,
        re.compile(
            r"\b(turnover|revenue|revenues|annual sales|sales of|t/o|turn over|income of|"
            r"turning over|turns over)\b"
        ),
    ),
    (
        SumKind.SALARY,
        _NOUN,
        re.compile(
            r"\b(salary|salaries|salaried|wage|wages|package|bonus|pay rise|annual pay|"
            r"base pay|gross pay|take home|earnings)\b"
        ),
    ),
    (SumKind.SALARY, _VERB, re.compile(r"\b(earn|earns|earned|earning|paid me|pays me)\b")),
    (
        SumKind.ESTATE,
        _NOUN,
        re.compile(
            r"\b(estate|inheritance|legacy|bequest|probate value|iht|the deceased|"
            r"his assets|her assets|their assets)\b"
        ),
    ),
    (
        SumKind.ESTATE,
        _VERB,
        re.compile(r"\b(inherit|inherited|left (?:me|us|her|him|everything))\b"),
    ),
    (
        SumKind.TAX,
        _NOUN,
        re.compile(
            r"\b(hmrc|tax bill|tax liability|tax demand|penalty|penalties|back tax|vat bill|"
            r"tax due|undeclared|underpaid tax|tax owed|unpaid tax|tax of)\b"
        ),
    ),
    (
        SumKind.CLAIM,
        _NOUN,
        re.compile(
            r"\b(claim|claims|debt|debts|invoices?|damages|compensation|losses|arrears|"
            r"refund|settlement offer|r&d (?:tax )?credits?|tax credits?|judgment|ccj)\b"
        ),
    ),
    (
        SumKind.CLAIM,
        _VERB,
        re.compile(
            r"\b(claiming|owed|owes|owe|owing|unpaid|lost|loss of|outstanding|recover|sue|"
            r"suing|out of pocket|overcharged|offered me)\b"
        ),
    ),
    (
        SumKind.ASSETS,
        _NOUN,
        re.compile(r"\b(pensions?|savings|investments|portfolio|isas?|assets)\b"),
    ),
    (
        SumKind.TRANSACTION,
        _NOUN,
        re.compile(
            r"\b(business|company|companies|shares|shareholding|stake|deal|acquisition|"
            r"valuation|investment round|investor|raise|round|buyout|mbo|consideration|"
            r"enterprise value|merger|franchise|practice|firm)\b"
        ),
    ),
    (
        SumKind.TRANSACTION,
        _VERB,
        re.compile(r"\b(raising|acquire|acquiring|invest|investing)\b"),
    ),
    (
        SumKind.PROPERTY,
        _NOUN,
        re.compile(
            r"\b(house|home|flat|property|properties|bungalow|cottage|apartment|maisonette|"
            r"freehold|leasehold|new build|purchase price|sale price|asking price|"
            r"mortgage|remortgage|deposit|stamp duty|land|plot|barn|farm|terrace|semi|"
            r"detached|townhouse|studio)\b"
        ),
    ),
    (
        SumKind.PROPERTY,
        _VERB,
        re.compile(
            r"\b(offer|offered|sold|selling|sell|buying|buy|bought|purchase|purchasing|"
            r"valued|worth|sale agreed|priced)\b"
        ),
    ),
)
_CLAUSE_BREAK = re.compile(r"[.;:()\n!?]|\bbut\b|\bwhile\b|\bwhereas\b|\balthough\b")
_PER_MONTH = guarded(r"^\s?(?:pcm|p/m|pm|per month|a month|per calendar month|monthly|/month|/m)\b")
_PER_YEAR = guarded(
    r"^\s?(?:per annum|p\.?a\.?|pa|a year|per year|annually|a yr|/year|/yr|per annum)(?![a-z])"
)
_VAT_INC = guarded(r"^\s?(?:inc\.?|incl\.?|including|inclusive of|with)\s?vat\b|^\s?vat inclusive")
_VAT_EX = guarded(r"^\s?(?:\+|plus|ex\.?|excl\.?|excluding|exclusive of|before)\s?vat\b")
_QUALIFIERS = (
    ("under", re.compile(r"\b(just under|under|less than|below|not quite|nearly|almost)\s?$")),
    ("up to", re.compile(r"\b(up to|at most|no more than|maximum of|max|not more than)\s?$")),
    ("over", re.compile(r"\b(over|more than|above|at least|in excess of|upwards of|north of)\s?$")),
    ("about", re.compile(r"\b(around|about|approximately|approx\.?|circa|c\.|roughly|some)\s?$")),
)

# Number words: text2num reads "three hundred and fifty thousand"; halves, quarters
# and a decimal before a scale ("1.2 1000000", "half a 1000000") are finished here.
_NUMBER_WORDS = guarded(
    r"\b(one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|"
    r"fifteen|sixteen|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|"
    r"eighty|ninety|hundred|thousand|million|billion|half|quarter|a)\b"
)
_SCALE_WORDS = guarded(r"\b(hundred|thousand|million|billion|grand|quid|pounds?|k)\b")
_SMALL = {
    "a": 1,
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
}
_BIG = r"(1000|1000000|1000000000)"
_DECIMAL_SCALE = guarded(r"\b(\d+(?:\.\d+)?)\s" + _BIG + r"\b")
_AND_A_HALF = guarded(
    r"\b(a|one|two|three|four|five|six|seven|eight|nine|ten|\d+) and a half " + _BIG + r"\b"
)
_FRACTION = guarded(r"\b(?:a |one )?(half|quarter|three quarters) (?:of )?an? " + _BIG + r"\b")
_SENTENCES = re.compile(r"(?<=[.!?])(?=\s)|(?<=\n)")
_A_SCALE = guarded(r"\b(?:a|one) " + _BIG + r"\b")
_FRACTIONS = {"half": Decimal("0.5"), "quarter": Decimal("0.25"), "three quarters": Decimal("0.75")}

_COMPANY_SUFFIX = guarded(r"\b(ltd|limited|plc|llp|group|holdings|inc|gmbh|llc)\b\.?")
_TEXT_COMPANY_SUFFIX = guarded(r"\b(ltd|plc|llp)\b\.?")
_COMPANY_NAME = guarded(
    r"((?:[A-Z0-9][\w&'-]*\s){1,4})(Ltd|LTD|Limited|PLC|plc|LLP|Group|Holdings)\b\.?"
)
_EMPLOYEES = guarded(
    r"\b(\d{1,3}(?:,\d{3})+|\d+)\s?\+?\s?(?:full[- ]time\s|part[- ]time\s)?"
    r"(staff|employees|people|workers|headcount|colleagues|members of staff|team members|"
    r"roles|redundancies|fte|posts)\b"
)


@dataclass(frozen=True)
class StatedSum:
    """One sum of money in the enquiry: ``amount`` in pounds (a range's middle), what it
    is, and how it was put (a range's ends, "about"/"under"/"over", VAT)."""

    amount: Decimal
    text: str
    kind: str  # a SumKind value
    low: Decimal | None = None
    high: Decimal | None = None
    qualifier: str = ""  # "", "about", "under", "up to" or "over"
    vat: str = ""  # "", "inc" (VAT included) or "ex" (plus VAT)

    @property
    def label(self) -> str:
        return SumKind.LABELS.get(self.kind, "sum")

    @property
    def without_vat(self) -> Decimal:
        """The sum without VAT (at 20%) when it was said to include it."""
        if self.vat == "inc":
            return (self.amount / Decimal("1.2")).quantize(Decimal("0.01"))
        return self.amount

    def describe(self) -> str:
        """'£200,000 to £250,000', 'about £1m', 'just under £1m', '£1,800 a month'."""
        if self.low is not None and self.high is not None and self.low != self.high:
            said = f"{money(self.low)} to {money(self.high)}"
        else:
            said = money(self.amount)
        prefix = {"under": "just under ", "up to": "up to ", "over": "over ", "about": "about "}
        said = prefix.get(self.qualifier, "") + said
        if self.kind == SumKind.RENT_MONTH:
            said += " a month"
        elif self.kind in (SumKind.RENT_YEAR, SumKind.SALARY, SumKind.TURNOVER):
            said += " a year"
        if self.vat == "inc":
            said += " including VAT"
        elif self.vat == "ex":
            said += " plus VAT"
        return said


@dataclass
class ValueFindings:
    sums: list[StatedSum] = field(default_factory=list)
    company: list[str] = field(default_factory=list)
    company_size: str = ""  # "", "small", "medium" or "large"
    employees: int | None = None
    # The text the sums were read from (lower case, sums in digits): it tells the price
    # list which kind of work the enquiry is.
    text: str = field(default="", repr=False, compare=False)

    def of_kind(self, *kinds: str) -> list[StatedSum]:
        wanted = set(kinds)
        if SumKind.VALUE in wanted:  # "value" stands for any sum at stake
            wanted.update(SumKind.AT_STAKE)
        return [item for item in self.sums if item.kind in wanted]

    def largest(self, *kinds: str) -> StatedSum | None:
        """The largest sum of these kinds (``"value"``: of any sum at stake, as before)."""
        matching = self.of_kind(*kinds)
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


def _scaled(match: re.Match, number: str, scale: str) -> str:
    try:
        value = Decimal(number) * Decimal(scale)
    except InvalidOperation:
        return match.group()
    return f"{value.normalize():f}" if value == value.to_integral_value() else match.group()


def words_to_digits(text: str) -> str:
    """Sums written in words as digits ("three hundred and fifty thousand" -> 350000,
    "just under a million" -> "just under 1000000", "two and a half million" ->
    2500000); text without number words comes back unchanged. Lower-case input."""
    if not _NUMBER_WORDS.search(text) or not _SCALE_WORDS.search(text):
        return text
    pieces = []
    for piece in _SENTENCES.split(text):
        if _NUMBER_WORDS.search(piece) and _SCALE_WORDS.search(piece):
            with suppress(Exception):  # a library fault must never stop a reading
                piece = alpha2digit(piece, "en")
            piece = _AND_A_HALF.sub(
                lambda m: _scaled(m, str(_SMALL.get(m.group(1), m.group(1))) + ".5", m.group(2)),
                piece,
            )
            piece = _FRACTION.sub(
                lambda m: _scaled(m, str(_FRACTIONS[m.group(1)]), m.group(2)), piece
            )
            piece = _DECIMAL_SCALE.sub(lambda m: _scaled(m, m.group(1), m.group(2)), piece)
            piece = _A_SCALE.sub(lambda m: m.group(1), piece)
        pieces.append(piece)
    return "".join(pieces)


def _clause_before(text: str, start: int, width: int = 70) -> tuple[str, int]:
    before = text[max(0, start - width) : start]
    offset = max(0, start - width)
    breaks = [match.end() for match in _CLAUSE_BREAK.finditer(before)]
    if breaks:
        offset += breaks[-1]
        before = before[breaks[-1] :]
    return before, offset


def _clause_after(text: str, end: int, width: int = 40) -> str:
    after = text[end : end + width]
    cut = _CLAUSE_BREAK.search(after)
    return after[: cut.start()] if cut else after


def _kind(text: str, start: int, end: int) -> str:
    """What a sum is: the nearest cue in its clause (before it, or just after it: "a
    £2m estate", "£45k salary"), then what it is counted by ("pcm", "per annum")."""
    before, _ = _clause_before(text, start)
    after = _clause_after(text, end)
    candidates: list[tuple[int, int, str]] = []
    for kind, strength, pattern in _CUES:
        for match in pattern.finditer(before):
            candidates.append((-strength, len(before) - match.end(), kind))
        for match in pattern.finditer(after):
            # An after-cue counts when it is close ("£2m estate"), a little less than before.
            if match.start() <= 25:
                candidates.append((-strength, match.start() + 6, kind))
    kind = min(candidates)[2] if candidates else SumKind.VALUE
    # A stronger cue anywhere in the clause overrides a generic one nearer the sum
    # ("a budget for the house purchase of £2,000": budget, not property).
    present = {item[2] for item in candidates}
    for strong in (SumKind.BUDGET, SumKind.RENT_MONTH, SumKind.TURNOVER, SumKind.SALARY):
        if strong in present and kind in (SumKind.PROPERTY, SumKind.TRANSACTION, SumKind.VALUE):
            near = [item[1] for item in candidates if item[2] == strong]
            if min(near) <= 40:
                kind = strong
                break
    clause = f"{before} {after}"
    if (
        kind == SumKind.BUDGET
        and "quot" in clause
        and _OTHERS_PRICE.search(clause)
        and not _LEGAL_FEES.search(clause)
    ):
        # "Another builder has quoted £28,500 to put it right": the cost of the repair,
        # which is what is claimed, not a budget for the firm's fees.
        kind = SumKind.CLAIM
    if _PER_MONTH.match(after):
        if kind in (SumKind.PROPERTY, SumKind.VALUE, SumKind.RENT_MONTH, SumKind.RENT_YEAR):
            kind = SumKind.RENT_MONTH
    elif _PER_YEAR.match(after):
        if kind in (SumKind.RENT_MONTH, SumKind.RENT_YEAR):
            kind = SumKind.RENT_YEAR
        elif kind in (SumKind.VALUE, SumKind.PROPERTY, SumKind.CLAIM):
            kind = SumKind.SALARY
    elif kind == SumKind.RENT_MONTH and re.search(r"\b(annual|a year|per annum|yearly)\b", before):
        kind = SumKind.RENT_YEAR
    return kind


def _qualifier(text: str, start: int) -> str:
    before = text[max(0, start - 20) : start]
    for name, pattern in _QUALIFIERS:
        if pattern.search(before):
            return name
    return ""


def _vat(text: str, end: int) -> str:
    after = text[end : end + 25]
    after = re.sub(r"^\s?(?:pcm|per month|a month|per annum|a year|pa)\b", "", after)
    if _VAT_INC.match(after):
        return "inc"
    if _VAT_EX.match(after):
        return "ex"
    return ""


def _read_sums(lower: str) -> list[StatedSum]:
    found: list[tuple[int, StatedSum]] = []
    taken: list[tuple[int, int]] = []

    def overlaps(start: int, end: int) -> bool:
        return any(start < other_end and other_start < end for other_start, other_end in taken)

    for match in _RANGE.finditer(lower):
        first = match.group(1, 2, 3)
        second = match.group(4, 5, 6)
        scale = first[2] or second[2]
        low = parse_amount(first[0], first[1], scale if not first[2] else first[2])
        high = parse_amount(second[0], second[1], second[2] or scale)
        if low is None or high is None or low >= high or high > low * 20:
            continue
        middle = ((low + high) / 2).quantize(Decimal("0.01"))
        start, end = match.span()
        taken.append((start, end))
        found.append(
            (
                start,
                StatedSum(
                    amount=middle,
                    text=match.group().strip(),
                    kind=_kind(lower, start, end),
                    low=low,
                    high=high,
                    qualifier=_qualifier(lower, start),
                    vat=_vat(lower, end),
                ),
            )
        )
    for pattern, first_group in ((_POUND_SIGN, 1), (_POUND_WORD, 1), (_GRAND, 1), (_BARE, 2)):
        for match in pattern.finditer(lower):
            if len(found) >= _MAX_SUMS:
                break
            start = match.start(first_group)
            end = match.end()
            if pattern is _POUND_SIGN:
                start = match.start()
            if overlaps(match.start(first_group), match.end(first_group)):
                continue
            groups = match.group(first_group, first_group + 1)
            scale = match.group(first_group + 2) if pattern is not _GRAND else "grand"
            amount = parse_amount(groups[0], groups[1], scale)
            if amount is None:
                continue
            if pattern is _BARE and not scale and "," not in groups[0] and amount < 10_000:
                continue  # a bare "2024" or "45" is a year or a count, not a sum
            taken.append((match.start(first_group), end))
            found.append(
                (
                    start,
                    StatedSum(
                        amount=amount,
                        text=lower[start:end].strip(),
                        kind=_kind(lower, start, end),
                        qualifier=_qualifier(lower, start),
                        vat=_vat(lower, end),
                    ),
                )
            )
    found.sort(key=lambda item: item[0])
    return [item for _, item in found[:_MAX_SUMS]]


def find_value(text: Text, *, organisation: str = "") -> ValueFindings:
    """Every stated sum with its kind, and the company signals."""
    lower = words_to_digits(text.lower[:HEAD_CHARS])
    findings = ValueFindings(sums=_read_sums(lower), text=lower)

    size = ""
    org = organisation.lower()
    # In the enquiry's own words only the unambiguous endings count ("a parents' group",
    # "limited funds" are not companies); a named "Hale Group" is read with its capitals.
    suffix = _COMPANY_SUFFIX.search(org) or _TEXT_COMPANY_SUFFIX.search(lower)
    if suffix is None and (named := _COMPANY_NAME.search(text.original[:HEAD_CHARS])):
        suffix = _COMPANY_SUFFIX.search(named.group(2).lower())
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
        findings.employees = count
        findings.company.append(f"{count:,} employees")
        size = _larger(size, "large" if count >= 250 else "medium" if count >= 50 else "small")
    turnover = findings.largest(SumKind.TURNOVER)
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
