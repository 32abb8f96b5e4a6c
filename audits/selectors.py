"""Reads of audit data used across the portal: countdowns, cycles, panels and KPIs."""

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from django.db.models import Prefetch, QuerySet

from cor_portal.program.models import ProgramRules
from employers.models import Employer

from .choices import AuditStatus, AuditType, CertificateStatus, Deadline
from .cycles import CycleYear, cycle_schedule
from .models import CLOSED, OPEN_FOR, Audit, Certificate

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
        state = "red" if days < 0 else "amber" if days <= AMBER_DAYS else "green"
        result.append(Countdown(deadline, deadline.label, due, days, state))
    return result


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
    if audits:
        return "planned"
    if today > year.due_by:
        return "missed"
    if today.year == year.calendar_year:
        return "due"
    return "upcoming"


# Certificates -------------------------------------------------------------------------------


def certificates_expiring(*, as_of: date, days: int = 90) -> QuerySet[Certificate]:
    """Return valid certificates expiring within ``days`` of the date, soonest first."""
    return (
        Certificate.objects.filter(
            status=CertificateStatus.VALID,
            expires_on__gte=as_of,
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


def new_certifications(*, start: date, end: date) -> int:
    """Return how many certificates from certification (not recertification) audits were issued."""
    return Certificate.objects.filter(
        audit__audit_type=AuditType.CERTIFICATION, certified_on__gte=start, certified_on__lte=end
    ).count()


def audits_submitted(*, start: date, end: date) -> int:
    """Return how many audits were first submitted in the period."""
    return Audit.objects.filter(submitted_on__gte=start, submitted_on__lte=end).count()


def audits_decided(*, start: date, end: date) -> int:
    """Return how many audits received a QA decision in the period."""
    return Audit.objects.filter(decided_on__gte=start, decided_on__lte=end).count()
