"""What every report shares: the filter form (arrival date range, practice area, what
to group by), the columns and how their values read, the chart, and CSV export.

A report says which leads it reads and runs one grouped query for its table; the base
turns the rows into the HTML table, the SVG chart and the CSV file.
"""

import csv
import datetime as dt
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django import forms
from django.db import connection, transaction
from django.db.models import (
    Case,
    CharField,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.fields.json import KT
from django.db.models.functions import Coalesce
from django.http import HttpResponse
from django.utils import timezone
from django.utils.text import slugify

from leads.choices import Channel, Status
from leads.models import Lead
from leadtrack.access import visible_leads
from leadtrack.reports.charts import Series, bar_chart
from leadtrack.reports.hours import LONDON, in_working_hours
from qualification.models import PracticeArea, QualificationResult

DEFAULT_DAYS = 90
NOT_SET = "(not set)"


# The lookup from a lead to its practice area (recorded by qualification).
PRACTICE_AREA_PATH = "qualification__practice_area"


# ---------------------------------------------------------------------------
# Values as people read them
# ---------------------------------------------------------------------------


def as_duration(seconds: float | None) -> str:
    """Seconds as a partner reads them: 45 min, 3.2 h, 2.5 days."""
    if seconds is None:
        return "—"
    if seconds < 3600:
        return f"{seconds / 60:.0f} min"
    if seconds < 48 * 3600:
        return f"{seconds / 3600:.1f} h"
    return f"{seconds / 86400:.1f} days"


def as_percent(value: float | None) -> str:
    return "—" if value is None else f"{value * 100:.0f}%"


def won_value(prefix: str = "") -> Sum:
    """The fees won, as an aggregate: each won lead's agreed fee (recorded when it was
    marked won); a lead won before agreed fees were recorded counts its estimate."""
    return Sum(
        Coalesce(f"{prefix}agreed_fee", f"{prefix}estimated_value"),
        filter=Q(**{f"{prefix}status": Status.WON}),
    )


def as_money(value: Decimal | float | None) -> str:
    return "£0" if not value else f"£{Decimal(value):,.0f}"


def as_count(value: int | float | None) -> str:
    """A count as a whole number, also where a chart carried it as a float ("2", not "2.0")."""
    return f"{round(value or 0):,}"


@dataclass(frozen=True)
class Column:
    key: str
    label: str
    formatter: Callable[[Any], str] = as_count
    # How the value goes into CSV (a number a spreadsheet can add up).
    csv: Callable[[Any], Any] = lambda value: "" if value is None else value


def hours_csv(seconds: float | None) -> str:
    return "" if seconds is None else f"{seconds / 3600:.2f}"


def ratio_csv(value: float | None) -> str:
    return "" if value is None else f"{value:.4f}"


def duration_column(key: str, label: str) -> Column:
    return Column(key, f"{label}", as_duration, hours_csv)


def percent_column(key: str, label: str) -> Column:
    return Column(key, label, as_percent, ratio_csv)


def money_column(key: str, label: str) -> Column:
    return Column(key, label, as_money, lambda value: f"{value or 0:.2f}")


def _plain(value: Any) -> str:
    return NOT_SET if value in (None, "") else str(value)


@dataclass(frozen=True)
class Dimension:
    """One way to group a report: the values to group on (lookups or expressions, or a
    function of the filters giving them), how a group reads, and how groups are ordered
    (by label, or largest first)."""

    key: str
    label: str
    values: dict[str, Any] | Callable[["Filters"], dict[str, Any]]
    display: Callable[[dict[str, Any]], str] = lambda row: _plain(row.get("group"))
    sort_by_label: bool = False
    #: For groups read by id: the names of the given ids, in one query; ``display`` then
    #: sees each row with its name as ``group``.
    names: Callable[[set[Any]], dict[Any, str]] | None = None
    #: The same group read through a join (a lookup), for queries that join many rows to
    #: each lead, where a per-lead subquery in ``values`` would run for every row joined.
    joined: str | None = None

    def group_values(self, filters: "Filters") -> dict[str, Any]:
        return self.values(filters) if callable(self.values) else dict(self.values)

    def label_rows(self, rows: list[dict[str, Any]]) -> None:
        """Give every row its ``label`` (one query at most, whatever the number of rows)."""
        names = self.names({row.get("group") for row in rows}) if self.names else None
        for row in rows:
            shown = row if names is None else {**row, "group": names.get(row.get("group"))}
            row["label"] = self.display(shown)


def _owner_name(row: dict[str, Any]) -> str:
    if row.get("owner") is None:
        return "(unowned)"
    name = f"{row.get('owner__first_name') or ''} {row.get('owner__last_name') or ''}".strip()
    return name or row.get("owner__username") or f"User {row['owner']}"


def _choice_label(choices) -> Callable[[dict[str, Any]], str]:
    labels = dict(choices)
    return lambda row: labels.get(row.get("group"), _plain(row.get("group")))


def _tier_label(row: dict[str, Any]) -> str:
    return f"Tier {row['group']}" if row.get("group") else "(not qualified)"


def _hours_values(filters: "Filters") -> dict[str, Any]:
    return {
        "group": in_working_hours(
            "arrived_at",
            first_year=filters.arrived_from.year,
            last_year=filters.arrived_to.year,
        )
    }


CHANNEL = Dimension(
    "channel", "Channel", {"group": "channel"}, _choice_label(Channel.choices), sort_by_label=True
)
SOURCE = Dimension("source", "Source", {"group": "source"})
TIER = Dimension("tier", "Tier", {"group": "tier"}, _tier_label, sort_by_label=True)
OWNER = Dimension(
    "owner",
    "Owner",
    {
        "owner": "owner",
        "owner__first_name": "owner__first_name",
        "owner__last_name": "owner__last_name",
        "owner__username": "owner__username",
    },
    _owner_name,
)
ARRIVAL_HOURS = Dimension(
    "hours",
    "Arrival in or out of hours",
    _hours_values,
    lambda row: "Working hours" if row.get("group") else "Out of hours",
    sort_by_label=True,
)
REFERRER = Dimension(
    "referrer",
    "Referrer (referral channel)",
    lambda filters: {
        "group": Case(
            When(channel=Channel.REFERRAL, then=F("source")),
            default=Value(""),
            output_field=CharField(),
        )
    },
    lambda row: row.get("group") or "(not a referral)",
)
CAMPAIGN = Dimension("campaign", "Campaign (UTM)", {"group": KT("utm__utm_campaign")})
UTM_SOURCE = Dimension("utm_source", "UTM source", {"group": KT("utm__utm_source")})


def _practice_area_names(ids: set[Any]) -> dict[Any, str]:
    return dict(PracticeArea.objects.filter(pk__in=ids - {None}).values_list("pk", "name"))


PRACTICE_AREA = Dimension(
    "practice_area",
    "Practice area",
    # Each lead's practice area by id, looked up per lead in the covering index
    # ``qualification_lead_cover_idx``; joining the results table instead made PostgreSQL
    # hash all million results, and grouping on the names sorted text (see
    # docs/performance.md). The names are read once, for the groups found.
    {
        "group": Subquery(
            QualificationResult.objects.filter(lead=OuterRef("pk")).values("practice_area")[:1]
        )
    },
    lambda row: row.get("group") or "(no practice area)",
    sort_by_label=True,
    names=_practice_area_names,
    joined=PRACTICE_AREA_PATH,
)
MODEL_TIER = Dimension(
    "model_tier",
    "Model's tier (before any override)",
    {"group": "qualification__tier"},
    _tier_label,
    sort_by_label=True,
)


def grouped(
    queryset: QuerySet, *, dimension: Dimension, filters: "Filters", **aggregates
) -> list[dict[str, Any]]:
    """Run one grouped query: the dimension's values, then the aggregates per group; each
    row gets its ``label``. Rows come largest first, or by label for ordered groupings."""
    fields, expressions = [], {}
    for alias, value in dimension.group_values(filters).items():
        if value == alias:
            fields.append(alias)
        else:
            expressions[alias] = F(value) if isinstance(value, str) else value
    rows = list(
        queryset.order_by().values(*fields, **expressions).annotate(**aggregates).order_by()
    )
    dimension.label_rows(rows)
    first = next(iter(aggregates))
    if dimension.sort_by_label:
        rows.sort(key=lambda row: row["label"])
    else:
        rows.sort(key=lambda row: (-(row.get(first) or 0), row["label"]))
    return rows


# ---------------------------------------------------------------------------
# Filters
# ---------------------------------------------------------------------------


class ReportFilterForm(forms.Form):
    arrived_from = forms.DateField(
        label="Arrived from", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    arrived_to = forms.DateField(
        label="Arrived to", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    practice_area = forms.ModelChoiceField(
        PracticeArea.objects.all(), required=False, empty_label="All practice areas"
    )
    group_by = forms.ChoiceField(label="Group by", required=False)

    def __init__(self, *args, dimensions: Sequence[Dimension], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group_by"].choices = [(d.key, d.label) for d in dimensions]
        if len(dimensions) < 2:
            del self.fields["group_by"]

    def clean(self):
        data = super().clean()
        start, end = data.get("arrived_from"), data.get("arrived_to")
        if start and end and end < start:
            raise forms.ValidationError("“Arrived to” is before “Arrived from”.")
        return data


@dataclass(frozen=True)
class Filters:
    arrived_from: dt.date
    arrived_to: dt.date
    practice_area: PracticeArea | None
    dimension: Dimension

    @property
    def start(self) -> dt.datetime:
        return dt.datetime.combine(self.arrived_from, dt.time.min, tzinfo=LONDON)

    @property
    def end(self) -> dt.datetime:
        """The exclusive end: midnight after ``arrived_to``, London time."""
        return dt.datetime.combine(self.arrived_to + dt.timedelta(days=1), dt.time.min, LONDON)

    def describe(self) -> str:
        text = (
            f"Arrived {self.arrived_from:%d %b %Y} to {self.arrived_to:%d %b %Y}, "
            f"grouped by {self.dimension.label.lower()}"
        )
        if self.practice_area:
            text += f", {self.practice_area.name} only"
        return text


@dataclass
class ReportResult:
    columns: Sequence[Column]
    rows: list[dict[str, Any]]
    chart: str
    extra_tables: list["ReportResult"] = field(default_factory=list)
    title: str = ""
    label_heading: str = ""

    def table(self) -> dict[str, Any]:
        """Rows as formatted cells for the template."""
        return {
            "title": self.title,
            "label_heading": self.label_heading,
            "headings": [column.label for column in self.columns],
            "rows": [
                {
                    "label": row["label"],
                    "cells": [column.formatter(row.get(column.key)) for column in self.columns],
                }
                for row in self.rows
            ],
        }


class Report(ABC):
    """A management report: a title, the groupings it offers, its columns, and one
    grouped query for its table (``rows``, which each report defines)."""

    slug: str = ""
    title: str = ""
    description: str = ""
    dimensions: Sequence[Dimension] = ()
    columns: Sequence[Column] = ()
    # The columns drawn in the chart (at most three series).
    chart_columns: Sequence[str] = ()

    # -- filters -----------------------------------------------------------------

    def filter_form(self, data) -> ReportFilterForm:
        """The filters form, always showing the dates the report covers: the ones asked
        for, else the defaults (the last 90 days to today)."""
        values = {key: data.get(key) for key in data} if data else {}
        if not values.get("arrived_to"):
            values["arrived_to"] = timezone.localdate().isoformat()
        if not values.get("arrived_from"):
            try:
                end = dt.date.fromisoformat(values["arrived_to"])
            except ValueError:
                end = timezone.localdate()
            values["arrived_from"] = (end - dt.timedelta(days=DEFAULT_DAYS)).isoformat()
        return ReportFilterForm(values, dimensions=self.dimensions)

    def filters(self, form: ReportFilterForm) -> Filters:
        """The filters to apply: the form's if valid, else the defaults (last 90 days)."""
        today = timezone.localdate()
        data = form.cleaned_data if form.is_bound and form.is_valid() else {}
        arrived_to = data.get("arrived_to") or today
        arrived_from = data.get("arrived_from") or arrived_to - dt.timedelta(days=DEFAULT_DAYS)
        by_key = {dimension.key: dimension for dimension in self.dimensions}
        return Filters(
            arrived_from=arrived_from,
            arrived_to=arrived_to,
            practice_area=data.get("practice_area"),
            dimension=by_key.get(data.get("group_by") or "", self.dimensions[0]),
        )

    def leads(self, *, user, filters: Filters) -> QuerySet[Lead]:
        """The leads the report reads: arrived in the range, visible to the reader."""
        leads = visible_leads(user).filter(
            arrived_at__gte=filters.start, arrived_at__lt=filters.end
        )
        if filters.practice_area is not None:
            leads = leads.filter(**{PRACTICE_AREA_PATH: filters.practice_area})
        return leads.order_by()

    # -- running -----------------------------------------------------------------

    @abstractmethod
    def rows(self, *, leads: QuerySet[Lead], filters: Filters, user) -> list[dict[str, Any]]:
        """The main table's rows, one grouped query."""

    def run(self, *, user, filters: Filters) -> ReportResult:
        leads = self.leads(user=user, filters=filters)
        rows = self.rows(leads=leads, filters=filters, user=user)
        return ReportResult(
            columns=self.columns,
            rows=rows,
            chart=self.chart(rows=rows, filters=filters),
            title=self.title,
            label_heading=filters.dimension.label,
        )

    def chart(self, *, rows: list[dict[str, Any]], filters: Filters) -> str:
        by_key = {column.key: column for column in self.columns}
        series = [
            Series(
                name=by_key[key].label,
                values=[_number(row.get(key)) for row in rows],
                formatter=by_key[key].formatter,
            )
            for key in self.chart_columns
        ]
        return bar_chart(
            title=f"{self.title}: {filters.describe()}",
            categories=[row["label"] for row in rows],
            series=series,
        )

    # -- export ------------------------------------------------------------------

    def csv_response(self, *, result: ReportResult, filters: Filters) -> HttpResponse:
        name = f"{slugify(self.title)}-{filters.arrived_from}-{filters.arrived_to}.csv"
        response = HttpResponse(content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        writer = csv.writer(response)
        for table in [result, *result.extra_tables]:
            writer.writerow([table.label_heading, *(c.label for c in table.columns)])
            for row in table.rows:
                writer.writerow(
                    [
                        _csv_safe(row["label"]),
                        *(column.csv(row.get(column.key)) for column in table.columns),
                    ]
                )
            writer.writerow([])
        return response


# Settings for the report queries on PostgreSQL, for their transaction only: enough
# memory to sort a quarter's leads and timeline in memory rather than on disk, and no JIT
# compilation (it costs ~100 ms per query and these queries are not long enough to repay it).
REPORT_SESSION_SQL = ["SET LOCAL work_mem = '64MB'", "SET LOCAL jit = off"]


@contextmanager
def report_transaction() -> Iterator[None]:
    """A read transaction tuned for the reports' grouped queries."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                for statement in REPORT_SESSION_SQL:
                    cursor.execute(statement)
        yield


@contextmanager
def looked_up_per_lead() -> Iterator[None]:
    """Within a report's transaction on PostgreSQL: join each of the range's leads to its
    qualification result by an index-only look-up (``qualification_lead_cover_idx``),
    not by hashing every result in the firm, which the planner prefers although it reads
    eight times the rows (the overrides of a quarter at a million leads: 1.2-1.8 s hashed,
    0.6 s looked up, at load average 5-8; see docs/performance.md)."""
    if connection.vendor != "postgresql" or not connection.in_atomic_block:
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_hashjoin = off")
        try:
            yield
        finally:
            cursor.execute("SET LOCAL enable_hashjoin = DEFAULT")


def _number(value) -> float | None:
    return None if value is None else float(value)


def _csv_safe(text: str) -> str:
    """Keep a spreadsheet from running a label as a formula (CSV injection)."""
    text = str(text)
    return f"'{text}" if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def rate(part: int | None, whole: int | None) -> float | None:
    return None if not whole else (part or 0) / whole
