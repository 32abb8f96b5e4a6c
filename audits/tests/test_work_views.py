"""The lead auditor's pages: notice, start, onsite, scores and report, submit, extension, report."""

from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from auditors.tests.factories import AuditorFactory
from audits.choices import AuditStatus, ExtensionStatus
from audits.models import Audit, ElementScore, Extension, Submission
from audits.tests.factories import AuditFactory, ExtensionFactory, SubmissionFactory, score_all

pytestmark = pytest.mark.django_db

VANCOUVER = ZoneInfo("America/Vancouver")
TODAY = date(2026, 6, 15)
PDF = b"%PDF-1.7\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n"
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 64


def moment(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 10, 0, tzinfo=VANCOUVER)


@pytest.fixture(autouse=True)
def clock():
    """Fix "today" at 2026-06-15 in Vancouver; tests move it with ``clock.move_to``."""
    with time_machine.travel(moment(TODAY), tick=False) as traveller:
        yield traveller


@pytest.fixture
def auditor(auditor_user):
    """Return the signed-in auditor's record: certified, external."""
    return AuditorFactory(user=auditor_user)


@pytest.fixture
def client(auditor_user, auditor):
    client = Client()
    client.force_login(auditor_user)
    return client


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def make_audit(employer, auditor, **kwargs) -> Audit:
    """Return an audit of the employer led by the auditor (planned unless told)."""
    return AuditFactory(employer=employer, lead_auditor=auditor, **kwargs)


def onsite_done(
    employer,
    auditor,
    *,
    status=AuditStatus.ONSITE_COMPLETE,
    starts_on=TODAY - timedelta(days=40),
    last=None,
):
    """Return an audit with onsite work complete (last onsite day 5 days ago by default)."""
    return make_audit(
        employer,
        auditor,
        status=status,
        starts_on=starts_on,
        last_onsite_on=last or TODAY - timedelta(days=5),
    )


