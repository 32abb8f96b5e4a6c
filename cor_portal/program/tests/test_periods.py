from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cor_portal.program.periods import (
    add_months,
    add_years,
    fiscal_year_end,
    fiscal_year_start,
    valid_on,
)


@pytest.mark.parametrize(
    ("day", "years", "expected"),
    [
        (date(2024, 5, 3), 3, date(2027, 5, 3)),
        (date(2024, 2, 29), 3, date(2027, 2, 28)),
        (date(2024, 2, 29), 4, date(2028, 2, 29)),
        (date(2023, 12, 31), 3, date(2026, 12, 31)),
        (date(2024, 2, 28), 3, date(2027, 2, 28)),
    ],
)
def test_add_years_keeps_month_and_day_and_turns_leap_day_into_feb_28(day, years, expected):
    assert add_years(day, years) == expected


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2024, 3, 1), 12, date(2025, 3, 1)),
        (date(2024, 1, 31), 1, date(2024, 2, 29)),
        (date(2023, 1, 31), 1, date(2023, 2, 28)),
        (date(2024, 11, 15), 3, date(2025, 2, 15)),
        (date(2024, 3, 1), -12, date(2023, 3, 1)),
        (date(2024, 3, 31), -1, date(2024, 2, 29)),
    ],
)
def test_add_months_clamps_to_the_last_day_of_the_month(day, months, expected):
    assert add_months(day, months) == expected


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2024, 5, 2), False),  # the day before issue
        (date(2024, 5, 3), True),  # the day of issue
        (date(2027, 5, 2), True),  # the last valid day
        (date(2027, 5, 3), False),  # the expiry day itself
    ],
)
def test_valid_from_issue_up_to_but_not_including_expiry(day, expected):
    assert valid_on(day, issued_on=date(2024, 5, 3), expires_on=date(2027, 5, 3)) is expected


def test_nothing_is_valid_without_dates():
    assert valid_on(date(2025, 1, 1), issued_on=None, expires_on=date(2026, 1, 1)) is False
    assert valid_on(date(2025, 1, 1), issued_on=date(2024, 1, 1), expires_on=None) is False


@pytest.mark.parametrize(
    ("day", "start", "end"),
    [
        (date(2024, 3, 31), date(2023, 4, 1), date(2024, 3, 31)),
        (date(2024, 4, 1), date(2024, 4, 1), date(2025, 3, 31)),
        (date(2024, 12, 31), date(2024, 4, 1), date(2025, 3, 31)),
        (date(2025, 1, 1), date(2024, 4, 1), date(2025, 3, 31)),
    ],
)
def test_fiscal_year_runs_april_to_march(day, start, end):
    assert fiscal_year_start(day) == start
    assert fiscal_year_end(day) == end


@given(st.dates(min_value=date(1901, 1, 1), max_value=date(2400, 12, 31)))
def test_a_fiscal_year_is_contiguous_and_contains_its_day(day):
    start, end = fiscal_year_start(day), fiscal_year_end(day)
    assert start <= day <= end
    assert fiscal_year_start(end + timedelta(days=1)) == end + timedelta(days=1)


@given(st.dates(min_value=date(1901, 1, 1), max_value=date(2390, 12, 31)), st.integers(0, 9))
def test_add_years_never_moves_the_month(day, years):
    later = add_years(day, years)
    assert later.month == day.month
    assert later.year == day.year + years
