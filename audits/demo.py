"""Demo audits: certification, maintenance and recertification audits in every status.

Everything goes through the services (plan, notice, start, onsite, report and scores, QA
decisions, extensions, lapses), with dates in the past passed as ``on=``, so the demo data
obeys the same rules as real data and its history reads naturally. The employers' demo
registered every employer whose status follows from audits; this one plans their
certification audits (certification in progress), approves them (certified, with a
certificate), gives certified employers their maintenance audits (years 2 and 3) and
recertification, and lapses the certificates of those that missed a maintenance year.
Auditors are chosen as staff would (R-6, R-7): eligible on the start date, preferring the
employer's own trained auditor where allowed and auditors of its region.

Running it again adds nothing: an employer that has audits is left alone. Dates are relative
to ``today``; the employers' and auditors' demos run first. The demo describes the past, so
its notifications are recorded in the portal but no email is sent.
"""

from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction

from auditors import services as auditor_services
from auditors.choices import AuditorKind, AuditorStatus
from auditors.models import Auditor
from auditors.selectors import standing_for
from cor_portal.program.periods import add_years, valid_on
from employers.models import Employer

from . import qa, services
from .choices import AuditStatus, AuditType, NoteKind, ReviewOutcome
from .cycles import cycle_schedule
from .eligibility import external_auditor_required
from .models import Audit, Certificate
from .qa_checks import minimum_interview_sample

S, T = AuditStatus, AuditType
DECISIONS = (S.APPROVED, S.UNSUCCESSFUL, S.VERIFICATION_REQUIRED)
# Earned points of the eight elements (out of 100 each) in a passing audit: 86.4% overall.
POINTS = [88, 84, 91, 82, 86, 90, 83, 87]
# The auditor's note on each of the eight elements, kept with its points.
NOTES = [
    "Safety policy signed by the owner and posted; managers attend the monthly meetings.",
    "Hazard register kept per department; kitchen and housekeeping reviews are overdue.",
    "Written procedures for high-risk tasks; two lockout procedures need updating.",
    "Monthly inspections done and signed; corrective actions tracked to closure.",
    "Incidents investigated within 48 hours; root causes recorded for most of them.",
    "Orientation records complete; refresher training for supervisors is behind.",
    "Records kept in one binder and online; first aid records checked.",
    "Joint committee meets monthly with quorum; minutes posted for workers.",
]
# Stories name the demo auditor login by this name.
DEMO_AUDITOR = "auditor"


@dataclass(frozen=True)
class Story:
    """One audit as the demo tells it: its type, its start and how far it has gone.

    ``starts`` counts days from today (negative: the past). The other numbers are days:
    the notice is filed ``notice`` days from the start (after ``-14``: late); onsite work
    ends ``onsite`` days after the start (over 45: an overrun); the report goes to QA
    ``report`` days after the last onsite day (over 30: late). ``low`` scores Hazard
    Identification & Control at that percent (below 50: the audit fails). ``extension`` asks
    for days, approved (True), refused (False) or still waiting (None). ``draft`` leaves an
    audit with onsite work complete ready to submit: report and scores entered.
    """

    audit_type: str
    starts: int
    until: str
    lead: str = ""
    notice: int = -16
    onsite: int = 24
    report: int = 17
    low: int | None = None
    extension: tuple[int, bool | None] | None = None
    draft: bool = False
    reason: str = ""
    revised: bool = False  # an approved audit first returned once, answered and resubmitted


@dataclass(frozen=True)
class Certified:
    """A certified (or lapsed) employer: when its certificate is dated and what follows.

    ``certificate`` is ``("year", k, month, day)``: that day k years ago; ``("ago", n)``: n
    days ago; ``("expires", n)``: dated so that it expires n days from today. ``this_year``
    is the current year's maintenance audit (None: not planned yet); ``renewal`` the
    recertification audit when the certificate expires within 150 days. ``lapse`` lapses the
    certificate on January 1 for the maintenance year it missed; ``missed`` is the audit of
    that year (cancelled), if any.
    """

    employer: str
    certificate: tuple
    this_year: Story | None = None
    renewal: Story | None = None
    lapse: bool = False
    missed: Story | None = None


