"""The auditor register's API: scoped like the pages, changes through services, 400 not 500."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from rest_framework.test import APIClient

from auditors import services
from auditors.choices import AuditorKind, AuditorStatus
from auditors.models import (
    EAQA,
    AnnualDeclaration,
    Auditor,
    AuditorArea,
    AuditorSector,
    ConsultingEngagement,
    CourseCompletion,
    CPDActivity,
    Enrolment,
    TrainingSession,
)
from auditors.tests.factories import (
    AuditorFactory,
    ConsultingEngagementFactory,
    CourseFactory,
    CPDActivityFactory,
    EAQAFactory,
    EnrolmentFactory,
    TrainingSessionFactory,
    declared,
)
from cor_portal.accounts.choices import Role
from cor_portal.accounts.models import User
from cor_portal.accounts.tests.factories import UserFactory
from employers.choices import Region, Sector

pytestmark = pytest.mark.django_db

API = "/api/v1"
DIRECTORY_FIELDS = {"id", "name", "company", "city", "regions", "sectors", "phone", "email"}
PDF = b"%PDF-1.4\n% evidence\n"


def client_for(user) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def staff_api(staff_user):
    return client_for(staff_user)


@pytest.fixture
def auditor(auditor_user):
    """Return the ``auditor_user``'s own record: certified, external."""
    return AuditorFactory(user=auditor_user)


@pytest.fixture
def other_auditor(other_auditor_user):
    return AuditorFactory(user=other_auditor_user)


@pytest.fixture
def auditor_api(auditor_user, auditor):
    return client_for(auditor_user)


def ids(response) -> list[int]:
    return [item["id"] for item in response.json()["results"]]


def listed(*, region=Region.VANCOUVER_ISLAND, sector=Sector.ACCOMMODATION, **kwargs) -> Auditor:
    """Return a certified external auditor listed in the directory, serving a region/sector."""
    kwargs.setdefault("company", "Summit Safety Ltd.")
    kwargs.setdefault("city", "Nanaimo")
    auditor = AuditorFactory(**kwargs)
    AuditorArea.objects.create(auditor=auditor, region=region)
    AuditorSector.objects.create(auditor=auditor, sector=sector)
    return auditor


# Anonymous and roles ------------------------------------------------------------------------

ALL_PATHS = [
    "auditors/",
    "auditor-directory/",
    "training-sessions/",
    "enrolments/",
    "cpd-activities/",
    "declarations/",
    "consulting-engagements/",
    "eaqas/",
]
AUDITOR_PATHS = ["auditors/", "cpd-activities/", "declarations/", "consulting-engagements/"]
STAFF_ONLY_PATHS = ["training-sessions/", "enrolments/", "eaqas/"]


@pytest.mark.parametrize("path", ALL_PATHS)
def test_anonymous_gets_401(path):
    response = client_for(None).get(f"{API}/{path}")

    assert response.status_code == 401
    assert response.json() == {"detail": "Authentication credentials were not provided."}


@pytest.mark.parametrize("path", ALL_PATHS)
def test_staff_may_read_every_list(staff_api, path):
    assert staff_api.get(f"{API}/{path}").status_code == 200


@pytest.mark.parametrize("role_user", ["employer_a_user", "board_user"])
@pytest.mark.parametrize("path", AUDITOR_PATHS + STAFF_ONLY_PATHS)
def test_employers_and_board_get_403_outside_the_directory(request, role_user, path):
    client = client_for(request.getfixturevalue(role_user))

    response = client.get(f"{API}/{path}")

    assert response.status_code == 403
    assert set(response.json()) == {"detail"}


@pytest.mark.parametrize("path", [*STAFF_ONLY_PATHS, "auditor-directory/"])
def test_auditor_gets_403_on_staff_and_employer_endpoints(auditor_api, path):
    assert auditor_api.get(f"{API}/{path}").status_code == 403


def test_board_gets_403_on_the_directory(board_user):
    assert client_for(board_user).get(f"{API}/auditor-directory/").status_code == 403


# Auditors: scoping --------------------------------------------------------------------------


def test_auditor_lists_exactly_themself(auditor_api, auditor, other_auditor):
    AuditorFactory.create_batch(2)

    response = auditor_api.get(f"{API}/auditors/")

    assert response.status_code == 200
    assert ids(response) == [auditor.pk]


def test_auditor_reading_another_auditor_gets_404_like_a_missing_one(auditor_api, other_auditor):
    theirs = auditor_api.get(f"{API}/auditors/{other_auditor.pk}/")
    missing = auditor_api.get(f"{API}/auditors/999999/")

    assert theirs.status_code == missing.status_code == 404
    assert theirs.json() == missing.json() == {"detail": "Not found."}


