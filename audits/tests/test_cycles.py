"""R-5: the 3-year cycle that follows a certificate (pure rules, no database)."""

from datetime import date, timedelta
from itertools import pairwise

import pytest
from hypothesis import given
from hypothesis import strategies as st

from audits.certification import certificate_expiry
from audits.cycles import CycleYear, cycle_schedule, cycle_year_for, past_cutoff
from audits.deadlines import audit_deadlines

D = date


def test_cycle_of_a_certificate_dated_2024_05_03():
    # T13: maintenance audits in 2025 and 2026, recertification onsite before expiry.
    assert cycle_schedule(D(2024, 5, 3), D(2027, 5, 3)) == (
        CycleYear(1, "certification", 2024, D(2024, 5, 3)),
        CycleYear(2, "maintenance", 2025, D(2025, 12, 31)),
        CycleYear(3, "maintenance", 2026, D(2026, 12, 31)),
        CycleYear(4, "recertification", 2027, D(2027, 5, 2)),
    )


def test_cycle_of_a_december_certificate():
    assert cycle_schedule(D(2024, 12, 30), D(2027, 12, 30)) == (
        CycleYear(1, "certification", 2024, D(2024, 12, 30)),
        CycleYear(2, "maintenance", 2025, D(2025, 12, 31)),
        CycleYear(3, "maintenance", 2026, D(2026, 12, 31)),
        CycleYear(4, "recertification", 2027, D(2027, 12, 29)),
    )


def test_cycle_of_a_january_1_certificate_ends_on_december_31():
    schedule = cycle_schedule(D(2025, 1, 1), certificate_expiry(D(2025, 1, 1)))

    assert [(y.audit_type, y.due_by) for y in schedule] == [
        ("certification", D(2025, 1, 1)),
        ("maintenance", D(2026, 12, 31)),
        ("maintenance", D(2027, 12, 31)),
        ("recertification", D(2027, 12, 31)),
    ]


def test_cycle_of_a_february_29_certificate():
    expires_on = certificate_expiry(D(2024, 2, 29))

    assert expires_on == D(2027, 2, 28)
    assert cycle_schedule(D(2024, 2, 29), expires_on)[-1] == CycleYear(
        4, "recertification", 2027, D(2027, 2, 27)
    )


def test_custom_cutoff_june_30():
    # BCFSC-style grace: maintenance onsite by June 30 (research T14).
    schedule = cycle_schedule(D(2024, 5, 3), D(2027, 5, 3), cutoff_month=6, cutoff_day=30)

    assert [y.due_by for y in schedule if y.audit_type == "maintenance"] == [
        D(2025, 6, 30),
        D(2026, 6, 30),
    ]


def test_cutoff_day_past_the_month_end_is_the_month_end():
    schedule = cycle_schedule(D(2026, 5, 3), D(2029, 5, 3), cutoff_month=2, cutoff_day=31)

    assert [y.due_by for y in schedule if y.audit_type == "maintenance"] == [
        D(2027, 2, 28),
        D(2028, 2, 29),
    ]


def test_one_year_certificate_has_no_maintenance_years():
    assert cycle_schedule(D(2024, 5, 3), D(2025, 5, 3)) == (
        CycleYear(1, "certification", 2024, D(2024, 5, 3)),
        CycleYear(2, "recertification", 2025, D(2025, 5, 2)),
    )


# Which cycle year an audit belongs to --------------------------------------------------------

SCHEDULE = cycle_schedule(D(2024, 5, 3), D(2027, 5, 3))


@pytest.mark.parametrize(
    ("audit_type", "starts_on", "number"),
    [
        ("maintenance", D(2025, 1, 1), 2),
        ("maintenance", D(2025, 12, 31), 2),
        ("maintenance", D(2026, 1, 1), 3),
        ("maintenance", D(2026, 12, 31), 3),
        ("maintenance", D(2024, 12, 31), None),  # the certification year has none
        ("maintenance", D(2027, 1, 1), None),  # nor the expiry year
        ("recertification", D(2026, 11, 3), 4),  # whenever it starts
        ("recertification", D(2027, 3, 1), 4),
        ("certification", D(2024, 3, 1), 1),
        ("wiva", D(2025, 6, 1), None),
    ],
)
def test_cycle_year_for_an_audit(audit_type, starts_on, number):
    year = cycle_year_for(SCHEDULE, audit_type, starts_on)

    assert (year.number if year else None) == number


@pytest.mark.parametrize(
    ("onsite_due", "flagged"),
    [
        (D(2025, 12, 30), False),
        (D(2025, 12, 31), False),  # onsite may end on the cutoff itself
        (D(2026, 1, 1), True),
        (D(2026, 1, 4), True),
    ],
)
def test_past_cutoff_boundaries(onsite_due, flagged):
    year = cycle_year_for(SCHEDULE, "maintenance", D(2025, 11, 1))

    assert past_cutoff(onsite_due, year) is flagged


def test_no_cycle_year_is_never_past_cutoff():
    assert past_cutoff(D(2099, 1, 1), None) is False


@pytest.mark.parametrize(
    ("starts_on", "flagged"),
    [
        (D(2025, 11, 1), False),  # onsite due Dec 16
        (D(2025, 11, 16), False),  # onsite due Dec 31: on the cutoff
        (D(2025, 11, 17), True),  # onsite due Jan 1
        (D(2025, 11, 20), True),  # onsite due Jan 4
    ],
)
def test_maintenance_audit_planned_too_late_in_the_year_is_past_cutoff(starts_on, flagged):
    year = cycle_year_for(SCHEDULE, "maintenance", starts_on)

    assert past_cutoff(audit_deadlines(starts_on).onsite_due, year) is flagged


def test_recertification_onsite_due_on_or_after_expiry_is_past_cutoff():
    year = cycle_year_for(SCHEDULE, "recertification", D(2027, 3, 1))

    assert past_cutoff(D(2027, 5, 2), year) is False
    assert past_cutoff(D(2027, 5, 3), year) is True


@given(st.dates(min_value=D(1990, 1, 1), max_value=D(2090, 12, 31)), st.integers(1, 6))
def test_schedule_has_one_year_per_calendar_year_in_order(certified_on, years):
    expires_on = certificate_expiry(certified_on, validity_years=years)

    schedule = cycle_schedule(certified_on, expires_on)

    assert [y.number for y in schedule] == list(range(1, len(schedule) + 1))
    assert [y.calendar_year for y in schedule] == list(
        range(certified_on.year, expires_on.year + 1)
    )
    assert schedule[0].audit_type == "certification"
    assert schedule[-1] == CycleYear(
        len(schedule), "recertification", expires_on.year, expires_on - timedelta(days=1)
    )
    for year in schedule[1:-1]:
        assert year.audit_type == "maintenance"
        assert year.due_by == D(year.calendar_year, 12, 31)
    assert all(a.due_by <= b.due_by for a, b in pairwise(schedule))
