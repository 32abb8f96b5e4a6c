"""R-8 and R-9: an audit's four due dates (pure rules, no database)."""

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from audits.deadlines import AuditDeadlines, DeadlineRules, audit_deadlines

D = date
DAY = timedelta(days=1)

starts = st.dates(min_value=date(1990, 1, 1), max_value=date(2090, 12, 31))
extensions = st.integers(min_value=0, max_value=400)


@st.composite
def audits(draw, *, onsite_within: int = 200):
    """Draw (start, last onsite day or None, extension days)."""
    start = draw(starts)
    last_onsite = draw(st.none() | st.integers(min_value=0, max_value=onsite_within))
    return (
        start,
        None if last_onsite is None else start + timedelta(days=last_onsite),
        draw(extensions),
    )


# The example of DESIGN R-9 and research T10, T11 ------------------------------------------


def test_design_example_start_2024_09_02_last_onsite_2024_10_10():
    due = audit_deadlines(D(2024, 9, 2), last_onsite_on=D(2024, 10, 10))

    assert due == AuditDeadlines(
        notice_due=D(2024, 8, 19),
        onsite_due=D(2024, 10, 17),
        submission_due=D(2024, 11, 9),
        final_due=D(2024, 11, 16),
    )


def test_notice_of_audit_is_due_14_days_before_the_start():
    assert audit_deadlines(D(2024, 9, 2)).notice_due == D(2024, 8, 19)


def test_a_21_day_notice_program_moves_only_the_notice_deadline():
    bccsa = DeadlineRules(notice_lead_days=21)

    due = audit_deadlines(D(2024, 9, 2), last_onsite_on=D(2024, 10, 10), rules=bccsa)

    assert due.notice_due == D(2024, 8, 12)  # T11: BCCSA, BCMEA
    assert (due.onsite_due, due.submission_due, due.final_due) == (
        D(2024, 10, 17),
        D(2024, 11, 9),
        D(2024, 11, 16),
    )


def test_custom_rules_change_every_clock():
    rules = DeadlineRules(
        notice_lead_days=21, onsite_days=30, submission_days=21, final_report_days=60
    )

    due = audit_deadlines(D(2024, 9, 2), last_onsite_on=D(2024, 9, 20), rules=rules)

    assert due == AuditDeadlines(D(2024, 8, 12), D(2024, 10, 2), D(2024, 10, 11), D(2024, 11, 1))


def test_default_rules_are_the_design_numbers():
    assert DeadlineRules() == DeadlineRules(
        notice_lead_days=14, onsite_days=45, submission_days=30, final_report_days=75
    )


def test_submission_is_not_due_until_the_last_onsite_day_is_known():
    due = audit_deadlines(D(2024, 9, 2), extension_days=10)

    assert due.submission_due is None
    assert due.final_due == D(2024, 11, 26)


# The crossover: last onsite + 30 against start + 75 (the last onsite day = start + 45) -----


@pytest.mark.parametrize(
    ("last_onsite", "submission_due", "limit"),
    [
        (D(2024, 9, 2), D(2024, 10, 2), "30 days after the last onsite day"),  # onsite on day 0
        (D(2024, 10, 16), D(2024, 11, 15), "30 days after the last onsite day"),  # day before
        (D(2024, 10, 17), D(2024, 11, 16), "both limits agree"),  # start + 45: crossover
        (D(2024, 10, 18), D(2024, 11, 16), "start + 75"),  # day after: an onsite overrun
        (D(2024, 11, 16), D(2024, 11, 16), "start + 75"),  # onsite ended on the final day
        (D(2024, 12, 20), D(2024, 11, 16), "start + 75"),  # long overrun: already late
    ],
)
def test_submission_is_due_at_the_earlier_of_the_two_limits(last_onsite, submission_due, limit):
    due = audit_deadlines(D(2024, 9, 2), last_onsite_on=last_onsite)

    assert due.submission_due == submission_due, limit
    assert due.final_due == D(2024, 11, 16)


@pytest.mark.parametrize(
    ("days_after_start", "expected"),
    [(44, 74), (45, 75), (46, 75)],
)
def test_crossover_in_days_from_the_start(days_after_start, expected):
    start = D(2025, 3, 10)

    due = audit_deadlines(start, last_onsite_on=start + timedelta(days=days_after_start))

    assert due.submission_due == start + timedelta(days=expected)


# Extensions move the submission and final deadlines only -----------------------------------


