"""Staff "today": its count cards, each linking to the list of exactly those records, the
audit and certificate panels, and the page's query count."""

import re
from datetime import timedelta
from html import unescape

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from auditors.choices import AuditorStatus
from auditors.tests.factories import AuditorFactory, declared
from audits.choices import AuditStatus, ExtensionStatus, ReviewOutcome
from audits.deadlines import audit_deadlines
from audits.models import Review
from audits.tests.factories import (
    AuditFactory,
    CertificateFactory,
    ExtensionFactory,
    SubmissionFactory,
)
from cor_portal.program.periods import add_years
from employers.tests.factories import GapAnalysisFactory, InteractionFactory
from selfservice.models import Application, ApplicationState

pytestmark = pytest.mark.django_db


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def staff_client(client, staff_user):
    client.force_login(staff_user)
    return client


def planned(today, starts_in: int, **kwargs):
    starts_on = today + timedelta(days=starts_in)
    due = audit_deadlines(starts_on)
    return AuditFactory(
        starts_on=starts_on,
        notice_due=due.notice_due,
        onsite_due=due.onsite_due,
        final_due=due.final_due,
        **kwargs,
    )


def expiring_in(today, days: int):
    certified_on = add_years(today + timedelta(days=days), -3)
    audit = AuditFactory(
        status=AuditStatus.APPROVED,
        starts_on=certified_on - timedelta(days=10),
        last_onsite_on=certified_on,
        passed=True,
    )
    return CertificateFactory(audit=audit)


@pytest.fixture
def crafted(today):
    """Two audits overdue, one due this week, two with QA, one extension request waiting."""
    overdue = [planned(today, 10), planned(today, 5)]  # notices due 4 and 9 days ago
    soon = planned(today, 20)  # notice due in 6 days
    planned(today, 40)  # notice due in 26 days: neither
    planned(today, 3, status=AuditStatus.CANCELLED)  # closed: no clock runs
    qa = [
        planned(today, -90, status=AuditStatus.SUBMITTED),
        planned(today, -90, status=AuditStatus.IN_QA),
    ]
    ExtensionFactory(audit=soon)
    ExtensionFactory(audit=overdue[0], status="refused")
    certificates = [expiring_in(today, 45), expiring_in(today, 200)]
    return {"overdue": overdue, "soon": soon, "qa": qa, "certificates": certificates}


AUDIT_COUNTS = ("overdue", "due_soon", "waiting_for_qa", "extensions_waiting")


def test_today_counts_the_audits_and_certificates_that_need_staff(staff_client, crafted):
    response = staff_client.get(reverse("home"))
    assert response.status_code == 200
    counts = response.context["counts"]
    assert {key: counts[key] for key in AUDIT_COUNTS} == {
        "overdue": 2,
        "due_soon": 1,
        "waiting_for_qa": 2,
        "extensions_waiting": 1,
    }
    assert counts["certificates_expiring"] == 1
    urgent = [row.audit.pk for row in response.context["urgent_audits"]]
    # Nearest first: the two overdue notices, then the one due this week.
    assert urgent == [crafted["overdue"][1].pk, crafted["overdue"][0].pk, crafted["soon"].pk]
    html = response.content.decode()
    board = reverse("audits:board")
    for query in ("deadline=overdue", "deadline=week", "flag=extension"):
        assert f"{board}?{query}" in html
    assert f'href="{reverse("qa:queue")}"' in html
    assert f"{reverse('audits:certificate-list')}?expiring=90" in html
    assert crafted["certificates"][0].number in html
    assert "Overdue by 9 days" in html


def test_today_counts_match_the_board_it_links_to(staff_client, crafted):
    counts = staff_client.get(reverse("home")).context["counts"]
    board = reverse("audits:board")
    for key, query in (
        ("overdue", {"deadline": "overdue"}),
        ("due_soon", {"deadline": "week"}),
        ("waiting_for_qa", {"status": "qa"}),
        ("extensions_waiting", {"flag": "extension"}),
    ):
        response = staff_client.get(board, query)
        assert response.context["table"].page.paginator.count == counts[key], key


