"""Services of audits (R-5 to R-11) on the real database: planning, transitions, reports,
decisions, extensions, certificates and the notifications they send."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.utils import timezone

from auditors.choices import AuditorKind, AuditorStatus
from auditors.tests.factories import AuditorFactory, ConsultingEngagementFactory, declared
from audits import services
from audits.choices import AuditStatus, AuditType, CertificateStatus, ExtensionStatus
from audits.deadlines import DeadlineRules, audit_deadlines
from audits.models import Audit, AuditStatusChange, Certificate, Extension, Submission
from audits.tests.factories import (
    AuditFactory,
    CertificateFactory,
    SubmissionFactory,
    score_all,
)
from cor_portal.notifications.models import Notification
from cor_portal.program.models import ProgramRules
from cor_portal.program.periods import add_months, add_years
from employers.choices import EmployerStatus
from employers.models import EmployerStatusChange
from employers.tests.factories import ClassificationUnitFactory, EmployerFactory, employer_user

pytestmark = pytest.mark.django_db

S = AuditStatus
DAY = timedelta(days=1)
START = date(2025, 3, 3)
PLANNED_ON = date(2025, 2, 3)
LAST_ONSITE = date(2025, 4, 2)  # start + 30
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def pdf(name: str = "report.pdf") -> ContentFile:
    return ContentFile(PDF, name=name)


def employer(size: str = "large", status: str = EmployerStatus.REGISTERED, **kwargs):
    kwargs.setdefault("employees", 140 if size == "large" else 12)
    return EmployerFactory(size_class=size, status=status, **kwargs)


def auditor(
    *,
    kind: str = AuditorKind.EXTERNAL,
    of=None,
    certified_on: date = date(2024, 1, 15),
    expires_on: date | None = None,
    years: tuple[int, ...] = (2025,),
    **kwargs,
):
    """Return a certified auditor (internal when ``of`` is its employer) declared for years."""
    found = AuditorFactory(
        kind=AuditorKind.INTERNAL if of is not None else kind,
        employer=of,
        certified_on=certified_on,
        expires_on=expires_on or add_years(certified_on, 3),
        **kwargs,
    )
    for year in years:
        declared(found, year)
    return found


def plan(employer, lead, actor, *, audit_type=AuditType.CERTIFICATION, starts_on=START, **kw):
    kw.setdefault("on", PLANNED_ON)
    return services.plan_audit(
        actor=actor,
        employer=employer,
        audit_type=audit_type,
        starts_on=starts_on,
        lead_auditor=lead,
        **kw,
    )


def reasons(caught, field: str = "lead_auditor") -> list[str]:
    return caught.value.message_dict[field]


def onsite_complete(audit, actor, *, last_onsite=LAST_ONSITE):
    audit = services.file_notice(
        audit=audit, actor=actor, no_conflict_declared=True, on=audit.notice_due
    )
    audit = services.start_audit(audit=audit, actor=actor, on=audit.starts_on)
    return services.complete_onsite(
        audit=audit, actor=actor, last_onsite_on=last_onsite, on=last_onsite
    )


def scores(audit, earned: str = "85", applicable: str = "100", **overrides: str):
    """Return every element's points; ``overrides`` give earned points by element number."""
    return {
        e.pk: (Decimal(overrides.get(f"e{e.number}", earned)), Decimal(applicable))
        for e in audit.tool.elements.all()
    }


def submit(audit, actor, *, on=None, **points):
    services.save_draft(audit=audit, actor=actor, scores=scores(audit, **points), report=pdf())
    services.submit_report(audit=audit, actor=actor, on=on or audit.submission_due)
    return Audit.objects.get(pk=audit.pk)


def in_qa(audit, actor, **points):
    audit = submit(onsite_complete(audit, actor), actor, **points)
    return services.start_review(audit=audit, actor=actor, on=audit.submitted_on + DAY)


def certificate_of(employer, *, certified_on=date(2024, 5, 3), **kwargs):
    audit = AuditFactory(
        employer=employer,
        status=S.APPROVED,
        starts_on=certified_on - timedelta(days=40),
        last_onsite_on=certified_on,
        passed=True,
        **kwargs,
    )
    return CertificateFactory(
        audit=audit, certified_on=certified_on, expires_on=add_years(certified_on, 3)
    )


@pytest.fixture
def staff(staff_user):
    return staff_user


# plan_audit: who may audit (R-6, R-7) -------------------------------------------------------


@pytest.mark.parametrize("audit_type", [AuditType.CERTIFICATION, AuditType.RECERTIFICATION])
def test_large_employer_certifying_audit_with_internal_auditor_is_refused_with_the_reason(
    staff, audit_type
):
    large = employer("large")
    own = auditor(of=large)

    with pytest.raises(ValidationError) as caught:
        plan(large, own, staff, audit_type=audit_type)

    label = AuditType(audit_type).label.lower()
    assert reasons(caught) == [f"A large employer's {label} audit needs an external auditor."]
    assert not Audit.objects.exists()
    large.refresh_from_db()
    assert large.status == EmployerStatus.REGISTERED


def test_small_employer_may_use_its_own_internal_auditor(staff):
    small = employer("small")
    own = auditor(of=small)

    audit = plan(small, own, staff)

    assert audit.lead_auditor == own
    assert audit.status == S.PLANNED


def test_large_employer_maintenance_audit_may_use_its_own_internal_auditor(staff):
    large = employer("large", status=EmployerStatus.CERTIFIED)
    certificate = certificate_of(large)
    own = auditor(of=large)

    audit = plan(large, own, staff, audit_type=AuditType.MAINTENANCE, starts_on=date(2025, 6, 2))

    assert (audit.lead_auditor, audit.cycle_certificate) == (own, certificate)


