"""R-11: a certificate's expiry (pure rules, no database)."""

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from audits.certification import certificate_expiry
from cor_portal.program.periods import valid_on

D = date


@pytest.mark.parametrize(
    ("certified_on", "validity_years", "expires_on"),
    [
        (D(2024, 5, 3), 3, D(2027, 5, 3)),  # T13
        (D(2024, 2, 29), 3, D(2027, 2, 28)),  # Feb 29 -> Feb 28
        (D(2024, 2, 29), 4, D(2028, 2, 29)),  # a leap year again: Feb 29 stays
        (D(2024, 2, 28), 3, D(2027, 2, 28)),
        (D(2024, 3, 1), 3, D(2027, 3, 1)),
        (D(2024, 12, 31), 3, D(2027, 12, 31)),
        (D(2025, 1, 1), 3, D(2028, 1, 1)),
        (D(2024, 5, 3), 1, D(2025, 5, 3)),
        (D(2024, 2, 29), 1, D(2025, 2, 28)),
    ],
)
def test_certificate_expires_on_the_same_month_and_day_years_later(
    certified_on, validity_years, expires_on
):
    assert certificate_expiry(certified_on, validity_years=validity_years) == expires_on


def test_certificate_lasts_three_years_by_default():
    assert certificate_expiry(D(2024, 5, 3)) == D(2027, 5, 3)


@pytest.mark.parametrize("years", [0, -1])
def test_validity_of_less_than_a_year_is_refused(years):
    with pytest.raises(ValueError, match="at least one year"):
        certificate_expiry(D(2024, 5, 3), validity_years=years)


def test_certificate_is_valid_up_to_the_day_before_expiry():
    certified_on = D(2024, 5, 3)
    expires_on = certificate_expiry(certified_on)

    assert not valid_on(D(2024, 5, 2), issued_on=certified_on, expires_on=expires_on)
    assert valid_on(D(2024, 5, 3), issued_on=certified_on, expires_on=expires_on)
    assert valid_on(D(2027, 5, 2), issued_on=certified_on, expires_on=expires_on)
    assert not valid_on(D(2027, 5, 3), issued_on=certified_on, expires_on=expires_on)


@given(st.dates(min_value=D(1990, 1, 1), max_value=D(2090, 12, 31)), st.integers(1, 10))
def test_expiry_keeps_the_month_and_the_day_except_february_29(certified_on, years):
    expires_on = certificate_expiry(certified_on, validity_years=years)

    assert expires_on.year == certified_on.year + years
    assert expires_on.month == certified_on.month
    if (certified_on.month, certified_on.day) == (2, 29):
        assert expires_on.day in (28, 29)
    else:
        assert expires_on.day == certified_on.day
    assert timedelta(days=365 * years) <= expires_on - certified_on
    assert expires_on - certified_on <= timedelta(days=366 * years)
