"""R-5: the 3-year cycle that follows a certificate (pure).

Year 1 is the certification (or recertification) audit that dated the certificate; years 2
and 3 each need one maintenance audit whose onsite work ends by the cutoff (December 31) of
that calendar year; recertification must finish onsite before the certificate expires.
"""

import calendar
from dataclasses import dataclass
from datetime import date, timedelta


@dataclass(frozen=True)
class CycleYear:
    """One year of a cycle: which audit it needs and the last day its onsite work may end."""

    number: int
    audit_type: str
    calendar_year: int
    due_by: date


def _cutoff(year: int, month: int, day: int) -> date:
    """Return the cutoff of a calendar year (a day past the month's end is its last day)."""
    return date(year, month, min(day, calendar.monthrange(year, month)[1]))


def cycle_schedule(
    certified_on: date,
    expires_on: date,
    *,
    cutoff_month: int = 12,
    cutoff_day: int = 31,
) -> tuple[CycleYear, ...]:
    """Return the cycle of a certificate dated ``certified_on`` and expiring ``expires_on``.

    Maintenance years are the calendar years after the certificate's, until the expiry year;
    recertification is due the day before expiry (onsite must finish before it).
    """
    years = [CycleYear(1, "certification", certified_on.year, certified_on)]
    for offset in range(1, expires_on.year - certified_on.year):
        year = certified_on.year + offset
        years.append(
            CycleYear(offset + 1, "maintenance", year, _cutoff(year, cutoff_month, cutoff_day))
        )
    years.append(
        CycleYear(
            len(years) + 1, "recertification", expires_on.year, expires_on - timedelta(days=1)
        )
    )
    return tuple(years)


def cycle_year_for(
    schedule: tuple[CycleYear, ...], audit_type: str, starts_on: date
) -> CycleYear | None:
    """Return the cycle year an audit of a type starting on a date belongs to, if any."""
    for year in schedule:
        if year.audit_type == audit_type and (
            year.calendar_year == starts_on.year or audit_type == "recertification"
        ):
            return year
    return None


def past_cutoff(onsite_due: date, year: CycleYear | None) -> bool:
    """Return whether an audit's onsite deadline falls after its cycle year's cutoff."""
    return year is not None and onsite_due > year.due_by
