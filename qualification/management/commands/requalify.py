"""Re-qualify leads under the active model version, after a model change."""

from django.core.management.base import BaseCommand, CommandError

from leads.choices import OPEN_STATUSES
from leads.models import Lead
from qualification import selectors, services


class Command(BaseCommand):
    help = (
        "Re-qualify leads under the active qualification model: the leads named by "
        "reference, or every open lead with --open. Each is recorded on its timeline."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("references", nargs="*", help="Lead references, e.g. LD-2027-00042.")
        parser.add_argument("--open", action="store_true", help="Every open lead.")
        parser.add_argument(
            "--reason", default="", help="Why (shown on each timeline), e.g. 'model v3'."
        )

    def handle(self, *args, references: list[str], **options) -> None:
        if bool(references) == bool(options["open"]):
            raise CommandError("Give lead references, or --open for every open lead (not both).")
        model = selectors.active_model()
        if model is None:
            raise CommandError("No qualification model is active; activate one in the admin.")
        if options["open"]:
            leads = Lead.objects.filter(status__in=OPEN_STATUSES)
        else:
            leads = Lead.objects.filter(reference__in=references)
            missing = sorted(set(references) - set(leads.values_list("reference", flat=True)))
            if missing:
                raise CommandError(f"No lead with reference: {', '.join(missing)}.")
        reason = options["reason"] or f"re-qualified under model v{model.version}"
        report = services.leads_requalify(leads=leads, reason=reason)
        tiers = ", ".join(f"{tier}: {count}" for tier, count in report.tiers.items()) or "none"
        self.stdout.write(
            self.style.SUCCESS(
                f"Re-qualified {report.count} lead(s) under model v{model.version}; "
                f"{report.changed} changed tier (now {tiers})."
            )
        )
