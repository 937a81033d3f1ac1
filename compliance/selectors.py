"""Reads of a lead's compliance state, used by the status checks, the lead page, the
routing brief and the API alike, so each says the same thing."""

from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count

from compliance.choices import ConflictOutcome
from compliance.models import (
    ConflictCheck,
    ConflictDecision,
    DueDiligence,
    DueDiligenceOverride,
    IntroducerArrangement,
    ReferralDisclosure,
)
from leads.models import Lead
from qualification.models import PracticeArea, QualificationResult

CONFLICT_OUTSTANDING = "Conflict check outstanding"


@dataclass(frozen=True)
class ConflictState:
    check: ConflictCheck | None
    decision: ConflictDecision | None

    @property
    def outstanding(self) -> bool:
        """A check ran and nobody has decided on it yet."""
        return self.check is not None and self.decision is None

    @property
    def label(self) -> str:
        if self.check is None:
            return "Conflict check not run yet"
        if self.decision is None:
            return CONFLICT_OUTSTANDING
        return f"Conflict check: {self.decision.get_outcome_display().lower()}"

    @property
    def declined(self) -> bool:
        return self.decision is not None and self.decision.outcome == ConflictOutcome.DECLINED


def conflict_state(*, lead: Lead, with_matches: bool = True) -> ConflictState:
    """The lead's latest conflict check (with its matches, unless ``with_matches`` is
    False: then with their number, as ``match_count``) and the decision on it."""
    checks = ConflictCheck.objects.filter(lead=lead).order_by("-checked_at", "-pk")
    if with_matches:
        checks = checks.prefetch_related("matches")
    else:
        checks = checks.annotate(match_count=Count("matches"))
    check = checks.first()
    decision = None
    if check is not None:
        decision = (
            ConflictDecision.objects.filter(check_run=check)
            .select_related("decided_by")
            .order_by("-decided_at", "-pk")
            .first()
        )
    return ConflictState(check=check, decision=decision)


def lead_practice_area(*, lead: Lead) -> PracticeArea | None:
    """The practice area qualification gave the lead, if any."""
    result = QualificationResult.objects.filter(lead=lead).select_related("practice_area").first()
    return result.practice_area if result is not None else None


@dataclass(frozen=True)
class DueDiligenceState:
    required: bool
    record: DueDiligence | None
    override: DueDiligenceOverride | None
    area: PracticeArea | None

    @property
    def satisfied(self) -> bool:
        return not self.required or self.record is not None or self.override is not None

    @property
    def label(self) -> str:
        if not self.required:
            return "Not required (outside the Money Laundering Regulations)"
        if self.record is not None:
            return f"Recorded: {self.record.get_risk_level_display().lower()} risk"
        if self.override is not None:
            return f"Overridden by {self.override.partner}: {self.override.reason}"
        return "Outstanding: required before the lead can be won"


def due_diligence_state(*, lead: Lead) -> DueDiligenceState:
    area = lead_practice_area(lead=lead)
    return DueDiligenceState(
        required=bool(area and area.mlr_in_scope),
        record=DueDiligence.objects.filter(lead=lead).first(),
        override=DueDiligenceOverride.objects.filter(lead=lead).order_by("-at").first(),
        area=area,
    )


def referral_warnings(*, lead: Lead) -> list[str]:
    """What a compliance officer must know about the lead's introducer: a fee arrangement
    in an area where referral fees are banned, or one not yet disclosed to the client."""
    if lead.referral_source_id is None:
        return []
    arrangement = IntroducerArrangement.objects.filter(
        referral_source_id=lead.referral_source_id
    ).first()
    if arrangement is None or not arrangement.has_fee:
        return []
    warnings = []
    area = lead_practice_area(lead=lead)
    if area is not None and area.slug in settings.LEADTRACK_REFERRAL_FEE_BANNED_AREAS:
        warnings.append(
            f"Referral fee arrangement with {lead.referral_source} in {area.name}: referral "
            "fees are banned in personal injury work (LASPO 2012, section 56)."
        )
    if not ReferralDisclosure.objects.filter(lead=lead).exists():
        warnings.append(
            f"The {arrangement.get_arrangement_display().lower()} with {lead.referral_source} "
            "has not been disclosed to the client yet."
        )
    return warnings


def conflict_brief(*, lead: Lead) -> dict:
    """What the owner's brief says about the conflict check: the result, each possible
    match and why, and whether a decision is still needed."""
    state = conflict_state(lead=lead, with_matches=False)
    if state.check is None:
        return {"summary": "Not run yet.", "matches": [], "status": state.label}
    # The ten likeliest matches, read as ten rows (a check keeps up to 50); the summary
    # counts them all.
    top = list(state.check.matches.order_by("-score", "pk")[:10])
    return {
        "summary": state.check.summary,
        "matches": [f"{m.searched} matches {m.record_label}: {'; '.join(m.reasons)}" for m in top],
        "status": state.label
        + (": record the decision before a meeting or proposal." if state.outstanding else "."),
    }
