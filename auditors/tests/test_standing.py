"""R-7 and R-16 good standing (pure): may an auditor audit this employer from this date?"""

from dataclasses import replace
from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from auditors.standing import AuditorFacts, Engagement, Standing, audit_standing
from cor_portal.program.periods import add_months, valid_on

EMPLOYER = 7
OTHER_EMPLOYER = 8
CERTIFIED_ON = date(2024, 5, 3)
EXPIRES_ON = date(2027, 5, 3)
START = date(2026, 6, 15)

EXTERNAL = AuditorFacts(
    status="certified",
    kind="external",
    employer_id=None,
    certified_on=CERTIFIED_ON,
    expires_on=EXPIRES_ON,
    declared_years=frozenset({2024, 2025, 2026, 2027}),
)
INTERNAL = replace(EXTERNAL, kind="internal", employer_id=EMPLOYER)


def standing(facts=EXTERNAL, *, starts_on=START, employer_id=EMPLOYER, **kwargs) -> Standing:
    return audit_standing(facts, employer_id=employer_id, starts_on=starts_on, **kwargs)


def test_certified_declared_external_auditor_without_engagements_is_eligible():
    assert standing() == Standing(eligible=True, reasons=())


def test_internal_auditor_of_the_audited_employer_is_eligible():
    assert standing(INTERNAL) == Standing(eligible=True, reasons=())


# Certification valid on the start date: certified_on <= start < expires_on (R-11) ----------


@pytest.mark.parametrize(
    ("starts_on", "eligible"),
    [
        (EXPIRES_ON - timedelta(days=1), True),  # the last valid day
        (EXPIRES_ON, False),  # the day it expires
        (EXPIRES_ON + timedelta(days=1), False),
        (CERTIFIED_ON - timedelta(days=1), False),  # before it was issued
        (CERTIFIED_ON, True),  # the day it was issued
        (CERTIFIED_ON + timedelta(days=1), True),
    ],
)
def test_certification_must_be_valid_on_the_audit_start(starts_on, eligible):
    assert standing(starts_on=starts_on).eligible is eligible


@pytest.mark.parametrize("starts_on", [EXPIRES_ON, EXPIRES_ON + timedelta(days=1)])
def test_expired_certification_names_the_expiry(starts_on):
    result = standing(starts_on=starts_on)

    assert result.reasons == (
        f"The auditor's certification expires on 2027-05-03, on or before the audit start "
        f"({starts_on.isoformat()}).",
    )


def test_certification_issued_after_the_start_names_the_issue_date():
    result = standing(starts_on=CERTIFIED_ON - timedelta(days=1))

    assert result.reasons == (
        "The auditor is certified only from 2024-05-03, after the audit start (2024-05-02).",
    )


@pytest.mark.parametrize(
    ("certified_on", "expires_on"), [(None, None), (CERTIFIED_ON, None), (None, EXPIRES_ON)]
)
def test_certification_without_both_dates_is_not_valid(certified_on, expires_on):
    facts = replace(EXTERNAL, certified_on=certified_on, expires_on=expires_on)

    result = standing(facts)

    assert not result.eligible
    assert any("certif" in reason for reason in result.reasons)


# Annual declaration for the start date's year ------------------------------------------------


@pytest.mark.parametrize(
    ("declared", "starts_on", "eligible"),
    [
        ({2026}, date(2026, 12, 31), True),
        ({2026}, date(2027, 1, 1), False),  # the next year needs its own declaration
        ({2026}, date(2027, 1, 2), False),
        ({2027}, date(2027, 1, 2), True),
        ({2027}, date(2026, 12, 31), False),  # next year's does not cover this year
        ({2025, 2027}, date(2026, 6, 15), False),
        (set(), date(2026, 6, 15), False),
    ],
)
def test_declaration_must_be_filed_for_the_start_dates_year(declared, starts_on, eligible):
    facts = replace(EXTERNAL, declared_years=frozenset(declared))

    result = standing(facts, starts_on=starts_on)

    assert result.eligible is eligible
    if not eligible:
        assert result.reasons == (
            f"The auditor has not filed the annual declaration for {starts_on.year}.",
        )


