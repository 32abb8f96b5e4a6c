"""The board dashboard, the board pack PDF and the staff workplan pages."""

import subprocess
from datetime import date, datetime, time
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from auditors.models import CourseCompletion
from auditors.tests.factories import CourseFactory
from employers.models import Registration
from employers.tests.factories import EmployerFactory, InteractionFactory
from workplan import services
from workplan.models import KPI, Activity, Measurement, Snapshot, Workplan

pytestmark = pytest.mark.django_db
VANCOUVER = ZoneInfo("America/Vancouver")


def on(day: date):
    return time_machine.travel(datetime.combine(day, time(12), tzinfo=VANCOUVER), tick=False)


def pdf_text(pdf: bytes) -> str:
    out = subprocess.run(
        ["pdftotext", "-raw", "-", "-"], input=pdf, capture_output=True, check=True
    )
    return " ".join(out.stdout.decode().split())


def records(n: int, day: date) -> None:
    """n registrations, orientation completions and enquiries on a day."""
    course = CourseFactory(code="hs-orientation", kind="employer_course")
    for i in range(n):
        employer = EmployerFactory()
        Registration.objects.create(employer=employer, program="ohs", registered_on=day)
        CourseCompletion.objects.create(
            course=course, name="P", email=f"p{i}@example.org", completed_on=day, source="lms"
        )
        InteractionFactory(employer=employer, kind="enquiry", occurred_on=day)


def test_dashboard_empty_state(client, board_user):
    client.force_login(board_user)
    response = client.get(reverse("workplan:dashboard"))
    assert response.status_code == 200
    assert "No workplan has been loaded yet" in response.content.decode()
    assert b"chart.umd" not in response.content


def test_dashboard_shows_targets_actuals_and_status(client, board_user, go2hr):
    records(3, date(2023, 5, 2))
    client.force_login(board_user)
    with on(date(2023, 11, 22)):
        response = client.get(reverse("workplan:dashboard"))
    html = response.content.decode()
    board = response.context["board"]
    assert board.as_of == date(2023, 11, 22)
    rows = {(m.mandate.number, r.kpi.description): r for m in board.mandates for r in m.kpis}
    registrations = rows[(2, "New COR registrations")]
    assert registrations.actual == 3
    # 3 of 15 at 236/366 of the year: expected 9.67, at risk from 7.25 -> behind.
    assert registrations.progress.status == "behind"
    assert rows[(2, "Health and Safety Orientation training completions")].actual == 3
    assert rows[(1, "Enquiries about COR")].progress.status == "tracked"
    for number in range(1, 6):
        assert f"Mandate #{number}" in html
    assert "Optional mandate" in html
    assert "$78,250" in html
    assert 'id="dashboard-data"' in html
    assert 'id="chart-trend"' in html
    assert 'id="chart-budget"' in html
    assert "workplan/dashboard.js" in html
    data = response.context["chart_data"]
    assert data["trend"]["labels"] == ["Q1", "Q2", "Q3 to date"]
    assert data["budget"]["data"] == [14450.0, 7000.0, 31000.0, 0.0, 25800.0, 0.0]
    assert [m["label"] for m in data["mandates"]] == [f"Mandate #{n}" for n in range(1, 6)]


def test_dashboard_shows_the_latest_snapshot_commentary(client, board_user, staff_user, go2hr):
    for quarter, words in ((1, "First quarter words"), (2, "Second quarter words")):
        services.freeze_snapshot(
            actor=staff_user,
            workplan=go2hr,
            quarter=quarter,
            commentary=words,
            as_of=go2hr.quarter_bounds(quarter)[1],
        )
    client.force_login(board_user)
    html = client.get(reverse("workplan:dashboard")).content.decode()
    assert "Second quarter words" in html
    assert "First quarter words" not in html


def test_dashboard_picks_a_year(client, board_user, staff_user, go2hr):
    copy = services.clone_workplan(actor=staff_user, workplan=go2hr)
    client.force_login(board_user)
    with on(date(2024, 5, 1)):
        assert client.get(reverse("workplan:dashboard")).context["workplan"] == copy
        assert client.get(reverse("workplan:dashboard") + "?year=2023").context["workplan"] == go2hr
        assert client.get(reverse("workplan:dashboard") + "?year=nope").context["workplan"] == copy


