"""Every change to a workplan: atomic, takes the ``actor`` and records history."""

from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from cor_portal import lifecycle

from . import selectors
from .models import (
    KPI,
    Activity,
    KPIUnit,
    Mandate,
    Measurement,
    OutcomeIndicator,
    Snapshot,
    SnapshotValue,
    Workplan,
)

MANDATE_FIELDS = ("number", "optional", "title", "reference", "objective", "action_plan")
ACTIVITY_FIELDS = (
    "position",
    "description",
    "inputs",
    "budget",
    "time_frame",
    "responsible",
    "anticipated_outputs",
    "progress_reporting",
)
KPI_FIELDS = (
    "activity",
    "position",
    "description",
    "target",
    "unit",
    "kind",
    "source",
    "aggregation",
)
INDICATOR_FIELDS = ("position", "indicator", "data_collection", "time_line", "evaluation_result")


def _values(obj: Any) -> dict[str, Any] | None:
    """Return a stored record's field values (None for a new one), to tell if a load changed it."""
    if obj.pk is None:
        return None
    return {f.attname: getattr(obj, f.attname) for f in obj._meta.concrete_fields}


def _save_changed(obj: Any, actor: Any, before: dict[str, Any] | None) -> Any:
    """Save ``obj`` when it is new or differs from ``before``: an unchanged reload writes no
    row and no history."""
    if before is not None and _values(obj) == before:
        return obj
    return lifecycle.save(obj, actor)


def _assign(obj: Any, fields: dict[str, Any]) -> Any:
    for name, value in fields.items():
        setattr(obj, name, value)
    return obj


@transaction.atomic
def save_workplan(*, actor: Any, workplan: Workplan | None = None, **fields: Any) -> Workplan:
    """Add a workplan or change its title or fiscal year."""
    lifecycle.check_fields(fields, ("title", "starts_on"))
    return lifecycle.save(_assign(workplan or Workplan(), fields), actor)


@transaction.atomic
def save_mandate(
    *, actor: Any, workplan: Workplan, mandate: Mandate | None = None, **fields: Any
) -> Mandate:
    lifecycle.check_fields(fields, MANDATE_FIELDS)
    return lifecycle.save(_assign(mandate or Mandate(workplan=workplan), fields), actor)


@transaction.atomic
def save_activity(
    *, actor: Any, mandate: Mandate, activity: Activity | None = None, **fields: Any
) -> Activity:
    lifecycle.check_fields(fields, ACTIVITY_FIELDS)
    return lifecycle.save(_assign(activity or Activity(mandate=mandate), fields), actor)


@transaction.atomic
def save_kpi(*, actor: Any, mandate: Mandate, kpi: KPI | None = None, **fields: Any) -> KPI:
    lifecycle.check_fields(fields, KPI_FIELDS)
    activity = fields.get("activity")
    if activity is not None and activity.mandate_id != mandate.pk:
        raise ValidationError({"activity": _("Choose an activity of this mandate.")})
    return lifecycle.save(_assign(kpi or KPI(mandate=mandate), fields), actor)


@transaction.atomic
def save_indicator(
    *, actor: Any, mandate: Mandate, outcome: OutcomeIndicator | None = None, **fields: Any
) -> OutcomeIndicator:
    """Add or change an outcome indicator (``outcome``) of the mandate."""
    lifecycle.check_fields(fields, INDICATOR_FIELDS)
    return lifecycle.save(_assign(outcome or OutcomeIndicator(mandate=mandate), fields), actor)


@transaction.atomic
def approve_workplan(
    *, actor: Any, workplan: Workplan, approved_by: str, approved_on: date
) -> Workplan:
    """Record the board chair's approval of the workplan and its date (R-21)."""
    if not approved_by.strip():
        raise ValidationError({"approved_by": _("Name the board chair who approved it.")})
    workplan.approved_by = approved_by.strip()
    workplan.approved_on = approved_on
    return lifecycle.save(workplan, actor)


