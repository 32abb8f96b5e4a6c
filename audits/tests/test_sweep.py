"""The daily sweep: reminders, overdue notices, expiry warnings and lapses, once each."""

from datetime import date, datetime, time, timedelta
from io import StringIO
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.conf import settings
from django.core import mail
from django.core.management import call_command

from auditors.choices import AuditorStatus
from auditors.models import Auditor, StandingReminder
from auditors.tests.factories import AuditorFactory, declared
from audits import services, tasks
from audits.choices import AuditStatus, AuditType, CertificateStatus, Deadline
from audits.deadlines import audit_deadlines
from audits.models import (
    Audit,
    Certificate,
    CertificateReminder,
    DeadlineReminder,
)
from audits.sweep import enforce_deadlines
from audits.tests.factories import AuditFactory, CertificateFactory, ExtensionFactory, default_tool
from cor_portal.accounts.tests.factories import UserFactory
from cor_portal.notifications.models import Notification
from cor_portal.program.periods import add_years
from employers.choices import EmployerStatus
from employers.models import Employer
from employers.tests.factories import ContactFactory, EmployerFactory, employer_user

pytestmark = pytest.mark.django_db

S = AuditStatus
VANCOUVER = ZoneInfo("America/Vancouver")
START = date(2026, 3, 2)
LAST_ONSITE = date(2026, 3, 20)
DUE = audit_deadlines(START, last_onsite_on=LAST_ONSITE)
# A status in which each clock runs, and the last onsite day it needs.
RUNNING = {
    Deadline.NOTICE: (S.PLANNED, None),
    Deadline.ONSITE: (S.NOTICE_FILED, None),
    Deadline.SUBMISSION: (S.ONSITE_COMPLETE, LAST_ONSITE),
    Deadline.FINAL: (S.RETURNED, LAST_ONSITE),
}


@pytest.fixture
def employer(db):
    return EmployerFactory(legal_name="Alpha Lodge Ltd.")


@pytest.fixture
def contact_user(employer):
    return employer_user(employer, username="alpha-contact")


@pytest.fixture
def auditor(db):
    return AuditorFactory(user=UserFactory(username="lead-auditor", role="auditor"))


@pytest.fixture
def sweep(django_capture_on_commit_callbacks):
    """Return a function that runs the sweep and then its after-commit work (the emails)."""

    def run(today):
        with django_capture_on_commit_callbacks(execute=True):
            return enforce_deadlines(today=today)

    return run


def make_audit(employer, auditor, *, status=S.PLANNED, starts_on=START, last_onsite_on=None):
    return AuditFactory(
        employer=employer,
        lead_auditor=auditor,
        status=status,
        starts_on=starts_on,
        last_onsite_on=last_onsite_on,
    )


def travel(day):
    """Return a time machine stopped at noon of the day in Vancouver (the portal's today)."""
    return time_machine.travel(datetime.combine(day, time(12), tzinfo=VANCOUVER), tick=False)


def sent(audit, deadline=None):
    """Return the (deadline, due date, days before) of the audit's reminder rows."""
    rows = DeadlineReminder.objects.filter(audit=audit)
    if deadline:
        rows = rows.filter(deadline=deadline)
    return sorted(rows.values_list("deadline", "due_on", "days_before"))


# Reminders ------------------------------------------------------------------------------------


@pytest.mark.parametrize("deadline", list(Deadline))
@pytest.mark.parametrize(
    ("days_before", "reminded"),
    [
        (15, False),
        (14, True),
        (13, False),
        (8, False),
        (7, True),
        (6, False),
        (2, False),
        (1, True),
        (0, False),
    ],
)
def test_a_reminder_goes_exactly_14_7_and_1_days_before_each_deadline(
    employer, auditor, sweep, deadline, days_before, reminded
):
    status, last_onsite_on = RUNNING[deadline]
    audit = make_audit(employer, auditor, status=status, last_onsite_on=last_onsite_on)
    due_on = audit.due(deadline)

    sweep(due_on - timedelta(days=days_before))

    expected = [(deadline.value, due_on, days_before)] if reminded else []
    assert sent(audit, deadline) == expected