@pytest.mark.parametrize("size", ["small", "large"])
def test_wiva_needs_an_external_auditor(staff, size):
    audited = employer(size)

    with pytest.raises(ValidationError) as caught:
        services.check_assignment(
            employer=audited,
            audit_type=AuditType.WIVA,
            lead_auditor=auditor(of=audited),
            starts_on=START,
        )

    assert "needs an external auditor" in reasons(caught)[0]
    services.check_assignment(
        employer=audited, audit_type=AuditType.WIVA, lead_auditor=auditor(), starts_on=START
    )


def test_internal_auditor_of_another_employer_is_refused(staff):
    small = employer("small")

    with pytest.raises(ValidationError) as caught:
        plan(small, auditor(of=employer("small")), staff)

    assert reasons(caught) == ["An internal auditor may audit only their own employer."]


@pytest.mark.parametrize(
    ("expires_on", "allowed"),
    [
        (START - DAY, False),  # expired the day before the start
        (START, False),  # valid while day < expiry: not on the start itself
        (START + DAY, True),  # expires the day after
    ],
)
def test_auditor_certification_must_be_valid_on_the_start(staff, expires_on, allowed):
    lead = auditor(certified_on=add_years(expires_on, -3), expires_on=expires_on)

    if allowed:
        assert plan(employer(), lead, staff).lead_auditor == lead
        return
    with pytest.raises(ValidationError) as caught:
        plan(employer(), lead, staff)
    assert reasons(caught) == [
        f"The auditor's certification expires on {expires_on.isoformat()}, on or before the "
        f"audit start ({START.isoformat()})."
    ]


def test_auditor_certified_only_after_the_start_is_refused(staff):
    lead = auditor(certified_on=START + DAY)

    with pytest.raises(ValidationError) as caught:
        plan(employer(), lead, staff)

    assert "certified only from 2025-03-04" in reasons(caught)[0]


def test_auditor_without_the_declaration_for_the_start_year_is_refused(staff):
    lead = auditor(years=(2024, 2026))

    with pytest.raises(ValidationError) as caught:
        plan(employer(), lead, staff)

    assert reasons(caught) == ["The auditor has not filed the annual declaration for 2025."]


@pytest.mark.parametrize("status", [AuditorStatus.SUSPENDED, AuditorStatus.LAPSED])
def test_auditor_not_in_good_standing_is_refused(staff, status):
    lead = auditor(status=status)

    with pytest.raises(ValidationError) as caught:
        plan(employer(), lead, staff)

    assert "not certified" in reasons(caught)[0]


@pytest.mark.parametrize(("months_before", "allowed"), [(11, False), (13, True)])
def test_consulting_for_the_employer_within_12_months_is_refused(staff, months_before, allowed):
    audited, lead = employer(), auditor()
    ConsultingEngagementFactory(
        auditor=lead,
        employer=audited,
        started_on=date(2023, 1, 9),
        ended_on=add_months(START, -months_before),
    )

    if allowed:
        assert plan(audited, lead, staff).lead_auditor == lead
        return
    with pytest.raises(ValidationError) as caught:
        plan(audited, lead, staff)
    assert "consulted for this employer" in reasons(caught)[0]


def test_every_reason_is_listed_together_under_lead_auditor(staff):
    large = employer("large")
    lead = auditor(of=employer("small"), expires_on=START - DAY, years=())

    with pytest.raises(ValidationError) as caught:
        plan(large, lead, staff)

    assert set(caught.value.message_dict) == {"lead_auditor"}
    listed = reasons(caught)
    assert len(listed) == 4
    assert listed[0] == "A large employer's certification audit needs an external auditor."
    assert any("expires on" in reason for reason in listed)
    assert any("annual declaration for 2025" in reason for reason in listed)
    assert "An internal auditor may audit only their own employer." in listed


def test_employer_without_a_size_class_cannot_be_audited_yet(staff):
    unsized = employer(size="", employees=None)

    with pytest.raises(ValidationError) as caught:
        plan(unsized, auditor(), staff)

    assert "Record the employer's employees or payroll hours" in reasons(caught)[0]


# plan_audit: scope, dates, lifecycle and cycle ----------------------------------------------


def test_scope_outside_the_employers_units_is_refused(staff):
    audited = employer()
    stranger = ClassificationUnitFactory(code="999001")

    with pytest.raises(ValidationError) as caught:
        plan(audited, auditor(), staff, scope=[*audited.classification_units.all(), stranger])

    assert reasons(caught, "scope") == ["Choose the audited CUs among the employer's own."]
    with pytest.raises(ValidationError):
        plan(audited, auditor(), staff, scope=[])
    assert not Audit.objects.exists()


def test_scope_is_the_employers_units_unless_chosen(staff):
    first, second = (
        ClassificationUnitFactory(code="761101"),
        ClassificationUnitFactory(code="761102"),
    )
    audited = employer(classification_units=[first, second])
    lead = auditor()

    everything = plan(audited, lead, staff)
    some = plan(audited, lead, staff, scope=[second], starts_on=START + timedelta(days=100))

    assert set(everything.scope.all()) == {first, second}
    assert list(some.scope.all()) == [second]


def test_due_dates_are_stored_from_the_rules_in_force_on_the_start(staff):
    ProgramRules.objects.create(
        effective_from=date(2025, 1, 1),
        notice_lead_days=21,
        onsite_days=40,
        submission_days=20,
        final_report_days=70,
    )
    ProgramRules.objects.create(effective_from=START + DAY, notice_lead_days=7)  # not yet

    audit = plan(employer(), auditor(), staff)

    expected = audit_deadlines(START, rules=DeadlineRules(21, 40, 20, 70))
    assert (audit.notice_due, audit.onsite_due, audit.submission_due, audit.final_due) == (
        expected.notice_due,
        expected.onsite_due,
        None,
        expected.final_due,
    )
    assert audit.notice_due == date(2025, 2, 10)


