"""Each computed KPI source against crafted records at the fiscal-year boundaries.

For the fiscal year April 1, 2023 - March 31, 2024, a record on March 31, 2023 or April 1,
2024 is outside; one on April 1, 2023 or March 31, 2024 is inside.
"""

from datetime import date
from decimal import Decimal
from functools import partial

import pytest

from auditors import selectors as auditor_selectors
from auditors.choices import AuditorKind, CourseKind
from auditors.models import AuditorStatusChange, CourseCompletion
from auditors.tests.factories import (
    AuditorFactory,
    CourseFactory,
    EAQAFactory,
    EnrolmentFactory,
    TrainingSessionFactory,
    declared,
)
from audits import selectors as audit_selectors
from audits import services_wiva
from audits.choices import AuditType
from audits.models import Review
from audits.tests.factories import AuditFactory, CertificateFactory, SubmissionFactory
from cor_portal.counting import count_each
from employers import selectors as employer_selectors
from employers.choices import EmployerStatus, InteractionKind
from employers.models import EmployerStatusChange, Registration
from employers.tests.factories import EmployerFactory, GapAnalysisFactory, InteractionFactory
from workplan import selectors, sources
from workplan.tests.factories import KPIFactory, MandateFactory, WorkplanFactory

pytestmark = pytest.mark.django_db

START, END = date(2023, 4, 1), date(2024, 3, 31)
DAYS = [date(2023, 3, 31), START, END, date(2024, 4, 1)]


def _course(code: str, kind: str = CourseKind.EMPLOYER_COURSE):
    return CourseFactory(code=code, kind=kind)


def completion(code: str):
    def build(day: date) -> None:
        course = _course(code)
        CourseCompletion.objects.create(
            course=course,
            name="A. Person",
            email=f"p{day:%Y%m%d}@example.org",
            completed_on=day,
            source="manual",
        )

    return build


def registration(day: date) -> None:
    Registration.objects.create(employer=EmployerFactory(), program="ohs", registered_on=day)


def certification(day: date) -> None:
    audit = AuditFactory(
        status="approved", audit_type=AuditType.CERTIFICATION, starts_on=day, last_onsite_on=day
    )
    CertificateFactory(audit=audit, certified_on=day)


def gap_analysis(day: date) -> None:
    GapAnalysisFactory(offered_on=day, completed_on=day)


def interaction(kind: str):
    def build(day: date) -> None:
        InteractionFactory(kind=kind, occurred_on=day)

    return build


def wiva(day: date) -> None:
    case = services_wiva.open_case(actor=None, employer=EmployerFactory(), budget=Decimal(5000))
    services_wiva.notify_employer(case=case, actor=None, on=day)


def session(kind: str):
    def build(day: date) -> None:
        TrainingSessionFactory(course=_course(f"c-{kind}", kind), starts_on=day)

    return build


def student(day: date) -> None:
    course = _course("cor-internal-auditor", CourseKind.INTERNAL_AUDITOR)
    EnrolmentFactory(session=TrainingSessionFactory(course=course, starts_on=day), attended=True)


def internal_certified(day: date) -> None:
    auditor = AuditorFactory(
        kind=AuditorKind.INTERNAL,
        employer=EmployerFactory(),
        certification_number=f"INT-{day:%Y%m%d}",
    )
    AuditorStatusChange.objects.create(
        auditor=auditor,
        transition="certify",
        changed_on=day,
        reason="passed",
        from_status="student",
        to_status="certified",
    )


def external_declaration(day: date) -> None:
    declaration = declared(AuditorFactory(kind=AuditorKind.EXTERNAL), year=day.year)
    declaration.submitted_on = day
    declaration.save()


def eaqa(day: date) -> None:
    EAQAFactory(planned_on=day, conducted_on=day, year=day.year)


BUILDERS = {
    "new_registrations": registration,
    "new_certifications": certification,
    "gap_analyses_completed": gap_analysis,
    "completions_hs_orientation": completion("hs-orientation"),
    "completions_ohs_fundamentals": completion("ohs-fundamentals"),
    "completions_safety_basics": completion("safety-basics"),
    "internal_training_sessions": session(CourseKind.INTERNAL_AUDITOR),
    "internal_training_students": student,
    "internal_auditors_certified": internal_certified,
    "auditor_update_sessions": session(CourseKind.UPDATE_SESSION),
    "external_declarations": external_declaration,
    "eaqas": eaqa,
    "enquiries": interaction(InteractionKind.ENQUIRY),
    "consultations": interaction(InteractionKind.CONSULTATION),
    "biosphere_engagements": interaction(InteractionKind.BIOSPHERE),
    "wivas": wiva,
}
# Percent sources, each with its own test below.
RATES = {"certified_retention", "qa_coverage"}


