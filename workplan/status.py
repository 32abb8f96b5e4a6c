"""R-22: a KPI's status against the share of the fiscal year elapsed. Pure: no ORM, no clock.

On track when the actual is at least the target times the share of the year elapsed; at risk
from 75% of that expected value; behind below. A rate (a percent such as retention or QA
coverage) is not earned over the year, so callers pass ``share=Decimal(1)`` for it.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

AT_RISK_FROM = Decimal("0.75")


class Status(StrEnum):
    ON_TRACK = "on_track"
    AT_RISK = "at_risk"
    BEHIND = "behind"
    NO_DATA = "no_data"
    TRACKED = "tracked"  # no target: the actual is reported, not judged

    @property
    def label(self) -> str:
        return {
            "on_track": "On track",
            "at_risk": "At risk",
            "behind": "Behind",
            "no_data": "No data yet",
            "tracked": "Tracked",
        }[self.value]


@dataclass(frozen=True)
class Progress:
    expected: Decimal | None  # the target times the share of the year; None without a target
    percent_of_target: Decimal | None  # actual / target x 100, unrounded; None without either
    status: Status


def _decimal(name: str, value: object) -> Decimal:
    if isinstance(value, float) or not isinstance(value, (Decimal, int)):
        raise TypeError(f"{name} must be a Decimal, not {type(value).__name__}")
    return Decimal(value)


def share_of_year(today: date, *, starts_on: date, ends_on: date) -> Decimal:
    """Return the fraction (0-1) of the period elapsed by the end of ``today``.

    Days are counted inclusive: on the first day 1/365 of the year has elapsed, on the last
    day all of it. Before the start it is 0, after the end 1. ValueError when the period ends
    before it starts.
    """
    if ends_on < starts_on:
        raise ValueError("the period ends before it starts")
    if today < starts_on:
        return Decimal(0)
    if today >= ends_on:
        return Decimal(1)
    total = (ends_on - starts_on).days + 1
    return Decimal((today - starts_on).days + 1) / Decimal(total)


def kpi_progress(
    actual: Decimal | int | None, target: Decimal | int | None, share: Decimal
) -> Progress:
    """Return a KPI's expected value by now, its percent of target and its status (R-22).

    Without a target the KPI is only tracked. Without an actual there is no data yet.
    """
    share = _decimal("share", share)
    if not Decimal(0) <= share <= Decimal(1):
        raise ValueError("the share of the year is a fraction between 0 and 1")
    if actual is not None:
        _decimal("actual", actual)
    if target is None:
        return Progress(None, None, Status.TRACKED)
    target = _decimal("target", target)
    if target < 0:
        raise ValueError("a target is not negative")
    expected = target * share
    if actual is None:
        return Progress(expected, None, Status.NO_DATA)
    actual = _decimal("actual", actual)
    percent = actual / target * 100 if target else None
    if actual >= expected:
        status = Status.ON_TRACK
    elif actual >= expected * AT_RISK_FROM:
        status = Status.AT_RISK
    else:
        status = Status.BEHIND
    return Progress(expected, percent, status)
