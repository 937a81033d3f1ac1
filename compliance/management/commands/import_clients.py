"""``manage.py import_clients file.csv``: load the firm's client and matter list."""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from compliance.services import client_matters_import
from compliance.services.clients import OPTIONAL_COLUMNS, REQUIRED_COLUMNS


class Command(BaseCommand):
    help = (
        "Import the firm's clients and matters from a CSV export of its practice-management "
        f"system, for conflict checks. Columns: {', '.join(REQUIRED_COLUMNS)} (required), "
        f"{', '.join(OPTIONAL_COLUMNS)} (other_parties separated by semicolons). Rows are "
        "identified by client and matter reference, so the file can be imported again."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", help="The CSV file (UTF-8).")
        parser.add_argument(
            "--dry-run", action="store_true", help="Report what would change; write nothing."
        )

    def handle(self, *args, file: str, dry_run: bool, **options) -> None:
        path = Path(file)
        try:
            text = path.read_text(encoding="utf-8")
        except FileNotFoundError as exc:
            raise CommandError(f"There is no file {path}.") from exc
        except UnicodeDecodeError as exc:
            raise CommandError(f"{path} is not UTF-8 text; save the export as CSV UTF-8.") from exc
        except OSError as exc:
            raise CommandError(f"{path} cannot be read: {exc.strerror}.") from exc
        try:
            result = client_matters_import(text=text, dry_run=dry_run)
        except ValidationError as exc:
            raise CommandError(" ".join(exc.messages)) from exc
        would = "would be " if dry_run else ""
        self.stdout.write(
            f"{result.created} {would}created, {result.updated} {would}updated, "
            f"{result.unchanged} unchanged, {len(result.rejected)} rejected."
            + (" Dry run: nothing was written." if dry_run else "")
        )
        for line, problem in result.rejected:
            self.stdout.write(f"  line {line}: {problem}")
