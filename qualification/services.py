"""Every change the qualification app makes: qualifying and re-qualifying a lead, a
person overriding the tier, and the life of a model version (draft, trial against recent
leads, activation). Each writes the lead's timeline where a lead changes."""

from collections import Counter
from dataclasses import dataclass
from datetime import datetime, time
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from leads.choices import ActivityKind, Tier
from leads.models import Lead
from leads.services import activity_record, lead_record_qualification, lead_set_tier
from qualification import corpus, learning, selectors, shadow
from qualification.choices import ModelState
from qualification.extraction.base import LONDON
from qualification.models import FirstAction, PracticeArea, QualificationModel, QualificationResult
from qualification.scoring import Assessment

# A deadline's due time: close of business on the day, London time.
DUE_TIME = time(17, 0)
DEFAULT_FIRST_ACTIONS = {
    Tier.A: "Call within 1 working hour; run the conflict check first.",
    Tier.B: "Reply within 4 working hours and offer a call.",
    Tier.C: "Reply within 2 working days with the standard information.",
}
# Fields that make up a model version's rules (copied into a new draft).
RULE_FIELDS = [
    "weight_requirement",
    "weight_value",
    "weight_urgency",
    "weight_decision",
    "value_high",
    "value_medium",
    "time_critical_fee_from",
    "small_claim_below",
    "urgent_within_working_days",
    "soon_within_working_days",
    "disqualify_spam",
    "disqualify_job_applications",
    "disqualify_students",
    "action_spam",
    "action_job_application",
    "action_student",
    "action_existing_client",
    "action_out_of_scope",
]


def _actor(actor: AbstractBaseUser | None) -> AbstractBaseUser | None:
    return actor if actor is not None and actor.is_authenticated else None


def lead_assess(*, lead: Lead, model: QualificationModel) -> Assessment:
    """The assessment of the lead under the version, without saving anything."""
    return selectors.enquiry_assess(selectors.enquiry_from_lead(lead), model)


def _due_at(assessment: Assessment) -> datetime | None:
    if assessment.urgency_due is None:
        return None
    return datetime.combine(assessment.urgency_due, DUE_TIME, tzinfo=LONDON)


@transaction.atomic
def lead_qualify(
    *,
    lead: Lead,
    model: QualificationModel | None = None,
    actor: AbstractBaseUser | None = None,
    reason: str = "",
) -> QualificationResult:
    """Assess the lead under the active version (or ``model``), store the result as the
    lead's current one, mark the lead and write the timeline. Safe to repeat."""
    given, lead = lead, Lead.objects.select_for_update().select_related("contact").get(pk=lead.pk)
    model = model or qualification_model_active_or_default()
    assessment = lead_assess(lead=lead, model=model)
    area = assessment.practice_area
    area_id = area.id if area and PracticeArea.objects.filter(pk=area.id).exists() else None
    now = timezone.now()
    previous = QualificationResult.objects.filter(lead=lead).first()
    before_tier = previous.tier if previous is not None else None
    values = {
        "model_version": model,
        "qualified_at": now,
        "practice_area_id": area_id,
        "requirement_evidence": assessment.requirement_evidence,
        "estimated_value": assessment.estimated_value,
        "value_source": assessment.value_source,
        "commercial_significance": assessment.commercial_significance,
        "urgency": assessment.urgency,
        "urgency_due_at": _due_at(assessment),
        "urgency_evidence": assessment.urgency_evidence,
        "decision_position": assessment.decision_position,
        "decision_evidence": assessment.decision_evidence,
        "flags": assessment.flags,
        "is_disqualified": assessment.is_disqualified,
        "score": assessment.score,
        "tier": assessment.tier,
        "basis": assessment.basis,
        "recommended_action": assessment.recommended_action,
        "summary": assessment.summary,
        "details": assessment.details,
    }
    if previous is None:
        result = QualificationResult(lead=lead, **values)
        # The practice area's existence was checked just above.
        result.full_clean(exclude=["lead", "model_version", "practice_area"])
        result.save()
    else:
        result = previous
        for field, value in values.items():
            setattr(result, field, value)
        # The practice area's existence was checked just above.
        result.full_clean(exclude=["lead", "model_version", "practice_area"])
        result.save(update_fields=list(values))

    lead_record_qualification(
        lead=lead, tier=result.effective_tier, estimated_value=result.estimated_value, at=now
    )
    # The caller's copy of the lead shows what was recorded.
    for name in ("tier", "estimated_value", "qualified_at", "status"):
        setattr(given, name, getattr(lead, name))

    reasons = "; ".join(line for line in result.basis[:3] if not line.startswith("Score "))
    if previous is None:
        summary = f"Qualified tier {result.tier} (score {result.score}, model v{model.version})"
    else:
        summary = (
            f"Re-qualified under model v{model.version}: tier {before_tier} → "
            f"{result.tier} (score {result.score})"
        )
        if reason:
            summary += f", {reason}"
    if result.is_overridden:
        summary += f"; tier {result.override_tier} kept as set by a person"
    activity_record(
        lead=lead,
        kind=ActivityKind.QUALIFIED,
        summary=f"{summary}. {reasons}",
        actor=_actor(actor),
        at=now,
        data={
            "model_version": model.version,
            "tier": result.tier,
            "score": result.score,
            "requalified": previous is not None,
            "reason": reason,
        },
    )
    return result


