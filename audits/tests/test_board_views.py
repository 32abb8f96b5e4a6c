"""The staff audit board, the plan form and the certificate list, through the test client."""

import csv
import io
from datetime import timedelta

import openpyxl
import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from auditors.choices import AuditorKind
from auditors.tests.factories import AuditorFactory, declared
from audits.choices import AuditStatus, AuditType
from audits.deadlines import audit_deadlines
from audits.models import Audit
from audits.tests.factories import AuditFactory, CertificateFactory, ExtensionFactory
from cor_portal.accounts.choices import Role
from cor_portal.accounts.tests.factories import UserFactory
from cor_portal.program.periods import add_years
from employers.choices import EmployerStatus, Region
from employers.tests.factories import ClassificationUnitFactory, EmployerFactory

pytestmark = pytest.mark.django_db

BUDGET = 12


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def staff_client(client, staff_user):
    client.force_login(staff_user)
    return client


def planned(today, *, starts_in: int, **kwargs) -> Audit:
    """Return a planned audit starting ``starts_in`` days from today, its dates as stored."""
    starts_on = today + timedelta(days=starts_in)
    due = audit_deadlines(starts_on)
    return AuditFactory(
        starts_on=starts_on,
        notice_due=due.notice_due,
        onsite_due=due.onsite_due,
        final_due=due.final_due,
        **kwargs,
    )


def listed(response) -> list[Audit]:
    return [row.record for row in response.context["table"].page.object_list]


def board(client, **params):
    return client.get(reverse("audits:board"), params)


# The board ----------------------------------------------------------------------------------


@pytest.fixture
def audits(today):
    """Audits that differ in every filterable way (as of today)."""
    north = EmployerFactory(
        legal_name="Aurora Lodge", account_number="7100001", region=Region.NORTHERN_BC
    )
    return {
        # Notice due in 16 days: the nearest clock, green.
        "later": planned(today, starts_in=30, employer=north),
        # Notice overdue by 2 days (start in 12 days, notice due 2 days ago).
        "overdue": planned(
            today, starts_in=12, employer=EmployerFactory(legal_name="Bear Creek Rafting")
        ),
        # Notice due in 5 days: amber, due within the week.
        "soon": planned(today, starts_in=19, notice_late=True),
        "qa": planned(today, starts_in=-80, status=AuditStatus.SUBMITTED),
        "maintenance": planned(
            today, starts_in=60, audit_type=AuditType.MAINTENANCE, past_cutoff=True
        ),
        "cancelled": planned(today, starts_in=-5, status=AuditStatus.CANCELLED),
    }


def test_board_lists_every_audit_with_its_next_clock(staff_client, audits, today):
    response = board(staff_client)
    assert response.status_code == 200
    assert {a.pk for a in listed(response)} == {a.pk for a in audits.values()}
    html = response.content.decode()
    overdue = audits["overdue"]
    assert "Overdue by 2 days" in html
    assert f'title="Notice of Audit due {overdue.notice_due.isoformat()}"' in html
    for tone in ("text-bg-danger", "text-bg-warning", "text-bg-success"):
        assert tone in html
    assert "Bear Creek Rafting" in html
    assert "Plan an audit" in html


def test_board_sorts_by_the_nearest_running_clock_first(staff_client, audits):
    order = [a.pk for a in listed(board(staff_client))]
    assert order[:3] == [audits["overdue"].pk, audits["soon"].pk, audits["later"].pk]
    # Audits with no running clock (with QA, cancelled) come last.
    assert set(order[-2:]) == {audits["qa"].pk, audits["cancelled"].pk}


