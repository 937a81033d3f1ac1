"""Qualification quality: does the tier predict the outcome? Tier A leads should convert
more, and be worth more, than tier B and C. And how often do people override the model's
tier, per model version, and which way?"""

from django.db.models import Count, F, Q

from leads.choices import Status
from leadtrack.reports.base import (
    MODEL_TIER,
    PRACTICE_AREA,
    TIER,
    Column,
    Report,
    ReportResult,
    grouped,
    looked_up_per_lead,
    money_column,
    percent_column,
    rate,
    won_value,
)

DECIDED = [Status.WON, Status.LOST, Status.DISQUALIFIED]


class QualificationQualityReport(Report):
    slug = "qualification"
    title = "Qualification quality"
    description = (
        "Tier against outcome for the leads that arrived in the period. Conversion is won ÷ "
        "decided (won, lost or disqualified), so open leads do not dilute it. Below: how "
        "often people overrode the model's tier, per model version, and how those leads did."
    )
    dimensions = (TIER, MODEL_TIER, PRACTICE_AREA)
    columns = [
        Column("leads", "Leads"),
        Column("won", "Won"),
        Column("lost", "Lost"),
        Column("disqualified", "Disqualified"),
        Column("open", "Still open"),
        percent_column("conversion", "Conversion of decided"),
        money_column("won_value", "Won value"),
    ]
    chart_columns = ["conversion"]

    def rows(self, *, leads, filters, user):
        if filters.dimension is not MODEL_TIER:  # no join to the results
            return self._rows(leads=leads, filters=filters)
        with looked_up_per_lead():
            return self._rows(leads=leads, filters=filters)

    def _rows(self, *, leads, filters):
        rows = grouped(
            leads,
            dimension=filters.dimension,
            filters=filters,
            leads=Count("pk"),
            won=Count("pk", filter=Q(status=Status.WON)),
            lost=Count("pk", filter=Q(status=Status.LOST)),
            disqualified=Count("pk", filter=Q(status=Status.DISQUALIFIED)),
            won_value=won_value(),
        )
        for row in rows:
            decided = row["won"] + row["lost"] + row["disqualified"]
            row["open"] = row["leads"] - decided
            row["conversion"] = rate(row["won"], decided)
        return rows

    def overrides(self, *, leads) -> ReportResult:
        """Human overrides of the model's tier, per model version (one grouped query over
        the range's leads, each joined to its result by the covering index)."""
        result = "qualification__"
        overridden = ~Q(**{f"{result}override_tier": ""})
        with looked_up_per_lead():
            results = list(
                leads.exclude(**{f"{result}model_version": None})
                .values(
                    model_version__version=F(f"{result}model_version__version"),
                    model_version__name=F(f"{result}model_version__name"),
                )
                .annotate(
                    results=Count("pk"),
                    overridden=Count("pk", filter=overridden),
                    raised=Count(
                        "pk",
                        filter=overridden & Q(**{f"{result}override_tier__lt": F(f"{result}tier")}),
                    ),
                    lowered=Count(
                        "pk",
                        filter=overridden & Q(**{f"{result}override_tier__gt": F(f"{result}tier")}),
                    ),
                    overridden_won=Count("pk", filter=overridden & Q(status=Status.WON)),
                    overridden_decided=Count("pk", filter=overridden & Q(status__in=DECIDED)),
                    kept_won=Count("pk", filter=~overridden & Q(status=Status.WON)),
                    kept_decided=Count("pk", filter=~overridden & Q(status__in=DECIDED)),
                )
                .order_by("model_version__version")
            )
        rows = []
        for row in results:
            row["label"] = f"v{row['model_version__version']} {row['model_version__name']}"
            row["override_rate"] = rate(row["overridden"], row["results"])
            row["overridden_conversion"] = rate(row["overridden_won"], row["overridden_decided"])
            row["kept_conversion"] = rate(row["kept_won"], row["kept_decided"])
            rows.append(row)
        return ReportResult(
            columns=[
                Column("results", "Leads qualified"),
                Column("overridden", "Overridden"),
                percent_column("override_rate", "Override rate"),
                Column("raised", "Raised (e.g. B → A)"),
                Column("lowered", "Lowered (e.g. A → B)"),
                percent_column("overridden_conversion", "Conversion when overridden"),
                percent_column("kept_conversion", "Conversion when kept"),
            ],
            rows=rows,
            chart="",
            title="Human overrides by model version",
            label_heading="Model version",
        )

    def run(self, *, user, filters):
        result = super().run(user=user, filters=filters)
        result.extra_tables = [self.overrides(leads=self.leads(user=user, filters=filters))]
        return result
