"""Reads of audit data used across the portal: countdowns, cycles, panels and KPIs."""

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import (
    Count,
    Exists,
    F,
    OuterRef,
    Prefetch,
    Q,
    QuerySet,
    Value,
)
from django.utils.translation import gettext_lazy as _

from cor_portal.counting import count_each
from cor_portal.program.models import ProgramRules
from employers import selectors as employer_selectors
from employers.models import Employer

from .choices import AuditStatus, AuditType, CertificateStatus, Deadline, ExtensionStatus
from .cycles import CycleYear, cycle_schedule
from .eligibility import external_auditor_required
from .models import (
    CLOSED,
    OPEN_FOR,
    Audit,
    AuditElement,
    Certificate,
    ElementScore,
    Extension,
    Review,
    Submission,
    next_due_expression,
)

AMBER_DAYS = 14


@dataclass(frozen=True)
class Countdown:
    """One clock of an audit as people see it: due date, days left and a traffic light."""

    deadline: str
    label: Any
    due_on: date | None
    days_left: int | None
    state: str  # "done", "green" (> 14 days), "amber" (<= 14), "red" (overdue), "pending"

    @property
    def text(self) -> str:
        if self.state == "done":
            return "done"
        if self.state == "pending" or self.days_left is None:
            return "not started"
        if self.days_left < 0:
            return f"overdue by {-self.days_left} day{'s' if self.days_left != -1 else ''}"
        if self.days_left == 0:
            return "due today"
        return f"due in {self.days_left} day{'s' if self.days_left != 1 else ''}"


def countdowns(audit: Audit, *, today: date) -> list[Countdown]:
    """Return the audit's four clocks with their traffic lights (green, amber, red)."""
    result = []
    for deadline in Deadline:
        due = audit.due(deadline)
        if due is None:
            result.append(Countdown(deadline, deadline.label, None, None, "pending"))
            continue
        if audit.status not in OPEN_FOR[deadline]:
            result.append(Countdown(deadline, deadline.label, due, None, "done"))
            continue
        days = (due - today).days
        result.append(Countdown(deadline, deadline.label, due, days, traffic_light(days)))
    return result


def traffic_light(days_left: int) -> str:
    """Return a running clock's light: red when overdue, amber within 14 days, else green."""
    if days_left < 0:
        return "red"
    return "amber" if days_left <= AMBER_DAYS else "green"


def next_countdown(audit: Audit, *, today: date) -> Countdown | None:
    """Return the audit's nearest running clock, if any."""
    running = [c for c in countdowns(audit, today=today) if c.days_left is not None]
    return min(running, key=lambda c: c.days_left or 0, default=None)


def board(queryset: QuerySet[Audit]) -> QuerySet[Audit]:
    """Return audits with what the lists show, in a constant number of queries."""
    return queryset.select_related("employer", "lead_auditor__user", "tool")


def audits_led_by(auditor_id: int) -> QuerySet[Audit]:
    """Return the open audits an auditor leads, soonest start first."""
    return board(
        Audit.objects.filter(lead_auditor_id=auditor_id).exclude(status__in=CLOSED)
    ).order_by("starts_on")


def due_between(*, start: date, end: date) -> QuerySet[Audit]:
    """Return open audits with a running clock due between two dates, inclusive."""
    condition = Audit.objects.none()
    for deadline in Deadline:
        condition = condition | Audit.objects.due_between(deadline, start, end)
    return board(condition.distinct())


def overdue(*, as_of: date) -> QuerySet[Audit]:
    """Return audits with a running clock past its due date."""
    return board(Audit.objects.overdue(as_of=as_of))


# Cycles -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CycleRow:
    """A cycle year with the audits planned or done for it."""

    year: CycleYear
    audits: tuple[Audit, ...]
    state: str  # "done", "planned", "due", "missed", "upcoming"


@dataclass(frozen=True)
class Cycle:
    certificate: Certificate
    rows: tuple[CycleRow, ...]


