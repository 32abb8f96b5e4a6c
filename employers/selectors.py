"""Reads of employer data used across the portal (homes, other apps, the workplan KPIs)."""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.db.models import (
    Count,
    Exists,
    Min,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    prefetch_related_objects,
)
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from cor_portal.accounts.choices import Role

from .choices import EmployerStatus, InteractionKind
from .models import (
    Contact,
    Employer,
    EmployerStatusChange,
    GapAnalysis,
    Interaction,
    Registration,
)

_UNSET = object()


def _signs_in_as_contact(user) -> bool:
    return bool(user and user.is_authenticated and user.role == Role.EMPLOYER)


def employer_id_for(user) -> int | None:
    """Return the id of the employer a contact user belongs to (cached on the user)."""
    cached = getattr(user, "_cor_employer_id", _UNSET)
    if cached is not _UNSET:
        return cached  # type: ignore[return-value]
    employer_id = None
    if _signs_in_as_contact(user):
        employer_id = (
            Employer.objects.filter(contacts__user=user).values_list("pk", flat=True).first()
        )
    user._cor_employer_id = employer_id
    return employer_id


def employer_for(user) -> Employer | None:
    """Return the employer of a contact user, with its CUs, or None (two queries).

    The contact read on the way is kept on the user (``user.employer_contact``, and the id
    that ``employer_id_for`` keeps), so what asks for them later reads nothing more.
    """
    if not _signs_in_as_contact(user):
        return None
    contact = Contact.objects.select_related("employer").filter(user_id=user.pk).first()
    user._cor_employer_id = contact.employer_id if contact else None
    if contact is None:
        return None
    user.employer_contact = contact
    employer = contact.employer
    prefetch_related_objects([employer], "classification_units")
    return employer


def follow_ups_due(*, as_of: date) -> QuerySet[Interaction]:
    """Return interaction follow-ups due on or before the date and not done, oldest first."""
    return (
        Interaction.objects.follow_ups_due(as_of=as_of)
        .select_related("employer", "staff_member")
        .order_by("follow_up_due", "pk")
    )


def gap_analyses_waiting() -> QuerySet[GapAnalysis]:
    """Return gap analyses offered and not yet completed or declined, oldest first."""
    return (
        GapAnalysis.objects.waiting()
        .select_related("employer", "consultant")
        .order_by("offered_on", "pk")
    )


def recent_registrations(*, as_of: date, days: int = 30) -> QuerySet[Registration]:
    """Return registrations in the last ``days`` days up to the date, newest first."""
    return (
        Registration.objects.filter(
            registered_on__gt=as_of - timedelta(days=days), registered_on__lte=as_of
        )
        .select_related("employer")
        .order_by("-registered_on", "-pk")
    )


def status_counts() -> dict[str, int]:
    """Return how many employers are in each lifecycle status (every status present)."""
    counts = dict.fromkeys(EmployerStatus.values, 0)
    for row in Employer.objects.values("status").annotate(n=Count("pk")).order_by():
        counts[row["status"]] = row["n"]
    return counts


def first_registrations(*, start: date, end: date) -> QuerySet:
    """Return one row per employer first registered between two dates, inclusive (lazy)."""
    return (
        Registration.objects.values("employer")
        .annotate(first=Min("registered_on"))
        .filter(first__gte=start, first__lte=end)
    )


def new_registrations(*, start: date, end: date) -> int:
    """Return how many employers registered for the first time between two dates, inclusive."""
    return first_registrations(start=start, end=end).count()


def completed_gap_analyses(*, start: date, end: date) -> QuerySet[GapAnalysis]:
    """Return the gap analyses completed between two dates, inclusive (lazy)."""
    return GapAnalysis.objects.filter(completed_on__gte=start, completed_on__lte=end)


def gap_analyses_completed(*, start: date, end: date) -> int:
    """Return how many gap analyses were completed between two dates, inclusive."""
    return completed_gap_analyses(start=start, end=end).count()


