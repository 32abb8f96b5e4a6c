"""The private ICS feed of a user's deadlines: what each role gets, and that it parses."""

from datetime import date, timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from icalendar import Calendar

from auditors.tests.factories import AuditorFactory
from audits import services
from audits.calendar import FUTURE_DAYS, PAST_DAYS
from audits.choices import AuditStatus
from audits.tests.factories import AuditFactory, ExtensionFactory
from cor_portal.accounts.tests.factories import UserFactory
from employers.tests.factories import EmployerFactory

pytestmark = pytest.mark.django_db

S = AuditStatus


def today() -> date:
    return timezone.localdate()


@pytest.fixture
def auditor(auditor_user):
    return AuditorFactory(user=auditor_user)


@pytest.fixture
def audit_a(employer_a, auditor):
    """Return a planned audit of employer A led by the auditor, starting in 30 days."""
    return AuditFactory(
        employer=employer_a, lead_auditor=auditor, starts_on=today() + timedelta(30)
    )


@pytest.fixture
def audit_b(employer_b, other_auditor_user):
    """Return a planned audit of employer B led by the other auditor."""
    return AuditFactory(
        employer=employer_b,
        lead_auditor=AuditorFactory(user=other_auditor_user),
        starts_on=today() + timedelta(40),
    )


def feed(user, client=None):
    response = (client or Client()).get(reverse("calendar", kwargs={"token": user.calendar_token}))
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return Calendar.from_ical(response.content)


def events(calendar):
    return {str(e["UID"]): e for e in calendar.walk("VEVENT")}


def uid(audit, deadline, due_on):
    return f"audit-{audit.pk}-{deadline}-{due_on:%Y%m%d}@127.0.0.1"


def test_the_auditor_feed_has_each_running_deadline_of_the_audits_they_lead(
    auditor_user, audit_a, audit_b
):
    calendar = feed(auditor_user)

    found = events(calendar)
    assert set(found) == {
        uid(audit_a, "notice", audit_a.notice_due),
        uid(audit_a, "onsite", audit_a.onsite_due),
        uid(audit_a, "final", audit_a.final_due),
    }
    notice = found[uid(audit_a, "notice", audit_a.notice_due)]
    assert str(notice["SUMMARY"]) == "Notice of Audit due: Alpha Lodge Ltd."
    assert notice.decoded("DTSTART") == audit_a.notice_due
    assert notice.decoded("DTEND") == audit_a.notice_due + timedelta(days=1)
    assert str(notice["URL"]) == f"http://testserver/audits/{audit_a.pk}/"
    assert "Lead auditor:" in str(notice["DESCRIPTION"])
    assert str(calendar["VERSION"]) == "2.0"


def test_the_employer_feed_has_its_own_audits_and_no_other_employers(
    employer_a_user, employer_b_user, audit_a, audit_b
):
    mine = events(feed(employer_a_user))
    theirs = events(feed(employer_b_user))

    assert {u.split("-")[1] for u in mine} == {str(audit_a.pk)}
    assert {u.split("-")[1] for u in theirs} == {str(audit_b.pk)}
    assert all("Bravo" not in str(e["SUMMARY"]) for e in mine.values())


def test_staff_get_every_open_audit_and_the_board_an_empty_calendar(
    staff_user, board_user, audit_a, audit_b
):
    closed = AuditFactory(status=S.APPROVED, starts_on=today() + timedelta(10))

    staff = events(feed(staff_user))
    board = feed(board_user)

    assert {u.split("-")[1] for u in staff} == {str(audit_a.pk), str(audit_b.pk)}
    assert str(closed.pk) not in {u.split("-")[1] for u in staff}
    assert board.walk("VEVENT") == []


