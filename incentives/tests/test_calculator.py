"""R-17: the incentive of one CU, to the cent, half up, rounded once (DESIGN.md section 3)."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from incentives.calculator import incentive_amount

D = Decimal


def test_the_design_example():
    # $60,000,000 / 100 x $3.83 x 10% = $229,800.00
    assert incentive_amount(assessable_payroll=D("60000000"), base_rate=D("3.83")) == D("229800.00")


def test_the_percent_defaults_to_ten_and_rtw_is_five():
    args = {"assessable_payroll": D("1000000"), "base_rate": D("2.00")}
    assert incentive_amount(**args) == D("2000.00")
    assert incentive_amount(**args, percent=D("5")) == D("1000.00")


@pytest.mark.parametrize(
    ("payroll", "expected"),
    [
        # 50.05 / 100 x 1.00 x 10% = 0.05005 -> 0.05 (below the half cent)
        ("50.05", "0.05"),
        # 50.00 / 100 x 1.00 x 10% = 0.05 exactly
        ("50.00", "0.05"),
        # 45.00 / 100 x 1.00 x 10% = 0.045 -> 0.05 (half up, not half even)
        ("45.00", "0.05"),
        # 44.99 -> 0.04499 -> 0.04
        ("44.99", "0.04"),
        # 25.00 -> 0.025 -> 0.03 (half even would give 0.02)
        ("25.00", "0.03"),
        # 15.00 -> 0.015 -> 0.02
        ("15.00", "0.02"),
    ],
)
def test_rounding_is_half_up_at_the_half_cent(payroll, expected):
    assert incentive_amount(assessable_payroll=D(payroll), base_rate=D("1.00")) == D(expected)


def test_rounded_once_not_per_step():
    # Exact: 4.44 / 100 x 100.00 x 10% = 0.444 -> 0.44. Rounding payroll / 100 to the cent
    # first would give 0.04 x 100.00 x 10% = 0.40.
    assert incentive_amount(assessable_payroll=D("4.44"), base_rate=D("100.00")) == D("0.44")
    assert incentive_amount(assessable_payroll=D("12345.67"), base_rate=D("3.33")) == D("41.11")


def test_zero_payroll_or_rate_earns_nothing():
    assert incentive_amount(assessable_payroll=D("0"), base_rate=D("3.83")) == D("0.00")
    assert incentive_amount(assessable_payroll=D("100"), base_rate=D("0")) == D("0.00")


@pytest.mark.parametrize(
    "kwargs",
    [
        {"assessable_payroll": 60000000.0, "base_rate": D("3.83")},
        {"assessable_payroll": D("1"), "base_rate": 3.83},
        {"assessable_payroll": D("1"), "base_rate": D("1"), "percent": 10.0},
        {"assessable_payroll": 100, "base_rate": D("1")},
    ],
)
def test_a_float_or_int_is_refused(kwargs):
    with pytest.raises(TypeError):
        incentive_amount(**kwargs)


@pytest.mark.parametrize(
    "kwargs",
    [
        {"assessable_payroll": D("-1"), "base_rate": D("3.83")},
        {"assessable_payroll": D("1"), "base_rate": D("-0.01")},
        {"assessable_payroll": D("1"), "base_rate": D("1"), "percent": D("100.01")},
        {"assessable_payroll": D("1"), "base_rate": D("1"), "percent": D("-1")},
        {"assessable_payroll": D("NaN"), "base_rate": D("1")},
    ],
)
def test_out_of_range_values_are_refused(kwargs):
    with pytest.raises(ValueError, match=r"negative|between|finite"):
        incentive_amount(**kwargs)


money = st.decimals(min_value=0, max_value=D("999999999999.99"), places=2)
rates = st.decimals(min_value=0, max_value=D("999999.99"), places=2)
percents = st.decimals(min_value=0, max_value=100, places=2)


@given(payroll=money, rate=rates, percent=percents)
def test_result_is_the_exact_value_rounded_half_up_to_the_cent(payroll, rate, percent):
    result = incentive_amount(assessable_payroll=payroll, base_rate=rate, percent=percent)
    exact = payroll * rate * percent / 10000  # hypothesis values fit 28 digits exactly here
    assert result.as_tuple().exponent == -2
    assert abs(result - exact) <= D("0.005")
    if abs(result - exact) == D("0.005"):
        assert result > exact  # a half cent goes up


@given(payroll=money, rate=rates, percent=percents)
def test_never_negative_and_monotonic_in_payroll(payroll, rate, percent):
    lower = incentive_amount(assessable_payroll=payroll, base_rate=rate, percent=percent)
    higher = incentive_amount(
        assessable_payroll=payroll + D("1000"), base_rate=rate, percent=percent
    )
    assert D("0") <= lower <= higher


@given(payroll=money, rate=rates)
def test_ten_percent_is_twice_five_percent_within_a_cent(payroll, rate):
    ten = incentive_amount(assessable_payroll=payroll, base_rate=rate)
    five = incentive_amount(assessable_payroll=payroll, base_rate=rate, percent=D("5"))
    assert abs(ten - 2 * five) <= D("0.01")
