"""The employer portal's "What comes next", from the employer's real records at each stage."""

from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from auditors import selectors as auditor_selectors
from auditors.choices import AuditorKind, AuditorStatus, EnrolmentResult
from auditors.tests.factories import AuditorFactory, EnrolmentFactory, TrainingSessionFactory
from audits import selectors as audit_selectors
from audits.choices import AuditStatus, AuditType
from audits.deadlines import audit_deadlines
from audits.tests.factories import AuditFactory, CertificateFactory
from cor_portal.accounts.choices import Role
from cor_portal.accounts.tests.factories import UserFactory
from employers import services
from employers.choices import EmployerStatus, InteractionKind
from employers.models import Employer
from employers.tests.factories import GapAnalysisFactory, InteractionFactory

pytestmark = pytest.mark.django_db

TODAY = date(2026, 6, 15)
S = EmployerStatus


@pytest.fixture(autouse=True)
def clock():
    """Fix "today" at 2026-06-15 in Vancouver."""
    moment = datetime(2026, 6, 15, 10, 0, tzinfo=ZoneInfo("America/Vancouver"))
    with time_machine.travel(moment, tick=False):
        yield


def set_status(employer, status):
    Employer.objects.filter(pk=employer.pk).update(status=status, status_changed_on=TODAY)


def steps(user) -> list:
    client = Client()
    client.force_login(user)
    response = client.get(reverse("homes:portal"))
    assert response.status_code == 200
    return response.context["next_steps"]


def page(user) -> str:
    client = Client()
    client.force_login(user)
    return " ".join(client.get(reverse("homes:portal")).content.decode().split())


def by_key(user) -> dict:
    return {step.key: step for step in steps(user)}


def internal(employer, status, **kwargs):
    user = UserFactory(role=Role.AUDITOR, first_name=kwargs.pop("first"), last_name="Tester")
    return AuditorFactory(
        user=user, kind=AuditorKind.INTERNAL, employer=employer, status=status, **kwargs
    )


def certify(employer, certified_on):
    """Return a valid certificate of the employer dated ``certified_on``; make it certified."""
    set_status(employer, S.CERTIFIED)
    audit = AuditFactory(
        employer=employer,
        status=AuditStatus.APPROVED,
        starts_on=certified_on - timedelta(days=20),
        last_onsite_on=certified_on,
        passed=True,
    )
    return CertificateFactory(audit=audit)


# Stages ------------------------------------------------------------------------------------


def test_registered_employer_without_gap_analysis(employer_a, employer_a_user, staff_user):
    services.register_employer(employer=employer_a, actor=staff_user, reason="x", on=TODAY)
    employer_a.gap_analyses.all().delete()

    found = steps(employer_a_user)

    assert [(s.key, s.state) for s in found] == [
        ("register", "done"),
        ("gap_analysis", "todo"),
        ("auditor", "todo"),
        ("notice", "todo"),
        ("certification_audit", "todo"),
    ]
    html = page(employer_a_user)
    assert "What comes next" in html
    assert f'href="{reverse("employers:request-create")}?kind=gap_analysis_request"' in html
    # The factory's employer has 25 employees: large, so R-6 asks for an external auditor.
    assert "As a large employer, your certification audit needs a certified external" in html


def test_registration_offers_a_gap_analysis_the_employer_can_ask_for(
    employer_a, employer_a_user, staff_user
):
    services.register_employer(employer=employer_a, actor=staff_user, reason="x", on=TODAY)
    client = Client()
    client.force_login(employer_a_user)

    client.post(reverse("employers:request-create"), {"kind": InteractionKind.GAP_ANALYSIS_REQUEST})

    step = by_key(employer_a_user)["gap_analysis"]
    assert step.state == "waiting"
    assert step.detail.startswith("You asked for it on 2026-06-15")


def test_training_missing_names_who_still_needs_it(employer_a, employer_a_user):
    set_status(employer_a, S.REGISTERED)
    trainee = internal(employer_a, AuditorStatus.IN_TRAINING, first="Faye", certified_on=None)
    session = TrainingSessionFactory(starts_on=TODAY + timedelta(days=9))
    EnrolmentFactory(session=session, auditor=trainee, result=EnrolmentResult.PENDING)
    internal(
        employer_a,
        AuditorStatus.STUDENT,
        first="Cody",
        certified_on=None,
        trained_on=TODAY - timedelta(days=300),
        student_audit_due=TODAY + timedelta(days=5),
    )
    internal(employer_a, AuditorStatus.RETIRED, first="Walt")

    step = by_key(employer_a_user)["training"]

    assert (step.state, step.due_on, step.days_left) == ("due", date(2026, 6, 20), 5)
    assert step.people == (
        "Cody Tester: student audit due by 2026-06-20",
        "Faye Tester: booked on the training session of 2026-06-24",
    )
    assert "Faye Tester: booked on the training session of 2026-06-24" in page(employer_a_user)


