"""Count several querysets in one statement."""

from collections.abc import Mapping
from typing import Any

from django.db import connection
from django.db.models import QuerySet


def count_each(counted: Mapping[str, QuerySet[Any]]) -> dict[str, int]:
    """Return each queryset's row count by name, read in one SQL statement.

    Each count is a scalar subquery of its own (``SELECT (SELECT COUNT(*) FROM (…)), …``),
    so each reads only its rows through its own indexes: one pass testing every condition
    over a whole table cost tens of milliseconds at 30,000 audits, and a query per count
    cost a round trip each on the pages that show many (the staff home shows eleven).
    """
    if not counted:
        return {}
    parts: list[str] = []
    params: list[Any] = []
    for index, queryset in enumerate(counted.values()):
        sql, query_params = queryset.order_by().values("pk").query.sql_with_params()
        parts.append(f"(SELECT COUNT(*) FROM ({sql}) AS counted_{index})")
        params.extend(query_params)
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + ", ".join(parts), params)
        row = cursor.fetchone()
    return {name: int(count) for name, count in zip(counted, row, strict=True)}