def test_default_rules_give_the_design_example(staff):
    lead = auditor(certified_on=date(2023, 6, 1), years=(2024,))

    audit = plan(employer(), lead, staff, starts_on=date(2024, 9, 2), on=date(2024, 8, 1))
    audit = onsite_complete(audit, staff, last_onsite=date(2024, 10, 10))

    assert (audit.notice_due, audit.onsite_due, audit.submission_due, audit.final_due) == (
        date(2024, 8, 19),
        date(2024, 10, 17),
        date(2024, 11, 9),
        date(2024, 11, 16),
    )


@pytest.mark.parametrize("status", [EmployerStatus.REGISTERED, EmployerStatus.LAPSED])
def test_planning_a_certification_audit_starts_the_employers_certification(staff, status):
    audited = employer(status=status)

    plan(audited, auditor(), staff)

    audited.refresh_from_db()
    assert audited.status == EmployerStatus.CERTIFICATION_IN_PROGRESS
    change = EmployerStatusChange.objects.get(employer=audited)
    assert (change.from_status, change.to_status, change.changed_on) == (
        status,
        EmployerStatus.CERTIFICATION_IN_PROGRESS,
        PLANNED_ON,
    )
    assert "2025-03-03" in change.reason


@pytest.mark.parametrize(
    "status", [EmployerStatus.ENQUIRY, EmployerStatus.WITHDRAWN, EmployerStatus.REMOVED]
)
def test_an_employer_outside_the_program_is_not_audited(staff, status):
    audited = employer(status=status)

    with pytest.raises(ValidationError) as caught:
        plan(audited, auditor(), staff)

    assert "register it before planning an audit" in caught.value.message_dict["employer"][0]
    assert not Audit.objects.exists()
    audited.refresh_from_db()
    assert audited.status == status


def test_planning_another_certification_audit_leaves_the_lifecycle_alone(staff):
    audited = employer(status=EmployerStatus.CERTIFICATION_IN_PROGRESS)

    plan(audited, auditor(), staff)

    audited.refresh_from_db()
    assert audited.status == EmployerStatus.CERTIFICATION_IN_PROGRESS
    assert not EmployerStatusChange.objects.exists()


def test_maintenance_audit_without_a_valid_certificate_is_refused(staff):
    audited = employer(status=EmployerStatus.CERTIFIED)
    certificate_of(audited, certified_on=date(2021, 5, 3))  # expired 2024-05-03

    with pytest.raises(ValidationError) as caught:
        plan(audited, auditor(), staff, audit_type=AuditType.MAINTENANCE)

    assert reasons(caught, "audit_type") == [
        "A maintenance audit needs a valid certificate on its start date."
    ]


@pytest.mark.parametrize(
    ("starts_on", "onsite_due", "flagged"),
    [
        (date(2025, 11, 1), date(2025, 12, 16), False),
        (date(2025, 11, 16), date(2025, 12, 31), False),
        (date(2025, 11, 17), date(2026, 1, 1), True),
        (date(2025, 11, 20), date(2026, 1, 4), True),
    ],
)
def test_maintenance_audit_is_linked_to_its_cycle_year_and_flagged_past_the_cutoff(
    staff, starts_on, onsite_due, flagged
):
    audited = employer(status=EmployerStatus.CERTIFIED)
    certificate = certificate_of(audited, certified_on=date(2024, 5, 3))

    audit = plan(audited, auditor(), staff, audit_type=AuditType.MAINTENANCE, starts_on=starts_on)

    assert (audit.cycle_certificate, audit.cycle_year) == (certificate, 2)
    assert audit.onsite_due == onsite_due
    assert audit.past_cutoff is flagged


def test_third_year_maintenance_and_recertification_find_their_cycle_years(staff):
    audited = employer(status=EmployerStatus.CERTIFIED)
    certificate = certificate_of(audited, certified_on=date(2024, 5, 3))
    lead = auditor(certified_on=date(2025, 1, 6), years=(2026, 2027))

    third = plan(audited, lead, staff, audit_type=AuditType.MAINTENANCE, starts_on=date(2026, 4, 6))
    recertification = plan(
        audited, lead, staff, audit_type=AuditType.RECERTIFICATION, starts_on=date(2027, 2, 1)
    )

    assert (third.cycle_certificate, third.cycle_year, third.past_cutoff) == (
        certificate,
        3,
        False,
    )
    assert (recertification.cycle_year, recertification.past_cutoff) == (4, False)


def test_recertification_onsite_due_after_expiry_is_flagged(staff):
    audited = employer(status=EmployerStatus.CERTIFIED)
    certificate_of(audited, certified_on=date(2024, 5, 3))

    audit = plan(
        audited,
        auditor(certified_on=date(2025, 1, 6), years=(2027,)),
        staff,
        audit_type=AuditType.RECERTIFICATION,
        starts_on=date(2027, 3, 20),  # onsite due 2027-05-04, after 2027-05-02
    )

    assert audit.past_cutoff is True


def test_rescheduling_a_planned_audit_moves_its_dates(staff):
    audit = plan(employer(), auditor(), staff)

    moved = services.reschedule_audit(audit=audit, actor=staff, starts_on=date(2025, 5, 5))

    assert (moved.notice_due, moved.final_due) == (date(2025, 4, 21), date(2025, 7, 19))
    audit = services.file_notice(
        audit=moved, actor=staff, no_conflict_declared=True, on=date(2025, 4, 1)
    )
    with pytest.raises(ValidationError, match="Only a planned audit"):
        services.reschedule_audit(audit=audit, actor=staff, starts_on=date(2025, 6, 2))


