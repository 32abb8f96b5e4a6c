"""Counts: several querysets in one statement, and a related count per row of a list."""

from collections.abc import Mapping, Sequence
from typing import Any

from django.core.exceptions import EmptyResultSet
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Aggregate, Count, QuerySet, Subquery
from django.db.models.functions import Coalesce

# One queryset's count as a part of a counting statement: SQL and its parameters, or None for
# a queryset that can match nothing (it counts 0 without SQL).
Part = tuple[str, tuple[Any, ...]] | None


def counting_sql(queryset: QuerySet[Any]) -> Part:
    """Return how a queryset is counted within one statement: ``(SELECT COUNT(*) FROM (...))``,
    the count Django's own ``count()`` makes of a grouped or distinct queryset."""
    rows = queryset.order_by()
    if not rows.query.values_select and rows.query.group_by is None:
        rows = rows.values("pk")  # whole records: their ids count the same, and read less
    try:
        sql, params = rows.query.sql_with_params()
    except EmptyResultSet:
        return None
    return f"(SELECT COUNT(*) FROM ({sql}) counted)", tuple(params)


def count_parts(parts: Sequence[Part], using: str = DEFAULT_DB_ALIAS) -> list[int]:
    """Return each part's count, all read by one SQL statement (none when nothing is asked).

    Each count is a scalar subquery of its own, so each reads only its rows through its own
    indexes: one pass testing every condition over a whole table cost tens of milliseconds at
    30,000 audits, and a query per count cost a round trip each on the pages that show many
    (the staff home shows eleven, the workplan dashboard one per KPI and quarter).
    """
    if all(part is None for part in parts):
        return [0] * len(parts)
    params: list[Any] = []
    for part in parts:
        params.extend(() if part is None else part[1])
    select = ", ".join("0" if part is None else part[0] for part in parts)
    with connections[using].cursor() as cursor:
        cursor.execute("SELECT " + select, params)
        row = cursor.fetchone()
    return [int(count) for count in row]


def count_each(counted: Mapping[str, QuerySet[Any]]) -> dict[str, int]:
    """Return each queryset's row count by name, read in one SQL statement (``count_parts``);
    the numbers are those ``count()`` returns."""
    parts = [counting_sql(queryset) for queryset in counted.values()]
    return dict(zip(counted, count_parts(parts), strict=True))


def per_row(rows: QuerySet[Any], aggregate: Aggregate, *, outer: str) -> Any:
    """An aggregate of related ``rows`` for each row of a list, as a correlated subquery.

    ``rows`` is filtered on the outer row already (``OuterRef``); ``outer`` names the field
    the rows are grouped by. Unlike ``annotate(Count(...))`` over a join, this leaves the
    list's own query without GROUP BY, so the paginator's count is a plain count of the
    list's table and each page reads only its own rows' related rows. Worth it when each
    row has few related rows (a WIVA case's six steps); with thousands per row (the
    employers of a classification unit) one join and GROUP BY reads them faster.
    """
    value = Subquery(rows.order_by().values(outer).annotate(value=aggregate).values("value")[:1])
    return Coalesce(value, 0) if isinstance(aggregate, Count) else value