def test_board_sorts_by_employer_name(staff_client, audits):
    names = [a.employer.legal_name for a in listed(board(staff_client, sort="employer"))]
    assert names == sorted(names)
    assert names[0] == "Aurora Lodge"


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"deadline": "overdue"}, {"overdue"}),
        ({"deadline": "week"}, {"soon"}),
        ({"deadline": "fortnight"}, {"soon"}),
        ({"status": "qa"}, {"qa"}),
        ({"status": "cancelled"}, {"cancelled"}),
        ({"audit_type": "maintenance"}, {"maintenance"}),
        ({"flag": "notice_late"}, {"soon"}),
        ({"flag": "past_cutoff"}, {"maintenance"}),
        ({"region": Region.NORTHERN_BC}, {"later"}),
        ({"q": "bear creek"}, {"overdue"}),
        ({"q": "7100001"}, {"later"}),
    ],
)
def test_board_filters(staff_client, audits, params, expected):
    found = {a.pk for a in listed(board(staff_client, **params))}
    assert found == {audits[name].pk for name in expected}


def test_board_open_filter_leaves_out_closed_audits(staff_client, audits):
    found = {a.pk for a in listed(board(staff_client, status="open"))}
    assert audits["cancelled"].pk not in found
    assert audits["qa"].pk in found


def test_board_filters_by_auditor_as_lead_or_student(staff_client, audits):
    student = AuditorFactory(status="student")
    audits["later"].student_auditors.add(student)
    lead = audits["overdue"].lead_auditor
    assert [a.pk for a in listed(board(staff_client, auditor=student.pk))] == [audits["later"].pk]
    assert [a.pk for a in listed(board(staff_client, auditor=lead.pk))] == [audits["overdue"].pk]


def test_board_flags_extension_requests_waiting(staff_client, audits):
    ExtensionFactory(audit=audits["qa"])
    ExtensionFactory(audit=audits["later"], status="refused")
    assert [a.pk for a in listed(board(staff_client, flag="extension"))] == [audits["qa"].pk]


def test_board_counts_link_to_their_filters(staff_client, audits):
    ExtensionFactory(audit=audits["later"])
    response = board(staff_client)
    counts = response.context["counts"]
    assert counts["overdue"] == 1
    assert counts["due_soon"] == 1
    assert counts["waiting_for_qa"] == 1
    assert counts["extensions_waiting"] == 1
    html = response.content.decode()
    for link in ('href="?deadline=overdue"', 'href="?deadline=week"', 'href="?status=qa"'):
        assert link in html


def test_board_exports_words_and_dates(staff_client, audits, today):
    response = board(staff_client, _export="csv", deadline="overdue")
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == [
        "Employer",
        "Account",
        "Status",
        "Next deadline",
        "Type",
        "Lead auditor",
        "Start",
        "Flags",
    ]
    overdue = audits["overdue"]
    assert rows[1][0] == "Bear Creek Rafting"
    assert rows[1][1] == overdue.employer.account_number
    assert rows[1][2] == "Planned"
    assert rows[1][3] == f"Notice of Audit: {overdue.notice_due.isoformat()} (overdue by 2 days)"
    assert rows[1][6] == overdue.starts_on.isoformat()
    assert "<" not in response.content.decode()

    response = board(staff_client, _export="xlsx")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert sheet.max_row == len(audits) + 1


def test_board_is_for_staff_only(client, employer_a_user, auditor_user):
    for user in (employer_a_user, auditor_user):
        client.force_login(user)
        assert board(client).status_code == 403


@pytest.mark.parametrize("export", [None, "csv"])
def test_board_makes_the_same_few_queries_for_10_and_200_audits(staff_client, today, export):
    params = {"_export": export} if export else {}
    counts = []
    for size in (10, 200):
        employer = EmployerFactory()
        lead = AuditorFactory()
        for index in range(size - Audit.objects.count()):
            planned(today, starts_in=index % 90 - 30, employer=employer, lead_auditor=lead)
        with CaptureQueriesContext(connection) as queries:
            response = board(staff_client, **params)
        assert response.status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1] <= BUDGET


