"""Reads of the qualification app used by more than one caller: the active model and its
rules, the practice areas a version sees, the enquiry as extraction reads it from a lead,
and the qualification object the API shows."""

import hashlib
import json
import re
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from firm.selectors import firm_profile, working_calendar
from leads.choices import Channel, HowHeard
from leads.models import Lead
from qualification import learning
from qualification.choices import UNCLASSIFIED, DecisionPosition, Flag, ModelState
from qualification.extraction import AreaSpec, Enquiry, extract
from qualification.extraction.base import read_position
from qualification.extraction.fees import FeeEstimate, PriceSpec, estimate_fee
from qualification.extraction.parties import PartyMention, find_parties
from qualification.extraction.text import clean, prepare
from qualification.extraction.value import SumKind, find_value
from qualification.models import PracticeArea, PriceItem, QualificationModel, QualificationResult
from qualification.scoring import NOT_AN_ENQUIRY_WITH_A_FLAG, Assessment, Rules, assess

# Form fields that are the contact's details or the message itself, read elsewhere.
_NOT_FORM_FIELDS = {"name", "email", "phone", "organisation", "message", "subject", "consent"}


def active_model() -> QualificationModel | None:
    """The one active version, or None when none has been activated yet."""
    return QualificationModel.objects.filter(state=ModelState.ACTIVE).first()


_PRICE_DECIMALS = (
    "fee_low",
    "fee_high",
    "value_from",
    "value_to",
    "percent_low",
    "percent_high",
    "hours_low",
    "hours_high",
)


