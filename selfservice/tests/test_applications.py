"""The online application: validation, abuse protection, approval and rejection."""

import re

import pytest
from django.core import mail
from django.core.cache import cache
from django.urls import reverse

from employers.choices import EmployerStatus
from employers.models import Contact, Employer
from employers.tests.factories import ClassificationUnitFactory, ContactFactory, EmployerFactory
from selfservice import applications
from selfservice.models import Application, ApplicationState, Invitation

APPLY = "/apply/"


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def unit(db):
    return ClassificationUnitFactory(code="761001", aligned=True)


@pytest.fixture
def nao_unit(db):
    return ClassificationUnitFactory(code="732044", aligned=False)


def form_data(unit, **changes):
    data = {
        "legal_name": "Harbour Kayak Tours Ltd.",
        "trade_name": "Harbour Kayaks",
        "account_number": "7654321",
        "region": "vancouver_island",
        "sector": "adventure",
        "classification_units": [unit.pk],
        "employees": "12",
        "payroll_hours": "",
        "street": "1 Wharf St",
        "city": "Victoria",
        "postal_code": "V8W 1T1",
        "sites": "Sidney dock",
        "contact_first_name": "Robin",
        "contact_last_name": "Shore",
        "contact_title": "Owner",
        "contact_email": "robin@harbourkayaks.example",
        "contact_phone": "250-555-0101",
        "website": "",
    }
    data.update(changes)
    return data


def test_an_application_lands_in_the_review_queue(client, unit):
    response = client.post(APPLY, form_data(unit))
    assert response.status_code == 302
    assert response["Location"] == reverse("selfservice:apply-thanks")
    application = Application.objects.get()
    assert application.state == ApplicationState.SUBMITTED
    assert list(application.classification_units.all()) == [unit]
    assert application.duplicate_of is None
    assert "your application is in" in client.get(response["Location"]).text


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"account_number": "12AB567"}, "account_number", "no spaces or letters"),
        ({"account_number": "12"}, "account_number", "digits"),
        ({"account_number": ""}, "account_number", "This field is required"),
        ({"employees": ""}, "employees", "number of employees"),
        ({"classification_units": []}, "classification_units", "This field is required"),
        ({"contact_email": "not-an-email"}, "contact_email", "valid email"),
    ],
)
def test_validation_answers_field_errors(client, unit, changes, field, message):
    response = client.post(APPLY, form_data(unit, **changes))
    assert response.status_code == 200
    assert message in response.text
    assert field in response.context["form"].errors
    assert not Application.objects.exists()


def test_a_cu_outside_the_association_needs_worksafebc_approval(client, nao_unit):
    response = client.post(APPLY, form_data(nao_unit))
    assert response.status_code == 200
    assert "nao_approved_on" in response.context["form"].errors
    response = client.post(
        APPLY,
        form_data(nao_unit, nao_approved_on="2025-02-01", nao_reference="NAO-2025-17"),
    )
    assert response.status_code == 302
    assert Application.objects.get().nao_reference == "NAO-2025-17"


def test_a_duplicate_account_is_flagged_to_staff_not_the_applicant(client, unit, staff_user):
    existing = EmployerFactory(account_number="7654321")
    response = client.post(APPLY, form_data(unit))
    assert response.status_code == 302
    application = Application.objects.get()
    assert application.duplicate_of == existing
    client.force_login(staff_user)
    assert "already recorded" in client.get(application.get_absolute_url()).text


def test_the_honeypot_records_nothing(client, unit):
    response = client.post(APPLY, form_data(unit, website="http://spam.example"))
    assert response.status_code == 302
    assert not Application.objects.exists()


def test_rate_limit_per_address(client, unit, settings):
    settings.APPLICATIONS_PER_HOUR = 5
    for n in range(5):
        response = client.post(APPLY, form_data(unit, account_number=f"765432{n}"))
        assert response.status_code == 302
    response = client.post(APPLY, form_data(unit, account_number="7654329"))
    assert response.status_code == 429
    assert Application.objects.count() == 5
    other = client.post(APPLY, form_data(unit, account_number="7654328"), REMOTE_ADDR="10.0.0.9")
    assert other.status_code == 302


