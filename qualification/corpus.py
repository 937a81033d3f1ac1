"""The labelled enquiries a model version learns from and is measured on, read from YAML
in either of the two formats the project keeps:

- the blind-written corpus (``tests/qualification/data/corpus/*.yaml``): each item has
  ``channel``, ``arrived_at``, ``from_name``, ``from_email``, ``organisation``,
  ``subject``, ``body``, ``language`` and ``labels`` (tier A, B, C or ``disqualified``,
  ``practice_area``, ``commercial``, ``urgency``, ``position``, ``flags``, ...);
- the older regression set (``tests/qualification/data/enquiries.yaml``): ``subject``,
  ``message`` and ``expected`` (tier A, B or C, ``area``, ``significance``, ...), where a
  disqualifying flag means the enquiry is disqualified.

Both become ``LabelledEnquiry``: the enquiry as extraction reads it, and the labels under
one vocabulary.
"""

import hashlib
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import yaml
from django.conf import settings

from qualification.extraction import Enquiry

LONDON = ZoneInfo("Europe/London")
DATA_DIR = Path(settings.BASE_DIR) / "tests" / "qualification" / "data"
# The named sets ``evaluate_qualification --data`` accepts.
DATASETS = {
    "development": DATA_DIR / "corpus" / "development.yaml",
    "held-out": DATA_DIR / "corpus" / "held-out.yaml",
    "regression": DATA_DIR / "enquiries.yaml",
}
# Sets a version may learn from. The held-out part is never among them.
TRAINING_SETS = ("development", "regression")
DISQUALIFIED = "disqualified"
DISQUALIFYING_FLAGS = {"spam", "job_application", "student"}
# Arrival time of a regression item that gives none (see the file's header).
REGRESSION_ARRIVAL = datetime(2027, 2, 24, 10, 0, tzinfo=LONDON)


@dataclass(frozen=True)
class Labels:
    """What a business development manager said about one enquiry."""

    tier: str  # A, B, C or "disqualified"
    practice_area: str  # a slug, or "unclassified"
    commercial: str
    urgency: str
    position: str
    flags: tuple[str, ...] = ()
    deadline: date | None = None
    reason: str = ""

    @property
    def is_enquiry(self) -> bool:
        return self.tier != DISQUALIFIED


@dataclass(frozen=True)
class LabelledEnquiry:
    id: str
    source_set: str
    enquiry: Enquiry
    labels: Labels
    channel: str = ""
    language: str = "en"


def _aware(value: Any, default: datetime) -> datetime:
    if isinstance(value, str) and value:
        value = datetime.fromisoformat(value)
    if isinstance(value, date) and not isinstance(value, datetime):
        value = datetime.combine(value, default.timetz())
    if not isinstance(value, datetime):
        return default
    return value if value.tzinfo is not None else value.replace(tzinfo=LONDON)


def _date(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str) and value.strip():
        try:
            return date.fromisoformat(value.strip()[:10])
        except ValueError:
            return None
    return None


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def _corpus_item(item: dict[str, Any], source_set: str) -> LabelledEnquiry:
    labels = item["labels"]
    tier = _text(labels["tier"]).strip()
    return LabelledEnquiry(
        id=_text(item.get("id")),
        source_set=source_set,
        channel=_text(item.get("channel")),
        language=_text(item.get("language")) or "en",
        enquiry=Enquiry(
            message=_text(item.get("body")),
            subject=_text(item.get("subject")),
            arrived_at=_aware(item.get("arrived_at"), REGRESSION_ARRIVAL),
            contact_name=_text(item.get("from_name")),
            organisation=_text(item.get("organisation")),
            email=_text(item.get("from_email")),
            source=_text(item.get("channel")),
        ),
        labels=Labels(
            tier=DISQUALIFIED if tier.lower() == DISQUALIFIED else tier.upper(),
            practice_area=_text(labels.get("practice_area")) or "unclassified",
            commercial=_text(labels.get("commercial")) or "unknown",
            urgency=_text(labels.get("urgency")) or "low",
            position=_text(labels.get("position")) or "unknown",
            flags=tuple(sorted(_text(flag) for flag in labels.get("flags") or ())),
            deadline=_date(labels.get("deadline")),
            reason=_text(labels.get("reason")),
        ),
    )


