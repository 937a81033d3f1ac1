"""Database expressions the reports are built from, one query either way: percentiles
(PostgreSQL's ``percentile_cont``; on SQLite a Python aggregate registered on each
connection) and the seconds between two datetimes."""

import math

from django.db.backends.signals import connection_created
from django.db.models import Aggregate, FloatField, Func
from django.dispatch import receiver

SQLITE_PERCENTILE = "leadtrack_percentile_cont"


class Percentile(Aggregate):
    """The continuous percentile (0 < p < 1) of an expression, like ``percentile_cont``."""

    function = "percentile_cont"
    name = "Percentile"
    output_field = FloatField()
    allow_distinct = False
    template = "%(function)s(%(percentile)s) WITHIN GROUP (ORDER BY %(expressions)s)"

    def __init__(self, expression, percentile: float, **extra):
        percentile = float(percentile)
        if not 0 <= percentile <= 1:
            raise ValueError(f"A percentile is between 0 and 1, not {percentile}.")
        super().__init__(expression, percentile=repr(percentile), **extra)

    def as_sqlite(self, compiler, connection, **extra_context):
        # Set on a copy rather than passed as ``template=``: Aggregate.as_sql builds its
        # FILTER clause from the instance's template.
        clone = self.copy()
        clone.function = SQLITE_PERCENTILE
        clone.template = "%(function)s(%(expressions)s, %(percentile)s)"
        return super(Percentile, clone).as_sql(compiler, connection, **extra_context)


class PercentileCont:
    """SQLite aggregate with ``percentile_cont``'s linear interpolation."""

    def __init__(self) -> None:
        self.values: list[float] = []
        self.percentile = 0.5

    def step(self, value, percentile) -> None:
        if value is not None:
            self.values.append(float(value))
        self.percentile = float(percentile)

    def finalize(self) -> float | None:
        if not self.values:
            return None
        values = sorted(self.values)
        position = (len(values) - 1) * self.percentile
        low, high = math.floor(position), math.ceil(position)
        return values[low] + (values[high] - values[low]) * (position - low)


@receiver(connection_created)
def register_sqlite_functions(sender, connection, **kwargs) -> None:
    """Give every SQLite connection the percentile aggregate the reports use."""
    if connection.vendor == "sqlite":
        connection.connection.create_aggregate(SQLITE_PERCENTILE, 2, PercentileCont)


class SecondsBetween(Func):
    """``end - start`` in seconds, as a float (NULL when either is NULL)."""

    arity = 2
    output_field = FloatField()

    def __init__(self, start, end, **extra):
        super().__init__(end, start, **extra)

    def as_postgresql(self, compiler, connection, **extra_context):
        return self.as_sql(
            compiler,
            connection,
            template="EXTRACT(EPOCH FROM (%(expressions)s))::double precision",
            arg_joiner=" - ",
            **extra_context,
        )

    def as_sqlite(self, compiler, connection, **extra_context):
        return self.as_sql(
            compiler,
            connection,
            template="((julianday(%(expressions)s)) * 86400.0)",
            arg_joiner=") - julianday(",
            **extra_context,
        )
