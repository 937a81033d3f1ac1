"""Measuring a model version against a labelled set of enquiries: accuracy per dimension
and for the tier, the tier confusion matrix, and every disagreement, so a partner can
see whether a draft is better than the active version before activating it."""

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import yaml
from django.conf import settings

from qualification import selectors
from qualification.choices import UNCLASSIFIED
from qualification.extraction import Enquiry, extract
from qualification.models import QualificationModel
from qualification.scoring import assess

DEFAULT_DATA = Path(settings.BASE_DIR) / "tests" / "qualification" / "data" / "enquiries.yaml"
DEFAULT_ARRIVAL = datetime(2027, 2, 24, 10, 0, tzinfo=ZoneInfo("Europe/London"))
DIMENSIONS = ["area", "significance", "urgency", "position", "flags", "tier"]
TIERS = ["A", "B", "C"]


@dataclass
class Evaluation:
    version: int
    total: int = 0
    correct: Counter = field(default_factory=Counter)
    confusion: Counter = field(default_factory=Counter)  # (expected, actual) -> count
    mistakes: list[dict[str, Any]] = field(default_factory=list)

    def accuracy(self, dimension: str) -> float:
        return self.correct[dimension] / self.total if self.total else 0.0

    @property
    def a_placed_in_c(self) -> int:
        return self.confusion[("A", "C")]


def labelled_enquiries(path: Path = DEFAULT_DATA) -> list[dict[str, Any]]:
    """The labelled set, read from YAML (see tests/qualification/data/enquiries.yaml)."""
    with open(path, encoding="utf-8") as handle:
        items = yaml.safe_load(handle)
    if not isinstance(items, list):
        raise ValueError(f"{path} must hold a list of labelled enquiries.")
    return items


def enquiry_of(item: dict[str, Any]) -> Enquiry:
    arrived = item.get("arrived_at")
    if isinstance(arrived, str):
        arrived = datetime.fromisoformat(arrived)
    if isinstance(arrived, datetime) and arrived.tzinfo is None:
        arrived = arrived.replace(tzinfo=DEFAULT_ARRIVAL.tzinfo)
    return Enquiry(
        message=str(item.get("message", "")),
        subject=str(item.get("subject", "")),
        arrived_at=arrived or DEFAULT_ARRIVAL,
        organisation=str(item.get("organisation", "")),
        job_title=str(item.get("job_title", "")),
        source=str(item.get("source", "")),
    )


def evaluate(model: QualificationModel, items: list[dict[str, Any]]) -> Evaluation:
    """Run every labelled enquiry through the version and compare with the labels."""
    areas = selectors.areas_for(model)
    rules = selectors.rules_for(model)
    result = Evaluation(version=model.version)
    for item in items:
        expected = item["expected"]
        assessment = assess(extract(enquiry_of(item), areas), rules)
        actual = {
            "area": assessment.practice_area.slug if assessment.practice_area else "unclassified",
            "significance": str(assessment.commercial_significance),
            "urgency": str(assessment.urgency),
            "position": str(assessment.decision_position),
            "flags": sorted(assessment.flags),
            "tier": str(assessment.tier),
        }
        wanted = {
            "area": expected["area"],
            "significance": expected["significance"],
            "urgency": expected["urgency"],
            "position": expected["position"],
            "flags": sorted(expected.get("flags", [])),
            "tier": expected["tier"],
        }
        result.total += 1
        wrong = [name for name in DIMENSIONS if actual[name] != wanted[name]]
        for name in DIMENSIONS:
            result.correct[name] += name not in wrong
        result.confusion[(wanted["tier"], actual["tier"])] += 1
        if wrong:
            result.mistakes.append(
                {
                    "id": item.get("id", "?"),
                    "wrong": {name: (wanted[name], actual[name]) for name in wrong},
                    "score": assessment.score,
                    "area": assessment.practice_area.name
                    if assessment.practice_area
                    else UNCLASSIFIED,
                }
            )
    return result
