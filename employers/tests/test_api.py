"""The employer registry's API: scoped like the pages, changes through services, 400 not 500."""

from datetime import timedelta

import pytest
from rest_framework.test import APIClient

from cor_portal.accounts.tests.factories import UserFactory
from employers.choices import EmployerStatus, Region, Sector
from employers.models import Contact, Employer, EmployerStatusChange, GapAnalysis, Registration
from employers.tests.factories import (
    ClassificationUnitFactory,
    ContactFactory,
    EmployerFactory,
    GapAnalysisFactory,
    InteractionFactory,
)

pytestmark = pytest.mark.django_db

API = "/api/v1"


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def staff_api(api, staff_user):
    api.force_authenticate(staff_user)
    return api


@pytest.fixture
def employer_a_api(employer_a_user):
    client = APIClient()
    client.force_authenticate(employer_a_user)
    return client


def employer_payload(**overrides):
    data = {
        "legal_name": "Cedar Lodge Ltd.",
        "account_number": "1234567",
        "region": Region.KOOTENAY_ROCKIES,
        "sector": Sector.ACCOMMODATION,
        "employees": 20,
        "classification_units": ["761001"],
    }
    data.update(overrides)
    return data


def ids(response) -> list[int]:
    return [item["id"] for item in response.json()["results"]]


# Anonymous and roles ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path", ["employers/", "contacts/", "classification-units/", "interactions/", "gap-analyses/"]
)
def test_anonymous_gets_401(api, path):
    response = api.get(f"{API}/{path}")

    assert response.status_code == 401
    assert response.json() == {"detail": "Authentication credentials were not provided."}
    assert response["WWW-Authenticate"].startswith("Token")


def test_anonymous_cannot_create(api, aligned_cu):
    assert api.post(f"{API}/employers/", employer_payload(), format="json").status_code == 401
    assert not Employer.objects.exists()


@pytest.mark.parametrize("role_user", ["auditor_user", "board_user"])
@pytest.mark.parametrize("path", ["employers/", "contacts/", "interactions/", "gap-analyses/"])
def test_other_roles_get_403(api, request, role_user, path):
    api.force_authenticate(request.getfixturevalue(role_user))

    assert api.get(f"{API}/{path}").status_code == 403


# Scoping ------------------------------------------------------------------------------------


def test_employer_user_lists_exactly_its_own_employer(employer_a_api, employer_a, employer_b):
    EmployerFactory.create_batch(3)

    response = employer_a_api.get(f"{API}/employers/")

    assert response.status_code == 200
    assert response.json()["count"] == 1
    assert ids(response) == [employer_a.pk]


def test_employer_user_reads_its_own_employer(employer_a_api, employer_a):
    response = employer_a_api.get(f"{API}/employers/{employer_a.pk}/")

    assert response.status_code == 200
    assert response.json()["legal_name"] == "Alpha Lodge Ltd."


def test_employer_user_on_another_employer_gets_404_like_a_missing_one(employer_a_api, employer_b):
    other = employer_a_api.get(f"{API}/employers/{employer_b.pk}/")
    missing = employer_a_api.get(f"{API}/employers/999999/")

    assert other.status_code == missing.status_code == 404
    assert other.json() == missing.json() == {"detail": "Not found."}


def test_employer_user_cannot_change_its_employer(employer_a_api, employer_a):
    response = employer_a_api.patch(
        f"{API}/employers/{employer_a.pk}/", {"legal_name": "Mine"}, format="json"
    )

    assert response.status_code == 403
    assert Employer.objects.get(pk=employer_a.pk).legal_name == "Alpha Lodge Ltd."


def test_employer_user_cannot_create_an_employer(employer_a_api, aligned_cu):
    response = employer_a_api.post(f"{API}/employers/", employer_payload(), format="json")

    assert response.status_code == 403


def test_employer_user_gets_403_on_interactions(employer_a_api, employer_a):
    interaction = InteractionFactory(employer=employer_a)

    assert employer_a_api.get(f"{API}/interactions/").status_code == 403
    assert employer_a_api.get(f"{API}/interactions/{interaction.pk}/").status_code == 403


