"""Every change to auditors, training, CPD, declarations, engagements and EAQAs."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Sum
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cor_portal import lifecycle
from cor_portal.accounts.choices import Role
from cor_portal.program.models import ProgramRules
from cor_portal.program.periods import add_months, add_years

from .choices import (
    AuditorKind,
    AuditorStatus,
    CompletionSource,
    CourseKind,
    EngagementSource,
    EnrolmentResult,
)
from .eaqa import RosterEntry, eaqa_required, eaqa_rotation
from .models import (
    EAQA,
    AnnualDeclaration,
    Auditor,
    AuditorArea,
    AuditorSector,
    AuditorStatusChange,
    ConsultingEngagement,
    Course,
    CourseCompletion,
    CPDActivity,
    Enrolment,
    TrainingSession,
)

User = get_user_model()

AUDITOR_FIELDS = (
    "kind",
    "employer",
    "certification_number",
    "phone",
    "company",
    "city",
    "website",
    "listed_in_directory",
    "notes",
)


def _set_areas(auditor: Auditor, regions: list[str] | None, sectors: list[str] | None) -> None:
    if regions is not None:
        auditor.regions.exclude(region__in=regions).delete()
        have = set(auditor.regions.values_list("region", flat=True))
        AuditorArea.objects.bulk_create(
            AuditorArea(auditor=auditor, region=r) for r in dict.fromkeys(regions) if r not in have
        )
    if sectors is not None:
        auditor.sectors.exclude(sector__in=sectors).delete()
        have = set(auditor.sectors.values_list("sector", flat=True))
        AuditorSector.objects.bulk_create(
            AuditorSector(auditor=auditor, sector=s)
            for s in dict.fromkeys(sectors)
            if s not in have
        )


@transaction.atomic
def create_auditor(
    *,
    actor: Any,
    username: str,
    first_name: str,
    last_name: str,
    email: str,
    kind: str,
    regions: list[str] | None = None,
    sectors: list[str] | None = None,
    on: date | None = None,
    **details: Any,
) -> Auditor:
    """Add an auditor (in training) with a login of the auditor role and no password yet."""
    lifecycle.check_fields(details, AUDITOR_FIELDS)
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": _("This username is taken.")})
    user = User(
        username=username,
        first_name=first_name,
        last_name=last_name,
        email=email,
        role=Role.AUDITOR,
    )
    user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    return _new_auditor(
        user, actor=actor, kind=kind, regions=regions, sectors=sectors, on=on, **details
    )


@transaction.atomic
def create_auditor_for_login(
    *,
    actor: Any,
    user: Any,
    kind: str,
    regions: list[str] | None = None,
    sectors: list[str] | None = None,
    on: date | None = None,
    **details: Any,
) -> Auditor:
    """Add the auditor record (in training) of an existing login of the auditor role."""
    lifecycle.check_fields(details, AUDITOR_FIELDS)
    if user.role != Role.AUDITOR:
        raise ValidationError({"user": _("Only a login of the auditor role can be an auditor.")})
    if Auditor.objects.filter(user=user).exists():
        raise ValidationError({"user": _("This login is already an auditor.")})
    return _new_auditor(
        user, actor=actor, kind=kind, regions=regions, sectors=sectors, on=on, **details
    )


def _new_auditor(
    user: Any,
    *,
    actor: Any,
    kind: str,
    regions: list[str] | None,
    sectors: list[str] | None,
    on: date | None,
    **details: Any,
) -> Auditor:
    auditor = Auditor(user=user, kind=kind, status_changed_on=on or lifecycle.today(), **details)
    lifecycle.save(auditor, actor, exclude=("status", "user"))
    _set_areas(auditor, regions, sectors)
    return auditor


@transaction.atomic
def update_auditor(
    *,
    auditor: Auditor,
    actor: Any,
    regions: list[str] | None = None,
    sectors: list[str] | None = None,
    **changes: Any,
) -> Auditor:
    """Change an auditor's details, regions and sectors; the standing is not touched."""
    person = {k: changes.pop(k) for k in ("first_name", "last_name", "email") if k in changes}
    lifecycle.check_fields(changes, AUDITOR_FIELDS)
    for name, value in changes.items():
        setattr(auditor, name, value)
    lifecycle.save(auditor, actor, exclude=("status", "user"))
    if person:
        User.objects.filter(pk=auditor.user_id).update(**person)
        for name, value in person.items():  # the returned auditor names the new person
            setattr(auditor.user, name, value)
    _set_areas(auditor, regions, sectors)
    return auditor


