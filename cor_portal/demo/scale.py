"""A large, believable association for benchmarks: ``manage.py seed_scale --employers N``.

The demo data (``seed_demo``) goes through the services one record at a time, which is right
for forty employers and far too slow for ten thousand. This builds the same kind of records in
memory instead (plain rows, not model instances: a model instance costs more to make than its
row costs to store) and stores them table by table with PostgreSQL's ``COPY``, in one
transaction (the foreign keys are checked at its commit):

* every row gets its primary key here (counting on from the table's highest), so foreign keys
  are plain numbers and nothing is read back; the sequences are moved past them at the end,
  and the tables are analysed for the planner;
* every derived field comes from the rules the services use: due dates from
  ``audits.deadlines.audit_deadlines`` with the program rules' numbers, scores and pass/fail
  from ``audits.scoring.score_audit``, size classes from ``employers.sizing.size_class``,
  certificate expiry from ``audits.certification.certificate_expiry``, the cycle years from
  ``audits.cycles.cycle_schedule``, incentives from ``incentives.services.gather_facts`` and
  ``compute`` (the run's own functions), certificate numbers as ``issue_certificate`` makes them;
* each audit is a timeline (planned, notice, start, onsite, report, QA rounds, decision) cut
  at today: what happened by today sets its status, dates, flags and status history, so every
  list shows audits in every state, some late, some overrun, some extended;
* each employer is a story (enquiry; registered; certification in progress; certified for one
  to three cycles, each with its maintenance years; lapsed for a missed maintenance year;
  withdrawn; removed), so its status, history, certificates and audits agree — the daily
  sweep run at the end finds nothing to lapse;
* change history rows (django-simple-history) are written for the records staff edit, dated
  when the record was made, so the change log has a realistic volume.

The workplan comes from the go2HR 23/24 fixture through the workplan demo (services), and the
sweep runs once for today (as the nightly job would have) so reminders already due are on
record. The logins are the demo's: ``staff``, ``employer``, ``auditor`` and ``board``.
"""

import enum
import logging
import random
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal
from functools import lru_cache
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.utils import timezone

