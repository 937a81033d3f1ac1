"""Import of a firm's existing enquiry spreadsheet (CSV): each row captured like any other
enquiry, with the time it really arrived, once however often the file is imported, and
every refused row reported with its number and reason. No acknowledgement is sent.

Columns (header row, any order, case-insensitive): ``arrived_at`` and at least one of
``email`` and ``phone`` are required; ``name``, ``organisation``, ``subject``,
``message``, ``source``, ``channel`` and ``id`` are optional. See docs/channels.md.
"""

import hashlib
import json
from collections.abc import Iterable, Mapping
from contextlib import nullcontext
from dataclasses import dataclass, field
from datetime import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.db import transaction

from leads.choices import Channel
from leads.services.capture import ContactDetails, lead_capture

IMPORT_COLUMNS = (
    "id",
    "name",
    "email",
    "phone",
    "organisation",
    "subject",
    "message",
    "source",
    "arrived_at",
    "channel",
)
UK_DATETIME_FORMATS = (
    "%d/%m/%Y %H:%M",
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y %H.%M",
    "%d/%m/%Y",
    "%d/%m/%y %H:%M",
    "%d/%m/%y",
    "%d-%m-%Y %H:%M",
    "%d-%m-%Y",
)
IMPORT_PROVIDER = "import"


@dataclass(frozen=True)
class ImportRejection:
    row: int  # the spreadsheet's row number: the header is row 1
    reason: str
    values: dict[str, str]


@dataclass
class ImportReport:
    created: int = 0
    joined: int = 0
    already_imported: int = 0
    blank: int = 0
    rejected: list[ImportRejection] = field(default_factory=list)

    @property
    def rows(self) -> int:
        return self.created + self.joined + self.already_imported + self.blank + len(self.rejected)


def import_columns_check(columns: Iterable[str] | None) -> list[str]:
    """The header's columns, normalised; ValidationError naming what is wrong with it."""
    if not columns:
        raise ValidationError("The file is empty: it needs a header row naming its columns.")
    names = [(column or "").strip().lower().replace(" ", "_") for column in columns]
    unknown = [name for name in names if name not in IMPORT_COLUMNS]
    duplicated = sorted({name for name in names if names.count(name) > 1})
    problems = []
    if unknown:
        problems.append(
            f"unknown column(s) {', '.join(repr(name) for name in unknown)} "
            f"(the columns are: {', '.join(IMPORT_COLUMNS)})"
        )
    if duplicated:
        problems.append(f"column(s) named twice: {', '.join(duplicated)}")
    if "arrived_at" not in names:
        problems.append("an 'arrived_at' column is required (when each enquiry arrived)")
    if "email" not in names and "phone" not in names:
        problems.append("an 'email' or 'phone' column is required")
    if problems:
        raise ValidationError("The header row is not usable: " + "; ".join(problems) + ".")
    return names


def import_arrival_parse(value: str) -> datetime:
    """An arrival time from a spreadsheet: UK day-first (25/11/2026 14:30) or ISO 8601;
    without an offset it is UK time (Europe/London)."""
    value = " ".join((value or "").split())
    if not value:
        raise ValidationError("arrived_at is empty: give the time the enquiry arrived.")
    parsed = None
    for form in UK_DATETIME_FORMATS:
        try:
            parsed = datetime.strptime(value, form)  # noqa: DTZ007 (made aware below)
            break
        except ValueError:
            continue
    if parsed is None:
        try:
            parsed = datetime.fromisoformat(value)
        except ValueError:
            raise ValidationError(
                f"arrived_at “{value}” is not a date and time that exists; write it as "
                "25/11/2026 14:30 (UK order) or 2026-11-25T14:30:00+00:00."
            ) from None
    if parsed.tzinfo is not None:
        return parsed
    london = ZoneInfo(settings.TIME_ZONE)
    aware = parsed.replace(tzinfo=london)
    round_trip = aware.astimezone(ZoneInfo("UTC")).astimezone(london)
    if round_trip.replace(tzinfo=None) != parsed:
        raise ValidationError(
            f"arrived_at “{value}” does not exist in UK time (the clocks went forward then)."
        )
    return aware


