"""The likely fee for an enquiry, from the firm's published price list.

``estimate_fee`` is a pure function over plain data: the practice area, the kind of
work (or the enquiry's text, to tell which line of the price list applies), the sums the
enquiry states (``value.find_value``), the price list and what is known of the client.
It returns the fee as a band and a point within it, the commercial significance it
gives, and the basis lines that show the calculation ("Sale at £210,000: fixed fee band
£1,100 to £1,400 from the firm's price list").

Only a budget the enquirer states is taken as a fee; every other sum (a house price, an
estate, a claim, a salary) only places the fee within the published band, or is the
value a published share is of (probate's 1% to 2% of the estate). The fee never goes
above the firm's own band for the work without the reason written in the basis.
"""

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from decimal import ROUND_HALF_UP, Decimal
from functools import lru_cache

from qualification.extraction.guard import guarded
from qualification.extraction.value import StatedSum, SumKind, money

FIXED, PERCENT, HOURLY, MONTHLY = "fixed", "percent", "hourly", "monthly"
PRICE_LIST = "from the firm's price list"
# A "budget" more than this many times the area's highest published fee is the value of
# what is bought or claimed, not a budget for fees.
NOT_A_FEE_ABOVE = 10
# Where in a band a matter sits when no stated sum places it, by what is known of the
# client (fees spread geometrically between a band's ends).
CLIENT_POSITION = {"": 0.4, "small": 0.45, "medium": 0.6, "large": 0.8}
# Words that make a matter more involved than the usual one in its band.
_COMPLEX = guarded(
    r"\b(complex|complicated|several properties|portfolio|business interests|overseas|"
    r"abroad|offshore|trusts?|high net worth|multiple|contested|hostile|fraud|"
    r"international|group companies|subsidiaries)\b"
)
# Words that tell an injury's seriousness: they describe the matter (evidence for the
# fee) without lifting it above the usual point (a fracture is a moderate claim).
_INJURY = guarded(
    r"\b(serious injur\w*|seriously|surgery|operations?|operated|fractured?|fractures|"
    r"broken|torn)\b"
)
# Words for the gravest matters (an injury's seriousness sets a personal injury fee).
_GRAVE = guarded(
    r"\b(brain injur\w*|spinal|paralys\w*|amputat\w*|life[- ]changing|catastrophic|"
    r"fatal|killed|wheelchair|permanent(?:ly)? disab\w*)\b"
)
_SIMPLE = guarded(
    r"\b(simple|straightforward|uncontested|amicabl[ey]|agreed everything|minor|trivial|"
    r"small claim|whiplash|bruis\w*|sprain\w*|soft tissue|no lasting|fully recovered|"
    r"just a quick|basic|quick question|general question|in principle|fine now|better now|"
    r"a bit (?:stiff|sore)|a couple of weeks|a few days)\b"
)
# An injury the enquirer describes as minor or already healed: a claim worth less than
# the fees (the policy's "low value with no deadline pressing", tier C).
_MINOR_INJURY = guarded(
    r"\b(minor (?:injur\w*|cut|bump|scald|burn|bruis\w*)|bruis\w*|sprain\w*|no lasting|"
    r"fully recovered|(?:fine|better|ok|okay) now|a bit (?:stiff|sore)|healed|healing|"
    r"no real (?:injury|damage)|didn't need (?:to see a doctor|treatment))\b"
)


def minor_injury(text: str) -> str:
    """The words that say an injury was minor or has healed ("bruised", "fine now"), or
    "" when the enquiry says none (``text`` in lower case)."""
    if _GRAVE.search(text) or _INJURY.search(text):
        return ""
    found = _MINOR_INJURY.search(text)
    return found.group() if found else ""


# Words that tell which alternative of a line's name ("Purchase or sale") the enquiry is.
_ALTERNATIVES = {
    "purchase": r"\b(buy|buying|bought|purchas\w*|first home|first[- ]time buyer)\b",
    "sale": r"\b(sell|selling|sold|sale of (?:my|our|the) (?:house|flat|home|property))\b",
}


