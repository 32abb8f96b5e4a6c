"""Reads of auditor data on the database: good standing (R-7), reminders, lists and KPIs."""

from datetime import date, timedelta

import pytest

from auditors import selectors
from auditors.choices import AuditorKind, AuditorStatus, CourseKind, EnrolmentResult
from auditors.models import AuditorStatusChange, CourseCompletion
from auditors.tests.factories import (
    AuditorFactory,
    ConsultingEngagementFactory,
    CourseFactory,
    EAQAFactory,
    EnrolmentFactory,
    TrainingSessionFactory,
    declared,
)
from cor_portal.program.models import ProgramRules

pytestmark = pytest.mark.django_db

CERTIFIED_ON = date(2024, 5, 3)
EXPIRES_ON = date(2027, 5, 3)
START = date(2026, 6, 15)


def external(**kwargs):
    fields = {"certified_on": CERTIFIED_ON, "expires_on": EXPIRES_ON}
    fields.update(kwargs)
    return AuditorFactory(**fields)


def internal(employer, **kwargs):
    number = f"INT-{employer.pk}-{kwargs.pop('n', 1)}"
    kwargs.setdefault("certification_number", number)
    return external(kind=AuditorKind.INTERNAL, employer=employer, **kwargs)


def declare(auditor, *years):
    for year in years:
        declared(auditor, year)
    return auditor


def engaged(auditor, employer, *, ended_on, started_on=date(2023, 1, 10)):
    return ConsultingEngagementFactory(
        auditor=auditor, employer=employer, started_on=started_on, ended_on=ended_on
    )


# standing_for: the one answer the audits app asks at assignment (R-7) -----------------------


def test_certified_declared_external_auditor_is_eligible(employer_a):
    auditor = declare(external(), 2026)

    result = selectors.standing_for(auditor, employer_id=employer_a.pk, starts_on=START)

    assert result.eligible
    assert result.reasons == ()


@pytest.mark.parametrize(
    ("starts_on", "eligible"),
    [
        (EXPIRES_ON - timedelta(days=1), True),  # the last valid day
        (EXPIRES_ON, False),  # expires on the start day
        (EXPIRES_ON + timedelta(days=1), False),
        (CERTIFIED_ON - timedelta(days=1), False),  # certified after the start
        (CERTIFIED_ON, True),
    ],
)
def test_certification_must_be_valid_on_the_start(employer_a, starts_on, eligible):
    auditor = declare(external(), 2024, 2027)

    result = selectors.standing_for(auditor, employer_id=employer_a.pk, starts_on=starts_on)

    assert result.eligible is eligible
    assert len(result.reasons) == (0 if eligible else 1)


def test_declaration_for_the_wrong_year_does_not_count(employer_a):
    auditor = declare(external(), 2026)

    result = selectors.standing_for(auditor, employer_id=employer_a.pk, starts_on=date(2027, 1, 2))

    assert result.reasons == ("The auditor has not filed the annual declaration for 2027.",)
    declared(auditor, 2027)
    assert selectors.standing_for(
        auditor, employer_id=employer_a.pk, starts_on=date(2027, 1, 2)
    ).eligible


def test_declaration_of_another_auditor_does_not_count(employer_a):
    auditor = external()
    declare(external(), 2026)

    result = selectors.standing_for(auditor, employer_id=employer_a.pk, starts_on=START)

    assert result.reasons == ("The auditor has not filed the annual declaration for 2026.",)


def test_internal_auditor_may_audit_only_their_own_employer(employer_a, employer_b):
    auditor = declare(internal(employer_a), 2026)

    own = selectors.standing_for(auditor, employer_id=employer_a.pk, starts_on=START)
    other = selectors.standing_for(auditor, employer_id=employer_b.pk, starts_on=START)

    assert own.eligible
    assert other.reasons == ("An internal auditor may audit only their own employer.",)


@pytest.mark.parametrize(
    ("ended_on", "eligible"),
    [
        (date(2025, 7, 15), False),  # 11 months before the start
        (date(2025, 6, 15), False),  # exactly 12 months: within
        (date(2025, 6, 14), True),
        (date(2025, 5, 15), True),  # 13 months
    ],
)
def test_consulting_engagement_within_twelve_months_blocks(employer_a, ended_on, eligible):
    auditor = declare(external(), 2026)
    engaged(auditor, employer_a, ended_on=ended_on)

    result = selectors.standing_for(auditor, employer_id=employer_a.pk, starts_on=START)

    assert result.eligible is eligible
    if not eligible:
        assert result.reasons == (
            f"The auditor consulted for this employer (engagement ended on "
            f"{ended_on.isoformat()}); 12 months must pass before they may audit it.",
        )