def cycle_for(employer: Employer, *, today: date) -> Cycle | None:
    """Return the employer's current 3-year cycle (from its latest certificate), if any."""
    certificate = (
        Certificate.objects.filter(employer=employer)
        .exclude(status=CertificateStatus.SUPERSEDED)
        .order_by("-certified_on")
        .select_related("audit")
        .prefetch_related(
            Prefetch("cycle_audits", queryset=Audit.objects.select_related("lead_auditor__user"))
        )
        .first()
    )
    if certificate is None:
        return None
    rules = ProgramRules.objects.in_force(certificate.certified_on)
    schedule = cycle_schedule(
        certificate.certified_on,
        certificate.expires_on,
        cutoff_month=rules.maintenance_cutoff_month,
        cutoff_day=rules.maintenance_cutoff_day,
    )
    rows = []
    for year in schedule:
        if year.number == 1:
            rows.append(CycleRow(year, (certificate.audit,), "done"))
            continue
        audits = tuple(
            a
            for a in certificate.cycle_audits.all()
            if a.cycle_year == year.number and a.status != AuditStatus.CANCELLED
        )
        rows.append(CycleRow(year, audits, _year_state(year, audits, today=today)))
    return Cycle(certificate, tuple(rows))


def _year_state(year: CycleYear, audits: tuple[Audit, ...], *, today: date) -> str:
    if any(a.last_onsite_on and a.last_onsite_on <= year.due_by for a in audits):
        return "done"
    if today > year.due_by:  # onsite work not finished by the cutoff, planned or not
        return "missed"
    if audits:
        return "planned"
    if today.year == year.calendar_year:
        return "due"
    return "upcoming"


# Certificates -------------------------------------------------------------------------------


def certificates_expiring(*, as_of: date, days: int = 90) -> QuerySet[Certificate]:
    """Return certificates still valid on the date that expire within ``days``, soonest first.

    One expiring on the date itself is no longer valid (valid while day < expires_on).
    """
    return (
        Certificate.objects.filter(
            status=CertificateStatus.VALID,
            expires_on__gt=as_of,
            expires_on__lte=as_of + timedelta(days=days),
        )
        .select_related("employer")
        .order_by("expires_on")
    )


def certificate_status_on(certificate: Certificate, day: date) -> str:
    """Return "valid", "expired", "lapsed", "superseded" or "not yet valid" on the day."""
    if certificate.status == CertificateStatus.LAPSED:
        return "lapsed"
    if certificate.status == CertificateStatus.SUPERSEDED:
        return "superseded"
    if day < certificate.certified_on:
        return "not yet valid"
    if day >= certificate.expires_on:
        return "expired"
    return "valid"


# Workplan KPIs: counts in a period, both ends inclusive -------------------------------------


def certifications_issued(*, start: date, end: date) -> QuerySet[Certificate]:
    """Return the certificates from certification (not recertification) audits issued (lazy)."""
    return Certificate.objects.filter(
        audit__audit_type=AuditType.CERTIFICATION, certified_on__gte=start, certified_on__lte=end
    )


def new_certifications(*, start: date, end: date) -> int:
    """Return how many certificates from certification (not recertification) audits were issued."""
    return certifications_issued(start=start, end=end).count()


def audits_submitted(*, start: date, end: date) -> int:
    """Return how many audits were first submitted in the period."""
    return Audit.objects.filter(submitted_on__gte=start, submitted_on__lte=end).count()


def audits_decided(*, start: date, end: date) -> int:
    """Return how many audits received a QA decision in the period."""
    return Audit.objects.filter(decided_on__gte=start, decided_on__lte=end).count()


# The staff board and "today" ----------------------------------------------------------------

# Submitted or resubmitted reports, and those under review: the QA team's queue.
WAITING_FOR_QA = (AuditStatus.SUBMITTED, AuditStatus.RESUBMITTED, AuditStatus.IN_QA)
SOON_DAYS = 7


def with_next_due(queryset: QuerySet[Audit]) -> QuerySet[Audit]:
    """Annotate ``next_due``: the nearest due date of a running clock, else ``NO_CLOCK``.

    The same clock as ``next_countdown``, in SQL, so lists can sort by it (an index holds it:
    ``audits.models.next_due_expression``).
    """
    return queryset.annotate(next_due=next_due_expression())


def due_within(*, today: date, days: int = SOON_DAYS) -> QuerySet[Audit]:
    """Return audits with a running clock due from today to ``days`` later, inclusive."""
    return due_between(start=today, end=today + timedelta(days=days))


