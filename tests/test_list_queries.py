"""Every list page and API list makes the same number of SQL queries at 3 and at 25 rows.

DESIGN.md section 5 budgets every list to a constant number of queries, at most 12. The table
below names, for each list of the URLconf, who asks for it and how to add rows that person
sees; the test adds 3 rows, asks (twice: the first request warms the per-process caches),
adds 22 more and asks again. A query per row shows up as a difference between the two
counts; a list that reads too much shows up against the budget.

A URL counts as a list when its view is a Django list view (``MultipleObjectMixin``,
``SingleTableMixin``), a DRF ``list`` action, or its name ends in ``list``, ``board``,
``queue``, ``index``, ``directory`` or ``changelog``; each one needs a row in ``LIST_CASES``
or a reason in ``NOT_MEASURED``, so a new list cannot ship without its query count.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from django.views.generic.list import MultipleObjectMixin
from django_tables2 import SingleTableMixin

from auditors.models import AnnualDeclaration, CourseCompletion
from auditors.tests.factories import (
    AuditorFactory,
    ConsultingEngagementFactory,
    CourseFactory,
    CPDActivityFactory,
    EAQAFactory,
    EnrolmentFactory,
    TrainingSessionFactory,
)
from audits.tests.factories import (
    AuditFactory,
    CertificateFactory,
    ExtensionFactory,
    SubmissionFactory,
)
from cor_portal.accounts.choices import Role
from cor_portal.accounts.tests.factories import UserFactory
from cor_portal.notifications.models import Notification
from employers.tests.factories import (
    ClassificationUnitFactory,
    ContactFactory,
    EmployerFactory,
    GapAnalysisFactory,
    InteractionFactory,
)
from incentives.tests.factories import BaseRateFactory, PayrollFactory, incentive_for
from tests.role_matrix import ActorClient, Route, World, skip_reason
from workplan import sources
from workplan.tests.factories import (
    ActivityFactory,
    IndicatorFactory,
    KPIFactory,
    MandateFactory,
    MeasurementFactory,
    WorkplanFactory,
)

pytestmark = pytest.mark.django_db

BUDGET = 12
SMALL, LARGE = 3, 25
LIST_SUFFIX = re.compile(r"(^|[:-])(list|board|queue|index|directory|changelog)$")
SERIAL = itertools.count(1)

Make = Callable[[World, int], Any]
Kwargs = Callable[[World], dict[str, Any]]


@dataclass(frozen=True)
class ListCase:
    """A list URL, the actor who reads it, and how to add ``n`` rows that actor sees."""

    name: str
    actor: str
    make: Make
    kwargs: Kwargs | None = None
    query: str = ""
    export: bool = False  # also count the CSV export of the whole list
    rows: Callable[[Any], int] | None = None  # how many rows a response shows, when not found

    @property
    def id(self) -> str:
        return f"{self.name}[{self.actor}]"


def _serial() -> int:
    return next(SERIAL)


# Rows of each kind -----------------------------------------------------------------------------


def employers(w: World, n: int) -> None:
    for _ in range(n):
        employer = EmployerFactory(classification_units=[ClassificationUnitFactory()])
        ContactFactory(employer=employer, is_primary=True)


def interactions(w: World, n: int) -> None:
    InteractionFactory.create_batch(n)


def gap_analyses(w: World, n: int) -> None:
    GapAnalysisFactory.create_batch(n)


def units(w: World, n: int) -> None:
    ClassificationUnitFactory.create_batch(n)


def employer_history(w: World, n: int) -> None:
    for _ in range(n):
        w.employer_a.trade_name = f"Alpha {_serial()}"
        w.employer_a.save()


def contacts_of_a(w: World, n: int) -> None:
    ContactFactory.create_batch(n, employer=w.employer_a)


def gap_analyses_of_a(w: World, n: int) -> None:
    GapAnalysisFactory.create_batch(n, employer=w.employer_a)


def auditors(w: World, n: int) -> None:
    for _ in range(n):
        auditor = AuditorFactory(listed_in_directory=True)
        auditor.regions.create(region="vancouver_island")
        auditor.sectors.create(sector="accommodation")


def courses(w: World, n: int) -> None:
    for _ in range(n):
        TrainingSessionFactory(course=CourseFactory())


def sessions(w: World, n: int) -> None:
    for _ in range(n):
        EnrolmentFactory(session=TrainingSessionFactory(course=CourseFactory()))


def enrolments(w: World, n: int) -> None:
    EnrolmentFactory.create_batch(n, session=TrainingSessionFactory(course=CourseFactory()))


def completions(w: World, n: int) -> None:
    for _ in range(n):
        serial = _serial()
        CourseCompletion.objects.create(
            course=CourseFactory(),
            name=f"Student {serial}",
            email=f"student{serial}@example.org",
            employer=EmployerFactory(),
            completed_on=timezone.localdate() - timedelta(days=serial % 300),
            source="manual",
        )


def eaqas(w: World, n: int) -> None:
    for _ in range(n):
        report = ContentFile(b"%PDF-1.4\n% eaqa\n", name="eaqa.pdf")
        EAQAFactory(report=report)


def cpd_of_auditor(w: World, n: int) -> None:
    CPDActivityFactory.create_batch(n, auditor=w.auditor_a)


def declarations_of_auditor(w: World, n: int) -> None:
    # One declaration a year, within the years a declaration may have (2000-2100).
    first = 2000 + AnnualDeclaration.objects.filter(auditor=w.auditor_a).count()
    for year in range(first, first + n):
        AnnualDeclaration.objects.create(
            auditor=w.auditor_a,
            year=year,
            cpd_hours=Decimal("12.5"),
            follows_code_of_ethics=True,
            independent=True,
            information_accurate=True,
            submitted_on=timezone.localdate(),
        )


def engagements_of_auditor(w: World, n: int) -> None:
    ConsultingEngagementFactory.create_batch(n, auditor=w.auditor_a)


def audits(w: World, n: int) -> None:
    for _ in range(n):
        AuditFactory()


def audits_of_a(w: World, n: int) -> None:
    """Audits of employer A led by the ``auditor`` actor: every scoped actor sees them."""
    for i in range(n):
        AuditFactory(
            employer=w.employer_a,
            lead_auditor=w.auditor_a,
            starts_on=timezone.localdate() + timedelta(days=10 + i),
        )


def extensions_of_auditor(w: World, n: int) -> None:
    for _ in range(n):
        ExtensionFactory(audit=AuditFactory(lead_auditor=w.auditor_a))


def certificates(w: World, n: int) -> None:
    CertificateFactory.create_batch(n)


def certificates_of_a(w: World, n: int) -> None:
    for _ in range(n):
        audit = AuditFactory(
            employer=w.employer_a,
            lead_auditor=w.auditor_a,
            status="approved",
            starts_on=timezone.localdate() - timedelta(days=1400 + 30 * (_serial() % 30)),
            last_onsite_on=timezone.localdate() - timedelta(days=1390),
            passed=True,
        )
        CertificateFactory(audit=audit)


def _submitted(**audit: Any) -> Any:
    report = ContentFile(b"%PDF-1.4\n% queue\n", name="report.pdf")
    audit = AuditFactory(
        status="submitted",
        starts_on=timezone.localdate() - timedelta(days=60),
        last_onsite_on=timezone.localdate() - timedelta(days=30),
        **audit,
    )
    return SubmissionFactory(audit=audit, report=report, submitted_on=timezone.localdate())


def reviews(w: World, n: int) -> None:
    from audits.models import Review

    for _ in range(n):
        submission = _submitted()
        Review.objects.create(audit=submission.audit, submission=submission)


def notes_of_auditor(w: World, n: int) -> None:
    from audits.models import Review, ReviewNote

    for _ in range(n):
        submission = _submitted(lead_auditor=w.auditor_a)
        review = Review.objects.create(
            audit=submission.audit,
            submission=submission,
            outcome="returned",
            decided_on=timezone.localdate(),
        )
        ReviewNote.objects.create(review=review, kind="actionable", text="Add records.")


def revisions_of_auditor(w: World, n: int) -> None:
    from audits.models import Review

    for _ in range(n):
        submission = _submitted(lead_auditor=w.auditor_a)
        Review.objects.create(audit=submission.audit, submission=submission)


def similarity_matches(w: World, n: int) -> None:
    from audits.models import SimilarityMatch

    for _ in range(n):
        SimilarityMatch.objects.create(
            submission=_submitted(),
            earlier=_submitted(),
            score=90,
            estimate=88,
            threshold=60,
            flagged=True,
        )


def wiva_cases(w: World, n: int) -> None:
    from audits import services_wiva

    for _ in range(n):
        case = services_wiva.open_case(actor=None, employer=EmployerFactory(), budget=Decimal(5000))
        services_wiva.notify_employer(case=case, actor=None, on=timezone.localdate())


def base_rates(w: World, n: int) -> None:
    BaseRateFactory.create_batch(n)


def payrolls(w: World, n: int) -> None:
    PayrollFactory.create_batch(n)


def incentives(w: World, n: int) -> None:
    for _ in range(n):
        incentive_for(EmployerFactory())


def incentive_runs(w: World, n: int) -> None:
    from incentives.models import IncentiveRun

    for _ in range(n):
        IncentiveRun.objects.create(year=2000 + _serial() % 24, status="done")


def _letter(incentive: Any, version: int) -> Any:
    from incentives.models import Letter

    serial = _serial()
    return Letter.objects.create(
        incentive=incentive,
        employer=incentive.employer,
        year=incentive.year,
        version=version,
        number=f"L-{serial:06d}",
        reason="First issue",
        total_amount=incentive.total_amount,
        figures_hash=incentive.figures_hash,
        file=ContentFile(b"%PDF-1.4\n% letter\n", name=f"letter-{serial}.pdf"),
        sha256="0" * 64,
    )


def letters(w: World, n: int) -> None:
    for _ in range(n):
        _letter(incentive_for(EmployerFactory()), 1)


def letters_of_a(w: World, n: int) -> None:
    from incentives.models import Incentive

    incentive = Incentive.objects.filter(employer=w.employer_a).first() or incentive_for(
        w.employer_a
    )
    start = incentive.letters.count()
    for version in range(start + 1, start + n + 1):
        _letter(incentive, version)


def incentives_of_a(w: World, n: int) -> None:
    for _ in range(n):
        incentive_for(w.employer_a, year=2000 + _serial() % 100)


def workplans(w: World, n: int) -> None:
    for _ in range(n):
        plan = WorkplanFactory(starts_on=date(1990 + _serial(), 4, 1))
        ActivityFactory(mandate=MandateFactory(workplan=plan))


def _plan() -> Any:
    return WorkplanFactory(starts_on=date(2023, 4, 1))


def mandates(w: World, n: int) -> None:
    plan = _plan()
    for _ in range(n):
        mandate = MandateFactory(workplan=plan, number=100 + _serial())
        ActivityFactory(mandate=mandate)
        IndicatorFactory(mandate=mandate)


def activities(w: World, n: int) -> None:
    mandate = MandateFactory(workplan=_plan(), number=100 + _serial())
    ActivityFactory.create_batch(n, mandate=mandate)


def _kpis(n: int, years: tuple[int, ...]) -> None:
    """Add KPIs over every source, and entered ones with a measurement, across the years."""
    keys = sorted(sources.SOURCES)
    for i in range(n):
        plan = WorkplanFactory(starts_on=date(years[i % len(years)], 4, 1))
        mandate = MandateFactory(workplan=plan, number=100 + _serial())
        if i % 4 == 3:
            kpi = KPIFactory(mandate=mandate, kind="entered", target=Decimal(10))
            MeasurementFactory(kpi=kpi, quarter=1, value=Decimal(3))
        else:
            key = keys[_serial() % len(keys)]
            unit = sources.SOURCES[key].unit
            KPIFactory(mandate=mandate, kind="computed", source=key, unit=unit)


def kpis(w: World, n: int) -> None:
    _kpis(n, (2023, 2024))


def dashboard_kpis(w: World, n: int) -> None:
    today = timezone.localdate()
    _kpis(n, (today.year if today.month >= 4 else today.year - 1,))


def notifications_of_auditor(w: World, n: int) -> None:
    for _ in range(n):
        Notification.objects.create(
            recipient=w.auditor_user, subject="Due soon", body="A deadline.", url="/auditor/"
        )


def invitations(w: World, n: int) -> None:
    from selfservice.services import invite_contact

    for _ in range(n):
        invite_contact(contact=ContactFactory(user=None), actor=None)


def logins(w: World, n: int) -> None:
    for _ in range(n):
        employer = EmployerFactory()
        user = UserFactory(role=Role.EMPLOYER)
        ContactFactory(employer=employer, user=user, email=user.email)


def changes(w: World, n: int) -> None:
    for _ in range(n):
        employer = EmployerFactory()
        employer.trade_name = "Renamed"
        employer.save()


def applications(w: World, n: int) -> None:
    from selfservice.applications import submit_application

    for _ in range(n):
        serial = _serial()
        submit_application(
            classification_units=[ClassificationUnitFactory()],
            legal_name=f"Applicant {serial} Ltd.",
            account_number=f"{6000000 + serial}",
            region="vancouver_island",
            sector="accommodation",
            employees=5,
            city="Victoria",
            contact_first_name="Ann",
            contact_last_name="Applicant",
            contact_email=f"ann{serial}@applicant.example",
        )


def cycle_audits_of_a(w: World, n: int) -> None:
    """Maintenance audits planned in the cycle of employer A's certificate."""
    for i in range(n):
        AuditFactory(
            employer=w.employer_a,
            lead_auditor=w.auditor_a,
            audit_type="maintenance",
            cycle_certificate=w.certificate_a,
            cycle_year=2 + i % 2,
            starts_on=timezone.localdate() + timedelta(days=20 + i),
        )


