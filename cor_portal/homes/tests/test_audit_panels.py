"""The audits panels of the role homes: the auditor's "My audits" and the employer's "Audits"."""

from datetime import date, datetime, timedelta
from decimal import Decimal
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.files.base import ContentFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from auditors.tests.factories import AuditorFactory
from audits.choices import AuditStatus
from audits.tests.factories import AuditFactory, ExtensionFactory, SubmissionFactory, score_all

pytestmark = pytest.mark.django_db

TODAY = date(2026, 6, 15)
S = AuditStatus


@pytest.fixture(autouse=True)
def clock():
    """Fix "today" at 2026-06-15 in Vancouver."""
    moment = datetime(2026, 6, 15, 10, 0, tzinfo=ZoneInfo("America/Vancouver"))
    with time_machine.travel(moment, tick=False):
        yield


@pytest.fixture
def auditor(auditor_user):
    return AuditorFactory(user=auditor_user)


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def text(response) -> str:
    return " ".join(response.content.decode().split())


def audit_of(employer, auditor, status=S.PLANNED, **kwargs):
    """Return an audit of the employer led by the auditor in the status, dated around today."""
    if status not in (S.PLANNED, S.NOTICE_FILED):
        kwargs.setdefault("starts_on", TODAY - timedelta(days=40))
    if status not in (S.PLANNED, S.NOTICE_FILED, S.IN_PROGRESS):
        kwargs.setdefault("last_onsite_on", TODAY - timedelta(days=5))
    return AuditFactory(employer=employer, lead_auditor=auditor, status=status, **kwargs)


def queries(client, url) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url).status_code == 200
    return len(captured)


# The auditor workspace ----------------------------------------------------------------------------


def test_workspace_without_audits_says_so(auditor_user, auditor):
    page = text(login(auditor_user).get(reverse("homes:auditor")))

    assert "No audits assigned yet" in page
    assert "Audits assigned to you appear here with their deadlines." in page


def test_workspace_lists_open_audits_with_their_next_step(
    auditor_user, auditor, employer_a, employer_b
):
    planned = audit_of(employer_a, auditor, starts_on=TODAY + timedelta(days=30))
    filed = audit_of(employer_b, auditor, S.NOTICE_FILED, starts_on=TODAY + timedelta(days=3))
    started = audit_of(employer_a, auditor, S.IN_PROGRESS)
    to_score = audit_of(employer_a, auditor, S.ONSITE_COMPLETE)
    ready = audit_of(employer_b, auditor, S.ONSITE_COMPLETE)
    draft = SubmissionFactory(audit=ready, report=ContentFile(b"%PDF-1.4\n", name="r.pdf"))
    score_all(draft)
    submitted = audit_of(employer_a, auditor, S.SUBMITTED, submitted_on=TODAY)

    page = text(login(auditor_user).get(reverse("homes:auditor")))

    def button(audit, name, label):
        return f'href="{reverse(name, args=[audit.pk])}"> {label}'

    assert button(planned, "audits:notice", "File the notice") in page
    assert button(filed, "audits:start", "Start the audit") in page
    assert button(started, "audits:onsite", "Record onsite complete") in page
    assert button(to_score, "audits:work", "Enter scores and report") in page
    assert button(ready, "audits:submit", "Submit the report") in page
    assert submitted.get_absolute_url() in page
    assert "With the COR team for QA: nothing to do for now." in page
    assert "No audits assigned yet" not in page
    assert "Alpha Lodge Ltd." in page
    assert "Certification audit · starts 2026-07-15" in page
    assert '<span class="badge status-tag text-bg-primary">Planned</span>' in page


def test_workspace_shows_the_four_clocks_and_the_next_one(auditor_user, auditor, employer_a):
    audit_of(employer_a, auditor, starts_on=TODAY + timedelta(days=20))  # notice due in 6 days

    page = text(login(auditor_user).get(reverse("homes:auditor")))

    chips = page.split('<ul class="countdown-list d-none d-md-flex">')[1].split("</ul>")[0]
    for label in ("Notice of Audit:", "Onsite work:", "Report to QA:", "Final report:"):
        assert label in chips
    assert "Due in 6 days" in chips
    assert "Not started" in chips  # the report-to-QA clock waits for the last onsite day
    small = page.split('<div class="countdown-next d-md-none">')[1].split("</div>")[0]
    assert "Notice of Audit:" in small
    assert "Due in 6 days" in small
    assert "Onsite work:" not in small