def test_auditor_reads_their_record_without_staff_notes(auditor_api, auditor):
    Auditor.objects.filter(pk=auditor.pk).update(notes="Slow to file reports")

    body = auditor_api.get(f"{API}/auditors/{auditor.pk}/").json()

    assert body["id"] == auditor.pk
    assert body["status"] == "certified"
    assert "notes" not in body
    assert "Slow to file" not in str(body)


def test_staff_see_the_notes(staff_api, auditor):
    Auditor.objects.filter(pk=auditor.pk).update(notes="Slow to file reports")

    assert staff_api.get(f"{API}/auditors/{auditor.pk}/").json()["notes"] == "Slow to file reports"


def test_auditor_cannot_change_their_own_record(auditor_api, auditor):
    response = auditor_api.patch(f"{API}/auditors/{auditor.pk}/", {"city": "Mine"})

    assert response.status_code == 403
    assert Auditor.objects.get(pk=auditor.pk).city == ""


def test_auditor_cannot_add_an_auditor(auditor_api):
    response = auditor_api.post(f"{API}/auditors/", {"username": "x"})

    assert response.status_code == 403


def test_staff_filter_the_list_by_kind_and_region(staff_api, employer_a):
    serving = listed(region=Region.NORTHERN_BC)
    listed(region=Region.VANCOUVER_ISLAND)
    AuditorFactory(kind=AuditorKind.INTERNAL, employer=employer_a)

    assert ids(staff_api.get(f"{API}/auditors/", {"region": "northern_bc"})) == [serving.pk]
    assert len(ids(staff_api.get(f"{API}/auditors/", {"kind": "internal"}))) == 1
    assert staff_api.get(f"{API}/auditors/", {"kind": "robot"}).status_code == 400


# Auditors: create and update through the services -------------------------------------------


def auditor_payload(**overrides):
    data = {
        "username": "new-auditor",
        "first_name": "Rosa",
        "last_name": "Lindqvist",
        "email": "rosa@example.org",
        "kind": "external",
        "company": "Lindqvist Safety",
        "city": "Kamloops",
        "phone": "250 555 0199",
        "regions": ["thompson_okanagan", "thompson_okanagan", "northern_bc"],
        "sectors": ["ski"],
    }
    data.update(overrides)
    return data


def test_staff_add_an_auditor_in_training_with_a_login(staff_api, staff_user, today):
    response = staff_api.post(f"{API}/auditors/", auditor_payload())

    assert response.status_code == 201, response.json()
    body = response.json()
    assert body["status"] == "in_training"
    assert body["name"] == "Rosa Lindqvist"
    assert body["regions"] == ["northern_bc", "thompson_okanagan"]
    assert body["sectors"] == ["ski"]
    auditor = Auditor.objects.get(pk=body["id"])
    assert auditor.user.role == Role.AUDITOR
    assert not auditor.user.has_usable_password()
    assert auditor.history.first().history_user == staff_user


def test_status_and_dates_sent_on_create_are_ignored(staff_api):
    response = staff_api.post(
        f"{API}/auditors/",
        auditor_payload(status="certified", expires_on="2099-01-01", certified_on="2024-01-01"),
    )

    assert response.status_code == 201
    assert (response.json()["status"], response.json()["expires_on"]) == ("in_training", None)


def test_internal_auditor_without_employer_is_a_400(staff_api):
    response = staff_api.post(f"{API}/auditors/", auditor_payload(kind="internal"))

    assert response.status_code == 400
    assert "internal auditor belongs to one employer" in str(response.json()["errors"])
    assert not User.objects.filter(username="new-auditor").exists()


def test_taken_username_is_a_400_on_the_field(staff_api, auditor_user):
    response = staff_api.post(f"{API}/auditors/", auditor_payload(username="AUDITOR-ONE"))

    assert response.status_code == 400
    assert response.json()["errors"] == {"username": ["This username is taken."]}


def test_taken_certification_number_is_a_400(staff_api, auditor):
    response = staff_api.post(
        f"{API}/auditors/", auditor_payload(certification_number=auditor.certification_number)
    )

    assert response.status_code == 400
    assert "Another auditor has this certification number." in str(response.json()["errors"])


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("kind", "robot"),
        ("email", "not-an-email"),
        ("website", "not a url"),
        ("regions", "northern_bc"),
        ("regions", ["atlantis"]),
        ("sectors", [1, 2]),
        ("employer", "abc"),
        ("employer", 999999),
        ("username", ""),
        ("first_name", "x" * 200),
        ("listed_in_directory", "maybe"),
    ],
)
def test_wrong_typed_fields_are_a_400_on_the_field(staff_api, field, value):
    response = staff_api.post(f"{API}/auditors/", auditor_payload(**{field: value}))

    assert response.status_code == 400
    assert field in response.json()["errors"]


@pytest.mark.parametrize("body", ['{"username": "x', "not json", "[1, 2"])
def test_malformed_json_is_a_400_never_a_500(staff_api, body):
    response = staff_api.post(f"{API}/auditors/", body, content_type="application/json")

    assert response.status_code == 400
    assert "JSON parse error" in response.json()["detail"]


