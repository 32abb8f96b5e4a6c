"""Training services: courses, sessions, enrolment within capacity, results, completions."""

from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from auditors import services
from auditors.choices import AuditorKind, AuditorStatus, CompletionSource, CourseKind
from auditors.models import AuditorStatusChange, Course, CourseCompletion, Enrolment
from auditors.tests.factories import (
    AuditorFactory,
    CourseFactory,
    EnrolmentFactory,
    TrainingSessionFactory,
)
from cor_portal.program.models import ProgramRules
from cor_portal.program.periods import add_months
from employers.tests.factories import EmployerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def trainee(employer_a):
    """An internal auditor of employer A who has not passed training yet."""
    return AuditorFactory(
        kind=AuditorKind.INTERNAL,
        employer=employer_a,
        status=AuditorStatus.IN_TRAINING,
        certification_number="",
        certified_on=None,
        expires_on=None,
    )


@pytest.fixture
def internal_session(today):
    """Internal auditor training held two weeks ago."""
    course = CourseFactory(kind=CourseKind.INTERNAL_AUDITOR, code="cor-internal-auditor")
    return TrainingSessionFactory(course=course, starts_on=today - timedelta(days=14))


def enrol(session, staff_user, number, **kwargs):
    return services.enrol(
        session=session,
        actor=staff_user,
        name=f"Person {number}",
        email=f"person{number}@example.org",
        **kwargs,
    )


# Enrolment and capacity ---------------------------------------------------------------------


def test_the_last_seat_can_be_taken_and_one_more_is_refused(staff_user):
    session = TrainingSessionFactory(capacity=3)
    for number in range(2):
        enrol(session, staff_user, number)

    last = enrol(session, staff_user, 2)

    assert last.session == session
    with pytest.raises(ValidationError, match="The session is full"):
        enrol(session, staff_user, 3)
    assert session.enrolments.count() == 3


def test_the_same_email_cannot_enrol_twice(staff_user):
    session = TrainingSessionFactory()
    enrol(session, staff_user, 1)

    with pytest.raises(ValidationError, match="already enrolled"):
        enrol(session, staff_user, 1)


def test_an_internal_auditor_is_enrolled_with_their_employer(staff_user, trainee, employer_a):
    enrolment = services.enrol(
        session=TrainingSessionFactory(),
        actor=staff_user,
        auditor=trainee,
        name=trainee.name,
        email=trainee.email,
    )

    assert enrolment.employer == employer_a


def test_capacity_cannot_go_below_the_people_enrolled(staff_user):
    session = TrainingSessionFactory(capacity=3)
    for number in range(2):
        enrol(session, staff_user, number)

    with pytest.raises(ValidationError) as caught:
        services.save_session(actor=staff_user, session=session, capacity=1)

    assert "capacity" in caught.value.message_dict
    assert services.save_session(actor=staff_user, session=session, capacity=2).capacity == 2


def test_a_session_needs_a_place_or_to_be_online(staff_user):
    course = CourseFactory()
    fields = {"course": course, "starts_on": date(2026, 5, 4), "capacity": 12}

    with pytest.raises(ValidationError, match="Give the place"):
        services.save_session(actor=staff_user, location="", online=False, **fields)

    session = services.save_session(actor=staff_user, location="", online=True, **fields)
    assert session.history.get().history_user == staff_user


# Results ------------------------------------------------------------------------------------


def test_passing_internal_auditor_training_makes_a_student(staff_user, trainee, internal_session):
    enrolment = EnrolmentFactory(
        session=internal_session, auditor=trainee, name=trainee.name, email=trainee.email
    )
    trained_on = internal_session.starts_on
    window = ProgramRules.objects.in_force(trained_on).student_audit_window_months

    services.record_result(enrolment=enrolment, actor=staff_user, attended=True, result="passed")

    trainee.refresh_from_db()
    assert trainee.status == AuditorStatus.STUDENT
    assert trainee.trained_on == trained_on
    assert window == 12
    assert trainee.student_audit_due == add_months(trained_on, 12)
    change = AuditorStatusChange.objects.get(auditor=trainee)
    assert (change.transition, change.actor) == ("pass_training", staff_user)
    completion = CourseCompletion.objects.get(enrolment=enrolment)
    assert (completion.completed_on, completion.source) == (trained_on, CompletionSource.SESSION)
    assert completion.auditor == trainee


def test_the_student_audit_window_comes_from_the_rules(staff_user, trainee, internal_session):
    rules = ProgramRules.objects.in_force(internal_session.starts_on)
    rules.student_audit_window_months = 6
    rules.save()
    enrolment = EnrolmentFactory(session=internal_session, auditor=trainee)

    services.record_result(enrolment=enrolment, actor=staff_user, attended=True, result="passed")

    trainee.refresh_from_db()
    assert trainee.student_audit_due == add_months(internal_session.starts_on, 6)


def test_a_multi_day_session_is_completed_on_its_last_day(staff_user, trainee, today):
    course = CourseFactory(kind=CourseKind.INTERNAL_AUDITOR)
    session = TrainingSessionFactory(
        course=course, starts_on=today - timedelta(days=20), ends_on=today - timedelta(days=18)
    )
    enrolment = EnrolmentFactory(session=session, auditor=trainee)

    services.record_result(enrolment=enrolment, actor=staff_user, attended=True, result="passed")

    trainee.refresh_from_db()
    assert trainee.trained_on == session.ends_on
    assert CourseCompletion.objects.get().completed_on == session.ends_on