@transaction.atomic
def lead_requalify(
    *, lead: Lead, actor: AbstractBaseUser | None = None, reason: str = ""
) -> QualificationResult:
    """Qualify the lead again under the active version (after a model change)."""
    return lead_qualify(
        lead=lead, actor=actor, reason=reason or "re-qualified after a model change"
    )


@dataclass(frozen=True)
class RequalifyReport:
    count: int
    changed: int
    tiers: dict[str, int]


def leads_requalify(
    *, leads: QuerySet[Lead], actor: AbstractBaseUser | None = None, reason: str = ""
) -> RequalifyReport:
    """Re-qualify each lead (one transaction each, so one failure loses no others)."""
    count = changed = 0
    tiers: Counter[str] = Counter()
    for lead_id in leads.values_list("pk", flat=True).order_by("pk"):
        before = (
            QualificationResult.objects.filter(lead_id=lead_id)
            .values_list("tier", flat=True)
            .first()
        )
        result = lead_requalify(lead=Lead(pk=lead_id), actor=actor, reason=reason)
        count += 1
        changed += before != result.tier
        tiers[result.tier] += 1
    return RequalifyReport(count=count, changed=changed, tiers=dict(sorted(tiers.items())))


@transaction.atomic
def qualification_override(
    *, lead: Lead, tier: str, reason: str, actor: AbstractBaseUser | None
) -> QualificationResult:
    """A person sets the lead's tier, with a reason; the model's own result is kept."""
    reason = " ".join((reason or "").split())
    if tier not in Tier.values:
        raise ValidationError({"tier": f"“{tier}” is not a tier; use A, B or C."})
    if not reason:
        raise ValidationError({"reason": "Give a reason for overriding the model's tier."})
    try:
        result = QualificationResult.objects.select_for_update().get(lead=lead)
    except QualificationResult.DoesNotExist:
        raise ValidationError(
            "This lead has not been qualified yet, so there is no tier to override."
        ) from None
    if tier == result.effective_tier:
        raise ValidationError({"tier": f"The lead is already tier {tier}."})
    before = result.effective_tier
    now = timezone.now()
    result.override_tier = tier
    result.override_reason = reason[:300]
    result.overridden_by = _actor(actor)
    result.overridden_at = now
    result.save(
        update_fields=["override_tier", "override_reason", "overridden_by", "overridden_at"]
    )
    lead_set_tier(lead=lead, tier=tier)
    activity_record(
        lead=lead,
        kind=ActivityKind.QUALIFIED,
        summary=(
            f"Tier changed by hand from {before} to {tier} (the model said {result.tier}): {reason}"
        ),
        actor=actor,
        at=now,
        data={
            "override": True,
            "from": before,
            "to": tier,
            "model_tier": result.tier,
            "reason": reason,
        },
    )
    return result


@transaction.atomic
def qualification_override_clear(
    *, lead: Lead, reason: str, actor: AbstractBaseUser | None
) -> QualificationResult:
    """Remove a person's tier, so the model's tier applies again."""
    reason = " ".join((reason or "").split())
    if not reason:
        raise ValidationError({"reason": "Give a reason for going back to the model's tier."})
    result = QualificationResult.objects.select_for_update().filter(lead=lead).first()
    if result is None or not result.override_tier:
        raise ValidationError("The lead's tier has not been overridden.")
    before = result.override_tier
    result.override_tier = ""
    result.override_reason = ""
    result.overridden_by = None
    result.overridden_at = None
    result.save(
        update_fields=["override_tier", "override_reason", "overridden_by", "overridden_at"]
    )
    lead_set_tier(lead=lead, tier=result.tier)
    activity_record(
        lead=lead,
        kind=ActivityKind.QUALIFIED,
        summary=f"Tier override {before} removed; the model's tier {result.tier} applies: {reason}",
        actor=actor,
        data={"override": False, "from": before, "to": result.tier, "reason": reason},
    )
    return result


