"""Send the daily digests or the weekly summaries by hand (what beat runs on schedule)."""

from django.core.management.base import BaseCommand

from followups.services import digests_send_daily, weekly_summaries_send


class Command(BaseCommand):
    help = (
        "Queue today's digest for every member (working days only), or with --weekly the "
        "weekly pipeline summary for every head of team. Each is sent once per day or week."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--weekly", action="store_true", help="Send the heads of team's weekly summaries."
        )

    def handle(self, *args, weekly=False, **options) -> None:
        if weekly:
            count = weekly_summaries_send()
            self.stdout.write(self.style.SUCCESS(f"{count} weekly summary(ies) queued."))
        else:
            count = digests_send_daily()
            self.stdout.write(self.style.SUCCESS(f"{count} digest(s) queued."))