def test_board_query_count_with_filters(staff_client, audits, django_assert_max_num_queries):
    with django_assert_max_num_queries(BUDGET):
        board(staff_client, deadline="week", flag="extension", q="a", status="open")


# Planning -----------------------------------------------------------------------------------


@pytest.fixture
def registered(today):
    """A large registered employer with two CUs."""
    units = [ClassificationUnitFactory(code="761001"), ClassificationUnitFactory(code="761002")]
    return EmployerFactory(
        legal_name="Coastline Hotels",
        status=EmployerStatus.REGISTERED,
        size_class="large",
        classification_units=units,
    )


def declared_for_start(auditor, starts_on):
    declared(auditor, starts_on.year)
    return auditor


@pytest.fixture
def external(today):
    auditor = AuditorFactory(user=UserFactory(last_name="Ames", role=Role.AUDITOR))
    return declared_for_start(auditor, today + timedelta(days=40))


def plan_data(employer, lead, starts_on, **extra):
    data = {
        "employer": employer.pk,
        "audit_type": AuditType.CERTIFICATION,
        "starts_on": starts_on.isoformat(),
        "lead_auditor": lead.pk,
        "scope": [u.pk for u in employer.classification_units.all()],
        "notes": "First certification.",
    }
    data.update(extra)
    return data


def test_plan_form_is_filled_from_the_employer_link(staff_client, registered):
    response = staff_client.get(reverse("audits:plan"), {"employer": registered.pk})
    assert response.status_code == 200
    html = response.content.decode()
    form = response.context["form"]
    assert str(form["employer"].value()) == str(registered.pk)
    units = list(registered.classification_units.all())
    assert sorted(form.initial["scope"]) == sorted(u.pk for u in units)
    for unit in units:
        assert unit.code in html
    # Changing the employer reloads the scope, changing the start the due dates (htmx).
    assert 'hx-select="#plan-scope"' in html
    assert 'hx-select="#plan-dates"' in html


def test_plan_form_shows_the_due_dates_of_a_start(staff_client, registered):
    response = staff_client.get(
        reverse("audits:plan"), {"employer": registered.pk, "starts_on": "2024-09-02"}
    )
    html = response.content.decode()
    assert "2024-08-19" in html  # notice: start - 14
    assert "2024-10-17" in html  # onsite: start + 45
    assert "2024-11-16" in html  # final: start + 75


def test_plan_form_without_a_start_asks_for_it(staff_client):
    response = staff_client.get(reverse("audits:plan"), {"starts_on": "not a date"})
    assert response.status_code == 200
    assert "Enter the start date" in response.content.decode()


def test_planning_an_audit_goes_through_the_service(staff_client, registered, external, today):
    starts_on = today + timedelta(days=40)
    response = staff_client.post(reverse("audits:plan"), plan_data(registered, external, starts_on))
    audit = Audit.objects.get()
    assert response.status_code == 302
    assert response["Location"] == audit.get_absolute_url()
    assert audit.lead_auditor == external
    assert audit.notice_due == starts_on - timedelta(days=14)
    assert set(audit.scope.all()) == set(registered.classification_units.all())
    registered.refresh_from_db()
    assert registered.status == EmployerStatus.CERTIFICATION_IN_PROGRESS


def test_plan_refuses_an_internal_auditor_for_a_large_employers_certification(
    staff_client, registered, today
):
    """R-6 and R-7: every reason is listed beside the lead auditor."""
    internal = AuditorFactory(kind=AuditorKind.INTERNAL, employer=registered)
    starts_on = today + timedelta(days=40)
    response = staff_client.post(reverse("audits:plan"), plan_data(registered, internal, starts_on))
    assert response.status_code == 200
    errors = response.context["form"].errors["lead_auditor"]
    assert "A large employer's certification audit needs an external auditor." in errors
    assert f"The auditor has not filed the annual declaration for {starts_on.year}." in errors
    html = response.content.decode()
    assert "needs an external auditor" in html
    assert "has not filed the annual declaration" in html
    assert not Audit.objects.exists()