def test_the_reminder_tells_the_lead_auditor_the_contacts_and_staff(
    employer, contact_user, auditor, sweep
):
    ContactFactory(employer=employer, user=None, email="no-login@example.org")
    retired = employer_user(employer, username="retired-contact", is_active=False)
    audit = make_audit(employer, auditor)

    report = sweep(audit.notice_due - timedelta(days=7))

    assert report.reminders == 1
    assert len(mail.outbox) == 3
    to = sorted(address for message in mail.outbox for address in message.to)
    assert to == sorted([auditor.user.email, contact_user.email, settings.COR_STAFF_EMAIL])
    assert retired.email not in to
    message = next(m for m in mail.outbox if m.to == [auditor.user.email])
    assert message.subject == "[COR] Notice of Audit due in 7 days: Alpha Lodge Ltd."
    assert f"Hello {auditor.user.first_name}," in message.body
    assert f"due in 7 days, on {audit.notice_due.isoformat()}" in message.body
    assert f"{settings.COR_SITE_URL}/audits/{audit.pk}/" in message.body
    notes = Notification.objects.order_by("recipient__username")
    assert [n.recipient for n in notes] == [contact_user, auditor.user]
    assert all(n.url == audit.get_absolute_url() for n in notes)
    assert all(n.emailed_at is not None for n in notes)


def test_a_stopped_clock_gets_no_reminders(employer, auditor, sweep):
    filed = make_audit(employer, auditor, status=S.NOTICE_FILED)
    cancelled = make_audit(employer, auditor, status=S.CANCELLED)

    for days in (14, 7, 1, -1, -30):
        sweep(filed.notice_due - timedelta(days=days))

    assert sent(filed, Deadline.NOTICE) == []
    assert sent(cancelled) == []


def test_running_twice_the_same_day_sends_nothing_new(employer, contact_user, auditor, sweep):
    audit = make_audit(employer, auditor)
    make_audit(employer, auditor, starts_on=START - timedelta(days=60))  # notice overdue

    first = sweep(audit.notice_due - timedelta(days=14))
    emails = len(mail.outbox)
    second = sweep(audit.notice_due - timedelta(days=14))

    assert (first.reminders, first.overdue_notices) == (1, 1)
    assert (second.reminders, second.overdue_notices, second.notifications) == (0, 0, 0)
    assert emails == 6
    assert len(mail.outbox) == emails
    assert DeadlineReminder.objects.count() == 2


# Overdue notices ----------------------------------------------------------------------------


def test_an_overdue_notice_goes_once_the_day_after_the_due_date(employer, auditor, sweep):
    audit = make_audit(employer, auditor)

    on_the_day = sweep(audit.notice_due)
    day_after = sweep(audit.notice_due + timedelta(days=1))
    later = sweep(audit.notice_due + timedelta(days=2))

    assert on_the_day.overdue_notices == 0
    assert day_after.overdue_notices == 1
    assert later.overdue_notices == 0
    assert sent(audit, Deadline.NOTICE) == [("notice", audit.notice_due, 0)]
    overdue = [m for m in mail.outbox if m.subject.startswith("[COR] Overdue")]
    assert len(overdue) == 2  # the auditor and staff (no employer login here)
    assert "was due on" in overdue[0].body
    assert "(1 day ago)" in overdue[0].body


def test_after_missed_days_the_overdue_notice_is_caught_up_but_not_the_reminders(
    employer, auditor, sweep
):
    audit = make_audit(employer, auditor)

    report = sweep(audit.notice_due + timedelta(days=5))

    assert report.overdue_notices == 1
    assert report.reminders == 0
    assert sent(audit, Deadline.NOTICE) == [("notice", audit.notice_due, 0)]
    assert "(5 days ago)" in mail.outbox[0].body


