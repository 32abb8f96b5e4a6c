"""Demo auditor register: auditors in every standing, training, CPD, declarations and EAQAs.

Everything goes through the services, so the demo data obeys the same rules as real data.
Running it again adds nothing: courses are keyed by code, auditors by username, sessions by
course and place, completions by course and email, EAQAs by auditor and year. Dates are
relative to ``today``; the employers come from the employers' demo (run it first).
"""

from collections.abc import Callable
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from cor_portal.program.periods import add_months, add_years, fiscal_year_start
from employers.choices import Region, Sector
from employers.models import Employer

from . import services
from .choices import (
    AuditorKind,
    AuditorStatus,
    CompletionSource,
    CourseKind,
    CPDKind,
    EAQAOutcome,
    EnrolmentResult,
)
from .models import EAQA, Auditor, Course, CourseCompletion, TrainingSession

R, S, K = Region, Sector, CourseKind

# code, name, kind, online
COURSES = [
    ("cor-internal-auditor", "COR Internal Auditor Training", K.INTERNAL_AUDITOR, False),
    ("cor-external-auditor", "COR External Auditor Training", K.EXTERNAL_AUDITOR, False),
    ("auditor-update", "COR Auditor Update Session", K.UPDATE_SESSION, True),
    ("cor-prerequisite", "Introduction to COR (online prerequisite)", K.PREREQUISITE, True),
    ("ohs-fundamentals", "OHS Program Fundamentals", K.EMPLOYER_COURSE, False),
    ("hs-orientation", "Health & Safety Orientation", K.EMPLOYER_COURSE, True),
    ("safety-basics", "Safety Basics Assessment Tool", K.EMPLOYER_COURSE, True),
]

# username, first, last, company, city, regions, sectors, standing
# Standings: certified:<days certified ago>, expiring:<days left>, lapsed, suspended, retired,
# in_training. Eleven are certified, so this year's EAQA plan covers two of them.
# fmt: off
EXTERNALS: list[tuple[str, str, str, str, str, list[str], list[str], str]] = [
    ("j.okafor", "Jane", "Okafor", "Coastal Safety Consulting", "Victoria", [R.VANCOUVER_ISLAND, R.VANCOUVER_COAST_MOUNTAINS], [S.ACCOMMODATION, S.FOOD_BEVERAGE], "certified:200"),
    ("m.tremblay", "Marc", "Tremblay", "Tremblay OHS Services", "Kelowna", [R.THOMPSON_OKANAGAN, R.KOOTENAY_ROCKIES], [S.ACCOMMODATION, S.ATTRACTIONS], "certified:290"),
    ("s.nguyen", "Sara", "Nguyen", "Northern Safety Partners", "Prince George", [R.NORTHERN_BC, R.CARIBOO_CHILCOTIN_COAST], [S.ADVENTURE, S.TRAVEL_SERVICES], "certified:380"),
    ("d.macdonald", "Duncan", "MacDonald", "Summit Audit Group", "Whistler", [R.VANCOUVER_COAST_MOUNTAINS], [S.SKI, S.ADVENTURE], "certified:470"),
    ("p.singh", "Priya", "Singh", "Singh Safety Advisory", "Vancouver", [R.VANCOUVER_COAST_MOUNTAINS, R.VANCOUVER_ISLAND], [S.FOOD_BEVERAGE, S.EVENTS], "certified:560"),
    ("k.joe", "Kim", "Joe", "Salish Safety Solutions", "Nanaimo", [R.VANCOUVER_ISLAND], [S.ADVENTURE, S.ATTRACTIONS], "certified:650"),
    ("r.ali", "Rami", "Ali", "Interior Audit Services", "Kamloops", [R.THOMPSON_OKANAGAN], [S.TRANSPORTATION, S.ATTRACTIONS], "certified:740"),
    ("l.campbell", "Lena", "Campbell", "Rockies Risk Consulting", "Fernie", [R.KOOTENAY_ROCKIES], [S.SKI, S.ACCOMMODATION], "certified:830"),
    ("t.wong", "Tom", "Wong", "Wong & Associates", "Vancouver", [R.VANCOUVER_COAST_MOUNTAINS], [S.EVENTS, S.FOOD_BEVERAGE], "expiring:40"),
    ("h.patel", "Hana", "Patel", "Cariboo OHS", "Williams Lake", [R.CARIBOO_CHILCOTIN_COAST], [S.ACCOMMODATION, S.ADVENTURE], "expiring:75"),
    ("g.martin", "Gord", "Martin", "Martin Safety", "Courtenay", [R.VANCOUVER_ISLAND], [S.ADVENTURE], "lapsed"),
    ("b.fraser", "Bev", "Fraser", "Fraser Valley Audits", "Abbotsford", [R.VANCOUVER_COAST_MOUNTAINS], [S.FOOD_BEVERAGE], "suspended"),
    ("w.chen", "Walter", "Chen", "", "Victoria", [R.VANCOUVER_ISLAND], [S.ACCOMMODATION], "retired"),
    ("n.moreau", "Nadia", "Moreau", "Moreau Consulting", "Nelson", [R.KOOTENAY_ROCKIES], [S.ADVENTURE, S.SKI], "in_training"),
]

