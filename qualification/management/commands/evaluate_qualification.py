"""Print how well a model version agrees with labelled enquiries (or with the partners'
overrides): agreement per dimension, the tier confusion matrix and the policy's targets."""

from django.core.management.base import BaseCommand, CommandError

from qualification import corpus, selectors
from qualification.evaluation import (
    DIMENSIONS,
    TARGETS,
    TIERS,
    Evaluation,
    cross_validate,
    evaluate,
)
from qualification.models import QualificationModel
from qualification.shadow import shadow_compare

DIMENSION_LABELS = {
    "tier": "tier (A/B/C/disqualified)",
    "practice_area": "practice area",
    "genuine": "genuine or not",
    "commercial": "commercial",
    "urgency": "urgency (3 levels)",
    "urgent": "urgent or not",
    "position": "decision position",
}


class Command(BaseCommand):
    help = (
        "Run labelled enquiries through a qualification model version (the active one unless "
        "--model-version is given) and print agreement per dimension and on the tier, the "
        "tier confusion matrix and the policy's targets. --data is development, held-out, "
        "regression or a YAML file in either corpus format. --against overrides compares the "
        "version with the active one on the tiers people set instead."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--model-version",
            dest="model_version",
            type=int,
            help="Model version number (default: active).",
        )
        parser.add_argument(
            "--data",
            default="regression",
            help="development, held-out, regression (default) or the path of a YAML file.",
        )
        parser.add_argument(
            "--against",
            choices=["overrides"],
            help="Shadow evaluation: compare the version (a draft, say) with the active one on "
            "every lead whose tier a person set, instead of reading labelled enquiries.",
        )
        parser.add_argument(
            "--cross-validate",
            dest="folds",
            type=int,
            default=0,
            help="Train the classifiers afresh on all but one of this many folds of the data "
            "(plus the regression set when the data is another set) and read the fold left "
            "out: honest figures on data the version learned from.",
        )
        parser.add_argument("--show-mistakes", action="store_true", help="List every disagreement.")

    def handle(self, *args, **options) -> None:
        model = self._model(options["model_version"])
        if options["against"] == "overrides":
            self._shadow(model, options["show_mistakes"])
            return
        path = corpus.dataset_path(options["data"])
        try:
            items = corpus.read_labelled(path, source_set=str(options["data"]))
        except OSError as exc:
            raise CommandError(f"Cannot read the labelled enquiries in {path}: {exc}") from exc
        except ValueError as exc:
            raise CommandError(f"Cannot read the labelled enquiries: {exc}") from exc
        if not items:
            raise CommandError(f"{path} holds no labelled enquiries yet.")
        if options["folds"]:
            if options["folds"] < 2:
                raise CommandError("--cross-validate needs at least 2 folds.")
            extra = []
            if options["data"] != "regression" and corpus.DATASETS["regression"].exists():
                extra = corpus.read_labelled(corpus.DATASETS["regression"], source_set="regression")
            try:
                result = cross_validate(model, items, folds=options["folds"], also_train_on=extra)
            except ValueError as exc:
                raise CommandError(f"Cannot cross-validate: {exc}") from exc
        else:
            result = evaluate(model, items)
        self._print(model, result, path, options["show_mistakes"])

    def _model(self, number: int | None) -> QualificationModel:
        if number is not None:
            model = QualificationModel.objects.filter(version=number).first()
            if model is None:
                raise CommandError(f"There is no qualification model version {number}.")
            return model
        model = selectors.active_model()
        if model is None:
            raise CommandError(
                "No qualification model is active; give --model-version, or run load_demo_firm."
            )
        return model

    def _print(self, model: QualificationModel, result: Evaluation, path, mistakes: bool) -> None:
        out = self.stdout
        trained = (
            f"classifiers trained on {model.classifier_report.get('examples', 0)} examples"
            if model.is_trained
            else "no classifiers (keyword reading)"
        )
        out.write(
            f"Model v{model.version} {model.name} ({model.get_state_display().lower()}; {trained})"
        )
        out.write(f"Labelled enquiries: {result.total} from {path}")
        if result.seen_in_training:
            out.write(
                f"  {result.seen_in_training} of them were in this version's training data: "
                "on those the figures are not a test (use --cross-validate)."
            )
        out.write("")
        out.write("Agreement per dimension (area, fee and urgency on genuine enquiries only):")
        for name in DIMENSIONS:
            target = TARGETS.get(name)
            aim = f"  target {target:.0%}" if target else ""
            out.write(
                f"  {DIMENSION_LABELS[name]:<26} {result.accuracy(name):6.1%}  "
                f"({result.correct[name]}/{result.counted[name]}){aim}"
            )
        out.write("")
        out.write("Tier confusion (rows: expected, columns: model):")
        out.write("              " + "".join(f"{self._short(tier):>7}" for tier in TIERS))
        for expected in TIERS:
            row = "".join(f"{result.confusion[(expected, actual)]:>7}" for actual in TIERS)
            out.write(f"  {self._short(expected):<12}{row}")
        out.write("")
        out.write(f"Expected A placed in C or disqualified: {result.a_placed_low} (target 0)")
        out.write(f"C or non-enquiry placed in A: {result.low_placed_in_a} (target 0)")
        out.write(
            f"Non-enquiries disqualified: {result.non_enquiries_disqualified:.1%} "
            f"({result.confusion[('disqualified', 'disqualified')]}/"
            f"{result.expected['disqualified']}; target 90%)"
        )
        out.write(f"Genuine enquiries disqualified: {result.genuine_disqualified} (target 0)")
        if mistakes:
            out.write("")
            out.write("Disagreements (expected → model):")
            for mistake in result.mistakes:
                parts = ", ".join(
                    f"{name} {want} → {got}" for name, (want, got) in mistake["wrong"].items()
                )
                out.write(f"  {mistake['id']}: {parts}")
                for line in mistake["basis"]:
                    out.write(f"      {line}")
                if mistake["reason"]:
                    out.write(f"      labeller: {mistake['reason']}")

    def _shadow(self, model: QualificationModel, rows: bool) -> None:
        report = shadow_compare(candidate=model)
        out = self.stdout
        out.write(f"Shadow evaluation on {report.total} lead(s) whose tier a person set")
        if not report.total:
            out.write("  No overrides yet: nothing to compare.")
            return
        for label, figures in (("active", report.active), ("candidate", report.candidate)):
            if figures is None:
                continue
            outcomes = ", ".join(
                f"{key}: {count}" for key, count in sorted(figures.outcomes.items())
            )
            out.write(
                f"  {label:<9} v{figures.version} {figures.name}: agrees on {figures.agree} "
                f"({figures.agreement(report.total):.1%})"
                + (f"; outcomes by its tier: {outcomes}" if outcomes else "")
            )
        if report.active is not None:
            verdict = (
                "at least as good as the active version"
                if report.candidate_at_least_as_good
                else "worse than the active version: it cannot be activated"
            )
            out.write(f"  v{model.version} is {verdict}.")
        if rows:
            out.write("")
            out.write("Leads where the two versions differ (person / active / candidate):")
            for row in report.rows:
                out.write(
                    f"  {row['reference']}: {row['person']} / {row['active']} / "
                    f"{row['candidate']}  ({row['reason']})"
                )

    @staticmethod
    def _short(tier: str) -> str:
        return "disq." if tier == "disqualified" else tier