def test_employer_user_lists_only_its_own_contacts(
    employer_a_api, employer_a, employer_a_user, employer_b
):
    ContactFactory(employer=employer_b)

    response = employer_a_api.get(f"{API}/contacts/")

    assert ids(response) == [employer_a_user.employer_contact.pk]


def test_employer_user_adds_a_contact_to_its_own_employer(employer_a_api, employer_a):
    response = employer_a_api.post(
        f"{API}/contacts/",
        {
            "employer": employer_a.pk,
            "first_name": "Ana",
            "last_name": "Reyes",
            "email": "ana@example.org",
        },
        format="json",
    )

    assert response.status_code == 201
    assert Contact.objects.filter(employer=employer_a, email="ana@example.org").exists()


def test_employer_user_cannot_add_a_contact_to_another_employer(employer_a_api, employer_b):
    response = employer_a_api.post(
        f"{API}/contacts/",
        {"employer": employer_b.pk, "first_name": "X", "last_name": "Y", "email": "x@example.org"},
        format="json",
    )

    assert response.status_code == 400
    assert "employer" in response.json()["errors"]
    assert not Contact.objects.filter(employer=employer_b).exists()


def test_employer_user_editing_another_employers_contact_gets_404(employer_a_api, employer_b):
    theirs = ContactFactory(employer=employer_b, first_name="Theirs")

    response = employer_a_api.patch(
        f"{API}/contacts/{theirs.pk}/", {"first_name": "Hacked"}, format="json"
    )

    assert response.status_code == 404
    assert Contact.objects.get(pk=theirs.pk).first_name == "Theirs"


def test_employer_user_edits_its_own_contact(employer_a_api, employer_a_user):
    contact = employer_a_user.employer_contact

    response = employer_a_api.patch(
        f"{API}/contacts/{contact.pk}/", {"phone": "250-555-0100"}, format="json"
    )

    assert response.status_code == 200
    assert Contact.objects.get(pk=contact.pk).phone == "250-555-0100"


def test_contact_cannot_be_moved_to_another_employer(staff_api, employer_a, employer_b):
    contact = ContactFactory(employer=employer_a)

    staff_api.patch(f"{API}/contacts/{contact.pk}/", {"employer": employer_b.pk}, format="json")

    assert Contact.objects.get(pk=contact.pk).employer == employer_a


def test_removing_yourself_through_the_api_is_a_400(employer_a_api, employer_a_user):
    contact = employer_a_user.employer_contact

    response = employer_a_api.delete(f"{API}/contacts/{contact.pk}/")

    assert response.status_code == 400
    assert response.json()["errors"]["non_field_errors"] == [
        "You cannot remove your own contact record."
    ]


def test_employer_user_reads_only_its_own_gap_analyses(employer_a_api, employer_a, employer_b):
    mine = GapAnalysisFactory(employer=employer_a)
    theirs = GapAnalysisFactory(employer=employer_b)

    response = employer_a_api.get(f"{API}/gap-analyses/")

    assert ids(response) == [mine.pk]
    assert employer_a_api.get(f"{API}/gap-analyses/{theirs.pk}/").status_code == 404


def test_employer_user_cannot_record_a_gap_analysis(employer_a_api, employer_a, today):
    response = employer_a_api.post(
        f"{API}/gap-analyses/",
        {"employer": employer_a.pk, "offered_on": today.isoformat()},
        format="json",
    )

    assert response.status_code == 403
    assert not GapAnalysis.objects.exists()


def test_employer_user_reads_classification_units(employer_a_api, aligned_cu):
    response = employer_a_api.get(f"{API}/classification-units/")

    assert response.status_code == 200
    assert "761001" in [item["code"] for item in response.json()["results"]]
    assert employer_a_api.delete(f"{API}/classification-units/{aligned_cu.pk}/").status_code == 403


# Create and update through the service ------------------------------------------------------


def test_staff_creates_an_enquiry_through_the_service(staff_api, staff_user, aligned_cu, today):
    response = staff_api.post(f"{API}/employers/", employer_payload(), format="json")

    assert response.status_code == 201
    body = response.json()
    assert body["status"] == "enquiry"
    assert body["size_class"] == "large"
    assert body["classification_units"] == ["761001"]
    assert body["status_changed_on"] == today.isoformat()
    employer = Employer.objects.get(pk=body["id"])
    assert employer.history.first().history_user == staff_user