def test_ongoing_engagement_blocks(employer_a):
    auditor = declare(external(), 2026)
    engaged(auditor, employer_a, ended_on=None)

    result = selectors.standing_for(auditor, employer_id=employer_a.pk, starts_on=START)

    assert "engagement is ongoing" in result.reasons[0]


def test_engagement_with_a_different_employer_does_not_block(employer_a, employer_b):
    auditor = declare(external(), 2026)
    engaged(auditor, employer_b, ended_on=None)
    engaged(auditor, employer_b, ended_on=START - timedelta(days=10))

    assert selectors.standing_for(auditor, employer_id=employer_a.pk, starts_on=START).eligible
    assert not selectors.standing_for(auditor, employer_id=employer_b.pk, starts_on=START).eligible


def test_engagement_of_another_auditor_does_not_block(employer_a):
    auditor = declare(external(), 2026)
    engaged(external(), employer_a, ended_on=None)

    assert selectors.standing_for(auditor, employer_id=employer_a.pk, starts_on=START).eligible


def test_engagement_starting_after_the_audit_start_does_not_block(employer_a):
    auditor = declare(external(), 2026)
    engaged(auditor, employer_a, started_on=START + timedelta(days=1), ended_on=None)

    assert selectors.standing_for(auditor, employer_id=employer_a.pk, starts_on=START).eligible


@pytest.mark.parametrize(
    "status",
    [
        AuditorStatus.IN_TRAINING,
        AuditorStatus.STUDENT,
        AuditorStatus.SUSPENDED,
        AuditorStatus.LAPSED,
        AuditorStatus.RETIRED,
    ],
)
def test_auditor_who_is_not_certified_is_not_eligible(employer_a, status):
    auditor = declare(external(status=status), 2026)

    result = selectors.standing_for(auditor, employer_id=employer_a.pk, starts_on=START)

    assert result.reasons == (f"The auditor is {status.label.lower()}, not certified.",)


def test_every_reason_is_listed(employer_a, employer_b):
    auditor = internal(employer_a, status=AuditorStatus.LAPSED, expires_on=date(2026, 6, 1))

    result = selectors.standing_for(auditor, employer_id=employer_b.pk, starts_on=START)

    assert not result.eligible
    assert result.reasons == (
        "The auditor is lapsed, not certified.",
        "The auditor's certification expires on 2026-06-01, on or before the audit start "
        "(2026-06-15).",
        "The auditor has not filed the annual declaration for 2026.",
        "An internal auditor may audit only their own employer.",
    )


def test_external_auditor_with_every_problem_lists_the_engagement_too(employer_a):
    auditor = external(status=AuditorStatus.SUSPENDED, certified_on=date(2026, 7, 1))
    engaged(auditor, employer_a, ended_on=date(2026, 1, 1))

    result = selectors.standing_for(auditor, employer_id=employer_a.pk, starts_on=START)

    assert [reason.split(" ")[:3] for reason in result.reasons] == [
        ["The", "auditor", "is"],
        ["The", "auditor", "is"],
        ["The", "auditor", "has"],
        ["The", "auditor", "consulted"],
    ]
    assert "certified only from 2026-07-01" in result.reasons[1]


@pytest.mark.parametrize(
    ("months", "ended_on", "eligible"),
    [
        (6, date(2025, 7, 15), True),  # 11 months: outside a 6-month period
        (6, date(2025, 12, 15), False),  # exactly 6 months
        (6, date(2025, 12, 14), True),
        (24, date(2025, 5, 15), False),  # 13 months: inside a 24-month period
        (24, date(2024, 6, 14), True),
    ],
)
def test_cooling_off_months_come_from_the_program_rules(employer_a, months, ended_on, eligible):
    ProgramRules.objects.update(consulting_cooling_off_months=months)
    auditor = declare(external(), 2026)
    engaged(auditor, employer_a, ended_on=ended_on)

    result = selectors.standing_for(auditor, employer_id=employer_a.pk, starts_on=START)

    assert result.eligible is eligible
    if not eligible:
        assert f"{months} months must pass" in result.reasons[0]


def test_cooling_off_uses_the_rules_in_force_on_the_start(employer_a):
    ProgramRules.objects.create(effective_from=date(2026, 1, 1), consulting_cooling_off_months=6)
    auditor = declare(external(), 2025, 2026)
    engaged(auditor, employer_a, ended_on=date(2025, 5, 1))

    # Started in 2025: the 12 months of the old rules; in 2026: the new 6 months.
    assert not selectors.standing_for(
        auditor, employer_id=employer_a.pk, starts_on=date(2025, 12, 31)
    ).eligible
    assert selectors.standing_for(
        auditor, employer_id=employer_a.pk, starts_on=date(2026, 1, 1)
    ).eligible