# Every status transition, allowed and refused (the matrix is the model's) --------------------

TRANSITIONS = {(t.name, t.source): t.target for t in Audit().get_all_status_transitions()}
# Each service and the transitions it may make.
SERVICES = {
    "file_notice": ("file_notice",),
    "start_audit": ("start",),
    "complete_onsite": ("complete_onsite",),
    "submit_report": ("submit", "resubmit"),
    "start_review": ("start_review",),
    "return_audit": ("return_for_revision",),
    "approve_audit": ("approve",),
    "reject_audit": ("reject",),
    "require_verification": ("require_verification",),
    "cancel_audit": ("cancel",),
}
AFTER_ONSITE = set(S) - {S.PLANNED, S.NOTICE_FILED, S.IN_PROGRESS}


def test_every_transition_of_the_model_has_a_service():
    names = {name for name, _ in TRANSITIONS}

    assert names == {name for made in SERVICES.values() for name in made}


def act(service: str, audit: Audit, actor) -> None:
    dated = {"actor": actor, "on": date(2025, 4, 20)}
    calls = {
        "file_notice": lambda: services.file_notice(
            audit=audit, no_conflict_declared=True, **dated
        ),
        "start_audit": lambda: services.start_audit(audit=audit, **dated),
        "complete_onsite": lambda: services.complete_onsite(
            audit=audit, last_onsite_on=LAST_ONSITE, **dated
        ),
        "submit_report": lambda: services.submit_report(audit=audit, **dated),
        "start_review": lambda: services.start_review(audit=audit, **dated),
        "return_audit": lambda: services.return_audit(audit=audit, reason="Notes", **dated),
        "approve_audit": lambda: services.approve_audit(audit=audit, **dated),
        "reject_audit": lambda: services.reject_audit(audit=audit, reason="Failed", **dated),
        "require_verification": lambda: services.require_verification(
            audit=audit, reason="Evidence does not match the interviews", **dated
        ),
        "cancel_audit": lambda: services.cancel_audit(audit=audit, reason="Postponed", **dated),
    }
    calls[service]()


@pytest.mark.parametrize("status", list(S))
@pytest.mark.parametrize("service", list(SERVICES))
def test_service_moves_exactly_from_the_statuses_the_model_allows(staff, service, status):
    audit = AuditFactory(
        audit_type=AuditType.MAINTENANCE,
        status=status,
        starts_on=START,
        last_onsite_on=LAST_ONSITE if status in AFTER_ONSITE else None,
        passed=True if status in AFTER_ONSITE else None,
    )
    draft = SubmissionFactory(audit=audit, number=1, report=pdf())
    score_all(draft)
    targets = [
        TRANSITIONS[(name, status)] for name in SERVICES[service] if (name, status) in TRANSITIONS
    ]

    if not targets:
        with pytest.raises(ValidationError):
            act(service, audit, staff)
        assert Audit.objects.get(pk=audit.pk).status == status
        assert not AuditStatusChange.objects.exists()
        return
    act(service, audit, staff)
    moved = Audit.objects.get(pk=audit.pk)
    assert moved.status == targets[0]
    change = AuditStatusChange.objects.get(audit=audit)
    assert (change.from_status, change.to_status, change.actor) == (status, targets[0], staff)
    assert change.changed_on == date(2025, 4, 20)


def test_refused_move_says_why(staff):
    audit = AuditFactory(status=S.APPROVED, starts_on=START)

    with pytest.raises(ValidationError) as caught:
        services.cancel_audit(audit=audit, actor=staff, reason="Too late")

    assert caught.value.messages == ["An audit that is approved cannot be moved this way (cancel)."]


def test_a_move_needs_a_reason_and_a_date_not_in_the_future(staff):
    audit = AuditFactory(starts_on=START)

    with pytest.raises(ValidationError, match="Say why"):
        services.cancel_audit(audit=audit, actor=staff, reason="  ")
    with pytest.raises(ValidationError, match="future"):
        services.cancel_audit(audit=audit, actor=staff, reason="x", on=timezone.localdate() + DAY)


# Notice of Audit (R-8) ----------------------------------------------------------------------


def test_notice_needs_the_auditors_declaration_of_no_consulting(staff):
    audit = plan(employer(), auditor(), staff)

    with pytest.raises(ValidationError) as caught:
        services.file_notice(audit=audit, actor=staff, no_conflict_declared=False)

    assert "no_conflict_declared" in caught.value.message_dict
    assert Audit.objects.get(pk=audit.pk).status == S.PLANNED


@pytest.mark.parametrize(("days_after_due", "late"), [(-5, False), (0, False), (1, True)])
def test_notice_filed_after_its_due_date_is_flagged_late(staff, days_after_due, late):
    audit = plan(employer(), auditor(), staff)
    filed_on = audit.notice_due + timedelta(days=days_after_due)

    audit = services.file_notice(
        audit=audit,
        actor=audit.lead_auditor.user,
        no_conflict_declared=True,
        sites="Main hotel; 12 interviews",
        on=filed_on,
    )

    assert audit.status == S.NOTICE_FILED
    assert (audit.notice_filed_on, audit.notice_late) == (filed_on, late)
    assert audit.no_conflict_declared is True
    assert audit.sites == "Main hotel; 12 interviews"


def test_notice_tells_the_auditor_and_the_employers_contacts(staff):
    audited = employer()
    contact = employer_user(audited)
    audit = plan(audited, auditor(), staff)

    services.file_notice(audit=audit, actor=staff, no_conflict_declared=True, on=START - DAY)

    told = set(Notification.objects.values_list("recipient", flat=True))
    assert told == {audit.lead_auditor.user_id, contact.pk}
    assert Notification.objects.filter(subject__startswith="Notice of Audit filed").count() == 2