# username, first, last, employer (legal name), standing
# Standings: certified (years ago), certified_fy (this fiscal year, after training in a demo
# session), recertified (this fiscal year), expiring:<days left>, student, student_done,
# student_overdue, student_lapsed, in_training.
INTERNALS: list[tuple[str, str, str, str, str]] = [
    ("i.lee", "Maya", "Lee", "Harbourview Hotel Ltd.", "certified_fy"),
    ("i.ortiz", "Gus", "Ortiz", "Okanagan Lakeside Resort Ltd.", "certified_fy"),
    ("i.grant", "Owen", "Grant", "Salish Sea Kayak Adventures Inc.", "certified"),
    ("i.souza", "Ana", "Souza", "Kelowna Vineyard Bistro Inc.", "recertified"),
    ("i.harper", "Ben", "Harper", "Cariboo Guest Ranch Ltd.", "expiring:55"),
    ("i.reid", "Cody", "Reid", "Tumbler Ridge Geopark Tours Ltd.", "student"),
    ("i.boyd", "Iris", "Boyd", "Fernie Alpine Resort Operations Inc.", "student_done"),
    ("i.kaur", "Dana", "Kaur", "Northern Lights Lodge Ltd.", "student_overdue"),
    ("i.moss", "Eli", "Moss", "Kicking Horse Lodge Ltd.", "student_lapsed"),
    ("i.lam", "Faye", "Lam", "Granville Island Eateries Ltd.", "in_training"),
]

