"""WIVA cases and report similarity on the pages and the API (R-13, R-14): staff only,
constant queries, the next-step form, the reporting form PDF."""

import subprocess
from datetime import date, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.core.files.base import ContentFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.test import APIClient

from audits import services_wiva
from audits.choices import WivaStatus
from audits.models import SimilarityMatch, WivaCase
from audits.sample_reports import HOTEL_COPY, HOTEL_REPORT, report_pdf
from audits.services_plagiarism import check_report
from audits.tests.factories import AuditFactory, SubmissionFactory
from audits.tests.test_services import auditor, employer
from employers.tests.factories import EmployerFactory

pytestmark = pytest.mark.django_db

TODAY = date(2025, 9, 30)
D1 = date(2025, 5, 5)
BUDGET = 12


@pytest.fixture(autouse=True)
def frozen():
    with time_machine.travel(TODAY, tick=False):
        yield


@pytest.fixture
def staff_client(client, staff_user):
    client.force_login(staff_user)
    return client


def api_for(user) -> APIClient:
    api = APIClient()
    api.force_authenticate(user)
    return api


def pdf_text(pdf: bytes) -> str:
    out = subprocess.run(
        ["pdftotext", "-raw", "-", "-"], input=pdf, capture_output=True, check=True
    )
    return " ".join(out.stdout.decode().split())


def make_cases(count: int, staff) -> None:
    """Add cases until there are ``count``, every third with its auditor selected."""
    lead = auditor(years=(2025,))
    for index in range(count - WivaCase.objects.count()):
        case = services_wiva.open_case(
            actor=staff, employer=employer("large"), budget=Decimal("7500"), on=D1
        )
        services_wiva.notify_employer(case=case, actor=staff, on=D1)
        if index % 3 == 0:
            services_wiva.select_auditor(
                case=case,
                actor=staff,
                on=D1 + timedelta(days=2),
                auditor=lead,
                estimate=Decimal("7000"),
                starts_on=D1 + timedelta(days=40),
            )


# The list ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "params",
    [{}, {"_export": "csv"}, {"q": "a", "status": "open", "next_step": "2", "year": "2025"}],
)
def test_the_list_makes_the_same_few_queries_for_3_and_30_cases(staff_client, staff_user, params):
    counts = []
    for size in (3, 30):
        make_cases(size, staff_user)
        with CaptureQueriesContext(connection) as queries:
            response = staff_client.get(reverse("audits:wiva-list"), params)
        assert response.status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1] <= BUDGET


def test_the_list_shows_filters_and_exports_cases(staff_client, staff_user):
    make_cases(4, staff_user)  # cases 1 and 4 have their auditor selected
    response = staff_client.get(reverse("audits:wiva-list"))
    assert response.content.decode().count("WIVA-2025-00") == 4
    waiting = staff_client.get(reverse("audits:wiva-list"), {"next_step": "3"})
    assert [c.number for c in waiting.context["table"].data] == ["WIVA-2025-004", "WIVA-2025-001"]
    assert (
        staff_client.get(reverse("audits:wiva-list"), {"year": "2024"})
        .context["table"]
        .data.data.count()
        == 0
    )
    export = staff_client.get(reverse("audits:wiva-list"), {"_export": "csv"}).content.decode()
    header, first, *_ = export.splitlines()
    assert header.startswith("Case,Employer,Status,Next step,Employer notified")
    assert "WIVA-2025-004" in first
    assert "Arrange the audit" in first
    assert "2025-05-05" in first


def test_the_pages_are_for_staff_only(
    client, employer_a_user, auditor_user, board_user, staff_user
):
    case = services_wiva.open_case(
        actor=staff_user, employer=EmployerFactory(), budget=Decimal("1")
    )
    for user in (employer_a_user, auditor_user, board_user):
        client.force_login(user)
        for name, args in (
            ("audits:wiva-list", []),
            ("audits:wiva-detail", [case.pk]),
            ("audits:wiva-pdf", [case.pk]),
        ):
            assert client.get(reverse(name, args=args)).status_code == 403


# Opening a case and recording its steps ----------------------------------------------------------