@dataclass(frozen=True)
class PriceSpec:
    """One line of the price list as a model version sees it (see ``PriceItem``)."""

    id: int
    area_slug: str
    name: str
    matter_kind: str
    pricing: str = FIXED
    fee_low: Decimal | None = None
    fee_high: Decimal | None = None
    keywords: tuple[str, ...] = ()
    client: str = ""  # "", "private" or "business"
    can_exceed: bool = False
    sum_kind: str = ""
    value_from: Decimal | None = None
    value_to: Decimal | None = None
    percent_low: Decimal | None = None
    percent_high: Decimal | None = None
    per_unit: str = ""
    hours_low: Decimal | None = None
    hours_high: Decimal | None = None
    is_default: bool = False
    note: str = ""
    position: int = 0

    def covers(self, amount: Decimal) -> bool:
        """Whether a sum falls in this line's value band (a line without one covers all)."""
        if self.value_from is not None and amount < self.value_from:
            return False
        return self.value_to is None or amount < self.value_to

    def band_words(self) -> str:
        """The published value band ("up to £500,000", "£500,000 to £1m", "above £1m")."""
        if self.value_from is None and self.value_to is None:
            return ""
        if not self.value_from:
            return f"up to {money(self.value_to)}"
        if self.value_to is None:
            return f"above {money(self.value_from)}"
        return f"{money(self.value_from)} to {money(self.value_to)}"


@dataclass(frozen=True)
class FeeEstimate:
    """The likely fee: a band (``low`` to ``high``, ``high`` None when open-ended), the
    point a BDM would note, its commercial significance and the basis lines."""

    low: Decimal | None
    high: Decimal | None
    point: Decimal | None
    level: str  # "high", "medium", "low" or "unknown"
    basis: tuple[str, ...] = ()
    source: str = ""  # where the point came from, in a few words
    matter_kind: str = ""
    price: PriceSpec | None = None
    sum_used: StatedSum | None = None
    above_band_reason: str = ""
    label: str = ""  # the work as the line names it for this enquiry ("Sale")
    # Whether the enquiry itself placed the fee (a budget, a sum that prices the work,
    # the kind of work named, or what it says of the client), rather than the area's
    # usual work priced for a client nobody described.
    evidenced: bool = False


def round_fee(amount: Decimal) -> Decimal:
    """A fee as a partner would quote it: to £10 below £1,000, else to £100."""
    step = Decimal(100) if amount >= 1000 else Decimal(10)
    return ((amount / step).quantize(Decimal(1), rounding=ROUND_HALF_UP) * step).quantize(
        Decimal("0.01")
    )


def level_of(
    point: Decimal | None, *, high: Decimal = Decimal(15000), medium: Decimal = Decimal(4000)
) -> str:
    if point is None:
        return "unknown"
    if point >= high:
        return "high"
    if point >= medium:
        return "medium"
    return "low"


def _geometric(low: Decimal, high: Decimal, position: float) -> Decimal:
    position = min(max(position, 0.0), 1.0)
    low = max(low, Decimal(1))
    if high <= low:
        return low
    return low * (high / low) ** Decimal(str(round(position, 4)))


def _position_in(amount: Decimal, start: Decimal | None, end: Decimal | None) -> float:
    """Where a sum sits in a value band, 0 to 1, on a geometric scale (a band starting
    at nothing is read from a tenth of its top)."""
    top = end if end is not None else (start or Decimal(1)) * 4
    bottom = start if start else top / 10
    bottom = max(bottom, Decimal(1))
    if amount <= bottom:
        return 0.0
    if amount >= top or top <= bottom:
        return 1.0
    ratio = float((amount / bottom).ln() / (top / bottom).ln())
    return min(max(ratio, 0.0), 1.0)


_SPACES = re.compile(r"\s+")