# The employer's next steps ------------------------------------------------------------------
#
# The portal's checklist is computed from facts each app gathers about the employer: this app's
# own records (status, registration, gap analysis, requests), the audits app's (audits under
# way, the certificate and its cycle, who may audit, from the rules API) and the auditors app's
# (the employer's internal auditors). The role home brings them together, so no app reads one
# downstream of it (DESIGN.md section 4); ``next_steps`` itself reads nothing.

DONE, TO_DO, DUE, OVERDUE, WAITING = "done", "todo", "due", "overdue", "waiting"
# A due date shows as the audits' countdown chips do: green, amber within 14 days, red overdue.
SOON_DAYS = 14
CERTIFYING = ("certification", "recertification")


@dataclass(frozen=True)
class StepLink:
    """Where the employer acts on a step: the words of the link and its address."""

    label: str
    url: str


@dataclass(frozen=True)
class NextStep:
    """One line of the employer's checklist: what, how it stands, by when, and where to act.

    ``state`` is "done", "todo", "due" (a date to meet), "overdue" or "waiting" (with the COR
    team or the auditor). ``people`` names who still has something to do.
    """

    key: str
    title: str
    detail: str
    state: str
    due_on: date | None = None
    days_left: int | None = None
    link: StepLink | None = None
    people: tuple[str, ...] = ()

    @property
    def tone(self) -> str:
        """Return the colour of the state tag (always shown with its words)."""
        if self.state == DUE:
            return "warning" if (self.days_left or 0) <= SOON_DAYS else "success"
        return {DONE: "success", OVERDUE: "danger", WAITING: "secondary"}.get(self.state, "primary")

    @property
    def state_label(self) -> str:
        """Return the state in words: "Done", "Due in 5 days", "Overdue by 2 days"..."""
        if self.state == DUE and self.days_left is not None:
            if self.days_left == 0:
                return str(_("Due today"))
            return ngettext("Due in %(n)s day", "Due in %(n)s days", self.days_left) % {
                "n": self.days_left
            }
        if self.state == OVERDUE and self.days_left is not None:
            late = -self.days_left
            return ngettext("Overdue by %(n)s day", "Overdue by %(n)s days", late) % {"n": late}
        return str(STATE_LABELS[self.state])


STATE_LABELS = {
    DONE: gettext_lazy("Done"),
    TO_DO: gettext_lazy("To do"),
    DUE: gettext_lazy("Due"),
    OVERDUE: gettext_lazy("Overdue"),
    WAITING: gettext_lazy("With the COR team"),
}


@dataclass(frozen=True)
class AuditUnderWay:
    """An open audit of the employer as the checklist needs it (the audits app makes these).

    ``clock_label`` and ``clock_due`` are its nearest running clock other than the notice;
    ``with_qa`` is true while the COR team reviews the report.
    """

    audit_type: str
    label: str
    url: str
    starts_on: date
    auditor: str
    notice_due: date
    notice_filed_on: date | None = None
    notice_open: bool = False
    clock_label: str = ""
    clock_due: date | None = None
    with_qa: bool = False
    cycle_year: int | None = None


@dataclass(frozen=True)
class CycleYearFacts:
    """A maintenance or recertification year of the certificate's cycle (R-5).

    ``state`` is the audits app's: "done", "planned", "due", "missed" or "upcoming".
    """

    number: int
    audit_type: str
    calendar_year: int
    due_by: date
    state: str
    url: str = ""


@dataclass(frozen=True)
class AuditProgress:
    """What the audits app knows of the employer: audits under way, certificate and cycle.

    ``external_auditor_required`` answers R-6 for the next certifying audit (None while the
    size class is unknown); the day counts are the program rules' (R-8, R-9), for the words of
    the steps before an audit is planned.
    """

    audits: tuple[AuditUnderWay, ...] = ()
    certificate_number: str = ""
    certificate_url: str = ""
    certified_on: date | None = None
    expires_on: date | None = None
    cycle: tuple[CycleYearFacts, ...] = ()
    external_auditor_required: bool | None = None
    notice_lead_days: int | None = None
    onsite_days: int | None = None
    final_report_days: int | None = None