def test_staff_update_details_name_and_regions(staff_api, auditor):
    AuditorArea.objects.create(auditor=auditor, region=Region.NORTHERN_BC)

    response = staff_api.patch(
        f"{API}/auditors/{auditor.pk}/",
        {"first_name": "Renamed", "city": "Prince George", "regions": ["kootenay_rockies"]},
    )

    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["first_name"] == "Renamed"
    assert body["city"] == "Prince George"
    assert body["regions"] == ["kootenay_rockies"]
    assert User.objects.get(pk=auditor.user_id).first_name == "Renamed"


def test_a_region_given_twice_is_served_once(staff_user, auditor):
    services.update_auditor(
        auditor=auditor, actor=staff_user, regions=["northern_bc", "northern_bc"], sectors=[]
    )

    assert list(auditor.regions.values_list("region", flat=True)) == ["northern_bc"]


def test_status_and_username_cannot_be_patched(staff_api, auditor):
    response = staff_api.patch(
        f"{API}/auditors/{auditor.pk}/", {"status": "suspended", "username": "renamed"}
    )

    assert response.status_code == 200
    auditor.refresh_from_db()
    assert auditor.status == AuditorStatus.CERTIFIED
    assert auditor.user.username == "auditor-one"


# Standing (R-7) -----------------------------------------------------------------------------


def standing(client, auditor, **params):
    return client.get(f"{API}/auditors/{auditor.pk}/standing/", params)


@pytest.fixture
def certified_2025(auditor):
    """Certify the auditor from 2025-01-01 to 2028-01-01, whatever today is."""
    Auditor.objects.filter(pk=auditor.pk).update(
        certified_on=date(2025, 1, 1), expires_on=date(2028, 1, 1)
    )
    return auditor


def test_standing_is_eligible_with_a_declaration_for_the_year(
    staff_api, certified_2025, employer_a
):
    auditor = certified_2025
    declared(auditor, 2026)

    response = standing(staff_api, auditor, employer=employer_a.pk, starts_on="2026-06-01")

    assert response.status_code == 200
    assert response.json() == {"eligible": True, "reasons": []}


def test_standing_lists_every_reason(staff_api, certified_2025, employer_a):
    auditor = certified_2025
    ConsultingEngagementFactory(
        auditor=auditor,
        employer=employer_a,
        started_on=date(2025, 1, 1),
        ended_on=date(2025, 12, 1),
    )

    response = standing(staff_api, auditor, employer=employer_a.pk, starts_on="2026-06-01")

    assert response.status_code == 200
    body = response.json()
    assert body["eligible"] is False
    assert len(body["reasons"]) == 2
    assert "annual declaration for 2026" in body["reasons"][0]
    assert "consulted for this employer" in body["reasons"][1]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"starts_on": "2026-06-01"}, "employer"),
        ({"employer": "abc", "starts_on": "2026-06-01"}, "employer"),
        ({"employer": 999999, "starts_on": "2026-06-01"}, "employer"),
        ({"employer": None}, "starts_on"),
        ({"employer": None, "starts_on": "2026-02-30"}, "starts_on"),
        ({"employer": None, "starts_on": "next week"}, "starts_on"),
        ({"employer": None, "starts_on": "0001-01-05"}, "starts_on"),
    ],
)
def test_bad_standing_question_is_a_400_on_the_parameter(
    staff_api, auditor, employer_a, params, field
):
    params = {k: employer_a.pk if v is None else v for k, v in params.items()}

    response = standing(staff_api, auditor, **params)

    assert response.status_code == 400
    assert list(response.json()["errors"]) == [field]


def test_auditor_may_not_ask_their_own_standing(auditor_api, auditor, employer_a):
    response = standing(auditor_api, auditor, employer=employer_a.pk, starts_on="2026-06-01")

    assert response.status_code == 403


def test_employer_asking_standing_gets_403(employer_a_user, auditor, employer_a):
    client = client_for(employer_a_user)

    response = standing(client, auditor, employer=employer_a.pk, starts_on="2026-06-01")

    assert response.status_code == 403


def test_standing_of_a_missing_auditor_is_a_404(staff_api, employer_a):
    response = staff_api.get(
        f"{API}/auditors/999999/standing/", {"employer": employer_a.pk, "starts_on": "2026-06-01"}
    )

    assert response.status_code == 404


# CPD log ------------------------------------------------------------------------------------


def cpd_payload(owner, **overrides):
    data = {
        "auditor": owner.pk,
        "activity": "COR auditor update webinar",
        "kind": "conference",
        "done_on": (timezone.localdate() - timedelta(days=3)).isoformat(),
        "hours": "2.50",
    }
    data.update(overrides)
    return data


