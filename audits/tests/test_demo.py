"""The demo audits: every status, overdue clocks, extensions, certificates, idempotent."""

import re
from collections import Counter
from datetime import timedelta
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from audits import selectors
from audits.choices import AuditStatus, AuditType, CertificateStatus, Deadline, ExtensionStatus
from audits.demo import report_pdf
from audits.models import Audit, Certificate, Extension
from employers.choices import EmployerStatus
from employers.demo import EMPLOYERS
from employers.models import Employer

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

S = AuditStatus


def row_counts() -> dict[str, int]:
    return {model._meta.label: model.objects.count() for model in apps.get_models()}


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker, tmp_path_factory):
    """Seed the demo once for the module (a few seconds), and roll it back after."""
    media = tmp_path_factory.mktemp("demo-media")
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media):
        outer = transaction.atomic()
        outer.__enter__()
        try:
            call_command("seed_demo", stdout=StringIO())
            yield timezone.localdate()
        finally:
            transaction.set_rollback(True)
            outer.__exit__(None, None, None)


def test_seeding_again_adds_nothing(seeded):
    before = row_counts()

    call_command("seed_demo", stdout=StringIO())

    assert row_counts() == before
    assert before["audits.Audit"] >= 30


def test_every_audit_status_is_present(seeded):
    statuses = Counter(Audit.objects.values_list("status", flat=True))

    assert set(statuses) == set(S.values)
    assert statuses[S.APPROVED] >= 15


def test_notice_and_onsite_clocks_are_overdue_somewhere(seeded):
    today = seeded
    overdue = list(selectors.overdue(as_of=today))

    late = {
        c.deadline
        for audit in overdue
        for c in selectors.countdowns(audit, today=today)
        if c.state == "red"
    }
    assert {Deadline.NOTICE, Deadline.ONSITE} <= late


def test_every_certified_employer_holds_a_valid_certificate_from_an_approved_audit(seeded):
    today = seeded

    for employer in Employer.objects.filter(status=EmployerStatus.CERTIFIED):
        certificate = Certificate.objects.valid_on(today).get(employer=employer)
        assert certificate.audit.status == S.APPROVED
        assert certificate.audit.passed is True
        assert certificate.certified_on == certificate.audit.last_onsite_on
        assert set(certificate.classification_units.all()) == set(certificate.audit.scope.all())
        cycle = selectors.cycle_for(employer, today=today)
        assert cycle is not None
        assert "missed" not in [row.state for row in cycle.rows], employer


def test_certificates_expiring_and_lapsed(seeded):
    today = seeded

    assert selectors.certificates_expiring(as_of=today, days=90).count() >= 2
    for employer in Employer.objects.filter(status=EmployerStatus.LAPSED):
        certificate = Certificate.objects.get(employer=employer)
        assert certificate.status == CertificateStatus.LAPSED
        assert (certificate.ended_on.month, certificate.ended_on.day) == (1, 1)
        assert "No maintenance audit completed" in certificate.end_reason


def test_maintenance_audits_of_the_second_and_third_years(seeded):
    maintenance = Audit.objects.filter(audit_type=AuditType.MAINTENANCE)

    assert maintenance.filter(cycle_year=2, status=S.APPROVED).exists()
    assert maintenance.filter(cycle_year=3).exists()
    assert Audit.objects.filter(audit_type=AuditType.RECERTIFICATION, cycle_year=4).exists()


def test_employer_statuses_follow_from_their_audits(seeded):
    finals = {row[0]: row[7] for row in EMPLOYERS}

    for employer in Employer.objects.all():
        assert employer.status == finals[employer.legal_name], employer
    for employer in Employer.objects.filter(status=EmployerStatus.CERTIFICATION_IN_PROGRESS):
        assert employer.audits.open().filter(audit_type=AuditType.CERTIFICATION).exists()
    tofino = Employer.objects.get(legal_name="Tofino Surf & Stay Ltd.")
    assert tofino.status == EmployerStatus.REGISTERED
    assert tofino.audits.get().status == S.UNSUCCESSFUL


def test_extensions_approved_refused_and_waiting(seeded):
    statuses = Counter(Extension.objects.values_list("status", flat=True))

    assert statuses[ExtensionStatus.APPROVED] >= 1
    assert statuses[ExtensionStatus.REFUSED] >= 1
    assert statuses[ExtensionStatus.REQUESTED] >= 1
    extended = Audit.objects.filter(extension_days__gt=0).first()
    assert extended is not None
    assert extended.final_due == extended.starts_on + timedelta(days=75 + extended.extension_days)


def test_demo_auditor_leads_open_audits_at_each_step(seeded):
    today = seeded
    led = Audit.objects.open().filter(lead_auditor__user__username="auditor")

    notices = [(a.notice_due - today).days for a in led.filter(status=S.PLANNED)]
    assert any(0 <= days <= 14 for days in notices)  # a notice due soon
    assert led.filter(status=S.IN_PROGRESS).exists()
    ready = led.filter(status=S.ONSITE_COMPLETE, submission_due__gte=today).get()
    draft = ready.submissions.get(submitted_on__isnull=True)
    assert draft.report.name.endswith(".pdf")
    assert draft.scores.count() == ready.tool.elements.count()


def test_harbourview_holds_a_valid_certificate_and_plans_this_years_maintenance(seeded):
    today = seeded
    harbourview = Employer.objects.get(legal_name="Harbourview Hotel Ltd.")

    certificate = Certificate.objects.valid_on(today).get(employer=harbourview)
    assert certificate.expires_on > today
    audit = harbourview.audits.get(status=S.PLANNED)
    assert audit.audit_type == AuditType.MAINTENANCE
    assert audit.starts_on.year == today.year
    assert audit.cycle_certificate == certificate
    assert harbourview.contacts.filter(user__username="employer").exists()


def test_reports_are_pdfs_with_consistent_cross_references():
    pdf = report_pdf("Maintenance audit report: Café (Kelowna) Ltd.")

    assert pdf.startswith(b"%PDF-1.4\n")
    assert pdf.endswith(b"%%EOF\n")
    xref = int(re.search(rb"startxref\n(\d+)\n", pdf).group(1))
    assert pdf[xref:].startswith(b"xref\n0 6\n")
    offsets = re.findall(rb"(\d{10}) 00000 n ", pdf[xref:])
    assert len(offsets) == 5
    for number, offset in enumerate(offsets, start=1):
        assert pdf[int(offset) :].startswith(b"%d 0 obj\n" % number)
    assert b"(Maintenance audit report: Caf\xe9 \\(Kelowna\\) Ltd.)" in pdf