def test_each_running_clock_gets_its_own_overdue_notice(employer, auditor, sweep):
    audit = make_audit(employer, auditor, status=S.IN_PROGRESS)

    sweep(audit.final_due + timedelta(days=1))

    assert sent(audit) == [("final", audit.final_due, 0), ("onsite", audit.onsite_due, 0)]


def test_an_extension_moves_the_reminders_to_the_new_date(employer, auditor, sweep):
    audit = make_audit(employer, auditor, status=S.ONSITE_COMPLETE, last_onsite_on=LAST_ONSITE)
    old_due = audit.submission_due
    sweep(old_due - timedelta(days=7))

    extension = ExtensionFactory(audit=audit, days=10)
    services.decide_extension(extension=extension, actor=UserFactory(), approve=True)
    audit.refresh_from_db()
    new_due = audit.submission_due
    sweep(old_due + timedelta(days=1))  # the old date has passed: not overdue any more
    sweep(new_due - timedelta(days=7))
    sweep(new_due + timedelta(days=1))

    assert new_due == old_due + timedelta(days=10)
    assert sent(audit, Deadline.SUBMISSION) == [
        ("submission", old_due, 7),
        ("submission", new_due, 0),
        ("submission", new_due, 7),
    ]


# Certificate expiry warnings -----------------------------------------------------------------


def certificate_of(employer, *, certified_on, maintained=True):
    """Return a certificate of the employer; ``maintained``: with both maintenance audits done."""
    approved = AuditFactory(
        employer=employer,
        status=S.APPROVED,
        starts_on=certified_on - timedelta(days=20),
        last_onsite_on=certified_on,
        passed=True,
    )
    certificate = CertificateFactory(audit=approved, certified_on=certified_on)
    if maintained:
        for cycle_year in (2, 3):
            year = certified_on.year + cycle_year - 1
            maintenance(certificate, cycle_year=cycle_year, last_onsite_on=date(year, 11, 3))
    return certificate


def warnings(certificate):
    return sorted(
        CertificateReminder.objects.filter(certificate=certificate).values_list(
            "days_before", "sent_on"
        )
    )


@pytest.mark.parametrize(
    ("days_left", "warned"),
    [(91, None), (90, 90), (89, None), (31, None), (30, 30), (29, None), (0, None)],
)
def test_an_expiry_warning_goes_90_and_30_days_before_expiry(employer, sweep, days_left, warned):
    certificate = certificate_of(employer, certified_on=date(2023, 6, 14))
    # The earlier warnings were sent on their day, as every day's sweep would have.
    for offset in (90, 30):
        if offset > days_left:
            CertificateReminder.objects.create(
                certificate=certificate,
                days_before=offset,
                sent_on=certificate.expires_on - timedelta(days=offset),
            )
    today = certificate.expires_on - timedelta(days=days_left)

    report = run_on(sweep, today)

    assert report.certificate_warnings == (1 if warned else 0)
    new = CertificateReminder.objects.filter(certificate=certificate, sent_on=today)
    assert list(new.values_list("days_before", flat=True)) == ([warned] if warned else [])


def test_a_missed_warning_is_caught_up_with_the_nearest_offset_only(employer, contact_user, sweep):
    certificate = certificate_of(employer, certified_on=date(2023, 6, 14))
    expires = certificate.expires_on

    sweep(expires - timedelta(days=45))  # 90 days was missed: send it now
    sweep(expires - timedelta(days=44))
    sweep(expires - timedelta(days=20))  # 30 days was missed: send it now
    sweep(expires - timedelta(days=10))

    assert warnings(certificate) == [
        (30, expires - timedelta(days=20)),
        (90, expires - timedelta(days=45)),
    ]
    to = sorted(address for message in mail.outbox for address in message.to)
    assert to == sorted([contact_user.email, settings.COR_STAFF_EMAIL] * 2)
    assert "expires in 20 days, on 2026-06-14" in mail.outbox[-1].body