def test_auditor_logs_their_own_cpd(auditor_api, auditor, auditor_user):
    response = auditor_api.post(f"{API}/cpd-activities/", cpd_payload(auditor))

    assert response.status_code == 201, response.json()
    activity = CPDActivity.objects.get(pk=response.json()["id"])
    assert (activity.auditor, activity.hours) == (auditor, Decimal("2.50"))
    assert activity.history.first().history_user == auditor_user
    assert response.json()["evidence_url"] is None


def test_auditor_logs_cpd_with_pdf_evidence(auditor_api, auditor):
    data = {**cpd_payload(auditor), "evidence": SimpleUploadedFile("e.pdf", PDF)}

    response = auditor_api.post(f"{API}/cpd-activities/", data, format="multipart")

    assert response.status_code == 201, response.json()
    pk = response.json()["id"]
    assert response.json()["evidence_url"] == f"/auditors/cpd/{pk}/evidence/"


def test_cpd_evidence_that_is_not_a_pdf_is_a_400(auditor_api, auditor):
    data = {**cpd_payload(auditor), "evidence": SimpleUploadedFile("e.pdf", b"MZ not a pdf")}

    response = auditor_api.post(f"{API}/cpd-activities/", data, format="multipart")

    assert response.status_code == 400
    assert "evidence" in response.json()["errors"]
    assert not CPDActivity.objects.exists()


def test_auditor_logging_cpd_for_another_auditor_is_refused(auditor_api, other_auditor):
    response = auditor_api.post(f"{API}/cpd-activities/", cpd_payload(other_auditor))

    assert response.status_code == 400
    assert "auditor" in response.json()["errors"]
    assert not CPDActivity.objects.exists()


def test_staff_log_cpd_for_any_auditor(staff_api, other_auditor):
    response = staff_api.post(f"{API}/cpd-activities/", cpd_payload(other_auditor))

    assert response.status_code == 201


def test_auditor_lists_only_their_own_cpd(auditor_api, auditor, other_auditor):
    mine = CPDActivityFactory(auditor=auditor)
    theirs = CPDActivityFactory(auditor=other_auditor)

    assert ids(auditor_api.get(f"{API}/cpd-activities/")) == [mine.pk]
    assert auditor_api.get(f"{API}/cpd-activities/{theirs.pk}/").status_code == 404


def test_auditor_edits_and_deletes_their_own_cpd(auditor_api, auditor):
    activity = CPDActivityFactory(auditor=auditor)

    edited = auditor_api.patch(f"{API}/cpd-activities/{activity.pk}/", {"hours": "4"})
    deleted = auditor_api.delete(f"{API}/cpd-activities/{activity.pk}/")

    assert edited.status_code == 200
    assert edited.json()["hours"] == "4.00"
    assert deleted.status_code == 204
    assert not CPDActivity.objects.exists()


def test_renaming_a_cpd_activity_is_not_mistaken_for_the_entry(auditor_api, auditor):
    activity = CPDActivityFactory(auditor=auditor)

    response = auditor_api.put(
        f"{API}/cpd-activities/{activity.pk}/",
        cpd_payload(auditor, activity="Renamed course", hours="3"),
    )

    assert response.status_code == 200, response.json()
    assert CPDActivity.objects.get(pk=activity.pk).activity == "Renamed course"


def test_auditor_changing_another_auditors_cpd_gets_404(auditor_api, other_auditor):
    theirs = CPDActivityFactory(auditor=other_auditor)

    patched = auditor_api.patch(f"{API}/cpd-activities/{theirs.pk}/", {"hours": "9"})
    deleted = auditor_api.delete(f"{API}/cpd-activities/{theirs.pk}/")

    assert patched.status_code == deleted.status_code == 404
    assert CPDActivity.objects.get(pk=theirs.pk).hours == Decimal("2.5")


def test_cpd_cannot_be_moved_to_another_auditor(staff_api, auditor, other_auditor):
    activity = CPDActivityFactory(auditor=auditor)

    staff_api.patch(f"{API}/cpd-activities/{activity.pk}/", {"auditor": other_auditor.pk})

    assert CPDActivity.objects.get(pk=activity.pk).auditor == auditor


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("hours", "0"),
        ("hours", "lots"),
        ("hours", "-1"),
        ("hours", "1000"),
        ("kind", "party"),
        ("done_on", "2026-13-01"),
        ("done_on", "2999-01-01"),
        ("activity", ""),
        ("auditor", "me"),
    ],
)
def test_bad_cpd_is_a_400(auditor_api, auditor, field, value):
    response = auditor_api.post(f"{API}/cpd-activities/", cpd_payload(auditor, **{field: value}))

    assert response.status_code == 400
    errors = response.json()["errors"]
    assert field in errors or "non_field_errors" in errors
    assert not CPDActivity.objects.exists()


# Declarations -------------------------------------------------------------------------------


