"""Print how well a model version agrees with the labelled enquiries."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from qualification import selectors
from qualification.evaluation import DEFAULT_DATA, DIMENSIONS, TIERS, evaluate, labelled_enquiries
from qualification.models import QualificationModel


class Command(BaseCommand):
    help = (
        "Run the labelled enquiries through a qualification model version (the active one "
        "unless --model-version is given) and print accuracy per dimension and for the tier, and "
        "the tier confusion matrix."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--model-version",
            dest="model_version",
            type=int,
            help="Model version number (default: active).",
        )
        parser.add_argument("--data", type=Path, default=DEFAULT_DATA, help="Labelled YAML file.")
        parser.add_argument("--show-mistakes", action="store_true", help="List every disagreement.")

    def handle(self, *args, **options) -> None:
        if options["model_version"] is not None:
            model = QualificationModel.objects.filter(version=options["model_version"]).first()
            if model is None:
                raise CommandError(
                    f"There is no qualification model version {options['model_version']}."
                )
        else:
            model = selectors.active_model()
            if model is None:
                raise CommandError(
                    "No qualification model is active; give --model-version, or run load_demo_firm."
                )
        try:
            items = labelled_enquiries(options["data"])
        except (OSError, ValueError) as exc:
            raise CommandError(f"Cannot read the labelled enquiries: {exc}") from exc
        try:
            result = evaluate(model, items)
        except KeyError as exc:
            raise CommandError(f"A labelled enquiry lacks the expected field {exc}.") from exc

        out = self.stdout
        out.write(f"Model v{model.version} {model.name} ({model.get_state_display().lower()})")
        out.write(f"Labelled enquiries: {result.total}")
        out.write("")
        out.write("Accuracy per dimension:")
        for name in DIMENSIONS:
            out.write(
                f"  {name:<13} {result.accuracy(name):6.1%}  "
                f"({result.correct[name]}/{result.total})"
            )
        out.write("")
        out.write("Tier confusion (rows: expected, columns: model):")
        out.write("          " + "".join(f"{tier:>6}" for tier in TIERS))
        for expected in TIERS:
            row = "".join(f"{result.confusion[(expected, actual)]:>6}" for actual in TIERS)
            out.write(f"  {expected:<8}{row}")
        out.write("")
        out.write(f"Tier-A enquiries placed in C: {result.a_placed_in_c}")
        if options["show_mistakes"]:
            out.write("")
            out.write("Disagreements (expected → model):")
            for mistake in result.mistakes:
                parts = ", ".join(
                    f"{name} {want} → {got}" for name, (want, got) in mistake["wrong"].items()
                )
                out.write(f"  {mistake['id']}: {parts} (score {mistake['score']})")
