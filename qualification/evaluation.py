"""Measuring a model version against labelled enquiries: agreement per dimension and on
the tier (A, B, C or disqualified), the tier confusion matrix, the policy's hard targets
(no expected-A in C or disqualified, no C or non-enquiry in A, non-enquiries
disqualified, genuine enquiries never disqualified), and every disagreement.

An evaluation says how many of the items the version was built from: figures on data a
version learned from are not a test of it. ``cross_validate`` gives honest figures on
the development part by training on all but one fold at a time.
"""

from collections import Counter
from dataclasses import dataclass, field
from typing import Any

from qualification import corpus, learning, selectors
from qualification.corpus import DISQUALIFIED, LabelledEnquiry
from qualification.models import QualificationModel
from qualification.scoring import Assessment, Rules

DIMENSIONS = ["tier", "practice_area", "genuine", "commercial", "urgency", "urgent", "position"]
TIERS = ["A", "B", "C", DISQUALIFIED]
TARGETS = {
    "tier": 0.85,
    "practice_area": 0.92,
    "position": 0.88,
    "urgent": 0.92,
    "non_enquiries_disqualified": 0.90,
}


def tier_of(assessment: Assessment) -> str:
    return DISQUALIFIED if assessment.is_disqualified else str(assessment.tier)


def answers(assessment: Assessment) -> dict[str, str]:
    """The assessment under the labels' vocabulary."""
    tier = tier_of(assessment)
    return {
        "tier": tier,
        "practice_area": assessment.practice_area.slug
        if assessment.practice_area
        else "unclassified",
        "genuine": "no" if tier == DISQUALIFIED else "yes",
        "commercial": str(assessment.commercial_significance),
        "urgency": str(assessment.urgency),
        "urgent": "yes" if str(assessment.urgency) == "high" else "no",
        "position": str(assessment.decision_position),
    }


def wanted(item: LabelledEnquiry) -> dict[str, str]:
    labels = item.labels
    return {
        "tier": labels.tier,
        "practice_area": labels.practice_area,
        "genuine": "yes" if labels.is_enquiry else "no",
        "commercial": labels.commercial,
        "urgency": labels.urgency,
        "urgent": "yes" if labels.urgency == "high" else "no",
        "position": labels.position,
    }


# Dimensions compared only on genuine enquiries (a non-enquiry's area, fee and urgency
# mean nothing once it is disqualified).
GENUINE_ONLY = {"practice_area", "commercial", "urgency", "urgent"}