def declaration_payload(auditor, **overrides):
    data = {
        "auditor": auditor.pk,
        "year": timezone.localdate().year,
        "cpd_hours": "14.5",
        "follows_code_of_ethics": True,
        "independent": True,
        "information_accurate": True,
    }
    data.update(overrides)
    return data


def test_auditor_files_their_declaration(auditor_api, auditor, auditor_user, today):
    response = auditor_api.post(f"{API}/declarations/", declaration_payload(auditor))

    assert response.status_code == 201, response.json()
    assert response.json()["submitted_on"] == today.isoformat()
    declaration = AnnualDeclaration.objects.get(auditor=auditor)
    assert declaration.submitted_by == auditor_user


@pytest.mark.parametrize("field", ["follows_code_of_ethics", "independent", "information_accurate"])
def test_an_attestation_not_confirmed_is_a_400_on_it(auditor_api, auditor, field):
    response = auditor_api.post(
        f"{API}/declarations/", declaration_payload(auditor, **{field: False})
    )

    assert response.status_code == 400
    assert response.json()["errors"] == {field: ["Confirm this to file the declaration."]}
    assert not AnnualDeclaration.objects.exists()


def test_a_declaration_for_a_year_already_filed_is_a_400(auditor_api, auditor, today):
    declared(auditor, today.year)

    response = auditor_api.post(f"{API}/declarations/", declaration_payload(auditor))

    assert response.status_code == 400
    assert response.json()["errors"] == {
        "year": [f"The declaration for {today.year} is already filed."]
    }


def test_auditor_may_not_declare_two_years_ahead(auditor_api, auditor, today):
    response = auditor_api.post(
        f"{API}/declarations/", declaration_payload(auditor, year=today.year + 2)
    )

    assert response.status_code == 400
    assert "year" in response.json()["errors"]


@pytest.mark.parametrize(
    ("field", "value"),
    [("year", "this"), ("year", 99999), ("cpd_hours", "-1"), ("independent", "perhaps")],
)
def test_wrong_typed_declaration_is_a_400(staff_api, auditor, field, value):
    response = staff_api.post(
        f"{API}/declarations/", declaration_payload(auditor, **{field: value})
    )

    assert response.status_code == 400
    assert field in response.json()["errors"]


def test_auditor_filing_for_another_auditor_is_refused(auditor_api, other_auditor):
    response = auditor_api.post(f"{API}/declarations/", declaration_payload(other_auditor))

    assert response.status_code == 400
    assert "auditor" in response.json()["errors"]
    assert not AnnualDeclaration.objects.exists()


def test_declarations_cannot_be_changed_or_deleted(staff_api, auditor):
    declaration = declared(auditor)
    url = f"{API}/declarations/{declaration.pk}/"

    assert staff_api.patch(url, {"cpd_hours": "1"}).status_code == 405
    assert staff_api.delete(url).status_code == 405


def test_auditor_lists_only_their_own_declarations(auditor_api, auditor, other_auditor):
    mine = declared(auditor)
    theirs = declared(other_auditor)

    assert ids(auditor_api.get(f"{API}/declarations/")) == [mine.pk]
    assert auditor_api.get(f"{API}/declarations/{theirs.pk}/").status_code == 404


# Consulting engagements ---------------------------------------------------------------------


def engagement_payload(auditor, employer, **overrides):
    data = {
        "auditor": auditor.pk,
        "employer": employer.pk,
        "started_on": "2025-01-10",
        "ended_on": "2025-03-31",
        "description": "Wrote the safe work procedures",
    }
    data.update(overrides)
    return data


def test_auditor_declares_consulting_work(auditor_api, auditor, employer_a):
    response = auditor_api.post(
        f"{API}/consulting-engagements/", engagement_payload(auditor, employer_a)
    )

    assert response.status_code == 201, response.json()
    assert response.json()["source"] == "declared"
    assert response.json()["employer_name"] == "Alpha Lodge Ltd."


def test_staff_record_consulting_work_and_change_it(staff_api, auditor, employer_a):
    created = staff_api.post(
        f"{API}/consulting-engagements/", engagement_payload(auditor, employer_a, ended_on=None)
    )
    pk = created.json()["id"]

    changed = staff_api.patch(f"{API}/consulting-engagements/{pk}/", {"ended_on": "2025-06-30"})

    assert created.json()["source"] == "staff"
    assert changed.status_code == 200
    assert ConsultingEngagement.objects.get(pk=pk).ended_on == date(2025, 6, 30)


def test_auditor_may_not_change_an_engagement(auditor_api, auditor, employer_a):
    engagement = ConsultingEngagementFactory(auditor=auditor, employer=employer_a)

    response = auditor_api.patch(
        f"{API}/consulting-engagements/{engagement.pk}/", {"ended_on": None}
    )

    assert response.status_code == 403


