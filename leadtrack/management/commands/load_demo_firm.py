"""Load the demo firm: its profile and working calendar, practice areas, teams and
members, roles, an extract of the client and matter list, introducers, and sample
enquiries.

Idempotent: running it again updates what is there and creates nothing twice.
"""

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils.module_loading import import_string

# In dependency order; each app contributes a ``load(*, stdout)`` function.
DEMO_LOADERS = [
    "firm.demo.load",
    "qualification.demo.load",
    "routing.demo.load",
    "followups.demo.load",
    "leadtrack.demo.load",
    "compliance.demo.load",
    "leads.demo.load",
]


class Command(BaseCommand):
    help = (
        "Create or update the demo firm (profile, calendar, practice areas, team, roles, "
        "sample enquiries)."
    )

    def handle(self, *args, **options) -> None:
        self.stdout.write("Loading the demo firm:")
        with transaction.atomic():
            for path in DEMO_LOADERS:
                import_string(path)(stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS("Demo firm ready."))