@transaction.atomic
def record_measurement(
    *, actor: Any, kpi: KPI, quarter: int, value: Decimal | None, note: str = ""
) -> Measurement | None:
    """Enter (or change, or with ``value=None`` clear) an entered KPI's value for a quarter."""
    if kpi.is_computed:
        raise ValidationError(_("A computed KPI is counted from the records; it is not entered."))
    if quarter not in (1, 2, 3, 4):
        raise ValidationError({"quarter": _("A quarter is 1, 2, 3 or 4.")})
    measurement = Measurement.objects.filter(kpi=kpi, quarter=quarter).first()
    if value is None:
        if measurement is not None:
            lifecycle.delete(measurement, actor)
        return None
    if kpi.unit == KPIUnit.PERCENT and value > 100:
        raise ValidationError(_("A percent is between 0 and 100."))
    measurement = measurement or Measurement(kpi=kpi, quarter=quarter)
    measurement.value = value
    measurement.note = note
    return lifecycle.save(measurement, actor)


@transaction.atomic
def freeze_snapshot(
    *, actor: Any, workplan: Workplan, quarter: int, commentary: str, as_of: date
) -> Snapshot:
    """Freeze the actuals of every KPI as of a day, for a quarter, with commentary.

    The values are copied (description, target, actual, status), so a snapshot never changes
    when records, targets or measurements change later. One snapshot per quarter.
    """
    if not commentary.strip():
        raise ValidationError({"commentary": _("Write the commentary the board will read.")})
    if quarter not in (1, 2, 3, 4):
        raise ValidationError({"quarter": _("A quarter is 1, 2, 3 or 4.")})
    if Snapshot.objects.filter(workplan=workplan, quarter=quarter).exists():
        raise ValidationError({"quarter": _("This quarter's snapshot is already frozen.")})
    if not workplan.starts_on <= as_of:
        raise ValidationError({"as_of": _("The day is before the fiscal year starts.")})
    board = selectors.dashboard(workplan, today=as_of)
    snapshot = Snapshot.objects.create(
        workplan=workplan,
        quarter=quarter,
        as_of=as_of,
        commentary=commentary.strip(),
        frozen_by=lifecycle.actor_or_none(actor),
    )
    rows: list[SnapshotValue] = []
    for mandate in board.mandates:
        for row in mandate.kpis:
            rows.append(
                SnapshotValue(
                    snapshot=snapshot,
                    kpi=row.kpi,
                    mandate_label=mandate.mandate.label,
                    description=row.kpi.description,
                    target=row.kpi.target,
                    unit=row.kpi.unit,
                    actual=None
                    if row.actual is None
                    else Decimal(row.actual).quantize(Decimal("0.01")),
                    status=row.progress.status.value,
                    position=len(rows),
                )
            )
    SnapshotValue.objects.bulk_create(rows)
    return snapshot


def _year_shift(old: int, new: int) -> Any:
    """Return a function moving "April 23 - March 24" style time frames to the new year."""
    pairs = [
        (f"April {old % 100:02d}", f"April {new % 100:02d}"),
        (f"March {(old + 1) % 100:02d}", f"March {(new + 1) % 100:02d}"),
        (f"April {old}", f"April {new}"),
        (f"March {old + 1}", f"March {new + 1}"),
    ]

    def shift(text: str) -> str:
        for before, after in pairs:
            text = text.replace(before, after)
        return text

    return shift


@transaction.atomic
def clone_workplan(*, actor: Any, workplan: Workplan, starts_on: date | None = None) -> Workplan:
    """Copy a workplan into the next fiscal year: mandates, activities, KPIs with their targets
    and outcome indicators; no measurements, snapshots, evaluation results or approval."""
    starts_on = starts_on or date(workplan.starts_on.year + 1, 4, 1)
    if Workplan.objects.filter(starts_on=starts_on).exists():
        raise ValidationError(
            {
                "starts_on": _("There is already a workplan for the fiscal year starting %(day)s.")
                % {"day": starts_on.isoformat()}
            }
        )
    old_label = workplan.fiscal_year_label
    copy = Workplan(starts_on=starts_on, title="", cloned_from=workplan)
    new_label = copy.fiscal_year_label
    copy.title = (
        workplan.title.replace(old_label, new_label)
        if old_label in workplan.title
        else (f"{workplan.title} ({new_label})")
    )
    lifecycle.save(copy, actor)
    shift = _year_shift(workplan.starts_on.year, starts_on.year)
    for mandate in workplan.mandates.prefetch_related("activities", "kpis", "indicators"):
        new_mandate = lifecycle.save(
            Mandate(workplan=copy, **{f: getattr(mandate, f) for f in MANDATE_FIELDS}), actor
        )
        activities = {}
        for activity in mandate.activities.all():
            fields = {f: getattr(activity, f) for f in ACTIVITY_FIELDS}
            fields["time_frame"] = shift(fields["time_frame"])
            activities[activity.pk] = lifecycle.save(Activity(mandate=new_mandate, **fields), actor)
        for kpi in mandate.kpis.all():
            fields = {f: getattr(kpi, f) for f in KPI_FIELDS if f != "activity"}
            lifecycle.save(
                KPI(mandate=new_mandate, activity=activities.get(kpi.activity_id or 0), **fields),
                actor,
            )
        for indicator in mandate.indicators.all():
            fields = {
                f: getattr(indicator, f) for f in INDICATOR_FIELDS if f != "evaluation_result"
            }
            fields["time_line"] = shift(fields["time_line"])
            lifecycle.save(OutcomeIndicator(mandate=new_mandate, **fields), actor)
    return copy


