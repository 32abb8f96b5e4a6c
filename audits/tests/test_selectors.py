"""Reads of audit data: countdowns, cycles, certificates and KPI counts."""

from datetime import date, timedelta

import pytest

from audits import selectors
from audits.choices import AuditStatus, AuditType, CertificateStatus
from audits.deadlines import audit_deadlines
from audits.tests.factories import AuditFactory, CertificateFactory
from cor_portal.program.periods import add_years, fiscal_year_end, fiscal_year_start
from employers.tests.factories import EmployerFactory

pytestmark = pytest.mark.django_db

S = AuditStatus
DAY = timedelta(days=1)
START = date(2025, 3, 3)  # notice due 2025-02-17, onsite 2025-04-17, final 2025-05-17


def planned(**kwargs):
    """Return an unsaved planned audit starting on START (no database needed)."""
    return AuditFactory.build(starts_on=START, **kwargs)


# Countdowns: green > 14 days, amber <= 14, red overdue ------------------------------------


@pytest.mark.parametrize(
    ("days_left", "state", "text"),
    [
        (15, "green", "due in 15 days"),
        (14, "amber", "due in 14 days"),
        (1, "amber", "due in 1 day"),
        (0, "amber", "due today"),  # due today is not yet overdue
        (-1, "red", "overdue by 1 day"),
        (-2, "red", "overdue by 2 days"),
    ],
)
def test_countdown_traffic_light(days_left, state, text):
    audit = planned()
    today = audit.notice_due - timedelta(days=days_left)

    notice = selectors.countdowns(audit, today=today)[0]

    assert (notice.deadline, notice.due_on) == ("notice", date(2025, 2, 17))
    assert (notice.days_left, notice.state, notice.text) == (days_left, state, text)


def test_countdowns_of_a_planned_audit():
    audit = planned()

    clocks = selectors.countdowns(audit, today=date(2025, 2, 1))

    assert [(c.deadline, c.state, c.days_left) for c in clocks] == [
        ("notice", "green", 16),
        ("onsite", "green", 75),
        ("submission", "pending", None),
        ("final", "green", 105),
    ]
    assert clocks[2].text == "not started"


def test_delivered_clocks_are_done():
    due = audit_deadlines(START, last_onsite_on=date(2025, 4, 2))
    audit = planned(
        status=S.ONSITE_COMPLETE,
        last_onsite_on=date(2025, 4, 2),
        submission_due=due.submission_due,
    )

    clocks = {c.deadline: c for c in selectors.countdowns(audit, today=date(2025, 5, 3))}

    assert (clocks["notice"].state, clocks["onsite"].state) == ("done", "done")
    assert (clocks["submission"].state, clocks["submission"].days_left) == ("red", -1)
    assert (clocks["final"].state, clocks["final"].days_left) == ("amber", 14)
    assert clocks["notice"].text == "done"


@pytest.mark.parametrize("status", [S.SUBMITTED, S.APPROVED, S.CANCELLED])
def test_no_clock_runs_once_the_report_is_with_qa_or_the_audit_is_closed(status):
    audit = planned(status=status, last_onsite_on=date(2025, 4, 2), submission_due=START)

    assert {c.state for c in selectors.countdowns(audit, today=date(2025, 9, 1))} == {"done"}
    assert selectors.next_countdown(audit, today=date(2025, 9, 1)) is None


def test_returned_audit_runs_against_the_final_deadline():
    audit = planned(status=S.RETURNED, last_onsite_on=date(2025, 4, 2), submission_due=START)

    nearest = selectors.next_countdown(audit, today=date(2025, 5, 10))

    assert nearest is not None
    assert (nearest.deadline, nearest.days_left, nearest.state) == ("final", 7, "amber")


def test_next_countdown_is_the_nearest_running_clock():
    audit = planned(status=S.NOTICE_FILED)

    nearest = selectors.next_countdown(audit, today=date(2025, 4, 20))

    assert nearest is not None
    assert (nearest.deadline, nearest.days_left, nearest.state) == ("onsite", -3, "red")


# Overdue and due-soon lists ---------------------------------------------------------------