def test_a_certificate_first_seen_within_30_days_gets_only_the_30_day_warning(employer, sweep):
    certificate = certificate_of(employer, certified_on=date(2023, 6, 14))

    sweep(certificate.expires_on - timedelta(days=5))

    assert [days for days, _sent in warnings(certificate)] == [30]


# Lapses (R-5, R-11) ----------------------------------------------------------------------------


@pytest.fixture
def certified(contact_user):
    """Return a certificate dated 2024-06-14 (cycle years 2025 and 2026), employer certified."""
    employer = Employer.objects.get(pk=contact_user.employer_contact.employer_id)
    certificate = certificate_of(employer, certified_on=date(2024, 6, 14), maintained=False)
    Employer.objects.filter(pk=employer.pk).update(
        status=EmployerStatus.CERTIFIED, status_changed_on=date(2024, 7, 1)
    )
    return certificate


def maintenance(certificate, *, cycle_year, last_onsite_on, status=S.APPROVED):
    starts_on = date(certificate.certified_on.year + cycle_year - 1, 10, 1)
    return AuditFactory(
        employer=certificate.employer,
        audit_type=AuditType.MAINTENANCE,
        cycle_certificate=certificate,
        cycle_year=cycle_year,
        status=status,
        starts_on=starts_on,
        last_onsite_on=last_onsite_on,
    )


def run_on(sweep, day):
    with travel(day):
        return sweep(day)


def test_no_lapse_on_december_31_of_a_year_without_its_maintenance_audit(certified, sweep):
    report = run_on(sweep, date(2025, 12, 31))

    certified.refresh_from_db()
    assert report.maintenance_lapses == 0
    assert certified.status == CertificateStatus.VALID


def test_on_january_1_a_certificate_without_its_maintenance_audit_lapses(
    certified, contact_user, sweep
):
    report = run_on(sweep, date(2026, 1, 1))

    certified.refresh_from_db()
    assert report.maintenance_lapses == 1
    assert certified.status == CertificateStatus.LAPSED
    assert certified.ended_on == date(2026, 1, 1)
    assert "2025-12-31" in certified.end_reason
    assert "cycle year 2" in certified.end_reason
    assert Employer.objects.get(pk=certified.employer_id).status == EmployerStatus.LAPSED
    lapsed = [m for m in mail.outbox if "lapsed" in m.subject]
    assert sorted(a for m in lapsed for a in m.to) == sorted(
        [contact_user.email, settings.COR_STAFF_EMAIL]
    )
    assert "2025-12-31" in lapsed[0].body


def test_a_maintenance_audit_with_its_last_onsite_day_on_december_31_keeps_the_certificate(
    certified, sweep
):
    maintenance(certified, cycle_year=2, last_onsite_on=date(2025, 12, 31))

    report = run_on(sweep, date(2026, 1, 1))

    certified.refresh_from_db()
    assert report.maintenance_lapses == 0
    assert certified.status == CertificateStatus.VALID


@pytest.mark.parametrize(
    ("audit", "why"),
    [
        ({"last_onsite_on": None, "status": S.IN_PROGRESS}, "onsite work not finished"),
        ({"last_onsite_on": date(2025, 12, 31), "status": S.CANCELLED}, "cancelled"),
    ],
)
def test_a_maintenance_audit_that_does_not_count_lapses_the_certificate(
    certified, sweep, audit, why
):
    maintenance(certified, cycle_year=2, **audit)

    report = run_on(sweep, date(2026, 1, 1))

    assert report.maintenance_lapses == 1, why


def test_year_3_needs_its_own_maintenance_audit(certified, sweep):
    maintenance(certified, cycle_year=2, last_onsite_on=date(2025, 11, 3))

    assert run_on(sweep, date(2026, 12, 31)).maintenance_lapses == 0
    report = run_on(sweep, date(2027, 1, 1))

    certified.refresh_from_db()
    assert report.maintenance_lapses == 1
    assert "cycle year 3" in certified.end_reason
    assert "2026-12-31" in certified.end_reason