def test_staff_open_a_case_then_record_its_steps(staff_client, staff_user):
    firm = employer("large")
    response = staff_client.post(
        reverse("audits:wiva-create"),
        {"employer": firm.pk, "budget": "7500.00", "reason": "Claim", "notes": ""},
    )
    case = WivaCase.objects.get()
    assert response.status_code == 302
    assert response.url == case.get_absolute_url()
    page = staff_client.get(case.get_absolute_url()).content.decode()
    assert "Next step: Notify the employer" in page

    step_url = reverse("audits:wiva-step", args=[case.pk])
    assert staff_client.post(step_url, {"on": "2025-05-05", "note": "Letter"}).status_code == 302
    lead = auditor(years=(2025,))
    # Dated before the previous step: refused beside the date, nothing recorded.
    refused = staff_client.post(
        step_url,
        {"on": "2025-05-01", "auditor": lead.pk, "estimate": "7000", "starts_on": "2025-06-20"},
    )
    assert refused.status_code == 200
    assert refused.context["form"].errors["on"] == [
        "This step cannot be dated before the previous one (“Notify the employer”, 2025-05-05)."
    ]
    assert case.steps.count() == 1
    # Missing the step's own fields: the form says so.
    missing = staff_client.post(step_url, {"on": "2025-05-08"})
    assert set(missing.context["form"].errors) == {"auditor", "estimate", "starts_on"}
    ok = staff_client.post(
        step_url,
        {"on": "2025-05-08", "auditor": lead.pk, "estimate": "7000", "starts_on": "2025-06-20"},
    )
    assert ok.status_code == 302
    case.refresh_from_db()
    assert case.audit.audit_type == "wiva"
    assert case.audit.lead_auditor == lead
    assert (
        "Next step: Arrange the audit" in staff_client.get(case.get_absolute_url()).content.decode()
    )


def test_cancelling_asks_for_a_reason_and_confirms(staff_client, staff_user):
    case = services_wiva.open_case(actor=staff_user, employer=employer(), budget=Decimal("1"))
    url = reverse("audits:wiva-cancel", args=[case.pk])
    assert "cannot be reopened" in staff_client.get(url).content.decode()
    assert staff_client.post(url, {"reason": ""}).status_code == 200
    assert staff_client.post(url, {"reason": "Withdrawn by WorkSafeBC"}).status_code == 302
    case.refresh_from_db()
    assert case.status == WivaStatus.CANCELLED


# The reporting form ----------------------------------------------------------------------------


def test_the_reporting_form_pdf_has_the_employer_steps_dates_and_cost(staff_client, staff_user):
    firm = employer("large", legal_name="Harbour Kayak Tours Ltd.")
    case = services_wiva.open_case(actor=staff_user, employer=firm, budget=Decimal("7500"), on=D1)
    lead = auditor(years=(2025,))
    case = services_wiva.notify_employer(case=case, actor=staff_user, on=D1)
    case = services_wiva.select_auditor(
        case=case,
        actor=staff_user,
        on=date(2025, 5, 9),
        auditor=lead,
        estimate=Decimal("6800"),
        starts_on=date(2025, 6, 20),
    )
    case = services_wiva.arrange_audit(
        case=case, actor=staff_user, on=date(2025, 5, 12), starts_on=date(2025, 6, 20)
    )
    case = services_wiva.qa_documents(
        case=case, actor=staff_user, on=date(2025, 7, 30), result="The COR audit result stands."
    )
    case = services_wiva.file_reporting_form(
        case=case, actor=staff_user, on=date(2025, 8, 4), cost=Decimal("7120.50")
    )

    response = staff_client.get(reverse("audits:wiva-pdf", args=[case.pk]))

    assert response["Content-Type"] == "application/pdf"
    assert f"{case.number}-harbour-kayak-tours-ltd.pdf" in response["Content-Disposition"]
    text = pdf_text(response.content)
    assert "WIVA reporting form" in text
    assert "Harbour Kayak Tours Ltd." in text
    assert firm.account_number in text
    assert lead.name in text
    for line in (
        "1 Notify the employer 2025-05-05",
        "2 Request estimates and select an auditor 2025-05-09",
        "3 Arrange the audit 2025-05-12",
        "4 QA all documents 2025-07-30",
        "5 File the WIVA reporting form with WorkSafeBC 2025-08-04",
        "6 Confirm the result to the employer Pending",
    ):
        assert line in text
    assert "filed with WorkSafeBC on 2025-08-04" in text
    assert "$7,500.00" in text
    assert "$6,800.00" in text
    assert "$7,120.50" in text
    assert "The COR audit result stands." in text


# Similarity page and API ----------------------------------------------------------------------


@pytest.fixture
def flagged_pair():
    earlier = SubmissionFactory(
        audit=AuditFactory(employer=EmployerFactory(legal_name="Harbour Hotel Ltd.")),
        report=ContentFile(report_pdf(HOTEL_REPORT), name="a.pdf"),
        submitted_on=date(2025, 6, 1),
    )
    later = SubmissionFactory(
        audit=AuditFactory(employer=EmployerFactory(legal_name="Summit Lodge Ltd.")),
        report=ContentFile(report_pdf(HOTEL_COPY), name="b.pdf"),
        submitted_on=date(2025, 6, 2),
    )
    check_report(earlier)
    check_report(later)
    return earlier, later


