"""Reads of auditor data used across the portal: good standing, the workspace, KPIs."""

from dataclasses import dataclass
from datetime import date

from django.db.models import Q, QuerySet

from cor_portal.program.models import ProgramRules

from .choices import AuditorKind, AuditorStatus, CourseKind, EnrolmentResult
from .models import (
    EAQA,
    AnnualDeclaration,
    Auditor,
    AuditorStatusChange,
    ConsultingEngagement,
    CourseCompletion,
    Enrolment,
    TrainingSession,
)
from .standing import AuditorFacts, Engagement, Standing, audit_standing


def auditor_for(user) -> Auditor | None:
    """Return the auditor record of an auditor login, or None."""
    if not (user and user.is_authenticated):
        return None
    return Auditor.objects.select_related("user", "employer").filter(user=user).first()


def standing_for(auditor: Auditor, *, employer_id: int, starts_on: date) -> Standing:
    """Answer "may this auditor audit this employer starting on this date?" with every reason.

    The one place the audits app asks at assignment (R-7): certification valid on the date,
    declaration filed for the year, an internal auditor's own employer, no consulting
    engagement with the employer within the cooling-off period.
    """
    rules = ProgramRules.objects.in_force(starts_on)
    facts = AuditorFacts(
        status=auditor.status,
        kind=auditor.kind,
        employer_id=auditor.employer_id,
        certified_on=auditor.certified_on,
        expires_on=auditor.expires_on,
        declared_years=frozenset(
            AnnualDeclaration.objects.filter(auditor=auditor).values_list("year", flat=True)
        ),
    )
    engagements = [
        Engagement(started_on=started, ended_on=ended)
        for started, ended in ConsultingEngagement.objects.filter(
            auditor=auditor, employer_id=employer_id
        ).values_list("started_on", "ended_on")
    ]
    return audit_standing(
        facts,
        employer_id=employer_id,
        starts_on=starts_on,
        engagements=engagements,
        cooling_off_months=rules.consulting_cooling_off_months,
    )


@dataclass(frozen=True)
class Reminder:
    """Something an auditor should do to stay in good standing."""

    text: str
    due_on: date | None = None


def reminders_for(auditor: Auditor, *, today: date) -> list[Reminder]:
    """Return what the auditor should do now: declaration, renewal, student audit."""
    rules = ProgramRules.objects.in_force(today)
    years = set(auditor.declarations.values_list("year", flat=True))
    reminders = []
    if auditor.status in (AuditorStatus.CERTIFIED, AuditorStatus.STUDENT):
        if today.year not in years:
            reminders.append(
                Reminder(
                    f"File your annual declaration for {today.year}: you cannot start an "
                    f"audit in {today.year} without it."
                )
            )
        elif today.month == 12 and today.year + 1 not in years:
            reminders.append(
                Reminder(f"File your declaration for {today.year + 1} before January 1.")
            )
    if auditor.status == AuditorStatus.CERTIFIED and auditor.expires_on:
        days = (auditor.expires_on - today).days
        if 0 <= days <= rules.requalification_warning_days:
            reminders.append(
                Reminder(
                    f"Your certification expires in {days} days: arrange your requalification.",
                    auditor.expires_on,
                )
            )
    if auditor.status == AuditorStatus.STUDENT and not auditor.student_audit_completed_on:
        reminders.append(
            Reminder(
                "Complete your student audit and send it to the COR team.",
                auditor.student_audit_due,
            )
        )
    return reminders


# Lists for staff ----------------------------------------------------------------------------


def renewals_due(*, as_of: date) -> QuerySet[Auditor]:
    """Return certified auditors whose certification expires within the warning window."""
    days = ProgramRules.objects.in_force(as_of).requalification_warning_days
    return (
        Auditor.objects.expiring(as_of=as_of, days=days)
        .select_related("user")
        .order_by("expires_on")
    )


def students_overdue(*, as_of: date) -> QuerySet[Auditor]:
    """Return students whose student audit is overdue, longest overdue first."""
    return (
        Auditor.objects.student_audit_overdue(as_of=as_of)
        .select_related("user", "employer")
        .order_by("student_audit_due")
    )


def declarations_missing(*, year: int) -> QuerySet[Auditor]:
    """Return certified auditors and students without a declaration for the year."""
    return (
        Auditor.objects.filter(status__in=[AuditorStatus.CERTIFIED, AuditorStatus.STUDENT])
        .without_declaration(year=year)
        .select_related("user")
    )


# Workplan KPIs: each counts records in a period (both dates inclusive) ----------------------


def auditors_certified(*, start: date, end: date, kind: str = AuditorKind.INTERNAL) -> int:
    """Return how many auditors of a kind were certified or recertified in the period."""
    return (
        AuditorStatusChange.objects.filter(
            transition__in=["certify", "recertify"],
            changed_on__gte=start,
            changed_on__lte=end,
            auditor__kind=kind,
        )
        .values("auditor")
        .distinct()
        .count()
    )


def declarations_filed(*, start: date, end: date, kind: str = AuditorKind.EXTERNAL) -> int:
    """Return how many annual declarations auditors of a kind submitted in the period."""
    return AnnualDeclaration.objects.filter(
        submitted_on__gte=start, submitted_on__lte=end, auditor__kind=kind
    ).count()


def training_sessions_held(
    *, start: date, end: date, kind: str = CourseKind.INTERNAL_AUDITOR
) -> int:
    """Return how many sessions of a kind of course started in the period."""
    return TrainingSession.objects.filter(
        course__kind=kind, starts_on__gte=start, starts_on__lte=end
    ).count()


def students_trained(*, start: date, end: date, kind: str = CourseKind.INTERNAL_AUDITOR) -> int:
    """Return how many people attended sessions of a kind of course in the period."""
    return (
        Enrolment.objects.filter(
            session__course__kind=kind,
            session__starts_on__gte=start,
            session__starts_on__lte=end,
            attended=True,
        )
        .exclude(result=EnrolmentResult.ABSENT)
        .count()
    )


def course_completions(*, course_code: str, start: date, end: date) -> int:
    """Return how many completions of a course were recorded in the period."""
    return CourseCompletion.objects.filter(
        course__code=course_code, completed_on__gte=start, completed_on__lte=end
    ).count()


def eaqas_conducted(*, start: date, end: date) -> int:
    """Return how many EAQAs were conducted in the period."""
    return EAQA.objects.filter(conducted_on__gte=start, conducted_on__lte=end).count()


def external_roster_size() -> int:
    """Return how many external auditors are certified now."""
    return Auditor.objects.filter(
        Q(kind=AuditorKind.EXTERNAL) & Q(status=AuditorStatus.CERTIFIED)
    ).count()
