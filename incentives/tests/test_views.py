"""The staff pages, the employer's letters, runs with progress, imports and exports."""

import io
import zipfile
from datetime import date
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from rest_framework.test import APIClient

from employers.models import Employer
from employers.tests.factories import ClassificationUnitFactory, EmployerFactory
from incentives import services
from incentives.choices import IncentiveStatus, RunStatus
from incentives.models import BaseRate, Incentive, IncentiveRun, Letter, Payroll
from incentives.tests.factories import (
    BaseRateFactory,
    PayrollFactory,
    certified_employer,
    incentive_for,
)

pytestmark = pytest.mark.django_db
BUDGET = 12
SIZES = (3, 30)


@pytest.fixture
def staff_client(client, staff_user):
    client.force_login(staff_user)
    return client


def make_rows(count: int) -> None:
    """Employers with an incentive, a letter row, a payroll and a base rate each (in bulk)."""
    start = Employer.objects.count()
    for n in range(count):
        unit = ClassificationUnitFactory(code=f"{300000 + start + n:06d}")
        employer = EmployerFactory(
            classification_units=[unit], account_number=f"{7000000 + start + n}"
        )
        incentive = incentive_for(employer)
        BaseRateFactory(unit=unit)
        PayrollFactory(employer=employer, unit=unit)
        Letter.objects.create(
            incentive=incentive,
            employer=employer,
            year=2023,
            version=1,
            number=f"INC-2023-{incentive.pk:05d}-1",
            reason="First issue",
            total_amount=incentive.total_amount,
            figures={},
            figures_hash=incentive.figures_hash,
            file="incentive-letters/none.pdf",
            sha256="0" * 64,
        )


def queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured)


@pytest.mark.parametrize(
    "url",
    [
        "/incentives/",
        "/incentives/?year=2023&status=eligible&q=Employer",
        "/incentives/?_export=csv",
        "/incentives/base-rates/",
        "/incentives/payrolls/",
        "/incentives/payrolls/?_export=xlsx",
        "/incentives/letters/",
        "/api/v1/incentives/",
        "/api/v1/incentive-letters/",
        "/api/v1/base-rates/",
        "/api/v1/payrolls/",
    ],
)
def test_lists_make_a_constant_number_of_queries(staff_client, url):
    counts = []
    for size in SIZES:
        make_rows(size - Incentive.objects.count())
        counts.append(queries(staff_client, url))
    assert counts[0] == counts[1], counts
    assert counts[1] <= BUDGET


def test_employer_letter_list_is_constant_and_scoped(client, employer_a, employer_a_user):
    client.force_login(employer_a_user)
    own = incentive_for(employer_a)
    services.issue_letter(incentive=own, actor=None, reason="First issue")
    make_rows(3)
    first = queries(client, "/incentives/letters/")
    make_rows(27)
    assert queries(client, "/incentives/letters/") == first <= BUDGET
    response = client.get("/incentives/letters/")
    assert [row.record.employer_id for row in response.context["table"].page] == [employer_a.pk]


def test_the_year_list_shows_outcomes_and_reasons(
    staff_client, django_capture_on_commit_callbacks, staff_user
):
    certified_employer(2023, {"721001": ("60000000", "3.83")}, legal_name="Alpha Lodge Ltd.")
    late = certified_employer(2023, {"721002": ("1000000", "2.00")}, legal_name="Bravo Tours Inc.")
    services.record_appeal(employer=late, year=2023, filed_on=date(2023, 8, 1), actor=staff_user)
    with django_capture_on_commit_callbacks(execute=True):
        services.start_run(year=2023, actor=staff_user)
    response = staff_client.get("/incentives/", {"year": "2023"})
    content = response.content.decode()
    assert response.context["summary"]["eligible"] == 1
    assert response.context["summary"]["deferred"] == 1
    assert "$229,800.00" in content
    assert "An appeal is pending." in content
    detail = staff_client.get(Incentive.objects.get(employer=late).get_absolute_url())
    assert "Record a decision" in detail.content.decode()