def test_workspace_offers_an_extension_or_says_one_is_waiting(auditor_user, auditor, employer_a):
    open_audit = audit_of(employer_a, auditor, S.IN_PROGRESS)
    waiting = audit_of(employer_a, auditor, S.ONSITE_COMPLETE)
    ExtensionFactory(audit=waiting)

    page = text(login(auditor_user).get(reverse("homes:auditor")))

    assert reverse("audits:extension-request", args=[open_audit.pk]) in page
    assert reverse("audits:extension-request", args=[waiting.pk]) not in page
    assert "Extension requested</span>" in page


def test_workspace_leaves_out_closed_audits_and_other_auditors_audits(
    auditor_user, auditor, employer_a
):
    approved = audit_of(employer_a, auditor, S.APPROVED)
    cancelled = audit_of(employer_a, auditor, S.CANCELLED)
    theirs = audit_of(employer_a, AuditorFactory())

    page = login(auditor_user).get(reverse("homes:auditor")).content.decode()

    for audit in (approved, cancelled, theirs):
        assert audit.get_absolute_url() not in page
    assert "No audits assigned yet" in page


def test_workspace_queries_do_not_grow_with_the_audits(auditor_user, auditor, employer_a):
    client = login(auditor_user)
    for status in (S.PLANNED, S.ONSITE_COMPLETE):
        audit_of(employer_a, auditor, status)
    few = queries(client, reverse("homes:auditor"))

    for status in (S.PLANNED, S.NOTICE_FILED, S.IN_PROGRESS, S.ONSITE_COMPLETE, S.SUBMITTED):
        audit = audit_of(employer_a, auditor, status)
        ExtensionFactory(audit=audit)
    many = queries(client, reverse("homes:auditor"))

    assert few == many


# The employer portal ------------------------------------------------------------------------------


def test_portal_without_audits_says_so(employer_a_user):
    page = text(login(employer_a_user).get(reverse("homes:portal")))

    assert "No audits yet" in page


def test_portal_lists_the_employers_audits_with_their_clocks(
    employer_a_user, employer_a, employer_b, auditor
):
    planned = audit_of(employer_a, auditor, starts_on=TODAY + timedelta(days=20))
    other = audit_of(employer_b, auditor)

    page = text(login(employer_a_user).get(reverse("homes:portal")))

    assert planned.get_absolute_url() in page
    assert other.get_absolute_url() not in page
    assert "Certification audit</a>" in page
    assert "Starts 2026-07-05" in page
    assert f"auditor {auditor.name}" in page
    assert '<ul class="countdown-list d-none d-md-flex">' in page
    assert "Notice of Audit:" in page


@pytest.mark.parametrize("status", [S.SUBMITTED, S.IN_QA, S.RETURNED, S.RESUBMITTED])
def test_portal_never_shows_a_result_before_it_is_released(
    employer_a_user, employer_a, auditor, status
):
    audit_of(
        employer_a,
        auditor,
        status,
        submitted_on=TODAY,
        overall_percent=Decimal("86.12345"),
        passed=True,
    )

    page = text(login(employer_a_user).get(reverse("homes:portal")))

    assert "86.12" not in page
    assert "Passed</span>" not in page
    assert "/audits/submissions/" not in page


@pytest.mark.parametrize(
    ("status", "passed", "tag"),
    [(S.APPROVED, True, "Passed"), (S.UNSUCCESSFUL, False, "Did not pass")],
)
def test_portal_shows_the_released_result(
    employer_a_user, employer_a, auditor, status, passed, tag
):
    audit_of(
        employer_a,
        auditor,
        status,
        submitted_on=TODAY - timedelta(days=3),
        decided_on=TODAY,
        overall_percent=Decimal("86.12345") if passed else Decimal("71.5"),
        passed=passed,
    )

    page = text(login(employer_a_user).get(reverse("homes:portal")))

    assert f"{'86.12' if passed else '71.50'}%</strong> overall" in page
    assert f"{tag}</span>" in page
    assert "decided 2026-06-15" in page


def test_portal_queries_do_not_grow_with_the_audits(employer_a_user, employer_a, auditor):
    client = login(employer_a_user)
    audit_of(employer_a, auditor)
    few = queries(client, reverse("homes:portal"))

    for status in (S.IN_PROGRESS, S.SUBMITTED, S.APPROVED, S.UNSUCCESSFUL, S.ONSITE_COMPLETE):
        audit_of(employer_a, AuditorFactory(), status, overall_percent=Decimal("90"), passed=True)
    many = queries(client, reverse("homes:portal"))

    assert few == many


def test_portal_loads_the_incentive_letters_panel_with_a_link_to_fall_back_on(employer_a_user):
    response = login(employer_a_user).get(reverse("homes:portal"))

    html = response.content.decode()
    assert f'hx-get="{reverse("incentives:portal-letters")}"' in html
    assert f'href="{reverse("incentives:letter-list")}"' in html