def _dashboard_queries(client) -> int:
    with on(date(2023, 11, 22)), CaptureQueriesContext(connection) as queries:
        response = client.get(reverse("workplan:dashboard"))
    assert response.status_code == 200
    return len(queries)


def test_dashboard_makes_a_constant_number_of_queries(client, board_user, staff_user, go2hr):
    client.force_login(board_user)
    records(2, date(2023, 5, 2))
    services.freeze_snapshot(
        actor=staff_user, workplan=go2hr, quarter=1, commentary="Q1", as_of=date(2023, 6, 30)
    )
    small = _dashboard_queries(client)
    records(60, date(2023, 8, 2))
    for kpi in KPI.objects.filter(kind="entered", target__isnull=False):
        for quarter in (1, 2):
            Measurement.objects.create(kpi=kpi, quarter=quarter, value=Decimal(3))
    large = _dashboard_queries(client)
    assert small == large
    # Session, user, workplans x2, the prefetches, the snapshot with its values, and one query
    # that counts every source at every quarter's end.
    assert large <= 12


def test_board_pack_pdf_has_every_mandate(client, board_user, staff_user, go2hr):
    services.freeze_snapshot(
        actor=staff_user,
        workplan=go2hr,
        quarter=4,
        commentary="A steady year.",
        as_of=date(2024, 3, 31),
    )
    records(2, date(2023, 5, 2))
    client.force_login(board_user)
    response = client.get(reverse("workplan:board-pack", kwargs={"pk": go2hr.pk}))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "board-pack-2023.pdf" in response["Content-Disposition"]
    text = pdf_text(response.content)
    for title in go2hr.mandates.values_list("title", flat=True):
        assert " ".join(title.split()[:6]) in text, title
    assert "Year-end report" in text
    assert "Total budget $78,250" in text
    assert "Approved by Association Board Chair: Heidi Romich" in text
    assert "New COR registrations" in text
    assert "2 of 15 (13%)" in text
    assert "A steady year." in text
    assert "Outcome Indicators (e.g. KPIs)" in text


