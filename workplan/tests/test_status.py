"""R-22 status thresholds, at their exact boundaries (pure rule, no database)."""

from datetime import date
from decimal import Decimal

import pytest

from workplan.status import Status, kpi_progress, share_of_year

START, END = date(2023, 4, 1), date(2024, 3, 31)  # 366 days (leap year 2024)
D = Decimal


@pytest.mark.parametrize(
    ("actual", "status"),
    [
        (D("50"), Status.ON_TRACK),  # exactly target x share
        (D("49.99"), Status.AT_RISK),
        (D("37.5"), Status.AT_RISK),  # exactly 75% of the expected value
        (D("37.49"), Status.BEHIND),
        (D("0"), Status.BEHIND),
        (D("120"), Status.ON_TRACK),
    ],
)
def test_status_boundaries_at_half_the_year(actual, status):
    progress = kpi_progress(actual, D("100"), D("0.5"))
    assert progress.expected == D("50")
    assert progress.status == status


def test_percent_of_target_is_exact():
    assert kpi_progress(D("12"), D("15"), D("1")).percent_of_target == D("80")


def test_no_actual_is_no_data_and_no_target_is_tracked():
    assert kpi_progress(None, D("10"), D("0.5")).status == Status.NO_DATA
    tracked = kpi_progress(D("7"), None, D("0.5"))
    assert tracked.status == Status.TRACKED
    assert tracked.expected is None


def test_zero_target_or_start_of_year_is_on_track():
    assert kpi_progress(D("0"), D("0"), D("0.5")).status == Status.ON_TRACK
    assert kpi_progress(D("0"), D("600"), D("0")).status == Status.ON_TRACK


def test_floats_are_refused():
    with pytest.raises(TypeError):
        kpi_progress(1.0, D("10"), D("0.5"))  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        kpi_progress(D("1"), D("10"), 0.5)  # type: ignore[arg-type]


def test_bad_share_or_target_is_refused():
    with pytest.raises(ValueError, match="fraction"):
        kpi_progress(D("1"), D("10"), D("1.1"))
    with pytest.raises(ValueError, match="negative"):
        kpi_progress(D("1"), D("-1"), D("0.5"))


@pytest.mark.parametrize(
    ("today", "share"),
    [
        (date(2023, 3, 31), D(0)),  # the day before the year
        (date(2023, 4, 1), D(1) / D(366)),  # the first day counts
        (date(2023, 9, 30), D(183) / D(366)),  # half of a leap fiscal year
        (date(2024, 3, 31), D(1)),
        (date(2024, 4, 1), D(1)),
    ],
)
def test_share_of_year_counts_days_inclusive(today, share):
    assert share_of_year(today, starts_on=START, ends_on=END) == share


def test_share_of_year_refuses_a_backwards_period():
    with pytest.raises(ValueError, match="before it starts"):
        share_of_year(START, starts_on=END, ends_on=START)


def test_status_on_the_first_day_of_the_year():
    """On April 1 of a 365-day year, 600 x 1/365 = 1.64 completions are expected."""
    share = share_of_year(date(2024, 4, 1), starts_on=date(2024, 4, 1), ends_on=date(2025, 3, 31))
    assert kpi_progress(D("2"), D("600"), share).status == Status.ON_TRACK
    assert kpi_progress(D("1.3"), D("600"), share).status == Status.AT_RISK  # >= 1.2329
    assert kpi_progress(D("1"), D("600"), share).status == Status.BEHIND