@dataclass(frozen=True)
class Trainee:
    """One of the employer's internal auditors (the auditors app makes these).

    ``standing`` is the auditor's status (in_training, student, certified, lapsed, suspended);
    ``certified_until`` the expiry of their certification, valid the day before it (R-16).
    """

    name: str
    standing: str
    certified_until: date | None = None
    student_audit_due: date | None = None
    student_audit_completed_on: date | None = None
    next_session_on: date | None = None


@dataclass(frozen=True)
class EmployerProgress:
    """Everything the checklist is computed from."""

    status: str
    status_changed_on: date | None = None
    registered_on: date | None = None
    gap_analysis: GapAnalysis | None = None  # the latest
    open_requests: tuple[Interaction, ...] = ()
    audits: AuditProgress = AuditProgress()
    trainees: tuple[Trainee, ...] = ()


def next_steps(progress: EmployerProgress, *, today: date) -> list[NextStep]:
    """Return the employer's checklist, in the order the steps come, from its progress."""
    status = progress.status
    if status == EmployerStatus.WITHDRAWN:
        return [_talk_step(_("You have withdrawn from COR. Ask the COR team to take part again."))]
    if status == EmployerStatus.REMOVED:
        return [_talk_step(_("You were removed from the COR program. Ask the COR team why."))]
    if status == EmployerStatus.CERTIFIED:
        return _certified_steps(progress, today)
    return _certification_steps(progress, today)


def _request_url(kind: str) -> str:
    return f"{reverse('employers:request-create')}?kind={kind}"


def _ask_link(label: Any = None) -> StepLink:
    return StepLink(
        str(label or _("Ask the COR team")), _request_url(InteractionKind.CONSULTATION_REQUEST)
    )


def _directory_link() -> StepLink:
    return StepLink(str(_("Find a certified external auditor")), reverse("auditor-directory"))


def _talk_step(detail: Any) -> NextStep:
    return NextStep("talk", str(_("Talk to the COR team")), str(detail), TO_DO, link=_ask_link())


def _dated(due_on: date, today: date) -> dict[str, Any]:
    """Return the state, date and days left of a step due on a date."""
    days_left = (due_on - today).days
    return {"state": OVERDUE if days_left < 0 else DUE, "due_on": due_on, "days_left": days_left}


def _certification_steps(progress: EmployerProgress, today: date) -> list[NextStep]:
    """Return the road to a certificate: enquiry, registered, in progress or lapsed."""
    steps = []
    if progress.status == EmployerStatus.LAPSED:
        since = progress.status_changed_on
        detail = _("Your certificate lapsed%(since)s. A new certification audit restores it.")
        steps.append(
            NextStep(
                "lapsed",
                str(_("Certificate lapsed")),
                str(detail % {"since": f" on {since:%Y-%m-%d}" if since else ""}),
                TO_DO,
                link=_ask_link(),
            )
        )
    steps.append(_registration_step(progress))
    steps.append(_gap_analysis_step(progress, today))
    if progress.trainees:
        steps.append(_training_step(progress.trainees, today))
    audits = progress.audits
    certifying = [a for a in audits.audits if a.audit_type in CERTIFYING]
    steps.append(_auditor_step(audits, certifying))
    if not certifying:
        steps.extend(_audit_to_plan(audits))
    for audit in audits.audits:
        steps.extend(_audit_steps(audit, today))
    return steps


def _audit_to_plan(audits: AuditProgress) -> list[NextStep]:
    """Return the Notice of Audit and the certification audit before the audit is planned."""
    notice = _("Your auditor files it before the audit starts.")
    if audits.notice_lead_days:
        notice = _("Your auditor files it at least %(days)s days before the audit starts.") % {
            "days": audits.notice_lead_days
        }
    plan = _("Agree the dates with your auditor.")
    if audits.onsite_days and audits.final_report_days:
        plan = _(
            "Agree the dates with your auditor. The onsite work must finish within %(onsite)s "
            "days of the start, and the final report within %(final)s days."
        ) % {"onsite": audits.onsite_days, "final": audits.final_report_days}
    return [
        NextStep("notice", str(_("Notice of Audit")), str(notice), TO_DO),
        NextStep(
            "certification_audit",
            str(_("Certification audit")),
            str(plan),
            TO_DO,
            link=_directory_link(),
        ),
    ]


