"""Calendar arithmetic the program's rules share: pure functions, dates in, dates out.

Certificates and auditor certifications both expire a number of years after they are issued
(same month and day; February 29 becomes February 28) and are valid on a day d when
``issued <= d < expires``; fiscal years run from a start month. Kept here, beside the program
rules, so every app uses the one definition.
"""

import calendar
from datetime import date


def add_years(day: date, years: int) -> date:
    """Return the same month and day ``years`` later; February 29 becomes February 28."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # February 29 in a year that has none
        return day.replace(year=day.year + years, day=28)


def add_months(day: date, months: int) -> date:
    """Return the same day ``months`` later, or the month's last day when it has no such day."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def valid_on(day: date, *, issued_on: date | None, expires_on: date | None) -> bool:
    """Return whether something issued and expiring on these dates is valid on the day."""
    if issued_on is None or expires_on is None:
        return False
    return issued_on <= day < expires_on


def fiscal_year_start(day: date, *, start_month: int = 4) -> date:
    """Return the first day of the fiscal year the day falls in (April 1 by default)."""
    year = day.year if day.month >= start_month else day.year - 1
    return date(year, start_month, 1)


def fiscal_year_end(day: date, *, start_month: int = 4) -> date:
    """Return the last day of the fiscal year the day falls in (March 31 by default)."""
    start = fiscal_year_start(day, start_month=start_month)
    return date.fromordinal(add_months(start, 12).toordinal() - 1)