def test_today_without_audits_says_so(staff_client):
    html = staff_client.get(reverse("home")).content.decode()
    assert "No audit deadline is overdue or due in the next 7 days." in html
    assert "No certificate expires in the next 90 days." in html


def test_today_makes_the_same_number_of_queries_for_more_data(staff_client, today, crafted):
    counts = []
    for _ in range(2):
        with CaptureQueriesContext(connection) as queries:
            assert staff_client.get(reverse("home")).status_code == 200
        counts.append(len(queries))
        for days in range(4, 14):
            planned(today, days)  # overdue notices
            expiring_in(today, days * 5)
    assert counts[0] == counts[1]


# Every count card links to the list of exactly the records it counts ------------------------

CARD = re.compile(
    r'<a class="card card-panel[^"]*"\s+href="([^"]+)">\s*'
    r'<div class="card-body">\s*<div class="stat">(\d+)</div>'
)


def count_cards(html: str) -> dict[str, int]:
    """Return each count card of the page: the URL it links to and the number it shows."""
    return {unescape(href): int(number) for href, number in CARD.findall(html)}


@pytest.fixture
def lead(today):
    """The lead auditor of the audits made here: declared for the year, not expiring soon."""
    auditor = AuditorFactory(expires_on=today + timedelta(days=400))
    declared(auditor, today.year)
    return auditor


def waiting_for_qa(today, lead, status=AuditStatus.SUBMITTED, outcome=""):
    audit = AuditFactory(
        status=status,
        lead_auditor=lead,
        starts_on=today - timedelta(days=40),  # final report due in 35 days
        last_onsite_on=today - timedelta(days=35),
    )
    submission = SubmissionFactory(audit=audit, submitted_on=today - timedelta(days=3))
    decided_on = today if outcome else None
    return Review.objects.create(
        audit=audit, submission=submission, outcome=outcome, decided_on=decided_on
    )


def application(state=ApplicationState.SUBMITTED):
    return Application.objects.create(
        legal_name="Harbour Kayak Tours Ltd.",
        account_number="7654321",
        region="vancouver_island",
        sector="adventure",
        employees=12,
        city="Victoria",
        contact_first_name="Robin",
        contact_last_name="Shore",
        contact_email="robin@harbourkayaks.example",
        state=state,
    )


def expiring_certificate(today, lead, days: int):
    certified_on = add_years(today + timedelta(days=days), -3)
    audit = AuditFactory(
        status=AuditStatus.APPROVED,
        lead_auditor=lead,
        starts_on=certified_on - timedelta(days=10),
        last_onsite_on=certified_on,
        passed=True,
    )
    return CertificateFactory(audit=audit)


def needs(today, lead, count: int) -> None:
    """Make ``count`` records of every kind a card of "today" counts."""
    for n in range(count):
        planned(today, 1 + n % 13, lead_auditor=lead)  # notice due 1 to 13 days ago
        planned(today, 14 + n % 8, lead_auditor=lead)  # notice due today to 7 days from now
        waiting_for_qa(today, lead, status=(AuditStatus.SUBMITTED, AuditStatus.IN_QA)[n % 2])
        ExtensionFactory(audit=planned(today, 100, lead_auditor=lead))
        application()
        InteractionFactory(follow_up_due=today - timedelta(days=n))
        GapAnalysisFactory()
        expiring_certificate(today, lead, 1 + n * 6)  # expiring in 1 to 85 days
        declared(AuditorFactory(expires_on=today + timedelta(days=1 + n * 6)), today.year)
        AuditorFactory()  # certified, no declaration for the year