def extension_waiting() -> Exists:
    """Return the condition "an extension request of the audit waits for a decision"."""
    return Exists(Extension.objects.filter(audit=OuterRef("pk"), status=ExtensionStatus.REQUESTED))


def qa_queue() -> QuerySet[Review]:
    """Return the QA queue: the undecided reviews of audits waiting for QA, one per revision."""
    return Review.objects.filter(outcome="", audit__status__in=WAITING_FOR_QA)


def staff_counted(*, today: date) -> dict[str, QuerySet[Audit]]:
    """Return the board's counts as querysets to count together (``count_each``): overdue,
    due within 7 days, waiting for QA, extensions waiting."""
    return {
        "overdue": Audit.objects.overdue(as_of=today),
        "due_soon": due_within(today=today),
        "waiting_for_qa": Audit.objects.filter(status__in=WAITING_FOR_QA),
        "extensions_waiting": Audit.objects.filter(extension_waiting()),
    }


def staff_counts(*, today: date) -> dict[str, int]:
    """Return the board's counts (``staff_counted``) in one query."""
    return count_each(staff_counted(today=today))


@dataclass(frozen=True)
class AuditRow:
    """An audit in a short list, with its nearest running clock."""

    audit: Audit
    countdown: Countdown | None


def with_countdowns(audits: Any, *, today: date) -> list[AuditRow]:
    """Return the audits as rows with their next countdown (no query per row)."""
    return [AuditRow(audit, next_countdown(audit, today=today)) for audit in audits]


def staff_today(*, today: date, rows: int = 8) -> dict[str, Any]:
    """Return the audit panels of the staff home: the audits overdue or due within a week
    (nearest first) and the certificates expiring within 90 days (two queries)."""
    late_or_soon = Audit.objects.filter(
        Q(pk__in=Audit.objects.overdue(as_of=today).values("pk"))
        | Q(pk__in=due_within(today=today).values("pk"))
    )
    urgent = with_next_due(board(late_or_soon)).order_by("next_due", "pk")
    return {
        "urgent_audits": with_countdowns(urgent[:rows], today=today),
        "certificates_expiring": list(certificates_expiring(as_of=today, days=90)[:rows]),
    }


def staff_today_counted(*, today: date) -> dict[str, QuerySet[Any]]:
    """Return the staff home's audit counts as querysets to count together: the board's
    (``staff_counted``), the QA queue and the certificates expiring within 90 days."""
    return {
        **staff_counted(today=today),
        "qa_queue": qa_queue(),
        "certificates_expiring": certificates_expiring(as_of=today, days=90),
    }


# The auditor's work and the employer's audits -----------------------------------------------

# Results the employer may see: the QA decision has been released.
RELEASED = (AuditStatus.APPROVED, AuditStatus.UNSUCCESSFUL)


def audits_to_work_on(auditor_id: int) -> QuerySet[Audit]:
    """Return the auditor's open audits with what decides their next step (one query).

    ``draft_has_report`` and ``draft_unscored`` (an element of the tool without a score in
    the draft) decide between "Enter scores" and "Submit"; ``extension_pending`` tells
    whether a request waits for staff.
    """
    drafts = Submission.objects.filter(audit=OuterRef("pk"), submitted_on__isnull=True)
    scored = ElementScore.objects.filter(
        submission__audit=OuterRef(OuterRef("pk")), submission__submitted_on__isnull=True
    ).values("element_id")
    unscored = AuditElement.objects.filter(tool=OuterRef("tool")).exclude(pk__in=scored)
    from .models import ReviewNote

    # An actionable QA note of the returning review still without an answer.
    to_answer = ReviewNote.objects.filter(
        review__audit=OuterRef("pk"), review__outcome="returned", kind="actionable", answer=""
    )
    return audits_led_by(auditor_id).annotate(
        draft_has_report=Exists(drafts.exclude(report="")),
        draft_unscored=Exists(unscored),
        extension_pending=extension_waiting(),
        notes_to_answer=Exists(to_answer),
    )