M, C, R = T.MAINTENANCE, T.CERTIFICATION, T.RECERTIFICATION
REFUSED_REASON = "The report is late already; finish it with the time the program allows."

CERTIFIED = [
    Certified(
        "Harbourview Hotel Ltd.",
        ("year", 2, 9, 22),
        this_year=Story(M, 24, S.PLANNED, lead="i.lee"),
    ),
    Certified(
        "Salish Sea Kayak Adventures Inc.",
        ("year", 1, 6, 14),
        this_year=Story(M, -150, S.APPROVED, lead="i.grant"),
    ),
    Certified(
        "Granville Island Eateries Ltd.",
        ("year", 1, 3, 28),
        # Onsite finished 40 days ago: the report was due 10 days ago; the extension refused.
        this_year=Story(M, -75, S.ONSITE_COMPLETE, onsite=35, extension=(21, False)),
    ),
    Certified(
        "Whistler Peak Adventures Corp.",
        ("year", 1, 8, 30),
        this_year=Story(M, -50, S.SUBMITTED, onsite=30, report=17),
    ),
    Certified(
        "Sea to Sky Gondola Operations Ltd.",
        ("year", 1, 10, 3),
        this_year=Story(M, -30, S.ONSITE_COMPLETE, lead=DEMO_AUDITOR, draft=True),
    ),
    Certified(
        "Okanagan Lakeside Resort Ltd.",
        ("year", 1, 11, 16),
        this_year=Story(M, -12, S.IN_PROGRESS, lead=DEMO_AUDITOR),
    ),
    Certified("Kelowna Vineyard Bistro Inc.", ("year", 1, 7, 9)),  # this year's is due
    Certified(
        "Kicking Horse Lodge Ltd.",
        ("year", 1, 11, 12),
        this_year=Story(M, -70, S.IN_QA, onsite=28, report=22),
    ),
    Certified(
        "Fernie Alpine Resort Operations Inc.",
        ("year", 1, 10, 8),
        this_year=Story(M, -95, S.RESUBMITTED, onsite=30, report=20),
    ),
    Certified(
        "Cariboo Guest Ranch Ltd.",
        ("expires", 85),
        this_year=Story(M, -200, S.APPROVED, lead="i.harper"),
        renewal=Story(R, 12, S.NOTICE_FILED, lead="h.patel", notice=-17),
    ),
    Certified(
        "Chilcotin Coast Coach Lines Ltd.",
        ("expires", 60),
        this_year=Story(M, -230, S.APPROVED, onsite=52),  # an overrun, flagged
        renewal=Story(R, -8, S.IN_PROGRESS),
    ),
    Certified("Northern Lights Lodge Ltd.", ("year", 1, 4, 25)),  # this year's is due
    Certified("Tumbler Ridge Geopark Tours Ltd.", ("ago", 75)),  # certified this season
    # Lapsed: the second year passed without a maintenance audit.
    Certified(
        "Nanaimo Harbour Ferries Co.",
        ("year", 2, 9, 5),
        lapse=True,
        missed=Story(M, 0, S.CANCELLED, reason="The employer postponed the audit twice."),
    ),
    Certified("Nelson Heritage Inn Ltd.", ("year", 2, 11, 2), lapse=True),
    Certified("Fort St. John Golf & Country Club", ("year", 2, 8, 18), lapse=True),
]

# Employers in certification (and one back to registered): their certification audits.
IN_CERTIFICATION: list[tuple[str, list[Story]]] = [
    ("Sun Peaks Mountain Holidays Ltd.", [Story(C, 18, S.PLANNED, lead=DEMO_AUDITOR)]),
    ("Comox Glacier Lodge Inc.", [Story(C, 9, S.NOTICE_FILED, notice=-13)]),  # a day late
    (
        "Prince George Conference Centre Inc.",
        # Onsite work was due a week ago; an extension request waits for staff.
        [Story(C, -52, S.IN_PROGRESS, extension=(21, None))],
    ),
    (
        "Barkerville Historic Tours Society",
        [
            Story(
                C,
                -110,
                S.VERIFICATION_REQUIRED,
                onsite=40,
                report=25,
                reason="Interview records do not support the scores: a verification audit.",
            ),
            # The QA decision plans the verification audit (from 6 days on: notice overdue).
        ],
    ),
    (
        "Radium Hot Springs Cafe Ltd.",
        [
            Story(
                C,
                -85,
                S.RETURNED,
                onsite=26,
                report=21,
                extension=(14, True),
                lead=DEMO_AUDITOR,
                reason="Add the inspection records and the interview notes of the kitchen.",
            )
        ],
    ),
    (
        "Tofino Surf & Stay Ltd.",
        [
            Story(
                C,
                -240,
                S.UNSUCCESSFUL,
                low=42,
                reason="Hazard Identification & Control scored 42%: below the 50% element mark.",
            )
        ],
    ),
]