def _decimal_text(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def price_item_snapshot(item: PriceItem) -> dict[str, Any]:
    """One price list line as a version records it (JSON-safe)."""
    return {
        "id": item.pk,
        "name": item.name,
        "matter_kind": item.matter_kind,
        "pricing": item.pricing,
        "keywords": item.keyword_list,
        "client": item.client,
        "can_exceed": item.can_exceed,
        "sum_kind": item.sum_kind,
        "per_unit": item.per_unit,
        "is_default": item.is_default,
        "note": item.note,
        "position": item.position,
        **{name: _decimal_text(getattr(item, name)) for name in _PRICE_DECIMALS},
    }


def practice_area_snapshot() -> list[dict[str, Any]]:
    """The live practice areas, each with its price list lines, as a version records
    them (JSON-safe, in a fixed order)."""
    prices: dict[int, list[dict[str, Any]]] = {}
    for item in PriceItem.objects.order_by("practice_area_id", "position", "pk"):
        prices.setdefault(item.practice_area_id, []).append(price_item_snapshot(item))
    return [
        {
            "id": area.pk,
            "slug": area.slug,
            "name": area.name,
            "keywords": area.keyword_list,
            "fee_low": str(area.typical_fee_low),
            "fee_high": str(area.typical_fee_high),
            "accepts_work": area.accepts_work,
            "prices": prices.get(area.pk, []),
        }
        for area in PracticeArea.objects.order_by("pk")
    ]


def price_specs(slug: str, items: list[dict[str, Any]]) -> tuple[PriceSpec, ...]:
    """A snapshot's price list lines for one area as extraction reads them."""
    return tuple(
        PriceSpec(
            id=item["id"],
            area_slug=slug,
            name=item["name"],
            matter_kind=item["matter_kind"],
            pricing=item["pricing"],
            keywords=tuple(item.get("keywords", ())),
            client=item.get("client", ""),
            can_exceed=item.get("can_exceed", False),
            sum_kind=item.get("sum_kind", ""),
            per_unit=item.get("per_unit", ""),
            is_default=item.get("is_default", False),
            note=item.get("note", ""),
            position=item.get("position", 0),
            **{
                name: Decimal(item[name]) if item.get(name) is not None else None
                for name in _PRICE_DECIMALS
            },
        )
        for item in items
    )


def areas_for(model: QualificationModel) -> tuple[AreaSpec, ...]:
    """The practice areas a version reads with: frozen once activated, live for a draft."""
    snapshot = (
        practice_area_snapshot()
        if model.state == ModelState.DRAFT or not model.practice_area_snapshot
        else model.practice_area_snapshot
    )
    return tuple(
        AreaSpec(
            id=item["id"],
            slug=item["slug"],
            name=item["name"],
            keywords=tuple(item["keywords"]),
            fee_low=Decimal(item["fee_low"]),
            fee_high=Decimal(item["fee_high"]),
            accepts_work=item["accepts_work"],
            prices=price_specs(item["slug"], item.get("prices", [])),
        )
        for item in snapshot
    )


def prices_for(model: QualificationModel) -> tuple[PriceSpec, ...]:
    """Every price list line a version reads with (frozen once activated)."""
    return tuple(price for area in areas_for(model) for price in area.prices)


def rules_for(model: QualificationModel) -> Rules:
    """The version's rules as plain data for scoring."""
    disqualify = {
        flag
        for flag, enabled in (
            (Flag.SPAM, model.disqualify_spam),
            (Flag.JOB_APPLICATION, model.disqualify_job_applications),
            (Flag.STUDENT, model.disqualify_students),
        )
        if enabled
    }
    return Rules(
        version=model.version,
        weight_requirement=model.weight_requirement,
        weight_value=model.weight_value,
        weight_urgency=model.weight_urgency,
        weight_decision=model.weight_decision,
        value_high=model.value_high,
        value_medium=model.value_medium,
        time_critical_fee_from=model.time_critical_fee_from,
        small_claim_below=model.small_claim_below,
        urgent_within_working_days=model.urgent_within_working_days,
        soon_within_working_days=model.soon_within_working_days,
        disqualify=frozenset(disqualify),
        flag_actions=(
            (Flag.SPAM, model.action_spam),
            (Flag.JOB_APPLICATION, model.action_job_application),
            (Flag.STUDENT, model.action_student),
            (Flag.EXISTING_CLIENT, model.action_existing_client),
            (Flag.OUT_OF_SCOPE, model.action_out_of_scope),
        ),
        first_actions=tuple(
            ((action.tier, action.practice_area_id), action.action)
            for action in model.first_actions.order_by("tier", "practice_area_id")
        ),
    )


def classifiers_for(model: QualificationModel) -> learning.Classifiers | None:
    """The version's trained classifiers (None for a version without them), read from the
    database and unpickled once per process; later calls cost a dictionary look-up."""
    if not model.classifier_digest:
        return None
    found = learning.loaded(model.classifier_digest)
    if found is not None:
        return found
    blob = (
        QualificationModel.objects.filter(pk=model.pk).values_list("classifier", flat=True).first()
    )
    if not blob:
        return None
    return learning.load(blob, model.classifier_digest)


@dataclass(frozen=True)
class Reader:
    """Everything a version reads an enquiry with (practice areas, rules, classifiers),
    fetched once, so reading many enquiries costs no query per enquiry."""

    areas: tuple[AreaSpec, ...]
    rules: Rules
    classifiers: learning.Classifiers | None

    def assess(self, enquiry: Enquiry) -> Assessment:
        """The whole assessment of one enquiry, saving nothing: the rules read the
        extracted signals and, where the version has them, its classifiers."""
        signals = extract(enquiry, self.areas)
        if self.classifiers is None:
            return assess(signals, self.rules, areas=self.areas)
        learned = self.classifiers.read(enquiry)
        learned.other_language = not signals.language.is_english
        if (
            learned.not_an_enquiry < NOT_AN_ENQUIRY_WITH_A_FLAG
            and signals.position.position == DecisionPosition.NOT_A_BUYER
        ):
            # A phrase made the reader take the writer for a supplier or a job seeker; the
            # classifier is sure it is a real enquiry, so their position is read afresh.
            signals.position = read_position(
                enquiry,
                prepare(subject=enquiry.subject, body=enquiry.message),
                company=bool(signals.value.company),
                forwarded=signals.forwarded,
            )
        self.classifiers.place(learned, signals.position, enquiry.message)
        return assess(signals, self.rules, learned=learned, areas=self.areas)


def reader_for(model: QualificationModel) -> Reader:
    return Reader(
        areas=areas_for(model), rules=rules_for(model), classifiers=classifiers_for(model)
    )


def active_reader_warm() -> str:
    """Load the active version's classifiers into this process and read one short
    enquiry with them, so a process's first real enquiry costs what every other one does
    (called as a web or worker process starts). Says what was warmed."""
    model = active_model()
    if model is None:
        return "no active qualification model yet"
    reader = reader_for(model)
    reader.assess(
        Enquiry(
            message="I need advice about buying a house. Kind regards, Sam",
            subject="Enquiry",
            arrived_at=timezone.now(),
        )
    )
    trained = "with its classifiers" if reader.classifiers is not None else "keyword reading"
    return f"qualification model v{model.version} ready ({trained})"


def enquiry_assess(enquiry: Enquiry, model: QualificationModel) -> Assessment:
    """The whole assessment of one enquiry under the version, saving nothing."""
    return reader_for(model).assess(enquiry)


def model_fingerprint(model: QualificationModel) -> str:
    """A digest of everything that decides a version's results: its rules, its first
    actions and the practice areas it reads with. A trial is valid for one fingerprint."""
    rules = rules_for(model)
    payload = {
        "rules": {
            key: str(value) if not isinstance(value, (int, str)) else value
            for key, value in rules.__dict__.items()
            if key not in ("version", "disqualify", "flag_actions", "first_actions")
        },
        "disqualify": sorted(rules.disqualify),
        "flag_actions": sorted(rules.flag_actions),
        "first_actions": sorted(
            [tier, area or 0, text] for (tier, area), text in rules.first_actions
        ),
        "classifier": model.classifier_digest,
        "areas": [
            area.__dict__
            | {
                "fee_low": str(area.fee_low),
                "fee_high": str(area.fee_high),
                "prices": [price.__dict__ for price in area.prices],
            }
            for area in areas_for(model)
        ],
    }
    encoded = json.dumps(payload, sort_keys=True, default=str).encode()
    return hashlib.sha256(encoded).hexdigest()


def enquiry_from_lead(lead: Lead) -> Enquiry:
    """What extraction reads of a lead: message, subject, form fields, contact, source."""
    contact = lead.contact
    form_fields: list[tuple[str, str]] = []
    if lead.channel == Channel.WEB_FORM:
        if "inbound_messages" in getattr(lead, "_prefetched_objects_cache", {}):
            # Prefetched in arrival order by a caller reading many leads (shadow evaluation).
            inbound = next(iter(lead.inbound_messages.all()), None)
        else:
            inbound = lead.inbound_messages.order_by("received_at", "pk").first()
        payload = inbound.payload if inbound is not None else {}
        heard = dict(HowHeard.choices)
        for key, value in sorted(payload.items()) if isinstance(payload, dict) else []:
            if key in _NOT_FORM_FIELDS or key.startswith("utm_") or not isinstance(value, str):
                continue
            if key == "how_heard":
                value = heard.get(value, value)
            if value.strip():
                form_fields.append((key.replace("_", " "), value.strip()[:2000]))
    return Enquiry(
        message=lead.message or "",
        subject=lead.subject or "",
        arrived_at=lead.arrived_at,
        contact_name=contact.name,
        organisation=contact.organisation,
        job_title=contact.job_title,
        email=contact.email,
        source=lead.source,
        form_fields=tuple(form_fields),
        firm_words=firm_words(),
        calendar=working_calendar(),
    )


def firm_words() -> tuple[str, ...]:
    """The distinctive words of the firm's trading and legal names."""
    profile = firm_profile()
    names = f"{profile.trading_name or ''} {profile.legal_name or ''}".lower()
    return tuple(sorted({word for word in re.findall(r"[a-z0-9]+", names) if len(word) > 2}))


def qualification_for_api(lead: Lead) -> dict[str, Any] | None:
    """The API's ``qualification`` object for a lead, or None until it is qualified.

    Expects ``qualification__practice_area`` and ``qualification__model_version`` to be
    selected with the lead (see ``leads_with_qualification``), so lists make no extra query.
    """
    try:
        result: QualificationResult = lead.qualification
    except QualificationResult.DoesNotExist:
        return None
    return {
        "requirement_type": result.practice_area.name if result.practice_area else UNCLASSIFIED,
        "commercial_significance": result.commercial_significance,
        "estimated_value": (
            f"{result.estimated_value:.2f}" if result.estimated_value is not None else None
        ),
        "urgency": result.urgency,
        "decision_position": result.decision_position,
        "score": result.score,
        "basis": list(result.basis),
        "recommended_action": result.recommended_action,
        "model_version": result.model_version.version,
    }


def leads_with_qualification(queryset: QuerySet[Lead]) -> QuerySet[Lead]:
    """The leads with their qualification joined in, for lists without N+1 queries."""
    return queryset.select_related("qualification__practice_area", "qualification__model_version")


def recent_leads_for_trial(*, days: int, limit: int) -> QuerySet[Lead]:
    """The firm's recent leads a draft is tried against, newest first."""
    since = timezone.now() - timedelta(days=days)
    return (
        Lead.objects.filter(arrived_at__gte=since, merged_into__isnull=True)
        .select_related("contact", "qualification__model_version")
        .order_by("-arrived_at")[:limit]
    )


def published_price_for(lead: Lead) -> FeeEstimate | None:
    """The firm's published price for the work a lead asks for, from the live price list
    (what the firm publishes today), placed by the sums the enquiry states: the fixed-fee
    quote a reply offers. None until the lead has a practice area. A stated budget is
    not a price, so it is left out."""
    try:
        result: QualificationResult = lead.qualification
    except QualificationResult.DoesNotExist:
        return None
    area = result.practice_area
    if area is None:
        return None
    enquiry = enquiry_from_lead(lead)
    text = prepare(subject=enquiry.subject, body=enquiry.message)
    value = find_value(text, organisation=clean(enquiry.organisation))
    lines = price_specs(
        area.slug,
        [price_item_snapshot(item) for item in area.price_items.order_by("position", "pk")],
    )
    return estimate_fee(
        area_slug=area.slug,
        area_name=area.name,
        prices=lines,
        sums=[item for item in value.sums if item.kind != SumKind.BUDGET],
        client_size=value.company_size,
        text=value.text,
        employees=value.employees,
        fallback_band=(
            (area.typical_fee_low, area.typical_fee_high) if area.typical_fee_high > 0 else None
        ),
    )


def lead_parties_named(lead: Lead) -> list[PartyMention]:
    """The other parties the lead's enquiry names in its text (the employer, the other
    spouse, the seller, the defendant, the deceased), as compliance's conflict check
    records them; the enquirer, their organisation and the firm itself are left out."""
    enquiry = enquiry_from_lead(lead)
    text = prepare(subject=enquiry.subject, body=enquiry.message)
    return find_parties(
        text.original,
        enquirer_name=enquiry.contact_name,
        organisation=enquiry.organisation,
        email=enquiry.email,
        firm_words=enquiry.firm_words,
    )