@transaction.atomic
def load_workplan(*, actor: Any, data: dict[str, Any]) -> tuple[Workplan, bool]:
    """Load a workplan from its JSON form (see ``workplan/fixtures``): idempotent.

    The workplan is keyed by its fiscal year; mandates by number; activities, KPIs and
    indicators by their text within the mandate (their order is the file's). Running it again
    changes what the file changes and adds nothing else; a part the file no longer names is
    left as it is. Returns the workplan and whether it was created.
    """
    try:
        starts_on = date.fromisoformat(data["starts_on"])
        workplan = Workplan.objects.filter(starts_on=starts_on).first()
        created = workplan is None
        workplan = workplan or Workplan(starts_on=starts_on)
        before = _values(workplan)
        workplan.title = data["title"]
        workplan.approved_by = data.get("approved_by", "")
        approved_on = data.get("approved_on")
        workplan.approved_on = date.fromisoformat(approved_on) if approved_on else None
        _save_changed(workplan, actor, before)
        for m in data["mandates"]:
            mandate = Mandate.objects.filter(workplan=workplan, number=m["number"]).first()
            mandate = mandate or Mandate(workplan=workplan)
            before = _values(mandate)
            _assign(mandate, {f: m.get(f, "") for f in MANDATE_FIELDS if f != "optional"})
            mandate.optional = bool(m.get("optional", False))
            _save_changed(mandate, actor, before)
            activities = []
            for position, a in enumerate(m.get("activities", []), start=1):
                activity = Activity.objects.filter(
                    mandate=mandate, description=a["description"]
                ).first() or Activity(mandate=mandate)
                before = _values(activity)
                activity.position = position
                fields = {
                    f: a.get(f, "") for f in ACTIVITY_FIELDS if f not in ("position", "budget")
                }
                _assign(activity, fields)
                activity.budget = Decimal(str(a["budget"])) if a.get("budget") is not None else None
                activities.append(_save_changed(activity, actor, before))
            for position, k in enumerate(m.get("kpis", []), start=1):
                kpi = KPI.objects.filter(
                    mandate=mandate, description=k["description"]
                ).first() or KPI(mandate=mandate)
                before = _values(kpi)
                kpi.position = position
                kpi.description = k["description"]
                kpi.target = None if k.get("target") is None else Decimal(str(k["target"]))
                kpi.unit = k.get("unit", "count")
                kpi.source = k.get("source", "")
                kpi.kind = "computed" if kpi.source else "entered"
                kpi.aggregation = k.get("aggregation", "sum")
                index = k.get("activity")
                kpi.activity = activities[index - 1] if index else None
                _save_changed(kpi, actor, before)
            for position, i in enumerate(m.get("indicators", []), start=1):
                indicator = OutcomeIndicator.objects.filter(
                    mandate=mandate, indicator=i["indicator"]
                ).first() or OutcomeIndicator(mandate=mandate)
                before = _values(indicator)
                indicator.position = position
                _assign(
                    indicator,
                    {
                        f: i.get(f, "")
                        for f in INDICATOR_FIELDS
                        if f not in ("position", "evaluation_result")
                    },
                )
                _save_changed(indicator, actor, before)
    except (KeyError, TypeError, ValueError, IndexError) as error:
        raise ValidationError(
            _("The workplan file is not in the expected form: %(error)s") % {"error": error}
        )
    return workplan, created