# R-16 standing ------------------------------------------------------------------------------


def _move(
    auditor: Auditor,
    action: str,
    *,
    actor: Any,
    on: date | None,
    reason: str,
    changes: dict[str, Any] | None = None,
) -> Auditor:
    """Move the auditor through one transition, apply its date fields and record it."""
    # A trainee's first move may precede the day the record was added (training taken before
    # they were put on the roster): that day is not a change of standing.
    first_move = auditor.status == AuditorStatus.IN_TRAINING and not auditor.status_changes.exists()
    return lifecycle.move(
        auditor,
        action,
        actor=actor,
        on=on,
        reason=reason,
        record=AuditorStatusChange,
        owner_field="auditor",
        refusal=_("An auditor who is %(status)s cannot be moved this way (%(action)s)."),
        changes=changes,
        check_order=not first_move,
        exclude=("user",),
    )


@transaction.atomic
def pass_training(*, auditor: Auditor, actor: Any, reason: str, on: date | None = None) -> Auditor:
    """Record passed auditor training: the student audit is due within the rules' window."""
    on = on or lifecycle.today()
    window = ProgramRules.objects.in_force(on).student_audit_window_months
    return _move(
        auditor,
        "pass_training",
        actor=actor,
        on=on,
        reason=reason,
        changes={"trained_on": on, "student_audit_due": add_months(on, window)},
    )


@transaction.atomic
def record_student_audit(*, auditor: Auditor, actor: Any, on: date | None = None) -> Auditor:
    """Record that a student completed the student audit (certification follows)."""
    on = on or lifecycle.today()
    if auditor.status != AuditorStatus.STUDENT:
        raise ValidationError(_("Only a student has a student audit to record."))
    if on > lifecycle.today():
        raise ValidationError({"on": _("The student audit cannot be in the future.")})
    if auditor.trained_on and on < auditor.trained_on:
        raise ValidationError({"on": _("The student audit cannot come before the training.")})
    auditor.student_audit_completed_on = on
    return lifecycle.save(auditor, actor, exclude=("status", "user"))


def _certification(on: date, number: str) -> dict[str, Any]:
    years = ProgramRules.objects.in_force(on).auditor_certification_years
    return {"certified_on": on, "expires_on": add_years(on, years), "certification_number": number}


@transaction.atomic
def certify_auditor(
    *,
    auditor: Auditor,
    actor: Any,
    certification_number: str,
    reason: str,
    on: date | None = None,
) -> Auditor:
    """Certify the auditor from a date; the certification expires after the rules' years."""
    on = on or lifecycle.today()
    number = (certification_number or "").strip()
    if not number:
        raise ValidationError({"certification_number": _("Give the certification number.")})
    if auditor.status == AuditorStatus.STUDENT and not auditor.student_audit_completed_on:
        raise ValidationError(_("Record the student audit before certifying a student."))
    return _move(
        auditor, "certify", actor=actor, on=on, reason=reason, changes=_certification(on, number)
    )


@transaction.atomic
def recertify_auditor(
    *, auditor: Auditor, actor: Any, reason: str, on: date | None = None
) -> Auditor:
    """Renew a certification for another period from the date (requalification, R-16)."""
    on = on or lifecycle.today()
    changes = _certification(on, auditor.certification_number)
    return _move(auditor, "recertify", actor=actor, on=on, reason=reason, changes=changes)