def _registration_step(progress: EmployerProgress) -> NextStep:
    title = str(_("Register for COR"))
    if progress.registered_on or progress.status != EmployerStatus.ENQUIRY:
        on = progress.registered_on
        detail = (
            _("Registered on %(date)s.") % {"date": f"{on:%Y-%m-%d}"} if on else _("Registered.")
        )
        return NextStep("register", title, str(detail), DONE)
    return NextStep(
        "register",
        title,
        str(_("The COR team confirms your classification units and registers you.")),
        TO_DO,
        link=_ask_link(_("Ask the COR team to register you")),
    )


def _gap_analysis_step(progress: EmployerProgress, today: date) -> NextStep:
    """Return the free readiness gap analysis (R-4) as it stands."""
    title = str(_("Gap analysis"))
    gap = progress.gap_analysis
    ask = StepLink(
        str(_("Ask for your gap analysis")), _request_url(InteractionKind.GAP_ANALYSIS_REQUEST)
    )
    asked = next(
        (r for r in progress.open_requests if r.kind == InteractionKind.GAP_ANALYSIS_REQUEST), None
    )
    if gap is not None and gap.completed_on:
        link = None
        if gap.report:
            link = StepLink(
                str(_("Read the report")), reverse("employers:gap-analysis-report", args=[gap.pk])
            )
        detail = _("Completed on %(date)s.") % {"date": f"{gap.completed_on:%Y-%m-%d}"}
        return NextStep("gap_analysis", title, str(detail), DONE, link=link)
    if gap is not None and gap.scheduled_on and not gap.declined_on:
        on = f"{gap.scheduled_on:%Y-%m-%d}"
        if gap.scheduled_on < today:
            detail = _("Held on %(date)s: the COR team is writing up its findings.")
            return NextStep("gap_analysis", title, str(detail % {"date": on}), WAITING)
        detail = _("Scheduled for %(date)s with the COR team.") % {"date": on}
        return NextStep("gap_analysis", title, str(detail), **_dated(gap.scheduled_on, today))
    requested_on = asked.occurred_on if asked else None
    if gap is not None and gap.requested_on and not gap.declined_on:
        requested_on = gap.requested_on
    if requested_on:
        detail = _("You asked for it on %(date)s: the COR team will contact you to schedule it.")
        return NextStep(
            "gap_analysis", title, str(detail % {"date": f"{requested_on:%Y-%m-%d}"}), WAITING
        )
    if gap is not None and gap.declined_on:
        detail = _("You declined it on %(date)s. You can still ask for one.") % {
            "date": f"{gap.declined_on:%Y-%m-%d}"
        }
    elif gap is not None:
        detail = _(
            "Offered on %(date)s: a free look at your safety program against the audit, "
            "before your certification audit."
        ) % {"date": f"{gap.offered_on:%Y-%m-%d}"}
    else:
        detail = _("A free look at your safety program against the audit, before you are audited.")
    return NextStep("gap_analysis", title, str(detail), TO_DO, link=ask)


def _training_step(trainees: tuple[Trainee, ...], today: date) -> NextStep:
    """Return the internal auditor training: who still needs it, and the nearest date."""
    title = str(_("Internal auditor training"))

    def certified(trainee: Trainee) -> bool:
        until = trainee.certified_until
        return trainee.standing == "certified" and (until is None or today < until)

    waiting = [t for t in trainees if not certified(t)]
    if not waiting:
        names = ", ".join(t.name for t in trainees)
        detail = _("Certified internal auditors: %(names)s.") % {"names": names}
        return NextStep("training", title, str(detail), DONE)
    people = tuple(f"{t.name}: {_trainee_need(t, today)}" for t in waiting)
    due = min(
        (
            t.student_audit_due
            for t in waiting
            if t.standing == "student" and t.student_audit_due and not t.student_audit_completed_on
        ),
        default=None,
    )
    if due:
        dated = _dated(due, today)
    elif all(t.standing == "student" and t.student_audit_completed_on for t in waiting):
        dated = {"state": WAITING}  # the COR team certifies them
    else:
        dated = {"state": TO_DO}
    detail = ngettext(
        "%(n)s of your internal auditors still needs training or a student audit.",
        "%(n)s of your internal auditors still need training or a student audit.",
        len(waiting),
    ) % {"n": len(waiting)}
    return NextStep(
        "training",
        title,
        detail,
        link=_ask_link(_("Ask the COR team about training")),
        people=people,
        **dated,
    )