def test_every_count_source_has_a_boundary_case():
    assert set(BUILDERS) | RATES == set(sources.SOURCES)


@pytest.mark.parametrize("key", sorted(BUILDERS))
def test_source_counts_the_fiscal_year_only(key):
    for day in DAYS:
        BUILDERS[key](day)
    assert sources.compute(key, start=START, end=END) == 2
    assert sources.compute(key, start=START, end=START) == 1
    assert sources.compute(key, start=date(2024, 4, 1), end=date(2025, 3, 31)) == 1


@pytest.mark.parametrize("key", sorted(BUILDERS))
def test_dashboard_shows_the_source_as_the_kpi_actual(key):
    workplan = WorkplanFactory(starts_on=START)
    kpi = KPIFactory(
        mandate=MandateFactory(workplan=workplan), kind="computed", source=key, target=Decimal(4)
    )
    for day in DAYS:
        BUILDERS[key](day)
    board = selectors.dashboard(workplan, today=date(2024, 6, 1))  # after the year: all of it
    row = board.mandates[0].kpis[0]
    assert row.kpi == kpi
    assert row.actual == 2
    assert row.trend == [1, 1, 1, 2]  # cumulative: April 1 in Q1, March 31 in Q4
    assert row.progress.status == "behind"  # 2 of 4 at the year's end, below 75%


def _status(employer, day, to, frm):
    EmployerStatusChange.objects.create(
        employer=employer,
        transition="x",
        changed_on=day,
        reason="test",
        from_status=frm,
        to_status=to,
    )


def test_retention_at_the_boundaries():
    C, L = EmployerStatus.CERTIFIED, EmployerStatus.LAPSED
    kept = EmployerFactory()
    _status(kept, date(2022, 5, 1), C, EmployerStatus.CERTIFICATION_IN_PROGRESS)
    lapsed_before = EmployerFactory()  # lapsed March 31: not in the base of the year
    _status(lapsed_before, date(2022, 5, 1), C, EmployerStatus.CERTIFICATION_IN_PROGRESS)
    _status(lapsed_before, date(2023, 3, 31), L, C)
    lapsed_first_day = EmployerFactory()  # certified at the start, lapsed April 1: lost
    _status(lapsed_first_day, date(2022, 5, 1), C, EmployerStatus.CERTIFICATION_IN_PROGRESS)
    _status(lapsed_first_day, START, L, C)
    new = EmployerFactory()  # certified on the year's last day: in the base, kept
    _status(new, END, C, EmployerStatus.CERTIFICATION_IN_PROGRESS)
    lapsed_after = EmployerFactory()  # lapsed April 1, 2024: kept in 23/24
    _status(lapsed_after, date(2022, 5, 1), C, EmployerStatus.CERTIFICATION_IN_PROGRESS)
    _status(lapsed_after, date(2024, 4, 1), L, C)
    EmployerFactory()  # never certified
    # Base: kept, lapsed_first_day, new, lapsed_after = 4; lost: lapsed_first_day.
    assert sources.compute("certified_retention", start=START, end=END) == Decimal(75)
    # In 24/25 the base is kept, new, lapsed_after; lapsed_after is lost.
    result = sources.compute("certified_retention", start=date(2024, 4, 1), end=date(2025, 3, 31))
    assert result == Decimal(200) / Decimal(3)


def test_retention_without_certified_employers_is_none():
    assert sources.compute("certified_retention", start=START, end=END) is None


def test_a_cancelled_wiva_does_not_count():
    wiva(START)
    services_wiva.cancel_case(
        case=services_wiva.open_case(
            actor=None, employer=EmployerFactory(), budget=Decimal(1), on=START
        ),
        actor=None,
        reason="WorkSafeBC withdrew the request",
        on=START,
    )
    assert sources.compute("wivas", start=START, end=END) == 1


def submitted(day: date, *, outcome: str | None) -> None:
    """An audit first submitted on ``day``; with a review of ``outcome`` ("" = still open)."""
    audit = AuditFactory(status="submitted", starts_on=date(2023, 1, 9), submitted_on=day)
    submission = SubmissionFactory(audit=audit, submitted_on=day)
    if outcome is not None:
        Review.objects.create(
            audit=audit, submission=submission, outcome=outcome, decided_on=day if outcome else None
        )