def test_plan_refuses_an_auditor_without_this_years_declaration(staff_client, registered, today):
    undeclared = AuditorFactory()
    starts_on = today + timedelta(days=40)
    response = staff_client.post(
        reverse("audits:plan"), plan_data(registered, undeclared, starts_on)
    )
    errors = response.context["form"].errors["lead_auditor"]
    assert errors == [f"The auditor has not filed the annual declaration for {starts_on.year}."]
    assert "has not filed the annual declaration" in response.content.decode()


def test_plan_refuses_a_scope_outside_the_employers_cus(staff_client, registered, external, today):
    elsewhere = ClassificationUnitFactory(code="799999")
    starts_on = today + timedelta(days=40)
    data = plan_data(registered, external, starts_on, scope=[elsewhere.pk])
    response = staff_client.post(reverse("audits:plan"), data)
    assert response.status_code == 200
    assert response.context["form"].errors["scope"] == [
        "Choose the audited CUs among the employer's own."
    ]
    assert not Audit.objects.exists()


def test_plan_keeps_what_was_typed_after_a_refusal(staff_client, registered, today):
    starts_on = today + timedelta(days=40)
    response = staff_client.post(
        reverse("audits:plan"), plan_data(registered, AuditorFactory(), starts_on)
    )
    html = response.content.decode()
    assert "First certification." in html
    assert f'value="{starts_on.isoformat()}"' in html
    assert "Please correct the errors below." in html


def test_plan_is_for_staff_only(client, employer_a_user):
    client.force_login(employer_a_user)
    assert client.get(reverse("audits:plan")).status_code == 403


# Certificates -------------------------------------------------------------------------------


def certificate(today, *, expires_in: int, **kwargs):
    certified_on = add_years(today + timedelta(days=expires_in), -3)
    audit = AuditFactory(
        status=AuditStatus.APPROVED,
        starts_on=certified_on - timedelta(days=10),
        last_onsite_on=certified_on,
        passed=True,
        **kwargs,
    )
    return CertificateFactory(audit=audit)


@pytest.fixture
def certificates(today):
    return {
        "soon": certificate(today, expires_in=20, employer=EmployerFactory(legal_name="Delta")),
        "quarter": certificate(today, expires_in=80),
        "later": certificate(today, expires_in=400),
        "expired": certificate(today, expires_in=-3),
    }


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"expiring": "30"}, {"soon"}),
        ({"expiring": "90"}, {"soon", "quarter"}),
        ({"status": "valid"}, {"soon", "quarter", "later"}),
        ({"status": "expired"}, {"expired"}),
        ({"q": "delta"}, {"soon"}),
    ],
)
def test_certificate_list_filters(staff_client, certificates, params, expected):
    response = staff_client.get(reverse("audits:certificate-list"), params)
    found = {row.record.pk for row in response.context["table"].page.object_list}
    assert found == {certificates[name].pk for name in expected}


def test_certificate_list_shows_the_status_today_and_exports(staff_client, certificates):
    response = staff_client.get(reverse("audits:certificate-list"))
    html = response.content.decode()
    assert "expires in 20 days" in html
    assert "Expired" in html
    response = staff_client.get(reverse("audits:certificate-list"), {"_export": "csv"})
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["Number", "Employer", "CUs", "Certified on", "Expires on", "Status today"]
    assert {row[5] for row in rows[1:]} == {"valid", "expired"}


def test_certificate_list_makes_the_same_few_queries_for_10_and_40(staff_client, today):
    counts = []
    for size in (10, 40):
        while Audit.objects.count() < size:
            certificate(today, expires_in=Audit.objects.count() * 9 + 1)
        with CaptureQueriesContext(connection) as queries:
            staff_client.get(reverse("audits:certificate-list"))
        counts.append(len(queries))
    assert counts[0] == counts[1] <= BUDGET