@pytest.mark.parametrize("days", [0, 1, 14, 30, 120])
def test_extension_moves_submission_and_final_but_not_onsite_or_notice(days):
    plain = audit_deadlines(D(2024, 9, 2), last_onsite_on=D(2024, 10, 10))

    extended = audit_deadlines(D(2024, 9, 2), last_onsite_on=D(2024, 10, 10), extension_days=days)

    assert extended.notice_due == plain.notice_due == D(2024, 8, 19)
    assert extended.onsite_due == plain.onsite_due == D(2024, 10, 17)
    assert extended.submission_due == D(2024, 11, 9) + timedelta(days=days)
    assert extended.final_due == D(2024, 11, 16) + timedelta(days=days)


def test_extension_is_added_after_the_75_day_limit_caps_the_submission():
    # The last onsite day overran to day 60: the cap (day 75) applies, then the extension.
    due = audit_deadlines(D(2024, 9, 2), last_onsite_on=D(2024, 11, 1), extension_days=14)

    assert due.submission_due == D(2024, 11, 30)
    assert due.final_due == D(2024, 11, 30)


# Leap years and year ends -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "notice", "onsite", "final"),
    [
        (D(2024, 2, 15), D(2024, 2, 1), D(2024, 3, 31), D(2024, 4, 30)),  # through Feb 29
        (D(2023, 2, 15), D(2023, 2, 1), D(2023, 4, 1), D(2023, 5, 1)),  # same, common year
        (D(2023, 12, 20), D(2023, 12, 6), D(2024, 2, 3), D(2024, 3, 4)),  # year end + Feb 29
        (D(2028, 2, 29), D(2028, 2, 15), D(2028, 4, 14), D(2028, 5, 14)),  # starts on Feb 29
        (D(2024, 12, 31), D(2024, 12, 17), D(2025, 2, 14), D(2025, 3, 16)),
        (D(2025, 1, 5), D(2024, 12, 22), D(2025, 2, 19), D(2025, 3, 21)),  # notice last year
        (D(2024, 11, 16), D(2024, 11, 2), D(2024, 12, 31), D(2025, 1, 30)),  # onsite Dec 31
        (D(2024, 11, 17), D(2024, 11, 3), D(2025, 1, 1), D(2025, 1, 31)),  # onsite Jan 1
    ],
)
def test_deadlines_across_leap_days_and_year_ends(start, notice, onsite, final):
    due = audit_deadlines(start)

    assert (due.notice_due, due.onsite_due, due.final_due) == (notice, onsite, final)


def test_no_december_31_cap_in_the_deadlines():
    # R-5's cutoff belongs to the cycle schedule: a November start keeps its 45 days.
    assert audit_deadlines(D(2024, 11, 20)).onsite_due == D(2025, 1, 4)


@pytest.mark.parametrize(
    ("start", "last_onsite", "submission"),
    [
        (D(2024, 1, 20), D(2024, 2, 5), D(2024, 3, 6)),  # 30 days through Feb 29
        (D(2023, 1, 20), D(2023, 2, 5), D(2023, 3, 7)),
        (D(2024, 11, 1), D(2024, 12, 10), D(2025, 1, 9)),  # into the new year
        (D(2024, 12, 31), D(2024, 12, 31), D(2025, 1, 30)),  # onsite on its first day
    ],
)
def test_submission_across_leap_days_and_year_ends(start, last_onsite, submission):
    assert audit_deadlines(start, last_onsite_on=last_onsite).submission_due == submission


# Bad input ----------------------------------------------------------------------------------


def test_last_onsite_day_before_the_start_is_refused():
    with pytest.raises(ValueError, match="before the audit starts"):
        audit_deadlines(D(2024, 9, 2), last_onsite_on=D(2024, 9, 1))


def test_last_onsite_day_on_the_start_is_accepted():
    assert audit_deadlines(D(2024, 9, 2), last_onsite_on=D(2024, 9, 2)).submission_due == D(
        2024, 10, 2
    )


@pytest.mark.parametrize("days", [-1, -30])
def test_negative_extension_is_refused(days):
    with pytest.raises(ValueError, match="negative"):
        audit_deadlines(D(2024, 9, 2), extension_days=days)


@pytest.mark.parametrize("days", [1.0, 14.5, "14", None, True])
def test_extension_that_is_not_a_whole_number_is_refused(days):
    with pytest.raises(TypeError):
        audit_deadlines(D(2024, 9, 2), extension_days=days)


def test_results_are_frozen():
    due = audit_deadlines(D(2024, 9, 2))

    with pytest.raises(AttributeError):
        due.final_due = D(2025, 1, 1)  # type: ignore[misc]