def test_overdue_lists_audits_with_a_running_clock_past_due():
    late_notice = AuditFactory(starts_on=START)  # planned: notice due 2025-02-17
    filed = AuditFactory(starts_on=START, status=S.NOTICE_FILED)
    AuditFactory(starts_on=START, status=S.APPROVED, last_onsite_on=date(2025, 4, 2))

    assert set(selectors.overdue(as_of=date(2025, 2, 17))) == set()
    assert set(selectors.overdue(as_of=date(2025, 2, 18))) == {late_notice}
    assert set(selectors.overdue(as_of=date(2025, 4, 18))) == {late_notice, filed}


def test_due_between_includes_both_ends():
    audit = AuditFactory(starts_on=START)

    assert list(selectors.due_between(start=date(2025, 2, 17), end=date(2025, 2, 17))) == [audit]
    assert list(selectors.due_between(start=date(2025, 2, 18), end=date(2025, 4, 16))) == []
    assert list(selectors.due_between(start=date(2025, 4, 17), end=date(2025, 4, 17))) == [audit]


def test_audits_led_by_an_auditor_are_the_open_ones():
    audit = AuditFactory(starts_on=START)
    AuditFactory(starts_on=START, lead_auditor=audit.lead_auditor, status=S.CANCELLED)
    AuditFactory(starts_on=START)

    assert list(selectors.audits_led_by(audit.lead_auditor_id)) == [audit]


# Cycles (R-5) -----------------------------------------------------------------------------


@pytest.fixture
def certified():
    """Return a certificate dated 2024-05-03 (maintenance 2025 and 2026, expiring 2027-05-03)."""
    employer = EmployerFactory()
    audit = AuditFactory(
        employer=employer,
        status=S.APPROVED,
        starts_on=date(2024, 3, 25),
        last_onsite_on=date(2024, 5, 3),
        passed=True,
    )
    return CertificateFactory(
        audit=audit, certified_on=date(2024, 5, 3), expires_on=date(2027, 5, 3)
    )


def maintenance(certificate, *, starts_on=date(2025, 10, 6), **kwargs):
    return AuditFactory(
        employer=certificate.employer,
        audit_type=AuditType.MAINTENANCE,
        cycle_certificate=certificate,
        cycle_year=2,
        starts_on=starts_on,
        **kwargs,
    )


def states(employer, today):
    cycle = selectors.cycle_for(employer, today=today)
    assert cycle is not None
    return [row.state for row in cycle.rows]


def test_cycle_of_an_employer_without_a_certificate_is_none():
    assert selectors.cycle_for(EmployerFactory(), today=date(2025, 1, 1)) is None


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (date(2024, 12, 31), ["done", "upcoming", "upcoming", "upcoming"]),
        (date(2025, 1, 1), ["done", "due", "upcoming", "upcoming"]),
        (date(2025, 12, 31), ["done", "due", "upcoming", "upcoming"]),
        (date(2026, 1, 1), ["done", "missed", "due", "upcoming"]),
        (date(2027, 1, 1), ["done", "missed", "missed", "due"]),
        (date(2027, 5, 2), ["done", "missed", "missed", "due"]),
        (date(2027, 5, 3), ["done", "missed", "missed", "missed"]),
    ],
)
def test_cycle_years_without_audits(certified, today, expected):
    assert states(certified.employer, today) == expected


def test_cycle_year_with_a_planned_audit_is_planned_until_the_cutoff_then_missed(certified):
    audit = maintenance(certified)

    assert states(certified.employer, date(2025, 12, 31))[1] == "planned"
    assert states(certified.employer, date(2026, 1, 1))[1] == "missed"
    row = selectors.cycle_for(certified.employer, today=date(2025, 12, 31)).rows[1]
    assert row.audits == (audit,)


@pytest.mark.parametrize(
    ("last_onsite", "state_on_jan_1"),
    [(date(2025, 12, 31), "done"), (date(2026, 1, 2), "missed")],
)
def test_cycle_year_is_done_when_onsite_ends_by_december_31(certified, last_onsite, state_on_jan_1):
    maintenance(
        certified, starts_on=date(2025, 11, 24), status=S.APPROVED, last_onsite_on=last_onsite
    )

    assert states(certified.employer, date(2026, 1, 1))[1] == state_on_jan_1


def test_cancelled_audit_does_not_count_for_its_cycle_year(certified):
    maintenance(certified, status=S.CANCELLED)

    assert states(certified.employer, date(2025, 12, 31))[1] == "due"