from auditors.choices import (
    AuditorKind,
    AuditorStatus,
    CompletionSource,
    CourseKind,
    CPDKind,
    EAQAOutcome,
    EngagementSource,
    EnrolmentResult,
)
from auditors.models import (
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
from audits.certification import certificate_expiry
from audits.choices import (
    AuditStatus,
    AuditType,
    CertificateStatus,
    ExtensionStatus,
    NoteKind,
    ReviewOutcome,
    WivaStatus,
    WivaStep,
)
from audits.cycles import cycle_schedule, cycle_year_for
from audits.deadlines import DeadlineRules, audit_deadlines
from audits.models import (
    Audit,
    AuditElement,
    AuditStatusChange,
    AuditTool,
    Certificate,
    ElementScore,
    Extension,
    Review,
    ReviewNote,
    Submission,
    WivaCase,
    WivaStepRecord,
)
from audits.scoring import ElementScore as Points
from audits.scoring import score_audit
from cor_portal.accounts.choices import Role
from cor_portal.program.models import ProgramRules
from cor_portal.program.periods import add_months, add_years
from employers import demo as employer_demo
from employers.choices import (
    EmployerStatus,
    InteractionKind,
    InteractionSource,
    Program,
    Region,
    Sector,
)
from employers.models import (
    ClassificationUnit,
    Contact,
    Employer,
    EmployerStatusChange,
    GapAnalysis,
    Interaction,
    Registration,
)
from employers.sizing import size_class
from incentives import services as incentive_services
from incentives.choices import DecisionOutcome, ExclusionKind, LineKind
from incentives.models import (
    Appeal,
    BaseRate,
    Decision,
    Exclusion,
    Incentive,
    IncentiveLine,
    Payroll,
)

log = logging.getLogger(__name__)

ES, S, T = EmployerStatus, AuditStatus, AuditType
# Share of employers by lifecycle status (certified ones carry most of the audits).
STATUS_WEIGHTS = {
    ES.ENQUIRY: 8,
    ES.REGISTERED: 13,
    ES.CERTIFICATION_IN_PROGRESS: 9,
    ES.CERTIFIED: 54,
    ES.LAPSED: 7,
    ES.WITHDRAWN: 6,
    ES.REMOVED: 3,
}
EXTERNAL_PER_EMPLOYERS = 40  # one external auditor per 40 employers
INTERNAL_PER_EMPLOYERS = 20  # one internal auditor per 20 employers
STAFF_REVIEWERS = ["Morgan Reyes", "Dana Fortin", "Kai Okafor", "Lee Nakamura", "Ruth Baptiste"]

PLACES = [
    "Harbourview",
    "Salish Sea",
    "Tofino",
    "Cowichan",
    "Nanaimo",
    "Comox",
    "Granville",
    "Whistler",
    "Coast Mountain",
    "Stanley Park",
    "Sea to Sky",
    "Squamish",
    "Okanagan",
    "Kelowna",
    "Sun Peaks",
    "Kamloops",
    "Penticton",
    "Shuswap",
    "Vernon",
    "Kicking Horse",
    "Fernie",
    "Radium",
    "Nelson",
    "Columbia Valley",
    "Cariboo",
    "Barkerville",
    "Bella Coola",
    "Williams Lake",
    "Quesnel",
    "Chilcotin",
    "Northern Lights",
    "Prince George",
    "Haida Gwaii",
    "Fort St. John",
    "Smithers",
    "Prince Rupert",
    "Terrace",
    "Tumbler Ridge",
    "Revelstoke",
    "Golden",
    "Invermere",
    "Osoyoos",
    "Ucluelet",
    "Parksville",
    "Campbell River",
    "Powell River",
    "Sechelt",
    "Harrison",
    "Hope",
    "Merritt",
    "Salmon Arm",
    "Valemount",
    "Atlin",
    "Stewart",
]
BUSINESSES = {
    Sector.ACCOMMODATION: ["Lodge", "Resort", "Inn", "Hotel", "Motor Inn", "Guest Ranch"],
    Sector.FOOD_BEVERAGE: ["Bistro", "Eateries", "Brewing", "Cafe", "Seafood House", "Diner"],
    Sector.ADVENTURE: ["Adventures", "Rafting", "Heli-Tours", "Kayak Tours", "Outfitters"],
    Sector.ATTRACTIONS: ["Gondola", "Museum", "Golf Club", "Hot Springs", "Heritage Park"],
    Sector.SKI: ["Ski Hill", "Mountain Resort", "Alpine Resort", "Nordic Centre"],
    Sector.TRANSPORTATION: ["Coach Lines", "Ferries", "Air Tours", "Shuttle Co."],
    Sector.EVENTS: ["Conference Centre", "Events", "Festival Society", "Exhibition Park"],
    Sector.TRAVEL_SERVICES: ["Travel", "Tours", "Guides", "Expeditions"],
}
SUFFIXES = ["Ltd.", "Inc.", "Corp.", "Ltd.", "Ltd.", "Society"]
# The demo's places and names, with more of each so 10,000 employers repeat them less.
MORE_CITIES = {
    Region.VANCOUVER_ISLAND: ["Campbell River"],
    Region.THOMPSON_OKANAGAN: ["Salmon Arm"],
    Region.KOOTENAY_ROCKIES: ["Revelstoke"],
}
CITIES = {
    region: [*places, *MORE_CITIES.get(region, [])]
    for region, places in employer_demo.CITIES.items()
}
FIRST_NAMES = [
    *employer_demo.FIRST_NAMES,
    *["Amelia", "Hiro", "Fatima", "Lucas", "Maya", "Ethan", "Zara", "Owen", "Leila", "Tomas"],
]
LAST_NAMES = [
    *employer_demo.LAST_NAMES,
    *["Fraser", "Kim", "Gill", "Roy", "Chan", "Thomas", "Dhillon", "Lee", "Brown", "Paul"],
]
UNIT_KINDS = [
    ("761003", "Hotel, motel or resort"),
    ("761009", "Restaurant, café or other dining"),
    ("761012", "Guided tours and tour operation"),
    ("761024", "Ski hill or mountain resort operation"),
    ("761034", "Golf course"),
    ("761045", "Campground or RV park"),
    ("761052", "Attraction, museum or amusement park"),
    ("761057", "Adventure tourism (rafting, zipline, heli-skiing)"),
    ("761061", "Bed and breakfast or hostel"),
    ("761066", "Marina or boat rental"),
    ("761072", "Winery or brewery with tasting room"),
    ("761078", "Convention or event venue"),
    ("761083", "Fishing or hunting lodge"),
    ("761089", "Hot springs or spa"),
    ("761094", "Tour booking and travel services"),
    ("761098", "Catering and banquet service"),
    ("761102", "Equestrian trail riding"),
    ("761107", "Cross-country skiing or snowshoeing centre"),
    ("761111", "Zoo, aquarium or wildlife park"),
    ("761116", "Theatre or performing arts venue"),
    ("761121", "Fitness or recreation centre"),
    ("761126", "Float plane sightseeing"),
    ("761131", "Whale watching"),
    ("761136", "Food truck or mobile food service"),
    ("761141", "Heritage railway"),
    ("761146", "Indoor amusement or family entertainment"),
    ("761151", "Nightclub or bar"),
    ("761156", "Vacation rental management"),
    ("732044", "Sightseeing bus or coach service"),
    ("732051", "Water taxi"),
    ("753004", "Local government"),
    ("753011", "Parks and recreation authority"),
]
ALIGNED_UNITS = 28  # the first 28 are the association's own; the others need NAO approval
INTERACTIONS = [
    (InteractionKind.ENQUIRY, InteractionSource.WEBSITE, "Asked how COR registration works"),
    (InteractionKind.ENQUIRY, InteractionSource.PHONE, "Called about audit timelines"),
    (InteractionKind.CONSULTATION, InteractionSource.REGIONAL_CONSULTANT, "Program review visit"),
    (InteractionKind.OUTREACH_VISIT, InteractionSource.REGIONAL_CONSULTANT, "Site visit"),
    (InteractionKind.EVENT, InteractionSource.EVENT, "Met at the regional safety forum"),
    (InteractionKind.CAMPAIGN, InteractionSource.CAMPAIGN, "Spring slips-and-trips campaign"),
    (InteractionKind.BIOSPHERE, InteractionSource.BIOSPHERE, "Biosphere commitment follow-up"),
    (InteractionKind.ENQUIRY, InteractionSource.EMAIL, "Incentive letter question"),
]


@lru_cache(maxsize=8192)
def _at(day: date, hour: int = 10) -> datetime:
    """Return a time of day on a date in the portal's time zone (history rows' dates)."""
    return timezone.make_aware(datetime(day.year, day.month, day.day, hour))


@lru_cache(maxsize=1)
def _all_rules() -> tuple[ProgramRules, ...]:
    return tuple(ProgramRules.objects.order_by("effective_from"))


def _rules(day: date) -> ProgramRules:
    """Return the program rules in force on a day, as ``ProgramRules.objects.in_force`` does."""
    rows = _all_rules()
    if not rows:
        raise ProgramRules.DoesNotExist("No program rules are recorded.")
    return next((r for r in reversed(rows) if r.effective_from <= day), rows[0])


def _deadline_rules(day: date) -> DeadlineRules:
    rules = _rules(date(day.year, 1, 1))
    return DeadlineRules(
        notice_lead_days=rules.notice_lead_days,
        onsite_days=rules.onsite_days,
        submission_days=rules.submission_days,
        final_report_days=rules.final_report_days,
    )


class Row:
    """One row to insert: its values as attributes (``pk`` and the ``*_id`` of its keys)."""

    def __init__(self, model: type[models.Model], values: dict[str, Any]) -> None:
        self.__dict__.update(values)
        self._model = model


class Rows:
    """Rows to insert, with primary keys given here (counting on from the table's highest)."""

    def __init__(self) -> None:
        self.rows: dict[type[models.Model], list[Any]] = defaultdict(list)
        self.next_pk: dict[type[models.Model], int] = {}

    def pk(self, model: type[models.Model]) -> int:
        if model not in self.next_pk:
            top = model._default_manager.aggregate(top=models.Max("pk"))["top"] or 0
            self.next_pk[model] = top + 1
        value = self.next_pk[model]
        self.next_pk[model] = value + 1
        return value

    def add(self, model: type[models.Model], **values: Any) -> Any:
        values["pk"] = self.pk(model)
        row = Row(model, values)
        self.rows[model].append(row)
        return row

    def link(self, model: type[models.Model], **values: Any) -> None:
        """Add a row without a primary key of ours (many-to-many links)."""
        self.rows[model].append(Row(model, values))


@dataclass
class Flow:
    """How one audit goes, in days: the timeline that ``today`` cuts (see ``Builder.audit``)."""

    notice: int = -16  # notice filed this many days from the start
    onsite: int = 24  # last onsite day after the start
    report: int = 14  # report to QA after the last onsite day
    qa_wait: int = 5  # review started after submission
    qa_days: int = 12  # decision after the review started
    returned: bool = False  # QA returns it once; the revision comes back
    outcome: str = S.APPROVED  # approved, unsuccessful or cancelled
    hold: bool = False  # QA has not decided yet, however long ago it was submitted
    extension: tuple[int, str] | None = None  # days, status
    score: int = 88  # about the overall percent reached
    low: int | None = None  # one element's percent, when it fails


@dataclass
class AuditPlan:
    audit: Audit
    units: list[int]
    decided: bool = False
    certificate: Certificate | None = None
    events: list[tuple[date, str, str, str]] = field(default_factory=list)


class Builder:
    """Generate the association for ``employers`` employers as of ``today``."""

    def __init__(self, *, employers: int, today: date, seed: int, password: str) -> None:
        self.n = employers
        self.today = today
        self.rng = random.Random(seed)
        self.password = make_password(password)
        self.rows = Rows()
        self.history: dict[type[models.Model], list[Any]] = defaultdict(list)
        tool = AuditTool.objects.filter(active=True).order_by("pk").first()
        if tool is None:
            raise RuntimeError("No audit tool: run the migrations first.")
        self.tool: AuditTool = tool
        self.elements = list(AuditElement.objects.filter(tool=self.tool).order_by("number"))
        self.user_model = get_user_model()

    # Helpers -------------------------------------------------------------------------------

    def days(self, low: int, high: int) -> timedelta:
        return timedelta(days=self.rng.randint(low, high))

    def past(self, day: date) -> date:
        return min(day, self.today)

    def user(self, username: str, role: str, first: str, last: str, **extra: Any) -> Any:
        return self.rows.add(
            self.user_model,
            username=username,
            role=role,
            first_name=first,
            last_name=last,
            email=f"{username}@example.org" if "email" not in extra else extra.pop("email"),
            password=self.password,
            is_active=True,
            is_staff=role == Role.STAFF,
            is_superuser=username == "staff",
            **extra,
        )

    def remember(self, row: Any, day: date, user: Any = None) -> None:
        """Write a history row for ``row`` dated ``day`` (its creation)."""
        row._history_date = _at(self.past(day))
        row._history_user_id = (user or self.staff).pk
        self.history[row._model].append(row)

    # People --------------------------------------------------------------------------------

    def people(self) -> None:
        self.staff = self.user("staff", Role.STAFF, "Sam", "Staffer")
        self.reviewers = [self.staff] + [
            self.user(
                f"{name.split()[0].lower()}.{name.split()[1].lower()}",
                Role.STAFF,
                *name.split(),
            )
            for name in STAFF_REVIEWERS
        ]
        self.board = self.user("board", Role.BOARD, "Bea", "Boardmember")

    # Classification units and base rates --------------------------------------------------

    def units(self) -> None:
        existing = {u.code: u for u in ClassificationUnit.objects.all()}
        self.cus: list[ClassificationUnit] = []
        for index, (code, description) in enumerate(UNIT_KINDS):
            unit = existing.get(code) or self.rows.add(
                ClassificationUnit,
                code=code,
                description=description,
                aligned=index < ALIGNED_UNITS,
            )
            self.cus.append(unit)
        self.aligned = [u for u in self.cus if u.aligned]
        self.nao = [u for u in self.cus if not u.aligned]
        for unit in self.cus:
            rate = Decimal(self.rng.randint(150, 640)) / 100
            for year in range(self.today.year - 5, self.today.year + 1):
                row = self.rows.add(BaseRate, unit_id=unit.pk, year=year, rate=rate)
                self.remember(row, date(year, 1, 15))
                rate = (rate * Decimal(self.rng.choice(["0.97", "1.00", "1.02", "1.04"]))).quantize(
                    Decimal("0.01")
                )

    # Employers -----------------------------------------------------------------------------

    def employers(self) -> None:
        statuses = list(STATUS_WEIGHTS)
        weights = list(STATUS_WEIGHTS.values())
        self.all_employers: list[tuple[Employer, str, list[int]]] = []
        for index in range(self.n):
            status = self.rng.choices(statuses, weights)[0]
            # The employer login's employer: certified for years, with a long history.
            if index == 0:
                status = ES.CERTIFIED
            self.all_employers.append(self.employer(index, status))

    def employer(self, index: int, final: str) -> tuple[Employer, str, list[int]]:
        rng = self.rng
        region = rng.choice(list(Region))
        sector = rng.choice(list(Sector))
        place = rng.choice(PLACES)
        business = rng.choice(BUSINESSES[sector])
        legal = f"{place} {business} {rng.choice(SUFFIXES)}"
        if index % 7 == 0:
            legal = f"{place} {business} No. {index // 7 + 1} {rng.choice(SUFFIXES)}"
        trade = f"{place} {business}" if rng.random() < 0.3 else ""
        units = rng.sample(self.aligned, k=rng.choice([1, 1, 1, 2, 2, 3]))
        nao = rng.random() < 0.05
        if nao:
            units = [rng.choice(self.nao)]
        employees: int | None = None
        hours: Decimal | None = None
        if rng.random() < 0.25:
            hours = Decimal(rng.randint(2_000, 600_000))
        else:
            employees = int(rng.lognormvariate(3.0, 1.1)) + 1
        rules = _rules(self.today)
        size = size_class(
            employees=employees,
            payroll_hours=hours,
            threshold=rules.large_employer_threshold,
            hours_per_fte=rules.hours_per_fte,
        )
        city = rng.choice(CITIES[region])
        employer = self.rows.add(
            Employer,
            legal_name=legal,
            trade_name=trade,
            account_number=str(3_000_000 + index * 7),
            street=f"{rng.randint(1, 9999)} {rng.choice(['Main', 'Lakeshore', 'Harbour'])} Road",
            city=city,
            postal_code=f"V{rng.randint(0, 9)}{rng.choice('ABCEGHJK')} {rng.randint(0, 9)}"
            f"{rng.choice('LMNPRSTV')}{rng.randint(0, 9)}",
            region=region,
            sector=sector,
            employees=employees,
            payroll_hours=hours,
            size_class=size,
            size_assessed_on=date(self.today.year, 1, 1),
            status=final,
            nao_approved_on=None,
            nao_reference="",
        )
        for unit in units:
            self.rows.link(
                Employer.classification_units.through,
                employer_id=employer.pk,
                classificationunit_id=unit.pk,
            )
        return employer, final, [u.pk for u in units]

    def contacts(self, employer: Employer, index: int, joined: date) -> None:
        domain = "".join(c for c in employer.legal_name.split()[0].lower() if c.isalnum())
        for n, primary in enumerate((True, False)):
            first = FIRST_NAMES[(index + n * 7) % 20]
            last = LAST_NAMES[(index * 3 + n) % 20]
            email = f"{first.lower()}.{last.lower()}.{index}@{domain}.example"
            login = None
            if primary and (index == 0 or self.rng.random() < 0.35):
                username = "employer" if index == 0 else f"contact{index}"
                login = self.user(
                    username,
                    Role.EMPLOYER,
                    "Erin" if index == 0 else first,
                    "Employer" if index == 0 else last,
                    email=email,
                )
            contact = self.rows.add(
                Contact,
                employer_id=employer.pk,
                first_name=first,
                last_name=last,
                title="Health and Safety Coordinator" if primary else "General Manager",
                email=email,
                phone=f"250-555-{(index * 7 + n) % 10000:04d}",
                is_primary=primary,
                user_id=login.pk if login else None,
            )
            self.remember(contact, joined)

    def move(self, employer: Employer, action: str, to: str, on: date, reason: str) -> None:
        before = getattr(employer, "_status_now", ES.ENQUIRY)
        self.rows.add(
            EmployerStatusChange,
            employer_id=employer.pk,
            transition=action,
            from_status=before,
            to_status=to,
            changed_on=on,
            actor_id=self.staff.pk,
            reason=reason,
        )
        employer._status_now = to  # type: ignore[attr-defined]
        employer.status_changed_on = on

    # Auditors ------------------------------------------------------------------------------

    def auditors(self) -> None:
        externals = max(3, self.n // EXTERNAL_PER_EMPLOYERS)
        internals = max(1, self.n // INTERNAL_PER_EMPLOYERS)
        self.external: list[Auditor] = []
        self.by_region: dict[str, list[Auditor]] = defaultdict(list)
        self.internal_of: dict[int, Auditor] = {}
        statuses = [
            (AuditorStatus.CERTIFIED, 85),
            (AuditorStatus.LAPSED, 5),
            (AuditorStatus.SUSPENDED, 3),
            (AuditorStatus.RETIRED, 4),
            (AuditorStatus.STUDENT, 3),
        ]
        for index in range(externals):
            status = AuditorStatus.CERTIFIED
            if index:
                status = self.rng.choices([s for s, _ in statuses], [w for _, w in statuses])[0]
            auditor = self.auditor(index, AuditorKind.EXTERNAL, status, employer=None)
            self.external.append(auditor)
            regions = self.rng.sample(list(Region), k=self.rng.choice([1, 2, 2, 3]))
            for region in regions:
                self.rows.add(AuditorArea, auditor_id=auditor.pk, region=region)
                if auditor.status == AuditorStatus.CERTIFIED:
                    self.by_region[region].append(auditor)
            for sector in self.rng.sample(list(Sector), k=self.rng.choice([1, 2, 3])):
                self.rows.add(AuditorSector, auditor_id=auditor.pk, sector=sector)
        for region in Region:  # every region has someone
            if not self.by_region[region]:
                self.by_region[region].append(self.external[0])
        self.certified_external = [a for a in self.external if a.status == AuditorStatus.CERTIFIED]
        # Internal auditors belong to small employers in the program.
        candidates = [
            e
            for e, status, _units in self.all_employers
            if e.size_class == "small"
            and status in (ES.CERTIFIED, ES.CERTIFICATION_IN_PROGRESS, ES.REGISTERED)
        ]
        for index, employer in enumerate(
            self.rng.sample(candidates, k=min(internals, len(candidates)))
        ):
            status = self.rng.choices(
                [AuditorStatus.CERTIFIED, AuditorStatus.STUDENT, AuditorStatus.IN_TRAINING],
                [85, 10, 5],
            )[0]
            auditor = self.auditor(externals + index, AuditorKind.INTERNAL, status, employer)
            if status == AuditorStatus.CERTIFIED:
                self.internal_of[employer.pk] = auditor

    def auditor(self, index: int, kind: str, status: str, employer: Employer | None) -> Auditor:
        rng, today = self.rng, self.today
        first, last = FIRST_NAMES[(index * 7 + 3) % 20], LAST_NAMES[(index * 11 + 5) % 20]
        username = "auditor" if index == 0 else f"auditor{index}"
        user = self.user(
            username,
            Role.AUDITOR,
            "Alex" if index == 0 else first,
            "Auditor" if index == 0 else last,
        )
        certified_on = expires_on = trained_on = student_due = None
        number = ""
        if status in (
            AuditorStatus.CERTIFIED,
            AuditorStatus.LAPSED,
            AuditorStatus.SUSPENDED,
            AuditorStatus.RETIRED,
        ):
            if status == AuditorStatus.LAPSED:
                certified_on = today - self.days(1100, 1500)
            else:
                certified_on = today - self.days(20, 1080)
            expires_on = add_years(certified_on, 3)
            number = f"{'EXT' if kind == AuditorKind.EXTERNAL else 'INT'}-{index + 1:05d}"
            trained_on = certified_on - self.days(60, 300)
        elif status == AuditorStatus.STUDENT:
            trained_on = today - self.days(10, 200)
            student_due = add_months(trained_on, 12)
        auditor = self.rows.add(
            Auditor,
            user_id=user.pk,
            kind=kind,
            employer_id=employer.pk if employer else None,
            status=status,
            status_changed_on=certified_on or trained_on or today - self.days(1, 60),
            certification_number=number,
            certified_on=certified_on,
            expires_on=expires_on,
            trained_on=trained_on,
            student_audit_due=student_due,
            phone=f"604-555-{index % 10000:04d}",
            company=f"{LAST_NAMES[index % 20]} Safety Consulting" if employer is None else "",
            city=rng.choice(CITIES[rng.choice(list(Region))]),
            listed_in_directory=kind == AuditorKind.EXTERNAL and rng.random() < 0.9,
        )
        self.remember(auditor, auditor.status_changed_on)
        moves: list[tuple[str, str, str, date]] = []
        if trained_on:
            moves.append(
                ("pass_training", AuditorStatus.IN_TRAINING, AuditorStatus.STUDENT, trained_on)
            )
        if certified_on and expires_on:
            moves.append(("certify", AuditorStatus.STUDENT, AuditorStatus.CERTIFIED, certified_on))
            if status == AuditorStatus.LAPSED:
                moves.append(("lapse", AuditorStatus.CERTIFIED, status, expires_on))
            elif status == AuditorStatus.SUSPENDED:
                moves.append(("suspend", AuditorStatus.CERTIFIED, status, today - self.days(5, 90)))
            elif status == AuditorStatus.RETIRED:
                moves.append(("retire", AuditorStatus.CERTIFIED, status, today - self.days(5, 300)))
        for action, before, after, on in moves:
            self.rows.add(
                AuditorStatusChange,
                auditor_id=auditor.pk,
                transition=action,
                from_status=before,
                to_status=after,
                changed_on=self.past(on),
                actor_id=self.staff.pk,
                reason="Recorded from the register",
            )
        if moves:
            auditor.status_changed_on = self.past(moves[-1][3])
        if certified_on and expires_on:
            for year in range(max(certified_on.year, today.year - 2), today.year + 1):
                if status == AuditorStatus.LAPSED and year > expires_on.year:
                    break
                declaration = self.rows.add(
                    AnnualDeclaration,
                    auditor_id=auditor.pk,
                    year=year,
                    cpd_hours=Decimal(rng.randint(8, 40)),
                    follows_code_of_ethics=True,
                    independent=True,
                    information_accurate=True,
                    submitted_on=self.past(date(year, 1, 1) + self.days(3, 40)),
                    submitted_by_id=user.pk,
                )
                self.remember(declaration, declaration.submitted_on, user)
            for n in range(rng.randint(2, 5)):
                self.rows.add(
                    CPDActivity,
                    auditor_id=auditor.pk,
                    activity=rng.choice(
                        [
                            "Auditor update session",
                            "Incident investigation workshop",
                            "BC safety conference",
                            "Ergonomics webinar",
                            "Audit conducted",
                        ]
                    ),
                    kind=rng.choice(list(CPDKind)),
                    done_on=today - self.days(10 + n * 60, 60 + n * 90),
                    hours=Decimal(rng.randint(2, 16)),
                )
        return auditor

    def lead_for(self, employer: Employer, audit_type: str) -> Auditor:
        """Pick the lead auditor as staff would: the employer's own where allowed (R-6)."""
        internal = self.internal_of.get(employer.pk)
        if (
            internal is not None
            and employer.size_class == "small"
            and audit_type != T.WIVA
            and self.rng.random() < 0.6
        ):
            return internal
        pool = self.by_region[employer.region]
        # The auditor login has a busy, typical roster.
        if self.rng.random() < 0.004:
            return self.external[0]
        return self.rng.choice(pool)

    # Audits --------------------------------------------------------------------------------

    def flow(self, *, certifying: bool, strict: bool = False) -> Flow:
        """Draw how an audit goes; ``strict`` keeps it within every deadline."""
        rng = self.rng
        flow = Flow(
            notice=-rng.randint(14, 30) if strict or rng.random() < 0.92 else -rng.randint(5, 13),
            onsite=rng.randint(10, 44) if strict or rng.random() < 0.95 else rng.randint(46, 60),
            report=rng.randint(5, 29) if strict or rng.random() < 0.9 else rng.randint(31, 45),
            qa_wait=rng.randint(1, 14),
            qa_days=rng.randint(3, 25),
            returned=rng.random() < 0.12,
            score=rng.randint(84, 97),
        )
        if not strict and rng.random() < 0.05:
            status = rng.choices(
                [ExtensionStatus.APPROVED, ExtensionStatus.REFUSED, ExtensionStatus.REQUESTED],
                [70, 20, 10],
            )[0]
            flow.extension = (rng.randint(7, 30), status)
        if not certifying and rng.random() < 0.02:
            flow.score, flow.low = rng.randint(70, 85), rng.randint(30, 49)
        return flow

    def audit(
        self,
        employer: Employer,
        units: list[int],
        audit_type: str,
        starts_on: date,
        flow: Flow,
        *,
        certificate: Certificate | None = None,
    ) -> AuditPlan:
        """Plan an audit and play its timeline up to today."""
        today = self.today
        lead = self.lead_for(employer, audit_type)
        cycle_year = None
        if certificate is not None:
            schedule = cycle_schedule(certificate.certified_on, certificate.expires_on)
            year = cycle_year_for(schedule, audit_type, starts_on)
            cycle_year = year.number if year else None
        planned_on = starts_on - self.days(30, 90)
        notice_on = starts_on + timedelta(days=flow.notice)
        last_onsite = starts_on + timedelta(days=flow.onsite)
        submitted = last_onsite + timedelta(days=flow.report)
        events: list[tuple[date, str, str, str]] = []
        rounds: list[tuple[date, date | None, str]] = []  # submitted, decided, outcome
        if flow.outcome == S.CANCELLED:
            cancel_on = self.past(starts_on + self.days(-10, 20))
            events.append((notice_on, "file_notice", S.PLANNED, S.NOTICE_FILED))
            if cancel_on > starts_on:
                events.append((starts_on, "start", S.NOTICE_FILED, S.IN_PROGRESS))
            events.append((cancel_on, "cancel", "", S.CANCELLED))
        else:
            events += [
                (notice_on, "file_notice", S.PLANNED, S.NOTICE_FILED),
                (starts_on, "start", S.NOTICE_FILED, S.IN_PROGRESS),
                (last_onsite, "complete_onsite", S.IN_PROGRESS, S.ONSITE_COMPLETE),
                (submitted, "submit", S.ONSITE_COMPLETE, S.SUBMITTED),
            ]
            review_on = submitted + timedelta(days=flow.qa_wait)
            events.append((review_on, "start_review", S.SUBMITTED, S.IN_QA))
            decide_on = review_on + timedelta(days=flow.qa_days)
            if flow.returned:
                events.append((decide_on, "return_for_revision", S.IN_QA, S.RETURNED))
                rounds.append((submitted, decide_on, ReviewOutcome.RETURNED))
                again = decide_on + self.days(5, 20)
                events.append((again, "resubmit", S.RETURNED, S.RESUBMITTED))
                review_on = again + self.days(1, 7)
                events.append((review_on, "start_review", S.RESUBMITTED, S.IN_QA))
                decide_on = review_on + self.days(2, 10)
                submitted = again
            if not flow.hold:
                decisions: dict[str, tuple[str, str]] = {
                    S.APPROVED: ("approve", ReviewOutcome.APPROVED),
                    S.UNSUCCESSFUL: ("reject", ReviewOutcome.UNSUCCESSFUL),
                }
                action, outcome = decisions[flow.outcome]
                events.append((decide_on, action, S.IN_QA, flow.outcome))
                rounds.append((submitted, decide_on, outcome))
            else:
                rounds.append((submitted, None, ""))
        happened = [e for e in events if e[0] <= today]
        # The cancel moves from whatever the status was.
        status: str = S.PLANNED
        for index, (on, action, before, after) in enumerate(happened):
            if not before:
                happened[index] = (on, action, status, after)
            status = after
        reached = {action for _on, action, *_ in happened}
        extension_days = 0
        if flow.extension and "complete_onsite" in reached:
            days, ext_status = flow.extension
            if ext_status == ExtensionStatus.REQUESTED and status in (S.APPROVED, S.UNSUCCESSFUL):
                ext_status = ExtensionStatus.REFUSED  # decided long ago
            flow.extension = (days, ext_status)
            if ext_status == ExtensionStatus.APPROVED:
                extension_days = days
        deadlines = audit_deadlines(
            starts_on,
            last_onsite_on=last_onsite if "complete_onsite" in reached else None,
            extension_days=extension_days,
            rules=_deadline_rules(starts_on),
        )
        first_submitted = (
            (last_onsite + timedelta(days=flow.report)) if "submit" in reached else None
        )
        decided_on = happened[-1][0] if status in (S.APPROVED, S.UNSUCCESSFUL) else None
        audit = self.rows.add(
            Audit,
            employer_id=employer.pk,
            audit_type=audit_type,
            tool_id=self.tool.pk,
            cycle_certificate_id=certificate.pk if certificate else None,
            cycle_year=cycle_year,
            lead_auditor_id=lead.pk,
            status=status,
            status_changed_on=happened[-1][0] if happened else self.past(planned_on),
            starts_on=starts_on,
            last_onsite_on=last_onsite if "complete_onsite" in reached else None,
            extension_days=extension_days,
            notice_due=deadlines.notice_due,
            onsite_due=deadlines.onsite_due,
            submission_due=deadlines.submission_due,
            final_due=deadlines.final_due,
            notice_filed_on=notice_on if "file_notice" in reached else None,
            no_conflict_declared="file_notice" in reached and lead.kind == AuditorKind.EXTERNAL,
            sites=f"Main site, {employer.city}",
            submitted_on=first_submitted,
            decided_on=decided_on,
            notice_late="file_notice" in reached and notice_on > deadlines.notice_due,
            onsite_overrun="complete_onsite" in reached and last_onsite > deadlines.onsite_due,
            submission_late=bool(
                first_submitted
                and deadlines.submission_due
                and first_submitted > deadlines.submission_due
            ),
        )
        if certificate is not None and cycle_year and audit_type == T.MAINTENANCE:
            schedule = cycle_schedule(certificate.certified_on, certificate.expires_on)
            due_by = next((y.due_by for y in schedule if y.number == cycle_year), None)
            audit.past_cutoff = bool(due_by and deadlines.onsite_due > due_by)
        for unit in units:
            self.rows.link(Audit.scope.through, audit_id=audit.pk, classificationunit_id=unit)
        audit._lead = lead  # type: ignore[attr-defined]
        self.remember(audit, planned_on)
        actor = lead.user_id
        for on, action, before, after in [(planned_on, "plan", "", S.PLANNED), *happened]:
            if action == "plan":
                continue
            by_staff = action in (
                "start_review",
                "return_for_revision",
                "approve",
                "reject",
                "cancel",
            )
            self.rows.add(
                AuditStatusChange,
                audit_id=audit.pk,
                transition=action,
                from_status=before,
                to_status=after,
                changed_on=on,
                actor_id=self.staff.pk if by_staff else actor,
                reason=REASONS.get(action, "Recorded"),
            )
        self.submissions(audit, flow, rounds, happened, lead)
        if flow.extension and "complete_onsite" in reached:
            days, ext_status = flow.extension
            requested_on = self.past(last_onsite + self.days(3, 20))
            decided = ext_status != ExtensionStatus.REQUESTED
            self.rows.add(
                Extension,
                audit_id=audit.pk,
                days=days,
                reason="Key staff were away during the busy season; interviews ran late.",
                requested_on=requested_on,
                requested_by_id=lead.user_id,
                status=ext_status,
                decided_on=self.past(requested_on + self.days(1, 5)) if decided else None,
                decided_by_id=self.staff.pk if decided else None,
            )
        plan = AuditPlan(audit, units, decided=status == S.APPROVED)
        plan.events = happened
        return plan

    def submissions(
        self,
        audit: Audit,
        flow: Flow,
        rounds: list[tuple[date, date | None, str]],
        happened: list[tuple[date, str, str, str]],
        lead: Auditor,
    ) -> None:
        today = self.today
        reviewer = self.rng.choice(self.reviewers)
        for number, (submitted_on, decided_on, outcome) in enumerate(rounds, start=1):
            if submitted_on > today:
                break
            result, points = self.scores(flow, revised=number > 1)
            submission = self.rows.add(
                Submission,
                audit_id=audit.pk,
                number=number,
                report_name=f"audit-report-{audit.pk}-r{number}.pdf",
                submitted_on=submitted_on,
                submitted_by_id=lead.user_id,
                overall_percent=result.overall_percent.quantize(Decimal("0.00001")),
                passed=result.passed,
                late=bool(audit.submission_due and submitted_on > audit.submission_due)
                if number == 1
                else submitted_on > audit.final_due,
                used_documentation=True,
                used_observation=True,
                used_interviews=True,
                headcount=self.rng.randint(5, 400),
                interviewed=self.rng.randint(10, 40),
            )
            for element, earned in zip(self.elements, points, strict=True):
                self.rows.add(
                    ElementScore,
                    submission_id=submission.pk,
                    element_id=element.pk,
                    earned=Decimal(earned),
                    applicable=element.max_points,
                )
            audit.overall_percent, audit.passed = submission.overall_percent, submission.passed
            started = submitted_on + timedelta(days=flow.qa_wait)
            assigned = submitted_on + self.days(0, 3)
            decided = decided_on if decided_on and decided_on <= today else None
            review = self.rows.add(
                Review,
                audit_id=audit.pk,
                submission_id=submission.pk,
                reviewer_id=reviewer.pk if assigned <= today and self.rng.random() < 0.8 else None,
                assigned_on=assigned if assigned <= today else None,
                started_on=started if started <= today else None,
                outcome=outcome if decided else "",
                decided_on=decided,
                decided_by_id=reviewer.pk if decided else None,
                summary="Well-evidenced report." if decided else "",
            )
            if review.reviewer_id is None:
                review.assigned_on = None
            self.remember(review, submitted_on)
            if decided and outcome == ReviewOutcome.RETURNED:
                answered = number < len(rounds) and rounds[number][0] <= today
                for element in self.rng.sample(self.elements, k=2):
                    self.rows.add(
                        ReviewNote,
                        review_id=review.pk,
                        element_id=element.pk,
                        kind=NoteKind.ACTIONABLE,
                        text="Interview records do not support the score; add the evidence.",
                        created_by_id=reviewer.pk,
                        answer="Added the interview notes and photos." if answered else "",
                        answered_on=rounds[number][0] if answered else None,
                        answered_by_id=lead.user_id if answered else None,
                    )

    def scores(self, flow: Flow, *, revised: bool) -> tuple[Any, list[int]]:
        """Return the result and earned points (of 100 each) near the flow's overall score."""
        target = min(flow.score + (3 if revised else 0), 97)
        points = [min(100, target + self.rng.randint(-4, 6)) for _ in self.elements]
        if flow.low is not None and not revised:
            points[1] = flow.low
        rules = _rules(self.today)
        result = score_audit(
            [
                Points(name=e.name, earned=Decimal(p), applicable=e.max_points)
                for e, p in zip(self.elements, points, strict=True)
            ],
            overall_pass=rules.overall_pass_percent,
            element_pass=rules.element_pass_percent,
        )
        return result, points

    def certificate(self, plan: AuditPlan, employer: Employer) -> Certificate:
        audit = plan.audit
        assert audit.last_onsite_on is not None
        years = _rules(audit.last_onsite_on).certificate_validity_years
        certificate = self.rows.add(
            Certificate,
            number=f"COR-{audit.last_onsite_on.year}-{audit.pk:06d}",
            employer_id=employer.pk,
            audit_id=audit.pk,
            certified_on=audit.last_onsite_on,
            expires_on=certificate_expiry(audit.last_onsite_on, validity_years=years),
            status=CertificateStatus.VALID,
        )
        for unit in plan.units:
            self.rows.link(
                Certificate.classification_units.through,
                certificate_id=certificate.pk,
                classificationunit_id=unit,
            )
        self.remember(certificate, audit.decided_on or audit.last_onsite_on)
        self.certificates[employer.pk].append(certificate)
        return certificate

    # Employer stories ----------------------------------------------------------------------

    def stories(self) -> None:
        self.certificates: dict[int, list[Certificate]] = defaultdict(list)
        for index, (employer, final, units) in enumerate(self.all_employers):
            self.story(index, employer, final, units)

    def story(self, index: int, employer: Employer, final: str, units: list[int]) -> None:
        rng, today = self.rng, self.today
        if final == ES.CERTIFIED:
            first = today - self.days(200, 3300)
            if index == 0:
                first = today - timedelta(days=2900)
        elif final == ES.LAPSED:
            # Certified at least two calendar years ago, then missed year 2's maintenance.
            first = date(today.year - rng.randint(2, 3), rng.randint(1, 9), rng.randint(1, 28))
        elif final == ES.CERTIFICATION_IN_PROGRESS:
            first = today + self.days(-110, 45)
        else:
            first = today - self.days(60, 1500)
        joined = first - self.days(60, 400)
        registered = joined + self.days(3, 30)
        employer._status_now = ES.ENQUIRY  # type: ignore[attr-defined]
        employer.status_changed_on = joined
        self.contacts(employer, index, joined)
        self.interactions(employer, joined)
        if final == ES.ENQUIRY:
            self.remember(employer, joined)
            return
        if units and not self.rows_of_unit_aligned(units):
            employer.nao_approved_on = registered - self.days(1, 20)
            employer.nao_reference = f"WSBC-NAO-{employer.nao_approved_on.year}-{index:05d}"
        self.move(employer, "register", ES.REGISTERED, self.past(registered), REASONS["register"])
        self.rows.add(
            Registration,
            employer_id=employer.pk,
            program=Program.OHS,
            registered_on=self.past(registered),
            recorded_by_id=self.staff.pk,
        )
        self.gap_analysis(employer, self.past(registered))
        if final == ES.WITHDRAWN:
            self.move(
                employer,
                "withdraw",
                ES.WITHDRAWN,
                self.past(registered + self.days(30, 400)),
                REASONS["withdraw"],
            )
        elif final == ES.REMOVED:
            plan = self.audit(
                employer,
                units,
                T.CERTIFICATION,
                self.past(registered + self.days(40, 200)),
                Flow(outcome=S.CANCELLED),
            )
            self.move(
                employer,
                "start_certification",
                ES.CERTIFICATION_IN_PROGRESS,
                self.past(plan.audit.starts_on - timedelta(days=40)),
                REASONS["start_certification"],
            )
            self.move(
                employer,
                "remove",
                ES.REMOVED,
                self.past(plan.audit.status_changed_on or today),
                REASONS["remove"],
            )
        elif final == ES.REGISTERED:
            if rng.random() < 0.3:
                starts = today - self.days(150, 900)
                flow = self.flow(certifying=True)
                flow.outcome, flow.score, flow.low = S.UNSUCCESSFUL, rng.randint(60, 72), None
                flow.returned = False
                plan = self.audit(employer, units, T.CERTIFICATION, starts, flow)
                self.move(
                    employer,
                    "start_certification",
                    ES.CERTIFICATION_IN_PROGRESS,
                    self.past(starts - timedelta(days=40)),
                    REASONS["start_certification"],
                )
                self.move(
                    employer,
                    "fail_certification",
                    ES.REGISTERED,
                    plan.audit.decided_on or today,
                    REASONS["fail_certification"],
                )
        elif final == ES.CERTIFICATION_IN_PROGRESS:
            flow = self.flow(certifying=True, strict=True)
            flow.hold = True
            self.audit(employer, units, T.CERTIFICATION, first, flow)
            self.move(
                employer,
                "start_certification",
                ES.CERTIFICATION_IN_PROGRESS,
                self.past(min(registered + self.days(5, 60), first - timedelta(days=30))),
                REASONS["start_certification"],
            )
        elif final in (ES.CERTIFIED, ES.LAPSED):
            self.certified(employer, units, first, lapsed=final == ES.LAPSED)
        self.remember(employer, joined)

    def rows_of_unit_aligned(self, units: list[int]) -> bool:
        aligned = {u.pk for u in self.aligned}
        return all(u in aligned for u in units)

    def certified(self, employer: Employer, units: list[int], first: date, *, lapsed: bool) -> None:
        """Certification, then cycle after cycle until today: maintenance years, recertification."""
        rng, today = self.rng, self.today
        self.move(
            employer,
            "start_certification",
            ES.CERTIFICATION_IN_PROGRESS,
            self.past(first - timedelta(days=40)),
            REASONS["start_certification"],
        )
        plan = self.audit(
            employer, units, T.CERTIFICATION, first, self.flow(certifying=True, strict=True)
        )
        if not plan.decided:
            raise RuntimeError("a certified employer's first audit must be decided")
        certificate = self.certificate(plan, employer)
        self.move(
            employer, "certify", ES.CERTIFIED, plan.audit.decided_on or today, REASONS["certify"]
        )
        while True:
            schedule = cycle_schedule(certificate.certified_on, certificate.expires_on)
            for year in schedule[1:-1]:  # the maintenance years
                if lapsed and year.number == 2:
                    lapse_on = date(year.calendar_year + 1, 1, 1)
                    if rng.random() < 0.4:  # planned, then cancelled
                        starts = date(year.calendar_year, rng.randint(8, 10), rng.randint(1, 28))
                        self.audit(
                            employer,
                            units,
                            T.MAINTENANCE,
                            starts,
                            Flow(outcome=S.CANCELLED),
                            certificate=certificate,
                        )
                    certificate.status = CertificateStatus.LAPSED
                    certificate.ended_on = lapse_on
                    certificate.end_reason = (
                        f"No maintenance audit finished its onsite work by "
                        f"{year.due_by.isoformat()} (cycle year 2 of {year.calendar_year})"
                    )
                    self.move(employer, "lapse", ES.LAPSED, lapse_on, certificate.end_reason)
                    return
                starts = date(year.calendar_year, 2, 15) + self.days(0, 258)  # by October 31
                if starts > today + timedelta(days=120):
                    return
                if starts > today and rng.random() < 0.6:
                    return  # not planned yet
                self.audit(
                    employer,
                    units,
                    T.MAINTENANCE,
                    starts,
                    self.flow(certifying=False),
                    certificate=certificate,
                )
            starts = certificate.expires_on - self.days(80, 130)
            if starts > today + timedelta(days=60):
                return
            plan = self.audit(
                employer,
                units,
                T.RECERTIFICATION,
                starts,
                self.flow(certifying=True, strict=True),
                certificate=certificate,
            )
            if not plan.decided:
                return
            renewed = self.certificate(plan, employer)
            certificate.status = CertificateStatus.SUPERSEDED
            certificate.ended_on = renewed.certified_on
            certificate.end_reason = "Recertified"
            certificate = renewed

    def gap_analysis(self, employer: Employer, registered: date) -> None:
        rng = self.rng
        if rng.random() > 0.6:
            return
        offered = registered
        stage = rng.choice(
            ["offered", "requested", "scheduled", "completed", "completed", "declined"]
        )
        values: dict[str, Any] = {"offered_on": offered}
        if stage in ("requested", "scheduled", "completed"):
            values["requested_on"] = self.past(offered + self.days(1, 20))
        if stage in ("scheduled", "completed"):
            values["scheduled_on"] = offered + self.days(21, 60)
        if stage == "completed":
            values["completed_on"] = self.past(values["scheduled_on"])
            values["findings"] = "Written program in place; inspections and JHSC minutes need work."
        if stage == "declined":
            values["declined_on"] = self.past(offered + self.days(1, 30))
        gap = self.rows.add(
            GapAnalysis,
            employer_id=employer.pk,
            consultant_id=rng.choice(self.reviewers).pk,
            **values,
        )
        self.remember(gap, offered)

    def interactions(self, employer: Employer, joined: date) -> None:
        rng, today = self.rng, self.today
        for n in range(rng.choice([0, 1, 1, 2, 2, 3, 4])):
            kind, source, summary = rng.choice(INTERACTIONS)
            occurred = self.past(joined + self.days(0, max(1, (today - joined).days)))
            due = done = None
            if rng.random() < 0.3:
                due = occurred + self.days(3, 45)
                if due < today and rng.random() < 0.7:
                    done = self.past(due + self.days(-2, 5))
                    done = max(done, occurred)
            row = self.rows.add(
                Interaction,
                employer_id=employer.pk,
                kind=kind,
                source=source,
                occurred_on=occurred,
                staff_member_id=rng.choice(self.reviewers).pk,
                summary=summary,
                notes="" if n else "First contact.",
                follow_up_due=due,
                follow_up_done_on=done,
            )
            self.remember(row, occurred)

    # Training, EAQA, WIVA --------------------------------------------------------------------

    def training(self) -> None:
        rng, today = self.rng, self.today
        courses = []
        for code, name, kind, online in [
            (
                "scale-internal-auditor",
                "COR internal auditor training",
                CourseKind.INTERNAL_AUDITOR,
                False,
            ),
            (
                "scale-external-auditor",
                "COR external auditor training",
                CourseKind.EXTERNAL_AUDITOR,
                False,
            ),
            ("scale-update", "Auditor update session", CourseKind.UPDATE_SESSION, True),
            (
                "scale-orientation",
                "Health and safety orientation",
                CourseKind.EMPLOYER_COURSE,
                True,
            ),
            ("scale-jhsc", "Joint committee fundamentals", CourseKind.EMPLOYER_COURSE, False),
        ]:
            courses.append(
                Course.objects.filter(code=code).first()
                or self.rows.add(Course, code=code, name=name, kind=kind, online=online)
            )
        employers = [e for e, _s, _u in self.all_employers]
        for index in range(max(4, self.n // 50)):
            course = courses[index % len(courses)]
            starts = today + self.days(-1000, 90)
            session = self.rows.add(
                TrainingSession,
                course_id=course.pk,
                starts_on=starts,
                ends_on=starts + timedelta(days=0 if course.online else 1),
                location="" if course.online else rng.choice(CITIES[rng.choice(list(Region))]),
                online=course.online,
                capacity=20,
                instructor=rng.choice(STAFF_REVIEWERS),
            )
            for n in range(rng.randint(6, 18)):
                employer = rng.choice(employers)
                first, last = FIRST_NAMES[(index + n) % 20], LAST_NAMES[(index * 3 + n) % 20]
                email = f"{first.lower()}.{last.lower()}.{index}.{n}@students.example"
                past = starts < today
                result = (
                    rng.choice(
                        [EnrolmentResult.PASSED] * 8
                        + [EnrolmentResult.FAILED, EnrolmentResult.ABSENT]
                    )
                    if past
                    else EnrolmentResult.PENDING
                )
                enrolment = self.rows.add(
                    Enrolment,
                    session_id=session.pk,
                    employer_id=employer.pk,
                    name=f"{first} {last}",
                    email=email,
                    attended=result in (EnrolmentResult.PASSED, EnrolmentResult.FAILED),
                    result=result,
                    enrolled_on=self.past(starts - self.days(5, 40)),
                )
                if result == EnrolmentResult.PASSED:
                    self.rows.add(
                        CourseCompletion,
                        course_id=course.pk,
                        name=enrolment.name,
                        email=email,
                        employer_id=employer.pk,
                        completed_on=starts,
                        source=CompletionSource.SESSION,
                        enrolment_id=enrolment.pk,
                    )
        # Online courses completed through the LMS: about one per employer.
        for index in range(self.n):
            employer = rng.choice(employers)
            first, last = FIRST_NAMES[index % 20], LAST_NAMES[(index * 7) % 20]
            self.rows.add(
                CourseCompletion,
                course_id=courses[3].pk,
                name=f"{first} {last}",
                email=f"{first.lower()}.{last.lower()}.{index}@lms.example",
                employer_id=employer.pk,
                completed_on=today - self.days(0, 1000),
                source=CompletionSource.LMS,
            )

    def eaqas(self) -> None:
        rng, today = self.rng, self.today
        for year in range(today.year - 2, today.year + 1):
            roster = [a for a in self.external if a.certified_on and a.certified_on.year <= year]
            for auditor in rng.sample(roster, k=min(len(roster), -(-len(roster) // 10))):
                planned = date(year, 2, 1)
                conducted = date(year, rng.randint(3, 11), rng.randint(1, 28))
                done = conducted <= today and (year < today.year or rng.random() < 0.7)
                self.rows.add(
                    EAQA,
                    auditor_id=auditor.pk,
                    year=year,
                    planned_on=planned,
                    conducted_on=conducted if done else None,
                    reviewer_id=rng.choice(self.reviewers).pk,
                    findings="Sampling and evidence in order." if done else "",
                    outcome=rng.choice(list(EAQAOutcome)) if done else "",
                )
        for auditor in rng.sample(self.external, k=max(1, len(self.external) // 10)):
            employer = rng.choice(self.all_employers)[0]
            started = today - self.days(100, 1500)
            self.rows.add(
                ConsultingEngagement,
                auditor_id=auditor.pk,
                employer_id=employer.pk,
                started_on=started,
                ended_on=started + self.days(10, 90),
                description="Helped write safe work procedures",
                source=EngagementSource.STAFF,
                recorded_by_id=self.staff.pk,
            )

    def wiva(self) -> None:
        rng, today = self.rng, self.today
        certified = [e for e, s, _u in self.all_employers if s == ES.CERTIFIED]
        for index, employer in enumerate(
            rng.sample(certified, k=min(len(certified), max(2, self.n // 500)))
        ):
            opened = today - self.days(5, 300)
            case = self.rows.add(
                WivaCase,
                number=f"WIVA-{opened.year}-{index + 1:04d}",
                employer_id=employer.pk,
                reason="WorkSafeBC asked to verify the injury records behind the audit.",
                budget=Decimal(rng.randint(30, 80) * 100),
                status=WivaStatus.OPEN,
            )
            self.remember(case, opened)
            self.rows.add(
                WivaStepRecord,
                case_id=case.pk,
                step=WivaStep.NOTIFY_EMPLOYER,
                done_on=opened,
                actor_id=self.staff.pk,
                note="Employer told by phone and email.",
            )

    # Incentives ----------------------------------------------------------------------------

    def payrolls(self) -> None:
        """Assessable payroll for every CU of every employer certified in the last years."""
        today = self.today
        for employer_id, certificates in self.certificates.items():
            units = self.employer_rows[employer_id][2]
            for year in range(today.year - 3, today.year):
                covered = any(
                    c.certified_on <= date(year, 12, 31) and c.expires_on > date(year, 1, 1)
                    for c in certificates
                )
                if not covered:
                    continue
                for unit in units:
                    if self.rng.random() < 0.02:
                        continue  # not reported: the incentive waits for it
                    payroll = self.rows.add(
                        Payroll,
                        employer_id=employer_id,
                        unit_id=unit,
                        year=year,
                        assessable_payroll=Decimal(self.rng.randint(80, 60_000) * 1000),
                    )
                    self.remember(payroll, date(year + 1, 3, 1))
            if self.rng.random() < 0.03:
                year = today.year - self.rng.randint(1, 2)
                self.rows.add(
                    Exclusion,
                    employer_id=employer_id,
                    year=year,
                    kind=self.rng.choice(list(ExclusionKind)),
                    occurred_on=date(year, self.rng.randint(1, 12), 10),
                    source="WorkSafeBC notice",
                    recorded_by_id=self.staff.pk,
                )
            elif self.rng.random() < 0.01:
                year = today.year - 1
                self.rows.add(
                    Appeal,
                    employer_id=employer_id,
                    year=year,
                    filed_on=date(year, 11, 3),
                    recorded_by_id=self.staff.pk,
                )
            elif self.rng.random() < 0.005:
                self.rows.add(
                    Decision,
                    employer_id=employer_id,
                    year=today.year - 1,
                    outcome=DecisionOutcome.ELIGIBLE,
                    reason="Balance paid before the assessment date.",
                    decided_on=date(today.year, 1, 20),
                    decided_by_id=self.staff.pk,
                )

    def build(self) -> None:
        self.people()
        self.units()
        self.employers()
        self.employer_rows = {e.pk: (e, s, u) for e, s, u in self.all_employers}
        self.auditors()
        self.stories()
        self.training()
        self.eaqas()
        self.wiva()
        self.payrolls()


REASONS = {
    "register": "Registration form and CU eligibility confirmed",
    "start_certification": "Certification audit planned",
    "fail_certification": "Certification audit unsuccessful",
    "certify": "Certificate issued",
    "withdraw": "Employer chose to leave the program",
    "remove": "Terms of participation not met",
    "file_notice": "Notice of Audit filed",
    "start": "Audit started",
    "complete_onsite": "Onsite work complete",
    "submit": "Report submitted to QA",
    "resubmit": "Report submitted to QA",
    "start_review": "QA review started",
    "return_for_revision": "Evidence missing for two elements",
    "approve": "Approved after QA review",
    "reject": "Below the pass marks",
    "cancel": "The employer postponed the audit",
}

# The order tables are written in (every foreign key points to a table already written).
ORDER: list[type[models.Model]] = [
    get_user_model(),
    ClassificationUnit,
    BaseRate,
    Employer,
    Employer.classification_units.through,
    Contact,
    EmployerStatusChange,
    Registration,
    GapAnalysis,
    Interaction,
    Auditor,
    AuditorArea,
    AuditorSector,
    AuditorStatusChange,
    AnnualDeclaration,
    CPDActivity,
    ConsultingEngagement,
    EAQA,
    Course,
    TrainingSession,
    Enrolment,
    CourseCompletion,
    Audit,
    Audit.scope.through,
    AuditStatusChange,
    Certificate,
    Certificate.classification_units.through,
    Submission,
    ElementScore,
    Review,
    ReviewNote,
    Extension,
    WivaCase,
    WivaStepRecord,
    Payroll,
    Exclusion,
    Appeal,
    Decision,
]
# Every table the build fills: the rows written in ORDER, then the incentives computed after.
FILLED: list[type[models.Model]] = [*ORDER, Incentive, IncentiveLine]


def _values(model: type[models.Model], fields: list[Any]) -> Callable[[Any], list[Any]]:
    """Return a function giving a row's values for ``fields``: its own, else the defaults."""
    now = timezone.now()
    getters: list[Callable[[dict[str, Any]], Any]] = []
    for f in fields:
        if f.primary_key:
            getters.append(lambda d: d["pk"])
            continue
        if getattr(f, "auto_now", False) or getattr(f, "auto_now_add", False):
            default: Any = now
            per_row = None
        elif f.has_default() and callable(f.default):
            default, per_row = None, f.get_default
        else:
            default, per_row = f.get_default(), None

        def get(d: dict[str, Any], name=f.attname, default=default, per_row=per_row) -> Any:
            if name in d:
                value = d[name]
            else:
                return per_row() if per_row else default
            # Choices members are str or int subclasses: store their plain values.
            if isinstance(value, enum.Enum):
                return value.value
            return value

        getters.append(get)
    return lambda row: [get(row.__dict__) for get in getters]


def copy_rows(model: type[models.Model], rows: list[Any]) -> None:
    """Insert rows with PostgreSQL's COPY (the fastest bulk insert), given columns only."""
    fields = [
        f for f in model._meta.concrete_fields if not f.primary_key or "pk" in rows[0].__dict__
    ]
    values = _values(model, fields)
    qn = connection.ops.quote_name
    sql = f"COPY {qn(model._meta.db_table)} ({', '.join(qn(f.column) for f in fields)}) FROM STDIN"
    with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
        for row in rows:
            copy.write_row(values(row))


def copy_history(model: type[models.Model], rows: list[Any]) -> None:
    """Insert the change history rows of ``rows`` ("created", dated and by whom they say)."""
    historical = model.history.model  # type: ignore[attr-defined]
    tracked = list(historical.tracked_fields)
    values = _values(model, tracked)
    qn = connection.ops.quote_name
    columns = [f.column for f in tracked] + [
        "history_date",
        "history_change_reason",
        "history_type",
        "history_user_id",
    ]
    sql = f"COPY {qn(historical._meta.db_table)} ({', '.join(qn(c) for c in columns)}) FROM STDIN"
    with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
        for row in rows:
            copy.write_row([*values(row), row._history_date, None, "+", row._history_user_id])


def write(builder: Builder, say: Callable[[str], None]) -> dict[str, int]:
    """Insert every row the builder made, table by table; return the counts."""
    counts: dict[str, int] = {}
    rows = builder.rows.rows
    for model in ORDER:
        objs = rows.get(model, [])
        if not objs:
            continue
        started = time.monotonic()
        copy_rows(model, objs)
        counts[model._meta.label] = len(objs)
        say(f"  {model._meta.label}: {len(objs):,} rows in {time.monotonic() - started:.1f} s")
    started = time.monotonic()
    history = 0
    for model, objs in builder.history.items():
        copy_history(model, objs)
        history += len(objs)
    counts["history"] = history
    say(f"  change history: {history:,} rows in {time.monotonic() - started:.1f} s")
    reset_sequences([m for m in ORDER if rows.get(m)])
    return counts


def _tables(models_: Iterable[type[models.Model]]) -> str:
    """The models' tables and their history tables, quoted, for one statement."""
    tables: list[str] = []
    for model in models_:
        tables.append(model._meta.db_table)
        historical = getattr(getattr(model, "history", None), "model", None)
        if historical is not None:
            tables.append(historical._meta.db_table)
    return ", ".join(connection.ops.quote_name(t) for t in dict.fromkeys(tables))


def analyze(models_: Iterable[type[models.Model]]) -> None:
    """Refresh the planner's statistics of the tables just filled (as autovacuum would later)."""
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE " + _tables(models_))


def vacuum() -> bool:
    """Vacuum the tables filled here, as autovacuum does in a database that has been running.

    Bulk-loaded tables have no visibility map yet, so index-only scans still read every row's
    page; a database that has been in use has been vacuumed. VACUUM cannot run in a
    transaction: there (a test), return False and leave the statistics of ``build``.
    """
    if connection.in_atomic_block:
        return False
    with connection.cursor() as cursor:
        cursor.execute("VACUUM (ANALYZE) " + _tables(FILLED))
    return True


def reset_sequences(tables: Iterable[type[models.Model]]) -> None:
    """Move the tables' id sequences past the ids given here."""
    statements = connection.ops.sequence_reset_sql(no_style(), list(tables))
    with connection.cursor() as cursor:
        for sql in statements:
            cursor.execute(sql)


def incentives(builder: Builder, say: Callable[[str], None]) -> int:
    """Compute the last two assessment years with the run's own functions; store them."""
    today = builder.today
    rows = Rows()
    made = 0
    for year in (today.year - 2, today.year - 1):
        rules = ProgramRules.objects.for_year(year)
        rate_year = year + rules.base_rate_year_offset
        ids = incentive_services.certified_employer_ids(year)
        facts = incentive_services.gather_facts(year, ids)
        payrolls: dict[int, dict[int, Decimal]] = defaultdict(dict)
        for employer_id, unit_id, amount in Payroll.objects.filter(
            year=year, employer_id__in=ids
        ).values_list("employer_id", "unit_id", "assessable_payroll"):
            payrolls[employer_id][unit_id] = amount
        rates = dict(BaseRate.objects.filter(year=rate_year).values_list("unit_id", "rate"))
        computed_at = _at(date(year + 1, 4, 15))
        for employer_id in ids:
            computed = incentive_services.compute(
                year=year,
                rules=rules,
                fact=facts[employer_id],
                payrolls=payrolls[employer_id],
                rates=rates,
            )
            certificate = computed.certificate
            incentive = rows.add(
                Incentive,
                employer_id=employer_id,
                year=year,
                status=computed.status,
                reasons="\n".join(str(r) for r in computed.reasons),
                base_rate_year=rate_year,
                total_amount=computed.total,
                certificate_id=certificate.pk if certificate else None,
                certificate_number=certificate.number if certificate else "",
                certificate_expires_on=certificate.expires_on if certificate else None,
                figures_hash=computed.figures_hash,
                computed_at=computed_at,
                run_id=None,
            )
            incentive._history_date = computed_at
            incentive._history_user_id = builder.staff.pk
            for line in computed.lines:
                rows.add(
                    IncentiveLine,
                    incentive_id=incentive.pk,
                    unit_id=line["unit"].pk,
                    unit_code=line["code"],
                    unit_description=line["description"],
                    kind=line["kind"] or LineKind.STANDARD,
                    assessable_payroll=line["payroll"],
                    base_rate=line["base_rate"],
                    percent=line["percent"],
                    amount=line["amount"],
                )
            made += 1
    if made:
        copy_rows(Incentive, rows.rows[Incentive])
        copy_rows(IncentiveLine, rows.rows[IncentiveLine])
        copy_history(Incentive, rows.rows[Incentive])
        reset_sequences([Incentive, IncentiveLine])
    say(f"  incentives.Incentive: {made:,}; lines: {len(rows.rows[IncentiveLine]):,}")
    return made


@transaction.atomic
def build(
    *, employers: int, today: date, seed: int, password: str, say: Callable[[str], None]
) -> dict[str, int]:
    """Build and store the association; return the row counts by table."""
    started = time.monotonic()
    builder = Builder(employers=employers, today=today, seed=seed, password=password)
    builder.build()
    total = sum(len(objs) for objs in builder.rows.rows.values())
    say(f"Generated {total:,} rows in {time.monotonic() - started:.1f} s; writing...")
    counts = write(builder, say)
    counts["incentives.Incentive"] = incentives(builder, say)
    started = time.monotonic()
    analyze(FILLED)
    say(f"  statistics refreshed (ANALYZE) in {time.monotonic() - started:.1f} s")
    builder_staff = get_user_model().objects.get(pk=builder.staff.pk)
    counts["_staff_id"] = builder_staff.pk
    return counts
