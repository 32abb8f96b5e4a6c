"""The demo's flagged plagiarism pair and WIVA cases (R-13, R-14): present, and idempotent."""

from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from audits import demo_wiva, selectors
from audits.choices import AuditStatus, AuditType, WivaStatus
from audits.models import ReportText, SimilarityMatch, WivaCase
from audits.selectors_plagiarism import similar_reports

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker, tmp_path_factory):
    """Seed the demo once for the module, and roll it back after."""
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


def test_one_pair_of_reports_of_two_employers_is_flagged(seeded):
    [match] = SimilarityMatch.objects.filter(flagged=True).select_related(
        "submission__audit", "earlier__audit"
    )
    assert match.submission.audit.employer_id != match.earlier.audit.employer_id
    assert match.submission.audit.status in demo_wiva.WAITING_FOR_QA
    assert match.earlier.submitted_on < match.submission.submitted_on
    assert match.score >= match.threshold
    assert ReportText.objects.get(submission=match.submission).words > 150
    [found] = similar_reports(match.submission)
    assert found.passages


def test_one_finished_and_one_open_wiva_case(seeded):
    finished = WivaCase.objects.get(employer__legal_name=demo_wiva.FINISHED_EMPLOYER)
    assert finished.status == WivaStatus.COMPLETED
    assert list(finished.steps.values_list("step", flat=True)) == [1, 2, 3, 4, 5, 6]
    dates = list(finished.steps.values_list("done_on", flat=True))
    assert dates == sorted(dates)
    assert finished.audit.audit_type == AuditType.WIVA
    assert finished.audit.status == AuditStatus.APPROVED
    assert finished.cost > finished.estimate

    ongoing = WivaCase.objects.get(employer__legal_name=demo_wiva.OPEN_EMPLOYER)
    assert ongoing.status == WivaStatus.OPEN
    assert list(ongoing.steps.values_list("step", flat=True)) == [1, 2]
    assert ongoing.audit.status == AuditStatus.PLANNED
    assert ongoing.audit.starts_on > seeded

    year_ago = seeded.replace(year=seeded.year - 1)
    assert selectors.wiva_count(start=year_ago, end=seeded) == 2


def test_seeding_again_adds_nothing(seeded, django_user_model):
    staff = django_user_model.objects.get(username="staff")
    login = django_user_model.objects.get(username="auditor")
    before = (SimilarityMatch.objects.count(), WivaCase.objects.count(), ReportText.objects.count())

    summary = demo_wiva.seed(today=seeded, staff=staff, login=login)

    assert summary == "1 report pair(s) flagged as similar, 2 WIVA cases (0 added)"
    assert before == (
        SimilarityMatch.objects.count(),
        WivaCase.objects.count(),
        ReportText.objects.count(),
    )
