"""Reads of auditor data used across the portal: good standing, the workspace, KPIs."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import OuterRef, Q, QuerySet, Subquery
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cor_portal.program.models import ProgramRules
from cor_portal.program.periods import add_months
from employers import selectors as employer_selectors

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


def reminders_for(
    auditor: Auditor,
    *,
    today: date,
    rules: ProgramRules | None = None,
    declared: set[int] | None = None,
) -> list[Reminder]:
    """Return what the auditor should do now: declaration, renewal, student audit.

    ``rules`` (in force today) and ``declared`` (the years with a declaration) are read when
    not given.
    """
    rules = rules or ProgramRules.objects.in_force(today)
    years = (
        declared
        if declared is not None
        else set(auditor.declarations.values_list("year", flat=True))
    )
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


@dataclass(frozen=True)
class Certification:
    """How long an auditor's certification has left, for a countdown tag."""

    expires_on: date
    days_left: int  # 0 or less: expired (valid while day < expires_on, R-11)
    state: str  # "valid" (more than the warning days left), "expiring" or "expired"

    @property
    def label(self) -> str:
        """Return the countdown in words, for the tag beside the colour."""
        if self.state == "expired":
            return _("Expired")
        return ngettext("%(days)s day left", "%(days)s days left", self.days_left) % {
            "days": self.days_left
        }


def certification_countdown(
    auditor: Auditor, *, today: date, warning_days: int
) -> Certification | None:
    """Return the countdown to the auditor's certification expiry, or None without one."""
    if auditor.expires_on is None:
        return None
    days_left = (auditor.expires_on - today).days
    if days_left <= 0:
        state = "expired"
    elif days_left <= warning_days:
        state = "expiring"
    else:
        state = "valid"
    return Certification(auditor.expires_on, days_left, state)


def workspace_for(auditor: Auditor, *, today: date) -> dict[str, Any]:
    """Return the panels of an auditor's own workspace (a constant number of queries).

    Standing, what to do next, this year's declaration, the CPD log of the last 12 months,
    consulting engagements and the EAQA history.
    """
    rules = ProgramRules.objects.in_force(today)
    since = add_months(today, -12)
    cpd = list(auditor.cpd_activities.filter(done_on__gte=since, done_on__lte=today))
    declarations = list(auditor.declarations.all())
    filed = {declaration.year for declaration in declarations}
    to_file = [year for year in (today.year, today.year + 1) if year not in filed]
    if today.month != 12:  # next year's declaration is asked for in December only
        to_file = [year for year in to_file if year == today.year]
    return {
        "today": today,
        "certification": certification_countdown(
            auditor, today=today, warning_days=rules.requalification_warning_days
        ),
        "regions": [area.get_region_display() for area in auditor.regions.order_by("region")],
        "sectors": [sector.get_sector_display() for sector in auditor.sectors.order_by("sector")],
        "reminders": reminders_for(auditor, today=today, rules=rules, declared=filed),
        "declaration": next((d for d in declarations if d.year == today.year), None),
        "declarations": declarations,
        "declaration_years_to_file": to_file,
        "cpd_since": since,
        "cpd_activities": cpd,
        "cpd_total": sum((activity.hours for activity in cpd), Decimal("0")),
        "engagements": list(auditor.consulting_engagements.select_related("employer")),
        "eaqas": list(auditor.eaqas.all()),
    }


def trainees_of(employer_id: int, *, today: date) -> tuple[employer_selectors.Trainee, ...]:
    """Return the employer's internal auditors for its next steps (one query), retired left out.

    Each comes with the date of the next training session they are booked on, if any.
    """
    next_session = (
        Enrolment.objects.filter(
            auditor=OuterRef("pk"),
            result=EnrolmentResult.PENDING,
            session__starts_on__gte=today,
        )
        .order_by("session__starts_on")
        .values("session__starts_on")[:1]
    )
    auditors = (
        Auditor.objects.filter(employer_id=employer_id, kind=AuditorKind.INTERNAL)
        .exclude(status=AuditorStatus.RETIRED)
        .select_related("user")
        .annotate(next_session_on=Subquery(next_session))
        .order_by("user__last_name", "user__first_name", "pk")
    )
    return tuple(
        employer_selectors.Trainee(
            name=auditor.name,
            standing=auditor.status,
            certified_until=auditor.expires_on,
            student_audit_due=auditor.student_audit_due,
            student_audit_completed_on=auditor.student_audit_completed_on,
            next_session_on=auditor.next_session_on,
        )
        for auditor in auditors
    )


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