def submit(unit, **changes) -> Application:
    data = form_data(unit, **changes)
    fields = {k: data[k] for k in applications.APPLICATION_FIELDS if k in data}
    fields["employees"] = int(fields["employees"]) if fields["employees"] else None
    fields["payroll_hours"] = None
    fields.setdefault("nao_approved_on", None)
    return applications.submit_application(classification_units=[unit], **fields)


def test_approving_registers_a_new_employer_and_invites_the_contact(
    client, unit, staff_user, django_capture_on_commit_callbacks
):
    application = submit(unit)
    client.force_login(staff_user)
    assert (
        client.get(reverse("selfservice:application-approve", args=[application.pk])).status_code
        == 200
    )
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("selfservice:application-approve", args=[application.pk]), {"reason": ""}
        )
    assert response.status_code == 302
    application.refresh_from_db()
    employer = application.employer
    assert application.state == ApplicationState.APPROVED
    assert application.decided_by == staff_user
    assert employer.status == EmployerStatus.REGISTERED
    assert employer.account_number == "7654321"
    assert employer.size_class == "small"
    assert employer.registrations.count() == 1
    assert employer.gap_analyses.count() == 1
    changes = list(employer.status_changes.values_list("from_status", "to_status"))
    assert changes == [("enquiry", "registered")]
    contact = employer.contacts.get()
    assert contact.is_primary
    assert contact.email == "robin@harbourkayaks.example"
    assert Invitation.objects.get().contact == contact
    assert mail.outbox[-1].to == ["robin@harbourkayaks.example"]
    assert re.search(r"/accounts/invitation/\S+/", mail.outbox[-1].body)
    # Decided once only.
    again = client.post(
        reverse("selfservice:application-approve", args=[application.pk]), {"reason": ""}
    )
    assert "decided already" in again.text


def test_approving_an_existing_enquiry_registers_it(unit, staff_user):
    existing = EmployerFactory(account_number="7654321", status=EmployerStatus.ENQUIRY)
    ContactFactory(employer=existing, is_primary=True, email="first@x.example")
    application = submit(unit)
    applications.approve_application(application=application, actor=staff_user)
    existing.refresh_from_db()
    assert existing.status == EmployerStatus.REGISTERED
    assert Employer.objects.count() == 1
    assert existing.legal_name != "Harbour Kayak Tours Ltd."  # staff keep their record
    added = existing.contacts.get(email="robin@harbourkayaks.example")
    assert not added.is_primary


def test_approving_a_certified_employer_keeps_its_status(unit, staff_user):
    existing = EmployerFactory(account_number="7654321", status=EmployerStatus.CERTIFIED)
    application = submit(unit)
    applications.approve_application(application=application, actor=staff_user)
    existing.refresh_from_db()
    assert existing.status == EmployerStatus.CERTIFIED
    assert not existing.status_changes.exists()
    assert Contact.objects.filter(employer=existing, email="robin@harbourkayaks.example").exists()


def test_rejecting_records_the_reason_and_emails_the_applicant(
    client, unit, staff_user, django_capture_on_commit_callbacks
):
    application = submit(unit)
    client.force_login(staff_user)
    url = reverse("selfservice:application-reject", args=[application.pk])
    response = client.post(url, {"reason": ""})
    assert response.status_code == 200
    assert "Give the reason" in response.text
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, {"reason": "Your account number is not a BC employer's."})
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.state == ApplicationState.REJECTED
    assert application.decision_reason == "Your account number is not a BC employer's."
    assert not Employer.objects.exists()
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["robin@harbourkayaks.example"]
    assert "not a BC employer" in mail.outbox[0].body
    assert mail.outbox[0].body.startswith("Hello Robin,")


@pytest.mark.parametrize("size", [3, 30])
def test_the_queue_has_constant_queries(
    client, unit, staff_user, size, django_assert_max_num_queries
):
    EmployerFactory(account_number="7650000")
    for n in range(size):
        submit(unit, account_number=f"765{n:04d}")
    client.force_login(staff_user)
    with django_assert_max_num_queries(12):
        response = client.get(reverse("selfservice:application-list"))
    assert response.status_code == 200
    rows = re.findall(r'href="/employers/applications/\d+/"', response.text)
    assert len(rows) == min(size, 25)
