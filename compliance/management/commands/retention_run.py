"""``manage.py retention_run``: apply (or, with --dry-run, report) the retention schedule."""

from datetime import datetime, time

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from compliance.services import retention_run


class Command(BaseCommand):
    help = (
        "Apply the retention schedule (Compliance → Retention policies) to closed leads. "
        "--dry-run reports what would be anonymised or deleted and changes nothing; --on "
        "DATE reports (or applies) the schedule as it will stand on that date."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--dry-run", action="store_true", help="Report only.")
        parser.add_argument("--on", help="The date to apply it for (YYYY-MM-DD); default now.")

    def handle(self, *args, dry_run: bool, on: str | None, **options) -> None:
        as_of = None
        if on:
            try:
                day = datetime.strptime(on, "%Y-%m-%d").date()  # noqa: DTZ007 - a date
            except ValueError as exc:
                raise CommandError(f"--on “{on}” is not a date; use YYYY-MM-DD.") from exc
            as_of = timezone.make_aware(datetime.combine(day, time(23, 59)))
            if not dry_run and as_of > timezone.now():
                raise CommandError("A date in the future can only be a --dry-run.")
        run = retention_run(as_of=as_of, dry_run=dry_run)
        self.stdout.write(run.summary + (" (dry run: nothing changed)" if dry_run else ""))