# --- Model versions ----------------------------------------------------------------


def next_version() -> int:
    """The number the next version gets."""
    last = QualificationModel.objects.order_by("-version").values_list("version", flat=True).first()
    return (last or 0) + 1


@transaction.atomic
def qualification_model_draft(
    *,
    name: str,
    based_on: QualificationModel | None = None,
    actor: AbstractBaseUser | None = None,
    notes: str = "",
    train: bool = True,
    **rules: Any,
) -> QualificationModel:
    """A new draft version: a copy of ``based_on`` (or the defaults) with ``rules`` applied,
    with its classifiers trained on the labelled corpus (unless ``train`` is false)."""
    unknown = sorted(set(rules) - set(RULE_FIELDS))
    if unknown:
        raise ValidationError(f"Unknown rule fields: {', '.join(unknown)}.")
    values = {field: getattr(based_on, field) for field in RULE_FIELDS} if based_on else {}
    values.update(rules)
    model = QualificationModel(
        version=next_version(),
        name=name,
        notes=notes,
        state=ModelState.DRAFT,
        created_by=_actor(actor),
        **values,
    )
    model.full_clean()
    model.save()
    if based_on is not None:
        FirstAction.objects.bulk_create(
            FirstAction(
                qualification_model=model,
                tier=action.tier,
                practice_area_id=action.practice_area_id,
                action=action.action,
            )
            for action in based_on.first_actions.all()
        )
    else:
        FirstAction.objects.bulk_create(
            FirstAction(qualification_model=model, tier=tier, action=action)
            for tier, action in DEFAULT_FIRST_ACTIONS.items()
        )
    if train:
        qualification_model_train(model=model)
    return model


# Fitted classifiers by the digest of the examples they were fitted on: training is
# deterministic, so a second draft made from the same corpus in the same process reuses
# the bytes instead of fitting again.
_TRAINED: dict[str, tuple[bytes, str, dict[str, Any]]] = {}


def _trained_on(examples: list[corpus.LabelledEnquiry]) -> tuple[bytes, str, dict[str, Any]]:
    key = corpus.examples_digest(examples)
    if key not in _TRAINED:
        classifiers = learning.train(examples)
        blob, digest = learning.dump(classifiers)
        if len(_TRAINED) >= 4:
            _TRAINED.pop(next(iter(_TRAINED)))
        _TRAINED[key] = (blob, digest, classifiers.report)
    return _TRAINED[key]


@transaction.atomic
def qualification_model_train(
    *, model: QualificationModel, examples: list[corpus.LabelledEnquiry] | None = None
) -> QualificationModel:
    """Fit the draft's classifiers (practice area, genuine enquiry) on the labelled corpus
    (the development part and the regression set; never the held-out part) and store
    them with the version. A new trial is needed before activation."""
    model = QualificationModel.objects.select_for_update().get(pk=model.pk)
    if model.state != ModelState.DRAFT:
        raise ValidationError(
            f"Version {model.version} has been in use, so its classifiers are frozen; make a "
            "new draft from it to train again."
        )
    examples = corpus.training_examples() if examples is None else examples
    try:
        blob, digest, report = _trained_on(examples)
    except ValueError as exc:
        raise ValidationError(f"The classifiers cannot be trained: {exc}") from exc
    model.classifier = blob
    model.classifier_digest = digest
    model.classifier_report = report | {"bytes": len(blob)}
    model.trained_at = timezone.now()
    model.save(update_fields=["classifier", "classifier_digest", "classifier_report", "trained_at"])
    return model


@transaction.atomic
def qualification_model_trial(
    *, model: QualificationModel, days: int = 90, limit: int = 500
) -> dict[str, Any]:
    """Try a draft on the firm's recent leads: how many would change tier, side by side
    with their current results. Records the trial, which activation requires."""
    if model.state != ModelState.DRAFT:
        raise ValidationError("Only a draft is tested; this version is already in use or retired.")
    model = QualificationModel.objects.select_for_update().get(pk=model.pk)
    moves: Counter[str] = Counter()
    rows = []
    leads = list(selectors.recent_leads_for_trial(days=days, limit=limit))
    reader = selectors.reader_for(model)
    for lead in leads:
        assessment = reader.assess(selectors.enquiry_from_lead(lead))
        current = getattr(lead, "qualification", None)
        before = current.tier if current else "—"
        moves[f"{before}→{assessment.tier}"] += 1
        if before != assessment.tier:
            rows.append(
                {
                    "lead_id": lead.pk,
                    "reference": lead.reference or str(lead.pk),
                    "current_tier": before,
                    "current_score": current.score if current else None,
                    "current_version": current.model_version.version if current else None,
                    "draft_tier": str(assessment.tier),
                    "draft_score": assessment.score,
                    "draft_basis": assessment.basis[:4],
                    "override_tier": current.override_tier if current else "",
                }
            )
    report = {
        "days": days,
        "leads": len(leads),
        "changed": len(rows),
        "moves": dict(sorted(moves.items())),
        "changes": rows[:200],
        "shadow": shadow.shadow_compare(candidate=model).as_dict(),
    }
    model.trial_report = report
    model.trialled_at = timezone.now()
    model.trial_fingerprint = selectors.model_fingerprint(model)
    model.save(update_fields=["trial_report", "trialled_at", "trial_fingerprint"])
    return report