@lru_cache(maxsize=4096)
def _keyword_pattern(keyword: str) -> re.Pattern:
    return re.compile(r"(?<![a-z0-9])" + re.escape(keyword.lower()) + r"(?![a-z0-9])")


def _kind_scores(
    items: Sequence[PriceSpec], text: str, sums: Sequence[StatedSum] = ()
) -> dict[str, float]:
    """How strongly the enquiry points to each kind of work: its words (a longer phrase
    a little more), and a stated sum of the kind that prices the work falling in the
    line's value band (a £600,000 house in a divorce: the finances)."""
    scores: dict[str, float] = {}
    for item in items:
        found = {word for word in item.keywords if word and _keyword_pattern(word).search(text)}
        score = sum(1 + 0.25 * word.count(" ") for word in found)
        if item.sum_kind and (item.value_from is not None or item.value_to is not None):
            stake = _stake_for(item, sums, loose=False)
            if stake is not None and item.covers(_annual(stake)):
                score += 1.1  # outranks one word of another line's
        scores[item.matter_kind] = max(scores.get(item.matter_kind, 0.0), float(score))
    return scores


# An employee writing about their own job is a private client, whatever company is named.
_EMPLOYEE_VOICE = guarded(
    r"\b(my employer|my boss|my manager|my line manager|my job|my contract|i work(?:ed)? "
    r"(?:for|at|as)|i was (?:dismissed|sacked|fired|made redundant|let go)|my employment)\b"
)


def _client_kind(client_size: str, text: str = "") -> str:
    if _EMPLOYEE_VOICE.search(text):
        return "private"
    return "business" if client_size else "private"


def choose_matter(
    items: Sequence[PriceSpec],
    *,
    text: str,
    matter_kind: str = "",
    client_size: str = "",
    sums: Sequence[StatedSum] = (),
) -> tuple[str, bool]:
    """Which kind of work the enquiry is, among the area's price list lines: the one
    named, else the one its words point to most, else the area's usual work. Returns the
    kind and whether the enquiry's words told it."""
    kinds = {item.matter_kind for item in items}
    if matter_kind in kinds:
        return matter_kind, True
    # A phrase wrapped over two lines ("a proper shareholders'\nagreement") still reads.
    text = _SPACES.sub(" ", text.lower())
    client = _client_kind(client_size, text)
    scores = _kind_scores(items, text, sums)

    def rank(item: PriceSpec) -> tuple:
        fits = item.client in ("", client)
        return (scores.get(item.matter_kind, 0.0), fits, item.is_default, -item.position)

    best = max(items, key=rank)
    return best.matter_kind, scores.get(best.matter_kind, 0.0) > 0


# A line priced by one kind of sum also reads these when the enquiry states none of it
# (a sum whose nature the text does not tell; a company sold "at £3.8m"; arrears of rent).
_LOOSER = {
    SumKind.TRANSACTION: (SumKind.VALUE, SumKind.PROPERTY, SumKind.ASSETS),
    SumKind.ESTATE: (SumKind.VALUE, SumKind.PROPERTY, SumKind.ASSETS),
    SumKind.CLAIM: (SumKind.VALUE, SumKind.PROPERTY, SumKind.RENT_MONTH, SumKind.TAX),
    SumKind.TAX: (SumKind.VALUE, SumKind.CLAIM),
    SumKind.PROPERTY: (SumKind.VALUE,),
    SumKind.ASSETS: (SumKind.VALUE, SumKind.TRANSACTION),
}