def _regression_item(item: dict[str, Any], source_set: str) -> LabelledEnquiry:
    expected = item["expected"]
    flags = tuple(sorted(_text(flag) for flag in expected.get("flags") or ()))
    disqualified = bool(DISQUALIFYING_FLAGS.intersection(flags))
    return LabelledEnquiry(
        id=_text(item.get("id")),
        source_set=source_set,
        channel=_text(item.get("source")) or "email",
        enquiry=Enquiry(
            message=_text(item.get("message")),
            subject=_text(item.get("subject")),
            arrived_at=_aware(item.get("arrived_at"), REGRESSION_ARRIVAL),
            organisation=_text(item.get("organisation")),
            job_title=_text(item.get("job_title")),
            source=_text(item.get("source")),
        ),
        labels=Labels(
            tier=DISQUALIFIED if disqualified else _text(expected["tier"]).upper(),
            practice_area=_text(expected.get("area")) or "unclassified",
            commercial=_text(expected.get("significance")) or "unknown",
            urgency=_text(expected.get("urgency")) or "low",
            position=_text(expected.get("position")) or "unknown",
            flags=flags,
        ),
    )


_READ: dict[tuple[str, str, int, int], list[LabelledEnquiry]] = {}


def read_labelled(path: Path, *, source_set: str = "") -> list[LabelledEnquiry]:
    """Every labelled enquiry in the file, in either format (raises ValueError when the
    file is not a list of labelled enquiries). Read once per process while the file is
    unchanged (a version is trained from the same files many times in the tests)."""
    stat = Path(path).stat()
    key = (str(path), source_set, stat.st_mtime_ns, stat.st_size)
    if key not in _READ:
        _READ[key] = _read_labelled(path, source_set=source_set)
    return list(_READ[key])


def _read_labelled(path: Path, *, source_set: str = "") -> list[LabelledEnquiry]:
    with open(path, encoding="utf-8") as handle:
        # libyaml's safe loader where PyYAML has it: the same safe subset, ten times faster
        # on the corpus (read each time a version is trained).
        items = yaml.load(handle, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # noqa: S506
    if items is None:
        return []
    if not isinstance(items, list):
        raise ValueError(f"{path} must hold a list of labelled enquiries.")
    source_set = source_set or Path(path).stem
    result = []
    for number, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            raise ValueError(f"{path}: item {number} is not a labelled enquiry.")
        try:
            if "labels" in item:
                result.append(_corpus_item(item, source_set))
            elif "expected" in item:
                result.append(_regression_item(item, source_set))
            else:
                raise KeyError("labels")
        except KeyError as exc:
            raise ValueError(
                f"{path}: item {item.get('id', number)} lacks the field {exc}."
            ) from None
    return result


def dataset_path(name_or_path: str | Path) -> Path:
    """The file behind a set's name (development, held-out, regression) or a path."""
    return DATASETS.get(str(name_or_path), Path(name_or_path))


def training_examples() -> list[LabelledEnquiry]:
    """What a new version learns from: the development part of the corpus and the
    regression set, whichever of them exist. Never the held-out part."""
    examples: list[LabelledEnquiry] = []
    for name in TRAINING_SETS:
        path = DATASETS[name]
        if path.exists():
            examples.extend(read_labelled(path, source_set=name))
    return examples


def item_key(item: LabelledEnquiry) -> str:
    """A short digest of an item's text, so a version can record exactly what it was
    built from and an evaluation can say which items it had already seen."""
    enquiry = item.enquiry
    raw = f"{enquiry.subject}\n{enquiry.message}".encode()
    return hashlib.sha256(raw).hexdigest()[:16]


def examples_digest(examples: list[LabelledEnquiry]) -> str:
    """One digest of a set of examples, their labels included (order does not matter)."""
    rows = sorted(f"{item_key(item)} {item.labels!r}" for item in examples)
    return hashlib.sha256("\n".join(rows).encode()).hexdigest()
