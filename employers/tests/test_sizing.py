from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from employers.sizing import size_class


@pytest.mark.parametrize(
    ("employees", "expected"),
    [(0, "small"), (19, "small"), (20, "large"), (21, "large"), (5000, "large")],
)
def test_headcount_decides_without_payroll_hours(employees, expected):
    assert size_class(employees=employees) == expected


@pytest.mark.parametrize(
    ("hours", "expected"),
    [
        ("41599", "small"),  # 19.9995 FTE
        ("41599.99", "small"),
        ("41600", "large"),  # 20.0 FTE
        ("41600.01", "large"),
        ("36000", "small"),  # 17.3 FTE (go2HR example)
        ("0", "small"),
    ],
)
def test_payroll_hours_boundary_is_unrounded_fte(hours, expected):
    assert size_class(payroll_hours=Decimal(hours)) == expected


def test_payroll_hours_win_over_headcount():
    assert size_class(employees=50, payroll_hours=Decimal("41599")) == "small"
    assert size_class(employees=5, payroll_hours=Decimal("41600")) == "large"


def test_threshold_and_hours_per_fte_are_settings():
    assert size_class(employees=9, threshold=10) == "small"
    assert size_class(employees=10, threshold=10) == "large"
    assert size_class(payroll_hours=Decimal("39000"), hours_per_fte=1950) == "large"


@pytest.mark.parametrize(
    "kwargs",
    [{}, {"employees": -1}, {"payroll_hours": Decimal("-0.01")}],
)
def test_missing_or_negative_counts_are_refused(kwargs):
    with pytest.raises(ValueError, match=r"employees|payroll_hours"):
        size_class(**kwargs)


def test_float_hours_are_refused():
    with pytest.raises(TypeError):
        size_class(payroll_hours=41600.0)  # type: ignore[arg-type]


@given(st.integers(min_value=0, max_value=10**7))
def test_payroll_large_exactly_when_fte_reaches_twenty(hours):
    expected = "large" if Decimal(hours) / 2080 >= 20 else "small"
    assert size_class(payroll_hours=Decimal(hours)) == expected
