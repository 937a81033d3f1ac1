"""``manage.py conflict_index_rebuild``: rebuild the names conflict checks search."""

from django.core.management.base import BaseCommand

from compliance.services import conflict_index_rebuild


class Command(BaseCommand):
    help = (
        "Rebuild the conflict index from every contact, party and client/matter held (run "
        "once after installing the compliance app; it is kept current after that)."
    )

    def handle(self, *args, **options) -> None:
        count = conflict_index_rebuild()
        self.stdout.write(f"The conflict index holds {count:,} names.")