def _trainee_need(trainee: Trainee, today: date) -> str:
    """Return what one internal auditor still has to do, in words."""
    if trainee.standing == "student" and trainee.student_audit_completed_on:
        done = f"{trainee.student_audit_completed_on:%Y-%m-%d}"
        return str(_("student audit done on %(date)s: certification to follow") % {"date": done})
    if trainee.standing == "student" and trainee.student_audit_due:
        due = f"{trainee.student_audit_due:%Y-%m-%d}"
        if trainee.student_audit_due < today:
            return str(_("student audit overdue since %(date)s") % {"date": due})
        return str(_("student audit due by %(date)s") % {"date": due})
    if trainee.standing == "student":
        return str(_("student audit to complete"))
    if trainee.standing == "suspended":
        return str(_("suspended: talk to the COR team"))
    if trainee.standing in ("lapsed", "certified"):
        return str(_("certification expired: requalify"))
    if trainee.next_session_on:
        return str(
            _("booked on the training session of %(date)s")
            % {"date": f"{trainee.next_session_on:%Y-%m-%d}"}
        )
    return str(_("not booked on a training session yet"))


def _auditor_step(audits: AuditProgress, certifying: list[AuditUnderWay]) -> NextStep:
    """Return the choice of auditor, with who may audit (R-6, from the rules API)."""
    title = str(_("Choose your auditor"))
    if certifying:
        audit = certifying[0]
        detail = _("%(auditor)s leads your %(audit)s.") % {
            "auditor": audit.auditor,
            "audit": audit.label.lower(),
        }
        return NextStep("auditor", title, str(detail), DONE)
    if audits.external_auditor_required is None:
        detail = _(
            "Your size decides who may audit you: tell the COR team how many people you "
            "employ in BC."
        )
    elif audits.external_auditor_required:
        detail = _(
            "As a large employer, your certification audit needs a certified external auditor."
        )
    else:
        detail = _(
            "You may use your own certified internal auditor or a certified external auditor."
        )
    return NextStep("auditor", title, str(detail), TO_DO, link=_directory_link())


def _audit_steps(audit: AuditUnderWay, today: date) -> list[NextStep]:
    """Return the Notice of Audit (R-8) and the running clock (R-9) of an audit under way."""
    steps = []
    name = audit.label.lower()
    open_audit = StepLink(str(_("Open the audit")), audit.url)
    notice_title = str(_("Notice of Audit for your %(audit)s") % {"audit": name})
    if audit.notice_filed_on:
        detail = _("Filed on %(date)s.") % {"date": f"{audit.notice_filed_on:%Y-%m-%d}"}
        steps.append(NextStep("notice", notice_title, str(detail), DONE, link=open_audit))
    elif audit.notice_open:
        words = _("%(auditor)s files it by %(due)s, before the audit starts on %(start)s.")
        if audit.notice_due < today:
            words = _("Not filed yet: %(auditor)s had to file it by %(due)s. Starts %(start)s.")
        detail = words % {
            "auditor": audit.auditor,
            "due": f"{audit.notice_due:%Y-%m-%d}",
            "start": f"{audit.starts_on:%Y-%m-%d}",
        }
        steps.append(
            NextStep(
                "notice",
                notice_title,
                str(detail),
                link=open_audit,
                **_dated(audit.notice_due, today),
            )
        )
    if audit.with_qa:
        detail = _(
            "The report is with the COR team for review. The result appears here once released."
        )
        steps.append(NextStep("audit", audit.label, str(detail), WAITING, link=open_audit))
    elif audit.clock_due:
        words = _("Starts %(start)s with %(auditor)s.")
        if audit.starts_on <= today:
            words = _("Started %(start)s with %(auditor)s.")
        detail = words % {"start": f"{audit.starts_on:%Y-%m-%d}", "auditor": audit.auditor}
        clock = audit.clock_label
        title = f"{audit.label}: {clock[:1].lower()}{clock[1:]}"
        steps.append(
            NextStep("audit", title, str(detail), link=open_audit, **_dated(audit.clock_due, today))
        )
    return steps


