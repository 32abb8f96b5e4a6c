"""Forms of the employer registry, and how the pages show their errors and the services'."""

import pytest
from django.urls import reverse

from employers.choices import EmployerStatus, Region, Sector
from employers.forms import ContactForm, EmployerForm, TransitionForm
from employers.models import Employer
from employers.tests.factories import ContactFactory, EmployerFactory

pytestmark = pytest.mark.django_db


def employer_data(units, **overrides):
    data = {
        "legal_name": "Cedar Lodge Ltd.",
        "trade_name": "Cedar Lodge",
        "account_number": "1234567",
        "region": Region.KOOTENAY_ROCKIES,
        "sector": Sector.ACCOMMODATION,
        "employees": "12",
        "classification_units": [unit.pk for unit in units],
    }
    data.update(overrides)
    return data


def test_employer_form_with_good_data_is_valid(aligned_cu):
    form = EmployerForm(data=employer_data([aligned_cu]))

    assert form.is_valid(), form.errors
    fields = form.service_fields()
    assert fields["classification_units"] == [aligned_cu]
    assert fields["account_number"] == "1234567"


@pytest.mark.parametrize("number", ["12A4567", "123-456", "abcdefg"])
def test_employer_form_refuses_an_account_number_with_letters_or_signs(aligned_cu, number):
    form = EmployerForm(data=employer_data([aligned_cu], account_number=number))

    assert not form.is_valid()
    assert form.errors["account_number"] == ["Use digits only."]


def test_employer_form_refuses_a_duplicate_account_number(aligned_cu):
    EmployerFactory(account_number="1234567")

    form = EmployerForm(data=employer_data([aligned_cu]))

    assert not form.is_valid()
    assert form.errors["account_number"] == ["Another employer already has this account number."]


def test_employer_form_editing_keeps_its_own_account_number(aligned_cu):
    employer = EmployerFactory(account_number="1234567")

    form = EmployerForm(data=employer_data([aligned_cu]), instance=employer)

    assert form.is_valid(), form.errors


def test_employer_form_needs_a_classification_unit(aligned_cu):
    form = EmployerForm(data=employer_data([aligned_cu], classification_units=[]))

    assert not form.is_valid()
    assert "classification_units" in form.errors


def test_employer_form_refuses_negative_payroll_hours(aligned_cu):
    form = EmployerForm(data=employer_data([aligned_cu], payroll_hours="-1"))

    assert not form.is_valid()
    assert "payroll_hours" in form.errors


def test_employer_form_marks_nao_units(aligned_cu, nao_cu):
    form = EmployerForm()

    labels = [label for _value, label in form.fields["classification_units"].choices]
    assert "761001 Hotel" in labels
    assert "732044 Ski school (NAO)" in labels


def test_transition_form_needs_a_reason_and_a_date(today):
    form = TransitionForm(data={"on": "", "reason": ""}, submit="Register")

    assert not form.is_valid()
    assert set(form.errors) == {"on", "reason"}
    assert TransitionForm(submit="Register").initial["on"] == today


def test_contact_form_does_not_refuse_a_second_primary(employer_a):
    ContactFactory(employer=employer_a, is_primary=True)
    contact = ContactFactory.build(employer=employer_a)

    form = ContactForm(
        data={
            "first_name": "Ana",
            "last_name": "Reyes",
            "email": "ana@example.org",
            "is_primary": "on",
        },
        instance=contact,
    )

    assert form.is_valid(), form.errors


# The create page: the form's errors and the service's, beside the field ---------------------


def post_create(client, data):
    return client.post(reverse("employers:create"), data)


def test_create_page_shows_a_five_digit_account_number_error_beside_the_field(
    client, staff_user, aligned_cu
):
    client.force_login(staff_user)

    response = post_create(client, employer_data([aligned_cu], account_number="12345"))

    assert response.status_code == 200
    form = response.context["form"]
    assert form.errors["account_number"] == [
        "A WorkSafeBC account number is 6 to 10 digits, with no spaces or letters."
    ]
    assert not form.non_field_errors()
    html = response.content.decode()
    assert "Please correct the errors below." in html
    assert 'id="error_1_id_account_number"' in html or "is-invalid" in html
    assert not Employer.objects.exists()


def test_create_page_keeps_what_was_typed(client, staff_user, aligned_cu):
    client.force_login(staff_user)

    response = post_create(
        client, employer_data([aligned_cu], account_number="12345", legal_name="Typed Name Ltd.")
    )

    html = response.content.decode()
    assert 'value="Typed Name Ltd."' in html
    assert 'value="12345"' in html
    assert 'value="12"' in html  # employees
    assert f'value="{aligned_cu.pk}"' in html
    assert "checked" in html


def test_create_page_shows_a_duplicate_account_error_beside_the_field(
    client, staff_user, aligned_cu
):
    EmployerFactory(account_number="1234567")
    client.force_login(staff_user)

    response = post_create(client, employer_data([aligned_cu]))

    assert response.status_code == 200
    assert response.context["form"].errors["account_number"] == [
        "Another employer already has this account number."
    ]


def test_create_page_shows_a_missing_nao_date_beside_the_field(client, staff_user, nao_cu):
    client.force_login(staff_user)

    response = post_create(client, employer_data([nao_cu], nao_reference="WSBC-1"))

    assert response.status_code == 200
    assert "nao_approved_on" in response.context["form"].errors


def test_edit_page_shows_a_service_error_beside_the_field(client, staff_user, aligned_cu):
    employer = EmployerFactory(account_number="7654321", classification_units=[aligned_cu])
    client.force_login(staff_user)

    response = client.post(
        reverse("employers:update", args=[employer.pk]),
        employer_data([aligned_cu], account_number="12345678901"),
    )

    assert response.status_code == 200
    assert "6 to 10 digits" in response.context["form"].errors["account_number"][0]
    employer.refresh_from_db()
    assert employer.account_number == "7654321"
    assert employer.status == EmployerStatus.ENQUIRY