@pytest.fixture
def boundaries(today, lead):
    """Records on either side of each card's line: ``counted`` says how many each card gets."""
    planned(today, 22, lead_auditor=lead)  # notice due in 8 days: neither overdue nor this week
    planned(today, 3, lead_auditor=lead, status=AuditStatus.CANCELLED)
    waiting_for_qa(today, lead, status=AuditStatus.APPROVED, outcome=ReviewOutcome.APPROVED)
    waiting_for_qa(today, lead, status=AuditStatus.RETURNED, outcome=ReviewOutcome.RETURNED)
    ExtensionFactory(audit=planned(today, 100, lead_auditor=lead), status=ExtensionStatus.REFUSED)
    application(ApplicationState.APPROVED)
    application(ApplicationState.REJECTED)
    InteractionFactory(follow_up_due=today + timedelta(days=1))
    InteractionFactory(follow_up_due=today, follow_up_done_on=today)
    GapAnalysisFactory(completed_on=today)
    GapAnalysisFactory(declined_on=today)
    expiring_certificate(today, lead, 0)  # expires today: no longer valid
    expiring_certificate(today, lead, 90)  # counted
    expiring_certificate(today, lead, 91)
    declared(AuditorFactory(expires_on=today + timedelta(days=90)), today.year)  # counted
    declared(AuditorFactory(expires_on=today + timedelta(days=91)), today.year)
    lapsed = AuditorFactory(status=AuditorStatus.LAPSED, expires_on=today + timedelta(days=10))
    declared(lapsed, today.year)
    declared(AuditorFactory(), today.year - 1)  # counted: last year's only
    AuditorFactory(status=AuditorStatus.STUDENT)  # counted
    AuditorFactory(status=AuditorStatus.RETIRED)
    return {"certificates": 1, "certifications": 1, "declarations": 2}


def expected_cards(count: int, boundaries: dict[str, int]) -> dict[str, int]:
    board = reverse("audits:board")
    roster = reverse("auditors:list")
    return {
        f"{board}?deadline=overdue": count,
        f"{board}?deadline=week": count,
        reverse("qa:queue"): count,
        f"{board}?flag=extension": count,
        f"{reverse('selfservice:application-list')}?state=submitted": count,
        f"{reverse('employers:interaction-list')}?follow_up=due": count,
        f"{reverse('employers:gap-analysis-list')}?stage=waiting": count,
        f"{reverse('audits:certificate-list')}?expiring=90": count + boundaries["certificates"],
        f"{roster}?expiry=90": count + boundaries["certifications"],
        f"{roster}?declaration=missing": count + boundaries["declarations"],
    }


def test_each_card_counts_exactly_the_rows_of_the_list_it_links_to(
    staff_client, today, lead, boundaries
):
    needs(today, lead, 3)
    cards = count_cards(staff_client.get(reverse("home")).content.decode())
    assert cards == expected_cards(3, boundaries)
    for url, number in cards.items():
        response = staff_client.get(url)
        assert response.status_code == 200, url
        assert response.context["table"].page.paginator.count == number, url


def test_each_card_says_what_it_counts_in_words(staff_client, today, lead):
    needs(today, lead, 1)
    html = staff_client.get(reverse("home")).content.decode()
    for words in (
        "audit overdue",
        "audit due this week",
        "report waiting for QA review",
        "extension request to decide",
        "online application waiting for review",
        "follow-up due",
        "gap analysis waiting",
        "certificate expiring within 90 days",
        "auditor certification expiring within 90 days",
        f"auditor without a {today.year} declaration",
    ):
        assert re.search(
            rf"<div class=\"stat\">1</div>\s*<div class=\"stat-label\">\s*{words}\s*<", html
        ), words
    assert re.search(r'<h2 class="h5" id="auditors-heading">Auditors</h2>', html)


def test_today_without_anything_waiting_shows_zero_on_every_card(staff_client):
    cards = count_cards(staff_client.get(reverse("home")).content.decode())
    assert len(cards) == 10
    assert set(cards.values()) == {0}


def test_today_runs_the_same_queries_for_2_and_15_records_of_each_kind(
    staff_client, today, lead, django_assert_num_queries
):
    needs(today, lead, 2)
    with CaptureQueriesContext(connection) as small:
        cards = count_cards(staff_client.get(reverse("home")).content.decode())
    assert cards == expected_cards(2, {"certificates": 0, "certifications": 0, "declarations": 0})
    needs(today, lead, 13)
    with django_assert_num_queries(len(small)):
        cards = count_cards(staff_client.get(reverse("home")).content.decode())
    assert cards == expected_cards(15, {"certificates": 0, "certifications": 0, "declarations": 0})