# Internal auditors audit only their own employer ---------------------------------------------


def test_internal_auditor_of_another_employer_is_not_eligible():
    result = standing(INTERNAL, employer_id=OTHER_EMPLOYER)

    assert result == Standing(
        eligible=False, reasons=("An internal auditor may audit only their own employer.",)
    )


def test_internal_auditor_is_not_held_to_the_consulting_cooling_off():
    # Their own employer's employee; consulting rules are about external auditors.
    ongoing = Engagement(started_on=date(2020, 1, 1), ended_on=None)

    assert standing(INTERNAL, engagements=[ongoing]).eligible


def test_external_auditor_may_audit_any_employer():
    assert standing(employer_id=OTHER_EMPLOYER).eligible


# External auditors: consulting cooling-off (12 months by default) ---------------------------


@pytest.mark.parametrize(
    ("ended_on", "eligible"),
    [
        (date(2025, 7, 15), False),  # 11 months before the start
        (date(2025, 6, 16), False),
        (date(2025, 6, 15), False),  # exactly 12 months: within
        (date(2025, 6, 14), True),  # 12 months and a day
        (date(2025, 5, 15), True),  # 13 months
        (date(2026, 6, 14), False),  # the day before the start
        (date(2026, 6, 15), False),  # the day of the start
        (date(2026, 9, 1), False),  # ends after the start: still going at the start
    ],
)
def test_consulting_engagement_ending_within_twelve_months_blocks_the_audit(ended_on, eligible):
    engagement = Engagement(started_on=date(2024, 1, 10), ended_on=ended_on)

    result = standing(engagements=[engagement])

    assert result.eligible is eligible
    if not eligible:
        assert result.reasons == (
            f"The auditor consulted for this employer (engagement ended on "
            f"{ended_on.isoformat()}); 12 months must pass before they may audit it.",
        )


def test_ongoing_engagement_blocks_the_audit():
    result = standing(engagements=[Engagement(started_on=date(2019, 3, 1), ended_on=None)])

    assert result.reasons == (
        "The auditor consulted for this employer (engagement is ongoing); "
        "12 months must pass before they may audit it.",
    )


@pytest.mark.parametrize(
    ("started_on", "eligible"),
    [
        (START - timedelta(days=1), False),
        (START, False),  # begins on the start day: a conflict
        (START + timedelta(days=1), True),  # begins after the start: not before it
    ],
)
def test_engagement_starting_after_the_audit_start_does_not_count(started_on, eligible):
    for ended_on in (None, started_on + timedelta(days=30)):
        engagement = Engagement(started_on=started_on, ended_on=ended_on)

        assert standing(engagements=[engagement]).eligible is eligible


def test_one_blocking_engagement_among_old_ones_blocks_with_one_reason():
    old = Engagement(started_on=date(2020, 1, 1), ended_on=date(2021, 1, 1))
    recent = Engagement(started_on=date(2025, 1, 1), ended_on=date(2025, 9, 1))
    ongoing = Engagement(started_on=date(2025, 10, 1), ended_on=None)

    result = standing(engagements=[old, recent, ongoing])

    assert not result.eligible
    assert len(result.reasons) == 1


@pytest.mark.parametrize(
    ("months", "ended_on", "eligible"),
    [
        (6, date(2025, 12, 15), False),  # exactly 6 months
        (6, date(2025, 12, 14), True),
        (6, date(2025, 7, 15), True),  # 11 months: outside a 6-month window
        (24, date(2024, 6, 15), False),  # exactly 24 months
        (24, date(2024, 6, 14), True),
        (24, date(2025, 5, 15), False),  # 13 months: inside a 24-month window
        (0, date(2026, 6, 15), False),  # no cooling-off: ending on the start day still counts
        (0, date(2026, 6, 14), True),
    ],
)
def test_cooling_off_period_is_a_parameter(months, ended_on, eligible):
    engagement = Engagement(started_on=date(2023, 1, 1), ended_on=ended_on)

    result = standing(engagements=[engagement], cooling_off_months=months)

    assert result.eligible is eligible
    if not eligible:
        assert f"{months} months must pass" in result.reasons[0]