# Which internal-auditor session (days from today) each standing trained in; the others
# trained before the demo's sessions.
INTERNAL_SESSION = {
    "certified_fy": -430,
    "student_overdue": -430,
    "student_lapsed": -430,
    "student": -150,
    "student_done": -150,
    "in_training": 25,
}
# course code, place ("" online), days from today (negative: past), capacity, instructor, and
# the results of the employer staff who took it (not auditors in the register).
SESSIONS: list[tuple[str, str, int, int, str, list[str]]] = [
    ("cor-internal-auditor", "Kamloops", -430, 12, "Jordan Campbell", ["passed", "failed", "absent"]),
    ("cor-internal-auditor", "Nanaimo", -150, 12, "Priya Singh", ["passed"] * 4 + ["failed"]),
    ("cor-internal-auditor", "Vancouver", -40, 14, "Jordan Campbell", ["passed"] * 6 + ["absent"]),
    ("cor-internal-auditor", "Prince George", 25, 12, "Sara Nguyen", ["pending"] * 2),
    ("cor-internal-auditor", "", 70, 20, "Jordan Campbell", ["pending"]),
    ("cor-external-auditor", "Vancouver", -250, 10, "Marc Tremblay", ["passed", "passed", "failed"]),
    ("cor-external-auditor", "Kelowna", 40, 10, "Marc Tremblay", []),
    ("auditor-update", "", -90, 40, "Jordan Campbell", []),
    ("auditor-update", "", 50, 40, "Sara Nguyen", []),
]
# fmt: on
# Employer course completions in the current fiscal year (workplan KPIs).
COMPLETIONS = {"ohs-fundamentals": 14, "hs-orientation": 22, "safety-basics": 9}
# activity, kind, days ago, hours
CPD = [
    ("BC Safety Conference: leading indicators", CPDKind.CONFERENCE, 160, "6.5"),
    ("Conducted a COR maintenance audit", CPDKind.AUDIT, 45, "16"),
    ("Read the updated COR audit protocol", CPDKind.SELF_STUDY, 20, "2"),
]
# External auditors without this year's declaration (the rest have filed).
UNDECLARED = {"r.ali", "l.campbell"}
FIRST_NAMES = [
    "Avery", "Blake", "Carmen", "Devon", "Emeka", "Farah", "Grace", "Hiro", "Isla", "Jonah",
    "Keira", "Luis", "Mina", "Noah", "Oksana", "Pavel", "Quinn", "Rosa", "Sam", "Tariq",
]  # fmt: skip
LAST_NAMES = [
    "Abbott", "Bains", "Chu", "Dubois", "Eng", "Flores", "Gill", "Hughes", "Ito", "Jensen",
    "Klein", "Lopez", "Morin", "Nakamura", "Olsen", "Park", "Quint", "Roy", "Sandhu", "Tan",
]  # fmt: skip
EAQA_FINDINGS = [
    (EAQAOutcome.SATISFACTORY, "Interview sample and documentation met the protocol."),
    (EAQAOutcome.IMPROVEMENT, "Observation notes were thin; more site tours are expected."),
]