def report_pdf(title: str) -> bytes:
    """Return a small valid one-page PDF with a title line (objects and offsets written here)."""
    text = title.encode("latin-1", "replace").replace(b"\\", b"\\\\")
    text = text.replace(b"(", b"\\(").replace(b")", b"\\)")
    stream = b"BT /F1 16 Tf 72 720 Td (" + text + b") Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] "
        b"/Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    pdf = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(pdf))
        pdf += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(pdf)
    pdf += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    pdf += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    pdf += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(pdf)


class _Demo:
    """One run of the seed: the day, the staff actor and what it added."""

    def __init__(self, *, today: date, staff: Any, login: Any) -> None:
        self.today = today
        self.staff = staff
        self.login = login
        self.added = 0
        self.load: Counter[int] = Counter()
        self.auditors = list(
            Auditor.objects.filter(status=AuditorStatus.CERTIFIED)
            .select_related("user")
            .prefetch_related("declarations", "regions")
            .order_by("pk")
        )
        self.declared = {a.pk: {d.year for d in a.declarations.all()} for a in self.auditors}
        self.regions = {a.pk: {r.region for r in a.regions.all()} for a in self.auditors}

    def day(self, wanted: date, after: date | None = None) -> date:
        """Return the wanted day, no earlier than ``after`` and never after today."""
        return min(max(wanted, after or wanted), self.today)

    # Who may audit ------------------------------------------------------------------------

    def lead(self, employer: Employer, audit_type: str, starts_on: date, prefer: str) -> Auditor:
        """Return an auditor who may audit the employer from the date (R-6, R-7).

        The preferred one, else the employer's own internal auditor where allowed, else an
        external auditor of its region with the fewest demo audits so far. Declarations of
        past years (and of next year, in December) are filed for the one chosen, as the
        auditor would have.
        """
        external = external_auditor_required(size_class=employer.size_class, audit_type=audit_type)
        if prefer == DEMO_AUDITOR:
            prefer = self.login.username

        def rank(auditor: Auditor) -> tuple:
            return (
                auditor.user.username != prefer,
                auditor.kind != AuditorKind.INTERNAL,
                employer.region not in self.regions[auditor.pk],
                self.load[auditor.pk],
                auditor.pk,
            )

        for auditor in sorted(self.auditors, key=rank):
            if not valid_on(
                starts_on, issued_on=auditor.certified_on, expires_on=auditor.expires_on
            ):
                continue
            if auditor.kind == AuditorKind.INTERNAL and (
                external or auditor.employer_id != employer.pk
            ):
                continue
            if not self.declare(auditor, starts_on.year):
                continue
            if standing_for(auditor, employer_id=employer.pk, starts_on=starts_on).eligible:
                self.load[auditor.pk] += 1
                return auditor
        raise RuntimeError(f"No demo auditor may audit {employer} from {starts_on}.")

    def declare(self, auditor: Auditor, year: int) -> bool:
        """Return whether the auditor has (or, for a past year, now files) the declaration."""
        years = self.declared[auditor.pk]
        if year in years:
            return True
        this_year = self.today.year
        next_year_due = year == this_year + 1 and self.today.month == 12 and this_year in years
        if year >= this_year and not next_year_due:
            return False  # this year's is the auditor's to file (some have not, on purpose)
        assert auditor.certified_on is not None
        auditor_services.file_declaration(
            auditor=auditor,
            actor=self.staff,
            year=year,
            cpd_hours=Decimal("12"),
            follows_code_of_ethics=True,
            independent=True,
            information_accurate=True,
            on=self.day(max(date(year, 1, 10), auditor.certified_on)),
        )
        years.add(year)
        return True

    # One audit ----------------------------------------------------------------------------

    def scores(self, audit: Audit, low: int | None) -> dict[int, tuple[Decimal, Decimal]]:
        shift = audit.employer_id % 4
        return {
            element.pk: (
                Decimal(low if low is not None and element.number == 2 else POINTS[i] - shift),
                Decimal("100"),
            )
            for i, element in enumerate(audit.tool.elements.order_by("number"))
        }

    def draft(self, audit: Audit, actor: Any, story: Story) -> None:
        title = f"{audit.get_audit_type_display()} audit report: {audit.employer.legal_name}"
        name = f"{audit.employer.legal_name} {audit.audit_type} audit report.pdf"
        headcount = audit.employer.employees or 12
        scores = self.scores(audit, story.low)
        services.save_draft(
            audit=audit,
            actor=actor,
            scores=scores,
            notes=dict(zip(scores, NOTES, strict=False)),
            report=ContentFile(report_pdf(title), name=name),
            evidence={
                "used_documentation": True,
                "used_observation": True,
                "used_interviews": True,
                "headcount": headcount,
                "interviewed": min(headcount, minimum_interview_sample(headcount) + 2),
            },
        )

    def extension(self, audit: Audit, actor: Any, story: Story, on: date) -> None:
        if story.extension is None:
            return
        days, approve = story.extension
        extension = services.request_extension(
            audit=audit,
            actor=actor,
            days=days,
            reason="Key staff are away in the peak season; the interviews need more time.",
            on=self.day(on + timedelta(days=2), on),
        )
        if approve is not None:
            services.decide_extension(
                extension=extension,
                actor=self.staff,
                approve=approve,
                note="" if approve else REFUSED_REASON,
                on=self.day(on + timedelta(days=4), on),
            )

    def audit(
        self,
        employer: Employer,
        story: Story,
        *,
        starts_on: date | None = None,
        verification_of: Audit | None = None,
    ) -> Audit:
        """Plan the audit of the story and move it through the services to its status."""
        starts_on = starts_on or self.today + timedelta(days=story.starts)
        employer = Employer.objects.get(pk=employer.pk)
        lead = self.lead(employer, story.audit_type, starts_on, story.lead)
        user = lead.user
        planned_on = self.day(starts_on - timedelta(days=42), employer.status_changed_on)
        audit = services.plan_audit(
            actor=self.staff,
            employer=employer,
            audit_type=story.audit_type,
            starts_on=starts_on,
            lead_auditor=lead,
            verification_of=verification_of,
            on=planned_on,
        )
        self.added += 1
        until = story.until
        if until == S.CANCELLED:
            return services.cancel_audit(
                audit=audit,
                actor=self.staff,
                reason=story.reason,
                on=self.day(starts_on - timedelta(days=10), planned_on),
            )
        if until == S.PLANNED:
            return audit
        notice_on = self.day(starts_on + timedelta(days=story.notice), planned_on)
        audit = services.file_notice(
            audit=audit,
            actor=user,
            no_conflict_declared=True,
            sites="Head office and main site; interviews of managers, supervisors and workers.",
            on=notice_on,
        )
        if until == S.NOTICE_FILED:
            return audit
        assert starts_on <= self.today, (employer, story)
        audit = services.start_audit(audit=audit, actor=user, on=starts_on)
        if until == S.IN_PROGRESS:
            self.extension(audit, user, story, starts_on)
            return audit
        last_onsite = self.day(starts_on + timedelta(days=story.onsite), starts_on)
        audit = services.complete_onsite(
            audit=audit, actor=user, last_onsite_on=last_onsite, on=last_onsite
        )
        if until == S.ONSITE_COMPLETE:
            self.extension(audit, user, story, last_onsite)
            if story.draft:
                self.draft(audit, user, story)
            return audit
        if until != S.RETURNED:
            self.extension(audit, user, story, last_onsite)
        self.draft(audit, user, story)
        submitted_on = self.day(last_onsite + timedelta(days=story.report), last_onsite)
        services.submit_report(audit=audit, actor=user, on=submitted_on)
        audit = Audit.objects.get(pk=audit.pk)
        if until == S.SUBMITTED:
            return audit
        return self.review(audit, user, story, submitted_on)

    # The desktop QA review, through audits.qa --------------------------------------

    def review(self, audit: Audit, user: Any, story: Story, submitted_on: date) -> Audit:
        """Review the submitted audit as staff would: checks, checklist, notes, decision."""
        until = story.until
        reviewed_on = self.day(submitted_on + timedelta(days=3), submitted_on)
        review = qa.open_review(audit=audit, actor=self.staff)
        assert review is not None
        review = qa.start_review(review=review, actor=self.staff, on=reviewed_on)
        if until == S.IN_QA:
            return review.audit
        self.checklist(review, failing=until != S.APPROVED)
        if until in (S.RETURNED, S.RESUBMITTED) or story.revised:
            returned_on = self.day(reviewed_on + timedelta(days=6), reviewed_on)
            reason = story.reason or "Attach the inspection records the report refers to."
            self.return_with_notes(review, reason, returned_on)
            audit = Audit.objects.get(pk=audit.pk)
            if until == S.RETURNED:
                self.extension(audit, user, story, returned_on)
                return audit
            answered_on = self.day(returned_on + timedelta(days=7), returned_on)
            for note in qa.notes_to_answer(audit):
                qa.answer_note(
                    note=note,
                    actor=user,
                    answer="Added the inspection records (appendix C) and rescored element 2.",
                    on=answered_on,
                )
            services.save_draft(
                audit=audit,
                actor=user,
                scores={self.element(audit, 2).pk: (Decimal("80"), Decimal("100"))},
            )
            submitted_on = self.day(returned_on + timedelta(days=9), returned_on)
            services.submit_report(audit=audit, actor=user, on=submitted_on)
            audit = Audit.objects.get(pk=audit.pk)
            if until == S.RESUBMITTED:
                return audit
            reviewed_on = self.day(submitted_on + timedelta(days=2), submitted_on)
            review = qa.open_review(audit=audit, actor=self.staff)
            assert review is not None
            review = qa.start_review(review=review, actor=self.staff, on=reviewed_on)
        decided_on = self.day(reviewed_on + timedelta(days=9), reviewed_on)
        reason = story.reason or "Desktop QA review complete."
        extra: dict[str, Any] = {}
        if until == S.VERIFICATION_REQUIRED:
            starts_on = self.today + timedelta(days=6)
            extra = {
                "lead_auditor": self.lead(audit.employer, audit.audit_type, starts_on, ""),
                "starts_on": starts_on,
            }
        else:
            qa.add_note(
                review=review,
                actor=self.staff,
                kind=NoteKind.INFORMATIONAL,
                text="Clear report; the interview summaries are well organised.",
            )
        review = qa.decide(
            review=review,
            actor=self.staff,
            outcome=str(until),
            summary="" if until == S.APPROVED else reason,
            on=decided_on,
            **extra,
        )
        return review.audit

    def element(self, audit: Audit, number: int) -> Any:
        return audit.tool.elements.get(number=number)

    def checklist(self, review: Any, *, failing: bool) -> None:
        items = qa.checklist_items(review.audit)
        answers = {item.pk: ("yes", "") for item in items}
        if failing and items:
            answers[items[2].pk] = ("no", "Element 2's scores lack the supporting detail.")
        qa.save_checklist(review=review, actor=self.staff, answers=answers)

    def return_with_notes(self, review: Any, reason: str, on: date) -> None:
        qa.add_note(
            review=review,
            actor=self.staff,
            element=self.element(review.audit, 2),
            kind=NoteKind.ACTIONABLE,
            text=reason,
        )
        qa.add_note(
            review=review,
            actor=self.staff,
            element=self.element(review.audit, 4),
            kind=NoteKind.INFORMATIONAL,
            text="Inspection findings are well documented.",
        )
        qa.decide(
            review=review,
            actor=self.staff,
            outcome=ReviewOutcome.RETURNED,
            summary="One actionable note to answer before resubmitting.",
            on=on,
        )

    # Employers ----------------------------------------------------------------------------

    def certified_on(self, spec: tuple) -> date:
        kind, *values = spec
        if kind == "year":
            years_ago, month, day = values
            return date(self.today.year - years_ago, month, day)
        if kind == "ago":
            return self.today - timedelta(days=values[0])
        return add_years(self.today + timedelta(days=values[0]), -3)

    def certify(self, employer: Employer, plan: Certified, index: int) -> None:
        """Give the employer its certificate, maintenance years and what this year holds."""
        certified_on = self.certified_on(plan.certificate)
        # The certification audit: its last onsite day dates the certificate. Old
        # certificates had short audits, within the certification of an auditor still here.
        days = 9 if plan.certificate[0] == "expires" else 28
        certification = Story(C, 0, S.APPROVED, onsite=days, report=12 + index % 6)
        self.audit(employer, certification, starts_on=certified_on - timedelta(days=days))
        certificate = Certificate.objects.get(audit__employer=employer)
        this_year = self.today.year
        schedule = cycle_schedule(certificate.certified_on, certificate.expires_on)
        for year in schedule:
            if year.audit_type != M:
                continue
            if year.calendar_year < this_year and not plan.lapse:
                self.past_maintenance(employer, year.calendar_year, index)
            elif year.calendar_year < this_year:
                if plan.missed is not None:
                    self.audit(
                        employer,
                        plan.missed,
                        starts_on=date(year.calendar_year, 9 + index % 3, 8 + index),
                    )
                services.lapse_certificate(
                    certificate=Certificate.objects.get(pk=certificate.pk),
                    actor=self.staff,
                    on=date(year.calendar_year + 1, 1, 1),
                    reason=f"No maintenance audit completed in {year.calendar_year} (R-5).",
                )
                return
            elif year.calendar_year == this_year and plan.this_year is not None:
                self.audit(employer, plan.this_year, starts_on=self.this_year(plan.this_year))
        expires_in = (certificate.expires_on - self.today).days
        if plan.renewal is not None and 0 < expires_in <= 150:
            self.audit(employer, plan.renewal)

    def this_year(self, story: Story) -> date:
        """Return the start of this year's maintenance audit, kept within this year.

        Early in January the audits of the year have all started on its first days.
        """
        year = self.today.year
        wanted = self.today + timedelta(days=story.starts)
        starts_on = min(max(wanted, date(year, 1, 1)), date(year, 12, 31))
        if story.until in (S.PLANNED, S.NOTICE_FILED, S.CANCELLED):
            return starts_on
        return min(starts_on, self.today)

    def past_maintenance(self, employer: Employer, year: int, index: int) -> None:
        """Record the approved maintenance audit of a past cycle year, some with a wrinkle."""
        story = Story(
            M,
            0,
            S.APPROVED,
            notice=-9 if index % 5 == 2 else -18,  # a late notice, now and then
            report=38 if index % 7 == 3 else 15,  # a late report
            extension=(14, True) if index % 4 == 1 else None,
            revised=index % 6 == 0,  # returned once, answered, resubmitted, approved
        )
        self.audit(employer, story, starts_on=date(year, 4 + index % 5, 3 + index % 20))


def seed(*, today: date, staff: Any, login: Any) -> str:
    """Create the demo audits once; the demo auditor ``login`` leads some open ones."""
    with transaction.atomic():
        connection = transaction.get_connection()
        pending = len(connection.run_on_commit)
        demo = _Demo(today=today, staff=staff, login=login)
        employers = {e.legal_name: e for e in Employer.objects.all()}
        for index, plan in enumerate(CERTIFIED):
            employer = employers[plan.employer]
            if not employer.audits.exists():
                demo.certify(employer, plan, index)
        for name, stories in IN_CERTIFICATION:
            employer = employers[name]
            if employer.audits.exists():
                continue
            previous: Audit | None = None
            for story in stories:
                verification_of = previous if previous and previous.status in DECISIONS else None
                previous = demo.audit(employer, story, verification_of=verification_of)
        # The demo describes the past: keep its in-app notifications, send none of its emails.
        del connection.run_on_commit[pending:]
    return f"{demo.added} audits added, {Audit.objects.count()} in all"