def test_audit_cannot_start_before_its_start_date(staff):
    audit = plan(employer(), auditor(), staff)

    with pytest.raises(ValidationError) as caught:
        services.start_audit(audit=audit, actor=staff, on=START - DAY)

    assert "on" in caught.value.message_dict
    assert services.start_audit(audit=audit, actor=staff, on=START).status == S.IN_PROGRESS


# Onsite complete (R-9) ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("last_onsite", "overrun", "submission_due"),
    [
        (date(2025, 4, 16), False, date(2025, 5, 16)),  # day 44: 30 days later
        (date(2025, 4, 17), False, date(2025, 5, 17)),  # day 45: the onsite deadline
        (date(2025, 4, 18), True, date(2025, 5, 17)),  # day 46: overrun, capped at day 75
    ],
)
def test_onsite_complete_sets_the_report_deadline_and_flags_an_overrun(
    staff, last_onsite, overrun, submission_due
):
    audit = plan(employer(), auditor(), staff)

    audit = onsite_complete(audit, staff, last_onsite=last_onsite)

    assert audit.status == S.ONSITE_COMPLETE
    assert audit.onsite_due == date(2025, 4, 17)
    assert (audit.last_onsite_on, audit.onsite_overrun) == (last_onsite, overrun)
    assert audit.submission_due == submission_due
    assert Audit.objects.get(pk=audit.pk).submission_due == submission_due


def test_onsite_complete_in_the_future_is_refused(staff):
    audit = AuditFactory(status=S.IN_PROGRESS, starts_on=START)
    tomorrow = timezone.localdate() + DAY

    with pytest.raises(ValidationError) as caught:
        services.complete_onsite(audit=audit, actor=staff, last_onsite_on=tomorrow)

    assert caught.value.message_dict == {
        "last_onsite_on": ["The last onsite day cannot be in the future."]
    }
    with pytest.raises(ValidationError, match="before the start"):
        services.complete_onsite(audit=audit, actor=staff, last_onsite_on=START - DAY)
    assert Audit.objects.get(pk=audit.pk).status == S.IN_PROGRESS


def test_onsite_complete_counts_extensions_approved_earlier(staff):
    audit = plan(employer(), auditor(), staff)
    extension = services.request_extension(
        audit=audit, actor=staff, days=10, reason="Peak season", on=START
    )
    services.decide_extension(extension=extension, actor=staff, approve=True, on=START)

    audit = onsite_complete(Audit.objects.get(pk=audit.pk), staff)

    assert audit.submission_due == LAST_ONSITE + timedelta(days=40)


# Report and scores --------------------------------------------------------------------------


@pytest.fixture
def working(staff):
    """Return an audit whose onsite work is complete (report due 2025-05-02)."""
    return onsite_complete(plan(employer(), auditor(), staff), staff)


def test_scores_and_report_wait_until_the_audit_has_started(staff):
    audit = plan(employer(), auditor(), staff)

    with pytest.raises(ValidationError, match="once the audit has started"):
        services.save_draft(audit=audit, actor=staff, scores=scores(audit))
    assert not Submission.objects.exists()


def test_draft_keeps_the_report_and_scores_and_is_updated_in_place(staff, working):
    first = services.save_draft(
        audit=working, actor=staff, scores=scores(working, "70"), report=pdf("Final report.pdf")
    )
    second = services.save_draft(audit=working, actor=staff, scores=scores(working, "90"))

    assert first.pk == second.pk
    assert Submission.objects.count() == 1
    assert second.report_name == "Final report.pdf"
    assert second.report.name.startswith("audit-reports/")
    assert "Final report" not in second.report.name  # stored under a random name
    assert {s.earned for s in second.scores.all()} == {Decimal("90")}
    assert second.scores.count() == 8


@pytest.mark.parametrize(
    ("earned", "applicable", "field"),
    [
        ("101", "100", "earned"),  # above applicable
        ("-1", "100", "earned"),
        ("50", "-1", "earned"),
        ("50", "100.01", "applicable"),  # the element has 100 points
    ],
)
def test_points_out_of_bounds_are_refused_beside_the_element(
    staff, working, earned, applicable, field
):
    element = working.tool.elements.get(number=3)
    points = scores(working)
    points[element.pk] = (Decimal(earned), Decimal(applicable))

    with pytest.raises(ValidationError) as caught:
        services.save_draft(audit=working, actor=staff, scores=points)

    assert list(caught.value.message_dict) == [f"{field}_{element.pk}"]
    assert not Submission.objects.exists()  # nothing half-saved


def test_points_at_the_bounds_are_accepted(staff, working):
    element = working.tool.elements.get(number=1)
    points = scores(working)
    points[element.pk] = (Decimal("0"), Decimal("0"))  # nothing applies

    draft = services.save_draft(audit=working, actor=staff, scores=points)

    assert draft.scores.get(element=element).applicable == 0


def test_score_for_an_element_of_another_tool_is_refused(staff, working):
    with pytest.raises(ValidationError, match="not part of this audit's tool"):
        services.save_draft(
            audit=working, actor=staff, scores={999999: (Decimal("1"), Decimal("2"))}
        )


def test_report_that_is_not_a_pdf_is_refused(staff, working):
    program = ContentFile(b"MZ\x90\x00 this is an executable", name="report.pdf")

    with pytest.raises(ValidationError) as caught:
        services.save_draft(audit=working, actor=staff, report=program)

    assert "report" in caught.value.message_dict


