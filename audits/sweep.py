"""The daily sweep (DESIGN.md section 4): reminders, overdue notices, expiry warnings, lapses.

Run by Celery beat every night (``audits.tasks.enforce_deadlines``) and by hand with
``manage.py enforce_deadlines --today YYYY-MM-DD``. "Today" is an argument, so a missed day can
be run later and tests need no clock.

Set-based: the number of SQL queries does not grow with the number of audits or certificates.
Each part is one query (the reminders: one per clock) that finds what is due and not yet sent
(the due dates are stored on the audit, the reminders already sent are unique rows, left out
with ``NOT EXISTS`` in the same query), then one query for the employer contacts of all of
them, one bulk insert of the reminder rows and one of the in-app notifications; the emails are
enqueued after the commit, one task per message. Only a lapse costs queries of its own: it is
a change of state with history and a notice (``services.lapse_certificate``), and lapses are
few (on January 1, mostly).
"""

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass
from datetime import date, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import (
    BooleanField,
    Case,
    Exists,
    ExpressionWrapper,
    IntegerField,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.functions import ExtractYear
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from auditors import services as auditor_services
from auditors.choices import AuditorStatus
from auditors.models import AnnualDeclaration, Auditor, StandingReminder
from cor_portal.notifications.services import Message, notify_many
from cor_portal.program.models import ProgramRules
from employers.models import Contact

from . import services
from .choices import AuditStatus, AuditType, CertificateStatus, Deadline
from .cycles import _cutoff as maintenance_cutoff
from .models import OPEN_FOR, Audit, Certificate, CertificateReminder, DeadlineReminder

S = AuditStatus
# What each clock asks of the people told about it.
TASKS = {
    Deadline.NOTICE: gettext_lazy(
        "the lead auditor files the Notice of Audit in the portal (14 days before the start)."
    ),
    Deadline.ONSITE: gettext_lazy(
        "the onsite work (interviews, document review, observations) is finished and the last "
        "onsite day recorded."
    ),
    Deadline.SUBMISSION: gettext_lazy(
        "the lead auditor submits the report and element scores to QA."
    ),
    Deadline.FINAL: gettext_lazy("the final audit report is delivered to QA."),
}
# A recertification audit in these statuses has been delivered and waits for QA's decision.
AWAITING_DECISION = (S.SUBMITTED, S.IN_QA, S.RETURNED, S.RESUBMITTED)
OVERDUE = 0  # ``days_before`` of an overdue notice


@dataclass(frozen=True)
class SweepReport:
    """What one run of the sweep did, counted."""

    today: date
    reminders: int = 0
    overdue_notices: int = 0
    certificate_warnings: int = 0
    maintenance_lapses: int = 0
    expiry_lapses: int = 0
    auditor_lapses: int = 0
    auditor_reminders: int = 0
    notifications: int = 0
    errors: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        """Return the report as plain JSON values (the Celery task's result)."""
        data = asdict(self)
        data["today"] = self.today.isoformat()
        data["errors"] = list(self.errors)
        return data

    def __str__(self) -> str:
        lines = [
            f"Deadline sweep for {self.today.isoformat()}:",
            f"  reminders sent:                {self.reminders}",
            f"  overdue notices sent:          {self.overdue_notices}",
            f"  certificate expiry warnings:   {self.certificate_warnings}",
            f"  certificates lapsed (no maintenance audit): {self.maintenance_lapses}",
            f"  certificates lapsed (expired): {self.expiry_lapses}",
            f"  auditor certifications lapsed: {self.auditor_lapses}",
            f"  auditor standing reminders:    {self.auditor_reminders}",
            f"  in-app notifications:          {self.notifications}",
        ]
        lines += [f"  error: {error}" for error in self.errors]
        return "\n".join(lines)


def enforce_deadlines(*, today: date) -> SweepReport:
    """Run the daily sweep for ``today``; return what it did. Running it twice sends nothing new.

    1. Reminders 14, 7 and 1 days (the rules' ``reminder_days``) before each stored due date of
       an audit whose clock still runs (``OPEN_FOR``), on exactly those days; an overdue notice
       once per due date that has passed, caught up on any later day. Each is a
       ``DeadlineReminder`` row (audit, deadline, due date, days before): a date moved by an
       extension is a new due date and gets its own reminders.
    2. Certificate expiry warnings 90 and 30 days before (``certificate_warning_days``), once
       each; after a missed day only the nearest offset is sent.
    3. Lapses: a certificate whose maintenance year ended without its audit (R-5), then a
       certificate that expired without recertification (R-11) — see ``_expired``.
    4. Auditor standing (R-16): a certified auditor is warned 90 and 30 days before the
       certification expires, and a lead auditor without the year's annual declaration 14, 7
       and 1 days before an audit of that year starts (each once, the nearest offset after a
       missed day; ``StandingReminder`` rows); then certifications that expired lapse.
    """
    rules = ProgramRules.objects.in_force(today)
    with transaction.atomic():
        due = _due_reminders(today, rules.reminder_days)
        expiring = _expiring_certificates(today, rules.certificate_warning_days)
        auditors_expiring = _expiring_auditors(today, rules.certificate_warning_days)
        undeclared = _undeclared_before_audits(today, rules.reminder_days)
        contacts = _contact_users(
            {audit.employer_id for audit, _d, _n in due}
            | {certificate.employer_id for certificate, _n in expiring}
        )
        DeadlineReminder.objects.bulk_create(
            [
                DeadlineReminder(
                    audit=audit,
                    deadline=deadline,
                    due_on=audit.due(deadline),
                    days_before=days_before,
                    sent_on=today,
                )
                for audit, deadline, days_before in due
            ],
            ignore_conflicts=True,
        )
        CertificateReminder.objects.bulk_create(
            [
                CertificateReminder(certificate=certificate, days_before=days_before, sent_on=today)
                for certificate, days_before in expiring
            ],
            ignore_conflicts=True,
        )
        StandingReminder.objects.bulk_create(
            [
                StandingReminder(
                    auditor=auditor,
                    kind=StandingReminder.Kind.CERTIFICATION,
                    due_on=expires_on,
                    days_before=days_before,
                    sent_on=today,
                )
                for auditor, expires_on, days_before in auditors_expiring
            ]
            + [
                StandingReminder(
                    auditor=audit.lead_auditor,
                    kind=StandingReminder.Kind.DECLARATION,
                    due_on=audit.starts_on,
                    days_before=days_before,
                    sent_on=today,
                )
                for audit, days_before in undeclared
            ],
            ignore_conflicts=True,
        )
        notes = notify_many(
            [_deadline_message(audit, d, n, today, contacts) for audit, d, n in due]
            + [_expiry_message(certificate, today, contacts) for certificate, _n in expiring]
            + [
                _auditor_expiry_message(a, expires_on, today)
                for a, expires_on, _n in auditors_expiring
            ]
            + [_declaration_message(audit, today) for audit, _n in undeclared]
        )
    errors: list[str] = []
    maintenance = _lapse_all(_missed_maintenance(today), today, errors)
    expired = _lapse_all(
        ((c, _("Certificate expired without recertification")) for c in _expired(today)),
        today,
        errors,
    )
    auditors = auditor_services.lapse_expired_certifications(today=today)
    return SweepReport(
        today=today,
        reminders=sum(1 for _a, _d, n in due if n != OVERDUE),
        overdue_notices=sum(1 for _a, _d, n in due if n == OVERDUE),
        certificate_warnings=len(expiring),
        maintenance_lapses=maintenance,
        expiry_lapses=expired,
        auditor_lapses=auditors,
        auditor_reminders=len(auditors_expiring) + len(undeclared),
        notifications=len(notes),
        errors=tuple(errors),
    )


# Deadline reminders and overdue notices -------------------------------------------------------


def _due_reminders(today: date, offsets: Iterable[int]) -> list[tuple[Audit, Deadline, int]]:
    """Return (audit, deadline, days before) of every reminder and overdue notice due today.

    One query per clock: the audits in a status where it runs, due exactly ``n`` days away
    (``days_before`` = n) or already past (0, the overdue notice), without a reminder row for
    that due date and offset yet (an anti-join on the unique row).
    """
    offsets = sorted({n for n in offsets if n > 0})
    targets = [today + timedelta(days=n) for n in offsets]
    due = []
    for deadline in Deadline:
        field = f"{deadline.value}_due"
        days_before = Case(
            *[When(**{field: day}, then=Value(n)) for n, day in zip(offsets, targets, strict=True)],
            default=Value(OVERDUE),
            output_field=IntegerField(),
        )
        sent = DeadlineReminder.objects.filter(
            audit=OuterRef("pk"),
            deadline=deadline,
            due_on=OuterRef(field),
            days_before=OuterRef("days_before"),
        )
        audits = (
            Audit.objects.filter(status__in=OPEN_FOR[deadline])
            .filter(Q(**{f"{field}__lt": today}) | Q(**{f"{field}__in": targets}))
            .annotate(days_before=days_before)
            .exclude(Exists(sent))
            .select_related("employer", "lead_auditor__user")
            .order_by("pk")
        )
        due += [(audit, deadline, audit.days_before) for audit in audits]
    return due


def _deadline_message(
    audit: Audit,
    deadline: Deadline,
    days_before: int,
    today: date,
    contacts: dict[int, list[Any]],
) -> Message:
    due_on = audit.due(deadline)
    context = {
        "audit": audit,
        "deadline": deadline.label,
        "task": TASKS[deadline],
        "due_on": due_on,
        "days_before": days_before,
        "days_overdue": (today - due_on).days,
    }
    names = {"deadline": deadline.label, "employer": audit.employer}
    if days_before == OVERDUE:
        subject = _("Overdue: %(deadline)s for %(employer)s") % names
        template = "deadline_overdue"
    else:
        subject = _("%(deadline)s due in %(days)s day%(s)s: %(employer)s") % {
            **names,
            "days": days_before,
            "s": "" if days_before == 1 else "s",
        }
        template = "deadline_reminder"
    return Message(
        users=[audit.lead_auditor.user, *contacts.get(audit.employer_id, [])],
        subject=subject,
        template=template,
        context=context,
        url=audit.get_absolute_url(),
        extra_emails=[settings.COR_STAFF_EMAIL],
    )


# Certificate expiry warnings -----------------------------------------------------------------


def _expiring_certificates(today: date, offsets: Iterable[int]) -> list[tuple[Certificate, int]]:
    """Return (certificate, offset) of every expiry warning due today, in one query.

    A certificate ``d`` days from expiry is due the warning of the nearest offset at or above
    ``d`` (30 for 1-30 days, 90 for 31-90), unless that warning or a later one was sent.
    """
    ascending = sorted(n for n in offsets if n > 0)
    if not ascending:
        return []
    windows = _warning_windows(
        "expires_on",
        today,
        ascending,
        lambda n: CertificateReminder.objects.filter(
            certificate=OuterRef("pk"), days_before__lte=n
        ),
    )
    certificates = (
        Certificate.objects.filter(status=CertificateStatus.VALID)
        .filter(windows)
        .select_related("employer")
        .order_by("pk")
    )
    return [
        (certificate, _nearest(ascending, (certificate.expires_on - today).days))
        for certificate in certificates
    ]


def _warning_windows(
    field: str, today: date, ascending: list[int], sent: Callable[[int], QuerySet[Any]]
) -> Q:
    """Return the filter of rows whose ``field`` date falls in a warning window not yet warned.

    The windows are (0, n1], (n1, n2], … days from today for the ascending offsets; in the
    window ending at ``n`` a row is due unless ``sent(n)`` (its warnings at ``n`` days or
    fewer) exists.
    """
    windows = Q()
    lower = 0
    for n in ascending:
        windows |= Q(
            **{
                f"{field}__gt": today + timedelta(days=lower),
                f"{field}__lte": today + timedelta(days=n),
            }
        ) & ~Q(Exists(sent(n)))
        lower = n
    return windows


def _nearest(ascending: list[int], days_left: int) -> int:
    """Return the offset whose window holds ``days_left`` (the nearest at or above it)."""
    return min(n for n in ascending if n >= days_left)


def _expiry_message(
    certificate: Certificate, today: date, contacts: dict[int, list[Any]]
) -> Message:
    days_left = (certificate.expires_on - today).days
    return Message(
        users=contacts.get(certificate.employer_id, []),
        subject=_("COR certificate expires in %(days)s day%(s)s: %(employer)s")
        % {"days": days_left, "s": "" if days_left == 1 else "s", "employer": certificate.employer},
        template="certificate_expiring",
        context={"certificate": certificate, "days_left": days_left},
        url=certificate.get_absolute_url(),
        extra_emails=[settings.COR_STAFF_EMAIL],
    )


def _contact_users(employer_ids: set[int]) -> dict[int, list[Any]]:
    """Return the active logins of the employers' contacts, by employer id (one query)."""
    users: dict[int, list[Any]] = defaultdict(list)
    if not employer_ids:
        return users
    contacts = (
        Contact.objects.filter(employer_id__in=employer_ids, user__is_active=True)
        .select_related("user")
        .order_by("pk")
    )
    for contact in contacts:
        users[contact.employer_id].append(contact.user)
    return users


# Auditor standing reminders ------------------------------------------------------------------


def _expiring_auditors(today: date, offsets: Iterable[int]) -> list[tuple[Auditor, date, int]]:
    """Return (auditor, expiry, offset) of each certification expiry warning due today (one query).

    Like a certificate's: the nearest offset at or above the days left, unless that warning or
    a later one was sent for this expiry date (a recertified auditor starts afresh).
    """
    ascending = sorted(n for n in offsets if n > 0)
    if not ascending:
        return []
    windows = _warning_windows(
        "expires_on",
        today,
        ascending,
        lambda n: StandingReminder.objects.filter(
            auditor=OuterRef("pk"),
            kind=StandingReminder.Kind.CERTIFICATION,
            due_on=OuterRef("expires_on"),
            days_before__lte=n,
        ),
    )
    auditors = (
        Auditor.objects.filter(status=AuditorStatus.CERTIFIED)
        .filter(windows)
        .select_related("user")
        .order_by("pk")
    )
    return [
        (a, a.expires_on, _nearest(ascending, (a.expires_on - today).days))
        for a in auditors
        if a.expires_on is not None  # always: the windows filter on it
    ]


def _undeclared_before_audits(today: date, offsets: Iterable[int]) -> list[tuple[Audit, int]]:
    """Return (audit, offset) for each lead auditor to remind of a missing annual declaration.

    An auditor files the year's declaration before conducting audits in it (R-16): an audit not
    started yet, starting within the largest reminder offset, whose lead auditor has no
    declaration for the audit's year, warns them at the nearest offset (14, 7, 1 days), once
    per start date and auditor. One query.
    """
    ascending = sorted(n for n in offsets if n > 0)
    if not ascending:
        return []
    declared = AnnualDeclaration.objects.filter(
        auditor=OuterRef("lead_auditor"), year=ExtractYear(OuterRef("starts_on"))
    )
    windows = _warning_windows(
        "starts_on",
        today,
        ascending,
        lambda n: StandingReminder.objects.filter(
            auditor=OuterRef("lead_auditor"),
            kind=StandingReminder.Kind.DECLARATION,
            due_on=OuterRef("starts_on"),
            days_before__lte=n,
        ),
    )
    audits = (
        Audit.objects.filter(status__in=(S.PLANNED, S.NOTICE_FILED), lead_auditor__isnull=False)
        .filter(windows)
        .exclude(Exists(declared))
        .select_related("employer", "lead_auditor__user")
        .order_by("starts_on", "pk")
    )
    first: dict[tuple[int, date], Audit] = {}
    for audit in audits:
        first.setdefault((audit.lead_auditor_id, audit.starts_on), audit)
    return [(a, _nearest(ascending, (a.starts_on - today).days)) for a in first.values()]


def _auditor_expiry_message(auditor: Auditor, expires_on: date, today: date) -> Message:
    days_left = (expires_on - today).days
    return Message(
        users=[auditor.user],
        subject=_("Your auditor certification expires in %(days)s day%(s)s")
        % {"days": days_left, "s": "" if days_left == 1 else "s"},
        template="auditor_certification_expiring",
        context={"auditor": auditor, "days_left": days_left},
        url=reverse("homes:auditor"),
        extra_emails=[settings.COR_STAFF_EMAIL],
    )


def _declaration_message(audit: Audit, today: date) -> Message:
    days_left = (audit.starts_on - today).days
    return Message(
        users=[audit.lead_auditor.user],
        subject=_(
            "File your %(year)s declaration: the audit of %(employer)s starts in %(days)s day%(s)s"
        )
        % {
            "year": audit.starts_on.year,
            "employer": audit.employer,
            "days": days_left,
            "s": "" if days_left == 1 else "s",
        },
        template="declaration_missing",
        context={"audit": audit, "days_left": days_left, "year": audit.starts_on.year},
        url=reverse("homes:auditor"),
    )


# Lapses -------------------------------------------------------------------------------------


def _missed_maintenance(today: date) -> list[tuple[Certificate, str]]:
    """Return valid certificates whose maintenance year ended without its audit (R-5).

    Cycle years 2 and 3 are the calendar years between the certificate's year and its expiry
    year; each ended at its cutoff (December 31 unless the rules of that year say otherwise —
    a yearly rule, so the rules in force on January 1 of that year). A year is kept when a
    maintenance audit of the certificate's cycle for that year, not cancelled, has its last
    onsite day on or before the cutoff; the audit need not be decided yet. One query per
    candidate year for its rules (the years of the valid certificates: three or four) and one
    for the certificates.
    """
    first = Certificate.objects.filter(status=CertificateStatus.VALID).aggregate(
        first=Min("certified_on")
    )["first"]
    if first is None:
        return []
    missed = {}
    for year in range(first.year + 1, today.year + 1):
        rules = ProgramRules.objects.for_year(year)
        cutoff = maintenance_cutoff(
            year, rules.maintenance_cutoff_month, rules.maintenance_cutoff_day
        )
        if cutoff >= today:
            continue
        kept = (
            Audit.objects.filter(
                cycle_certificate=OuterRef("pk"),
                audit_type=AuditType.MAINTENANCE,
                last_onsite_on__lte=cutoff,
                cycle_year=ExpressionWrapper(
                    Value(year + 1) - ExtractYear(OuterRef("certified_on")),
                    output_field=IntegerField(),
                ),
            )
            .exclude(status=S.CANCELLED)
            .values("pk")
        )
        missed[year] = (
            cutoff,
            Q(certified_on__lt=date(year, 1, 1), expires_on__gte=date(year + 1, 1, 1))
            & ~Q(Exists(kept)),
        )
    if not missed:
        return []
    flags = {
        f"missed_{year}": ExpressionWrapper(condition, output_field=BooleanField())
        for year, (_cutoff, condition) in missed.items()
    }
    any_flag = Q()
    for name in flags:
        any_flag |= Q(**{name: True})
    certificates = (
        Certificate.objects.filter(status=CertificateStatus.VALID)
        .annotate(**flags)
        .filter(any_flag)
        .select_related("employer")
        .order_by("pk")
    )
    result = []
    for certificate in certificates:
        year = min(y for y in missed if getattr(certificate, f"missed_{y}"))
        reason = _(
            "No maintenance audit finished its onsite work by %(cutoff)s "
            "(cycle year %(number)s of %(year)s)"
        ) % {
            "cutoff": missed[year][0].isoformat(),
            "number": year - certificate.certified_on.year + 1,
            "year": year,
        }
        result.append((certificate, reason))
    return result


def _expired(today: date) -> list[Certificate]:
    """Return valid certificates past their expiry without recertification (R-11).

    A certificate is valid while ``certified_on <= day < expires_on``; one still marked valid
    on or after its expiry lapses, with its employer — unless a newer certificate of the
    employer exists (recertified: the newer one superseded it, nothing to lapse), or a
    recertification audit of its cycle finished its onsite work before the expiry and waits
    for QA's decision (submitted, in QA, returned for revision or resubmitted). R-11 asks only
    that recertification onsite finish before expiry; QA's time is the association's, and
    lapsing meanwhile would mark an employer that did everything on time as lapsed, and leave
    it lapsed when the audit is approved (issuing the new certificate certifies only an
    employer whose certification is in progress). Until the decision, the public check shows
    the certificate as expired (by its date), not lapsed. If the recertification fails, the
    audit no longer waits and the next sweep lapses the certificate.
    """
    newer = Certificate.objects.filter(
        employer=OuterRef("employer"), certified_on__gt=OuterRef("certified_on")
    )
    waiting = Audit.objects.filter(
        cycle_certificate=OuterRef("pk"),
        audit_type=AuditType.RECERTIFICATION,
        status__in=AWAITING_DECISION,
        last_onsite_on__lt=OuterRef("expires_on"),
    )
    return list(
        Certificate.objects.filter(status=CertificateStatus.VALID, expires_on__lte=today)
        .exclude(Exists(newer))
        .exclude(Exists(waiting))
        .select_related("employer")
        .order_by("pk")
    )


def _lapse_all(lapses: Iterable[tuple[Certificate, str]], today: date, errors: list[str]) -> int:
    """Lapse each certificate through the service (each atomic); return how many lapsed."""
    count = 0
    for certificate, reason in lapses:
        try:
            services.lapse_certificate(certificate=certificate, actor=None, on=today, reason=reason)
        except ValidationError as error:
            errors.append(f"{certificate}: {'; '.join(error.messages)}")
            continue
        count += 1
    return count