def test_standing_reads_a_constant_number_of_queries(employer_a, django_assert_num_queries):
    auditor = declare(external(), 2024, 2025, 2026)
    for n in range(5):
        ended_on = date(2020, 1, 1) + timedelta(days=n)
        engaged(auditor, employer_a, started_on=date(2019, 1, 1), ended_on=ended_on)

    with django_assert_num_queries(3):  # rules, declarations, engagements
        assert selectors.standing_for(auditor, employer_id=employer_a.pk, starts_on=START).eligible


# reminders_for ------------------------------------------------------------------------------


def texts(reminders):
    return [reminder.text for reminder in reminders]


def test_certified_auditor_without_this_years_declaration_is_reminded():
    auditor = external(expires_on=date(2029, 1, 1))

    reminders = selectors.reminders_for(auditor, today=date(2026, 3, 10))

    assert texts(reminders) == [
        "File your annual declaration for 2026: you cannot start an audit in 2026 without it."
    ]


def test_declared_auditor_has_no_reminder_before_december():
    auditor = declare(external(expires_on=date(2029, 1, 1)), 2026)

    assert selectors.reminders_for(auditor, today=date(2026, 11, 30)) == []


@pytest.mark.parametrize("day", [date(2026, 12, 1), date(2026, 12, 31)])
def test_in_december_next_years_declaration_is_asked_for(day):
    auditor = declare(external(expires_on=date(2029, 1, 1)), 2026)

    assert texts(selectors.reminders_for(auditor, today=day)) == [
        "File your declaration for 2027 before January 1."
    ]
    declared(auditor, 2027)
    assert selectors.reminders_for(auditor, today=day) == []


@pytest.mark.parametrize(
    ("days_left", "reminded"),
    [(-1, False), (0, True), (1, True), (89, True), (90, True), (91, False)],
)
def test_renewal_is_reminded_within_the_warning_window(days_left, reminded):
    today = date(2026, 3, 10)
    expires_on = today + timedelta(days=days_left)
    auditor = declare(external(certified_on=date(2023, 1, 1), expires_on=expires_on), 2026)

    reminders = selectors.reminders_for(auditor, today=today)

    if reminded:
        assert texts(reminders) == [
            f"Your certification expires in {days_left} days: arrange your requalification."
        ]
        assert reminders[0].due_on == expires_on
    else:
        assert reminders == []


def test_renewal_warning_window_comes_from_the_program_rules():
    ProgramRules.objects.update(requalification_warning_days=30)
    today = date(2026, 3, 10)
    auditor = declare(external(expires_on=today + timedelta(days=31)), 2026)

    assert selectors.reminders_for(auditor, today=today) == []
    ProgramRules.objects.update(requalification_warning_days=31)
    assert len(selectors.reminders_for(auditor, today=today)) == 1


def test_student_is_reminded_of_the_student_audit_and_the_declaration():
    due = date(2026, 9, 1)
    auditor = external(
        status=AuditorStatus.STUDENT,
        certification_number="",
        certified_on=None,
        expires_on=None,
        trained_on=date(2025, 9, 1),
        student_audit_due=due,
    )

    reminders = selectors.reminders_for(auditor, today=date(2026, 3, 10))

    assert texts(reminders) == [
        "File your annual declaration for 2026: you cannot start an audit in 2026 without it.",
        "Complete your student audit and send it to the COR team.",
    ]
    assert reminders[1].due_on == due


def test_student_with_the_student_audit_done_is_not_reminded_of_it():
    auditor = declare(
        external(
            status=AuditorStatus.STUDENT,
            certification_number="",
            certified_on=None,
            expires_on=None,
            student_audit_due=date(2026, 9, 1),
            student_audit_completed_on=date(2026, 2, 1),
        ),
        2026,
    )

    assert selectors.reminders_for(auditor, today=date(2026, 3, 10)) == []


@pytest.mark.parametrize(
    "status", [AuditorStatus.LAPSED, AuditorStatus.RETIRED, AuditorStatus.IN_TRAINING]
)
def test_auditor_out_of_standing_is_not_asked_for_a_declaration(status):
    auditor = external(status=status, expires_on=date(2026, 4, 1))

    assert selectors.reminders_for(auditor, today=date(2026, 3, 10)) == []


# Lists for staff ----------------------------------------------------------------------------

AS_OF = date(2026, 3, 10)