def _stake_for(
    item: PriceSpec, sums: Sequence[StatedSum], *, loose: bool = True
) -> StatedSum | None:
    """The stated sum that places the fee for this line, if the enquiry gives one."""
    if not item.sum_kind:
        return None
    kinds = set(SumKind.AT_STAKE) if item.sum_kind == SumKind.VALUE else {item.sum_kind}
    if item.sum_kind == SumKind.RENT_YEAR:
        kinds.add(SumKind.RENT_MONTH)
    if item.sum_kind in (SumKind.PROPERTY, SumKind.ASSETS):  # a family's assets
        kinds.update({SumKind.PROPERTY, SumKind.ASSETS})
    matching = [stated for stated in sums if stated.kind in kinds]
    if not matching and loose:
        looser = set(_LOOSER.get(item.sum_kind, ()))
        matching = [stated for stated in sums if stated.kind in looser]
    if not matching:
        return None
    return max(matching, key=lambda stated: _annual(stated))


def _annual(stated: StatedSum) -> Decimal:
    return stated.amount * 12 if stated.kind == SumKind.RENT_MONTH else stated.amount


def _label(item: PriceSpec, text: str) -> str:
    """The line's name, or the one of its alternatives the enquiry is ("Sale")."""
    parts = [part.strip() for part in re.split(r"\s+or\s+", item.name) if part.strip()]
    if len(parts) > 1:
        said = [
            part
            for part in parts
            if part.lower() in _ALTERNATIVES and re.search(_ALTERNATIVES[part.lower()], text)
        ]
        if len(said) == 1:
            return said[0][0].upper() + said[0][1:]
    return item.name


def _band(low: Decimal | None, high: Decimal | None, *, plus: bool = False) -> str:
    if low is not None and high is not None and low != high:
        return f"{money(low)} to {money(high)}{' or more' if plus else ''}"
    if low is not None and high is None:
        return f"from {money(low)}"
    one = low if low is not None else high
    return money(one) if one is not None else "not published"


def _client_position(client_size: str, text: str) -> float:
    position = CLIENT_POSITION.get(client_size, 0.3)
    if _GRAVE.search(text):
        return max(position, 0.8)
    if _COMPLEX.search(text):
        position += 0.25
    if _SIMPLE.search(text):
        position = 0.0
    return position