def test_the_similarity_page_shows_the_passages_side_by_side(staff_client, flagged_pair):
    earlier, later = flagged_pair
    response = staff_client.get(reverse("audits:similarity", args=[later.pk]))
    page = response.content.decode()
    match = SimilarityMatch.objects.get()
    assert f"{match.score:.2f}% similar" in page
    assert "earlier report of" in page
    assert "Harbour Hotel Ltd." in page
    assert page.count("<mark>") == 2 * len(match.passages)
    # The earlier report's page shows the pair too.
    assert (
        "Summit Lodge Ltd."
        in staff_client.get(reverse("audits:similarity", args=[earlier.pk])).content.decode()
    )


def test_a_draft_has_no_similarity_page(staff_client):
    draft = SubmissionFactory()
    assert staff_client.get(reverse("audits:similarity", args=[draft.pk])).status_code == 404


def test_the_similarity_api_is_staff_only(staff_user, employer_a_user, auditor_user, flagged_pair):
    url = reverse("api:similarity-match-list")
    for user in (employer_a_user, auditor_user):
        assert api_for(user).get(url).status_code == 403
    body = api_for(staff_user).get(url, {"flagged": "true"}).json()
    [row] = body["results"]
    assert row["submission"] == flagged_pair[1].pk
    assert row["earlier"] == flagged_pair[0].pk
    assert Decimal(row["score"]) >= Decimal("80")
    assert row["flagged"] is True
    assert row["passages"][0]["a"][1] > row["passages"][0]["a"][0]


# WIVA API ---------------------------------------------------------------------------------------


def test_the_wiva_api_opens_a_case_and_records_steps_in_order(staff_user):
    api = api_for(staff_user)
    firm = employer("large")
    created = api.post(
        reverse("api:wiva-case-list"), {"employer": firm.pk, "budget": "7500.00"}, format="json"
    )
    assert created.status_code == 201, created.json()
    case = created.json()
    assert case["next_step"] == 1
    assert case["status"] == "open"
    assert case["steps"] == []
    step_url = reverse("api:wiva-case-step", args=[case["id"]])
    assert api.post(step_url, {"on": "2025-05-05"}, format="json").status_code == 200
    # Step 2 without its fields: 400 naming them.
    missing = api.post(step_url, {"on": "2025-05-06"}, format="json")
    assert missing.status_code == 400
    assert set(missing.json()["errors"]) == {"auditor", "estimate", "starts_on"}
    lead = auditor(years=(2025,))
    early = api.post(
        step_url,
        {"on": "2025-05-01", "auditor": lead.pk, "estimate": "7000", "starts_on": "2025-06-20"},
        format="json",
    )
    assert early.status_code == 400
    assert early.json()["errors"]["on"] == [
        "This step cannot be dated before the previous one (“Notify the employer”, 2025-05-05)."
    ]
    done = api.post(
        step_url,
        {"on": "2025-05-06", "auditor": lead.pk, "estimate": "7000", "starts_on": "2025-06-20"},
        format="json",
    )
    assert done.status_code == 200
    body = done.json()
    assert [s["step"] for s in body["steps"]] == [1, 2]
    assert body["next_step"] == 3
    assert body["auditor"] == lead.pk
    assert body["opened_on"] == "2025-05-05"
    cancelled = api.post(
        reverse("api:wiva-case-cancel", args=[case["id"]]), {"reason": "Withdrawn"}, format="json"
    )
    assert cancelled.json()["status"] == "cancelled"
    assert cancelled.json()["next_step"] is None


def test_the_wiva_api_is_staff_only(employer_a_user, auditor_user, board_user, staff_user):
    services_wiva.open_case(actor=staff_user, employer=EmployerFactory(), budget=Decimal("1"))
    for user in (employer_a_user, auditor_user, board_user):
        assert api_for(user).get(reverse("api:wiva-case-list")).status_code == 403
        assert (
            api_for(user).post(reverse("api:wiva-case-list"), {}, format="json").status_code == 403
        )


def test_the_wiva_api_list_makes_the_same_few_queries_for_3_and_30_cases(staff_user):
    api = api_for(staff_user)
    counts = []
    for size in (3, 30):
        make_cases(size, staff_user)
        with CaptureQueriesContext(connection) as queries:
            response = api.get(reverse("api:wiva-case-list"), {"page_size": 50})
        assert response.status_code == 200
        counts.append(len(queries))
    assert counts[0] == counts[1] <= BUDGET


def test_the_similarity_panel_tag_renders_the_pairs_for_a_submission(flagged_pair):
    from django.template import Context, Template

    _, later = flagged_pair
    html = Template("{% load similarity %}{% similarity_panel submission %}").render(
        Context({"submission": later})
    )
    assert "% similar</span>" in html
    assert "Harbour Hotel Ltd." in html
    assert html.count("<mark>") == 2 * min(3, len(SimilarityMatch.objects.get().passages))
    unchecked = Template("{% load similarity %}{% similarity_panel submission %}").render(
        Context({"submission": SubmissionFactory(submitted_on=date(2025, 6, 3))})
    )
    assert "Not checked yet" in unchecked