@pytest.mark.parametrize(
    ("starts_on", "ended_on", "eligible"),
    [
        (date(2026, 3, 31), date(2025, 3, 31), False),
        (date(2026, 3, 31), date(2025, 3, 30), True),
        (date(2025, 2, 28), date(2024, 2, 28), False),
        (date(2025, 2, 28), date(2024, 2, 27), True),
        (date(2024, 2, 29), date(2023, 2, 28), False),  # a year back from Feb 29: Feb 28
        (date(2024, 2, 29), date(2023, 2, 27), True),
    ],
)
def test_cooling_off_counts_calendar_months_at_month_ends(starts_on, ended_on, eligible):
    engagement = Engagement(started_on=date(2020, 1, 1), ended_on=ended_on)
    facts = replace(
        EXTERNAL, certified_on=date(2023, 1, 1), declared_years=frozenset({starts_on.year})
    )

    assert standing(facts, starts_on=starts_on, engagements=[engagement]).eligible is eligible


# Status --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("status", "words"),
    [
        ("in_training", "in training"),
        ("student", "student"),
        ("lapsed", "lapsed"),
        ("suspended", "suspended"),
        ("retired", "retired"),
    ],
)
def test_auditor_who_is_not_certified_is_not_eligible_even_with_valid_dates(status, words):
    result = standing(replace(EXTERNAL, status=status))

    assert result == Standing(eligible=False, reasons=(f"The auditor is {words}, not certified.",))


# Every reason at once -----------------------------------------------------------------------


def test_every_reason_is_listed_in_order():
    facts = replace(
        INTERNAL, status="suspended", expires_on=date(2026, 6, 1), declared_years=frozenset()
    )

    result = standing(facts, employer_id=OTHER_EMPLOYER)

    assert not result.eligible
    assert result.reasons == (
        "The auditor is suspended, not certified.",
        "The auditor's certification expires on 2026-06-01, on or before the audit start "
        "(2026-06-15).",
        "The auditor has not filed the annual declaration for 2026.",
        "An internal auditor may audit only their own employer.",
    )


def test_external_auditor_with_every_problem_lists_the_engagement_too():
    facts = replace(EXTERNAL, status="lapsed", certified_on=None, declared_years=frozenset())

    result = standing(facts, engagements=[Engagement(date(2025, 1, 1), None)])

    assert len(result.reasons) == 4
    assert result.reasons[-1].startswith("The auditor consulted for this employer")


# Properties ----------------------------------------------------------------------------------

days = st.dates(min_value=date(2001, 1, 1), max_value=date(2098, 12, 31))


@given(certified_on=days, length=st.integers(min_value=1, max_value=2000), starts_on=days)
def test_certified_declared_auditor_is_eligible_exactly_when_the_certification_is_valid(
    certified_on, length, starts_on
):
    expires_on = certified_on + timedelta(days=length)
    facts = replace(
        EXTERNAL,
        certified_on=certified_on,
        expires_on=expires_on,
        declared_years=frozenset({starts_on.year}),
    )

    result = standing(facts, starts_on=starts_on)

    assert result.eligible is valid_on(starts_on, issued_on=certified_on, expires_on=expires_on)
    assert result.eligible is (not result.reasons)


@given(
    starts_on=days,
    ended_days_before=st.integers(min_value=-400, max_value=800),
    months=st.integers(min_value=0, max_value=36),
)
def test_engagement_blocks_exactly_when_it_ended_on_or_after_the_window_start(
    starts_on, ended_days_before, months
):
    ended_on = starts_on - timedelta(days=ended_days_before)
    engagement = Engagement(
        started_on=min(ended_on, starts_on) - timedelta(days=30), ended_on=ended_on
    )
    facts = replace(
        EXTERNAL,
        certified_on=date(2000, 1, 1),
        expires_on=date(2099, 12, 31),
        declared_years=frozenset({starts_on.year}),
    )

    result = standing(
        facts, starts_on=starts_on, engagements=[engagement], cooling_off_months=months
    )

    assert result.eligible is (ended_on < add_months(starts_on, -months))