def estimate_fee(
    *,
    area_slug: str,
    prices: Iterable[PriceSpec],
    sums: Sequence[StatedSum] = (),
    matter_kind: str = "",
    client_size: str = "",
    text: str = "",
    employees: int | None = None,
    area_name: str = "",
    fallback_band: tuple[Decimal, Decimal] | None = None,
    value_high: Decimal = Decimal(15000),
    value_medium: Decimal = Decimal(4000),
) -> FeeEstimate:
    """The likely fee for an enquiry in ``area_slug`` from the firm's price list.

    ``text`` is the enquiry (any case) and tells which line applies when ``matter_kind``
    is not given; ``sums`` are its stated sums; ``client_size`` is value's company size
    ("" for a private client); ``fallback_band`` is the area's typical fee band, used
    when the list has no line for the area.
    """
    lower = text.lower()
    area_name = area_name or area_slug
    levels = {"high": value_high, "medium": value_medium}
    budget = _largest(sums, SumKind.BUDGET)
    items = [item for item in prices if item.area_slug == area_slug]

    top = max((item.fee_high or item.fee_low or Decimal(0) for item in items), default=None)
    if top is None and fallback_band:
        top = fallback_band[1]
    if budget is not None and top and budget.without_vat > top * NOT_A_FEE_ABOVE:
        # "A budget of £350,000" for a purchase is the price of the house, not the fees.
        sums = [replace(item, kind=SumKind.VALUE) if item is budget else item for item in sums]
        budget = None
    if budget is not None:
        return _from_budget(budget, items, lower, matter_kind, client_size, levels)
    if not items:
        if fallback_band and fallback_band[1] > 0:
            position = _client_position(client_size, lower)
            point = round_fee(_geometric(fallback_band[0], fallback_band[1], position))
            line = (
                f"{area_name}: typical fee {_band(*fallback_band)} (no price list line for "
                "this work)"
            )
            return FeeEstimate(
                low=fallback_band[0],
                high=fallback_band[1],
                point=point,
                level=level_of(point, **levels),
                basis=(line,),
                source=f"the typical {area_name} fee",
            )
        return FeeEstimate(
            low=None,
            high=None,
            point=None,
            level="unknown",
            basis=(f"{area_name}: no published price for this work",),
        )

    kind, told = choose_matter(
        items, text=lower, matter_kind=matter_kind, client_size=client_size, sums=sums
    )
    lines = sorted(
        (item for item in items if item.matter_kind == kind), key=lambda item: item.position
    )
    stake = _stake_for(lines[0], sums)
    line = lines[0]
    switched = ""
    if stake is not None:
        amount = _annual(stake)
        covering = [item for item in lines if item.covers(amount)]
        top = [item.value_to for item in lines]
        beyond = None not in top and amount >= max(top)
        if covering:
            line = covering[0]
        else:
            # A sum outside every band of this work: the area's line for such sums, if any
            # ("owes us £200,000" is a commercial dispute, not debt recovery; a £900
            # deposit is a small claim), else the band nearest to it.
            other = [
                item
                for item in items
                if item.sum_kind == line.sum_kind
                and item.matter_kind != kind
                and (item.value_from is not None or item.value_to is not None)
                and item.covers(amount)
            ]
            if other:
                switched = line.name if beyond else ""
                line = other[0]
                kind = line.matter_kind
            elif beyond:
                line = max(lines, key=lambda item: item.value_from or Decimal(0))
            else:
                line = min(lines, key=lambda item: item.value_from or Decimal(0))
    banded = len(lines) > 1
    estimate = _price(line, stake, lower, client_size, employees, levels, told, banded)
    estimate = _kept_to_stake(estimate, sums, items, levels)
    described = bool(
        client_size
        or employees
        or _COMPLEX.search(lower)
        or _GRAVE.search(lower)
        or _INJURY.search(lower)
    )
    if told or stake is not None or described:
        estimate = replace(estimate, evidenced=True)
    if switched:
        estimate = FeeEstimate(
            **{
                **estimate.__dict__,
                "basis": (
                    f"{estimate.sum_used.label.capitalize()} {money(_annual(stake))}: beyond "
                    f"the band for {switched[0].lower()}{switched[1:]}",
                    *estimate.basis,
                ),
            }
        )
    return estimate


_SMALL_STAKES = (SumKind.CLAIM, SumKind.VALUE, SumKind.RENT_MONTH)


def _kept_to_stake(
    estimate: FeeEstimate, sums: Sequence[StatedSum], items: Sequence[PriceSpec], levels: dict
) -> FeeEstimate:
    """No one pays more in fees than the whole matter is worth: when every sum at stake
    the enquiry states is below the likely fee, the fee is kept to the larger of that sum
    and the area's lowest published fee, and the basis says so."""
    if estimate.point is None or estimate.above_band_reason:
        return estimate
    if estimate.sum_used is not None and estimate.sum_used.kind not in _SMALL_STAKES:
        return estimate  # the fee was placed by a sum that is not what is at stake
    at_stake = [
        stated for stated in sums if stated.kind in SumKind.AT_STAKE or stated.kind == "rent_month"
    ]
    if not at_stake:
        return estimate
    largest = max(_annual(stated) for stated in at_stake)
    if largest >= estimate.point:
        return estimate
    floor = min((item.fee_low for item in items if item.fee_low), default=Decimal(0))
    point = round_fee(max(largest, floor))
    if point >= estimate.point:
        return estimate
    line = (
        f"Likely fee kept to {money(point)}: the most at stake is {money(largest)}, below "
        "the usual fee for this work"
    )
    return FeeEstimate(
        **{
            **estimate.__dict__,
            "point": point,
            "level": level_of(point, **levels),
            "basis": (*estimate.basis, line),
        }
    )


def _largest(sums: Sequence[StatedSum], kind: str) -> StatedSum | None:
    matching = [item for item in sums if item.kind == kind]
    return max(matching, key=lambda item: item.amount) if matching else None