def test_a_lapse_missed_on_january_1_is_caught_up(certified, sweep):
    report = run_on(sweep, date(2026, 2, 3))

    assert report.maintenance_lapses == 1


@pytest.fixture
def expiring(certified):
    """Return the certificate with both maintenance audits done (it expires 2027-06-14)."""
    maintenance(certified, cycle_year=2, last_onsite_on=date(2025, 11, 3))
    maintenance(certified, cycle_year=3, last_onsite_on=date(2026, 11, 3))
    return certified


def test_a_certificate_past_expiry_without_recertification_lapses(expiring, sweep):
    assert run_on(sweep, date(2027, 6, 13)).expiry_lapses == 0
    report = run_on(sweep, date(2027, 6, 14))

    expiring.refresh_from_db()
    assert report.expiry_lapses == 1
    assert expiring.status == CertificateStatus.LAPSED
    assert expiring.end_reason == "Certificate expired without recertification"


def recertification(certificate, *, status, last_onsite_on):
    return AuditFactory(
        employer=certificate.employer,
        audit_type=AuditType.RECERTIFICATION,
        cycle_certificate=certificate,
        cycle_year=4,
        status=status,
        starts_on=date(2027, 5, 1),
        last_onsite_on=last_onsite_on,
    )


@pytest.mark.parametrize("status", [S.SUBMITTED, S.IN_QA, S.RETURNED, S.RESUBMITTED])
def test_no_lapse_while_a_recertification_done_onsite_before_expiry_waits_for_qa(
    expiring, sweep, status
):
    recertification(expiring, status=status, last_onsite_on=date(2027, 6, 1))

    report = run_on(sweep, date(2027, 6, 20))

    expiring.refresh_from_db()
    assert report.expiry_lapses == 0
    assert expiring.status == CertificateStatus.VALID


@pytest.mark.parametrize(
    ("status", "last_onsite_on"),
    [
        (S.IN_QA, date(2027, 6, 15)),  # onsite finished after the expiry
        (S.ONSITE_COMPLETE, date(2027, 6, 1)),  # not submitted
        (S.UNSUCCESSFUL, date(2027, 6, 1)),  # failed
    ],
)
def test_a_recertification_late_unsubmitted_or_failed_does_not_hold_off_the_lapse(
    expiring, sweep, status, last_onsite_on
):
    recertification(expiring, status=status, last_onsite_on=last_onsite_on)

    report = run_on(sweep, date(2027, 6, 20))

    assert report.expiry_lapses == 1


def test_an_expired_certificate_with_a_newer_one_is_left_alone(expiring, sweep):
    certificate_of(expiring.employer, certified_on=date(2027, 6, 1), maintained=False)

    report = run_on(sweep, date(2027, 6, 20))

    expiring.refresh_from_db()
    assert report.expiry_lapses == 0
    assert expiring.status == CertificateStatus.VALID


def test_the_sweep_lapses_expired_auditor_certifications(sweep):
    auditor = AuditorFactory(certified_on=date(2023, 3, 1), expires_on=date(2026, 3, 1))

    report = run_on(sweep, date(2026, 3, 1))

    auditor.refresh_from_db()
    assert report.auditor_lapses == 1
    assert auditor.status == AuditorStatus.LAPSED


# Auditor standing reminders -----------------------------------------------------------------


def standing(auditor, kind):
    return sorted(
        StandingReminder.objects.filter(auditor=auditor, kind=kind).values_list(
            "due_on", "days_before"
        )
    )