@transaction.atomic
def lapse_auditor(*, auditor: Auditor, actor: Any, reason: str, on: date | None = None) -> Auditor:
    """Record that the auditor's certification lapsed."""
    return _move(auditor, "lapse", actor=actor, on=on, reason=reason)


@transaction.atomic
def suspend_auditor(
    *, auditor: Auditor, actor: Any, reason: str, on: date | None = None
) -> Auditor:
    """Suspend the auditor."""
    return _move(auditor, "suspend", actor=actor, on=on, reason=reason)


@transaction.atomic
def reinstate_auditor(
    *, auditor: Auditor, actor: Any, reason: str, on: date | None = None
) -> Auditor:
    """End a suspension."""
    return _move(auditor, "reinstate", actor=actor, on=on, reason=reason)


@transaction.atomic
def retire_auditor(*, auditor: Auditor, actor: Any, reason: str, on: date | None = None) -> Auditor:
    """Record that the auditor stopped auditing."""
    return _move(auditor, "retire", actor=actor, on=on, reason=reason)


@dataclass(frozen=True)
class StandingAction:
    """A standing transition as staff see it: its service and how it is presented."""

    name: str
    label: Any
    service: Callable[..., Auditor]
    destructive: bool = False
    needs_number: bool = False


STANDING_ACTIONS: dict[str, StandingAction] = {
    action.name: action
    for action in (
        StandingAction("pass_training", gettext_lazy("Passed training"), pass_training),
        StandingAction("certify", gettext_lazy("Certify"), certify_auditor, needs_number=True),
        StandingAction("recertify", gettext_lazy("Renew certification"), recertify_auditor),
        StandingAction("lapse", gettext_lazy("Mark lapsed"), lapse_auditor, destructive=True),
        StandingAction("suspend", gettext_lazy("Suspend"), suspend_auditor, destructive=True),
        StandingAction("reinstate", gettext_lazy("Reinstate"), reinstate_auditor),
        StandingAction("retire", gettext_lazy("Retire"), retire_auditor, destructive=True),
    )
}


def available_actions(auditor: Auditor) -> list[StandingAction]:
    """Return the standing actions the auditor's current status allows."""
    allowed = {t.name for t in auditor.get_available_status_transitions()}
    return [action for name, action in STANDING_ACTIONS.items() if name in allowed]


@transaction.atomic
def lapse_expired_certifications(*, today: date | None = None) -> int:
    """Lapse every certified auditor whose certification is no longer valid today.

    A certification is valid while ``certified_on <= day < expires_on`` (R-11), so one
    expiring today lapses today. Return how many lapsed. Set-based: a constant number of
    queries (one update, one bulk insert of history rows and one of status changes), whatever
    the size of the roster.
    """
    today = today or lifecycle.today()
    expired = list(
        Auditor.objects.select_for_update()
        .filter(status=AuditorStatus.CERTIFIED, expires_on__lte=today)
        .values_list("pk", "expires_on")
    )
    if not expired:
        return 0
    pks = [pk for pk, _expires in expired]
    Auditor.objects.filter(pk__in=pks).update(status=AuditorStatus.LAPSED, status_changed_on=today)
    # A queryset update writes no history row; write them, so every change has one.
    Auditor.history.bulk_history_create(
        list(Auditor.objects.filter(pk__in=pks)),
        update=True,
        default_change_reason="Certification expired",
    )
    AuditorStatusChange.objects.bulk_create(
        AuditorStatusChange(
            auditor_id=pk,
            transition="lapse",
            from_status=AuditorStatus.CERTIFIED,
            to_status=AuditorStatus.LAPSED,
            changed_on=today,
            reason=_("Certification expired on %(date)s.") % {"date": expires.isoformat()},
        )
        for pk, expires in expired
    )
    return len(expired)