def _from_budget(budget, items, lower, matter_kind, client_size, levels) -> FeeEstimate:
    """A stated budget is the fee (without VAT), set beside the published price."""
    amount = budget.without_vat
    low = budget.low if budget.low is not None else budget.amount
    high = budget.high if budget.high is not None else budget.amount
    if budget.vat == "inc":
        low = (low / Decimal("1.2")).quantize(Decimal("0.01"))
        high = (high / Decimal("1.2")).quantize(Decimal("0.01"))
    point = round_fee(amount)
    said = f"Stated budget for fees {budget.describe()}"
    if budget.vat == "inc":
        said += f" ({money(point)} without VAT)"
    basis = [said]
    price = None
    if items:
        kind, told = choose_matter(
            items, text=lower, matter_kind=matter_kind, client_size=client_size
        )
        if told:
            price = next(item for item in items if item.matter_kind == kind)
            basis.append(
                f"{price.name}: the firm's price list gives {_band(price.fee_low, price.fee_high)}"
            )
    return FeeEstimate(
        low=low,
        high=high,
        point=point,
        level=level_of(point, **levels),
        basis=tuple(basis),
        source=f"the stated budget ({budget.text})",
        matter_kind=price.matter_kind if price else "",
        price=price,
        sum_used=budget,
        evidenced=True,
    )


def _price(
    line: PriceSpec,
    stake: StatedSum | None,
    lower: str,
    client_size: str,
    employees: int | None,
    levels: dict,
    told: bool,
    banded: bool = False,
) -> FeeEstimate:
    label = _label(line, lower)
    at = f" at {stake.describe()}" if stake is not None else ""
    if line.pricing == PERCENT:
        return _percent(line, stake, label, lower, client_size, levels)
    if line.pricing == MONTHLY:
        return _monthly(line, label, employees, client_size, levels)
    if line.pricing == HOURLY:
        low = (line.fee_low or Decimal(0)) * (line.hours_low or Decimal(0))
        high = (line.fee_high or line.fee_low or Decimal(0)) * (line.hours_high or Decimal(0))
        point = round_fee(_geometric(low, high, _client_position(client_size, lower)))
        basis = (
            f"{label}: {_band(line.fee_low, line.fee_high)} an hour for "
            f"{line.hours_low.normalize():f} to {line.hours_high.normalize():f} hours, "
            f"{_band(low, high)} {PRICE_LIST}",
        )
        return FeeEstimate(
            low=low,
            high=high,
            point=point,
            level=level_of(point, **levels),
            basis=basis,
            source=f"{label.lower()} at the published hourly rates",
            matter_kind=line.matter_kind,
            label=label,
            price=line,
        )

    low = line.fee_low if line.fee_low is not None else line.fee_high
    high = line.fee_high
    reason = ""
    if stake is not None and (line.value_from is not None or line.value_to is not None):
        position = _position_in(_annual(stake), line.value_from, line.value_to)
    elif stake is not None and line.sum_kind:
        position = _position_in(_annual(stake), line.value_from, line.value_to)
    elif employees and _client_kind(client_size, lower) == "business":
        # An employer's matter scales with its workforce (5 people to 1,000 and more).
        position = _position_in(Decimal(employees), Decimal(5), Decimal(1000))
    else:
        position = _client_position(client_size, lower)
    if high is None:
        point = round_fee(low)
    else:
        point = round_fee(_geometric(low, high, position))
    if (
        line.can_exceed
        and high is not None
        and stake is not None
        and line.value_to is not None
        and _annual(stake) > line.value_to
    ):
        stretch = min(float(_annual(stake) / line.value_to), 4.0) ** 0.5
        point = round_fee(high * Decimal(str(round(stretch, 3))))
        reason = (
            f"above the band because {money(_annual(stake))} ({stake.label}) is more than "
            f"the {money(line.value_to)} the band is priced for"
        )
    fixed = line.pricing == FIXED and line.sum_kind in ("", SumKind.PROPERTY)
    kind_word = "fixed fee" if fixed else "fee"
    band = _band(low, high, plus=line.can_exceed)
    if high is not None and low != high:
        kind_word += " band"
    where = line.band_words()
    unstated = ""
    if stake is None and line.sum_kind and where and banded:
        unstated = f" ({SumKind.LABELS.get(line.sum_kind, 'value')} not stated; {where})"
    basis = [f"{label}{at}: {kind_word} {band} {PRICE_LIST}{unstated}"]
    if line.note:
        basis[0] += f" ({line.note})"
    if not told and not stake:
        basis[0] += "; the enquiry does not say which work, so the area's usual work"
    if reason:
        basis.append(f"Likely fee {money(point)}: {reason}")
    return FeeEstimate(
        low=low,
        high=high,
        point=point,
        level=level_of(point, **levels),
        basis=tuple(basis),
        source=f"the price list ({label.lower()}{at})",
        matter_kind=line.matter_kind,
        label=label,
        price=line,
        sum_used=stake,
        above_band_reason=reason,
    )


