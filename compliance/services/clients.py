"""Importing the firm's client and matter list from its practice-management system (a
CSV export), so that conflict checks search existing clients and the other parties on
their matters. The client and matter references identify a row: importing the same file
again changes nothing, and a newer export updates what changed."""

import csv
import io
from dataclasses import dataclass, field
from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from compliance.choices import PartyKind
from compliance.matching import company_number_clean, guess_kind
from compliance.models import ClientMatter
from compliance.services.conflicts import conflict_index_client_matter

REQUIRED_COLUMNS = ("client_reference", "matter_reference", "client_name")
OPTIONAL_COLUMNS = (
    "client_kind",
    "company_number",
    "email",
    "matter_description",
    "other_parties",
    "opened_on",
    "closed_on",
)
FIELDS = ("client_name", "client_kind", "company_number", "email", "matter_description",
          "other_parties", "opened_on", "closed_on")  # fmt: skip
DATE_FORMATS = ("%Y-%m-%d", "%d/%m/%Y")


@dataclass
class ClientImport:
    """What an import did (or, in a dry run, would do), and the rows it refused."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: list[tuple[int, str]] = field(default_factory=list)
    dry_run: bool = False


def _date(value: str, column: str) -> date | None:
    value = value.strip()
    if not value:
        return None
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(value, fmt).date()  # noqa: DTZ007 - a calendar date
        except ValueError:
            continue
    raise ValidationError(f"{column} “{value}” is not a date (use 2026-01-31 or 31/01/2026)")


def _row_values(row: dict[str, str]) -> dict:
    def text(name: str, limit: int) -> str:
        value = " ".join((row.get(name) or "").split())
        if len(value) > limit:
            raise ValidationError(f"{name} is longer than {limit} characters")
        return value

    values = {name: text(name, 50) for name in ("client_reference", "matter_reference")}
    for name in REQUIRED_COLUMNS:
        if not text(name, 300):
            raise ValidationError(f"{name} is empty")
    values["client_name"] = text("client_name", 200)
    kind = text("client_kind", 20).lower()
    if kind and kind not in PartyKind.values:
        raise ValidationError(f"client_kind “{kind}” is not “person” or “organisation”")
    values["client_kind"] = kind or guess_kind(values["client_name"])
    values["company_number"] = company_number_clean(text("company_number", 20))
    email = text("email", 254).lower()
    if email:
        try:
            validate_email(email)
        except ValidationError as exc:
            raise ValidationError(f"email “{email}” is not an email address") from exc
    values["email"] = email
    values["matter_description"] = text("matter_description", 300)
    others = [" ".join(p.split()) for p in (row.get("other_parties") or "").split(";")]
    values["other_parties"] = "\n".join(p for p in others if p)
    values["opened_on"] = _date(row.get("opened_on") or "", "opened_on")
    values["closed_on"] = _date(row.get("closed_on") or "", "closed_on")
    return values


def client_matters_import(*, text: str, dry_run: bool = False) -> ClientImport:
    """Create or update a client/matter for each good row of the CSV text; rows with a
    problem are reported with their line number and change nothing. A dry run reports
    what would happen and writes nothing. Raises ValidationError if the file itself is
    unusable (no header, a required column missing)."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    header = [(name or "").strip().lower() for name in (reader.fieldnames or [])]
    missing = [name for name in REQUIRED_COLUMNS if name not in header]
    if missing:
        raise ValidationError(
            f"The file has no {', '.join(missing)} column; the first line must name the "
            f"columns: {', '.join(REQUIRED_COLUMNS + OPTIONAL_COLUMNS)}."
        )
    reader.fieldnames = header
    result = ClientImport(dry_run=dry_run)
    seen: set[tuple[str, str]] = set()
    with transaction.atomic():
        for number, row in enumerate(reader, start=2):
            try:
                if None in row:
                    raise ValidationError("the row has more values than the header has columns")
                values = _row_values(row)
                key = (values.pop("client_reference"), values.pop("matter_reference"))
                if key in seen:
                    raise ValidationError(f"client/matter {key[0]}/{key[1]} appears twice")
                seen.add(key)
            except ValidationError as exc:
                result.rejected.append((number, "; ".join(exc.messages)))
                continue
            _row_save(key=key, values=values, result=result)
        if dry_run:
            transaction.set_rollback(True)
    return result


def _row_save(*, key: tuple[str, str], values: dict, result: ClientImport) -> None:
    matter = ClientMatter.objects.filter(client_reference=key[0], matter_reference=key[1]).first()
    if matter is None:
        matter = ClientMatter.objects.create(
            client_reference=key[0], matter_reference=key[1], imported_at=timezone.now(), **values
        )
        result.created += 1
    elif all(getattr(matter, name) == value for name, value in values.items()):
        result.unchanged += 1
        return
    else:
        for name, value in values.items():
            setattr(matter, name, value)
        matter.imported_at = timezone.now()
        matter.save()
        result.updated += 1
    conflict_index_client_matter(matter=matter)