def test_no_submission_before_onsite_is_complete(staff):
    audit = plan(employer(), auditor(), staff)
    audit = services.start_audit(audit=audit, actor=staff, on=START)
    services.save_draft(audit=audit, actor=staff, scores=scores(audit), report=pdf())

    with pytest.raises(ValidationError) as caught:
        services.submit_report(audit=audit, actor=staff, on=START + DAY)

    assert caught.value.messages == ["Submit the report after onsite work is complete."]
    assert Audit.objects.get(pk=audit.pk).status == S.IN_PROGRESS
    assert not Submission.objects.filter(submitted_on__isnull=False).exists()


def test_no_submission_without_the_report(staff, working):
    services.save_draft(audit=working, actor=staff, scores=scores(working))

    with pytest.raises(ValidationError, match="Upload the report"):
        services.submit_report(audit=working, actor=staff, on=LAST_ONSITE)


def test_no_submission_with_an_element_unscored(staff, working):
    points = scores(working)
    del points[working.tool.elements.get(number=8).pk]
    services.save_draft(audit=working, actor=staff, scores=points, report=pdf())

    with pytest.raises(ValidationError) as caught:
        services.submit_report(audit=working, actor=staff, on=LAST_ONSITE)

    assert caught.value.messages == [
        "Score every element before submitting; missing: Joint OHS Committee."
    ]


@pytest.mark.parametrize(("days_after_due", "late"), [(-10, False), (0, False), (1, True)])
def test_submission_is_checked_against_the_report_deadline(staff, working, days_after_due, late):
    on = working.submission_due + timedelta(days=days_after_due)

    audit = submit(working, working.lead_auditor.user, on=on)

    submission = Submission.objects.get(audit=audit)
    assert (submission.submitted_on, submission.late) == (on, late)
    assert submission.submitted_by == working.lead_auditor.user
    assert (audit.status, audit.submitted_on, audit.submission_late) == (S.SUBMITTED, on, late)


def test_submission_stores_the_exact_result(staff, working):
    audit = submit(
        working, staff, e1="45", e2="87", e3="87", e4="87", e5="87", e6="87", e7="87", e8="89"
    )

    submission = Submission.objects.get(audit=audit)
    assert (audit.overall_percent, audit.passed) == (Decimal("82"), False)
    assert (submission.overall_percent, submission.passed) == (Decimal("82"), False)


def test_submission_tells_the_auditor(staff, working):
    submit(working, staff)

    assert Notification.objects.filter(
        recipient=working.lead_auditor.user, subject__startswith="Report received"
    ).exists()


@pytest.mark.parametrize(("days_after_final", "late"), [(0, False), (1, True)])
def test_resubmission_after_return_is_checked_against_the_final_deadline(
    staff, working, days_after_final, late
):
    audit = submit(working, staff)  # on time
    audit = services.start_review(audit=audit, actor=staff, on=audit.submitted_on)
    audit = services.return_audit(
        audit=audit, actor=staff, reason="Add the interview notes", on=audit.submitted_on
    )
    assert audit.status == S.RETURNED
    on = audit.final_due + timedelta(days=days_after_final)  # long after the report deadline

    audit = submit(audit, staff, on=on)

    assert audit.status == S.RESUBMITTED
    first, second = Submission.objects.filter(audit=audit).order_by("number")
    assert (first.number, first.late) == (1, False)
    assert (second.number, second.submitted_on, second.late) == (2, on, late)
    assert audit.submission_late is late
    assert audit.submitted_on == first.submitted_on  # first submitted on
    assert Notification.objects.filter(subject__startswith="Audit returned").exists()


# QA decisions and certificates (R-11) -------------------------------------------------------


def test_no_approval_of_a_failing_certification_audit(staff):
    audit = in_qa(plan(employer(), auditor(), staff), staff, e4="49")
    assert audit.passed is False

    with pytest.raises(ValidationError, match="did not pass"):
        services.approve_audit(audit=audit, actor=staff)

    assert Audit.objects.get(pk=audit.pk).status == S.IN_QA
    assert not Certificate.objects.exists()


def test_approving_a_passing_certification_audit_issues_the_certificate(staff):
    first, second = (
        ClassificationUnitFactory(code="761201"),
        ClassificationUnitFactory(code="761202"),
    )
    audited = employer(classification_units=[first, second])
    contact = employer_user(audited)
    audit = plan(audited, auditor(), staff, scope=[first])
    audit = in_qa(audit, staff)
    approved_on = date(2025, 5, 20)

    audit = services.approve_audit(audit=audit, actor=staff, on=approved_on)

    assert (audit.status, audit.decided_on) == (S.APPROVED, approved_on)
    certificate = Certificate.objects.get()
    assert certificate.audit == audit
    assert certificate.employer == audited
    assert certificate.certified_on == LAST_ONSITE
    assert certificate.expires_on == date(2028, 4, 2)
    assert certificate.status == CertificateStatus.VALID
    assert list(certificate.classification_units.all()) == [first]
    assert certificate.number == f"COR-2025-{audit.pk:06d}"
    audited.refresh_from_db()
    assert audited.status == EmployerStatus.CERTIFIED
    assert audited.status_changed_on == approved_on
    change = EmployerStatusChange.objects.filter(employer=audited).latest("pk")
    assert (change.to_status, change.changed_on) == (EmployerStatus.CERTIFIED, approved_on)
    assert Notification.objects.filter(
        recipient=contact, subject__startswith="Certificate issued"
    ).exists()
    assert Notification.objects.filter(
        recipient=contact, subject__startswith="Audit approved"
    ).exists()


def test_certificate_validity_comes_from_the_rules_in_force_on_the_last_onsite_day(staff):
    ProgramRules.objects.create(effective_from=date(2025, 1, 1), certificate_validity_years=2)
    audit = in_qa(plan(employer(), auditor(), staff), staff)

    services.approve_audit(audit=audit, actor=staff, on=date(2025, 5, 20))

    assert Certificate.objects.get().expires_on == date(2027, 4, 2)