def test_engagement_ending_before_it_starts_is_a_400(auditor_api, auditor, employer_a):
    response = auditor_api.post(
        f"{API}/consulting-engagements/",
        engagement_payload(auditor, employer_a, ended_on="2024-01-01"),
    )

    assert response.status_code == 400
    assert not ConsultingEngagement.objects.exists()


def test_auditor_declaring_for_another_auditor_is_refused(auditor_api, other_auditor, employer_a):
    response = auditor_api.post(
        f"{API}/consulting-engagements/", engagement_payload(other_auditor, employer_a)
    )

    assert response.status_code == 400
    assert "auditor" in response.json()["errors"]


def test_auditor_lists_only_their_own_engagements(auditor_api, auditor, other_auditor):
    mine = ConsultingEngagementFactory(auditor=auditor)
    theirs = ConsultingEngagementFactory(auditor=other_auditor)

    assert ids(auditor_api.get(f"{API}/consulting-engagements/")) == [mine.pk]
    assert auditor_api.get(f"{API}/consulting-engagements/{theirs.pk}/").status_code == 404


# Training sessions and enrolments -----------------------------------------------------------


def session_payload(**overrides):
    data = {
        "course": CourseFactory(code="cor-internal").pk,
        "starts_on": "2026-03-02",
        "ends_on": "2026-03-04",
        "location": "Kelowna",
        "capacity": 2,
    }
    data.update(overrides)
    return data


def test_staff_schedule_a_session(staff_api, staff_user):
    response = staff_api.post(f"{API}/training-sessions/", session_payload())

    assert response.status_code == 201, response.json()
    assert response.json()["enrolled"] == 0
    session = TrainingSession.objects.get(pk=response.json()["id"])
    assert session.history.first().history_user == staff_user


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        ({"location": "", "online": False}, "non_field_errors"),
        ({"ends_on": "2026-03-01"}, "non_field_errors"),
        ({"capacity": 0}, "capacity"),
        ({"capacity": "ten"}, "capacity"),
        ({"course": 999999}, "course"),
        ({"starts_on": "tomorrow"}, "starts_on"),
    ],
)
def test_bad_session_is_a_400(staff_api, overrides, field):
    response = staff_api.post(f"{API}/training-sessions/", session_payload(**overrides))

    assert response.status_code == 400
    assert field in response.json()["errors"]


def test_session_capacity_below_its_enrolments_is_a_400(staff_api):
    session = TrainingSessionFactory(capacity=3)
    EnrolmentFactory.create_batch(2, session=session)

    response = staff_api.patch(f"{API}/training-sessions/{session.pk}/", {"capacity": 1})

    assert response.status_code == 400
    assert "capacity" in response.json()["errors"]
    assert staff_api.get(f"{API}/training-sessions/{session.pk}/").json()["enrolled"] == 2


def test_sessions_cannot_be_deleted_through_the_api(staff_api):
    session = TrainingSessionFactory()

    assert staff_api.delete(f"{API}/training-sessions/{session.pk}/").status_code == 405


def test_staff_enrol_up_to_the_capacity(staff_api, auditor):
    session = TrainingSessionFactory(capacity=1)
    body = {"session": session.pk, "name": "Ana Reyes", "email": "ana@example.org"}

    first = staff_api.post(f"{API}/enrolments/", {**body, "auditor": auditor.pk})
    second = staff_api.post(f"{API}/enrolments/", {**body, "email": "bo@example.org"})

    assert first.status_code == 201, first.json()
    assert first.json()["result"] == "pending"
    assert second.status_code == 400
    assert "full" in second.json()["errors"]["non_field_errors"][0]


def test_enrolling_the_same_person_twice_is_a_400(staff_api):
    session = TrainingSessionFactory()
    body = {"session": session.pk, "name": "Ana Reyes", "email": "ana@example.org"}
    staff_api.post(f"{API}/enrolments/", body)

    response = staff_api.post(f"{API}/enrolments/", body)

    assert response.status_code == 400
    assert Enrolment.objects.count() == 1


def test_result_of_a_pass_records_the_completion(staff_api, staff_user):
    enrolment = EnrolmentFactory()

    response = staff_api.post(
        f"{API}/enrolments/{enrolment.pk}/result/", {"attended": True, "result": "passed"}
    )

    assert response.status_code == 200, response.json()
    assert (response.json()["attended"], response.json()["result"]) == (True, "passed")
    assert CourseCompletion.objects.filter(enrolment=enrolment).exists()


@pytest.mark.parametrize(
    "body",
    [
        {"attended": False, "result": "passed"},
        {"attended": True, "result": "great"},
        {"attended": "perhaps", "result": "failed"},
        {"result": "failed"},
    ],
)
def test_bad_result_is_a_400(staff_api, body):
    enrolment = EnrolmentFactory()

    response = staff_api.post(f"{API}/enrolments/{enrolment.pk}/result/", body)

    assert response.status_code == 400
    assert Enrolment.objects.get(pk=enrolment.pk).result == "pending"