def audit_tools(w: World, n: int) -> None:
    from audits.models import AuditElement, AuditTool

    for _ in range(n):
        tool = AuditTool.objects.create(name=f"Audit tool {_serial()}", program="ohs")
        AuditElement.objects.create(tool=tool, number=1, name="Element", max_points=100)


def _context(key: str) -> Callable[[Any], int]:
    return lambda response: len(response.context[key])


def _cycle_audits(response: Any) -> int:
    return sum(len(year["audits"]) for year in response.json()["years"])


def _pk(attr: str) -> Kwargs:
    return lambda w: {"pk": getattr(w, attr).pk}


LIST_CASES: list[ListCase] = [
    # Employers
    ListCase("employers:list", "staff", employers, export=True),
    ListCase("employers:history", "staff", employer_history, kwargs=_pk("employer_a")),
    ListCase("employers:interaction-list", "staff", interactions, export=True),
    ListCase("employers:gap-analysis-list", "staff", gap_analyses, export=True),
    ListCase("employers:cu-list", "staff", units, export=True),
    ListCase("api:employer-list", "staff", employers),
    ListCase("api:contact-list", "employer_a", contacts_of_a),
    ListCase("api:cu-list", "staff", units),
    ListCase("api:interaction-list", "staff", interactions),
    ListCase("api:gap-analysis-list", "employer_a", gap_analyses_of_a),
    # Auditors
    ListCase("auditors:list", "staff", auditors, export=True),
    ListCase("auditors:course-list", "staff", courses, export=True),
    ListCase("auditors:session-list", "staff", sessions, export=True),
    ListCase("auditors:completion-list", "staff", completions, export=True),
    ListCase("auditors:eaqa", "staff", eaqas, rows=_context("eaqas")),
    ListCase("auditor-directory", "employer_a", auditors),
    ListCase("api:auditor-list", "staff", auditors),
    ListCase("api:auditor-directory-list", "employer_a", auditors),
    ListCase("api:training-session-list", "staff", sessions),
    ListCase("api:enrolment-list", "staff", enrolments),
    ListCase("api:cpd-activity-list", "auditor", cpd_of_auditor),
    ListCase("api:declaration-list", "auditor", declarations_of_auditor),
    ListCase("api:consulting-engagement-list", "auditor", engagements_of_auditor),
    ListCase("api:eaqa-list", "staff", eaqas),
    # Audits, QA, WIVA, certificates, verify
    ListCase("audits:board", "staff", audits, export=True),
    ListCase("audits:certificate-list", "staff", certificates, export=True),
    ListCase("audits:wiva-list", "staff", wiva_cases, export=True),
    ListCase("qa:queue", "staff", reviews, export=True),
    ListCase("verify", "anonymous", certificates, query="q=Employer"),
    ListCase("verify-directory", "anonymous", certificates),
    ListCase("api:audit-list", "staff", audits),
    ListCase("api:audit-list", "auditor", audits_of_a),
    ListCase("api:audit-element-list", "staff", audit_tools),
    ListCase("api:extension-list", "auditor", extensions_of_auditor),
    ListCase("api:certificate-list", "employer_a", certificates_of_a),
    ListCase("api:cycle-list", "employer_a", cycle_audits_of_a, rows=_cycle_audits),
    ListCase("api:deadline-list", "staff", audits),
    ListCase("api:qa-review-list", "staff", reviews),
    ListCase("api:qa-note-list", "auditor", notes_of_auditor),
    ListCase("api:revision-list", "auditor", revisions_of_auditor),
    ListCase("api:similarity-match-list", "staff", similarity_matches),
    ListCase("api:wiva-case-list", "staff", wiva_cases),
    # Incentives
    ListCase("incentives:index", "staff", incentives, query="year=2023", export=True),
    ListCase("incentives:base-rate-list", "staff", base_rates, export=True),
    ListCase("incentives:payroll-list", "staff", payrolls, export=True),
    ListCase("incentives:run-list", "staff", incentive_runs, rows=_context("runs")),
    ListCase("incentives:letter-list", "staff", letters, export=True),
    ListCase("incentives:letter-list", "employer_a", letters_of_a),
    ListCase("incentives:portal-letters", "employer_a", letters_of_a, rows=_context("letters")),
    ListCase("api:base-rate-list", "staff", base_rates),
    ListCase("api:payroll-list", "staff", payrolls),
    ListCase("api:incentive-list", "employer_a", incentives_of_a),
    ListCase("api:incentive-list", "staff", incentives),
    ListCase("api:incentive-letter-list", "staff", letters),
    # Workplan
    ListCase("workplans:list", "staff", workplans, rows=_context("workplans")),
    ListCase("workplan:dashboard", "board", dashboard_kpis),
    ListCase("api:workplan-list", "board", workplans),
    ListCase("api:workplan-mandate-list", "board", mandates),
    ListCase("api:workplan-activity-list", "board", activities),
    ListCase("api:workplan-kpi-list", "board", kpis),
    # Self-service, notifications
    ListCase("selfservice:invitation-list", "staff", invitations, export=True),
    ListCase("selfservice:login-list", "staff", logins, export=True),
    ListCase("selfservice:changelog", "staff", changes),
    ListCase("selfservice:application-list", "staff", applications, export=True),
    ListCase("notifications:list", "auditor", notifications_of_auditor),
]

