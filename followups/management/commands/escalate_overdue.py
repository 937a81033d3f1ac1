"""Run one overdue sweep by hand (what beat runs every minute)."""

from django.core.management.base import BaseCommand, CommandError

from followups.services import escalation_sweep


class Command(BaseCommand):
    help = (
        "Escalate every overdue follow-up whose next level is due (owner, supervisor, head "
        "of team), once per level, and queue one email per recipient. Safe to run while "
        "beat is running."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--limit",
            type=int,
            default=None,
            help="Escalate at most this many follow-ups "
            "(default: LEADTRACK_ESCALATION_SWEEP_LIMIT).",
        )

    def handle(self, *args, limit=None, **options) -> None:
        if limit is not None and limit < 1:
            raise CommandError("--limit must be a positive number of follow-ups.")
        result = escalation_sweep(limit=limit)
        self.stdout.write(self.style.SUCCESS(str(result)))