def test_status_and_size_class_sent_on_create_are_ignored(staff_api, aligned_cu):
    response = staff_api.post(
        f"{API}/employers/",
        employer_payload(status="certified", size_class="small", employees=19),
        format="json",
    )

    assert response.status_code == 201
    assert (response.json()["status"], response.json()["size_class"]) == ("enquiry", "small")


@pytest.mark.parametrize("number", ["12345", "12345678901", "12a4567"])
def test_bad_account_number_is_a_400_on_the_field(staff_api, aligned_cu, number):
    response = staff_api.post(
        f"{API}/employers/", employer_payload(account_number=number), format="json"
    )

    assert response.status_code == 400
    body = response.json()
    assert set(body) == {"detail", "errors"}
    assert body["detail"] == "The request has errors; see each field."
    assert list(body["errors"]) == ["account_number"]
    assert "6 to 10 digits" in body["errors"]["account_number"][0]
    assert not Employer.objects.exists()


def test_duplicate_account_number_is_a_400_on_the_field(staff_api, aligned_cu):
    EmployerFactory(account_number="1234567")

    response = staff_api.post(f"{API}/employers/", employer_payload(), format="json")

    assert response.status_code == 400
    assert response.json()["errors"] == {
        "account_number": ["Another employer already has this account number."]
    }


def test_missing_fields_are_a_400_listing_each(staff_api):
    response = staff_api.post(f"{API}/employers/", {}, format="json")

    assert response.status_code == 400
    assert {"legal_name", "account_number", "region", "sector", "classification_units"} <= set(
        response.json()["errors"]
    )


def test_empty_unit_list_is_a_400(staff_api):
    response = staff_api.post(
        f"{API}/employers/", employer_payload(classification_units=[]), format="json"
    )

    assert response.status_code == 400
    assert "classification_units" in response.json()["errors"]


def test_unknown_unit_code_is_a_400(staff_api):
    response = staff_api.post(
        f"{API}/employers/", employer_payload(classification_units=["999999"]), format="json"
    )

    assert response.status_code == 400
    assert "classification_units" in response.json()["errors"]


def test_nao_reference_without_date_is_a_400_on_the_date(staff_api, aligned_cu):
    response = staff_api.post(
        f"{API}/employers/", employer_payload(nao_reference="WSBC-1"), format="json"
    )

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["nao_approved_on"]


@pytest.mark.parametrize(
    "body",
    ['{"legal_name": "Cedar', "not json at all", "[1, 2", '{"a": 1,}'],
)
def test_malformed_json_is_a_400_never_a_500(staff_api, body):
    response = staff_api.post(f"{API}/employers/", body, content_type="application/json")

    assert response.status_code == 400
    assert "JSON parse error" in response.json()["detail"]


def test_json_list_instead_of_object_is_a_400(staff_api):
    response = staff_api.post(f"{API}/employers/", "[1, 2]", content_type="application/json")

    assert response.status_code == 400
    assert "errors" in response.json()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("employees", "many"),
        ("employees", -1),
        ("payroll_hours", "lots"),
        ("payroll_hours", -5),
        ("payroll_hours", "12345678901234"),  # beyond the column's 12 digits
        ("employees", 2**31),  # beyond the column's integer range
        ("account_number", "1" * 25),
        ("region", "atlantis"),
        ("nao_approved_on", "31/12/2024"),
        ("classification_units", "761001"),
        ("legal_name", ""),
        ("legal_name", "x" * 300),
    ],
)
def test_wrong_typed_fields_are_a_400_on_the_field(staff_api, aligned_cu, field, value):
    response = staff_api.post(
        f"{API}/employers/", employer_payload(**{field: value}), format="json"
    )

    assert response.status_code == 400
    assert field in response.json()["errors"]


