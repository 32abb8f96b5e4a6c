"""The workplan API: board and staff read; the board may not write (403); staff edit."""

import itertools
from datetime import date, datetime, time
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from rest_framework.test import APIClient

from employers.models import Registration
from employers.tests.factories import EmployerFactory
from workplan.models import KPI, Activity
from workplan.tests.factories import KPIFactory, MandateFactory, WorkplanFactory

pytestmark = pytest.mark.django_db
API = "/api/v1"
VANCOUVER = ZoneInfo("America/Vancouver")


def client_for(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def board_api(board_user):
    return client_for(board_user)


@pytest.fixture
def staff_api(staff_user):
    return client_for(staff_user)


def test_workplans_list_with_budget(board_api, go2hr):
    data = board_api.get(f"{API}/workplans/").json()
    assert data["count"] == 1
    row = data["results"][0]
    assert row["title"] == "go2HR 23/24 COR Workplan"
    assert (row["starts_on"], row["ends_on"]) == ("2023-04-01", "2024-03-31")
    assert Decimal(row["budget"]) == Decimal(78250)
    mandates = board_api.get(f"{API}/workplan-mandates/", {"workplan": go2hr.pk}).json()
    budgets = {m["number"]: Decimal(m["budget"]) for m in mandates["results"]}
    assert budgets == {1: 14450, 2: 7000, 3: 31000, 4: 0, 5: 25800, 6: 0}
    assert len(mandates["results"][0]["indicators"]) == 5


def test_kpis_carry_their_live_actual_and_status(board_api, go2hr):
    for day in (date(2023, 3, 31), date(2023, 4, 1), date(2023, 8, 1)):
        Registration.objects.create(employer=EmployerFactory(), program="ohs", registered_on=day)
    kpi = KPI.objects.get(source="new_registrations")
    with time_machine.travel(datetime.combine(date(2023, 9, 30), time(12), tzinfo=VANCOUVER)):
        row = board_api.get(f"{API}/workplan-kpis/{kpi.pk}/").json()
    assert row["actual"] == "2.00"
    assert row["target"] == "15.00"
    assert row["expected_by_now"] == "7.50"  # 183/366 of the year
    assert row["status"] == "behind"  # 2 < 5.63 (75% of 7.5)
    assert row["workplan"] == go2hr.pk


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("post", "workplans/"),
        ("put", "workplans/{plan}/"),
        ("post", "workplan-kpis/"),
        ("put", "workplan-kpis/{kpi}/"),
        ("patch", "workplan-kpis/{kpi}/"),
        ("put", "workplan-mandates/{mandate}/"),
        ("patch", "workplan-activities/{activity}/"),
    ],
)
def test_board_is_read_only(board_api, method, path):
    kpi = KPIFactory()
    activity = Activity.objects.create(mandate=kpi.mandate, description="A")
    url = f"{API}/" + path.format(
        plan=kpi.mandate.workplan.pk, kpi=kpi.pk, mandate=kpi.mandate.pk, activity=activity.pk
    )
    response = getattr(board_api, method)(url, {"target": "1"}, format="json")
    assert response.status_code == 403


@pytest.mark.parametrize("user", ["employer_a_user", "auditor_user"])
def test_other_roles_are_refused(request, user):
    client = client_for(request.getfixturevalue(user))
    assert client.get(f"{API}/workplans/").status_code == 403
    assert APIClient().get(f"{API}/workplan-kpis/").status_code == 401


def test_staff_edit_a_target_and_a_budget(staff_api, staff_user):
    kpi = KPIFactory(target=Decimal(10))
    response = staff_api.patch(f"{API}/workplan-kpis/{kpi.pk}/", {"target": "12"}, format="json")
    assert response.status_code == 200
    assert response.json()["target"] == "12.00"
    kpi.refresh_from_db()
    assert kpi.target == Decimal(12)
    assert kpi.history.first().history_user == staff_user
    bad = staff_api.patch(f"{API}/workplan-kpis/{kpi.pk}/", {"target": "-3"}, format="json")
    assert bad.status_code == 400
    assert "target" in str(bad.json())
    # The source is read-only through the API: it is ignored, not changed.
    staff_api.patch(f"{API}/workplan-kpis/{kpi.pk}/", {"source": "wivas"}, format="json")
    kpi.refresh_from_db()
    assert (kpi.kind, kpi.source) == ("entered", "")
    activity = Activity.objects.create(mandate=kpi.mandate, description="A", budget=Decimal(5))
    response = staff_api.patch(
        f"{API}/workplan-activities/{activity.pk}/", {"budget": "800"}, format="json"
    )
    assert response.status_code == 200
    activity.refresh_from_db()
    assert activity.budget == Decimal(800)
    assert staff_api.post(f"{API}/workplans/", {}, format="json").status_code == 405


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


@pytest.mark.parametrize("path", ["workplans/", "workplan-mandates/", "workplan-activities/"])
def test_lists_make_a_constant_number_of_queries(board_api, path):
    years = itertools.count(2000)

    def grow(n):
        for _ in range(n):
            mandate = MandateFactory(workplan=WorkplanFactory(starts_on=date(next(years), 4, 1)))
            Activity.objects.create(mandate=mandate, description="A", budget=Decimal(1))
            KPIFactory(mandate=mandate)

    grow(3)
    small = _queries(board_api, f"{API}/{path}")
    grow(30)
    assert _queries(board_api, f"{API}/{path}") == small <= 12


def test_kpi_list_queries_do_not_grow_with_kpis_or_records(board_api):
    workplan = WorkplanFactory(starts_on=date(2023, 4, 1))
    mandate = MandateFactory(workplan=workplan)
    for source in ("new_registrations", "enquiries"):
        KPIFactory(mandate=mandate, kind="computed", source=source)
    KPIFactory(mandate=mandate)
    small = _queries(board_api, f"{API}/workplan-kpis/")
    for i in range(30):
        KPIFactory(
            mandate=mandate, kind="computed", source="new_registrations" if i % 2 else "enquiries"
        )
        KPIFactory(mandate=mandate)
        Registration.objects.create(
            employer=EmployerFactory(), program="ohs", registered_on=date(2023, 5, 1)
        )
    # One query counts every source of the page, whatever the number of KPIs and records.
    assert _queries(board_api, f"{API}/workplan-kpis/") == small <= 12