def test_renewals_due_boundaries_and_order():
    def expiring_in(days, **kwargs):
        return external(
            certified_on=date(2023, 1, 1), expires_on=AS_OF + timedelta(days=days), **kwargs
        )

    expiring_in(-1)  # already expired
    today = expiring_in(0)
    last = expiring_in(90)
    expiring_in(91)
    middle = expiring_in(45)
    expiring_in(10, status=AuditorStatus.SUSPENDED)

    assert list(selectors.renewals_due(as_of=AS_OF)) == [today, middle, last]


def test_renewals_due_window_comes_from_the_program_rules():
    soon = external(certified_on=date(2023, 1, 1), expires_on=AS_OF + timedelta(days=30))
    external(certified_on=date(2023, 1, 1), expires_on=AS_OF + timedelta(days=31))
    ProgramRules.objects.update(requalification_warning_days=30)

    assert list(selectors.renewals_due(as_of=AS_OF)) == [soon]


def student(due, **kwargs):
    return AuditorFactory(
        status=AuditorStatus.STUDENT,
        certification_number="",
        certified_on=None,
        expires_on=None,
        trained_on=due - timedelta(days=365),
        student_audit_due=due,
        **kwargs,
    )


def test_students_overdue_boundaries_and_order():
    yesterday = student(AS_OF - timedelta(days=1))
    long_ago = student(AS_OF - timedelta(days=100))
    student(AS_OF)  # due today: not overdue yet
    student(AS_OF + timedelta(days=1))
    student(AS_OF - timedelta(days=5), student_audit_completed_on=AS_OF - timedelta(days=6))
    AuditorFactory(status=AuditorStatus.LAPSED, student_audit_due=AS_OF - timedelta(days=9))

    assert list(selectors.students_overdue(as_of=AS_OF)) == [long_ago, yesterday]


def test_declarations_missing_lists_certified_and_students_without_the_years():
    filed = declare(external(), 2026)
    other_year = declare(external(), 2025, 2027)
    none = external()
    learner = student(AS_OF)
    declared_learner = declare(student(AS_OF), 2026)
    declare(external(status=AuditorStatus.LAPSED), 2025)
    external(status=AuditorStatus.RETIRED)
    external(status=AuditorStatus.SUSPENDED)
    external(status=AuditorStatus.IN_TRAINING)

    assert set(selectors.declarations_missing(year=2026)) == {other_year, none, learner}
    assert set(selectors.declarations_missing(year=2027)) == {
        filed,
        none,
        learner,
        declared_learner,
    }


# Workplan KPIs: every period counts both ends (fiscal year April 1 - March 31) -------------

FY_START, FY_END = date(2025, 4, 1), date(2026, 3, 31)
BOUNDARY_DAYS = [
    (date(2025, 3, 31), False),  # the last day of the previous fiscal year
    (date(2025, 4, 1), True),
    (date(2025, 11, 15), True),
    (date(2026, 3, 31), True),
    (date(2026, 4, 1), False),  # the first day of the next one
]


def change(auditor, transition, on):
    return AuditorStatusChange.objects.create(
        auditor=auditor,
        transition=transition,
        from_status=AuditorStatus.STUDENT,
        to_status=AuditorStatus.CERTIFIED,
        changed_on=on,
        reason="Demo",
    )


@pytest.mark.parametrize(("day", "counted"), BOUNDARY_DAYS)
@pytest.mark.parametrize("transition", ["certify", "recertify"])
def test_auditors_certified_counts_certifications_on_both_ends(
    employer_a, day, counted, transition
):
    change(internal(employer_a), transition, day)

    assert selectors.auditors_certified(start=FY_START, end=FY_END) == int(counted)


def test_auditors_certified_counts_internal_auditors_once_each(employer_a, employer_b):
    twice = internal(employer_a)
    change(twice, "certify", date(2025, 5, 1))
    change(twice, "recertify", date(2026, 1, 5))
    change(internal(employer_b, n=2), "recertify", date(2025, 9, 1))
    change(internal(employer_b, n=3), "lapse", date(2025, 9, 1))
    change(internal(employer_b, n=4), "suspend", date(2025, 9, 1))
    change(external(), "certify", date(2025, 9, 1))

    assert selectors.auditors_certified(start=FY_START, end=FY_END) == 2
    assert selectors.auditors_certified(start=FY_START, end=FY_END, kind=AuditorKind.EXTERNAL) == 1