def pdf(name: str = "report.pdf", content: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def text(response) -> str:
    """Return the page with its whitespace collapsed, for reading sentences in it."""
    return " ".join(response.content.decode().split())


def url(name: str, audit: Audit) -> str:
    return reverse(f"audits:{name}", args=[audit.pk])


def all_scores(audit: Audit, earned: str = "85", applicable: str = "100") -> dict[str, str]:
    """Return the work form's values scoring every element of the audit's tool alike."""
    data = {}
    for element in audit.tool.elements.all():
        data[f"earned_{element.pk}"] = earned
        data[f"applicable_{element.pk}"] = applicable
    return data


def first_element(audit: Audit):
    return audit.tool.elements.order_by("number").first()


def draft_with(audit: Audit, *, report: bool = True, scored: bool = True) -> Submission:
    """Return the audit's draft submission, with a PDF report and every element scored."""
    kwargs = {"report": ContentFile(PDF, name="report.pdf"), "report_name": "report.pdf"}
    draft = SubmissionFactory(audit=audit, **(kwargs if report else {}))
    if scored:
        score_all(draft)
    return draft


# The whole path --------------------------------------------------------------------------------


def test_auditor_walks_an_audit_from_notice_to_submission(
    client, clock, employer_a, auditor, auditor_user
):
    starts_on = date(2026, 7, 6)
    audit = make_audit(employer_a, auditor, starts_on=starts_on)

    # 1. The notice, on time (due 2026-06-22).
    page = text(client.get(url("notice", audit)))
    assert "by <strong>2026-06-22</strong>" in page
    assert "I did no consulting work for this employer in the last 12 months" in page
    response = client.post(
        url("notice", audit),
        {
            "sites": "Head office and the Whistler lodge; 12 interviews.",
            "no_conflict_declared": "on",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("homes:auditor")
    audit.refresh_from_db()
    assert audit.status == AuditStatus.NOTICE_FILED
    assert audit.notice_filed_on == TODAY
    assert audit.no_conflict_declared is True
    assert audit.notice_late is False
    assert audit.sites == "Head office and the Whistler lodge; 12 interviews."

    # 2. The start, on the start date (weeks later: the session has expired, sign in again).
    clock.move_to(moment(starts_on))
    client.force_login(auditor_user)
    response = client.post(url("start", audit), {"on": "2026-07-06"})
    assert response.status_code == 302
    audit.refresh_from_db()
    assert audit.status == AuditStatus.IN_PROGRESS
    assert audit.status_changes.filter(transition="start", changed_on=starts_on).exists()

    # 3. The last onsite day, before the onsite deadline (2026-08-20).
    clock.move_to(moment(date(2026, 8, 3)))
    client.force_login(auditor_user)
    page = text(client.get(url("onsite", audit)))
    assert "Onsite work is due by <strong>2026-08-20</strong>" in page
    response = client.post(url("onsite", audit), {"last_onsite_on": "2026-07-31"})
    assert response.status_code == 302
    assert response["Location"] == url("work", audit)
    audit.refresh_from_db()
    assert audit.status == AuditStatus.ONSITE_COMPLETE
    assert audit.last_onsite_on == date(2026, 7, 31)
    assert audit.submission_due == date(2026, 8, 30)
    assert audit.onsite_overrun is False
    page = text(client.get(url("work", audit)))
    assert "The report is due to QA by 2026-08-30." in page

    # 4. Scores and the report.
    response = client.post(url("work", audit), {**all_scores(audit), "report": pdf()})
    assert response.status_code == 302
    draft = Submission.objects.get(audit=audit)
    assert draft.submitted_on is None
    assert draft.report_name == "report.pdf"
    assert draft.report.name.startswith("audit-reports/")
    assert "report" not in draft.report.name.removeprefix("audit-reports/")
    assert draft.scores.count() == 8
    page = text(client.get(url("work", audit)))
    assert "85.00%" in page
    assert "Passes</span>" in page
    assert "Pass marks for a certification audit: 80% overall and 50% in every element" in page

    # 5. Submitted to QA, on time.
    page = text(client.get(url("submit", audit)))
    assert "On time</span>" in page
    assert "Submit the report to QA</button>" in page
    response = client.post(url("submit", audit))
    assert response.status_code == 302
    audit.refresh_from_db()
    draft.refresh_from_db()
    assert audit.status == AuditStatus.SUBMITTED
    assert audit.submitted_on == date(2026, 8, 3)
    assert audit.passed is True
    assert audit.overall_percent == Decimal("85")
    assert audit.submission_late is False
    assert draft.submitted_on == date(2026, 8, 3)
    assert draft.late is False
    home = text(client.get(reverse("homes:auditor")))
    assert "The report was submitted to QA on time." in home


# Notice of Audit ---------------------------------------------------------------------------------


def test_notice_needs_the_declaration(client, employer_a, auditor):
    audit = make_audit(employer_a, auditor, starts_on=TODAY + timedelta(days=30))

    response = client.post(url("notice", audit), {"sites": "Head office"})

    assert response.status_code == 200
    page = text(response)
    assert "Tick the declaration to file the notice" in page
    assert "Please correct the errors below." in page
    assert "Head office" in page  # what was typed is kept
    audit.refresh_from_db()
    assert audit.status == AuditStatus.PLANNED
    assert audit.notice_filed_on is None


def test_late_notice_is_shown_before_and_flagged_after(client, employer_a, auditor):
    audit = make_audit(employer_a, auditor, starts_on=TODAY + timedelta(days=10))

    page = text(client.get(url("notice", audit)))
    assert "This notice is late:</strong> it was due on 2026-06-11." in page

    response = client.post(
        url("notice", audit), {"sites": "Yard", "no_conflict_declared": "on"}, follow=True
    )
    assert "It was due on 2026-06-11, so it is recorded as late." in text(response)
    audit.refresh_from_db()
    assert audit.notice_late is True


def test_filed_notice_page_says_so_instead_of_a_form(client, employer_a, auditor):
    audit = make_audit(employer_a, auditor, status=AuditStatus.NOTICE_FILED, notice_filed_on=TODAY)

    response = client.get(url("notice", audit))

    assert response.status_code == 200
    page = text(response)
    assert "The Notice of Audit was filed on 2026-06-15." in page
    assert 'value="File the notice"' not in page
    assert f'href="{url("start", audit)}">Start the audit</a>' in page


def test_employer_in_scope_may_not_file_the_notice(employer_a, employer_a_user, auditor):
    audit = make_audit(employer_a, auditor)

    response = login(employer_a_user).post(
        url("notice", audit), {"sites": "x", "no_conflict_declared": "on"}
    )

    assert response.status_code == 403
    audit.refresh_from_db()
    assert audit.status == AuditStatus.PLANNED


def test_other_auditor_finds_no_audit(employer_a, other_auditor_user, auditor):
    audit = make_audit(employer_a, auditor)

    response = login(other_auditor_user).post(
        url("notice", audit), {"sites": "x", "no_conflict_declared": "on"}
    )

    assert response.status_code == 404


# Start and onsite ---------------------------------------------------------------------------------


def test_start_before_the_start_date_is_refused_beside_the_date(client, employer_a, auditor):
    audit = make_audit(employer_a, auditor, starts_on=TODAY + timedelta(days=30))

    page = text(client.get(url("start", audit)))
    assert "The Notice of Audit is not filed yet</strong> (due 2026-07-01)" in page

    response = client.post(url("start", audit), {"on": "2026-06-15"})

    assert response.status_code == 200
    assert "The audit starts on 2026-07-15." in text(response)
    audit.refresh_from_db()
    assert audit.status == AuditStatus.PLANNED


def test_onsite_page_of_a_planned_audit_explains_why(client, employer_a, auditor):
    audit = make_audit(employer_a, auditor)

    response = client.get(url("onsite", audit))

    assert response.status_code == 200
    page = text(response)
    assert "Start the audit first; record the last onsite day when onsite work is done." in page
    assert f'href="{url("notice", audit)}">File the notice</a>' in page


def test_onsite_overrun_is_warned_of_and_flagged(client, employer_a, auditor):
    starts_on = TODAY - timedelta(days=50)  # onsite due 2026-06-10, five days ago
    audit = make_audit(employer_a, auditor, status=AuditStatus.IN_PROGRESS, starts_on=starts_on)

    page = text(client.get(url("onsite", audit)))
    assert "The onsite deadline has passed</strong> (2026-06-10)" in page

    preview = client.get(
        url("onsite", audit), {"last_onsite_on": "2026-06-12"}, headers={"HX-Request": "true"}
    )
    assert "2026-06-12 is after the onsite deadline (2026-06-10)." in text(preview)
    assert "the report is due to QA by <strong>2026-07-10</strong>" in text(preview)
    assert "<html" not in preview.content.decode()

    response = client.post(url("onsite", audit), {"last_onsite_on": "2026-06-12"}, follow=True)

    assert "the overrun is flagged to the COR team." in text(response)
    audit.refresh_from_db()
    assert audit.onsite_overrun is True
    assert audit.status == AuditStatus.ONSITE_COMPLETE


def test_onsite_day_in_the_future_is_refused_beside_the_field(client, employer_a, auditor):
    audit = make_audit(
        employer_a, auditor, status=AuditStatus.IN_PROGRESS, starts_on=TODAY - timedelta(days=3)
    )

    response = client.post(url("onsite", audit), {"last_onsite_on": "2026-06-20"})

    assert response.status_code == 200
    assert "The last onsite day cannot be in the future." in text(response)
    audit.refresh_from_db()
    assert audit.status == AuditStatus.IN_PROGRESS
    assert audit.last_onsite_on is None


# Scores and report ------------------------------------------------------------------------------


def test_earned_above_applicable_is_refused_beside_the_field(client, employer_a, auditor):
    audit = onsite_done(employer_a, auditor)
    element = first_element(audit)

    response = client.post(
        url("work", audit), {f"earned_{element.pk}": "60", f"applicable_{element.pk}": "50"}
    )

    assert response.status_code == 200
    page = text(response)
    assert (
        f'<div class="invalid-feedback d-block" id="id_earned_{element.pk}-error">'
        "Earned points are between 0 and the applicable points.</div>"
    ) in page
    assert f'name="earned_{element.pk}" value="60"' in page
    assert not ElementScore.objects.filter(submission__audit=audit).exists()


def test_applicable_above_the_elements_points_is_refused_beside_the_field(
    client, employer_a, auditor
):
    audit = onsite_done(employer_a, auditor)
    element = first_element(audit)
    other = audit.tool.elements.order_by("number")[1]

    response = client.post(
        url("work", audit),
        {
            f"earned_{element.pk}": "90",
            f"applicable_{element.pk}": "120",
            f"earned_{other.pk}": "50",
            f"applicable_{other.pk}": "100",
        },
    )

    assert response.status_code == 200
    assert (
        f'id="id_applicable_{element.pk}-error">At most 100.00 points apply to this element.'
    ) in text(response)
    # Nothing half-written: the valid element is not saved either.
    assert not ElementScore.objects.filter(submission__audit=audit).exists()


def test_an_element_with_one_value_only_is_refused(client, employer_a, auditor):
    audit = onsite_done(employer_a, auditor)
    element = first_element(audit)

    response = client.post(url("work", audit), {f"earned_{element.pk}": "40"})

    assert response.status_code == 200
    assert "Enter both earned and applicable points, or neither." in text(response)


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("report.pdf", EXE),  # a program renamed .pdf
        ("report.pdf", b"Just some notes, saved as text.\n"),
        ("report.exe", EXE),
    ],
)
def test_a_file_that_is_not_a_pdf_is_refused(client, employer_a, auditor, name, content):
    audit = onsite_done(employer_a, auditor)

    response = client.post(url("work", audit), {"report": pdf(name, content)})

    assert response.status_code == 200
    assert "The file is not a PDF. Upload the report saved as PDF." in text(response)
    assert not Submission.objects.filter(audit=audit).exclude(report="").exists()


def test_a_report_over_the_size_cap_is_refused(client, employer_a, auditor, settings):
    settings.UPLOAD_MAX_BYTES = 1024
    audit = onsite_done(employer_a, auditor)

    response = client.post(url("work", audit), {"report": pdf(content=PDF + b"0" * 2048)})

    assert response.status_code == 200
    assert "the largest accepted is 1.0\xa0KB" in response.content.decode()


def test_result_is_recomputed_as_values_change_without_saving(client, employer_a, auditor):
    audit = onsite_done(employer_a, auditor)
    values = all_scores(audit, "90", "100")
    element = first_element(audit)
    values[f"earned_{element.pk}"] = "40"  # 40% in one element: fails

    response = client.get(url("work", audit), values, headers={"HX-Request": "true"})

    page = text(response)
    assert response.status_code == 200
    assert "<html" not in page
    assert "Result as entered (not saved yet)" in page
    assert "83.75%" in page
    assert "Does not pass</span>" in page
    assert "Management &amp; Leadership Commitment: below 50%." in page
    assert "HX-Request" in response["Vary"]
    assert not Submission.objects.filter(audit=audit).exists()


def test_result_shows_the_exact_value_cut_not_rounded_up(client, employer_a, auditor):
    """79.995% fails (R-10); it must not read as 80.00%."""
    audit = onsite_done(employer_a, auditor)
    values = all_scores(audit, "80", "100")
    element = first_element(audit)
    values[f"earned_{element.pk}"] = "79.96"  # 639.96 / 800 = 79.995%

    page = text(client.get(url("work", audit), values, headers={"HX-Request": "true"}))

    assert "79.99%" in page
    assert "Does not pass</span>" in page
    assert "Overall below 80%." in page


def test_work_page_before_the_start_explains_why(client, employer_a, auditor):
    audit = make_audit(employer_a, auditor, status=AuditStatus.NOTICE_FILED)

    response = client.get(url("work", audit))

    assert response.status_code == 200
    assert "Scores and the report can be entered once the audit has started." in text(response)


# Submission ---------------------------------------------------------------------------------------


def test_submit_before_onsite_is_complete_is_refused(client, employer_a, auditor):
    audit = make_audit(
        employer_a, auditor, status=AuditStatus.IN_PROGRESS, starts_on=TODAY - timedelta(days=3)
    )

    page = text(client.get(url("submit", audit)))
    assert "Submit the report after onsite work is complete." in page

    response = client.post(url("submit", audit))

    assert response.status_code == 200
    assert "Submit the report after onsite work is complete." in text(response)
    audit.refresh_from_db()
    assert audit.status == AuditStatus.IN_PROGRESS


def test_submit_without_a_report_is_refused(client, employer_a, auditor):
    audit = onsite_done(employer_a, auditor)
    draft_with(audit, report=False)

    page = text(client.get(url("submit", audit)))
    assert "No report uploaded." in page
    assert "Complete the items above, then submit." in page

    response = client.post(url("submit", audit))

    assert response.status_code == 200
    assert "Upload the report (PDF) before submitting." in text(response)
    audit.refresh_from_db()
    assert audit.status == AuditStatus.ONSITE_COMPLETE


def test_submit_with_elements_unscored_is_refused(client, employer_a, auditor):
    audit = onsite_done(employer_a, auditor)
    draft = draft_with(audit, scored=False)
    element = first_element(audit)
    ElementScore.objects.create(
        submission=draft, element=element, earned=Decimal("9"), applicable=Decimal("10")
    )

    page = text(client.get(url("submit", audit)))
    assert "1 of 8 elements scored; not yet: Hazard Identification &amp; Control" in page

    response = client.post(url("submit", audit))

    assert "Score every element before submitting; missing: Hazard Identification" in text(response)
    audit.refresh_from_db()
    assert audit.status == AuditStatus.ONSITE_COMPLETE


def test_late_submission_is_shown_and_flagged(client, employer_a, auditor):
    # Last onsite day 40 days ago: the report was due to QA 10 days ago.
    audit = onsite_done(
        employer_a,
        auditor,
        starts_on=TODAY - timedelta(days=60),
        last=TODAY - timedelta(days=40),
    )
    draft_with(audit)

    page = text(client.get(url("submit", audit)))
    assert "The report is due to QA by 2026-06-05:" in page
    assert "Late by 10 days</span> It will be flagged as late to the COR team." in page

    response = client.post(url("submit", audit), follow=True)

    assert "The report was submitted to QA, 10 days late (due 2026-06-05)." in text(response)
    audit.refresh_from_db()
    assert audit.status == AuditStatus.SUBMITTED
    assert audit.submission_late is True
    assert Submission.objects.get(audit=audit).late is True
    assert "Submitted late</span>" in text(client.get(reverse("homes:auditor")))
    page = text(client.get(url("work", audit)))
    assert "It was submitted after its deadline: it is flagged as late." in page


def test_a_revision_is_checked_against_the_final_deadline(client, employer_a, auditor):
    audit = onsite_done(
        employer_a,
        auditor,
        status=AuditStatus.RETURNED,
        starts_on=TODAY - timedelta(days=70),
        last=TODAY - timedelta(days=40),
    )
    first = draft_with(audit)
    Submission.objects.filter(pk=first.pk).update(submitted_on=TODAY - timedelta(days=20))
    draft = SubmissionFactory(
        audit=audit, number=2, report=ContentFile(PDF, name="r.pdf"), report_name="r2.pdf"
    )
    score_all(draft)

    page = text(client.get(url("submit", audit)))
    assert "A revision must meet the final deadline, 2026-06-20:" in page
    assert "On time</span>" in page

    client.post(url("submit", audit))

    audit.refresh_from_db()
    assert audit.status == AuditStatus.RESUBMITTED


# Extensions ---------------------------------------------------------------------------------------


def test_extension_request_shows_the_dates_it_would_give(client, employer_a, auditor):
    audit = onsite_done(employer_a, auditor)  # started 2026-05-06, last onsite 2026-06-10
    assert audit.submission_due == date(2026, 7, 10)

    preview = client.get(
        url("extension-request", audit), {"days": "10"}, headers={"HX-Request": "true"}
    )
    page = text(preview)
    assert "If approved (10 days)" in page
    assert "<strong>2026-07-20</strong>" in page  # report to QA
    assert "<strong>2026-07-30</strong>" in page  # final report (2026-07-20 + 10)

    response = client.post(
        url("extension-request", audit), {"days": "10", "reason": "The employer's site closed."}
    )

    assert response.status_code == 302
    extension = Extension.objects.get(audit=audit)
    assert extension.days == 10
    assert extension.status == ExtensionStatus.REQUESTED
    assert extension.requested_on == TODAY
    audit.refresh_from_db()
    assert audit.submission_due == date(2026, 7, 10)  # unchanged until approved
    page = text(client.get(url("extension-request", audit)))
    assert "Your request for 10 days, sent on 2026-06-15, is waiting for the COR team" in page


def test_extension_needs_days_and_a_reason(client, employer_a, auditor):
    audit = onsite_done(employer_a, auditor)

    response = client.post(url("extension-request", audit), {"days": "0", "reason": ""})

    assert response.status_code == 200
    page = text(response)
    assert "Ensure this value is greater than or equal to 1." in page
    assert "This field is required." in page
    assert not Extension.objects.exists()


# The report download ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("actor", "expected"),
    [
        ("staff_user", 200),
        ("auditor_user", 200),
        ("employer_a_user", 403),
        ("employer_b_user", 404),
        ("other_auditor_user", 404),
        ("board_user", 403),
    ],
)
def test_report_goes_to_staff_and_the_lead_auditor_only(
    request, employer_a, auditor, actor, expected
):
    audit = onsite_done(employer_a, auditor, status=AuditStatus.APPROVED)
    submission = draft_with(audit)
    user = request.getfixturevalue(actor)

    response = login(user).get(reverse("audits:report", args=[submission.pk]))

    assert response.status_code == expected
    if expected == 200:
        assert b"".join(response.streaming_content) == PDF
        assert response["Content-Type"] == "application/pdf"
        assert "attachment;" in response["Content-Disposition"]


def test_report_download_asks_an_anonymous_visitor_to_sign_in(employer_a, auditor):
    submission = draft_with(onsite_done(employer_a, auditor))

    response = Client().get(reverse("audits:report", args=[submission.pk]))

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")


def test_submission_without_a_report_has_nothing_to_download(client, employer_a, auditor):
    submission = draft_with(onsite_done(employer_a, auditor), report=False)

    assert client.get(reverse("audits:report", args=[submission.pk])).status_code == 404


def test_extension_factory_request_blocks_a_second_one(client, employer_a, auditor):
    audit = onsite_done(employer_a, auditor)
    ExtensionFactory(audit=audit, days=7)

    response = client.post(url("extension-request", audit), {"days": "5", "reason": "More"})

    assert response.status_code == 200
    assert "A request for this audit is already waiting for a decision." in text(response)
    assert Extension.objects.filter(audit=audit).count() == 1