def _certified_steps(progress: EmployerProgress, today: date) -> list[NextStep]:
    """Return a certified employer's cycle: certificate, maintenance years, recertification."""
    audits = progress.audits
    steps = []
    if audits.certificate_number and audits.expires_on:
        detail = _("Certificate %(number)s, valid until %(expires)s.") % {
            "number": audits.certificate_number,
            "expires": f"{audits.expires_on:%Y-%m-%d}",
        }
        link = StepLink(str(_("See the certificate")), audits.certificate_url)
        steps.append(NextStep("certificate", str(_("Certificate")), str(detail), DONE, link=link))
    else:
        detail = _("The COR team is issuing your certificate; its 3-year cycle follows here.")
        steps.append(NextStep("certificate", str(_("Certificate")), str(detail), WAITING))
    if progress.trainees:
        steps.append(_training_step(progress.trainees, today))
    placed: set[int] = set()
    for year in audits.cycle:
        steps.append(_cycle_step(year, audits, today))
        for index, audit in enumerate(audits.audits):
            if audit.cycle_year == year.number:
                # The year's step already says by when its onsite work must finish.
                steps.extend(
                    step
                    for step in _audit_steps(audit, today)
                    if step.key != "audit" or step.due_on != year.due_by
                )
                placed.add(index)
    for index, audit in enumerate(audits.audits):
        if index not in placed:
            steps.extend(_audit_steps(audit, today))
    return steps


def _cycle_step(year: CycleYearFacts, audits: AuditProgress, today: date) -> NextStep:
    """Return a maintenance or recertification year of the cycle (R-5, R-11)."""
    due = f"{year.due_by:%Y-%m-%d}"
    audit_link = StepLink(str(_("Open the audit")), year.url) if year.url else None
    if year.audit_type == "recertification":
        title = str(_("Recertification audit"))
        expires = f"{audits.expires_on:%Y-%m-%d}" if audits.expires_on else due
        plan = _("Onsite work must finish before your certificate expires on %(expires)s.") % {
            "expires": expires
        }
        if audits.external_auditor_required:
            plan = f"{plan} {_('As a large employer, you need a certified external auditor.')}"
    else:
        title = str(
            _("Maintenance audit, %(year)s (cycle year %(number)s)")
            % {"year": year.calendar_year, "number": year.number}
        )
        plan = _("Onsite work must finish by %(due)s.") % {"due": due}
    if year.state == "done":
        detail = _("Done: the onsite work finished in time.")
        return NextStep(year.audit_type, title, str(detail), DONE, link=audit_link)
    if year.state == "missed":
        detail = _(
            "The onsite work had to finish by %(due)s. Talk to the COR team: a missed audit "
            "lapses the certificate."
        ) % {"due": due}
        return NextStep(
            year.audit_type, title, str(detail), link=_ask_link(), **_dated(year.due_by, today)
        )
    if year.state == "planned":
        detail = f"{_('Planned with your auditor.')} {plan}"
        return NextStep(
            year.audit_type, title, detail, link=audit_link, **_dated(year.due_by, today)
        )
    detail = f"{plan} {_('Agree the dates with your auditor.')}"
    return NextStep(
        year.audit_type, title, detail, link=_directory_link(), **_dated(year.due_by, today)
    )


def open_requests(employer_id: int) -> QuerySet[Interaction]:
    """Return the employer's requests from the portal that staff have not followed up yet."""
    return (
        Interaction.objects.filter(employer_id=employer_id)
        .requests_open()
        .order_by("occurred_on", "pk")
    )