def test_qa_coverage_counts_audits_first_submitted_in_the_fiscal_year():
    submitted(date(2023, 3, 31), outcome=None)  # before the year: not in the base
    submitted(START, outcome="approved")
    submitted(END, outcome="returned")  # a return is a completed review
    submitted(END, outcome="")  # a review still open
    submitted(date(2024, 2, 1), outcome=None)  # not reviewed yet
    submitted(date(2024, 4, 1), outcome=None)  # after the year
    assert sources.compute("qa_coverage", start=START, end=END) == Decimal(50)
    assert sources.compute("qa_coverage", start=START, end=START) == Decimal(100)
    assert sources.compute("qa_coverage", start=date(2024, 4, 1), end=date(2025, 3, 31)) == 0


def test_qa_coverage_without_submissions_is_none():
    assert sources.compute("qa_coverage", start=START, end=END) is None


# Counting every source together ----------------------------------------------------------------

# The count selector each source stands for, as the apps answer one question at a time.
ONE_AT_A_TIME = {
    "new_registrations": employer_selectors.new_registrations,
    "new_certifications": audit_selectors.new_certifications,
    "gap_analyses_completed": employer_selectors.gap_analyses_completed,
    "certified_retention": employer_selectors.certified_retention,
    "completions_hs_orientation": partial(
        auditor_selectors.course_completions, course_code="hs-orientation"
    ),
    "completions_ohs_fundamentals": partial(
        auditor_selectors.course_completions, course_code="ohs-fundamentals"
    ),
    "completions_safety_basics": partial(
        auditor_selectors.course_completions, course_code="safety-basics"
    ),
    "internal_training_sessions": partial(
        auditor_selectors.training_sessions_held, kind=CourseKind.INTERNAL_AUDITOR
    ),
    "internal_training_students": partial(
        auditor_selectors.students_trained, kind=CourseKind.INTERNAL_AUDITOR
    ),
    "internal_auditors_certified": partial(
        auditor_selectors.auditors_certified, kind=AuditorKind.INTERNAL
    ),
    "auditor_update_sessions": partial(
        auditor_selectors.training_sessions_held, kind=CourseKind.UPDATE_SESSION
    ),
    "external_declarations": partial(
        auditor_selectors.declarations_filed, kind=AuditorKind.EXTERNAL
    ),
    "qa_coverage": audit_selectors.qa_coverage,
    "wivas": audit_selectors.wiva_count,
    "eaqas": auditor_selectors.eaqas_conducted,
    "enquiries": partial(employer_selectors.interactions_count, kind=InteractionKind.ENQUIRY),
    "biosphere_engagements": partial(
        employer_selectors.interactions_count, kind=InteractionKind.BIOSPHERE
    ),
    "consultations": partial(
        employer_selectors.interactions_count, kind=InteractionKind.CONSULTATION
    ),
}
PERIODS = [
    (START, END),
    (START, START),
    (START, date(2023, 9, 30)),
    (date(2024, 4, 1), date(2025, 3, 31)),
]


def test_every_source_stands_for_a_count_selector():
    assert set(ONE_AT_A_TIME) == set(sources.SOURCES)


def test_sources_counted_together_match_the_selectors_one_at_a_time(django_assert_num_queries):
    for build in BUILDERS.values():
        for day in DAYS:
            build(day)
    for outcome in (None, "approved", "returned", ""):
        submitted(date(2023, 7, 1), outcome=outcome)
    C = EmployerStatus.CERTIFIED
    kept, lost = EmployerFactory(), EmployerFactory()
    _status(kept, date(2022, 5, 1), C, EmployerStatus.CERTIFICATION_IN_PROGRESS)
    _status(lost, date(2022, 5, 1), C, EmployerStatus.CERTIFICATION_IN_PROGRESS)
    _status(lost, date(2023, 8, 1), EmployerStatus.LAPSED, C)
    asked = [(key, start, end) for key in sorted(sources.SOURCES) for start, end in PERIODS]

    with django_assert_num_queries(1):
        together = sources.compute_many(asked)

    expected = {(key, s, e): ONE_AT_A_TIME[key](start=s, end=e) for key, s, e in asked}
    assert together == expected
    assert together[("certified_retention", START, END)] == Decimal(50)
    assert together[("qa_coverage", START, END)] == Decimal(50)
    assert together[("enquiries", START, END)] == 2


def test_nothing_to_count_makes_no_query(django_assert_num_queries):
    with django_assert_num_queries(0):
        assert sources.compute_many([]) == {}
    assert count_each({"none": Registration.objects.none()}) == {"none": 0}
