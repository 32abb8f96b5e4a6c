"""An audit's page per role, staff decisions, extension decisions and certificate pages."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from auditors.tests.factories import AuditorFactory, declared
from audits.choices import AuditStatus, AuditType, ExtensionStatus
from audits.deadlines import audit_deadlines
from audits.models import Audit
from audits.tests.factories import (
    AuditFactory,
    CertificateFactory,
    ExtensionFactory,
    SubmissionFactory,
    score_all,
)

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n% test\n"


@pytest.fixture
def today():
    return timezone.localdate()


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def staff(staff_user):
    return client_for(staff_user)


@pytest.fixture
def lead(auditor_user):
    return AuditorFactory(user=auditor_user)


def submitted(employer, lead, today, *, earned="85", **kwargs) -> Audit:
    """Return a certification audit of the employer submitted to QA, with its scores."""
    starts_on = today - timedelta(days=60)
    last_onsite = today - timedelta(days=20)
    due = audit_deadlines(starts_on, last_onsite_on=last_onsite)
    passed = Decimal(earned) >= Decimal("80")
    audit = AuditFactory(
        employer=employer,
        lead_auditor=lead,
        starts_on=starts_on,
        last_onsite_on=last_onsite,
        notice_due=due.notice_due,
        onsite_due=due.onsite_due,
        submission_due=due.submission_due,
        final_due=due.final_due,
        notice_filed_on=due.notice_due - timedelta(days=3),
        sites="Head office; 6 interviews",
        status=kwargs.pop("status", AuditStatus.SUBMITTED),
        submitted_on=today - timedelta(days=2),
        overall_percent=Decimal(earned),
        passed=passed,
        **kwargs,
    )
    submission = SubmissionFactory(
        audit=audit,
        report=ContentFile(PDF, name="report.pdf"),
        report_name="alpha-lodge-report.pdf",
        submitted_on=today - timedelta(days=2),
        overall_percent=Decimal(earned),
        passed=passed,
    )
    score_all(submission, earned=earned)
    return audit


def page(client, audit):
    return client.get(reverse("audits:detail", args=[audit.pk]))


# What each role sees ------------------------------------------------------------------------


def test_staff_see_the_clocks_the_result_the_report_and_the_decisions(
    staff, employer_a, lead, today
):
    audit = submitted(employer_a, lead, today, earned="79.995")
    html = page(staff, audit).content.decode()
    assert "Certification audit of Alpha Lodge Ltd." in html
    for label in ("Notice of Audit", "Onsite work", "Report to QA", "Final report"):
        assert label in html
    assert audit.final_due.isoformat() in html
    # 79.995 rounds to 80.00 for display, but fails: the exact value is shown too.
    assert "80.00%" in html
    assert "(exactly 79.995%)" in html
    assert "Did not pass" in html
    assert "Management &amp; Leadership Commitment" in html
    assert "alpha-lodge-report.pdf" in html
    submission = audit.submissions.get()
    assert reverse("audits:report", args=[submission.pk]) in html
    assert "Head office; 6 interviews" in html
    # QA decisions are taken in the QA review, not here.
    for action in ("start-review", "approve", "reject", "cancel"):
        assert reverse("audits:decide", args=[audit.pk, action]) not in html


def test_the_lead_auditor_sees_the_scores_but_no_decisions(auditor_user, employer_a, lead, today):
    audit = submitted(employer_a, lead, today)
    response = page(client_for(auditor_user), audit)
    html = response.content.decode()
    assert response.status_code == 200
    assert "85.00%" in html
    assert reverse("audits:report", args=[audit.submissions.get().pk]) in html
    assert "/decide/" not in html
    assert response.context["history"] is None


def test_the_employer_never_sees_scores_or_the_report_before_release(
    employer_a_user, employer_a, lead, today
):
    audit = submitted(employer_a, lead, today)
    response = page(client_for(employer_a_user), audit)
    html = response.content.decode()
    assert response.status_code == 200
    assert audit.final_due.isoformat() in html
    assert "Submitted" in html
    assert "released here once the COR team" in html
    for secret in ("85.00", "Overall score", "alpha-lodge-report", "Earned", "Extensions"):
        assert secret not in html
    assert "submission" not in response.context


def test_the_employer_sees_the_result_once_approved(employer_a_user, employer_a, lead, today):
    audit = submitted(employer_a, lead, today, status=AuditStatus.APPROVED)
    html = page(client_for(employer_a_user), audit).content.decode()
    assert "85.00%" in html
    assert "Passed" in html
    # The report file stays with staff and the auditor.
    assert "alpha-lodge-report" not in html
    assert reverse("audits:report", args=[audit.submissions.get().pk]) not in html


def test_the_employer_sees_an_unsuccessful_result(employer_a_user, employer_a, lead, today):
    audit = submitted(employer_a, lead, today, earned="70", status=AuditStatus.UNSUCCESSFUL)
    html = page(client_for(employer_a_user), audit).content.decode()
    assert "70.00%" in html
    assert "Did not pass" in html


def test_another_employer_and_another_auditor_get_404(
    employer_b_user, other_auditor_user, employer_a, lead, today
):
    audit = submitted(employer_a, lead, today)
    assert page(client_for(employer_b_user), audit).status_code == 404
    assert page(client_for(other_auditor_user), audit).status_code == 404


def test_the_lead_auditor_is_offered_their_next_step(auditor_user, employer_a, lead):
    audit = AuditFactory(employer=employer_a, lead_auditor=lead)
    html = page(client_for(auditor_user), audit).content.decode()
    assert reverse("audits:notice", args=[audit.pk]) in html
    assert reverse("audits:extension-request", args=[audit.pk]) in html
    assert reverse("audits:submit", args=[audit.pk]) not in html


def test_a_student_auditor_sees_the_audit(other_auditor_user, employer_a, lead, today):
    audit = submitted(employer_a, lead, today)
    audit.student_auditors.add(AuditorFactory(user=other_auditor_user, status="student"))
    html = page(client_for(other_auditor_user), audit).content.decode()
    assert "85.00%" in html


def test_a_planned_audit_shows_its_clocks_and_the_late_notice_flag(staff, employer_a, today):
    audit = AuditFactory(employer=employer_a, notice_late=True)
    html = page(staff, audit).content.decode()
    assert "No report submitted yet" in html
    assert "Notice late" in html
    assert "Not filed yet" in html
    for action in ("reschedule", "cancel"):
        assert reverse("audits:decide", args=[audit.pk, action]) in html


# Decisions ----------------------------------------------------------------------------------


def decide(client, audit, action, **data):
    return client.post(reverse("audits:decide", args=[audit.pk, action]), data)


def test_cancelling_a_planned_audit(staff, employer_a, today):
    audit = AuditFactory(employer=employer_a)
    response = staff.get(reverse("audits:decide", args=[audit.pk, "cancel"]))
    assert "Check before you confirm" in response.content.decode()
    response = decide(staff, audit, "cancel", on=today.isoformat(), reason="Employer sold.")
    assert response.status_code == 302
    audit.refresh_from_db()
    assert audit.status == AuditStatus.CANCELLED


def test_rescheduling_moves_the_due_dates(staff, employer_a, today):
    lead = AuditorFactory()
    new_start = today + timedelta(days=50)
    declared(lead, new_start.year)
    audit = AuditFactory(employer=employer_a, lead_auditor=lead)
    response = decide(staff, audit, "reschedule", starts_on=new_start.isoformat())
    assert response.status_code == 302
    audit.refresh_from_db()
    assert audit.starts_on == new_start
    assert audit.final_due == new_start + timedelta(days=75)


def test_a_decision_the_status_does_not_allow_is_explained(staff, employer_a, lead, today):
    audit = submitted(employer_a, lead, today)
    response = staff.get(reverse("audits:decide", args=[audit.pk, "cancel"]))
    assert response.status_code == 200
    assert "cannot be moved this way" in response.content.decode()
    response = decide(staff, audit, "cancel", on=today.isoformat(), reason="No")
    assert response.status_code == 200
    audit.refresh_from_db()
    assert audit.status == AuditStatus.SUBMITTED


def test_qa_decisions_are_no_longer_taken_here(staff, employer_a, lead, today):
    audit = submitted(employer_a, lead, today)
    for action in ("start-review", "approve", "reject"):
        assert staff.get(reverse("audits:decide", args=[audit.pk, action])).status_code == 404


def test_an_unknown_decision_is_404(staff, employer_a):
    audit = AuditFactory(employer=employer_a)
    assert staff.get(reverse("audits:decide", args=[audit.pk, "delete"])).status_code == 404


def test_decisions_are_for_staff_only(auditor_user, employer_a, lead, today):
    audit = submitted(employer_a, lead, today)
    response = decide(client_for(auditor_user), audit, "cancel", on=today.isoformat())
    assert response.status_code == 403


# Extensions ---------------------------------------------------------------------------------


def test_approving_an_extension_moves_the_dates_shown(staff, employer_a, lead, today):
    audit = submitted(employer_a, lead, today, status=AuditStatus.ONSITE_COMPLETE)
    extension = ExtensionFactory(audit=audit, days=14)
    url = reverse("audits:extension-decide", args=[extension.pk])
    html = staff.get(url).content.decode()
    final_after = audit.final_due + timedelta(days=14)
    submission_after = audit.submission_due + timedelta(days=14)
    assert audit.final_due.isoformat() in html
    assert final_after.isoformat() in html
    assert submission_after.isoformat() in html
    assert "Approve: add 14 days" in html

    response = staff.post(url, {"decision": "approve", "note": "Agreed."})
    assert response.status_code == 302
    assert response["Location"] == audit.get_absolute_url()
    audit.refresh_from_db()
    assert audit.final_due == final_after
    detail = staff.get(audit.get_absolute_url()).content.decode()
    assert final_after.isoformat() in detail
    assert "Includes 14 days of approved extension" in detail
    assert "The extension is approved." in detail


def test_refusing_an_extension_leaves_the_dates(staff, employer_a, lead, today):
    audit = submitted(employer_a, lead, today, status=AuditStatus.ONSITE_COMPLETE)
    before = audit.final_due
    extension = ExtensionFactory(audit=audit)
    url = reverse("audits:extension-decide", args=[extension.pk])
    assert staff.post(url, {"decision": "refuse", "note": "No."}).status_code == 302
    audit.refresh_from_db()
    extension.refresh_from_db()
    assert audit.final_due == before
    assert extension.status == ExtensionStatus.REFUSED
    html = staff.get(url).content.decode()
    assert "This request was refused" in html


def test_the_extension_request_is_linked_from_the_audit(staff, employer_a, lead, today):
    audit = submitted(employer_a, lead, today, status=AuditStatus.ONSITE_COMPLETE)
    extension = ExtensionFactory(audit=audit)
    html = page(staff, audit).content.decode()
    assert reverse("audits:extension-decide", args=[extension.pk]) in html


def test_an_extension_decision_needs_a_choice(staff, employer_a):
    extension = ExtensionFactory(audit=AuditFactory(employer=employer_a))
    url = reverse("audits:extension-decide", args=[extension.pk])
    response = staff.post(url, {"note": "?"})
    assert response.status_code == 200
    assert response.context["form"].errors["decision"]


# Certificates -------------------------------------------------------------------------------


@pytest.fixture
def certificate(employer_a, lead, today):
    audit = AuditFactory(
        employer=employer_a,
        lead_auditor=lead,
        audit_type=AuditType.CERTIFICATION,
        status=AuditStatus.APPROVED,
        starts_on=today - timedelta(days=400),
        last_onsite_on=today - timedelta(days=365),
        passed=True,
    )
    return CertificateFactory(audit=audit)


def test_the_certificate_page_for_staff_and_its_employer(
    staff, employer_a_user, certificate, employer_b_user, auditor_user
):
    url = reverse("audits:certificate-detail", args=[certificate.pk])
    for client in (staff, client_for(employer_a_user)):
        response = client.get(url)
        html = response.content.decode()
        assert response.status_code == 200
        assert certificate.number in html
        assert certificate.expires_on.isoformat() in html
        assert "Valid" in html
        assert reverse("audits:certificate-pdf", args=[certificate.pk]) in html
        for unit in certificate.classification_units.all():
            assert unit.code in html
    assert client_for(employer_b_user).get(url).status_code == 404
    assert client_for(auditor_user).get(url).status_code == 403


def test_a_lapsed_certificate_says_so(staff, certificate, today):
    certificate.status = "lapsed"
    certificate.ended_on = today
    certificate.end_reason = "Maintenance audit missed"
    certificate.save()
    html = staff.get(certificate.get_absolute_url()).content.decode()
    assert "Lapsed" in html
    assert "Maintenance audit missed" in html