def _percent(line, stake, label, lower, client_size, levels) -> FeeEstimate:
    share = f"{line.percent_low.normalize():f}% to {line.percent_high.normalize():f}%"
    of = SumKind.LABELS.get(line.sum_kind, "value").replace(" value", "")
    typical = _band(line.fee_low, line.fee_high)
    if stake is None:
        position = _client_position(client_size, lower)
        low, high = line.fee_low, line.fee_high
        point = round_fee(_geometric(low, high, position)) if high else round_fee(low)
        basis = (
            f"{label}: {share} of the {of} {PRICE_LIST}, typically {typical} "
            f"(the {of}'s value is not stated)",
        )
        return FeeEstimate(
            low=low,
            high=high,
            point=point,
            level=level_of(point, **levels),
            basis=basis,
            source=f"the typical {label.lower()} fee",
            matter_kind=line.matter_kind,
            label=label,
            price=line,
        )
    amount = _annual(stake)
    low = round_fee(amount * line.percent_low / 100)
    high = round_fee(amount * line.percent_high / 100)
    point = round_fee(amount * (line.percent_low + line.percent_high) / 200)
    basis = [
        f"{label} on an {of} of {stake.describe()}: {share} of it, {_band(low, high)} {PRICE_LIST}"
    ]
    reason = ""
    if line.fee_high is not None and point > line.fee_high:
        reason = (
            f"above the typical {typical} because the published share of a {money(amount)} "
            f"{of} is more"
        )
        basis.append(f"Likely fee {money(point)}: {reason}")
    elif line.fee_low is not None and point < line.fee_low:
        point = line.fee_low
        basis.append(f"Likely fee {money(point)}: the typical fee starts at {money(line.fee_low)}")
    return FeeEstimate(
        low=low,
        high=high,
        point=point,
        level=level_of(point, **levels),
        basis=tuple(basis),
        source=f"{share} of the stated {money(amount)} {of}",
        matter_kind=line.matter_kind,
        label=label,
        price=line,
        sum_used=stake,
        above_band_reason=reason,
    )


def _monthly(line, label, employees, client_size, levels) -> FeeEstimate:
    units, counted = 1, ""
    assumed = ""
    if line.per_unit:
        if employees:
            units = employees
        else:
            units = {"": 5, "small": 10, "medium": 100, "large": 300}.get(client_size, 10)
            assumed = f" (the number of {line.per_unit}s is not stated: priced for {units})"
        counted = f" per {line.per_unit}"
    per_month_low = line.fee_low or Decimal(0)
    per_month_high = line.fee_high
    low = per_month_low * units * 12
    high = per_month_high * units * 12 if per_month_high is not None else None
    point = round_fee(_geometric(low, high, 0.5) if high is not None else low)
    monthly = _band(per_month_low, per_month_high)
    for_units = f" for {units:,} {line.per_unit}s" if line.per_unit else ""
    basis = (
        f"{label}: {monthly}{counted} a month (the firm's price list), {_band(low, high)} a year"
        f"{for_units}{assumed}",
    )
    return FeeEstimate(
        low=low,
        high=high,
        point=point,
        level=level_of(point, **levels),
        basis=basis,
        source=f"a year of {label.lower()} at the published monthly fee",
        matter_kind=line.matter_kind,
        label=label,
        price=line,
    )