def test_recertification_supersedes_the_older_certificate(staff):
    audited = employer(status=EmployerStatus.CERTIFIED)
    older = certificate_of(audited, certified_on=date(2022, 6, 1))  # expires 2025-06-01
    audit = plan(audited, auditor(), staff, audit_type=AuditType.RECERTIFICATION)
    assert audit.cycle_certificate == older

    services.approve_audit(audit=in_qa(audit, staff), actor=staff, on=date(2025, 5, 10))

    older.refresh_from_db()
    newer = Certificate.objects.get(audit=audit)
    assert (older.status, older.ended_on) == (CertificateStatus.SUPERSEDED, LAST_ONSITE)
    assert (newer.status, newer.certified_on) == (CertificateStatus.VALID, LAST_ONSITE)
    audited.refresh_from_db()
    assert audited.status == EmployerStatus.CERTIFIED


def test_approving_a_maintenance_audit_issues_nothing(staff):
    audited = employer(status=EmployerStatus.CERTIFIED)
    certificate_of(audited)
    audit = plan(audited, auditor(), staff, audit_type=AuditType.MAINTENANCE, starts_on=START)

    audit = services.approve_audit(audit=in_qa(audit, staff), actor=staff, on=date(2025, 5, 10))

    assert audit.status == S.APPROVED
    assert Certificate.objects.count() == 1
    audited.refresh_from_db()
    assert audited.status == EmployerStatus.CERTIFIED


def test_unsuccessful_certification_returns_the_employer_to_registered(staff):
    audited = employer()
    audit = in_qa(plan(audited, auditor(), staff), staff, e2="30")

    audit = services.reject_audit(
        audit=audit, actor=staff, reason="Hazard identification at 30%", on=date(2025, 5, 10)
    )

    assert (audit.status, audit.decided_on) == (S.UNSUCCESSFUL, date(2025, 5, 10))
    audited.refresh_from_db()
    assert audited.status == EmployerStatus.REGISTERED
    assert not Certificate.objects.exists()
    assert Notification.objects.filter(subject__startswith="Audit unsuccessful").exists()


def test_unsuccessful_recertification_lapses_the_certificate_and_the_employer(staff):
    audited = employer(status=EmployerStatus.CERTIFIED)
    certificate = certificate_of(audited, certified_on=date(2022, 6, 1))
    audit = plan(audited, auditor(), staff, audit_type=AuditType.RECERTIFICATION)
    audit = in_qa(audit, staff, e5="20")

    services.reject_audit(audit=audit, actor=staff, reason="Failed", on=date(2025, 5, 10))

    certificate.refresh_from_db()
    assert (certificate.status, certificate.ended_on) == (
        CertificateStatus.LAPSED,
        date(2025, 5, 10),
    )
    assert certificate.end_reason == "Recertification audit unsuccessful"
    audited.refresh_from_db()
    assert audited.status == EmployerStatus.LAPSED


def test_recertification_failed_after_the_certificate_expired_still_lapses_it(staff):
    audited = employer(status=EmployerStatus.CERTIFIED)
    certificate = certificate_of(audited, certified_on=date(2022, 5, 1))  # expires 2025-05-01
    audit = plan(audited, auditor(), staff, audit_type=AuditType.RECERTIFICATION)
    audit = in_qa(audit, staff, e5="20")

    services.reject_audit(audit=audit, actor=staff, reason="Failed", on=date(2025, 5, 20))

    certificate.refresh_from_db()
    assert certificate.status == CertificateStatus.LAPSED
    audited.refresh_from_db()
    assert audited.status == EmployerStatus.LAPSED


def test_unsuccessful_maintenance_audit_leaves_the_certificate_alone(staff):
    audited = employer(status=EmployerStatus.CERTIFIED)
    certificate = certificate_of(audited)
    audit = plan(audited, auditor(), staff, audit_type=AuditType.MAINTENANCE)

    services.reject_audit(audit=in_qa(audit, staff), actor=staff, reason="x", on=date(2025, 5, 10))

    certificate.refresh_from_db()
    audited.refresh_from_db()
    assert (certificate.status, audited.status) == (
        CertificateStatus.VALID,
        EmployerStatus.CERTIFIED,
    )


def test_verification_audit_required_after_qa(staff):
    audited = employer()
    audit = in_qa(plan(audited, auditor(), staff), staff)

    audit = services.require_verification(
        audit=audit, actor=staff, reason="Interview evidence inconsistent", on=date(2025, 5, 10)
    )

    assert (audit.status, audit.decided_on) == (S.VERIFICATION_REQUIRED, date(2025, 5, 10))
    audited.refresh_from_db()
    assert audited.status == EmployerStatus.CERTIFICATION_IN_PROGRESS
    assert not Certificate.objects.exists()


# Extensions (R-9) ---------------------------------------------------------------------------


def test_extension_request_waits_for_staff(staff, working):
    lead = working.lead_auditor.user

    extension = services.request_extension(
        audit=working, actor=lead, days=14, reason="Safety manager away", on=LAST_ONSITE
    )

    assert (extension.status, extension.days, extension.requested_by) == (
        ExtensionStatus.REQUESTED,
        14,
        lead,
    )
    assert extension.requested_on == LAST_ONSITE
    assert Audit.objects.get(pk=working.pk).submission_due == date(2025, 5, 2)  # not yet


def test_only_one_extension_request_waits_at_a_time(staff, working):
    services.request_extension(audit=working, actor=staff, days=14, reason="Away")

    with pytest.raises(ValidationError, match="already waiting"):
        services.request_extension(audit=working, actor=staff, days=7, reason="Still away")
    assert Extension.objects.count() == 1


