"""Training pages: courses, sessions, enrolment, results and the completions list."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from auditors.choices import AuditorKind, AuditorStatus, CompletionSource, CourseKind
from auditors.models import Course, CourseCompletion, Enrolment, TrainingSession
from auditors.tests.factories import (
    AuditorFactory,
    CourseFactory,
    EnrolmentFactory,
    TrainingSessionFactory,
)
from employers.tests.factories import EmployerFactory

pytestmark = pytest.mark.django_db

BUDGET = 12
# Session, user, the count, the course filter's choices, the page (course and seats taken in
# the same query).
SESSION_LIST_QUERIES = 5
# Session, user, the count, the course filter's choices, the page (course, employer and
# auditor with their login in the same query).
COMPLETION_LIST_QUERIES = 5


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def staff_client(client, staff_user):
    client.force_login(staff_user)
    return client


@pytest.fixture
def course():
    return CourseFactory(
        code="cor-internal-auditor",
        name="COR internal auditor training",
        kind=CourseKind.INTERNAL_AUDITOR,
    )


@pytest.fixture
def session(course, today):
    return TrainingSessionFactory(
        course=course, starts_on=today - timedelta(days=7), location="Kelowna", capacity=12
    )


@pytest.fixture
def trainee(employer_a):
    return AuditorFactory(
        kind=AuditorKind.INTERNAL,
        employer=employer_a,
        status=AuditorStatus.IN_TRAINING,
        certification_number="",
        certified_on=None,
        expires_on=None,
    )


def html_of(response):
    return response.content.decode()


# Courses ------------------------------------------------------------------------------------


def test_staff_add_a_course_and_see_it_listed(staff_client, staff_user):
    response = staff_client.post(
        reverse("auditors:course-create"),
        {
            "code": "ohs-program-fundamentals",
            "name": "OHS Program Fundamentals",
            "kind": CourseKind.EMPLOYER_COURSE,
            "online": "on",
            "active": "on",
        },
        follow=True,
    )

    assert response.redirect_chain == [(reverse("auditors:course-list"), 302)]
    course = Course.objects.get(code="ohs-program-fundamentals")
    assert course.history.get().history_user == staff_user
    html = html_of(response)
    assert "The course OHS Program Fundamentals was saved." in html
    assert reverse("auditors:course-update", args=[course.pk]) in html


def test_a_course_code_used_twice_is_a_form_error(staff_client, course):
    response = staff_client.post(
        reverse("auditors:course-create"),
        {"code": course.code, "name": "Again", "kind": CourseKind.INTERNAL_AUDITOR},
    )

    assert response.status_code == 200
    assert "code" in response.context["form"].errors
    assert Course.objects.count() == 1


def test_staff_edit_a_course(staff_client, course):
    response = staff_client.post(
        reverse("auditors:course-update", args=[course.pk]),
        {"code": course.code, "name": "Internal auditor training", "kind": course.kind},
    )

    assert response.status_code == 302
    course.refresh_from_db()
    assert (course.name, course.active) == ("Internal auditor training", False)


# Sessions -----------------------------------------------------------------------------------


def test_the_session_list_shows_upcoming_first_and_seats_taken(staff_client, course, today):
    past = TrainingSessionFactory(course=course, starts_on=today - timedelta(days=30))
    older = TrainingSessionFactory(course=course, starts_on=today - timedelta(days=300))
    later = TrainingSessionFactory(course=course, starts_on=today + timedelta(days=60))
    soon = TrainingSessionFactory(course=course, starts_on=today, capacity=2)
    EnrolmentFactory.create_batch(2, session=soon)
    EnrolmentFactory.create_batch(8, session=later)

    response = staff_client.get(reverse("auditors:session-list"))

    rows = list(response.context["table"].page.object_list.data)
    assert rows == [soon, later, past, older]
    html = html_of(response)
    assert "8 of 12" in html
    assert "2 of 2" in html
    assert "Full" in html
    assert "Upcoming" in html
    assert "Past" in html


@pytest.mark.parametrize(
    ("query", "expected"),
    [({"when": "upcoming"}, ["upcoming"]), ({"when": "past"}, ["past"]), ({"kind": "x"}, [])],
)
def test_the_session_list_filters(staff_client, course, today, query, expected):
    sessions = {
        "upcoming": TrainingSessionFactory(course=course, starts_on=today),
        "past": TrainingSessionFactory(course=course, starts_on=today - timedelta(days=1)),
    }
    TrainingSessionFactory(course=CourseFactory(kind=CourseKind.EMPLOYER_COURSE))

    response = staff_client.get(reverse("auditors:session-list"), {"course": course.pk, **query})

    if query.get("kind") == "x":  # an unknown choice is a filter error: no rows
        assert response.context["filter"].errors
        return
    rows = list(response.context["table"].page.object_list.data)
    assert rows == [sessions[name] for name in expected]


def test_the_session_list_exports_seats_as_words(staff_client, session):
    EnrolmentFactory.create_batch(3, session=session)

    response = staff_client.get(reverse("auditors:session-list"), {"_export": "csv"})

    text = response.content.decode("utf-8-sig")
    assert "3 of 12" in text
    assert "<span" not in text


def test_staff_schedule_a_session(staff_client, course, today):
    response = staff_client.post(
        reverse("auditors:session-create"),
        {
            "course": course.pk,
            "starts_on": (today + timedelta(days=30)).isoformat(),
            "location": "Whistler",
            "capacity": "12",
        },
    )

    session = TrainingSession.objects.get()
    assert response.status_code == 302
    assert response.url == reverse("auditors:session-detail", args=[session.pk])
    assert session.location == "Whistler"


def test_a_session_without_a_place_is_refused_beside_the_fields(staff_client, course, today):
    response = staff_client.post(
        reverse("auditors:session-create"),
        {"course": course.pk, "starts_on": today.isoformat(), "capacity": "12"},
    )

    assert response.status_code == 200
    assert "Give the place, or mark the session online." in html_of(response)
    assert not TrainingSession.objects.exists()


def test_capacity_below_the_enrolled_is_refused_on_edit(staff_client, session):
    EnrolmentFactory.create_batch(3, session=session)

    response = staff_client.post(
        reverse("auditors:session-update", args=[session.pk]),
        {
            "course": session.course_id,
            "starts_on": session.starts_on.isoformat(),
            "location": session.location,
            "capacity": "2",
        },
    )

    assert response.status_code == 200
    assert "More people are enrolled than this capacity allows." in html_of(response)
    session.refresh_from_db()
    assert session.capacity == 12


def test_the_session_page_shows_enrolments_and_the_enrol_form(staff_client, session, trainee):
    EnrolmentFactory(session=session, name="Pat Passed", attended=True, result="passed")
    EnrolmentFactory(session=session, name="Abe Absent", result="absent")
    EnrolmentFactory(session=session, auditor=trainee, name=trainee.name)

    response = staff_client.get(reverse("auditors:session-detail", args=[session.pk]))

    html = html_of(response)
    assert "Enrolled (3 of 12)" in html
    assert "Pat Passed" in html
    assert "Passed" in html
    assert "Attended" in html
    assert "Did not attend" in html
    assert trainee.get_absolute_url() in html
    assert reverse("auditors:session-enrol", args=[session.pk]) in html
    assert html.count('hx-target="closest tr"') == 3


# Enrolling ----------------------------------------------------------------------------------


def enrol_url(session):
    return reverse("auditors:session-enrol", args=[session.pk])


def test_staff_enrol_an_auditor_of_the_roster(staff_client, session, trainee, employer_a):
    response = staff_client.post(enrol_url(session), {"auditor": trainee.pk}, follow=True)

    assert response.redirect_chain == [(session.get_absolute_url(), 302)]
    enrolment = Enrolment.objects.get()
    assert (enrolment.auditor, enrolment.name, enrolment.email) == (
        trainee,
        trainee.name,
        trainee.email,
    )
    assert enrolment.employer == employer_a
    assert "was enrolled" in html_of(response)


def test_staff_enrol_anyone_by_name_and_email(staff_client, session, employer_b):
    response = staff_client.post(
        enrol_url(session),
        {
            "name": "Sam Cook",
            "email": "sam@example.org",
            "account_number": employer_b.account_number,
        },
    )

    assert response.status_code == 302
    enrolment = Enrolment.objects.get()
    assert (enrolment.name, enrolment.auditor, enrolment.employer) == ("Sam Cook", None, employer_b)


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({}, "name", "Choose an auditor, or give the name and email."),
        ({"name": "Sam Cook"}, "email", "Choose an auditor, or give the name and email."),
        ({"name": "Sam", "email": "not-an-email"}, "email", "Enter a valid email address."),
        (
            {"name": "Sam", "email": "sam@example.org", "account_number": "999"},
            "account_number",
            "No employer in the portal has this account number.",
        ),
    ],
)
def test_enrol_form_errors_show_on_the_session_page(staff_client, session, data, field, message):
    response = staff_client.post(enrol_url(session), data)

    assert response.status_code == 200
    assert "auditors/session_detail.html" in [t.name for t in response.templates]
    assert message in response.context["form"].errors[field]
    assert "Please correct the errors below." in html_of(response)
    assert not Enrolment.objects.exists()


def test_a_full_session_refuses_with_a_clear_error(staff_client, course, today):
    session = TrainingSessionFactory(course=course, starts_on=today, capacity=1)
    EnrolmentFactory(session=session)

    page = staff_client.get(session.get_absolute_url())
    assert "The session is full: all 1 seats are taken." in html_of(page)

    response = staff_client.post(
        enrol_url(session), {"name": "Late Comer", "email": "late@example.org"}
    )

    assert response.status_code == 200
    assert "The session is full (1 places)." in html_of(response)
    assert session.enrolments.count() == 1


def test_the_same_person_twice_is_refused(staff_client, session):
    EnrolmentFactory(session=session, email="sam@example.org")

    response = staff_client.post(enrol_url(session), {"name": "Sam", "email": "sam@example.org"})

    assert response.status_code == 200
    assert "already enrolled" in html_of(response)


# Results ------------------------------------------------------------------------------------


def result_data(enrolment, **values):
    prefix = f"enrolment-{enrolment.pk}"
    data = {f"{prefix}-result": values.get("result", "passed")}
    if values.get("attended", True):
        data[f"{prefix}-attended"] = "on"
    return data


def test_a_result_posted_without_htmx_returns_to_the_session(staff_client, session, trainee):
    enrolment = EnrolmentFactory(session=session, auditor=trainee)
    url = reverse("auditors:enrolment-result", args=[enrolment.pk])

    response = staff_client.post(url, result_data(enrolment), follow=True)

    assert response.redirect_chain == [(session.get_absolute_url(), 302)]
    assert f"The result of {enrolment.name} was saved." in html_of(response)
    trainee.refresh_from_db()
    assert trainee.status == AuditorStatus.STUDENT
    assert CourseCompletion.objects.filter(enrolment=enrolment).exists()


def test_a_result_posted_with_htmx_redraws_its_row(staff_client, session):
    enrolment = EnrolmentFactory(session=session)
    url = reverse("auditors:enrolment-result", args=[enrolment.pk])

    response = staff_client.post(url, result_data(enrolment), HTTP_HX_REQUEST="true")

    assert response.status_code == 200
    assert next(t.name for t in response.templates) == "auditors/session_enrolment_row.html"
    html = html_of(response)
    assert html.strip().startswith(f'<tr id="enrolment-{enrolment.pk}">')
    assert "Saved" in html
    assert "Completion recorded" in html
    assert "<html" not in html


def test_an_absentee_cannot_pass_and_the_row_says_so(staff_client, session):
    enrolment = EnrolmentFactory(session=session)
    url = reverse("auditors:enrolment-result", args=[enrolment.pk])

    response = staff_client.post(
        url, result_data(enrolment, attended=False), HTTP_HX_REQUEST="true"
    )

    html = html_of(response)
    assert "Only someone who attended can pass." in html
    assert "Saved" not in html
    assert "Pending" in html  # the row shows what is recorded, not what was refused
    enrolment.refresh_from_db()
    assert enrolment.result == "pending"
    assert not CourseCompletion.objects.exists()


def test_an_absentee_pass_without_htmx_shows_the_result_page(staff_client, session):
    enrolment = EnrolmentFactory(session=session)
    url = reverse("auditors:enrolment-result", args=[enrolment.pk])

    response = staff_client.post(url, result_data(enrolment, attended=False))

    assert response.status_code == 200
    assert "auditors/session_result.html" in [t.name for t in response.templates]
    assert "Only someone who attended can pass." in html_of(response)


def test_did_not_attend_clears_attendance(staff_client, session):
    enrolment = EnrolmentFactory(session=session, attended=True)
    url = reverse("auditors:enrolment-result", args=[enrolment.pk])

    staff_client.post(url, result_data(enrolment, result="absent", attended=True))

    enrolment.refresh_from_db()
    assert (enrolment.attended, enrolment.result) == (False, "absent")


def test_the_result_page_has_the_form(staff_client, session):
    enrolment = EnrolmentFactory(session=session, name="Sam Cook")

    response = staff_client.get(reverse("auditors:enrolment-result", args=[enrolment.pk]))

    assert response.status_code == 200
    assert "Result of Sam Cook" in html_of(response)


# Completions --------------------------------------------------------------------------------


@pytest.fixture
def completions(course, employer_a, today):
    employer_course = CourseFactory(code="ohs-program-fundamentals", name="OHS Fundamentals")
    rows = [
        ("Ana Alpha", "ana@example.org", employer_course, employer_a, 10),
        ("Ben Bravo", "ben@example.org", employer_course, None, 40),
        ("Cy Course", "cy@example.org", course, None, 100),
    ]
    return [
        CourseCompletion.objects.create(
            name=name,
            email=email,
            course=of_course,
            employer=employer,
            completed_on=today - timedelta(days=days),
            source=CompletionSource.LMS,
        )
        for name, email, of_course, employer, days in rows
    ]


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ({}, ["Ana Alpha", "Ben Bravo", "Cy Course"]),
        ({"q": "alpha lodge"}, ["Ana Alpha"]),
        ({"q": "ben@"}, ["Ben Bravo"]),
        ({"course": "course"}, ["Cy Course"]),
        ({"completed_from": 50}, ["Ana Alpha", "Ben Bravo"]),
        ({"completed_from": 50, "completed_to": 20}, ["Ben Bravo"]),
    ],
)
def test_the_completion_list_searches_and_filters(
    staff_client, completions, course, today, query, expected
):
    if "course" in query:
        query["course"] = course.pk
    for name in ("completed_from", "completed_to"):
        if name in query:
            query[name] = (today - timedelta(days=query[name])).isoformat()

    response = staff_client.get(reverse("auditors:completion-list"), query)

    assert [c.name for c in response.context["table"].page.object_list.data] == expected


def test_the_completion_list_exports_and_links_the_import(staff_client, completions):
    page = staff_client.get(reverse("auditors:completion-list"))
    assert reverse("auditors:completion-import") in html_of(page)

    response = staff_client.get(reverse("auditors:completion-list"), {"_export": "xlsx"})

    assert response.status_code == 200
    assert response["Content-Disposition"].endswith('course-completions.xlsx"')


# Query counts -------------------------------------------------------------------------------


def test_list_query_constants_are_within_the_design_budget():
    assert max(SESSION_LIST_QUERIES, COMPLETION_LIST_QUERIES) <= BUDGET


@pytest.mark.parametrize("count", [10, 200])
def test_the_session_list_query_count_is_constant(
    staff_client, course, today, django_assert_num_queries, count
):
    sessions = TrainingSession.objects.bulk_create(
        TrainingSessionFactory.build(course=course, starts_on=today + timedelta(days=n))
        for n in range(count)
    )
    Enrolment.objects.bulk_create(
        EnrolmentFactory.build(session=session, email=f"p{n}-{session.pk}@example.org")
        for session in sessions
        for n in range(2)
    )

    with django_assert_num_queries(SESSION_LIST_QUERIES):
        response = staff_client.get(reverse("auditors:session-list"), {"when": "upcoming"})

    assert len(response.context["table"].page.object_list) == min(count, 25)


@pytest.mark.parametrize("count", [10, 200])
def test_the_completion_list_query_count_is_constant(
    staff_client, course, today, django_assert_num_queries, count
):
    employer = EmployerFactory()
    auditor = AuditorFactory()
    CourseCompletion.objects.bulk_create(
        CourseCompletion(
            course=course,
            name=f"Person {n}",
            email=f"p{n}@example.org",
            employer=employer,
            auditor=auditor,
            completed_on=today - timedelta(days=n % 300),
            source=CompletionSource.LMS,
        )
        for n in range(count)
    )

    with django_assert_num_queries(COMPLETION_LIST_QUERIES):
        response = staff_client.get(reverse("auditors:completion-list"), {"q": "person"})

    assert len(response.context["table"].page.object_list) == min(count, 25)
