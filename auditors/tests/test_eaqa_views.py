"""The EAQA pages (R-15): the year's plan, planning in rotation, and recording an EAQA."""

from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from auditors.choices import AuditorKind, AuditorStatus, EAQAOutcome
from auditors.models import EAQA
from auditors.tests.factories import AuditorFactory, EAQAFactory

pytestmark = pytest.mark.django_db

PDF_BYTES = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"


@pytest.fixture
def year():
    return timezone.localdate().year


@pytest.fixture
def staff_client(client, staff_user):
    client.force_login(staff_user)
    return client


@pytest.fixture
def roster(year, employer_a):
    """Eleven certified external auditors (two EAQAs needed), with different EAQA histories.

    Besides them, an internal auditor and a lapsed external one, who are not on the roster.
    """
    auditors = AuditorFactory.create_batch(11)
    reviewed = {
        0: date(year - 1, 5, 1),
        1: date(year - 3, 5, 1),  # longest since the last EAQA
        2: date(year - 2, 5, 1),
        **{n: date(year - 1, 6, n) for n in range(4, 11)},
    }
    for n, conducted in reviewed.items():
        EAQAFactory(
            auditor=auditors[n],
            year=conducted.year,
            planned_on=conducted,
            conducted_on=conducted,
            outcome=EAQAOutcome.SATISFACTORY,
        )
    AuditorFactory(kind=AuditorKind.INTERNAL, employer=employer_a)
    AuditorFactory(status=AuditorStatus.LAPSED)
    return auditors


def test_plan_page_shows_the_roster_and_the_required_count(staff_client, roster, year):
    response = staff_client.get("/auditors/eaqa/")

    context = response.context
    assert response.status_code == 200
    assert (context["year"], context["roster_size"], context["required"]) == (year, 11, 2)
    assert context["eaqas"] == []
    html = response.content.decode()
    assert "Nothing planned for this year yet" in html
    assert "never reviewed" in html.lower()


def test_planning_picks_in_rotation_and_is_idempotent(staff_client, roster, year):
    first = staff_client.post("/auditors/eaqa/plan/", {"year": year}, follow=True)
    second = staff_client.post("/auditors/eaqa/plan/", {"year": year}, follow=True)

    planned = EAQA.objects.filter(year=year)
    # Auditor 3 was never reviewed; auditor 1's last EAQA is the oldest.
    assert {e.auditor_id for e in planned} == {roster[3].pk, roster[1].pk}
    assert first.redirect_chain[-1][0] == f"/auditors/eaqa/?year={year}"
    assert "2 auditors were added to the" in first.content.decode()
    assert "nothing was added" in second.content.decode()
    assert planned.count() == 2
    assert len(second.context["eaqas"]) == 2
    assert second.context["missing"] == 0


def test_planning_again_after_the_roster_grows_adds_only_what_is_missing(
    staff_client, roster, year
):
    staff_client.post("/auditors/eaqa/plan/", {"year": year})
    newcomers = AuditorFactory.create_batch(10)  # 21 on the roster: three EAQAs

    staff_client.post("/auditors/eaqa/plan/", {"year": year})

    planned = {e.auditor_id for e in EAQA.objects.filter(year=year)}
    assert len(planned) == 3
    assert {roster[3].pk, roster[1].pk} <= planned
    assert planned - {roster[3].pk, roster[1].pk} == {newcomers[0].pk}  # never reviewed, lowest id


def test_plan_for_another_year_is_shown_and_planned(staff_client, roster, year):
    staff_client.post("/auditors/eaqa/plan/", {"year": year + 1})

    response = staff_client.get("/auditors/eaqa/", {"year": year + 1})

    assert response.context["year"] == year + 1
    assert len(response.context["eaqas"]) == 2
    assert not EAQA.objects.filter(year=year).exists()


@pytest.mark.parametrize("bad", ["", "next", "1999", "3000"])
def test_a_wrong_year_shows_this_year(staff_client, bad, year):
    assert staff_client.get("/auditors/eaqa/", {"year": bad}).context["year"] == year


