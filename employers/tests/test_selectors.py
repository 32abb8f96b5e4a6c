"""Cross-app reads of employer data: the staff home's panels and the workplan's counts."""

from datetime import date, timedelta

import pytest

from employers import selectors
from employers.choices import EmployerStatus
from employers.models import Registration
from employers.tests.factories import (
    EmployerFactory,
    GapAnalysisFactory,
    InteractionFactory,
)

pytestmark = pytest.mark.django_db

AS_OF = date(2025, 6, 15)


def day(offset: int) -> date:
    return AS_OF + timedelta(days=offset)


# follow_ups_due -----------------------------------------------------------------------------


def test_follow_ups_due_boundaries():
    overdue = InteractionFactory(occurred_on=day(-20), follow_up_due=day(-3))
    due_today = InteractionFactory(occurred_on=day(-20), follow_up_due=day(0))
    InteractionFactory(occurred_on=day(-20), follow_up_due=day(1))  # tomorrow
    InteractionFactory(occurred_on=day(-20), follow_up_due=day(-1), follow_up_done_on=day(0))
    InteractionFactory(occurred_on=day(-20), follow_up_due=None)

    due = list(selectors.follow_ups_due(as_of=AS_OF))

    assert due == [overdue, due_today]  # oldest first


def test_follow_up_done_before_it_was_due_is_not_due():
    InteractionFactory(occurred_on=day(-20), follow_up_due=day(0), follow_up_done_on=day(-10))

    assert not selectors.follow_ups_due(as_of=AS_OF).exists()


def test_follow_ups_due_read_employer_and_staff_in_the_same_query(
    django_assert_num_queries, staff_user
):
    InteractionFactory.create_batch(
        5, occurred_on=day(-20), follow_up_due=day(-1), staff_member=staff_user
    )

    with django_assert_num_queries(1):
        names = [
            (i.employer.legal_name, str(i.staff_member))
            for i in selectors.follow_ups_due(as_of=AS_OF)
        ]

    assert len(names) == 5


# gap_analyses_waiting -----------------------------------------------------------------------


def test_gap_analyses_waiting_are_the_open_ones_oldest_first():
    newer = GapAnalysisFactory(offered_on=day(-5))
    older = GapAnalysisFactory(offered_on=day(-40), requested_on=day(-30))
    scheduled = GapAnalysisFactory(offered_on=day(-20), scheduled_on=day(3))
    GapAnalysisFactory(offered_on=day(-50), completed_on=day(-10))
    GapAnalysisFactory(offered_on=day(-50), declined_on=day(-45))

    assert list(selectors.gap_analyses_waiting()) == [older, scheduled, newer]


# recent_registrations -----------------------------------------------------------------------


def register(employer, on, program="ohs"):
    return Registration.objects.create(employer=employer, program=program, registered_on=on)


def test_recent_registrations_window_is_the_thirty_days_ending_on_the_date():
    employer = EmployerFactory()
    today = register(employer, day(0))
    last_in_window = register(employer, day(-29))
    register(employer, day(-30))  # the 31st day back
    register(employer, day(1))  # after the date

    assert list(selectors.recent_registrations(as_of=AS_OF)) == [today, last_in_window]


def test_recent_registrations_window_can_be_shorter():
    employer = EmployerFactory()
    today = register(employer, day(0))
    register(employer, day(-7))

    assert list(selectors.recent_registrations(as_of=AS_OF, days=7)) == [today]


# new_registrations --------------------------------------------------------------------------


def test_new_registrations_counts_first_registrations_inclusive_of_both_ends():
    start, end = date(2025, 4, 1), date(2026, 3, 31)
    register(EmployerFactory(), start)
    register(EmployerFactory(), end)
    register(EmployerFactory(), start - timedelta(days=1))  # before
    register(EmployerFactory(), end + timedelta(days=1))  # after

    assert selectors.new_registrations(start=start, end=end) == 2


def test_new_registrations_counts_an_employer_once_by_its_first_registration():
    start, end = date(2025, 4, 1), date(2026, 3, 31)
    returning = EmployerFactory()
    register(returning, date(2023, 5, 1))
    register(returning, date(2025, 9, 1))  # re-registered in the year: not new
    twice_in_year = EmployerFactory()
    register(twice_in_year, date(2025, 5, 1))
    register(twice_in_year, date(2025, 5, 1), program="rtw")
    register(twice_in_year, date(2025, 10, 1))

    assert selectors.new_registrations(start=start, end=end) == 1


def test_gap_analyses_completed_counts_inclusive_of_both_ends():
    start, end = date(2025, 4, 1), date(2026, 3, 31)
    GapAnalysisFactory(offered_on=date(2025, 1, 1), completed_on=start)
    GapAnalysisFactory(offered_on=date(2025, 1, 1), completed_on=end)
    GapAnalysisFactory(offered_on=date(2025, 1, 1), completed_on=start - timedelta(days=1))
    GapAnalysisFactory(offered_on=date(2025, 1, 1))

    assert selectors.gap_analyses_completed(start=start, end=end) == 2


# status_counts ------------------------------------------------------------------------------


def test_status_counts_lists_every_status_with_its_count():
    EmployerFactory.create_batch(3)
    EmployerFactory.create_batch(2, status=EmployerStatus.CERTIFIED)
    EmployerFactory(status=EmployerStatus.LAPSED)

    counts = selectors.status_counts()

    assert counts == {
        "enquiry": 3,
        "registered": 0,
        "certification_in_progress": 0,
        "certified": 2,
        "lapsed": 1,
        "withdrawn": 0,
        "removed": 0,
    }


def test_status_counts_of_an_empty_registry_are_zero():
    assert set(selectors.status_counts().values()) == {0}


# The employer of a contact user -------------------------------------------------------------


def test_employer_for_a_contact_user_is_its_employer(employer_a, employer_a_user):
    assert selectors.employer_for(employer_a_user) == employer_a
    assert selectors.employer_id_for(employer_a_user) == employer_a.pk


@pytest.mark.parametrize("role_user", ["staff_user", "auditor_user", "board_user"])
def test_other_roles_have_no_employer(request, role_user):
    assert selectors.employer_for(request.getfixturevalue(role_user)) is None


def test_employer_id_is_cached_on_the_user(employer_a_user, django_assert_num_queries):
    selectors.employer_id_for(employer_a_user)

    with django_assert_num_queries(0):
        selectors.employer_id_for(employer_a_user)


def test_portal_summary_shows_the_latest_registration_and_next_steps(employer_a, staff_user):
    from employers import services

    services.register_employer(employer=employer_a, actor=staff_user, reason="x", on=AS_OF)
    employer = type(employer_a).objects.get(pk=employer_a.pk)

    summary = selectors.portal_summary(employer, today=AS_OF)

    assert summary["registration"].employer == employer
    assert [(s.key, s.state) for s in summary["next_steps"][:2]] == [
        ("register", "done"),
        ("gap_analysis", "todo"),
    ]
    assert [c.to_status for c in summary["status_changes"]] == ["registered"]
    assert len(summary["gap_analyses"]) == 1
    assert summary["open_requests"] == []


@pytest.mark.parametrize("status", EmployerStatus.values)
def test_every_status_has_next_steps(status):
    steps = selectors.next_steps(selectors.EmployerProgress(status=status), today=AS_OF)

    assert steps
    assert all(step.state in ("done", "todo", "due", "overdue", "waiting") for step in steps)
