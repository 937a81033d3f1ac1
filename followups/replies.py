"""Reply templates, filled in for one lead: the follow-up guidance put into words.

Templates live here, not in ``leads``, because filling them needs what only the apps
above ``leads`` know: the lead's practice area and its published price (qualification),
and the owner's direct line (routing). ``leads`` sends whatever text the writer ends up
with and knows nothing of templates (see docs/architecture.md).

Reads only: the writer edits the result in the reply box and ``leads`` sends it.
"""

from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Case, F, IntegerField, Q, QuerySet, Value, When

from firm.selectors import firm_profile
from followups.choices import STAGE_OF_STATUS, SUGGESTED_PURPOSES, ReplyPurpose, Stage
from followups.models import PLACEHOLDER, REPLY_PLACEHOLDERS, ReplyTemplate
from followups.selectors import lead_practice_area_id
from leads.models import Lead
from qualification.extraction.fees import Quote, quote_for
from qualification.selectors import published_price_for


@dataclass(frozen=True)
class FilledReply:
    subject: str
    body: str


def reply_templates_for(*, lead: Lead) -> QuerySet[ReplyTemplate]:
    """Active templates for the lead's practice area (or any area): those its stage most
    likely needs first, its own area's before the general ones."""
    area_id = lead_practice_area_id(lead)
    stage = STAGE_OF_STATUS.get(lead.status, Stage.NEW)
    suggested = SUGGESTED_PURPOSES.get(stage, ())
    order = Case(
        *[When(purpose=purpose, then=Value(rank)) for rank, purpose in enumerate(suggested)],
        default=Value(len(suggested)),
        output_field=IntegerField(),
    )
    return (
        ReplyTemplate.objects.filter(is_active=True)
        .filter(Q(practice_area__isnull=True) | Q(practice_area_id=area_id))
        .select_related("practice_area")
        .annotate(rank=order)
        .order_by("rank", "purpose", F("practice_area").asc(nulls_last=True), "name")
    )


def _money(amount: Decimal) -> str:
    return f"£{amount:,.0f}" if amount == amount.to_integral() else f"£{amount:,.2f}"


def fixed_fee_text(area, *, quote: Quote | None = None) -> str:
    """The firm's published price for the lead's work (from the price list, placed by
    the sums the enquiry states), else the area's typical band, in words; or a marker
    for the writer to replace when there is none."""
    if quote is not None:
        return quote.price
    if area is None:
        return "[fixed fee: no practice area on this lead yet]"
    low, high = area.typical_fee_low or Decimal(0), area.typical_fee_high or Decimal(0)
    if not low and not high:
        return f"[fixed fee: no published price for {area.name}]"
    if not high or low == high:
        return _money(low or high)
    if not low:
        return f"up to {_money(high)}"
    return f"{_money(low)} to {_money(high)}"


def _your(matter: str) -> str:
    """'your enquiry', 'your residential conveyancing' (a subject keeps its case)."""
    if matter.lower().startswith("your "):
        return matter
    return f"your {matter[0].lower()}{matter[1:]}" if matter[:2].istitle() else f"your {matter}"


def _owner(lead: Lead, writer):
    user = lead.owner or writer
    member = getattr(user, "member", None) if user is not None else None
    name = (user.get_full_name() or user.get_username()) if user is not None else ""
    return name, getattr(member, "direct_line", "")


def reply_values(*, lead: Lead, writer) -> dict[str, str]:
    """What each placeholder stands for on this lead."""
    profile = firm_profile()
    qualification = getattr(lead, "qualification", None)
    area = getattr(qualification, "practice_area", None)
    contact = lead.contact
    owner_name, direct_line = _owner(lead, writer)
    name = contact.name.strip()
    matter = (area.name if area else "") or lead.subject or "your enquiry"
    quote = quote_for(published_price_for(lead), area_name=area.name) if area is not None else None
    return {
        "enquirer_name": name or "there",
        "enquirer_first_name": name.split()[0] if name else "there",
        "matter": matter,
        "reference": lead.reference or "",
        "owner_name": owner_name,
        "owner_direct_line": direct_line or profile.phone,
        "firm_name": profile.name,
        "firm_phone": profile.phone,
        "fixed_fee": fixed_fee_text(area, quote=quote),
        "quoted_work": quote.work if quote is not None else _your(matter),
    }


def fill(text: str, values: dict[str, str]) -> str:
    """``text`` with each known ``{placeholder}`` replaced; anything else left as written."""
    return PLACEHOLDER.sub(
        lambda match: (
            values.get(match.group(1), match.group(0))
            if match.group(1) in REPLY_PLACEHOLDERS
            else match.group(0)
        ),
        text,
    )


def reply_template_fill(*, template: ReplyTemplate, lead: Lead, writer) -> FilledReply:
    """The template's subject (empty: the thread's) and body, filled in for the lead."""
    values = reply_values(lead=lead, writer=writer)
    return FilledReply(subject=fill(template.subject, values), body=fill(template.body, values))


__all__ = ["FilledReply", "ReplyPurpose", "reply_template_fill", "reply_templates_for"]