@transaction.atomic
def qualification_model_activate(
    *, model: QualificationModel, actor: AbstractBaseUser | None, skip_trial: bool = False
) -> QualificationModel:
    """Make a tested draft the one active version; the previous one is retired. The
    practice areas it reads with are frozen into it."""
    model = QualificationModel.objects.select_for_update().get(pk=model.pk)
    if model.state != ModelState.DRAFT:
        raise ValidationError(
            f"Version {model.version} is {model.get_state_display().lower()}; only a draft "
            "can be activated. Make a new draft from it instead."
        )
    model.full_clean()
    default_tiers = set(
        model.first_actions.filter(practice_area__isnull=True).values_list("tier", flat=True)
    )
    missing = [tier for tier in Tier.values if tier not in default_tiers]
    if missing:
        raise ValidationError(
            "Give a first action for tier "
            + ", ".join(missing)
            + " with no practice area (used where an area has none of its own)."
        )
    if not skip_trial:
        if not model.trialled_at:
            raise ValidationError("Test the draft against recent leads before activating it.")
        if model.trial_fingerprint != selectors.model_fingerprint(model):
            raise ValidationError(
                "The draft (or a practice area) changed after it was tested; test it again "
                "before activating it."
            )
        _check_shadow(model)
    QualificationModel.objects.select_for_update().filter(state=ModelState.ACTIVE).update(
        state=ModelState.RETIRED
    )
    model.state = ModelState.ACTIVE
    model.activated_at = timezone.now()
    model.activated_by = _actor(actor)
    model.practice_area_snapshot = selectors.practice_area_snapshot()
    model.save(update_fields=["state", "activated_at", "activated_by", "practice_area_snapshot"])
    return model


def _check_shadow(model: QualificationModel) -> None:
    """A candidate replaces the active version only if, on the partners' overrides (data
    neither was built from), it agrees with the people at least as often."""
    found = (model.trial_report or {}).get("shadow")
    active = selectors.active_model()
    if not found or active is None:
        return
    compared = (found.get("active") or {}).get("version")
    if compared != active.version:
        against = f"v{compared}" if compared else "no active version"
        raise ValidationError(
            f"The draft was tested against {against}, but v{active.version} is active now; "
            "test it again before activating it."
        )
    if not found.get("candidate_at_least_as_good", True):
        raise ValidationError(
            f"On the {found['overrides']} lead(s) whose tier a person set, the draft agrees "
            f"{found['candidate']['agree']} time(s) and the active v{active.version} "
            f"{found['active']['agree']}: a new version must do at least as well as the one "
            "it replaces on data it was not built from."
        )


@transaction.atomic
def qualification_model_active_or_default() -> QualificationModel:
    """The active version; if none was ever activated, the built-in default rules are
    recorded as a version and activated, so no lead waits for configuration."""
    model = selectors.active_model()
    if model is not None:
        return model
    # Not trained here: this runs inside a worker on its first lead, which must answer in
    # milliseconds. The default reads practice areas by keywords until a person makes a
    # trained version (the admin, or ``manage.py train_qualification``).
    draft = qualification_model_draft(
        name="Default rules",
        notes="Created automatically because no version was active when a lead arrived.",
        train=False,
    )
    return qualification_model_activate(model=draft, actor=None, skip_trial=True)


@transaction.atomic
def qualification_result_redact(*, lead: Lead) -> int:
    """Remove the enquirer's words from the lead's assessment and its earlier versions
    (UK GDPR anonymising and erasure): the evidence quoted from the text, the summary and
    where the value came from; tier, score, dimensions and basis stay for the reports."""
    blank = {
        "requirement_evidence": [],
        "urgency_evidence": [],
        "decision_evidence": [],
        "value_source": "",
        "summary": "",
        "override_reason": "",
        "details": {},
    }
    changed = QualificationResult.objects.filter(lead=lead).update(**blank)
    QualificationResult.history.filter(lead_id=lead.pk).update(**blank)
    return changed