def test_staff_pages_render(client, staff_user, go2hr):
    client.force_login(staff_user)
    mandate = go2hr.mandates.get(number=2)
    urls = [
        reverse("workplans:list"),
        go2hr.get_absolute_url(),
        reverse("workplans:measurements", kwargs={"pk": go2hr.pk}) + "?quarter=2",
        reverse("workplans:snapshot-create", kwargs={"pk": go2hr.pk}),
        reverse("workplans:approve", kwargs={"pk": go2hr.pk}),
        reverse("workplans:clone", kwargs={"pk": go2hr.pk}),
        reverse("workplans:mandate-update", kwargs={"part": mandate.pk}),
        reverse("workplans:kpi-create", kwargs={"pk": mandate.pk}),
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
    detail = client.get(go2hr.get_absolute_url()).content.decode()
    assert "New COR registrations" in detail
    assert "$31,000" in detail


def test_staff_enter_measurements(client, staff_user, go2hr):
    client.force_login(staff_user)
    url = reverse("workplans:measurements", kwargs={"pk": go2hr.pk})
    visits = KPI.objects.get(mandate__number=1, description="Visits to the COR landing page")
    articles = KPI.objects.get(
        mandate__number=1, description="Articles placed in partner publications"
    )
    response = client.post(
        url, {"quarter": "2", f"kpi_{visits.pk}": "640", f"kpi_{articles.pk}": ""}
    )
    assert response.status_code == 302
    assert response["Location"].endswith("?quarter=2")
    assert list(Measurement.objects.values_list("kpi_id", "quarter", "value")) == [
        (visits.pk, 2, Decimal("640.00"))
    ]
    bad = client.post(url, {"quarter": "2", f"kpi_{visits.pk}": "-5"})
    assert bad.status_code == 200
    assert bad.context["form"].errors[f"kpi_{visits.pk}"]
    assert Measurement.objects.get().value == Decimal("640.00")
    survey = KPI.objects.get(description="Employers positive about the program in the survey")
    refused = client.post(
        url, {"quarter": "2", f"kpi_{visits.pk}": "700", f"kpi_{survey.pk}": "101"}
    )
    assert refused.status_code == 200
    assert "between 0 and 100" in str(refused.context["form"].errors[f"kpi_{survey.pk}"])
    assert Measurement.objects.get().value == Decimal("640.00")  # nothing half-written


def test_staff_freeze_a_snapshot(client, staff_user, go2hr):
    client.force_login(staff_user)
    url = reverse("workplans:snapshot-create", kwargs={"pk": go2hr.pk})
    assert client.post(url, {"quarter": "1", "commentary": ""}).status_code == 200
    response = client.post(url, {"quarter": "1", "commentary": "Ahead on registrations."})
    snapshot = Snapshot.objects.get()
    assert response["Location"] == reverse("workplans:snapshot-detail", kwargs={"pk": snapshot.pk})
    assert snapshot.as_of == date(2023, 6, 30)  # the quarter is over: its last day
    assert snapshot.values.count() == 30
    again = client.post(url, {"quarter": "1", "commentary": "Again"})
    assert "already frozen" in again.content.decode()
    page = client.get(response["Location"]).content.decode()
    assert "Ahead on registrations." in page


def test_staff_approve_and_clone(client, staff_user, go2hr):
    client.force_login(staff_user)
    approve = reverse("workplans:approve", kwargs={"pk": go2hr.pk})
    assert client.post(approve, {"approved_by": "", "approved_on": "2023-03-01"}).status_code == 200
    client.post(approve, {"approved_by": "Dana Chair", "approved_on": "2023-03-01"})
    go2hr.refresh_from_db()
    assert (go2hr.approved_by, go2hr.approved_on) == ("Dana Chair", date(2023, 3, 1))
    clone = reverse("workplans:clone", kwargs={"pk": go2hr.pk})
    page = client.get(clone).content.decode()
    assert "April 1, 2024" in page
    assert "Clone the workplan" in page
    assert Workplan.objects.count() == 1  # a GET changes nothing
    response = client.post(clone)
    copy = Workplan.objects.get(starts_on=date(2024, 4, 1))
    assert response["Location"] == copy.get_absolute_url()
    assert "already a workplan" in client.get(clone).content.decode()


def test_staff_edit_parts(client, staff_user, go2hr):
    client.force_login(staff_user)
    mandate = go2hr.mandates.get(number=5)
    activity = mandate.activities.get(position=4)
    url = reverse("workplans:activity-update", kwargs={"part": activity.pk})
    response = client.post(url, {"position": 4, "description": "Perform WIVAs", "budget": "16000"})
    assert response.status_code == 302
    activity.refresh_from_db()
    assert activity.budget == Decimal("16000")
    bad = client.post(url, {"position": 4, "description": "Perform WIVAs", "budget": "-1"})
    assert bad.status_code == 200
    assert bad.context["form"].errors["budget"]
    create = reverse("workplans:kpi-create", kwargs={"pk": mandate.pk})
    response = client.post(
        create,
        {
            "position": 9,
            "description": "Enquiries",
            "target": "",
            "unit": "count",
            "kind": "computed",
            "source": "",
            "aggregation": "sum",
        },
    )
    assert response.status_code == 200
    assert "Choose the records" in response.content.decode()
    response = client.post(
        create,
        {
            "position": 9,
            "description": "Enquiries",
            "target": "",
            "unit": "count",
            "kind": "computed",
            "source": "enquiries",
            "aggregation": "sum",
        },
    )
    assert response.status_code == 302
    assert KPI.objects.filter(mandate=mandate, source="enquiries", target__isnull=True).exists()
    indicator = reverse("workplans:indicator-create", kwargs={"pk": mandate.pk})
    client.post(indicator, {"position": 3, "indicator": "Fewer repeat findings", "time_line": "Q4"})
    assert mandate.indicators.filter(indicator="Fewer repeat findings").exists()
    assert Activity.objects.filter(mandate__workplan=go2hr).count() == 25