def _channel_parse(value: str) -> Channel:
    value = (value or "").strip()
    if not value:
        return Channel.IMPORT
    by_name = {choice.value: choice for choice in Channel} | {
        choice.label.lower(): choice for choice in Channel
    }
    channel = by_name.get(value.lower().replace("-", "_")) or by_name.get(value.lower())
    if channel is None:
        raise ValidationError(
            f"channel “{value}” is not one of: {', '.join(Channel.values)} (or leave it empty)."
        )
    return channel


def _external_id(values: Mapping[str, str], arrived_at: datetime) -> str:
    """The row's identity across imports: its ``id`` column, else a hash of its content."""
    if values.get("id"):
        return f"id:{values['id'][:280]}"
    content = {key: values.get(key, "") for key in IMPORT_COLUMNS if key != "id"}
    content["arrived_at"] = arrived_at.isoformat()
    digest = hashlib.sha256(json.dumps(content, sort_keys=True).encode()).hexdigest()
    return f"row:{digest}"


def _reason(exc: ValidationError) -> str:
    if hasattr(exc, "error_dict"):
        return "; ".join(
            problem
            if problem.lower().startswith(name.replace("_", " ")) or name == "__all__"
            else f"{name}: {problem}"
            for name, problems in exc.message_dict.items()
            for problem in problems
        )
    return "; ".join(exc.messages)


def lead_import_row(
    *, values: Mapping[str, str], row: int, filename: str, actor: AbstractBaseUser | None
) -> str:
    """Capture one spreadsheet row; returns "created", "joined" or "already_imported", or
    raises ValidationError with the reason."""
    values = {key: (value or "").strip() for key, value in values.items() if key}
    arrived_at = import_arrival_parse(values.get("arrived_at", ""))
    channel = _channel_parse(values.get("channel", ""))
    capture = lead_capture(
        channel=channel,
        contact=ContactDetails(
            name=values.get("name", ""),
            email=values.get("email", ""),
            phone=values.get("phone", ""),
            organisation=values.get("organisation", ""),
        ),
        subject=values.get("subject", ""),
        message=values.get("message", ""),
        source=values.get("source", "") or f"Imported from {filename}",
        arrived_at=arrived_at,
        provider=IMPORT_PROVIDER,
        external_id=_external_id(values, arrived_at),
        raw=json.dumps(values, ensure_ascii=False),
        payload={"file": filename, "row": row, "values": values},
        actor=actor,
        acknowledge=False,
    )
    if capture.created:
        return "created"
    return "joined" if capture.joined else "already_imported"


def leads_import_rows(
    *,
    rows: Iterable[Mapping[str, str]],
    filename: str,
    dry_run: bool = False,
    actor: AbstractBaseUser | None = None,
) -> ImportReport:
    """Import every row (numbered from 2, after the header); with ``dry_run`` everything
    is checked and captured exactly as for real, then rolled back."""
    report = ImportReport()
    # A real import commits row by row: a stopped import keeps what it did, and a re-run
    # skips those rows. A dry run is one transaction, rolled back at the end.
    with transaction.atomic() if dry_run else nullcontext():
        for number, values in enumerate(rows, start=2):
            if values.get(None):
                report.rejected.append(
                    ImportRejection(
                        row=number,
                        reason="the row has more cells than the header has columns.",
                        values={k: v for k, v in values.items() if k},
                    )
                )
                continue
            if not any((value or "").strip() for value in values.values()):
                report.blank += 1
                continue
            try:
                outcome = lead_import_row(values=values, row=number, filename=filename, actor=actor)
            except ValidationError as exc:
                report.rejected.append(
                    ImportRejection(row=number, reason=_reason(exc), values=dict(values))
                )
                continue
            setattr(report, outcome, getattr(report, outcome) + 1)
        if dry_run:
            transaction.set_rollback(True)
    return report