# URLs that look like lists but are not measured here, and why. (None today: every list of the
# URLconf is measured above.)
NOT_MEASURED: dict[str, str] = {}


# Finding the lists of the URLconf --------------------------------------------------------------


def iter_views(resolver: URLResolver | None = None) -> Iterator[tuple[Route, Any]]:
    """Yield every URL pattern with its namespaced name and its view callable."""

    def walk(res: URLResolver, prefix: str, namespace: str | None) -> Iterator[tuple[Route, Any]]:
        for pattern in res.url_patterns:
            if isinstance(pattern, URLResolver):
                inner = namespace
                if pattern.namespace:
                    inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
                yield from walk(pattern, prefix + str(pattern.pattern), inner)
            elif isinstance(pattern, URLPattern):
                name = pattern.name
                if name and namespace:
                    name = f"{namespace}:{name}"
                route = Route(name, prefix + str(pattern.pattern), pattern.lookup_str, namespace)
                yield route, pattern.callback

    yield from walk(resolver or get_resolver(), "", None)


def looks_like_a_list(route: Route, callback: Any) -> bool:
    """Return whether the URL serves a list: by its view's kind, or by its name."""
    view_class = getattr(callback, "view_class", None)
    if isinstance(view_class, type) and issubclass(
        view_class, (MultipleObjectMixin, SingleTableMixin)
    ):
        return True
    if (getattr(callback, "actions", None) or {}).get("get") == "list":
        return True
    return bool(route.name and LIST_SUFFIX.search(route.name))


