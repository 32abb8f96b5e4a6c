"""Staff "today": the audit and certificate panels, their counts and their query count."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from audits.choices import AuditStatus
from audits.deadlines import audit_deadlines
from audits.tests.factories import AuditFactory, CertificateFactory, ExtensionFactory
from cor_portal.program.periods import add_years

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


def test_today_counts_the_audits_and_certificates_that_need_staff(staff_client, crafted):
    response = staff_client.get(reverse("home"))
    assert response.status_code == 200
    assert response.context["audit_counts"] == {
        "overdue": 2,
        "due_soon": 1,
        "waiting_for_qa": 2,
        "extensions_waiting": 1,
    }
    assert response.context["certificates_expiring_count"] == 1
    urgent = [row.audit.pk for row in response.context["urgent_audits"]]
    # Nearest first: the two overdue notices, then the one due this week.
    assert urgent == [crafted["overdue"][1].pk, crafted["overdue"][0].pk, crafted["soon"].pk]
    html = response.content.decode()
    board = reverse("audits:board")
    for query in ("deadline=overdue", "deadline=week", "status=qa", "flag=extension"):
        assert f"{board}?{query}" in html
    assert f"{reverse('audits:certificate-list')}?expiring=90" in html
    assert crafted["certificates"][0].number in html
    assert "Overdue by 9 days" in html


def test_today_counts_match_the_board_it_links_to(staff_client, crafted):
    counts = staff_client.get(reverse("home")).context["audit_counts"]
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