def test_cycle_follows_the_latest_certificate_not_a_superseded_one(certified):
    newer_audit = AuditFactory(
        employer=certified.employer,
        audit_type=AuditType.RECERTIFICATION,
        status=S.APPROVED,
        starts_on=date(2027, 2, 1),
        last_onsite_on=date(2027, 3, 1),
        passed=True,
    )
    newer = CertificateFactory(
        audit=newer_audit, certified_on=date(2027, 3, 1), expires_on=date(2030, 3, 1)
    )
    certified.status = CertificateStatus.SUPERSEDED
    certified.save()

    cycle = selectors.cycle_for(certified.employer, today=date(2027, 6, 1))

    assert cycle is not None
    assert cycle.certificate == newer
    assert [row.year.calendar_year for row in cycle.rows] == [2027, 2028, 2029, 2030]


# Certificates ------------------------------------------------------------------------------


def certificate(expires_on, **kwargs):
    return CertificateFactory(
        certified_on=add_years(expires_on, -3), expires_on=expires_on, **kwargs
    )


def test_certificates_expiring_within_90_days_soonest_first():
    today = date(2026, 3, 31)
    today_cert = certificate(today)  # expired today: valid while day < expiry
    tomorrow = certificate(today + DAY)
    day_90 = certificate(today + timedelta(days=90))
    certificate(today + timedelta(days=91))
    certificate(today + timedelta(days=10), status=CertificateStatus.LAPSED)

    expiring = list(selectors.certificates_expiring(as_of=today))

    assert expiring == [tomorrow, day_90]
    assert today_cert not in expiring
    assert list(selectors.certificates_expiring(as_of=today, days=30)) == [tomorrow]


@pytest.mark.parametrize(
    ("day", "status", "expected"),
    [
        (date(2024, 5, 2), CertificateStatus.VALID, "not yet valid"),
        (date(2024, 5, 3), CertificateStatus.VALID, "valid"),
        (date(2027, 5, 2), CertificateStatus.VALID, "valid"),
        (date(2027, 5, 3), CertificateStatus.VALID, "expired"),
        (date(2025, 6, 1), CertificateStatus.LAPSED, "lapsed"),
        (date(2025, 6, 1), CertificateStatus.SUPERSEDED, "superseded"),
    ],
)
def test_certificate_status_on_a_day(day, status, expected):
    found = CertificateFactory.build(
        certified_on=date(2024, 5, 3), expires_on=date(2027, 5, 3), status=status
    )

    assert selectors.certificate_status_on(found, day) == expected


# KPI counts at fiscal-year boundaries (April 1 - March 31) ---------------------------------

FY_START, FY_END = fiscal_year_start(date(2025, 9, 1)), fiscal_year_end(date(2025, 9, 1))


def test_fiscal_year_is_april_1_to_march_31():
    assert fiscal_year_start(date(2025, 9, 1)) == date(2025, 4, 1)
    assert fiscal_year_end(date(2025, 9, 1)) == date(2026, 3, 31)


def test_new_certifications_count_certification_audits_certified_in_the_year():
    for day in (date(2025, 3, 31), date(2025, 4, 1), date(2026, 3, 31), date(2026, 4, 1)):
        certificate(add_years(day, 3))
    recertified = certificate(date(2028, 6, 1))
    recertified.audit.audit_type = AuditType.RECERTIFICATION
    recertified.audit.save()

    assert selectors.new_certifications(start=FY_START, end=FY_END) == 2


def test_audits_submitted_and_decided_count_by_their_dates():
    for day in (date(2025, 3, 31), date(2025, 4, 1), date(2026, 3, 31), date(2026, 4, 1)):
        AuditFactory(
            starts_on=date(2025, 1, 6),
            status=S.APPROVED,
            last_onsite_on=date(2025, 1, 20),
            submitted_on=day,
            decided_on=day,
        )
    AuditFactory(starts_on=date(2025, 1, 6))  # neither

    assert selectors.audits_submitted(start=FY_START, end=FY_END) == 2
    assert selectors.audits_decided(start=FY_START, end=FY_END) == 2
    assert selectors.audits_submitted(start=date(2025, 3, 31), end=date(2025, 3, 31)) == 1