def test_only_deadlines_from_30_days_ago_to_a_year_ahead_and_still_running(staff_user):
    # Onsite work (start + 45) 30 days ago: in; 31 days ago: out. Its notice is done (filed).
    edge = AuditFactory(status=S.IN_PROGRESS, starts_on=today() - timedelta(45 + PAST_DAYS))
    gone = AuditFactory(status=S.IN_PROGRESS, starts_on=today() - timedelta(46 + PAST_DAYS))
    # A notice due in exactly a year: in; a day later: out.
    near = AuditFactory(starts_on=today() + timedelta(FUTURE_DAYS + 14))
    far = AuditFactory(starts_on=today() + timedelta(FUTURE_DAYS + 15))

    found = events(feed(staff_user))

    assert uid(edge, "onsite", edge.onsite_due) in found
    assert not any(u.startswith(f"audit-{edge.pk}-notice") for u in found)
    assert uid(gone, "onsite", gone.onsite_due) not in found
    assert uid(near, "notice", near.notice_due) in found
    assert uid(far, "notice", far.notice_due) not in found


def test_the_uid_is_stable_and_an_extension_makes_a_new_event(auditor_user, employer_a, auditor):
    audit = AuditFactory(
        employer=employer_a,
        lead_auditor=auditor,
        status=S.ONSITE_COMPLETE,
        starts_on=today() - timedelta(20),
        last_onsite_on=today() - timedelta(5),
    )
    before = events(feed(auditor_user))
    assert set(events(feed(auditor_user))) == set(before)

    services.decide_extension(
        extension=ExtensionFactory(audit=audit, days=7), actor=UserFactory(), approve=True
    )
    audit.refresh_from_db()
    after = events(feed(auditor_user))

    assert uid(audit, "submission", audit.submission_due - timedelta(7)) in before
    assert uid(audit, "submission", audit.submission_due) in after
    assert uid(audit, "submission", audit.submission_due - timedelta(7)) not in after


@pytest.mark.parametrize("token", ["not-a-token", "x" * 32])
def test_a_wrong_token_is_404(audit_a, token):
    assert Client().get(reverse("calendar", kwargs={"token": token})).status_code == 404


def test_an_inactive_users_feed_is_404(auditor_user, audit_a):
    auditor_user.is_active = False
    auditor_user.save()

    url = reverse("calendar", kwargs={"token": auditor_user.calendar_token})
    assert Client().get(url).status_code == 404


@pytest.mark.parametrize("count", [3, 40])
def test_the_feed_makes_a_constant_number_of_queries(
    employer_a_user, employer_a, django_assert_num_queries, count
):
    for n in range(count):
        AuditFactory(employer=employer_a, starts_on=today() + timedelta(20 + n))
    client = Client()

    # The user by token, the employer's id, the audits with their employer and lead auditor.
    with django_assert_num_queries(3):
        calendar = feed(employer_a_user, client)

    assert len(calendar.walk("VEVENT")) == 3 * count


def test_the_help_page_shows_the_private_address(auditor_user):
    client = Client()
    client.force_login(auditor_user)

    page = client.get(reverse("calendar-help")).content.decode()

    assert f"/calendar/{auditor_user.calendar_token}.ics" in page
    assert f"webcal://testserver/calendar/{auditor_user.calendar_token}.ics" in page
    assert "Keep it private" in page


def test_resetting_the_token_retires_the_old_address(auditor_user, audit_a):
    client = Client()
    client.force_login(auditor_user)
    old = reverse("calendar", kwargs={"token": auditor_user.calendar_token})

    response = client.post(reverse("calendar-reset"))

    auditor_user.refresh_from_db()
    assert response.status_code == 302
    assert response["Location"] == reverse("calendar-help")
    assert Client().get(old).status_code == 404
    assert len(feed(auditor_user).walk("VEVENT")) == 3


def test_an_audit_of_an_employer_without_employer_logins_is_not_in_a_contact_feed(
    employer_a_user,
):
    AuditFactory(employer=EmployerFactory(), starts_on=today() + timedelta(30))

    assert feed(employer_a_user).walk("VEVENT") == []