def portal_summary(
    employer: Employer,
    *,
    today: date,
    audits: AuditProgress | None = None,
    trainees: tuple[Trainee, ...] = (),
) -> dict:
    """Return what the employer portal shows: CUs, registration, next steps, people, history.

    ``audits`` and ``trainees`` are the audits and auditors apps' facts about the employer
    (the role home gathers them); the checklist is computed from them and from this app's
    records, in a constant number of queries.
    """
    registration = employer.registrations.order_by("-registered_on", "-pk").first()
    gap_analyses = list(employer.gap_analyses.all()[:5])
    requests = list(open_requests(employer.pk))
    progress = EmployerProgress(
        status=employer.status,
        status_changed_on=employer.status_changed_on,
        registered_on=registration.registered_on if registration else None,
        gap_analysis=gap_analyses[0] if gap_analyses else None,
        open_requests=tuple(requests),
        audits=audits or AuditProgress(),
        trainees=trainees,
    )
    return {
        "classification_units": list(employer.classification_units.all()),
        "registration": registration,
        "next_steps": next_steps(progress, today=today),
        "open_requests": requests,
        "contacts": list(employer.contacts.select_related("user")),
        "status_changes": list(employer.status_changes.select_related("actor")[:20]),
        "gap_analyses": gap_analyses,
    }


# Workplan KPI sources -----------------------------------------------------------------------

# The moves by which a certified employer leaves the program.
LEFT_PROGRAM = (EmployerStatus.LAPSED, EmployerStatus.WITHDRAWN, EmployerStatus.REMOVED)


# Counted in the retention base: certified when the period began, or certified during it.
RETENTION_BASE = Q(status_before=EmployerStatus.CERTIFIED) | Q(became=True)


def _retention_candidates(*, start: date, end: date) -> QuerySet[Employer]:
    """Return every employer with what retention asks of its status changes in the period."""
    changes = EmployerStatusChange.objects.filter(employer=OuterRef("pk"))
    in_period = {"changed_on__gte": start, "changed_on__lte": end}
    status_before = Subquery(
        changes.filter(changed_on__lt=start).order_by("-changed_on", "-pk").values("to_status")[:1]
    )
    became = Exists(changes.filter(to_status=EmployerStatus.CERTIFIED, **in_period))
    left = Exists(
        changes.filter(
            from_status=EmployerStatus.CERTIFIED, to_status__in=LEFT_PROGRAM, **in_period
        )
    )
    return Employer.objects.annotate(status_before=status_before, became=became, left=left)


def retention_base(*, start: date, end: date) -> QuerySet[Employer]:
    """Return the employers certified at some time in the period (lazy)."""
    return _retention_candidates(start=start, end=end).filter(RETENTION_BASE)


def retention_lost(*, start: date, end: date) -> QuerySet[Employer]:
    """Return the employers of the base that lapsed, withdrew or were removed in it (lazy)."""
    return retention_base(start=start, end=end).filter(Q(left=True))


def retention_percent(base: int, lost: int) -> Decimal | None:
    """Return the percent (0-100) of the base kept; None without a base."""
    if not base:
        return None
    return Decimal(base - lost) * 100 / Decimal(base)


def certified_retention(*, start: date, end: date) -> Decimal | None:
    """Return the percent (0-100) of certified employers that stayed certified in the period.

    The base is every employer certified at some time in the period: certified when it began
    (its last status change before ``start`` made it certified) or certified during it. Those
    that lapsed, withdrew or were removed from certified in the period are lost. None when no
    employer was certified. Both dates inclusive; one query.
    """
    totals = _retention_candidates(start=start, end=end).aggregate(
        base=Count("pk", filter=RETENTION_BASE),
        lost=Count("pk", filter=RETENTION_BASE & Q(left=True)),
    )
    return retention_percent(totals["base"], totals["lost"])


def interactions_of_kind(*, start: date, end: date, kind: str) -> QuerySet[Interaction]:
    """Return the interactions of a kind (enquiry, consultation...) in the period (lazy)."""
    return Interaction.objects.filter(kind=kind, occurred_on__gte=start, occurred_on__lte=end)


def interactions_count(*, start: date, end: date, kind: str) -> int:
    """Return how many interactions of a kind (enquiry, consultation...) were in the period."""
    return interactions_of_kind(start=start, end=end, kind=kind).count()