class _Demo:
    """One run of the seed: the day, the staff actor and a count of the auditors it added."""

    def __init__(self, *, today: date, staff: Any) -> None:
        self.today = today
        self.staff = staff
        self.fy_start = fiscal_year_start(today)
        self.added = 0
        self.employers = {e.legal_name: e for e in Employer.objects.order_by("legal_name")}

    def ago(self, days: int) -> date:
        return self.today - timedelta(days=days)

    def in_fiscal_year(self, days: int) -> date:
        """Return the day ``days`` ago, or the fiscal year's first day if that is later."""
        return max(self.ago(days), self.fy_start)

    # Courses and sessions ----------------------------------------------------------------

    def courses(self) -> dict[str, Course]:
        existing = {c.code: c for c in Course.objects.all()}
        for code, name, kind, online in COURSES:
            if code not in existing:
                existing[code] = services.save_course(
                    actor=self.staff, code=code, name=name, kind=kind, online=online
                )
        return existing

    def sessions(self, courses: dict[str, Course]) -> dict[tuple[str, int], TrainingSession]:
        """Return the demo sessions by course code and day offset, scheduling those missing."""
        found = {}
        for code, place, days, capacity, instructor, others in SESSIONS:
            course = courses[code]
            session = TrainingSession.objects.filter(
                course=course, location=place, online=not place, instructor=instructor
            ).first()
            if session is None:
                starts_on = self.today + timedelta(days=days)
                session = services.save_session(
                    actor=self.staff,
                    course=course,
                    starts_on=starts_on,
                    ends_on=starts_on + timedelta(days=2 if place else 0),
                    location=place,
                    online=not place,
                    capacity=capacity,
                    instructor=instructor,
                )
                self._other_students(session, others)
            found[(code, days)] = session
        return found

    def _other_students(self, session: TrainingSession, results: list[str]) -> None:
        employers = list(self.employers.values())
        for n, result in enumerate(results):
            key = session.starts_on.toordinal() + n * 7
            first, last = FIRST_NAMES[key % 20], LAST_NAMES[(key * 3 + n) % 20]
            enrolment = services.enrol(
                session=session,
                actor=self.staff,
                name=f"{first} {last}",
                email=f"{first.lower()}.{last.lower()}.{n}@students.example",
                employer=employers[key % len(employers)],
                on=min(session.starts_on - timedelta(days=21), self.today),
            )
            self._result(enrolment, result)

    def _result(self, enrolment: Any, result: str) -> None:
        if result == "pending":
            return
        services.record_result(
            enrolment=enrolment,
            actor=self.staff,
            attended=result != EnrolmentResult.ABSENT,
            result=result,
        )

    def train(self, auditor: Auditor, session: TrainingSession) -> Auditor:
        """Enrol the auditor in a session; a past one they passed (a student, after R-16)."""
        enrolment = services.enrol(
            session=session,
            actor=self.staff,
            name=auditor.name,
            email=auditor.email,
            auditor=auditor,
            on=min(session.starts_on - timedelta(days=30), self.today),
        )
        if session.starts_on <= self.today:
            self._result(enrolment, EnrolmentResult.PASSED)
        return Auditor.objects.get(pk=auditor.pk)

    # Auditors ----------------------------------------------------------------------------

    def move(self, action: str, auditor: Auditor, on: date, reason: str, **kwargs: Any) -> Auditor:
        service: Callable[..., Auditor] = services.STANDING_ACTIONS[action].service
        return service(auditor=auditor, actor=self.staff, on=on, reason=reason, **kwargs)

    def certify(self, auditor: Auditor, on: date, number: str) -> Auditor:
        reason = "Training, student audit and review complete"
        return self.move("certify", auditor, on, reason, certification_number=number)

    def external(self, index: int, row: tuple, sessions: dict) -> None:
        username, first, last, company, city, regions, sectors, standing = row
        if Auditor.objects.filter(user__username=username).exists():
            return
        kind, _, value = standing.partition(":")
        certified_on = {
            "certified": lambda: self.ago(int(value)),
            "expiring": lambda: add_years(self.today + timedelta(days=int(value)), -3),
            "lapsed": lambda: add_years(self.ago(100), -3),
            "suspended": lambda: self.ago(500),
            "retired": lambda: self.ago(900),
            "in_training": lambda: self.today,
        }[kind]()
        auditor = services.create_auditor(
            actor=self.staff,
            username=username,
            first_name=first,
            last_name=last,
            email=f"{username}@auditors.example",
            kind=AuditorKind.EXTERNAL,
            regions=regions,
            sectors=sectors,
            on=min(certified_on - timedelta(days=120), self.ago(20)),
            company=company,
            city=city,
            phone=f"604-555-{2100 + index:04d}",
            website=f"https://{username.replace('.', '-')}.example" if company else "",
            listed_in_directory=kind != "retired",
        )
        self.added += 1
        if kind == "in_training":
            self.train(auditor, sessions[("cor-external-auditor", 40)])
            return
        auditor = self.certify(auditor, certified_on, f"EXT-{4100 + index * 7:05d}")
        if kind == "lapsed":
            reason = "Certification expired without requalification"
            self.move("lapse", auditor, auditor.expires_on or self.today, reason)
        elif kind == "suspended":
            self.move("suspend", auditor, self.ago(30), "Under review after a QA finding")
        elif kind == "retired":
            self.move("retire", auditor, self.ago(60), "Retired from auditing")
        else:
            self.train(auditor, sessions[("auditor-update", -90)])
            self.log_cpd(auditor, index)
            self.declare(auditor, index, this_year=username not in UNDECLARED)

    def internal(self, index: int, row: tuple, sessions: dict) -> None:
        username, first, last, employer_name, standing = row
        if Auditor.objects.filter(user__username=username).exists():
            return
        kind, _, value = standing.partition(":")
        offset = INTERNAL_SESSION.get(kind)
        session = None if offset is None else sessions[("cor-internal-auditor", offset)]
        joined = self.ago(1500) if offset is None else self.ago(40 - offset)
        auditor = services.create_auditor(
            actor=self.staff,
            username=username,
            first_name=first,
            last_name=last,
            email=f"{first.lower()}.{last.lower()}@{employer_name.split()[0].lower()}.example",
            kind=AuditorKind.INTERNAL,
            employer=self.employers[employer_name],
            on=joined,
            phone=f"250-555-{3100 + index:04d}",
        )
        self.added += 1
        number = f"INT-{5200 + index * 11:05d}"
        if session is not None:
            auditor = self.train(auditor, session)
        if kind in ("certified", "recertified", "expiring"):
            certified_on = {
                "certified": lambda: self.ago(700),
                "recertified": lambda: add_years(self.today + timedelta(days=30), -3),
                "expiring": lambda: add_years(self.today + timedelta(days=int(value)), -3),
            }[kind]()
            trained = certified_on - timedelta(days=300)
            auditor = self.move("pass_training", auditor, trained, "Passed the training")
            auditor = services.record_student_audit(
                auditor=auditor, actor=self.staff, on=trained + timedelta(days=120)
            )
            auditor = self.certify(auditor, certified_on, number)
            if kind == "recertified":
                reason = "Requalified: update session and a recent audit"
                self.move("recertify", auditor, self.in_fiscal_year(10), reason)
        elif kind == "certified_fy":
            assert auditor.trained_on is not None
            auditor = services.record_student_audit(
                auditor=auditor, actor=self.staff, on=auditor.trained_on + timedelta(days=200)
            )
            self.certify(auditor, self.in_fiscal_year(30 + index), number)
        elif kind == "student_done":
            services.record_student_audit(auditor=auditor, actor=self.staff, on=self.ago(20))
        elif kind == "student_lapsed":
            assert auditor.student_audit_due is not None
            on = min(auditor.student_audit_due + timedelta(days=5), self.today)
            self.move("lapse", auditor, on, "Student audit not completed within the window")
        if kind not in ("in_training", "student_overdue", "student_lapsed"):
            self.declare(Auditor.objects.get(pk=auditor.pk), index, this_year=True)

    def login(self, user: Any, sessions: dict) -> None:
        """Make the demo auditor login a certified external auditor in good standing."""
        if Auditor.objects.filter(user=user).exists():
            return
        auditor = services.create_auditor_for_login(
            actor=self.staff,
            user=user,
            kind=AuditorKind.EXTERNAL,
            regions=[R.THOMPSON_OKANAGAN, R.VANCOUVER_COAST_MOUNTAINS],
            sectors=[S.ACCOMMODATION, S.FOOD_BEVERAGE, S.ATTRACTIONS],
            on=self.ago(600),
            company="Auditor & Co. Safety Consulting",
            city="Kelowna",
            phone="250-555-0142",
            website="https://auditor-co.example",
        )
        self.added += 1
        auditor = self.certify(auditor, self.ago(400), "EXT-04000")
        self.train(auditor, sessions[("auditor-update", -90)])
        self.log_cpd(auditor, 0)
        self.declare(auditor, 0, this_year=True)
        services.record_engagement(  # long before the cooling-off period: still eligible
            auditor=auditor,
            actor=user,
            employer=self.employers["Whistler Peak Adventures Corp."],
            started_on=self.ago(1100),
            ended_on=self.ago(800),
            description="Helped write the written safety program",
        )

    def log_cpd(self, auditor: Auditor, index: int) -> None:
        for n, (activity, kind, days, hours) in enumerate(CPD):
            if (index + n) % 4 == 3:
                continue  # not everyone logs everything
            services.log_cpd(
                auditor=auditor,
                actor=auditor.user,
                activity=activity,
                kind=kind,
                done_on=self.ago(days + index % 7),
                hours=Decimal(hours),
            )

    def declare(self, auditor: Auditor, index: int, *, this_year: bool) -> None:
        """File this year's declaration (unless missing), and last year's if they audited then."""
        year = self.today.year
        attested = {
            "follows_code_of_ethics": True,
            "independent": True,
            "information_accurate": True,
        }
        if auditor.certified_on and auditor.certified_on.year < year:
            services.file_declaration(
                auditor=auditor,
                actor=self.staff,
                year=year - 1,
                cpd_hours=Decimal("12") + index,
                on=max(date(year - 1, 1, 5) + timedelta(days=index * 3), auditor.certified_on),
                **attested,
            )
        if this_year:
            first = date(year, 1, 2)
            span = max((self.today - first).days, 0)
            services.file_declaration(
                auditor=auditor,
                actor=auditor.user,
                year=year,
                cpd_hours=Decimal("14.5") + index,
                on=min(first + timedelta(days=span * (index % 10) // 10), self.today),
                **attested,
            )

    # Engagements, completions, EAQAs -----------------------------------------------------

    def engagements(self) -> None:
        rows = [
            # auditor, employer, started (days ago), ended (days ago or None), by the auditor
            ("s.nguyen", "Northern Lights Lodge Ltd.", 400, 150, False),  # within cooling-off
            ("j.okafor", "Harbourview Hotel Ltd.", 1200, 900, False),
            ("m.tremblay", "Kamloops Desert Golf Club", 60, None, True),  # ongoing, declared
        ]
        for username, employer_name, started, ended, by_auditor in rows:
            auditor = Auditor.objects.select_related("user").get(user__username=username)
            employer = self.employers[employer_name]
            if auditor.consulting_engagements.filter(employer=employer).exists():
                continue
            services.record_engagement(
                auditor=auditor,
                actor=auditor.user if by_auditor else self.staff,
                employer=employer,
                started_on=self.ago(started),
                ended_on=self.ago(ended) if ended is not None else None,
                description="Safety program consulting: written program and inspections",
            )

    def completions(self, courses: dict[str, Course]) -> None:
        """Employer course completions over the fiscal year so far; prerequisites of trainees."""
        employers = list(self.employers.values())
        span = (self.today - self.fy_start).days
        have = set(CourseCompletion.objects.values_list("course__code", "email"))
        for code, count in COMPLETIONS.items():
            for n in range(count):
                first = FIRST_NAMES[(n * 7 + len(code)) % 20]
                last = LAST_NAMES[(n * 11 + 3) % 20]
                email = f"{first.lower()}.{last.lower()}.{n}@{code}.example"
                if (code, email) in have:
                    continue
                services.record_completion(
                    actor=self.staff,
                    course=courses[code],
                    name=f"{first} {last}",
                    email=email,
                    completed_on=self.fy_start + timedelta(days=span * (n + 1) // (count + 1)),
                    employer=employers[(n * 5 + len(code)) % len(employers)],
                    source=CompletionSource.LMS,
                )
        trainees = Auditor.objects.filter(status=AuditorStatus.IN_TRAINING).select_related("user")
        for auditor in trainees:
            if ("cor-prerequisite", auditor.email) in have:
                continue
            services.record_completion(
                actor=self.staff,
                course=courses["cor-prerequisite"],
                name=auditor.name,
                email=auditor.email,
                completed_on=self.ago(35),
                auditor=auditor,
                source=CompletionSource.LMS,
            )

    def eaqas(self) -> None:
        """Last year's EAQAs, conducted; this year's, planned (R-15)."""
        last = self.today.year - 1
        services.plan_eaqas(year=last, actor=self.staff, on=date(last, 1, 20))
        pending = EAQA.objects.filter(year=last, outcome="").order_by("auditor_id")
        for n, eaqa in enumerate(pending):
            outcome, findings = EAQA_FINDINGS[n % len(EAQA_FINDINGS)]
            services.record_eaqa(
                eaqa=eaqa,
                actor=self.staff,
                conducted_on=add_months(date(last, 5, 12), n * 2),
                reviewer=self.staff,
                findings=findings,
                outcome=outcome,
            )
        this = self.today.year
        services.plan_eaqas(year=this, actor=self.staff, on=min(date(this, 1, 20), self.today))


def seed(*, today: date, staff: Any, login: Any) -> str:
    """Create the demo auditor register once; make ``login`` a certified external auditor."""
    demo = _Demo(today=today, staff=staff)
    courses = demo.courses()
    sessions = demo.sessions(courses)
    demo.login(login, sessions)
    for index, external in enumerate(EXTERNALS, start=1):
        demo.external(index, external, sessions)
    for index, internal in enumerate(INTERNALS, start=1):
        demo.internal(index, internal, sessions)
    demo.engagements()
    demo.completions(courses)
    demo.eaqas()
    return f"{demo.added} auditors added, {Auditor.objects.count()} in all"