def test_staff_run_a_year_and_see_progress_and_outcome(
    staff_client, django_capture_on_commit_callbacks
):
    certified_employer(2023, {"721001": ("60000000", "3.83")})
    with django_capture_on_commit_callbacks(execute=True):
        response = staff_client.post("/incentives/runs/", {"year": "2023"})
    run = IncentiveRun.objects.get()
    assert response.status_code == 302
    assert response.url == f"/incentives/runs/{run.pk}/"
    page = staff_client.get(response.url).content.decode()
    assert "Finished" in page
    assert "$229,800.00" in page
    assert 'value="100"' in page
    assert "every 1s" not in page  # done: no more polling
    assert Letter.objects.count() == 1
    # A run still under way polls its progress fragment.
    running = IncentiveRun.objects.create(
        year=2022, status=RunStatus.COMPUTING, employers_total=4, employers_done=1
    )
    fragment = staff_client.get(f"/incentives/runs/{running.pk}/progress/").content.decode()
    assert 'hx-trigger="every 1s"' in fragment
    assert "1 of 4 employers" in fragment
    assert 'value="25"' in fragment


def test_a_second_run_of_the_same_year_is_refused_while_one_is_under_way(staff_client):
    IncentiveRun.objects.create(year=2023, status=RunStatus.LETTERS)
    response = staff_client.post("/incentives/runs/", {"year": "2023"})
    assert response.status_code == 200
    assert "already under way" in response.content.decode()
    assert staff_client.post("/incentives/runs/", {"year": "1890"}).status_code == 200


def test_employers_download_only_their_own_letters(client, employer_a, employer_b, employer_a_user):
    own = services.issue_letter(
        incentive=incentive_for(employer_a), actor=None, reason="First issue"
    )
    other = services.issue_letter(
        incentive=incentive_for(employer_b), actor=None, reason="First issue"
    )
    client.force_login(employer_a_user)
    response = client.get(f"/incentives/letters/{own.pk}/download/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF")
    assert client.get(f"/incentives/letters/{other.pk}/download/").status_code == 404
    api = APIClient()
    api.force_login(employer_a_user)
    assert api.get(f"/api/v1/incentive-letters/{own.pk}/download/").status_code == 200
    assert api.get(f"/api/v1/incentive-letters/{other.pk}/download/").status_code == 404
    assert [i["id"] for i in api.get("/api/v1/incentives/").json()["results"]] == [own.incentive_id]
    assert api.get("/api/v1/payrolls/").status_code == 403
    panel = client.get("/incentives/letters/panel/").content.decode()
    assert own.number in panel
    assert other.number not in panel


def test_the_letters_of_a_year_as_a_zip(staff_client):
    firm = EmployerFactory()
    incentive = incentive_for(firm)
    services.issue_letter(incentive=incentive, actor=None, reason="First issue")
    latest = services.reissue_letter(incentive=incentive, actor=None)
    response = staff_client.get("/incentives/letters/zip/", {"year": "2023"})
    assert response.status_code == 200
    assert response.streaming
    archive = zipfile.ZipFile(io.BytesIO(b"".join(response.streaming_content)))
    assert archive.namelist() == [latest.filename]  # the latest version of each
    assert archive.read(latest.filename).startswith(b"%PDF")


def test_the_handoff_export_lists_certified_cus_with_amount_and_status(staff_client):
    certified_employer(2023, {"721001": ("60000000", "3.83")}, account_number="1234567")
    services.compute_year(year=2023, actor=None)
    response = staff_client.get("/incentives/handoff.csv", {"year": "2023"})
    text = response.content.decode("utf-8-sig").splitlines()
    assert text[0].startswith("year,account_number,legal_name,cu,line,assessable_payroll")
    assert text[1].split(",")[:4] == ["2023", "1234567", text[1].split(",")[2], "721001"]
    assert "229800.00" in text[1]
    assert "Eligible" in text[1]
    xlsx = staff_client.get("/incentives/handoff.xlsx", {"year": "2023"})
    assert xlsx.status_code == 200
    assert xlsx.content[:2] == b"PK"