# CPD, declarations, engagements -------------------------------------------------------------

CPD_FIELDS = ("activity", "kind", "done_on", "hours", "evidence")


@transaction.atomic
def log_cpd(*, auditor: Auditor, actor: Any, **fields: Any) -> CPDActivity:
    """Add an activity to the auditor's CPD log."""
    lifecycle.check_fields(fields, CPD_FIELDS)
    if fields.get("done_on") and fields["done_on"] > lifecycle.today():
        raise ValidationError({"done_on": _("The activity cannot be in the future.")})
    return lifecycle.save(CPDActivity(auditor=auditor, **fields), actor)


@transaction.atomic
def update_cpd(*, actor: Any, entry: CPDActivity | None = None, **changes: Any) -> CPDActivity:
    """Change a CPD log entry, given as ``entry``: its ``activity`` is a field to change.

    ``activity=<the entry>`` (without ``entry``) still names the entry, for earlier callers.
    """
    if entry is None:
        entry = changes.pop("activity")
    lifecycle.check_fields(changes, CPD_FIELDS)
    if changes.get("done_on") and changes["done_on"] > lifecycle.today():
        raise ValidationError({"done_on": _("The activity cannot be in the future.")})
    for name, value in changes.items():
        setattr(entry, name, value)
    return lifecycle.save(entry, actor)


@transaction.atomic
def delete_cpd(*, activity: CPDActivity, actor: Any) -> None:
    """Remove a CPD log entry (its history is kept)."""
    lifecycle.delete(activity, actor)


def cpd_hours(auditor: Auditor, *, start: date, end: date) -> Decimal:
    """Return the auditor's CPD hours logged between two dates, inclusive."""
    total = auditor.cpd_activities.filter(done_on__gte=start, done_on__lte=end).aggregate(
        total=Sum("hours")
    )["total"]
    return total or Decimal("0")


@transaction.atomic
def file_declaration(
    *,
    auditor: Auditor,
    actor: Any,
    year: int,
    cpd_hours: Decimal,
    follows_code_of_ethics: bool,
    independent: bool,
    information_accurate: bool,
    on: date | None = None,
) -> AnnualDeclaration:
    """File the auditor's annual declaration for a year (this year or the next)."""
    on = on or lifecycle.today()
    if getattr(actor, "role", None) == Role.AUDITOR and year not in (on.year, on.year + 1):
        raise ValidationError(
            {
                "year": _("Declare for %(this)s or %(next)s.")
                % {"this": on.year, "next": on.year + 1}
            }
        )
    if AnnualDeclaration.objects.filter(auditor=auditor, year=year).exists():
        raise ValidationError(
            {"year": _("The declaration for %(year)s is already filed.") % {"year": year}}
        )
    declaration = AnnualDeclaration(
        auditor=auditor,
        year=year,
        cpd_hours=cpd_hours,
        follows_code_of_ethics=follows_code_of_ethics,
        independent=independent,
        information_accurate=information_accurate,
        submitted_on=on,
        submitted_by=lifecycle.actor_or_none(actor),
    )
    return lifecycle.save(declaration, actor)


ENGAGEMENT_FIELDS = ("employer", "started_on", "ended_on", "description")


@transaction.atomic
def record_engagement(*, auditor: Auditor, actor: Any, **fields: Any) -> ConsultingEngagement:
    """Record consulting work for an employer: entered by staff or declared by the auditor."""
    lifecycle.check_fields(fields, ENGAGEMENT_FIELDS)
    source = (
        EngagementSource.DECLARED
        if getattr(actor, "pk", None) == auditor.user_id
        else EngagementSource.STAFF
    )
    engagement = ConsultingEngagement(
        auditor=auditor, source=source, recorded_by=lifecycle.actor_or_none(actor), **fields
    )
    return lifecycle.save(engagement, actor)