def test_planning_a_wrong_year_is_refused(staff_client, roster):
    response = staff_client.post("/auditors/eaqa/plan/", {"year": "soon"}, follow=True)

    assert "Choose a year" in response.content.decode()
    assert not EAQA.objects.filter(planned_on=timezone.localdate()).exists()


def test_empty_roster_says_no_eaqa_is_required(staff_client):
    response = staff_client.get("/auditors/eaqa/")

    assert response.context["required"] == 0
    assert "No EAQA is required" in response.content.decode()


def test_planning_is_a_post(staff_client):
    assert staff_client.get("/auditors/eaqa/plan/").status_code == 405


# Recording ----------------------------------------------------------------------------------


@pytest.fixture
def planned(year):
    return EAQAFactory(year=year)


def test_staff_record_an_eaqa_with_its_report(staff_client, staff_user, planned, year):
    conducted = timezone.localdate() - timedelta(days=2)
    report = SimpleUploadedFile("EAQA of Smith.pdf", PDF_BYTES, "application/pdf")

    response = staff_client.post(
        f"/auditors/eaqa/{planned.pk}/record/",
        {
            "conducted_on": conducted.isoformat(),
            "reviewer": staff_user.pk,
            "findings": "Sampling was thin in element 4.",
            "outcome": EAQAOutcome.IMPROVEMENT,
            "report": report,
        },
    )

    assert response.status_code == 302
    assert response["Location"] == f"/auditors/eaqa/?year={year}"
    planned.refresh_from_db()
    assert (planned.conducted_on, planned.reviewer, planned.outcome) == (
        conducted,
        staff_user,
        EAQAOutcome.IMPROVEMENT,
    )
    assert planned.report.name.startswith("eaqa-reports/")
    assert "Smith" not in planned.report.name
    page = staff_client.get("/auditors/eaqa/").content.decode()
    assert "Improvement needed" in page
    assert f"/auditors/eaqa/{planned.pk}/report/" in page


def test_outcome_without_a_date_is_refused_beside_the_date(staff_client, planned):
    response = staff_client.post(
        f"/auditors/eaqa/{planned.pk}/record/", {"outcome": EAQAOutcome.SATISFACTORY}
    )

    assert response.status_code == 200
    assert response.context["form"].errors["conducted_on"] == [
        "Record when the EAQA was conducted."
    ]
    planned.refresh_from_db()
    assert planned.outcome == ""


def test_report_that_is_not_a_pdf_is_refused(staff_client, planned):
    upload = SimpleUploadedFile("report.pdf", b"PK\x03\x04 a zip file", "application/pdf")

    response = staff_client.post(
        f"/auditors/eaqa/{planned.pk}/record/",
        {"conducted_on": timezone.localdate().isoformat(), "report": upload},
    )

    assert "not a PDF" in response.context["form"].errors["report"][0]
    planned.refresh_from_db()
    assert not planned.report


def test_reviewer_must_be_staff(staff_client, planned, auditor_user):
    response = staff_client.post(
        f"/auditors/eaqa/{planned.pk}/record/",
        {"conducted_on": timezone.localdate().isoformat(), "reviewer": auditor_user.pk},
    )

    assert "reviewer" in response.context["form"].errors


def test_staff_download_the_report(staff_client, year):
    eaqa = EAQAFactory(year=year, report=SimpleUploadedFile("r.pdf", PDF_BYTES))

    response = staff_client.get(f"/auditors/eaqa/{eaqa.pk}/report/")

    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content) == PDF_BYTES


def test_report_of_an_eaqa_without_one_is_404(staff_client, planned):
    assert staff_client.get(f"/auditors/eaqa/{planned.pk}/report/").status_code == 404


def test_eaqa_pages_are_for_staff_only(client, auditor_user, planned):
    client.force_login(auditor_user)

    assert client.get("/auditors/eaqa/").status_code == 403
    assert client.post("/auditors/eaqa/plan/", {"year": 2026}).status_code == 403
    assert client.get(f"/auditors/eaqa/{planned.pk}/record/").status_code == 403
    assert not EAQA.objects.exclude(pk=planned.pk).exists()
