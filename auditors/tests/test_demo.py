"""The demo auditor register: believable, idempotent, and the demo auditor in good standing."""

from collections import Counter
from datetime import timedelta
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from auditors import selectors
from auditors.choices import AuditorKind, AuditorStatus
from auditors.models import EAQA, Auditor, Course, CourseCompletion
from cor_portal.program.periods import fiscal_year_end, fiscal_year_start
from employers.models import Employer

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


def row_counts() -> dict[str, int]:
    return {model._meta.label: model.objects.count() for model in apps.get_models()}


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    """Seed the demo once for the module (a few seconds), and roll it back after."""
    with django_db_blocker.unblock():
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
    assert before["auditors.Auditor"] >= 20


def test_demo_auditor_is_a_certified_external_auditor_in_good_standing(seeded):
    today = seeded
    auditor = Auditor.objects.get(user__username="auditor")

    assert (auditor.kind, auditor.status) == (AuditorKind.EXTERNAL, AuditorStatus.CERTIFIED)
    assert auditor.expires_on > today + timedelta(days=90)  # not due for renewal
    assert auditor.declarations.filter(year=today.year).exists()
    assert auditor.cpd_activities.count() >= 2
    for employer in Employer.objects.all():
        standing = selectors.standing_for(auditor, employer_id=employer.pk, starts_on=today)
        assert standing.eligible, (employer, standing.reasons)


def test_demo_register_has_every_standing_of_both_kinds(seeded):
    standings = Counter(Auditor.objects.values_list("kind", "status"))

    for status in AuditorStatus.values:
        assert any(s == status for (_, s) in standings), status
    assert standings[(AuditorKind.INTERNAL, AuditorStatus.CERTIFIED)] >= 3
    assert standings[(AuditorKind.EXTERNAL, AuditorStatus.CERTIFIED)] >= 10
    assert set(
        Auditor.objects.filter(kind=AuditorKind.INTERNAL).values_list(
            "employer__legal_name", flat=True
        )
    ) <= set(Employer.objects.values_list("legal_name", flat=True))


def test_demo_register_fills_the_staff_lists(seeded):
    today = seeded

    assert selectors.renewals_due(as_of=today).count() >= 2
    assert selectors.students_overdue(as_of=today).count() >= 1
    assert selectors.declarations_missing(year=today.year).count() >= 2
    assert Auditor.objects.directory().count() >= 10
    assert Auditor.objects.filter(kind=AuditorKind.EXTERNAL).exclude(regions=None).count() >= 10


def test_demo_has_one_external_auditor_within_the_cooling_off_period(seeded):
    today = seeded
    blocked = [
        (auditor, engagement.employer)
        for auditor in Auditor.objects.filter(kind=AuditorKind.EXTERNAL, status="certified")
        for engagement in auditor.consulting_engagements.all()
        if not selectors.standing_for(
            auditor, employer_id=engagement.employer_id, starts_on=today
        ).eligible
    ]

    assert len(blocked) >= 1


def test_demo_courses_sessions_completions_and_eaqas(seeded):
    today = seeded
    start, end = fiscal_year_start(today), fiscal_year_end(today)

    codes = set(Course.objects.values_list("code", flat=True))
    assert {"ohs-fundamentals", "hs-orientation", "safety-basics"} <= codes
    assert len(codes) >= 7
    for code in ("ohs-fundamentals", "hs-orientation", "safety-basics"):
        assert selectors.course_completions(course_code=code, start=start, end=end) >= 5
    assert not CourseCompletion.objects.filter(completed_on__gt=today).exists()
    sessions = Course.objects.get(code="cor-internal-auditor").sessions
    assert sessions.filter(starts_on__lt=today).exists()
    assert sessions.filter(starts_on__gt=today).exists()
    assert EAQA.objects.filter(year=today.year - 1).exclude(outcome="").exists()
    assert EAQA.objects.filter(year=today.year, conducted_on=None).count() == 2