def list_url_names() -> set[str]:
    return {
        route.name
        for route, callback in iter_views()
        if route.name and skip_reason(route) is None and looks_like_a_list(route, callback)
    }


def test_every_list_has_a_query_case():
    """A list added to the URLconf without a row in LIST_CASES (or a reason) fails here."""
    covered = {case.name for case in LIST_CASES} | set(NOT_MEASURED)
    missing = sorted(list_url_names() - covered)
    assert not missing, f"Add a ListCase to tests/test_list_queries.py for: {missing}"


def test_cases_name_real_urls():
    known = {route.name for route, _ in iter_views()}
    named = {case.name for case in LIST_CASES} | set(NOT_MEASURED)
    assert sorted(named - known) == []
    assert not {case.name for case in LIST_CASES} & set(NOT_MEASURED)
    ids = [case.id for case in LIST_CASES]
    assert sorted({i for i in ids if ids.count(i) > 1}) == []


# Counting ---------------------------------------------------------------------------------------


def rows_shown(response: Any) -> int:
    """Return how many rows the response lists (a page of them, or all in an export)."""
    content_type = response.get("Content-Type", "")
    if "json" in content_type:
        data = response.json()
        if isinstance(data, dict):
            return len(data.get("results", []))
        return len(data)
    if "csv" in content_type:
        return max(0, response.content.decode().count("\n") - 1)
    context = response.context
    if context is None:
        return 0
    if "table" in context:
        table = context["table"]
        return len(table.page.object_list) if getattr(table, "page", None) else len(table.rows)
    for key in ("rows", "entries", "page_obj", "object_list", "board"):
        if key in context and context[key] is not None:
            value = context[key]
            if key == "page_obj":
                return len(value.object_list)
            if key == "board":
                return sum(len(m.kpis) for m in value.mandates)
            return len(value)
    return 0