def test_passing_another_course_leaves_the_standing_alone(staff_user, trainee):
    session = TrainingSessionFactory(course=CourseFactory(kind=CourseKind.EMPLOYER_COURSE))
    enrolment = EnrolmentFactory(session=session, auditor=trainee)

    services.record_result(enrolment=enrolment, actor=staff_user, attended=True, result="passed")

    trainee.refresh_from_db()
    assert trainee.status == AuditorStatus.IN_TRAINING
    assert CourseCompletion.objects.filter(enrolment=enrolment).exists()


def test_a_fail_removes_the_completion(staff_user, internal_session):
    enrolment = EnrolmentFactory(session=internal_session)
    services.record_result(enrolment=enrolment, actor=staff_user, attended=True, result="passed")
    assert CourseCompletion.objects.filter(enrolment=enrolment).exists()

    services.record_result(enrolment=enrolment, actor=staff_user, attended=True, result="failed")

    assert not CourseCompletion.objects.filter(enrolment=enrolment).exists()
    enrolment.refresh_from_db()
    assert enrolment.result == "failed"


def test_an_absentee_cannot_pass(staff_user, trainee, internal_session):
    enrolment = EnrolmentFactory(session=internal_session, auditor=trainee)

    with pytest.raises(ValidationError, match="Only someone who attended can pass"):
        services.record_result(
            enrolment=enrolment, actor=staff_user, attended=False, result="passed"
        )

    enrolment = Enrolment.objects.get(pk=enrolment.pk)
    assert (enrolment.attended, enrolment.result) == (False, "pending")
    assert not CourseCompletion.objects.exists()
    trainee.refresh_from_db()
    assert trainee.status == AuditorStatus.IN_TRAINING


def test_a_pass_takes_over_the_same_completion_from_the_lms(staff_user, internal_session):
    enrolment = EnrolmentFactory(session=internal_session, email="Pat@Example.org")
    imported = services.record_completion(
        actor=staff_user,
        course=internal_session.course,
        name="Pat Lee",
        email="pat@example.org",
        completed_on=internal_session.starts_on,
        source=CompletionSource.LMS,
    )

    services.record_result(enrolment=enrolment, actor=staff_user, attended=True, result="passed")

    assert CourseCompletion.objects.get() == imported
    imported.refresh_from_db()
    assert imported.enrolment == enrolment


# Courses and completions --------------------------------------------------------------------


def test_a_course_is_saved_and_its_code_is_unique(staff_user):
    course = services.save_course(
        actor=staff_user,
        code="ohs-program-fundamentals",
        name="OHS Program Fundamentals",
        kind=CourseKind.EMPLOYER_COURSE,
        online=True,
    )
    assert course.history.get().history_user == staff_user

    services.save_course(actor=staff_user, course=course, active=False)
    assert Course.objects.get().active is False
    with pytest.raises(ValidationError) as caught:
        services.save_course(
            actor=staff_user, code="ohs-program-fundamentals", name="Again", kind="employer_course"
        )
    assert "code" in caught.value.message_dict


def test_a_completion_is_matched_to_an_auditor_by_email(staff_user, trainee, employer_a, today):
    trainee.user.email = "jordan.lee@example.org"
    trainee.user.save()
    course = CourseFactory(kind=CourseKind.EMPLOYER_COURSE)

    completion = services.record_completion(
        actor=staff_user,
        course=course,
        name=" Jordan Lee ",
        email="Jordan.Lee@example.org ",
        completed_on=today,
        source=CompletionSource.LMS,
    )

    assert completion.auditor == trainee
    assert completion.employer == employer_a  # an internal auditor's own employer
    assert (completion.name, completion.email) == ("Jordan Lee", "Jordan.Lee@example.org")


def test_a_given_employer_wins_over_the_auditors(staff_user, trainee, today):
    other = EmployerFactory()

    completion = services.record_completion(
        actor=staff_user,
        course=CourseFactory(),
        name=trainee.name,
        email=trainee.email,
        completed_on=today,
        employer=other,
    )

    assert (completion.employer, completion.auditor) == (other, trainee)
    assert completion.source == CompletionSource.MANUAL


def test_a_completion_cannot_be_recorded_twice_or_in_the_future(staff_user, today):
    course = CourseFactory()
    fields = {"actor": staff_user, "course": course, "name": "Pat Lee"}
    services.record_completion(email="pat@example.org", completed_on=today, **fields)

    with pytest.raises(ValidationError, match="already recorded"):
        services.record_completion(email="PAT@example.org", completed_on=today, **fields)
    with pytest.raises(ValidationError) as caught:
        services.record_completion(
            email="pat@example.org", completed_on=today + timedelta(days=1), **fields
        )
    assert "completed_on" in caught.value.message_dict
    assert CourseCompletion.objects.count() == 1


def test_a_trainee_added_after_the_training_can_still_pass_it(staff_user, internal_session):
    trainee = services.create_auditor(
        actor=staff_user,
        username="late-trainee",
        first_name="Lee",
        last_name="Late",
        email="lee.late@example.org",
        kind=AuditorKind.EXTERNAL,
    )
    assert trainee.status_changed_on > internal_session.starts_on
    enrolment = services.enrol(
        session=internal_session, actor=staff_user, auditor=trainee, name="Lee", email=trainee.email
    )

    services.record_result(enrolment=enrolment, actor=staff_user, attended=True, result="passed")

    trainee.refresh_from_db()
    assert (trainee.status, trainee.trained_on) == (
        AuditorStatus.STUDENT,
        internal_session.starts_on,
    )
    assert trainee.status_changed_on == internal_session.starts_on
