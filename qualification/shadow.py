"""Shadow evaluation: how the active version and a candidate each agree with the
partners' own corrections (the tiers people set by override, with their reasons), and
how each version's tiers line up with what became of the leads (won or lost).

Overrides are data no version was built from (the classifiers learn from the labelled
corpus only), so they are the fair ground on which a candidate must do at least as well
as the version it would replace before it may be activated.
"""

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch, QuerySet

from leads.choices import Status
from leads.models import InboundMessage, Lead
from qualification import selectors
from qualification.models import QualificationModel, QualificationResult

# At most this many overridden leads are read (the most recent first).
LIMIT = 1000
# Rows where the two versions differ, kept for the report page.
ROWS = 200


@dataclass
class VersionFigures:
    version: int
    name: str
    agree: int = 0
    outcomes: Counter = field(default_factory=Counter)  # "A won", "B lost", ...

    def agreement(self, total: int) -> float:
        return self.agree / total if total else 0.0


@dataclass
class ShadowReport:
    """The two versions side by side on the overridden leads."""

    active: VersionFigures | None
    candidate: VersionFigures
    total: int = 0
    rows: list[dict[str, Any]] = field(default_factory=list)

    @property
    def candidate_at_least_as_good(self) -> bool:
        if self.active is None or not self.total:
            return True
        return self.candidate.agree >= self.active.agree

    def as_dict(self) -> dict[str, Any]:
        """JSON-safe (stored with a draft's trial and shown on its page)."""

        def figures(item: VersionFigures | None) -> dict[str, Any] | None:
            if item is None:
                return None
            return {
                "version": item.version,
                "name": item.name,
                "agree": item.agree,
                "agreement": round(item.agreement(self.total), 3),
                "outcomes": dict(sorted(item.outcomes.items())),
            }

        return {
            "overrides": self.total,
            "active": figures(self.active),
            "candidate": figures(self.candidate),
            "candidate_at_least_as_good": self.candidate_at_least_as_good,
            "rows": self.rows[:ROWS],
        }


def overridden_leads(limit: int = LIMIT) -> QuerySet[Lead]:
    """Leads whose tier a person set, newest correction first, with what reading them
    needs (contact, first inbound message for web-form fields) fetched in bulk."""
    return (
        Lead.objects.filter(qualification__override_tier__gt="", merged_into__isnull=True)
        .select_related("contact", "qualification")
        .prefetch_related(
            Prefetch(
                "inbound_messages",
                queryset=InboundMessage.objects.order_by("received_at", "pk"),
            )
        )
        .order_by("-qualification__overridden_at", "-pk")[:limit]
    )


def _outcome(lead: Lead) -> str:
    if lead.status == Status.WON:
        return "won"
    if lead.status == Status.LOST:
        return "lost"
    return ""


def shadow_compare(
    *, candidate: QualificationModel, active: QualificationModel | None = None
) -> ShadowReport:
    """Read every overridden lead under the active version and the candidate, saving
    nothing, and count how often each gives the tier the person set."""
    active = active if active is not None else selectors.active_model()
    if active is not None and active.pk == candidate.pk:
        active = None
    report = ShadowReport(
        active=VersionFigures(active.version, active.name) if active is not None else None,
        candidate=VersionFigures(candidate.version, candidate.name),
    )
    readers = {
        key: selectors.reader_for(model)
        for key, model in (("active", active), ("candidate", candidate))
        if model is not None
    }
    for lead in overridden_leads():
        result: QualificationResult = lead.qualification
        wanted = result.override_tier
        enquiry = selectors.enquiry_from_lead(lead)
        outcome = _outcome(lead)
        tiers = {}
        for key, figures in (("active", report.active), ("candidate", report.candidate)):
            if key not in readers or figures is None:
                continue
            tier = str(readers[key].assess(enquiry).tier)
            tiers[key] = tier
            figures.agree += tier == wanted
            if outcome:
                figures.outcomes[f"{tier} {outcome}"] += 1
        report.total += 1
        if tiers.get("active") != tiers.get("candidate"):
            report.rows.append(
                {
                    "lead_id": lead.pk,
                    "reference": lead.reference or str(lead.pk),
                    "person": wanted,
                    "reason": result.override_reason,
                    "active": tiers.get("active", "—"),
                    "candidate": tiers["candidate"],
                    "outcome": outcome,
                }
            )
    return report