def count_queries(case: ListCase, client: ActorClient, url: str) -> tuple[int, int, list[str]]:
    """Return the number of queries of a GET, the rows it shows, and the SQL."""
    with CaptureQueriesContext(connection) as captured:
        response = client.get(case.actor, url)
    assert response.status_code == 200, f"GET {url} as {case.actor}: {response.status_code}"
    shown = case.rows(response) if case.rows and "_export" not in url else rows_shown(response)
    return len(captured), shown, [q["sql"] for q in captured.captured_queries]


def _urls(case: ListCase, world: World) -> list[str]:
    """Return the list's address, and its CSV export's when it has one."""
    url = reverse(case.name, kwargs=case.kwargs(world) if case.kwargs else None)
    urls = [f"{url}?{case.query}" if case.query else url]
    if case.export:
        urls.append(f"{url}?{case.query}&_export=csv" if case.query else f"{url}?_export=csv")
    return urls


@pytest.mark.parametrize("case", LIST_CASES, ids=[case.id for case in LIST_CASES])
def test_list_makes_a_constant_number_of_queries(case, actors, world):
    client = ActorClient(actors)
    urls = _urls(case, world)
    case.make(world, SMALL)
    for url in urls:
        client.get(case.actor, url)  # warm the per-process caches (content types, rules)
    small = {url: count_queries(case, client, url) for url in urls}
    case.make(world, LARGE - SMALL)
    large = {url: count_queries(case, client, url) for url in urls}
    problems = []
    for url in urls:
        n_small, shown_small, _ = small[url]
        n_large, shown_large, sql_large = large[url]
        if shown_large <= shown_small or shown_small < SMALL:
            problems.append(f"{url}: the rows do not show ({shown_small} then {shown_large})")
        if n_small != n_large:
            extra = "\n    ".join(sql_large[-(n_large - n_small) :]) if n_large > n_small else ""
            problems.append(
                f"{url}: {n_small} queries at {SMALL} rows, {n_large} at {LARGE}\n    {extra}"
            )
        if n_large > BUDGET:
            problems.append(f"{url}: {n_large} queries, over the budget of {BUDGET}")
    assert not problems, "\n".join(problems)
