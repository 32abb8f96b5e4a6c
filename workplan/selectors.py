"""Reads of the workplan: the live KPI actuals and the board dashboard (R-22).

Computed KPIs read the other apps only through ``workplan.sources``; every distinct source and
point of the quarterly trend is counted by the same single SQL statement, so the dashboard and
a page of KPIs make a constant number of queries whatever the number of KPIs and records.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Prefetch

from . import sources
from .models import KPI, Aggregation, KPIUnit, Mandate, Snapshot, SnapshotValue, Workplan
from .status import Progress, Status, kpi_progress, share_of_year

Number = int | Decimal | None


@dataclass
class KPIRow:
    kpi: KPI
    actual: Number
    progress: Progress
    trend: list[Number]  # the cumulative actual at the end of each quarter so far
    source_label: str = ""

    @property
    def percent_bar(self) -> int:
        """The progress bar's width: percent of target, 0-100."""
        percent = self.progress.percent_of_target
        if percent is None:
            return 0
        return int(max(Decimal(0), min(Decimal(100), percent)))


@dataclass
class MandateBoard:
    mandate: Mandate
    kpis: list[KPIRow]
    budget: Decimal

    def count(self, status: Status) -> int:
        return sum(1 for row in self.kpis if row.progress.status == status)


@dataclass
class Board:
    workplan: Workplan
    today: date
    as_of: date
    share: Decimal
    quarter: int  # the fiscal quarter of ``as_of`` (0 before the year starts)
    mandates: list[MandateBoard]
    snapshot: Snapshot | None
    status_counts: dict[str, int] = field(default_factory=dict)

    @property
    def budget(self) -> Decimal:
        return sum((m.budget for m in self.mandates), Decimal(0))

    @property
    def percent_elapsed(self) -> Decimal:
        return self.share * 100

    def chart_data(self) -> dict[str, Any]:
        """Return the charts' data (for ``json_script``): plain numbers and strings."""

        def num(value: Any) -> float | None:
            return None if value is None else round(float(value), 2)

        quarters = [f"Q{n}" for n in range(1, max(self.quarter, 0) + 1)]
        if quarters and self.as_of < self.workplan.quarter_bounds(self.quarter)[1]:
            quarters[-1] += " to date"
        mandates = []
        for m in self.mandates:
            rows = [r for r in m.kpis if r.kpi.target]
            if not rows:
                continue
            mandates.append(
                {
                    "id": f"chart-mandate-{m.mandate.pk}",
                    "label": m.mandate.label,
                    "kpis": [_short(r.kpi.description, 60) for r in rows],
                    "actual": [num(r.progress.percent_of_target) for r in rows],
                    "expected": [
                        100.0 if r.kpi.unit == KPIUnit.PERCENT else num(self.share * 100)
                        for r in rows
                    ],
                    "raw": [
                        {"actual": num(r.actual), "target": num(r.kpi.target), "unit": r.kpi.unit}
                        for r in rows
                    ],
                }
            )
        trend = []
        for m in self.mandates:
            rows = [r for r in m.kpis if r.kpi.target]
            if not rows:
                continue
            points = []
            for index in range(len(quarters)):
                values = [
                    min(Decimal(100), Decimal(value) * 100 / Decimal(r.kpi.target or 1))
                    for r in rows
                    if index < len(r.trend) and (value := r.trend[index]) is not None
                ]
                points.append(num(sum(values) / len(values)) if values else None)
            trend.append({"label": m.mandate.label, "data": points})
        pace = [
            num(
                share_of_year(
                    self.workplan.quarter_bounds(n)[1],
                    starts_on=self.workplan.starts_on,
                    ends_on=self.workplan.ends_on,
                )
                * 100
            )
            for n in range(1, len(quarters) + 1)
        ]
        if pace:
            pace[-1] = num(self.share * 100)
        return {
            "mandates": mandates,
            "trend": {"labels": quarters, "series": trend, "pace": pace},
            "budget": {
                "labels": [m.mandate.label for m in self.mandates],
                "data": [num(m.budget) for m in self.mandates],
            },
        }


def _short(text: str, limit: int = 48) -> str:
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def current_workplan(*, today: date) -> Workplan | None:
    """Return the workplan of today's fiscal year, else the latest one that has started, else
    the earliest one (one query)."""
    plans = list(Workplan.objects.order_by("-starts_on"))
    for plan in plans:
        if plan.starts_on <= today:
            return plan
    return plans[-1] if plans else None


def mandates_of(workplan: Workplan) -> list[Mandate]:
    """Return the mandates with their activities, KPIs (and measurements) and indicators."""
    return list(
        workplan.mandates.order_by("number").prefetch_related(
            "activities",
            Prefetch(
                "kpis",
                queryset=KPI.objects.prefetch_related("measurements").select_related("activity"),
            ),
            "indicators",
        )
    )


def quarter_of(workplan: Workplan, day: date) -> int:
    """Return the fiscal quarter (1-4) a day falls in; 0 before the year, 4 after it."""
    if day < workplan.starts_on:
        return 0
    for quarter in (1, 2, 3, 4):
        if day <= workplan.quarter_bounds(quarter)[1]:
            return quarter
    return 4