@transaction.atomic
def update_engagement(
    *, engagement: ConsultingEngagement, actor: Any, **changes: Any
) -> ConsultingEngagement:
    """Change a consulting engagement (for example, record when it ended)."""
    lifecycle.check_fields(changes, ENGAGEMENT_FIELDS)
    for name, value in changes.items():
        setattr(engagement, name, value)
    return lifecycle.save(engagement, actor)


# Training -----------------------------------------------------------------------------------

SESSION_FIELDS = (
    "course",
    "starts_on",
    "ends_on",
    "location",
    "online",
    "capacity",
    "instructor",
    "notes",
)


@transaction.atomic
def save_session(
    *, actor: Any, session: TrainingSession | None = None, **fields: Any
) -> TrainingSession:
    """Schedule a training session, or change one."""
    lifecycle.check_fields(fields, SESSION_FIELDS)
    session = session or TrainingSession()
    for name, value in fields.items():
        setattr(session, name, value)
    if session.pk and session.capacity < session.enrolments.count():
        raise ValidationError(
            {"capacity": _("More people are enrolled than this capacity allows.")}
        )
    return lifecycle.save(session, actor)


@transaction.atomic
def enrol(
    *,
    session: TrainingSession,
    actor: Any,
    name: str,
    email: str,
    auditor: Auditor | None = None,
    employer: Any = None,
    on: date | None = None,
) -> Enrolment:
    """Enrol a person in a session, within its capacity."""
    locked = TrainingSession.objects.select_for_update().get(pk=session.pk)
    if locked.enrolments.count() >= locked.capacity:
        raise ValidationError(
            _("The session is full (%(capacity)s places).") % {"capacity": locked.capacity}
        )
    if auditor is not None and employer is None and auditor.kind == AuditorKind.INTERNAL:
        employer = auditor.employer
    enrolment = Enrolment(
        session=locked,
        auditor=auditor,
        employer=employer,
        name=name,
        email=email,
        enrolled_on=on or lifecycle.today(),
    )
    return lifecycle.save(enrolment, actor)


@transaction.atomic
def record_result(*, enrolment: Enrolment, actor: Any, attended: bool, result: str) -> Enrolment:
    """Record attendance and result; a pass records the course completion.

    Passing internal-auditor training moves an auditor in training to student, with the
    student audit due within the rules' window (R-16).
    """
    enrolment.attended = attended
    enrolment.result = result
    lifecycle.save(enrolment, actor)
    session = enrolment.session
    completed_on = session.ends_on or session.starts_on
    if result == EnrolmentResult.PASSED:
        if not CourseCompletion.objects.filter(enrolment=enrolment).exists():
            # The same completion may already be recorded from the LMS: take it over rather
            # than add a second one (the database refuses the same course, email and date).
            recorded = CourseCompletion.objects.filter(
                enrolment__isnull=True,
                course=session.course,
                email__iexact=enrolment.email,
                completed_on=completed_on,
            ).first()
            if recorded is not None:
                recorded.enrolment = enrolment
                recorded.save(update_fields=["enrolment"])
        CourseCompletion.objects.update_or_create(
            enrolment=enrolment,
            defaults={
                "course": session.course,
                "name": enrolment.name,
                "email": enrolment.email,
                "employer": enrolment.employer,
                "auditor": enrolment.auditor,
                "completed_on": completed_on,
                "source": CompletionSource.SESSION,
            },
        )
        auditor = enrolment.auditor
        if (
            auditor is not None
            and session.course.kind == CourseKind.INTERNAL_AUDITOR
            and auditor.status == AuditorStatus.IN_TRAINING
        ):
            pass_training(
                auditor=auditor,
                actor=actor,
                on=min(completed_on, lifecycle.today()),
                reason=_("Passed %(session)s") % {"session": session},
            )
    else:
        CourseCompletion.objects.filter(enrolment=enrolment).delete()
    return enrolment


# EAQA (R-15) --------------------------------------------------------------------------------


