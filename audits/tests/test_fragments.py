"""The fragments other pages load: an employer's cycle and an auditor's audits."""

from datetime import date, timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from auditors.tests.factories import AuditorFactory
from audits.choices import AuditStatus, AuditType
from audits.deadlines import audit_deadlines
from audits.tests.factories import AuditFactory, CertificateFactory
from cor_portal.program.periods import add_years

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def today():
    return timezone.localdate()


def client_for(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def certified(employer, *, on: date, lead=None):
    """Return a certificate of the employer dated ``on`` (the last onsite day)."""
    audit = AuditFactory(
        employer=employer,
        status=AuditStatus.APPROVED,
        starts_on=on - timedelta(days=20),
        last_onsite_on=on,
        passed=True,
        **({"lead_auditor": lead} if lead else {}),
    )
    return CertificateFactory(audit=audit, certified_on=on, expires_on=add_years(on, 3))


def maintenance(certificate, year: int, *, starts_on: date, **kwargs):
    due = audit_deadlines(starts_on)
    return AuditFactory(
        employer=certificate.employer,
        audit_type=AuditType.MAINTENANCE,
        cycle_certificate=certificate,
        cycle_year=year,
        starts_on=starts_on,
        notice_due=due.notice_due,
        onsite_due=due.onsite_due,
        final_due=due.final_due,
        **kwargs,
    )


def cycle_url(employer) -> str:
    return reverse("audits:employer-cycle", args=[employer.pk])


# The employer's cycle -----------------------------------------------------------------------


@pytest.fixture
def cycle(employer_a, today):
    """Employer A certified two years ago: year 2 done, year 3 (this year) planned."""
    certificate = certified(employer_a, on=date(today.year - 2, 6, 15))
    done = maintenance(
        certificate,
        2,
        starts_on=date(today.year - 1, 5, 1),
        status=AuditStatus.APPROVED,
        last_onsite_on=date(today.year - 1, 5, 20),
    )
    planned = maintenance(certificate, 3, starts_on=today + timedelta(days=18))
    return {"certificate": certificate, "done": done, "planned": planned}


def test_staff_see_the_cycle_with_a_plan_link(staff_user, employer_a, cycle):
    response = client_for(staff_user).get(cycle_url(employer_a), **HTMX)
    assert response.status_code == 200
    assert next(t.name for t in response.templates) == "audits/_cycle.html"
    html = response.content.decode()
    assert "<html" not in html
    assert cycle["certificate"].number in html
    states = [row.state for row in response.context["cycle"].rows]
    assert states == ["done", "done", "planned", "upcoming"]
    assert f"{reverse('audits:plan')}?employer={employer_a.pk}" in html
    assert cycle["planned"].get_absolute_url() in html
    # The planned audit's notice is due in 4 days: an amber chip with the date.
    assert "Due in 4 days" in html
    assert cycle["planned"].notice_due.isoformat() in html


def test_the_employer_sees_its_own_cycle_without_the_plan_link(employer_a_user, employer_a, cycle):
    response = client_for(employer_a_user).get(cycle_url(employer_a), **HTMX)
    assert response.status_code == 200
    html = response.content.decode()
    assert cycle["certificate"].number in html
    assert reverse("audits:plan") not in html


def test_others_get_404_or_403(employer_b_user, auditor_user, board_user, employer_a, cycle):
    assert client_for(employer_b_user).get(cycle_url(employer_a)).status_code == 404
    assert client_for(auditor_user).get(cycle_url(employer_a)).status_code == 403
    assert client_for(board_user).get(cycle_url(employer_a)).status_code == 403


def test_without_htmx_the_fragment_is_a_whole_page(staff_user, employer_a, cycle):
    html = client_for(staff_user).get(cycle_url(employer_a)).content.decode()
    assert "<html" in html
    assert "COR cycle and audits" in html
    assert employer_a.get_absolute_url() in html


def test_a_missed_maintenance_year(staff_user, employer_a, today):
    certified(employer_a, on=date(today.year - 2, 6, 15))
    response = client_for(staff_user).get(cycle_url(employer_a), **HTMX)
    states = [row.state for row in response.context["cycle"].rows]
    assert states == ["done", "missed", "due", "upcoming"]
    assert "Missed" in response.content.decode()


def test_an_employer_without_a_certificate(staff_user, employer_a, today):
    audit = AuditFactory(employer=employer_a)
    html = client_for(staff_user).get(cycle_url(employer_a), **HTMX).content.decode()
    assert "No certificate yet" in html
    assert audit.get_absolute_url() in html


def test_the_cycle_makes_a_constant_number_of_queries(
    staff_user, employer_a, cycle, django_assert_max_num_queries
):
    client = client_for(staff_user)
    with django_assert_max_num_queries(10):
        client.get(cycle_url(employer_a), **HTMX)


def test_the_employer_page_and_the_portal_load_the_cycle(staff_user, employer_a_user, employer_a):
    placeholder = f'hx-get="{cycle_url(employer_a)}"'
    staff_page = client_for(staff_user).get(employer_a.get_absolute_url()).content.decode()
    assert placeholder in staff_page
    assert 'hx-trigger="load"' in staff_page
    assert f'href="{cycle_url(employer_a)}"' in staff_page  # the no-script link
    # The portal lists the audits itself: it asks for the cycle alone.
    portal = client_for(employer_a_user).get(reverse("homes:portal")).content.decode()
    assert f'hx-get="{cycle_url(employer_a)}?show=cycle"' in portal


def test_the_cycle_alone_leaves_out_the_audits(employer_a_user, employer_a, cycle):
    client = client_for(employer_a_user)
    response = client.get(cycle_url(employer_a), {"show": "cycle"}, **HTMX)
    html = response.content.decode()
    assert cycle["certificate"].number in html
    assert "rows" not in response.context
    assert "Next deadline" not in html


# An auditor's audits ------------------------------------------------------------------------


@pytest.fixture
def own(auditor_user):
    return AuditorFactory(user=auditor_user)


def audits_url(auditor) -> str:
    return reverse("audits:auditor-audits", args=[auditor.pk])


def test_the_auditor_sees_the_audits_they_lead_or_join(auditor_user, own, employer_a, today):
    led = AuditFactory(employer=employer_a, lead_auditor=own)
    joined = AuditFactory()
    joined.student_auditors.add(own)
    other = AuditFactory()
    response = client_for(auditor_user).get(audits_url(own), **HTMX)
    assert response.status_code == 200
    shown = [row.audit.pk for row in response.context["rows"]]
    assert set(shown) == {led.pk, joined.pk}
    assert other.pk not in shown
    html = response.content.decode()
    assert "Alpha Lodge Ltd." in html
    assert "student" in html
    assert led.notice_due.isoformat() in html


def test_staff_see_an_auditors_audits(staff_user, own, employer_a):
    AuditFactory(employer=employer_a, lead_auditor=own)
    response = client_for(staff_user).get(audits_url(own), **HTMX)
    assert len(response.context["rows"]) == 1


def test_another_auditor_gets_404_and_employers_403(other_auditor_user, employer_a_user, own):
    assert client_for(other_auditor_user).get(audits_url(own)).status_code == 404
    assert client_for(employer_a_user).get(audits_url(own)).status_code == 403


def test_an_auditor_without_audits(auditor_user, own):
    html = client_for(auditor_user).get(audits_url(own), **HTMX).content.decode()
    assert "No audits yet" in html


def test_the_auditor_page_loads_the_audits(staff_user, own):
    html = client_for(staff_user).get(own.get_absolute_url()).content.decode()
    assert f'hx-get="{audits_url(own)}"' in html


def test_the_auditors_audits_make_a_constant_number_of_queries(
    staff_user, own, django_assert_max_num_queries
):
    client = client_for(staff_user)
    for _ in range(15):
        AuditFactory(lead_auditor=own)
    with django_assert_max_num_queries(6):
        client.get(audits_url(own), **HTMX)