def test_auditors_certified_counts_what_the_certify_service_records(employer_a, staff_user):
    from auditors import services

    auditor = internal(
        employer_a,
        status=AuditorStatus.IN_TRAINING,
        certification_number="",
        certified_on=None,
        expires_on=None,
    )
    services.certify_auditor(
        auditor=auditor,
        actor=staff_user,
        certification_number="INT-900",
        reason="Passed",
        on=date(2025, 6, 1),
    )

    assert selectors.auditors_certified(start=FY_START, end=FY_END) == 1


@pytest.mark.parametrize(("day", "counted"), BOUNDARY_DAYS)
def test_declarations_filed_counts_external_declarations_by_submission_date(
    employer_a, day, counted
):
    declaration = declared(external(), 2025)
    declaration.submitted_on = day
    declaration.save()
    declared(internal(employer_a), 2025)  # internal: not counted by default

    assert selectors.declarations_filed(start=FY_START, end=FY_END) == int(counted)
    assert selectors.declarations_filed(start=FY_START, end=FY_END, kind=AuditorKind.INTERNAL) == 0


@pytest.mark.parametrize(("day", "counted"), BOUNDARY_DAYS)
def test_training_sessions_held_counts_internal_auditor_sessions_by_start(day, counted):
    course = CourseFactory(kind=CourseKind.INTERNAL_AUDITOR)
    TrainingSessionFactory(course=course, starts_on=day)
    TrainingSessionFactory(course=CourseFactory(kind=CourseKind.EMPLOYER_COURSE), starts_on=day)

    assert selectors.training_sessions_held(start=FY_START, end=FY_END) == int(counted)


def test_training_sessions_of_another_kind_are_counted_when_asked():
    TrainingSessionFactory(
        course=CourseFactory(kind=CourseKind.UPDATE_SESSION), starts_on=date(2025, 6, 1)
    )

    assert selectors.training_sessions_held(start=FY_START, end=FY_END) == 0
    assert (
        selectors.training_sessions_held(start=FY_START, end=FY_END, kind=CourseKind.UPDATE_SESSION)
        == 1
    )


@pytest.mark.parametrize(("day", "counted"), BOUNDARY_DAYS)
def test_students_trained_counts_attendees_of_sessions_in_the_period(day, counted):
    session = TrainingSessionFactory(
        course=CourseFactory(kind=CourseKind.INTERNAL_AUDITOR), starts_on=day
    )
    EnrolmentFactory(session=session, attended=True, result=EnrolmentResult.PASSED)
    EnrolmentFactory(session=session, attended=True, result=EnrolmentResult.FAILED)
    EnrolmentFactory(session=session, attended=True, result=EnrolmentResult.PENDING)
    EnrolmentFactory(session=session, attended=False, result=EnrolmentResult.ABSENT)
    EnrolmentFactory(session=session, attended=False)

    assert selectors.students_trained(start=FY_START, end=FY_END) == (3 if counted else 0)


@pytest.mark.parametrize(("day", "counted"), BOUNDARY_DAYS)
def test_course_completions_count_one_course_by_completion_date(day, counted):
    fundamentals = CourseFactory(code="ohs-fundamentals", kind=CourseKind.EMPLOYER_COURSE)
    orientation = CourseFactory(code="hs-orientation", kind=CourseKind.EMPLOYER_COURSE)
    for course, email in ((fundamentals, "a@example.org"), (orientation, "b@example.org")):
        CourseCompletion.objects.create(
            course=course, name="A Person", email=email, completed_on=day, source="lms"
        )

    assert selectors.course_completions(
        course_code="ohs-fundamentals", start=FY_START, end=FY_END
    ) == int(counted)


@pytest.mark.parametrize(("day", "counted"), BOUNDARY_DAYS)
def test_eaqas_conducted_count_by_conducted_date(day, counted):
    EAQAFactory(
        year=day.year, planned_on=date(2025, 1, 2), conducted_on=day, outcome="satisfactory"
    )
    EAQAFactory(year=2025, planned_on=date(2025, 1, 2))  # planned only

    assert selectors.eaqas_conducted(start=FY_START, end=FY_END) == int(counted)


def test_external_roster_size_counts_certified_external_auditors(employer_a):
    external()
    external()
    external(status=AuditorStatus.LAPSED)
    internal(employer_a)

    assert selectors.external_roster_size() == 2


# auditor_for --------------------------------------------------------------------------------


def test_auditor_for_returns_the_logins_record(auditor_user, staff_user):
    from django.contrib.auth.models import AnonymousUser

    auditor = AuditorFactory(user=auditor_user)

    assert selectors.auditor_for(auditor_user) == auditor
    assert selectors.auditor_for(staff_user) is None
    assert selectors.auditor_for(AnonymousUser()) is None
    assert selectors.auditor_for(None) is None