def test_staff_updates_an_employer_and_the_size_is_reassessed(staff_api, aligned_cu):
    employer = EmployerFactory(employees=25, size_class="large", classification_units=[aligned_cu])

    response = staff_api.patch(f"{API}/employers/{employer.pk}/", {"employees": 19}, format="json")

    assert response.status_code == 200
    assert response.json()["size_class"] == "small"
    assert Employer.objects.get(pk=employer.pk).size_class == "small"


def test_update_to_a_duplicate_account_is_a_400(staff_api, aligned_cu):
    EmployerFactory(account_number="7654321")
    employer = EmployerFactory(account_number="1234567", classification_units=[aligned_cu])

    response = staff_api.patch(
        f"{API}/employers/{employer.pk}/", {"account_number": "7654321"}, format="json"
    )

    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["account_number"]


def test_status_cannot_be_patched(staff_api):
    employer = EmployerFactory()

    response = staff_api.patch(
        f"{API}/employers/{employer.pk}/", {"status": "certified"}, format="json"
    )

    assert response.status_code == 200
    assert Employer.objects.get(pk=employer.pk).status == EmployerStatus.ENQUIRY


# Lifecycle ----------------------------------------------------------------------------------


def test_transition_registers_the_employer(staff_api, staff_user, aligned_cu, today):
    employer = EmployerFactory(classification_units=[aligned_cu])

    response = staff_api.post(
        f"{API}/employers/{employer.pk}/transition/",
        {"action": "register", "reason": "Signed the form"},
        format="json",
    )

    assert response.status_code == 200
    assert response.json()["status"] == "registered"
    change = EmployerStatusChange.objects.get(employer=employer)
    assert (change.actor, change.reason, change.changed_on) == (
        staff_user,
        "Signed the form",
        today,
    )
    assert Registration.objects.filter(employer=employer).count() == 1
    assert GapAnalysis.objects.filter(employer=employer).count() == 1


def test_transition_with_a_program_records_it(staff_api, aligned_cu):
    employer = EmployerFactory(classification_units=[aligned_cu])

    response = staff_api.post(
        f"{API}/employers/{employer.pk}/transition/",
        {"action": "register", "reason": "x", "program": "rtw"},
        format="json",
    )

    assert response.status_code == 200
    assert Registration.objects.get(employer=employer).program == "rtw"


def test_disallowed_transition_is_a_400(staff_api):
    employer = EmployerFactory()

    response = staff_api.post(
        f"{API}/employers/{employer.pk}/transition/",
        {"action": "certify", "reason": "Trying"},
        format="json",
    )

    assert response.status_code == 400
    assert "cannot be moved this way" in response.json()["errors"]["non_field_errors"][0]
    assert Employer.objects.get(pk=employer.pk).status == EmployerStatus.ENQUIRY


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"action": "explode", "reason": "x"}, "action"),
        ({"action": "withdraw"}, "reason"),
        ({"action": "withdraw", "reason": ""}, "reason"),
        ({"action": "withdraw", "reason": "x", "on": "yesterday"}, "on"),
    ],
)
def test_bad_transition_request_is_a_400_on_the_field(staff_api, body, field):
    employer = EmployerFactory()

    response = staff_api.post(f"{API}/employers/{employer.pk}/transition/", body, format="json")

    assert response.status_code == 400
    assert field in response.json()["errors"]


def test_future_dated_transition_is_a_400_on_the_date(staff_api, tomorrow):
    employer = EmployerFactory()

    response = staff_api.post(
        f"{API}/employers/{employer.pk}/transition/",
        {"action": "withdraw", "reason": "x", "on": tomorrow.isoformat()},
        format="json",
    )

    assert response.status_code == 400
    assert response.json()["errors"] == {"on": ["The date cannot be in the future."]}


def test_nao_registration_without_approval_is_a_400(staff_api, nao_cu):
    employer = EmployerFactory(classification_units=[nao_cu])

    response = staff_api.post(
        f"{API}/employers/{employer.pk}/transition/",
        {"action": "register", "reason": "x"},
        format="json",
    )

    assert response.status_code == 400
    assert "naturally aligned" in response.json()["errors"]["non_field_errors"][0]