@transaction.atomic
def plan_eaqas(*, year: int, actor: Any, on: date | None = None) -> list[EAQA]:
    """Plan the year's EAQAs: the required share of the external roster, chosen in rotation.

    The roster is the external auditors certified when it runs; the share is the year's
    rules' (those of January 1). Running it again plans only what is still missing.
    """
    on = on or lifecycle.today()
    rules = ProgramRules.objects.for_year(year)
    roster = Auditor.objects.filter(kind=AuditorKind.EXTERNAL, status=AuditorStatus.CERTIFIED)
    required = eaqa_required(roster.count(), fraction=rules.eaqa_fraction)
    planned = EAQA.objects.filter(year=year)
    missing = required - planned.count()
    if missing <= 0:
        return []
    candidates = roster.exclude(pk__in=planned.values("auditor_id")).annotate(
        last=Max("eaqas__conducted_on")
    )
    entries = [RosterEntry(auditor_id=a.pk, last_eaqa_on=a.last) for a in candidates]
    chosen = eaqa_rotation(entries, missing)
    return [
        lifecycle.save(EAQA(auditor_id=auditor_id, year=year, planned_on=on), actor)
        for auditor_id in chosen
    ]


EAQA_FIELDS = ("conducted_on", "reviewer", "findings", "report", "outcome")


@transaction.atomic
def record_eaqa(*, eaqa: EAQA, actor: Any, **fields: Any) -> EAQA:
    """Record an EAQA's date, reviewer, findings, report and outcome."""
    lifecycle.check_fields(fields, EAQA_FIELDS)
    for name, value in fields.items():
        setattr(eaqa, name, value)
    if eaqa.outcome and not eaqa.conducted_on:
        raise ValidationError({"conducted_on": _("Record when the EAQA was conducted.")})
    return lifecycle.save(eaqa, actor)


# Courses and completions --------------------------------------------------------------------

COURSE_FIELDS = ("code", "name", "kind", "online", "active")


@transaction.atomic
def save_course(*, actor: Any, course: Course | None = None, **fields: Any) -> Course:
    """Add a course, or change one (its code names it in LMS imports)."""
    lifecycle.check_fields(fields, COURSE_FIELDS)
    course = course or Course()
    for name, value in fields.items():
        setattr(course, name, value)
    return lifecycle.save(course, actor)


def matching_auditor(email: str) -> Auditor | None:
    """Return the one auditor whose login has this email (any case), or None."""
    if not email.strip():
        return None
    found = list(
        Auditor.objects.select_related("user", "employer").filter(
            user__email__iexact=email.strip()
        )[:2]
    )
    return found[0] if len(found) == 1 else None


@transaction.atomic
def record_completion(
    *,
    actor: Any,
    course: Course,
    name: str,
    email: str,
    completed_on: date,
    employer: Any = None,
    auditor: Auditor | None = None,
    source: str = CompletionSource.MANUAL,
) -> CourseCompletion:
    """Record that a person completed a course (from the LMS, or entered by staff).

    The person is matched to an auditor by email when none is given; an internal auditor's
    employer is used when no employer is. The same course, email and date is refused: it is
    already recorded.
    """
    email = (email or "").strip()
    if completed_on and completed_on > lifecycle.today():
        raise ValidationError({"completed_on": _("The completion date cannot be in the future.")})
    duplicate = CourseCompletion.objects.filter(
        course=course, email__iexact=email, completed_on=completed_on
    )
    if email and completed_on and duplicate.exists():
        raise ValidationError(_("This completion is already recorded."), code="duplicate")
    auditor = auditor or matching_auditor(email)
    if employer is None and auditor is not None and auditor.kind == AuditorKind.INTERNAL:
        employer = auditor.employer
    completion = CourseCompletion(
        course=course,
        name=(name or "").strip(),
        email=email,
        completed_on=completed_on,
        employer=employer,
        auditor=auditor,
        source=source,
    )
    return lifecycle.save(completion, actor)
