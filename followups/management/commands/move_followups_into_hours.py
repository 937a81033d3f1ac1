"""Move the open follow-ups that fall due outside the firm's working hours (made before
due times were kept inside them) to the next working moment, once, by hand."""

from django.core.management.base import BaseCommand

from followups.services import followups_move_into_hours, followups_outside_hours
from followups.services.scheduling import london


class Command(BaseCommand):
    help = (
        "Move every open follow-up counted in working time whose due time falls outside "
        "the firm's working hours (evenings, weekends, bank holidays, closures) to the next "
        "working moment, recording each move on its lead's timeline. Follow-ups of a "
        "policy that counts calendar time are left as they are. Safe to run again: a "
        "second run finds nothing to move. --dry-run lists them and changes nothing."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="List the follow-ups that would move, and change nothing.",
        )

    def handle(self, *args, dry_run: bool = False, **options) -> None:
        if dry_run:
            found = followups_outside_hours()
            for followup in found:
                self.stdout.write(
                    f"{followup.lead.reference}: {followup.get_kind_display()} due "
                    f"{london(followup.due_at)}"
                )
            self.stdout.write(f"{len(found)} follow-up(s) due outside working hours; none moved.")
            return
        moved = followups_move_into_hours()
        for followup in moved:
            self.stdout.write(
                f"{followup.lead.reference}: {followup.get_kind_display()} now due "
                f"{london(followup.due_at)}"
            )
        self.stdout.write(
            self.style.SUCCESS(f"{len(moved)} follow-up(s) moved into working hours.")
        )