@dataclass(frozen=True)
class NextAction:
    """The step an audit waits for from its lead auditor: a label and the page's URL name."""

    label: Any
    url_name: str


def next_action(audit: Audit) -> NextAction | None:
    """Return the lead auditor's next step on the audit, or None while it is with QA or closed.

    Reads the annotations of ``audits_to_work_on`` when present (no query).
    """
    status = audit.status
    if status == AuditStatus.PLANNED:
        return NextAction(_("File the notice"), "audits:notice")
    if status == AuditStatus.NOTICE_FILED:
        return NextAction(_("Start the audit"), "audits:start")
    if status == AuditStatus.IN_PROGRESS:
        return NextAction(_("Record onsite complete"), "audits:onsite")
    if status == AuditStatus.RETURNED and getattr(audit, "notes_to_answer", False):
        return NextAction(_("Answer the QA notes"), "audits:answers")
    if status in (AuditStatus.ONSITE_COMPLETE, AuditStatus.RETURNED):
        ready = getattr(audit, "draft_has_report", False) and not getattr(
            audit, "draft_unscored", True
        )
        if ready:
            return NextAction(_("Submit the report"), "audits:submit")
        return NextAction(_("Enter scores and report"), "audits:work")
    return None


def audits_of_employer(employer_id: int, *, limit: int = 10) -> list[Audit]:
    """Return an employer's audits, latest start first (one query), cancelled ones left out."""
    audits = board(Audit.objects.filter(employer_id=employer_id))
    return list(audits.exclude(status=AuditStatus.CANCELLED).order_by("-starts_on", "-pk")[:limit])


# The employer's next steps ------------------------------------------------------------------


def employer_progress(
    employer: Employer, audits: Sequence[Audit], *, today: date
) -> employer_selectors.AuditProgress:
    """Return what the employer's checklist needs from its audits, certificate and cycle.

    ``audits`` are the employer's, as ``audits_of_employer`` reads them for the portal. The
    cycle is ``cycle_for``'s (R-5, from ``cycle_schedule``), who may audit is R-6's
    ``external_auditor_required``, and the day counts are the program rules in force today.
    A constant number of queries: the rules, and the certificate with its cycle's audits.
    """
    rules = ProgramRules.objects.in_force(today)
    cycle = cycle_for(employer, today=today)
    required = None
    if employer.size_class:
        required = external_auditor_required(
            size_class=employer.size_class,
            audit_type=AuditType.RECERTIFICATION if cycle else AuditType.CERTIFICATION,
        )
    # An audit planned past its cycle year's cutoff (flagged when planned) must still finish
    # its onsite work by the cutoff to count for the year.
    cutoffs = {row.year.number: row.year.due_by for row in cycle.rows} if cycle else {}
    progress = employer_selectors.AuditProgress(
        audits=tuple(
            _under_way(
                audit,
                today,
                cutoff=cutoffs.get(audit.cycle_year or 0)
                if audit.past_cutoff
                and cycle
                and audit.cycle_certificate_id == cycle.certificate.pk
                else None,
            )
            for audit in audits
            if audit.status not in CLOSED
        ),
        external_auditor_required=required,
        notice_lead_days=rules.notice_lead_days,
        onsite_days=rules.onsite_days,
        final_report_days=rules.final_report_days,
    )
    if cycle is None:
        return progress
    certificate = cycle.certificate
    return replace(
        progress,
        certificate_number=certificate.number,
        certificate_url=certificate.get_absolute_url(),
        certified_on=certificate.certified_on,
        expires_on=certificate.expires_on,
        cycle=tuple(
            employer_selectors.CycleYearFacts(
                number=row.year.number,
                audit_type=row.year.audit_type,
                calendar_year=row.year.calendar_year,
                due_by=row.year.due_by,
                state=row.state,
                url=row.audits[0].get_absolute_url() if row.audits else "",
            )
            for row in cycle.rows
            if row.year.number > 1
        ),
    )