@pytest.mark.parametrize(
    ("days_left", "warned"),
    [(91, False), (90, True), (89, False), (31, False), (30, True), (29, False), (0, False)],
)
def test_an_auditor_is_warned_90_and_30_days_before_the_certification_expires(
    sweep, days_left, warned
):
    expires_on = date(2026, 9, 1)
    auditor = AuditorFactory(certified_on=add_years(expires_on, -3), expires_on=expires_on)
    today = expires_on - timedelta(days=days_left)
    for earlier in (90, 30):  # the sweeps of the warning days before this one
        if earlier > days_left:
            run_on(sweep, expires_on - timedelta(days=earlier))
    before = StandingReminder.objects.count()
    mail.outbox.clear()

    report = run_on(sweep, today)

    assert (StandingReminder.objects.count() - before == 1) is warned
    assert report.auditor_reminders == int(warned)
    if warned:
        assert (expires_on, days_left) in standing(auditor, StandingReminder.Kind.CERTIFICATION)
        (message,) = [m for m in mail.outbox if auditor.user.email in m.to]
        assert f"expires in {days_left} days" in message.subject
        assert auditor.certification_number in message.body
        assert settings.COR_STAFF_EMAIL in [a for m in mail.outbox for a in m.to]


def test_a_missed_auditor_warning_is_caught_up_once_and_recertification_starts_afresh(sweep):
    expires_on = date(2026, 9, 1)
    auditor = AuditorFactory(certified_on=add_years(expires_on, -3), expires_on=expires_on)

    run_on(sweep, expires_on - timedelta(days=60))  # first seen 60 days out: the 90-day one
    run_on(sweep, expires_on - timedelta(days=59))
    run_on(sweep, expires_on - timedelta(days=12))  # the 30-day one, late
    run_on(sweep, expires_on - timedelta(days=11))

    assert standing(auditor, StandingReminder.Kind.CERTIFICATION) == [
        (expires_on, 30),
        (expires_on, 90),
    ]
    renewed = add_years(expires_on, 3)
    Auditor.objects.filter(pk=auditor.pk).update(expires_on=renewed)
    run_on(sweep, renewed - timedelta(days=30))
    assert (renewed, 30) in standing(auditor, StandingReminder.Kind.CERTIFICATION)


def test_a_lapsed_or_retired_auditor_gets_no_expiry_warning(sweep):
    expires_on = date(2026, 9, 1)
    for status in (AuditorStatus.LAPSED, AuditorStatus.RETIRED, AuditorStatus.SUSPENDED):
        AuditorFactory(status=status, expires_on=expires_on)

    report = run_on(sweep, expires_on - timedelta(days=30))

    assert report.auditor_reminders == 0
    assert not StandingReminder.objects.exists()


@pytest.mark.parametrize(
    ("days_before", "reminded"),
    [(15, False), (14, True), (13, False), (7, True), (1, True), (0, False)],
)
def test_a_lead_auditor_without_the_years_declaration_is_reminded_before_the_audit(
    employer, auditor, sweep, days_before, reminded
):
    audit = make_audit(employer, auditor, status=S.NOTICE_FILED)
    for earlier in (14, 7, 1):  # the sweeps of the reminder days before this one
        if earlier > days_before:
            run_on(sweep, START - timedelta(days=earlier))
    mail.outbox.clear()

    report = run_on(sweep, START - timedelta(days=days_before))

    assert report.auditor_reminders == int(reminded)
    today = START - timedelta(days=days_before)
    sent_today = StandingReminder.objects.filter(sent_on=today, kind="declaration")
    expected = [(START, days_before)] if reminded else []
    assert list(sent_today.values_list("due_on", "days_before")) == expected
    if reminded:
        (message,) = [m for m in mail.outbox if "declaration" in m.subject]
        assert message.to == [auditor.user.email]
        assert str(audit.employer) in message.subject
        assert f"File your {START.year} declaration" in message.subject


