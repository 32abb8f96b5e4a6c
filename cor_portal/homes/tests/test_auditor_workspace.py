"""The auditor workspace /auditor/: standing, what to do next, CPD, declarations and audits."""

from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.base import ContentFile
from django.test import Client
from django.urls import reverse

from auditors.choices import AuditorKind, AuditorStatus
from auditors.models import AuditorArea, CPDActivity
from auditors.tests.factories import (
    AuditorFactory,
    ConsultingEngagementFactory,
    CPDActivityFactory,
    EAQAFactory,
    declared,
)

pytestmark = pytest.mark.django_db

TODAY = date(2026, 6, 15)
URL = "/auditor/"


@pytest.fixture(autouse=True)
def clock():
    """Fix "today" at 2026-06-15 in Vancouver."""
    moment = datetime(2026, 6, 15, 10, 0, tzinfo=ZoneInfo("America/Vancouver"))
    with time_machine.travel(moment, tick=False):
        yield


@pytest.fixture
def client(auditor_user):
    client = Client()
    client.force_login(auditor_user)
    return client


def certified(user, *, expires_on=date(2028, 3, 1), **kwargs):
    kwargs.setdefault("certification_number", "EXT-00042")
    return AuditorFactory(user=user, certified_on=date(2025, 3, 1), expires_on=expires_on, **kwargs)


@pytest.fixture
def auditor(auditor_user):
    """Return the signed-in auditor's record: certified, external, in good standing."""
    return certified(auditor_user)


def text(response) -> str:
    """Return the page with its whitespace collapsed, for reading sentences in it."""
    return " ".join(response.content.decode().split())


def test_auditor_without_a_record_is_told_so(client):
    response = client.get(URL)

    assert response.status_code == 200
    assert "Your login is not linked to an auditor record yet" in text(response)
    assert "Ask the COR team." in text(response)


def test_standing_card_shows_status_kind_number_and_dates(client, auditor):
    AuditorArea.objects.create(auditor=auditor, region="northern_bc")

    page = text(client.get(URL))

    assert "<h1>My workspace</h1>" in page
    assert '<span class="badge status-tag text-bg-success">Certified</span>' in page
    assert "EXT-00042" in page
    assert "2025-03-01" in page
    assert "2028-03-01" in page
    assert "Northern BC" in page
    # More than 90 days left: green, in words too.
    assert '<span class="badge status-tag text-bg-success">625 days left</span>' in page


def test_certification_within_90_days_is_amber_and_a_reminder(client, auditor_user):
    certified(auditor_user, expires_on=TODAY + timedelta(days=90))

    page = text(client.get(URL))

    assert '<span class="badge status-tag text-bg-warning">90 days left</span>' in page
    assert "Your certification expires in 90 days: arrange your requalification." in page


def test_expired_certification_is_red_and_says_so(client, auditor_user):
    certified(auditor_user, expires_on=TODAY)

    page = text(client.get(URL))

    assert '<span class="badge status-tag text-bg-danger">Expired</span>' in page


def test_missing_declaration_is_the_first_thing_to_do_with_a_button(client, auditor):
    page = text(client.get(URL))
    url = reverse("auditors:declaration-create", args=[auditor.pk])

    assert "File your annual declaration for 2026: you cannot start an audit in 2026" in page
    assert f'href="{url}?year=2026">File your 2026 declaration</a>' in page
    assert "Not filed</span>" in page


def test_filed_declaration_is_shown_and_not_asked_for(client, auditor):
    declared(auditor, 2026)

    page = text(client.get(URL))

    assert "Filed</span> on" in page
    assert "File your annual declaration" not in page
    assert "File your 2026 declaration" not in page
    assert "Nothing right now." in page


def test_in_december_next_years_declaration_is_asked_for(auditor_user, auditor):
    declared(auditor, 2026)

    with time_machine.travel(datetime(2026, 12, 2, 10, tzinfo=ZoneInfo("America/Vancouver"))):
        client = Client()
        client.force_login(auditor_user)
        page = text(client.get(URL))

    assert "File your declaration for 2027 before January 1." in page
    assert "File your 2027 declaration</a>" in page