@dataclass
class Evaluation:
    version: int
    name: str = ""
    total: int = 0
    seen_in_training: int = 0
    counted: Counter = field(default_factory=Counter)  # dimension -> items compared
    correct: Counter = field(default_factory=Counter)
    confusion: Counter = field(default_factory=Counter)  # (expected, actual) -> count
    mistakes: list[dict[str, Any]] = field(default_factory=list)

    def accuracy(self, dimension: str) -> float:
        counted = self.counted[dimension]
        return self.correct[dimension] / counted if counted else 0.0

    def add(self, item: LabelledEnquiry, assessment: Assessment, *, seen: bool = False) -> None:
        got, want = answers(assessment), wanted(item)
        self.total += 1
        self.seen_in_training += seen
        wrong = {}
        for name in DIMENSIONS:
            if name in GENUINE_ONLY and want["genuine"] == "no":
                continue
            self.counted[name] += 1
            if got[name] == want[name]:
                self.correct[name] += 1
            else:
                wrong[name] = (want[name], got[name])
        self.confusion[(want["tier"], got["tier"])] += 1
        if wrong:
            self.mistakes.append(
                {
                    "id": item.id,
                    "wrong": wrong,
                    "basis": assessment.basis[:3],
                    "reason": item.labels.reason,
                }
            )

    @property
    def expected(self) -> Counter:
        counts: Counter = Counter()
        for (want, _got), count in self.confusion.items():
            counts[want] += count
        return counts

    @property
    def a_placed_low(self) -> int:
        """Expected-A enquiries the version put in C or disqualified (target: none)."""
        return self.confusion[("A", "C")] + self.confusion[("A", DISQUALIFIED)]

    @property
    def a_placed_in_c(self) -> int:
        return self.a_placed_low

    @property
    def low_placed_in_a(self) -> int:
        """C enquiries and non-enquiries the version put in A (target: none)."""
        return self.confusion[("C", "A")] + self.confusion[(DISQUALIFIED, "A")]

    @property
    def non_enquiries_disqualified(self) -> float:
        expected = self.expected[DISQUALIFIED]
        return self.confusion[(DISQUALIFIED, DISQUALIFIED)] / expected if expected else 0.0

    @property
    def genuine_disqualified(self) -> int:
        """Genuine enquiries the version disqualified (target: none)."""
        return sum(
            count
            for (want, got), count in self.confusion.items()
            if got == DISQUALIFIED and want != DISQUALIFIED
        )

    def figures(self) -> dict[str, Any]:
        """The headline figures, JSON-safe (for the docs, a version's report and tests)."""
        return {
            "version": self.version,
            "items": self.total,
            "seen_in_training": self.seen_in_training,
            **{name: round(self.accuracy(name), 3) for name in DIMENSIONS},
            "a_placed_low": self.a_placed_low,
            "low_placed_in_a": self.low_placed_in_a,
            "non_enquiries_disqualified": round(self.non_enquiries_disqualified, 3),
            "genuine_disqualified": self.genuine_disqualified,
        }


def evaluate_with(
    items: list[LabelledEnquiry],
    *,
    areas,
    rules: Rules,
    classifiers: learning.Classifiers | None,
    version: int = 0,
    seen_keys: frozenset[str] = frozenset(),
) -> Evaluation:
    """Run every labelled enquiry through the rules (and classifiers) given."""
    result = Evaluation(version=version)
    reader = selectors.Reader(areas=areas, rules=rules, classifiers=classifiers)
    for item in items:
        result.add(item, reader.assess(item.enquiry), seen=corpus.item_key(item) in seen_keys)
    return result


def evaluate(model: QualificationModel, items: list[LabelledEnquiry]) -> Evaluation:
    """Run every labelled enquiry through the version and compare with the labels."""
    seen = frozenset(model.classifier_report.get("example_keys", ()))
    result = Evaluation(version=model.version, name=model.name)
    reader = selectors.reader_for(model)
    for item in items:
        assessment = reader.assess(item.enquiry)
        result.add(item, assessment, seen=corpus.item_key(item) in seen)
    return result


def cross_validate(
    model: QualificationModel,
    items: list[LabelledEnquiry],
    *,
    folds: int = 5,
    also_train_on: list[LabelledEnquiry] = (),
) -> Evaluation:
    """Honest figures on ``items``: each fold is read by classifiers trained on the other
    folds (and ``also_train_on``), under the version's rules. Folds are fixed by a
    digest of each item, so the figures repeat."""
    areas = selectors.areas_for(model)
    rules = selectors.rules_for(model)
    result = Evaluation(version=model.version, name=f"{model.name} ({folds}-fold)")
    buckets: dict[int, list[LabelledEnquiry]] = {}
    for item in items:
        buckets.setdefault(int(corpus.item_key(item), 16) % folds, []).append(item)
    for fold, part in sorted(buckets.items()):
        rest = [item for other, bucket in buckets.items() if other != fold for item in bucket]
        classifiers = learning.train([*rest, *also_train_on])
        partial = evaluate_with(part, areas=areas, rules=rules, classifiers=classifiers)
        result.total += partial.total
        result.counted.update(partial.counted)
        result.correct.update(partial.correct)
        result.confusion.update(partial.confusion)
        result.mistakes.extend(partial.mistakes)
    return result