def test_planned_certification_audit_shows_its_notice(employer_a, employer_a_user):
    set_status(employer_a, S.CERTIFICATION_IN_PROGRESS)
    starts_on = TODAY + timedelta(days=10)
    audit = AuditFactory(employer=employer_a, starts_on=starts_on)

    found = by_key(employer_a_user)

    assert found["auditor"].state == "done"
    notice = found["notice"]
    # The notice was due 14 days before the start: four days ago.
    assert (notice.state, notice.due_on, notice.days_left) == ("overdue", date(2026, 6, 11), -4)
    assert notice.link.url == audit.get_absolute_url()
    clock = found["audit"]
    assert (clock.title, clock.due_on) == (
        "Certification audit: onsite work",
        audit_deadlines(starts_on).onsite_due,
    )


def test_certified_with_maintenance_due_this_year(employer_a, employer_a_user):
    certificate = certify(employer_a, date(2025, 3, 10))

    found = steps(employer_a_user)

    assert [(s.key, s.state, s.due_on) for s in found] == [
        ("certificate", "done", None),
        ("maintenance", "due", date(2026, 12, 31)),
        ("maintenance", "due", date(2027, 12, 31)),
        ("recertification", "due", date(2028, 3, 9)),
    ]
    assert found[0].link.url == certificate.get_absolute_url()
    assert found[1].title == "Maintenance audit, 2026 (cycle year 2)"
    html = page(employer_a_user)
    assert "Due in 199 days" in html
    assert '<time datetime="2026-12-31">2026-12-31</time>' in html


def test_certified_with_a_missed_maintenance_year_is_overdue(employer_a, employer_a_user):
    certify(employer_a, date(2024, 5, 1))

    found = steps(employer_a_user)

    assert (found[1].title, found[1].state, found[1].days_left) == (
        "Maintenance audit, 2025 (cycle year 2)",
        "overdue",
        -166,
    )
    assert "Overdue by 166 days" in page(employer_a_user)


def test_maintenance_planned_past_the_cutoff_counts_the_cutoff(employer_a, employer_a_user):
    certificate = certify(employer_a, date(2025, 3, 10))
    starts_on = date(2026, 12, 1)
    AuditFactory(
        employer=employer_a,
        audit_type=AuditType.MAINTENANCE,
        starts_on=starts_on,
        cycle_certificate=certificate,
        cycle_year=2,
        past_cutoff=True,  # onsite due 2027-01-15, after the cycle year's December 31
    )

    found = steps(employer_a_user)

    assert [(s.key, s.due_on) for s in found[:3]] == [
        ("certificate", None),
        ("maintenance", date(2026, 12, 31)),
        ("notice", date(2026, 11, 17)),
    ]
    assert found[1].detail.startswith("Planned with your auditor.")


def test_the_progress_of_the_audits_app_reads_a_constant_number_of_queries(
    employer_a, django_assert_num_queries
):
    certificate = certify(employer_a, date(2025, 3, 10))
    audits = audit_selectors.audits_of_employer(employer_a.pk)
    employer = Employer.objects.get(pk=employer_a.pk)

    # The rules in force today and on the certificate's date, the certificate with its audit,
    # and its cycle's audits.
    with django_assert_num_queries(4):
        progress = audit_selectors.employer_progress(employer, audits, today=TODAY)

    assert progress.certificate_number == certificate.number
    assert progress.external_auditor_required is True
    assert progress.notice_lead_days == 14
    assert [y.number for y in progress.cycle] == [2, 3, 4]


def test_trainees_are_read_in_one_query(employer_a, django_assert_num_queries):
    internal(employer_a, AuditorStatus.CERTIFIED, first="Maya")
    internal(employer_a, AuditorStatus.IN_TRAINING, first="Faye", certified_on=None)
    AuditorFactory()  # an external auditor is no trainee of the employer

    with django_assert_num_queries(1):
        trainees = auditor_selectors.trainees_of(employer_a.pk, today=TODAY)

    assert [(t.name, t.standing) for t in trainees] == [
        ("Faye Tester", "in_training"),
        ("Maya Tester", "certified"),
    ]


# Queries -----------------------------------------------------------------------------------


def portal_queries(user) -> int:
    client = Client()
    client.force_login(user)
    client.get(reverse("homes:portal"))  # the session and the user's employer, once
    with CaptureQueriesContext(connection) as captured:
        assert client.get(reverse("homes:portal")).status_code == 200
    return len(captured)


def grow(employer, n: int) -> None:
    """Add n of everything the checklist reads: audits, internal auditors, requests, offers."""
    certificate = employer.certificates.get()
    for index in range(n):
        AuditFactory(
            employer=employer,
            audit_type=AuditType.MAINTENANCE,
            starts_on=date(2026, 7, 1) + timedelta(days=index),
            cycle_certificate=certificate,
            cycle_year=2,
        )
        internal(employer, AuditorStatus.STUDENT, first=f"S{index}", certified_on=None)
        GapAnalysisFactory(employer=employer, offered_on=date(2024, 1, 1) + timedelta(days=index))
        InteractionFactory(
            employer=employer,
            kind=InteractionKind.CONSULTATION_REQUEST,
            occurred_on=TODAY,
            follow_up_due=TODAY,
        )


def test_portal_queries_do_not_grow_with_the_employers_records(employer_a, employer_a_user):
    certify(employer_a, date(2025, 3, 10))
    grow(employer_a, 2)
    few = portal_queries(employer_a_user)

    grow(employer_a, 12)
    many = portal_queries(employer_a_user)

    assert few == many
    assert many <= 20  # the whole page: session, panels and the checklist's facts
    assert len(steps(employer_a_user)) > 4