# Properties ---------------------------------------------------------------------------------


@given(audits())
def test_submission_is_never_due_after_the_final_report(case):
    start, last_onsite, extension = case

    due = audit_deadlines(start, last_onsite_on=last_onsite, extension_days=extension)

    assert due.submission_due is None or due.submission_due <= due.final_due


@given(audits())
def test_extension_never_moves_the_onsite_or_notice_deadline(case):
    start, last_onsite, extension = case

    plain = audit_deadlines(start, last_onsite_on=last_onsite)
    extended = audit_deadlines(start, last_onsite_on=last_onsite, extension_days=extension)

    assert extended.onsite_due == plain.onsite_due == start + timedelta(days=45)
    assert extended.notice_due == plain.notice_due == start - timedelta(days=14)


@given(audits())
def test_extension_moves_submission_and_final_by_exactly_its_days(case):
    start, last_onsite, extension = case

    plain = audit_deadlines(start, last_onsite_on=last_onsite)
    extended = audit_deadlines(start, last_onsite_on=last_onsite, extension_days=extension)

    assert extended.final_due - timedelta(days=extension) == start + timedelta(days=75)
    assert extended.final_due - plain.final_due == timedelta(days=extension)
    if last_onsite is not None:
        assert extended.submission_due is not None
        assert plain.submission_due is not None
        assert extended.submission_due - plain.submission_due == timedelta(days=extension)


@given(audits())
def test_submission_is_the_earlier_limit_plus_extensions(case):
    start, last_onsite, extension = case

    due = audit_deadlines(start, last_onsite_on=last_onsite, extension_days=extension)

    if last_onsite is None:
        assert due.submission_due is None
    else:
        earlier = min(last_onsite + timedelta(days=30), start + timedelta(days=75))
        assert due.submission_due == earlier + timedelta(days=extension)


@given(audits())
def test_report_is_due_on_or_after_the_last_onsite_day_exactly_when_that_day_is_in_time(case):
    # submission_due >= last onsite  <=>  last onsite <= final_due (start + 75 + extensions):
    # an onsite overrun past the final deadline leaves the report late on its first day.
    start, last_onsite, extension = case
    if last_onsite is None:
        return

    due = audit_deadlines(start, last_onsite_on=last_onsite, extension_days=extension)

    assert due.submission_due is not None
    assert (due.submission_due >= last_onsite) == (last_onsite <= due.final_due)
    assert due.submission_due - last_onsite <= timedelta(days=30 + extension)


@given(audits(onsite_within=75), extensions)
def test_last_onsite_within_75_days_always_leaves_time_to_report(case, extension):
    start, last_onsite, _ = case
    if last_onsite is None:
        return

    due = audit_deadlines(start, last_onsite_on=last_onsite, extension_days=extension)

    assert due.submission_due is not None
    assert due.submission_due >= last_onsite


@given(starts, st.integers(0, 200), st.integers(0, 200), extensions)
def test_a_later_last_onsite_day_never_brings_the_submission_forward(start, a, b, extension):
    first, second = sorted((a, b))

    earlier = audit_deadlines(
        start, last_onsite_on=start + timedelta(days=first), extension_days=extension
    )
    later = audit_deadlines(
        start, last_onsite_on=start + timedelta(days=second), extension_days=extension
    )

    assert earlier.submission_due is not None
    assert later.submission_due is not None
    assert earlier.submission_due <= later.submission_due


@given(audits())
def test_clocks_keep_their_order(case):
    start, last_onsite, extension = case

    due = audit_deadlines(start, last_onsite_on=last_onsite, extension_days=extension)

    assert due.notice_due < start < due.onsite_due < due.final_due


@given(
    audits(),
    st.builds(
        DeadlineRules,
        notice_lead_days=st.integers(1, 60),
        onsite_days=st.integers(1, 90),
        submission_days=st.integers(1, 90),
        final_report_days=st.integers(90, 180),
    ),
)
def test_properties_hold_for_any_program_rules(case, rules):
    start, last_onsite, extension = case

    due = audit_deadlines(start, last_onsite_on=last_onsite, extension_days=extension, rules=rules)

    assert due.notice_due == start - timedelta(days=rules.notice_lead_days)
    assert due.onsite_due == start + timedelta(days=rules.onsite_days)
    assert due.final_due == start + timedelta(days=rules.final_report_days + extension)
    assert due.submission_due is None or due.submission_due <= due.final_due
