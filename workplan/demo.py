"""Demo workplan: the go2HR 23/24 workplan from its fixture, and the same plan cloned into
today's fiscal year so the dashboard shows live actuals from the demo records, with entered
quarterly measurements for the quarters already over and one frozen snapshot with commentary.

Everything goes through the services. Running it again adds nothing: the fixture load is
idempotent, the clone is made once per fiscal year, a measurement once per KPI and quarter,
and the snapshot once per quarter.
"""

import json
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

from cor_portal.program.periods import fiscal_year_start

from . import selectors, services
from .models import KPI, Aggregation, KPIKind, KPIUnit, Measurement, Workplan

FIXTURE = Path(__file__).resolve().parent / "fixtures" / "go2hr-2023-24.json"
# Each entered KPI's share of a quarter's pace reached in the demo, by quarter (1.0 = on pace).
PACE = {1: Decimal("1.10"), 2: Decimal("0.85"), 3: Decimal("1.00"), 4: Decimal("0.95")}
COMMENTARY = (
    "Registrations and gap analyses are ahead of pace after the spring campaign in the "
    "Thompson Okanagan. Landing page visits dipped over the summer; the fall newsletter "
    "and two association articles are planned to recover them. Health and safety orientation "
    "completions lag the target: the LMS promotion moves up to October. Both WIVAs are "
    "scheduled before December 31."
)


def load_fixture(*, staff: Any) -> Workplan:
    data = json.loads(FIXTURE.read_text(encoding="utf-8"))
    workplan, _ = services.load_workplan(actor=staff, data=data)
    return workplan


def seed(*, today: date, staff: Any) -> str:
    original = load_fixture(staff=staff)
    starts_on = fiscal_year_start(today)
    current = Workplan.objects.filter(starts_on=starts_on).first()
    if current is None and starts_on != original.starts_on:
        current = services.clone_workplan(actor=staff, workplan=original, starts_on=starts_on)
        services.approve_workplan(
            actor=staff,
            workplan=current,
            approved_by=original.approved_by or "Heidi Romich",
            approved_on=date(starts_on.year, 3, 12),
        )
    current = current or original
    quarter = selectors.quarter_of(current, today)
    measured = _measure(current, staff=staff, upto=quarter - 1)
    frozen = 0
    if quarter > 1 and not current.snapshots.filter(quarter=quarter - 1).exists():
        services.freeze_snapshot(
            actor=staff,
            workplan=current,
            quarter=quarter - 1,
            commentary=COMMENTARY,
            as_of=current.quarter_bounds(quarter - 1)[1],
        )
        frozen = 1
    return (
        f"workplans {original.fiscal_year_label} and {current.fiscal_year_label}, "
        f"{measured} measurements and {frozen} snapshot added"
    )


def _measure(workplan: Workplan, *, staff: Any, upto: int) -> int:
    """Enter the quarters 1..upto of every entered KPI that has none yet."""
    added = 0
    have = set(
        Measurement.objects.filter(kpi__mandate__workplan=workplan).values_list("kpi_id", "quarter")
    )
    for kpi in KPI.objects.filter(mandate__workplan=workplan, kind=KPIKind.ENTERED).order_by("pk"):
        for quarter in range(1, upto + 1):
            if (kpi.pk, quarter) in have:
                continue
            services.record_measurement(
                actor=staff, kpi=kpi, quarter=quarter, value=_demo_value(kpi, quarter)
            )
            added += 1
    return added


def _demo_value(kpi: Any, quarter: int) -> Decimal:
    if kpi.unit == KPIUnit.PERCENT:
        return Decimal(84 + 2 * quarter)  # a survey's share of positive answers
    if kpi.aggregation == Aggregation.LATEST:
        return Decimal(1800 + 140 * quarter)  # a following that grows each quarter
    if kpi.target is None:
        return Decimal(3 * quarter)
    return (kpi.target / 4 * PACE[quarter]).quantize(Decimal("1"))