@pytest.mark.parametrize("days", [0, 121])
def test_extension_days_out_of_range_are_refused(staff, working, days):
    with pytest.raises(ValidationError) as caught:
        services.request_extension(audit=working, actor=staff, days=days, reason="Away")

    assert "days" in caught.value.message_dict


def test_extension_needs_a_reason(staff, working):
    with pytest.raises(ValidationError) as caught:
        services.request_extension(audit=working, actor=staff, days=7, reason="  ")

    assert "reason" in caught.value.message_dict


def test_closed_audit_takes_no_extension_request(staff):
    audit = AuditFactory(status=S.APPROVED, starts_on=START)

    with pytest.raises(ValidationError, match="closed"):
        services.request_extension(audit=audit, actor=staff, days=7, reason="Away")


def test_approved_extension_moves_submission_and_final_but_not_onsite_or_notice(staff, working):
    before = Audit.objects.get(pk=working.pk)
    extension = services.request_extension(audit=working, actor=staff, days=14, reason="Away")

    decided = services.decide_extension(
        extension=extension, actor=staff, approve=True, note="Fine", on=date(2025, 4, 20)
    )

    after = Audit.objects.get(pk=working.pk)
    assert (decided.status, decided.decided_on, decided.decided_by) == (
        ExtensionStatus.APPROVED,
        date(2025, 4, 20),
        staff,
    )
    assert after.extension_days == 14
    assert after.submission_due == before.submission_due + timedelta(days=14)
    assert after.final_due == before.final_due + timedelta(days=14)
    assert (after.onsite_due, after.notice_due) == (before.onsite_due, before.notice_due)
    assert Notification.objects.filter(
        recipient=working.lead_auditor.user, subject__startswith="Extension approved"
    ).exists()


def test_refused_extension_changes_nothing(staff, working):
    before = Audit.objects.get(pk=working.pk)
    extension = services.request_extension(audit=working, actor=staff, days=14, reason="Away")

    services.decide_extension(extension=extension, actor=staff, approve=False, note="No")

    after = Audit.objects.get(pk=working.pk)
    assert Extension.objects.get().status == ExtensionStatus.REFUSED
    assert after.extension_days == 0
    assert (after.submission_due, after.final_due) == (before.submission_due, before.final_due)
    assert Notification.objects.filter(subject__startswith="Extension refused").exists()


def test_extension_days_add_up_over_the_approved_ones(staff, working):
    for days, approve in ((10, True), (5, False), (7, True)):
        extension = services.request_extension(audit=working, actor=staff, days=days, reason="Away")
        services.decide_extension(extension=extension, actor=staff, approve=approve)

    audit = Audit.objects.get(pk=working.pk)
    assert audit.extension_days == 17
    assert audit.final_due == START + timedelta(days=75 + 17)
    assert audit.submission_due == LAST_ONSITE + timedelta(days=30 + 17)
    assert audit.onsite_due == START + timedelta(days=45)


def test_extension_is_decided_once(staff, working):
    extension = services.request_extension(audit=working, actor=staff, days=7, reason="Away")
    services.decide_extension(extension=extension, actor=staff, approve=False)

    with pytest.raises(ValidationError, match="already been decided"):
        services.decide_extension(extension=extension, actor=staff, approve=True)
    assert Audit.objects.get(pk=working.pk).extension_days == 0


def test_late_submission_is_judged_against_the_extended_deadline(staff, working):
    extension = services.request_extension(audit=working, actor=staff, days=10, reason="Away")
    services.decide_extension(extension=extension, actor=staff, approve=True)

    audit = submit(Audit.objects.get(pk=working.pk), staff, on=date(2025, 5, 12))

    assert audit.submission_late is False


# Lapse (R-5, R-11) --------------------------------------------------------------------------


def test_lapse_certificate_lapses_it_and_the_employer(staff):
    audited = employer(status=EmployerStatus.CERTIFIED)
    contact = employer_user(audited)
    certificate = certificate_of(audited)

    services.lapse_certificate(
        certificate=certificate,
        actor=staff,
        on=date(2026, 1, 1),
        reason="No maintenance audit in 2025",
    )

    certificate.refresh_from_db()
    assert (certificate.status, certificate.ended_on, certificate.end_reason) == (
        CertificateStatus.LAPSED,
        date(2026, 1, 1),
        "No maintenance audit in 2025",
    )
    audited.refresh_from_db()
    assert (audited.status, audited.status_changed_on) == (EmployerStatus.LAPSED, date(2026, 1, 1))
    assert Notification.objects.filter(
        recipient=contact, subject__startswith="Certificate lapsed"
    ).exists()


def test_lapsed_certificate_cannot_lapse_again(staff):
    certificate = certificate_of(employer(status=EmployerStatus.CERTIFIED))
    services.lapse_certificate(
        certificate=certificate, actor=staff, on=date(2026, 1, 1), reason="x"
    )

    with pytest.raises(ValidationError, match="no longer valid"):
        services.lapse_certificate(
            certificate=certificate, actor=staff, on=date(2026, 1, 2), reason="x"
        )


def test_current_certificate_is_the_one_valid_on_the_day(staff):
    audited = employer(status=EmployerStatus.CERTIFIED)
    certificate = certificate_of(audited, certified_on=date(2024, 5, 3))

    assert services.current_certificate(audited, on=date(2024, 5, 2)) is None
    assert services.current_certificate(audited, on=date(2024, 5, 3)) == certificate
    assert services.current_certificate(audited, on=date(2027, 5, 2)) == certificate
    assert services.current_certificate(audited, on=date(2027, 5, 3)) is None