# EAQA ---------------------------------------------------------------------------------------


def test_staff_record_an_eaqa(staff_api, staff_user, auditor, today):
    eaqa = EAQAFactory(auditor=auditor)

    response = staff_api.post(
        f"{API}/eaqas/{eaqa.pk}/record/",
        {
            "conducted_on": today.isoformat(),
            "reviewer": staff_user.pk,
            "findings": "Sound sampling.",
            "outcome": "satisfactory",
        },
    )

    assert response.status_code == 200, response.json()
    assert response.json()["outcome"] == "satisfactory"
    assert response.json()["reviewer"] == str(staff_user)
    assert EAQA.objects.get(pk=eaqa.pk).conducted_on == today


@pytest.mark.parametrize(
    "body",
    [
        {"outcome": "satisfactory"},
        {"conducted_on": "2026-01-01", "outcome": "brilliant"},
        {"conducted_on": "2026-01-01", "reviewer": 999999},
    ],
)
def test_bad_eaqa_record_is_a_400(staff_api, auditor, body):
    eaqa = EAQAFactory(auditor=auditor)

    response = staff_api.post(f"{API}/eaqas/{eaqa.pk}/record/", body)

    assert response.status_code == 400
    assert EAQA.objects.get(pk=eaqa.pk).outcome == ""


def test_an_auditor_cannot_be_named_eaqa_reviewer(staff_api, auditor, auditor_user):
    eaqa = EAQAFactory(auditor=auditor)

    response = staff_api.post(
        f"{API}/eaqas/{eaqa.pk}/record/",
        {"conducted_on": "2026-01-01", "reviewer": auditor_user.pk},
    )

    assert response.status_code == 400
    assert "reviewer" in response.json()["errors"]


def test_eaqa_of_the_auditor_is_not_theirs_to_read(auditor_api, auditor):
    eaqa = EAQAFactory(auditor=auditor)

    assert auditor_api.get(f"{API}/eaqas/{eaqa.pk}/").status_code == 403


# The directory ------------------------------------------------------------------------------


def test_directory_shows_directory_fields_only(employer_a_user):
    auditor = listed(phone="250 555 0101")
    Auditor.objects.filter(pk=auditor.pk).update(notes="private", website="https://x.example")

    response = client_for(employer_a_user).get(f"{API}/auditor-directory/")

    assert response.status_code == 200
    [item] = response.json()["results"]
    assert set(item) == DIRECTORY_FIELDS
    assert item == {
        "id": auditor.pk,
        "name": auditor.user.display_name,
        "company": "Summit Safety Ltd.",
        "city": "Nanaimo",
        "regions": ["vancouver_island"],
        "sectors": ["accommodation"],
        "phone": "250 555 0101",
        "email": auditor.user.email,
    }
    detail = client_for(employer_a_user).get(f"{API}/auditor-directory/{auditor.pk}/")
    assert set(detail.json()) == DIRECTORY_FIELDS


def test_directory_lists_only_certified_listed_external_auditors(employer_a_user, employer_a):
    shown = listed()
    hidden = [
        listed(listed_in_directory=False),
        listed(status=AuditorStatus.LAPSED),
        listed(status=AuditorStatus.SUSPENDED),
        listed(kind=AuditorKind.INTERNAL, employer=employer_a),
    ]
    client = client_for(employer_a_user)

    assert ids(client.get(f"{API}/auditor-directory/")) == [shown.pk]
    for auditor in hidden:
        assert client.get(f"{API}/auditor-directory/{auditor.pk}/").status_code == 404


def test_directory_filters_by_region_sector_and_name(staff_api):
    north = listed(region=Region.NORTHERN_BC, sector=Sector.SKI, company="Peak Audit")
    listed(region=Region.VANCOUVER_ISLAND, sector=Sector.SKI)
    listed(region=Region.NORTHERN_BC, sector=Sector.EVENTS)
    path = f"{API}/auditor-directory/"

    assert ids(staff_api.get(path, {"region": "northern_bc", "sector": "ski"})) == [north.pk]
    assert ids(staff_api.get(path, {"q": "peak"})) == [north.pk]
    assert ids(staff_api.get(path, {"q": north.user.last_name})) == [north.pk]


@pytest.mark.parametrize("params", [{"region": "atlantis"}, {"sector": "mining"}])
def test_directory_with_an_unknown_filter_is_a_400(staff_api, params):
    response = staff_api.get(f"{API}/auditor-directory/", params)

    assert response.status_code == 400
    assert list(response.json()["errors"]) == list(params)


def test_directory_is_read_only(staff_api):
    auditor = listed()

    assert staff_api.post(f"{API}/auditor-directory/", {}).status_code == 405
    assert staff_api.patch(f"{API}/auditor-directory/{auditor.pk}/", {}).status_code == 405