def staff_counted(*, today: date, expiring_days: int = 90) -> dict[str, QuerySet[Auditor]]:
    """Return the roster's counts for the staff home as querysets to count together.

    ``certifications_expiring``: certified auditors whose certification expires within
    ``expiring_days`` (the roster's "Certification expires" filter); ``declarations_missing``:
    certified auditors and students without a declaration for today's year (its "Declaration"
    filter).
    """
    return {
        "certifications_expiring": Auditor.objects.expiring(as_of=today, days=expiring_days),
        "declarations_missing": declarations_missing(year=today.year),
    }


# Workplan KPIs: each counts records in a period (both dates inclusive) ----------------------


def certified_auditors(
    *, start: date, end: date, kind: str = AuditorKind.INTERNAL
) -> QuerySet[AuditorStatusChange, dict[str, Any]]:
    """Return one row per auditor of a kind certified or recertified in the period (lazy)."""
    return (
        AuditorStatusChange.objects.filter(
            transition__in=["certify", "recertify"],
            changed_on__gte=start,
            changed_on__lte=end,
            auditor__kind=kind,
        )
        .values("auditor")
        .distinct()
    )


def auditors_certified(*, start: date, end: date, kind: str = AuditorKind.INTERNAL) -> int:
    """Return how many auditors of a kind were certified or recertified in the period."""
    return certified_auditors(start=start, end=end, kind=kind).count()


def filed_declarations(
    *, start: date, end: date, kind: str = AuditorKind.EXTERNAL
) -> QuerySet[AnnualDeclaration]:
    """Return the annual declarations auditors of a kind submitted in the period (lazy)."""
    return AnnualDeclaration.objects.filter(
        submitted_on__gte=start, submitted_on__lte=end, auditor__kind=kind
    )


def declarations_filed(*, start: date, end: date, kind: str = AuditorKind.EXTERNAL) -> int:
    """Return how many annual declarations auditors of a kind submitted in the period."""
    return filed_declarations(start=start, end=end, kind=kind).count()


def sessions_held(
    *, start: date, end: date, kind: str = CourseKind.INTERNAL_AUDITOR
) -> QuerySet[TrainingSession]:
    """Return the sessions of a kind of course that started in the period (lazy)."""
    return TrainingSession.objects.filter(
        course__kind=kind, starts_on__gte=start, starts_on__lte=end
    )


def training_sessions_held(
    *, start: date, end: date, kind: str = CourseKind.INTERNAL_AUDITOR
) -> int:
    """Return how many sessions of a kind of course started in the period."""
    return sessions_held(start=start, end=end, kind=kind).count()


def students_attended(
    *, start: date, end: date, kind: str = CourseKind.INTERNAL_AUDITOR
) -> QuerySet[Enrolment]:
    """Return the enrolments of people who attended sessions of a kind in the period (lazy)."""
    return Enrolment.objects.filter(
        session__course__kind=kind,
        session__starts_on__gte=start,
        session__starts_on__lte=end,
        attended=True,
    ).exclude(result=EnrolmentResult.ABSENT)


def students_trained(*, start: date, end: date, kind: str = CourseKind.INTERNAL_AUDITOR) -> int:
    """Return how many people attended sessions of a kind of course in the period."""
    return students_attended(start=start, end=end, kind=kind).count()


def completions_of(*, course_code: str, start: date, end: date) -> QuerySet[CourseCompletion]:
    """Return the completions of a course recorded in the period (lazy)."""
    return CourseCompletion.objects.filter(
        course__code=course_code, completed_on__gte=start, completed_on__lte=end
    )


def course_completions(*, course_code: str, start: date, end: date) -> int:
    """Return how many completions of a course were recorded in the period."""
    return completions_of(course_code=course_code, start=start, end=end).count()


def eaqas_done(*, start: date, end: date) -> QuerySet[EAQA]:
    """Return the EAQAs conducted in the period (lazy)."""
    return EAQA.objects.filter(conducted_on__gte=start, conducted_on__lte=end)


def eaqas_conducted(*, start: date, end: date) -> int:
    """Return how many EAQAs were conducted in the period."""
    return eaqas_done(start=start, end=end).count()


def external_roster_size() -> int:
    """Return how many external auditors are certified now."""
    return Auditor.objects.filter(
        Q(kind=AuditorKind.EXTERNAL) & Q(status=AuditorStatus.CERTIFIED)
    ).count()
