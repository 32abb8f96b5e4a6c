"""Every notification template renders with what its sender passes: dates as 2026-03-31."""

from datetime import date

import pytest
from django.conf import settings

from audits.choices import AuditStatus
from audits.tests.factories import AuditFactory, CertificateFactory, ExtensionFactory
from cor_portal.notifications.services import render

pytestmark = pytest.mark.django_db


@pytest.fixture
def audit(employer_a):
    return AuditFactory(
        employer=employer_a,
        status=AuditStatus.RETURNED,
        starts_on=date(2026, 3, 2),
        last_onsite_on=date(2026, 3, 20),
        overall_percent="84.5",
        notice_filed_on=date(2026, 2, 10),
        submitted_on=date(2026, 4, 10),
    )


@pytest.fixture
def certificate(employer_a):
    return CertificateFactory(
        audit=AuditFactory(
            employer=employer_a,
            status=AuditStatus.APPROVED,
            starts_on=date(2026, 3, 2),
            last_onsite_on=date(2026, 3, 31),
            passed=True,
        ),
        certified_on=date(2026, 3, 31),
        ended_on=date(2027, 1, 1),
    )


def contexts(audit, certificate):
    extension = ExtensionFactory.build(audit=audit, days=10, decision_note="Fine.")
    return {
        "notice_filed": ({"audit": audit, "late": True}, ["2026-02-10", "marked late"]),
        "report_submitted": ({"audit": audit, "late": False}, ["2026-04-10"]),
        "audit_returned": ({"audit": audit, "reason": "Add the sample."}, ["Add the sample."]),
        "audit_decided": (
            {"audit": audit, "decision": "approved", "reason": ""},
            ["complete: approved", "84.5%"],
        ),
        "extension_requested": (
            {"audit": audit, "days": 10, "reason": "Away."},
            ["10 more days", "Away.", "2026-05-16"],
        ),
        "extension_decided": (
            {"audit": audit, "extension": extension, "approved": True},
            ["was approved", "Fine."],
        ),
        "certificate_issued": ({"certificate": certificate}, ["2026-03-31", "2029-03-31"]),
        "certificate_lapsed": (
            {"certificate": certificate, "reason": "No maintenance audit."},
            ["lapsed on 2027-01-01", "No maintenance audit."],
        ),
        "certificate_expiring": (
            {"certificate": certificate, "days_left": 30},
            ["expires in 30 days, on 2029-03-31"],
        ),
        "deadline_reminder": (
            {
                "audit": audit,
                "deadline": "Final report",
                "task": "the final report is delivered.",
                "due_on": date(2026, 5, 16),
                "days_before": 1,
            },
            ["Final report, due in 1 day, on 2026-05-16"],
        ),
        "deadline_overdue": (
            {
                "audit": audit,
                "deadline": "Final report",
                "task": "the final report is delivered.",
                "due_on": date(2026, 5, 16),
                "days_overdue": 3,
            },
            ["was due on 2026-05-16 (3 days ago)"],
        ),
    }


@pytest.mark.parametrize(
    "template",
    [
        "notice_filed",
        "report_submitted",
        "audit_returned",
        "audit_decided",
        "extension_requested",
        "extension_decided",
        "certificate_issued",
        "certificate_lapsed",
        "certificate_expiring",
        "deadline_reminder",
        "deadline_overdue",
    ],
)
def test_each_template_renders_friendly_plain_text_with_its_link(audit, certificate, template):
    context, expected = contexts(audit, certificate)[template]

    text = render(
        template,
        {
            **context,
            "site_url": "https://cor.example.org",
            "url": "/audits/1/",
            "association_name": settings.COR_ASSOCIATION_NAME,
        },
    )

    assert text == text.strip()
    assert "https://cor.example.org/audits/1/" in text
    assert text.rstrip().endswith(settings.COR_ASSOCIATION_NAME)
    assert "\n\n\n" not in text
    assert "None" not in text
    for fragment in expected:
        assert fragment in text