def _under_way(
    audit: Audit, today: date, *, cutoff: date | None = None
) -> employer_selectors.AuditUnderWay:
    """Return an open audit with its notice and its nearest other running clock.

    ``cutoff`` is the cycle year's cutoff when it comes before the onsite deadline: while
    onsite work runs, it is the date that counts.
    """
    running = [
        (str(c.label), c.due_on)
        for c in countdowns(audit, today=today)
        if c.deadline != Deadline.NOTICE and c.days_left is not None and c.due_on
    ]
    if cutoff is not None and audit.is_open(Deadline.ONSITE):
        running.append((str(_("Onsite work (cycle year cutoff)")), cutoff))
    nearest = min(running, key=lambda clock: clock[1], default=None)
    return employer_selectors.AuditUnderWay(
        audit_type=audit.audit_type,
        label=str(_("%(type)s audit") % {"type": audit.get_audit_type_display()}),
        url=audit.get_absolute_url(),
        starts_on=audit.starts_on,
        auditor=audit.lead_auditor.name,
        notice_due=audit.notice_due,
        notice_filed_on=audit.notice_filed_on,
        notice_open=audit.is_open(Deadline.NOTICE),
        clock_label=nearest[0] if nearest else "",
        clock_due=nearest[1] if nearest else None,
        with_qa=audit.status in WAITING_FOR_QA,
        cycle_year=audit.cycle_year,
    )


# Running clocks as rows (the deadlines API) -------------------------------------------------


def running_deadlines(
    audits: QuerySet[Audit],
    *,
    deadlines: tuple[str, ...] = tuple(Deadline.values),
    due_from: date | None = None,
    due_to: date | None = None,
) -> QuerySet[Any]:
    """Return one row per running clock of the audits, soonest first, as a single query.

    Each row is a dict of ``audit_id``, ``employer_id``, ``employer_name``, ``deadline`` and
    ``due_on``: the union of the four clocks' columns, so a page of it costs one count and
    one select whatever the number of audits. ``due_from`` and ``due_to`` bound the due date
    (both inclusive).
    """
    parts = []
    for deadline in Deadline:
        if deadline.value not in deadlines:
            continue
        column = f"{deadline.value}_due"
        bounds: dict[str, Any] = {f"{column}__isnull": False}
        if due_from is not None:
            bounds[f"{column}__gte"] = due_from
        if due_to is not None:
            bounds[f"{column}__lte"] = due_to
        parts.append(
            audits.filter(status__in=OPEN_FOR[deadline], **bounds)
            .order_by()
            .annotate(
                audit_id=F("pk"),
                employer_name=F("employer__legal_name"),
                deadline=Value(deadline.value),
                due_on=F(column),
            )
            .values("audit_id", "employer_id", "employer_name", "deadline", "due_on")
        )
    if not parts:
        return Audit.objects.none().values("pk")
    rows = parts[0].union(*parts[1:], all=True) if len(parts) > 1 else parts[0]
    return rows.order_by("due_on", "audit_id", "deadline")


# --- QA reviews (R-12) -----------------------------------------------------------------------


def first_submitted(*, start: date, end: date) -> QuerySet[Audit]:
    """Return the audits first submitted in the period, both ends inclusive (lazy)."""
    return Audit.objects.filter(submitted_on__gte=start, submitted_on__lte=end)


def _qa_done() -> Exists:
    """Return the condition "the audit has a completed desktop QA review" (a return included)."""
    return Exists(Review.objects.filter(audit=OuterRef("pk")).exclude(outcome=""))


def first_submitted_reviewed(*, start: date, end: date) -> QuerySet[Audit]:
    """Return the audits first submitted in the period that have a completed QA review (lazy)."""
    return first_submitted(start=start, end=end).filter(_qa_done())


def coverage_percent(submitted: int, reviewed: int) -> Decimal | None:
    """Return the percent (0-100, unrounded) of the submitted audits reviewed; None without any."""
    if not submitted:
        return None
    return Decimal(reviewed) * 100 / Decimal(submitted)


def qa_coverage(*, start: date, end: date) -> Decimal | None:
    """Return the percent (0-100, unrounded) of audits first submitted in the period (inclusive)
    that have a completed desktop QA review (a review with an outcome, a return included).

    None when no audit was first submitted in the period (the KPI "QA coverage %", R-22).
    """
    counts = first_submitted(start=start, end=end).aggregate(
        submitted=Count("pk"), reviewed=Count("pk", filter=Q(_qa_done()))
    )
    return coverage_percent(counts["submitted"], counts["reviewed"])