def fee_for_signals(
    signals,
    *,
    prices: Iterable[PriceSpec] | None = None,
    text: str = "",
    value_high: Decimal = Decimal(15000),
    value_medium: Decimal = Decimal(4000),
) -> FeeEstimate:
    """``estimate_fee`` for extraction's ``Signals`` (the adapter scoring calls): the
    area's price list lines come with its ``AreaSpec`` (``prices``) unless given, and the
    enquiry's text (which tells the kind of work) with the value findings."""
    area = signals.requirement.area
    value = signals.value
    if area is None:
        return FeeEstimate(
            low=None,
            high=None,
            point=None,
            level="unknown",
            basis=("Fee not known: no practice area to price",),
        )
    lines = tuple(prices) if prices is not None else tuple(getattr(area, "prices", ()) or ())
    return estimate_fee(
        area_slug=area.slug,
        area_name=area.name,
        prices=lines,
        sums=value.sums,
        client_size=value.company_size,
        text=text or value.text,
        employees=value.employees,
        fallback_band=(area.fee_low, area.fee_high) if area.fee_high > 0 else None,
        value_high=value_high,
        value_medium=value_medium,
    )


@dataclass(frozen=True)
class Quote:
    """The published price as a reply quotes it: ``price`` ("£1,100 to £1,400 plus VAT")
    and ``work`` ("your sale at £210,000")."""

    price: str
    work: str


def quote_for(estimate: FeeEstimate | None, *, area_name: str = "") -> Quote | None:
    """The published price an estimate came from, in a reply's words; None when the firm
    publishes no price for the work."""
    if estimate is None or (estimate.price is None and estimate.low is None):
        return None
    line = estimate.price
    stake = estimate.sum_used if estimate.sum_used and estimate.sum_used.kind != "budget" else None
    if line is None:
        work = f"your {area_name.lower()} matter" if area_name else "your matter"
        return Quote(price=f"{_band(estimate.low, estimate.high)} plus VAT", work=work)
    label = estimate.label or line.name
    work = f"your {label[0].lower()}{label[1:]}"
    if stake is not None and line.pricing != PERCENT:
        work += f" at {stake.describe()}"
    if line.pricing == PERCENT:
        share = f"{line.percent_low.normalize():f}% to {line.percent_high.normalize():f}%"
        of = SumKind.LABELS.get(line.sum_kind, "value").replace(" value", "")
        if stake is not None:
            price = (
                f"{share} of the {of}'s value plus VAT ({_band(estimate.low, estimate.high)} "
                f"on {'an' if of[0] in 'aeiou' else 'a'} {of} of {stake.describe()})"
            )
        else:
            typical = _band(line.fee_low, line.fee_high)
            price = f"{share} of the {of}'s value plus VAT, typically {typical}"
        return Quote(price=price, work=work)
    if line.pricing == MONTHLY:
        unit = f" per {line.per_unit}" if line.per_unit else ""
        yearly = f" ({_band(estimate.low, estimate.high)} a year)" if estimate.low else ""
        return Quote(
            price=f"{_band(line.fee_low, line.fee_high)}{unit} a month plus VAT{yearly}", work=work
        )
    if line.pricing == HOURLY:
        return Quote(price=f"{_band(line.fee_low, line.fee_high)} an hour plus VAT", work=work)
    price = f"{_band(line.fee_low, line.fee_high, plus=line.can_exceed)} plus VAT"
    if line.note:
        price += f" ({line.note})"
    return Quote(price=price, work=work)