def test_no_declaration_reminder_once_declared_started_or_for_another_years_declaration(
    employer, auditor, sweep
):
    make_audit(employer, auditor, status=S.NOTICE_FILED)
    other = AuditorFactory()
    make_audit(employer, other, status=S.IN_PROGRESS)
    late = AuditorFactory()
    declared(late, year=START.year - 1)
    make_audit(employer, late, status=S.PLANNED)
    declared(auditor, year=START.year)

    report = run_on(sweep, START - timedelta(days=7))

    assert report.auditor_reminders == 1  # only the auditor who declared last year
    assert standing(late, StandingReminder.Kind.DECLARATION) == [(START, 7)]
    assert not StandingReminder.objects.exclude(auditor=late).exists()


def test_two_audits_on_one_day_remind_once_and_a_missed_day_is_caught_up(employer, auditor, sweep):
    make_audit(employer, auditor, status=S.NOTICE_FILED)
    make_audit(EmployerFactory(), auditor, status=S.NOTICE_FILED)

    run_on(sweep, START - timedelta(days=10))  # the 14-day reminder, late
    run_on(sweep, START - timedelta(days=9))
    run_on(sweep, START - timedelta(days=7))

    assert standing(auditor, StandingReminder.Kind.DECLARATION) == [(START, 7), (START, 14)]


# Query count ---------------------------------------------------------------------------------

# The rules in force; for each of the four clocks, the audits due a reminder or notice; the
# certificates due a warning; the auditors due an expiry warning; the audits whose lead
# auditor has not declared; their employers' contacts; four bulk inserts (reminders, warnings,
# standing reminders, notifications); the oldest valid certificate, the rules of each calendar
# year since (three here), the certificates that missed a maintenance year and the expired
# ones; the auditors' lapses; staff's edited message templates (read once for the batch of
# notifications); and two pairs of savepoints.
SWEEP_QUERIES = 25


def make_many(count, employer, auditor, today):
    """Make ``count`` audits due a reminder and ``count`` overdue, and ``count`` certificates
    due a warning, in a few bulk inserts."""
    tool = default_tool()
    soon = today + timedelta(days=7 + 14)  # notice due in 7 days
    late = today - timedelta(days=5)  # notice due 19 days ago
    audits = []
    for start in (soon,) * count + (late,) * count:
        due = audit_deadlines(start)
        audits.append(
            Audit(
                employer=employer,
                audit_type=AuditType.CERTIFICATION,
                tool=tool,
                lead_auditor=auditor,
                status=S.PLANNED,
                starts_on=start,
                notice_due=due.notice_due,
                onsite_due=due.onsite_due,
                final_due=due.final_due,
            )
        )
    certified_on = add_years(today + timedelta(days=30), -3)
    for _n in range(count):
        due = audit_deadlines(certified_on - timedelta(days=20), last_onsite_on=certified_on)
        audits.append(
            Audit(
                employer=employer,
                audit_type=AuditType.CERTIFICATION,
                tool=tool,
                lead_auditor=auditor,
                status=S.APPROVED,
                starts_on=certified_on - timedelta(days=20),
                last_onsite_on=certified_on,
                notice_due=due.notice_due,
                onsite_due=due.onsite_due,
                submission_due=due.submission_due,
                final_due=due.final_due,
            )
        )
    audits = Audit.objects.bulk_create(audits)
    certificates = Certificate.objects.bulk_create(
        Certificate(
            number=f"COR-BULK-{audit.pk}",
            employer=employer,
            audit=audit,
            certified_on=certified_on,
            expires_on=add_years(certified_on, 3),
        )
        for audit in audits[2 * count :]
    )
    # Both maintenance audits done, so nothing lapses (a lapse is a change of state with its
    # own history and notice, made one by one).
    maintained = []
    for certificate in certificates:
        for cycle_year in (2, 3):
            start = date(certified_on.year + cycle_year - 1, 10, 1)
            due = audit_deadlines(start, last_onsite_on=start + timedelta(days=30))
            maintained.append(
                Audit(
                    employer=employer,
                    audit_type=AuditType.MAINTENANCE,
                    cycle_certificate=certificate,
                    cycle_year=cycle_year,
                    tool=tool,
                    lead_auditor=auditor,
                    status=S.APPROVED,
                    starts_on=start,
                    last_onsite_on=start + timedelta(days=30),
                    notice_due=due.notice_due,
                    onsite_due=due.onsite_due,
                    submission_due=due.submission_due,
                    final_due=due.final_due,
                )
            )
    Audit.objects.bulk_create(maintained)
    # Auditors whose certification expires in 30 days, each leading an undeclared audit that
    # starts in 7 days (notice filed, so no audit clock is due).
    users = UserFactory.build_batch(count, role="auditor")
    for n, user in enumerate(users):
        user.username = f"bulk-auditor-{n}"
    users = type(users[0]).objects.bulk_create(users)
    expiring = Auditor.objects.bulk_create(
        Auditor(
            user=user,
            kind=auditor.kind,
            status=AuditorStatus.CERTIFIED,
            certification_number=f"BULK-{user.pk}",
            certified_on=add_years(today + timedelta(days=30), -3),
            expires_on=today + timedelta(days=30),
        )
        for user in users
    )
    start = today + timedelta(days=7)
    due = audit_deadlines(start)
    Audit.objects.bulk_create(
        Audit(
            employer=employer,
            audit_type=AuditType.CERTIFICATION,
            tool=tool,
            lead_auditor=lead,
            status=S.NOTICE_FILED,
            starts_on=start,
            notice_due=due.notice_due,
            onsite_due=due.onsite_due,
            final_due=due.final_due,
        )
        for lead in expiring
    )