def test_student_is_reminded_of_the_student_audit(client, auditor_user, employer_a):
    AuditorFactory(
        user=auditor_user,
        kind=AuditorKind.INTERNAL,
        employer=employer_a,
        status=AuditorStatus.STUDENT,
        certification_number="",
        certified_on=None,
        expires_on=None,
        trained_on=date(2026, 1, 10),
        student_audit_due=date(2027, 1, 10),
    )

    page = text(client.get(URL))

    assert "Complete your student audit and send it to the COR team. " in page
    assert "Due 2027-01-10." in page
    assert "Alpha Lodge Ltd." in page
    assert "No certification yet" in page


def test_cpd_log_shows_the_last_12_months_with_total_and_links(client, auditor):
    recent = CPDActivityFactory(
        auditor=auditor,
        activity="Incident investigation course",
        done_on=date(2026, 5, 1),
        hours=Decimal("6"),
        evidence=ContentFile(b"%PDF-1.4\n", name="e.pdf"),
    )
    CPDActivityFactory(auditor=auditor, activity="Webinar", done_on=date(2025, 6, 15))
    CPDActivityFactory(auditor=auditor, activity="Old conference", done_on=date(2025, 6, 14))

    page = text(client.get(URL))

    assert "Incident investigation course" in page
    assert "Webinar" in page
    assert "Old conference" not in page
    assert "8.50 hours since 2025-06-15" in page
    assert f'href="{reverse("auditors:cpd-update", args=[recent.pk])}"' in page
    assert f'href="{reverse("auditors:cpd-evidence", args=[recent.pk])}"' in page
    assert f'href="{reverse("auditors:cpd-create", args=[auditor.pk])}">Log CPD</a>' in page


def test_empty_cpd_log_says_what_to_do(client, auditor):
    page = text(client.get(URL))

    assert "No CPD logged in the last 12 months" in page


def test_engagements_are_listed_with_the_declare_link(client, auditor, employer_a):
    ConsultingEngagementFactory(auditor=auditor, employer=employer_a, ended_on=None)

    page = text(client.get(URL))
    url = reverse("auditors:engagement-create", args=[auditor.pk])

    assert "Alpha Lodge Ltd." in page
    assert "to now" in page
    assert f'href="{url}">Declare consulting work</a>' in page


def test_eaqa_history_is_shown(client, auditor):
    EAQAFactory(
        auditor=auditor,
        year=2025,
        planned_on=date(2025, 1, 5),
        conducted_on=date(2025, 4, 2),
        outcome="satisfactory",
    )

    page = text(client.get(URL))

    assert "conducted 2025-04-02" in page
    assert '<span class="badge status-tag text-bg-success">Satisfactory</span>' in page


def test_my_audits_is_an_honest_empty_state(client, auditor):
    assert "No audits assigned yet" in text(client.get(URL))


def test_another_auditors_records_are_not_shown(client, auditor, other_auditor_user):
    other = certified(other_auditor_user, certification_number="EXT-00099")
    CPDActivityFactory(auditor=other, activity="Someone else's course", done_on=TODAY)

    page = text(client.get(URL))

    assert "Someone else's course" not in page
    assert "EXT-00099" not in page


# Session, user, the auditor, the rules and declared years (reminders), the rules again
# (countdown), the CPD log, declarations, regions, sectors, engagements, EAQAs and the open
# audits (one query with their next steps: test_audit_panels.py).
WORKSPACE_QUERIES = 11


@pytest.mark.parametrize("count", [3, 120])
def test_workspace_queries_do_not_grow_with_the_log(
    client, auditor, employer_a, django_assert_num_queries, count
):
    CPDActivity.objects.bulk_create(
        CPDActivityFactory.build(auditor=auditor, activity=f"Course {n}", done_on=TODAY)
        for n in range(count)
    )
    for n in range(3):
        declared(auditor, 2020 + n)
        ConsultingEngagementFactory(auditor=auditor, employer=employer_a)

    with django_assert_num_queries(WORKSPACE_QUERIES):
        response = client.get(URL)

    assert response.status_code == 200
    assert text(response).count('Edit<span class="visually-hidden"> Course ') == count