def test_import_base_rates_with_a_preview_then_confirm(staff_client):
    ClassificationUnitFactory(code="721001")
    BaseRateFactory(unit__code="721002", year=2024, rate=Decimal("1.00"))
    upload = SimpleUploadedFile(
        "rates.csv", b"cu,year,rate\n721001,2024,3.83\n721002,2024,1.25\n999999,2024,1\n"
    )
    preview = staff_client.post("/incentives/import/", {"kind": "base_rates", "file": upload})
    result = preview.context["result"]
    assert [row.action for row in result.rows] == ["new", "update", "error"]
    assert BaseRate.objects.get(unit__code="721002").rate == Decimal("1.00")  # dry run
    fixed = SimpleUploadedFile("rates.csv", b"cu,year,rate\n721001,2024,3.83\n721002,2024,1.25\n")
    preview = staff_client.post("/incentives/import/", {"kind": "base_rates", "file": fixed})
    staff_client.post("/incentives/import/confirm/", {"token": preview.context["token"]})
    assert dict(BaseRate.objects.values_list("unit__code", "rate")) == {
        "721001": Decimal("3.83"),
        "721002": Decimal("1.25"),
    }


def test_import_payrolls_names_the_bad_cells(staff_client):
    unit = ClassificationUnitFactory(code="721001")
    EmployerFactory(account_number="1234567", classification_units=[unit])
    upload = SimpleUploadedFile(
        "payroll.csv",
        b"account_number,cu,year,assessable_payroll\n"
        b'1234567,721001,2023,"60,000,000"\n'
        b"7654321,721001,2023,5\n"
        b"1234567,721001,20x,5\n",
    )
    preview = staff_client.post("/incentives/import/", {"kind": "payrolls", "file": upload})
    rows = preview.context["result"].rows
    assert rows[0].action == "new"
    assert [e.column for e in rows[1].errors] == ["account_number"]
    assert [e.column for e in rows[2].errors] == ["year"]
    assert not Payroll.objects.exists()


def test_staff_edit_a_payroll_and_record_an_exclusion(staff_client):
    firm = certified_employer(2023)
    incentive = services.compute_incentive(employer=firm, year=2023, actor=None)
    payroll = Payroll.objects.get()
    response = staff_client.post(
        f"/incentives/payrolls/{payroll.pk}/",
        {"employer": firm.pk, "unit": payroll.unit_id, "year": 2023, "assessable_payroll": "-5"},
    )
    assert response.status_code == 200
    assert "assessable_payroll" in response.context["form"].errors
    response = staff_client.post(
        f"/incentives/{incentive.pk}/exclusions/add/",
        {"kind": "outstanding_balance", "occurred_on": "2023-07-01", "source": "Statement 7"},
    )
    assert response.status_code == 302
    incentive.refresh_from_db()
    assert incentive.status == IncentiveStatus.INELIGIBLE
    bad = staff_client.post(
        f"/incentives/{incentive.pk}/exclusions/add/",
        {"kind": "outstanding_balance", "occurred_on": "2022-07-01", "source": "Statement 7"},
    )
    assert bad.status_code == 200
    assert "occurred_on" in bad.context["form"].errors
    decision = staff_client.post(
        f"/incentives/{incentive.pk}/decisions/add/",
        {"outcome": "eligible", "reason": "Balance paid in full", "decided_on": "2024-03-01"},
    )
    assert decision.status_code == 302
    incentive.refresh_from_db()
    assert incentive.status == IncentiveStatus.ELIGIBLE


def test_recalculate_and_reissue(staff_client):
    firm = certified_employer(2023)
    incentive = services.compute_incentive(employer=firm, year=2023, actor=None)
    assert staff_client.post(f"/incentives/{incentive.pk}/recalculate/").status_code == 302
    response = staff_client.post(f"/incentives/{incentive.pk}/reissue/")
    assert response.status_code == 302
    assert incentive.letters.get().version == 1
    staff_client.post(f"/incentives/{incentive.pk}/reissue/")
    assert sorted(incentive.letters.values_list("version", flat=True)) == [1, 2]
    assert timezone.now()
