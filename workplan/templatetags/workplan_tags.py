"""Formatting of KPI values, money and status summaries for the workplan's pages and PDFs."""

from decimal import Decimal
from typing import Any

from django import template

from ..status import Status

register = template.Library()


@register.filter
def kpi_value(value: Any, unit: str = "count") -> str:
    """Return a KPI value for display: 2,250 or 87.5% (no trailing zeros); "—" for none."""
    if value is None or value == "":
        return "—"
    number = Decimal(value)
    text = (
        f"{number:,.2f}".rstrip("0").rstrip(".")
        if number != number.to_integral()
        else f"{number:,.0f}"
    )
    return f"{text}%" if unit == "percent" else text


@register.filter
def money(value: Any) -> str:
    """Return dollars without cents: $78,250."""
    if value is None:
        return "—"
    return f"${Decimal(value):,.0f}"


@register.filter
def actual_text(row: Any) -> str:
    """Return "12 of 15 (80%)", "87.5% (target 100%)" or "3 (tracked)" for a KPI row."""
    unit = row.kpi.unit
    actual = kpi_value(row.actual, unit)
    if row.kpi.target is None:
        return f"{actual} (tracked)"
    if row.actual is None:
        return f"no data yet (target {kpi_value(row.kpi.target, unit)})"
    percent = row.progress.percent_of_target
    share = f" ({percent:.0f}%)" if percent is not None and unit != "percent" else ""
    if unit == "percent":
        return f"{actual} (target {kpi_value(row.kpi.target, unit)})"
    return f"{actual} of {kpi_value(row.kpi.target, unit)}{share}"


@register.filter
def status_summary(mandate_board: Any) -> list[tuple[str, int]]:
    """Return (label, count) of the statuses present among a mandate's KPIs, in a fixed order."""
    result = []
    for status in Status:
        count = mandate_board.count(status)
        if count:
            result.append((status.label.lower(), count))
    return result


@register.filter
def has_targets(mandate_board: Any) -> bool:
    """Return whether any KPI of the mandate has a target (and so a bar in its chart)."""
    return any(row.kpi.target for row in mandate_board.kpis)


@register.filter
def status_label(value: str) -> str:
    """Return the words of a stored status ("on_track" -> "On track")."""
    try:
        return Status(value).label
    except ValueError:
        return value


@register.filter
def chart_rows(mandate_board: Any) -> str:
    """Return the height class of a mandate's bar chart for its number of bars."""
    count = sum(1 for row in mandate_board.kpis if row.kpi.target)
    return "chart-rows-l" if count > 8 else "chart-rows-m" if count > 4 else "chart-rows-s"