def trend_points(workplan: Workplan, as_of: date) -> list[date]:
    """Return the ends of the quarters up to ``as_of`` (the last one cut at ``as_of``)."""
    quarter = quarter_of(workplan, as_of)
    points = [workplan.quarter_bounds(n)[1] for n in range(1, quarter + 1)]
    if points:
        points[-1] = min(points[-1], as_of)
    return points


def computed_values(
    keys: set[str], *, start: date, points: list[date]
) -> dict[tuple[str, date], Number]:
    """Return each source's value from ``start`` to each point (one query for all of them)."""
    values = sources.compute_many((key, start, point) for key in sorted(keys) for point in points)
    return {(key, end): value for (key, _start, end), value in values.items()}


def entered_value(kpi: KPI, upto_quarter: int) -> Number:
    """Return an entered KPI's actual through a quarter: the sum, or the latest value."""
    values = sorted(
        (m.quarter, m.value) for m in kpi.measurements.all() if m.quarter <= upto_quarter
    )
    if not values:
        return None
    if kpi.aggregation == Aggregation.LATEST:
        return values[-1][1]
    return sum((v for _, v in values), Decimal(0))


def dashboard(workplan: Workplan, *, today: date, mandates: list[Mandate] | None = None) -> Board:
    """Return every mandate's KPIs with their live actual, progress, status and trend."""
    as_of = min(today, workplan.ends_on)
    share = share_of_year(as_of, starts_on=workplan.starts_on, ends_on=workplan.ends_on)
    quarter = quarter_of(workplan, as_of)
    points = trend_points(workplan, as_of)
    mandates = mandates if mandates is not None else mandates_of(workplan)
    keys = {k.source for m in mandates for k in m.kpis.all() if k.is_computed}
    values = computed_values(keys, start=workplan.starts_on, points=points)
    boards = []
    counts: dict[str, int] = {}
    for mandate in mandates:
        rows = []
        for kpi in mandate.kpis.all():
            if kpi.is_computed:
                trend = [values[(kpi.source, point)] for point in points]
                label = sources.SOURCES[kpi.source].label if kpi.source in sources.SOURCES else ""
            else:
                trend = [entered_value(kpi, n) for n in range(1, len(points) + 1)]
                label = ""
            actual = trend[-1] if trend else None
            rate = kpi.unit == KPIUnit.PERCENT
            progress = kpi_progress(
                None if actual is None else Decimal(actual),
                kpi.target,
                Decimal(1) if rate else share,
            )
            counts[progress.status.value] = counts.get(progress.status.value, 0) + 1
            rows.append(KPIRow(kpi, actual, progress, trend, label))
        budget = sum((a.budget or Decimal(0) for a in mandate.activities.all()), Decimal(0))
        boards.append(MandateBoard(mandate, rows, budget))
    return Board(
        workplan=workplan,
        today=today,
        as_of=as_of,
        share=share,
        quarter=quarter,
        mandates=boards,
        snapshot=latest_snapshot(workplan),
        status_counts=counts,
    )


def latest_snapshot(workplan: Workplan) -> Snapshot | None:
    """Return the latest frozen snapshot with its values (two queries)."""
    return (
        workplan.snapshots.order_by("-quarter")
        .prefetch_related(Prefetch("values", queryset=SnapshotValue.objects.order_by("position")))
        .first()
    )


def kpi_rows(kpis: list[KPI], *, today: date) -> dict[int, KPIRow]:
    """Return each KPI's live actual and progress as of today, by KPI id.

    The KPIs come with ``mandate__workplan`` selected and ``measurements`` prefetched; every
    distinct (source, fiscal year) is counted by one query for all of them, so the cost grows
    neither with the KPIs nor with the records.
    """

    def as_of(workplan: Workplan) -> date:
        return min(today, workplan.ends_on)

    computed = sources.compute_many(
        (kpi.source, kpi.mandate.workplan.starts_on, as_of(kpi.mandate.workplan))
        for kpi in kpis
        if kpi.is_computed and quarter_of(kpi.mandate.workplan, as_of(kpi.mandate.workplan))
    )
    rows: dict[int, KPIRow] = {}
    for kpi in kpis:
        workplan = kpi.mandate.workplan
        end = as_of(workplan)
        share = share_of_year(end, starts_on=workplan.starts_on, ends_on=workplan.ends_on)
        quarter = quarter_of(workplan, end)
        actual: Number
        label = ""
        if quarter == 0:
            actual = None
        elif kpi.is_computed:
            actual = computed[(kpi.source, workplan.starts_on, end)]
            label = sources.SOURCES[kpi.source].label if kpi.source in sources.SOURCES else ""
        else:
            actual = entered_value(kpi, quarter)
        rate = kpi.unit == KPIUnit.PERCENT
        progress = kpi_progress(
            None if actual is None else Decimal(actual), kpi.target, Decimal(1) if rate else share
        )
        rows[kpi.pk] = KPIRow(kpi, actual, progress, [], label)
    return rows