def test_employer_user_cannot_move_its_own_status(employer_a_api, employer_a):
    response = employer_a_api.post(
        f"{API}/employers/{employer_a.pk}/transition/",
        {"action": "withdraw", "reason": "x"},
        format="json",
    )

    assert response.status_code == 403
    assert Employer.objects.get(pk=employer_a.pk).status == EmployerStatus.ENQUIRY


def test_employer_user_moving_another_employer_gets_404(employer_a_api, employer_b):
    response = employer_a_api.post(
        f"{API}/employers/{employer_b.pk}/transition/",
        {"action": "withdraw", "reason": "x"},
        format="json",
    )

    assert response.status_code == 404
    assert Employer.objects.get(pk=employer_b.pk).status == EmployerStatus.ENQUIRY


# Interactions and gap analyses --------------------------------------------------------------


def test_staff_logs_an_interaction(staff_api, staff_user, employer_a, today):
    response = staff_api.post(
        f"{API}/interactions/",
        {
            "employer": employer_a.pk,
            "kind": "biosphere",
            "source": "biosphere",
            "occurred_on": today.isoformat(),
            "summary": "Biosphere check-in",
        },
        format="json",
    )

    assert response.status_code == 201
    assert response.json()["staff_member"] == str(staff_user)


def test_interaction_with_follow_up_before_it_is_a_400(staff_api, employer_a, today):
    response = staff_api.post(
        f"{API}/interactions/",
        {
            "employer": employer_a.pk,
            "kind": "enquiry",
            "source": "phone",
            "occurred_on": today.isoformat(),
            "summary": "Call",
            "follow_up_due": (today - timedelta(days=1)).isoformat(),
        },
        format="json",
    )

    assert response.status_code == 400


def test_interactions_cannot_be_deleted(staff_api, employer_a):
    interaction = InteractionFactory(employer=employer_a)

    assert staff_api.delete(f"{API}/interactions/{interaction.pk}/").status_code == 405


def test_gap_analysis_lists_its_stage_and_report_link(staff_api, employer_a, today):
    GapAnalysisFactory(employer=employer_a, offered_on=today, requested_on=today)

    response = staff_api.get(f"{API}/gap-analyses/")

    item = response.json()["results"][0]
    assert (item["stage"], item["report_url"]) == ("requested", None)


# Token authentication -----------------------------------------------------------------------


def test_token_from_username_and_password_authenticates(api, employer_a, employer_a_user):
    response = api.post(
        f"{API}/auth/token/",
        {"username": "contact-a", "password": "password"},
        format="json",
    )

    assert response.status_code == 200
    token = response.json()["token"]
    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    listed = api.get(f"{API}/employers/")
    assert listed.status_code == 200
    assert ids(listed) == [employer_a.pk]


def test_token_with_a_wrong_password_is_a_400(api, staff_user):
    response = api.post(
        f"{API}/auth/token/", {"username": "staff-member", "password": "wrong"}, format="json"
    )

    assert response.status_code == 400
    assert "token" not in response.json()


def test_bad_token_is_a_401(api, staff_user):
    api.credentials(HTTP_AUTHORIZATION="Token not-a-real-token")

    assert api.get(f"{API}/employers/").status_code == 401


def test_deactivated_user_token_stops_working(api):
    user = UserFactory(username="leaving-staff")
    token = api.post(
        f"{API}/auth/token/", {"username": "leaving-staff", "password": "password"}, format="json"
    ).json()["token"]
    user.is_active = False
    user.save()

    api.credentials(HTTP_AUTHORIZATION=f"Token {token}")

    assert api.get(f"{API}/employers/").status_code == 401


def test_staff_searches_and_filters_the_api_list(staff_api):
    hotel = ClassificationUnitFactory(code="761001")
    cedar = EmployerFactory(legal_name="Cedar Lodge Ltd.", classification_units=[hotel])
    EmployerFactory(legal_name="Peak Resorts Inc.", status=EmployerStatus.REGISTERED)

    assert ids(staff_api.get(f"{API}/employers/", {"search": "cedar"})) == [cedar.pk]
    assert ids(staff_api.get(f"{API}/employers/", {"q": "761001"})) == [cedar.pk]
    assert ids(staff_api.get(f"{API}/employers/", {"status": "enquiry"})) == [cedar.pk]