# Query counts (DESIGN.md section 5: constant, at most 12) -----------------------------------

BUDGET = 12
# Count, the page of auditors with their logins, their regions, their sectors.
AUDITOR_LIST_QUERIES = 4
DIRECTORY_LIST_QUERIES = 4
# Count and page of the auditor's own entries, each scoped by a subquery.
CPD_LIST_QUERIES = 2


def make_listed_auditors(count: int) -> None:
    """Listed external auditors with two regions and a sector each, in a few bulk queries."""
    start = User.objects.count()
    users = User.objects.bulk_create(
        UserFactory.build(username=f"bulk-{start + n}", role=Role.AUDITOR) for n in range(count)
    )
    auditors = Auditor.objects.bulk_create(
        AuditorFactory.build(user=user, certification_number=f"BULK-{user.username}")
        for user in users
    )
    AuditorArea.objects.bulk_create(
        AuditorArea(auditor=a, region=r)
        for a in auditors
        for r in (Region.NORTHERN_BC, Region.KOOTENAY_ROCKIES)
    )
    AuditorSector.objects.bulk_create(AuditorSector(auditor=a, sector=Sector.SKI) for a in auditors)


def test_query_constants_are_within_the_design_budget():
    assert max(AUDITOR_LIST_QUERIES, DIRECTORY_LIST_QUERIES, CPD_LIST_QUERIES) <= BUDGET


@pytest.mark.parametrize("count", [10, 200])
def test_auditor_list_queries_do_not_grow_with_the_rows(
    staff_api, django_assert_num_queries, count
):
    make_listed_auditors(count)

    with django_assert_num_queries(AUDITOR_LIST_QUERIES):
        response = staff_api.get(f"{API}/auditors/", {"page_size": 200})

    assert len(response.json()["results"]) == count


@pytest.mark.parametrize("count", [10, 200])
def test_directory_queries_do_not_grow_with_the_rows(
    employer_a_user, django_assert_num_queries, count
):
    make_listed_auditors(count)
    client = client_for(employer_a_user)

    with django_assert_num_queries(DIRECTORY_LIST_QUERIES):
        response = client.get(f"{API}/auditor-directory/", {"page_size": 200})

    assert len(response.json()["results"]) == count
    assert response.json()["results"][0]["regions"] == ["kootenay_rockies", "northern_bc"]


@pytest.mark.parametrize("count", [10, 200])
def test_cpd_list_queries_do_not_grow_with_the_rows(
    auditor_api, auditor, django_assert_num_queries, count
):
    CPDActivity.objects.bulk_create(
        CPDActivityFactory.build(auditor=auditor, activity=f"Course {n}") for n in range(count)
    )

    with django_assert_num_queries(CPD_LIST_QUERIES):
        response = auditor_api.get(f"{API}/cpd-activities/", {"page_size": 200})

    assert len(response.json()["results"]) == count


# The other lists, for staff: the count and one page whatever the number of rows.
OTHER_LIST_QUERIES = 2


def make_rows(path: str, count: int, auditor, employer) -> None:
    """Create ``count`` rows of the list at ``path`` in bulk (distinct years where needed)."""
    if path == "training-sessions/":
        course = CourseFactory()
        TrainingSession.objects.bulk_create(
            TrainingSessionFactory.build(course=course) for _ in range(count)
        )
    elif path == "enrolments/":
        session = TrainingSessionFactory()
        Enrolment.objects.bulk_create(
            EnrolmentFactory.build(session=session, auditor=auditor) for _ in range(count)
        )
    elif path == "declarations/":
        AnnualDeclaration.objects.bulk_create(
            AnnualDeclaration(
                auditor=auditor,
                year=2000 + n,
                cpd_hours=Decimal("10"),
                follows_code_of_ethics=True,
                independent=True,
                information_accurate=True,
                submitted_on=date(2000 + n, 1, 5),
            )
            for n in range(count)
        )
    elif path == "consulting-engagements/":
        ConsultingEngagement.objects.bulk_create(
            ConsultingEngagementFactory.build(auditor=auditor, employer=employer)
            for _ in range(count)
        )
    else:
        EAQA.objects.bulk_create(
            EAQAFactory.build(auditor=auditor, year=2000 + n, planned_on=date(2000 + n, 1, 5))
            for n in range(count)
        )


@pytest.mark.parametrize("count", [5, 60])
@pytest.mark.parametrize(
    "path",
    ["training-sessions/", "enrolments/", "declarations/", "consulting-engagements/", "eaqas/"],
)
def test_other_list_queries_do_not_grow_with_the_rows(
    staff_api, auditor, employer_a, django_assert_num_queries, path, count
):
    make_rows(path, count, auditor, employer_a)

    with django_assert_num_queries(OTHER_LIST_QUERIES):
        response = staff_api.get(f"{API}/{path}", {"page_size": 100})

    assert len(response.json()["results"]) == count
