"""``seed_scale``: a large data set in bulk whose records agree with the rules and render."""

from collections import Counter
from datetime import timedelta

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.db.models import Count
from django.test import override_settings
from django.urls import clear_url_caches

from auditors.models import Auditor
from audits.choices import AuditStatus, AuditType, CertificateStatus
from audits.deadlines import audit_deadlines
from audits.models import Audit, Certificate, ElementScore, Review, Submission
from audits.sweep import enforce_deadlines
from cor_portal import lifecycle
from cor_portal.accounts.choices import Role
from cor_portal.accounts.models import User
from cor_portal.bench.pages import PAGES
from cor_portal.bench.queries import probe
from cor_portal.demo import scale
from employers.choices import EmployerStatus
from employers.models import Contact, Employer, EmployerStatusChange
from employers.tests.factories import EmployerFactory
from incentives.models import Incentive
from workplan.models import Workplan

pytestmark = [pytest.mark.django_db, pytest.mark.slow]
EMPLOYERS = 50


@pytest.fixture
def seeded(django_db_blocker):
    call_command("seed_scale", employers=EMPLOYERS, seed=7)
    return lifecycle.today()


def test_counts_and_ratios(seeded):
    today = seeded
    assert Employer.objects.count() == EMPLOYERS
    assert Contact.objects.count() == 2 * EMPLOYERS
    assert Contact.objects.filter(is_primary=True).count() == EMPLOYERS
    audits = Audit.objects.count()
    assert 2 * EMPLOYERS <= audits <= 4 * EMPLOYERS  # about three audits per employer
    statuses = Counter(Employer.objects.values_list("status", flat=True))
    assert statuses[EmployerStatus.CERTIFIED] >= EMPLOYERS * 0.3
    assert len(statuses) >= 5
    audit_states = set(Audit.objects.values_list("status", flat=True))
    assert {AuditStatus.APPROVED, AuditStatus.PLANNED} <= audit_states
    assert len(audit_states) >= 6
    assert set(Audit.objects.values_list("audit_type", flat=True)) >= {
        AuditType.CERTIFICATION,
        AuditType.MAINTENANCE,
    }
    # One external auditor per 40 employers (at least 3), one internal per 20.
    assert Auditor.objects.filter(kind="external").count() == 3
    assert Auditor.objects.filter(kind="internal").count() <= 2
    # Every submitted revision has its eight element scores and its QA review.
    submissions = Submission.objects.count()
    assert submissions == Review.objects.count()
    assert ElementScore.objects.count() == 8 * submissions
    assert Incentive.objects.exists()
    assert Workplan.objects.filter(starts_on__lte=today).exists()
    logins = dict(
        User.objects.filter(username__in=["staff", "employer", "auditor", "board"]).values_list(
            "username", "role"
        )
    )
    assert logins == {
        "staff": Role.STAFF,
        "employer": Role.EMPLOYER,
        "auditor": Role.AUDITOR,
        "board": Role.BOARD,
    }
    # The sequences moved past the ids given in bulk: a new row gets a fresh id.
    assert (
        Employer.objects.create(
            legal_name="After", account_number="99999999", region="northern_bc", sector="ski"
        ).pk
        == Employer.objects.order_by("-pk").values_list("pk", flat=True)[0]
    )


def test_records_agree_with_the_rules(seeded):
    today = seeded
    for audit in Audit.objects.all():
        due = audit_deadlines(
            audit.starts_on,
            last_onsite_on=audit.last_onsite_on,
            extension_days=audit.extension_days,
        )
        assert (audit.notice_due, audit.onsite_due, audit.submission_due, audit.final_due) == (
            due.notice_due,
            due.onsite_due,
            due.submission_due,
            due.final_due,
        )
        if audit.status == AuditStatus.APPROVED and audit.audit_type != AuditType.MAINTENANCE:
            assert audit.passed is True
            assert audit.overall_percent >= 80
            assert Certificate.objects.filter(audit=audit).exists()
        if audit.status == AuditStatus.UNSUCCESSFUL:
            assert audit.passed is False
    # A certified employer holds exactly one certificate valid today; a lapsed one none.
    valid = Counter(Certificate.objects.valid_on(today).values_list("employer__status", flat=True))
    certified = Employer.objects.filter(status=EmployerStatus.CERTIFIED).count()
    assert valid[EmployerStatus.CERTIFIED] == certified
    assert valid[EmployerStatus.LAPSED] == 0
    assert not (
        Certificate.objects.filter(status=CertificateStatus.VALID)
        .values("employer")
        .annotate(n=Count("pk"))
        .filter(n__gt=1)
        .exists()
    )
    # Every status change leads to the status the employer is in.
    for employer in Employer.objects.exclude(status=EmployerStatus.ENQUIRY):
        last = EmployerStatusChange.objects.filter(employer=employer).order_by("-pk").first()
        assert last is not None
        assert last.to_status == employer.status
    # Tomorrow's sweep finds nothing to lapse: the cycles are complete.
    report = enforce_deadlines(today=today + timedelta(days=1))
    assert report.maintenance_lapses == report.expiry_lapses == 0
    assert report.errors == ()


def test_refuses_a_database_with_data_unless_reset(seeded):
    with pytest.raises(CommandError, match="already has data"):
        call_command("seed_scale", employers=5)
    call_command("seed_scale", employers=5, reset=True)
    assert Employer.objects.count() == 5
    assert User.objects.filter(username="staff").count() == 1


@override_settings(ROOT_URLCONF="cor_portal.bench.urls")
def test_pages_render_at_that_size(seeded):
    clear_url_caches()
    try:
        pages = probe(PAGES)
        admins = probe(PAGES, admin=True)
    finally:
        clear_url_caches()
    assert {name: p.status for name, p in pages.items()} == {p.name: 200 for p in PAGES}
    assert {name: p.status for name, p in admins.items()} == {p.name: 200 for p in PAGES if p.admin}
    assert all(p.queries > 0 for p in pages.values() if p.queries is not None)


@pytest.mark.django_db(transaction=True)
def test_vacuum_marks_the_filled_tables_pages_all_visible():
    EmployerFactory.create_batch(3)
    assert scale.vacuum() is True
    with connection.cursor() as cursor:
        cursor.execute("SELECT relallvisible FROM pg_class WHERE relname = 'employers_employer'")
        assert cursor.fetchone()[0] >= 1


def test_vacuum_leaves_a_transaction_alone():
    assert scale.vacuum() is False