@dataclass(frozen=True)
class TurnaroundRow:
    """QA turnaround of a group of decided reviews (a reviewer, a month, or all of them)."""

    label: str
    decided: int
    returned: int
    average_days: Decimal | None  # submission to decision, unrounded
    longest_days: int | None

    @property
    def returned_percent(self) -> Decimal | None:
        return Decimal(self.returned) * 100 / self.decided if self.decided else None


@dataclass(frozen=True)
class QaTurnaround:
    """QA turnaround in a period: overall, per reviewer and per month (of the decision)."""

    start: date
    end: date
    total: TurnaroundRow
    by_reviewer: tuple[TurnaroundRow, ...]
    by_month: tuple[TurnaroundRow, ...]


def _turnaround_row(label: str, rows: list[tuple[int, bool]]) -> TurnaroundRow:
    days = [d for d, _returned in rows]
    return TurnaroundRow(
        label=label,
        decided=len(rows),
        returned=sum(1 for _d, returned in rows if returned),
        average_days=Decimal(sum(days)) / len(days) if days else None,
        longest_days=max(days) if days else None,
    )


def qa_turnaround(*, start: date, end: date) -> QaTurnaround:
    """Return QA turnaround for the reviews decided in the period (inclusive): days from the
    revision's submission to the decision, and the share returned for revision (one query).

    Each round counts: a returned audit's next revision is decided again in its own review.
    """
    from .choices import ReviewOutcome
    from .models import Review

    decided = (
        Review.objects.filter(decided_on__gte=start, decided_on__lte=end)
        .exclude(outcome="")
        .values_list(
            "decided_on",
            "submission__submitted_on",
            "outcome",
            "reviewer__first_name",
            "reviewer__last_name",
            "reviewer__username",
        )
        .order_by("decided_on", "pk")
    )
    everything: list[tuple[int, bool]] = []
    per_reviewer: dict[str, list[tuple[int, bool]]] = {}
    per_month: dict[str, list[tuple[int, bool]]] = {}
    for decided_on, submitted_on, outcome, first, last, username in decided:
        row = ((decided_on - (submitted_on or decided_on)).days, outcome == ReviewOutcome.RETURNED)
        everything.append(row)
        name = f"{first} {last}".strip() or username or str(_("Not assigned"))
        per_reviewer.setdefault(name, []).append(row)
        per_month.setdefault(decided_on.strftime("%Y-%m"), []).append(row)
    return QaTurnaround(
        start=start,
        end=end,
        total=_turnaround_row(str(_("All reviews")), everything),
        by_reviewer=tuple(
            _turnaround_row(name, rows) for name, rows in sorted(per_reviewer.items())
        ),
        by_month=tuple(_turnaround_row(month, rows) for month, rows in sorted(per_month.items())),
    )


def reviewer_workload() -> list[dict[str, Any]]:
    """Return each staff reviewer's open reviews (not yet decided), most loaded first."""
    from .models import Review

    return list(
        Review.objects.filter(outcome="", reviewer__isnull=False, audit__status__in=WAITING_FOR_QA)
        .values("reviewer", "reviewer__first_name", "reviewer__last_name", "reviewer__username")
        .annotate(open=Count("pk"))
        .order_by("-open", "reviewer__last_name")
    )


# --- WIVA (R-14) ---


def wivas_opened(*, start: date, end: date) -> QuerySet:
    """Return the WIVA cases opened (employer notified) in [start, end], not cancelled (lazy)."""
    from .choices import WivaStatus, WivaStep
    from .models import WivaCase

    return (
        WivaCase.objects.filter(
            steps__step=WivaStep.NOTIFY_EMPLOYER,
            steps__done_on__gte=start,
            steps__done_on__lte=end,
        )
        .exclude(status=WivaStatus.CANCELLED)
        .distinct()
    )


def wiva_count(*, start: date, end: date) -> int:
    """Return how many WIVA cases were opened (employer notified) in [start, end], inclusive.

    A case counts on the date of its first step, "notify the employer"; cancelled cases do not
    count. (Used by the workplan's KPIs.)
    """
    return wivas_opened(start=start, end=end).count()