@pytest.mark.parametrize("count", [10, 500])
def test_the_sweep_makes_the_same_number_of_queries_for_10_and_500_audits(
    employer, contact_user, auditor, django_assert_num_queries, count
):
    today = date(2026, 5, 4)
    make_many(count, employer, auditor, today)

    with django_assert_num_queries(SWEEP_QUERIES):
        report = enforce_deadlines(today=today)

    assert (report.reminders, report.overdue_notices) == (count, count)
    assert report.certificate_warnings == count
    assert report.auditor_reminders == 2 * count  # expiry; declaration
    # Audit clocks: the auditor and the contact; certificates: the contact; standing: the auditor.
    assert report.notifications == 2 * count * 2 + count + 2 * count
    assert StandingReminder.objects.count() == 2 * count
    assert report.maintenance_lapses == report.expiry_lapses == 0
    assert DeadlineReminder.objects.count() == 2 * count
    assert not Auditor.objects.filter(status=AuditorStatus.LAPSED).exists()


# The task, the command and the beat -----------------------------------------------------------


def test_the_task_runs_the_sweep_for_the_given_day(employer, auditor):
    audit = make_audit(employer, auditor)
    day = audit.notice_due - timedelta(days=7)

    result = tasks.enforce_deadlines.apply(args=[day.isoformat()]).get()

    assert result["today"] == day.isoformat()
    assert result["reminders"] == 1
    assert sent(audit) == [("notice", audit.notice_due, 7)]


def test_the_command_prints_the_report(employer, auditor):
    audit = make_audit(employer, auditor)
    out = StringIO()

    call_command(
        "enforce_deadlines",
        "--today",
        (audit.notice_due - timedelta(days=14)).isoformat(),
        stdout=out,
    )

    assert "reminders sent:                1" in out.getvalue()


def test_the_command_refuses_a_bad_date():
    from django.core.management import CommandError

    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("enforce_deadlines", "--today", "31/03/2026")


def test_the_sweep_is_scheduled_every_night_at_half_past_midnight():
    entry = settings.CELERY_BEAT_SCHEDULE["enforce-audit-deadlines"]

    assert entry["task"] == "audits.tasks.enforce_deadlines"
    assert entry["schedule"].hour == {0}
    assert entry["schedule"].minute == {30}
    assert settings.CELERY_TIMEZONE == "America/Vancouver"
