"""Pages of the auditor roster and of one auditor, through the Django test client."""

import csv
import io
from datetime import timedelta
from decimal import Decimal

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from auditors.choices import AuditorKind, AuditorStatus, EngagementSource
from auditors.models import (
    AnnualDeclaration,
    Auditor,
    AuditorArea,
    AuditorStatusChange,
    ConsultingEngagement,
    CPDActivity,
)
from auditors.tests.factories import (
    AuditorFactory,
    ConsultingEngagementFactory,
    CPDActivityFactory,
    declared,
)
from cor_portal.accounts.choices import Role
from cor_portal.accounts.models import User
from cor_portal.program.periods import add_months, add_years
from employers.choices import Region

pytestmark = pytest.mark.django_db

PDF_BYTES = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"
# Session, user, the rules in force (renewal window), the count, the page of auditors (with
# login and employer), their regions in one prefetch, and the two counts of the links above
# the table (renewals due reads the rules once more).
ROSTER_QUERIES = 9
# The export reads the same rows in one go: it counts them twice (the table paginates before
# it is exported) and needs neither link.
ROSTER_EXPORT_QUERIES = 8
BUDGET = 12


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def staff_client(client, staff_user):
    client.force_login(staff_user)
    return client


@pytest.fixture
def auditor_client(auditor_user):
    """Return a client of its own, so a test may act as staff and as the auditor."""
    client = Client()
    client.force_login(auditor_user)
    return client


@pytest.fixture
def own(auditor_user):
    """Return the record of the signed-in ``auditor_user``: a certified external auditor."""
    return AuditorFactory(user=auditor_user)


def auditor(first, last, **kwargs) -> Auditor:
    user_kwargs = {"first_name": first, "last_name": last, "role": Role.AUDITOR}
    if "email" in kwargs:
        user_kwargs["email"] = kwargs.pop("email")
    user = User.objects.create(username=f"{first}.{last}".lower(), **user_kwargs)
    return AuditorFactory(user=user, **kwargs)


def listed(response) -> list[Auditor]:
    return [row.record for row in response.context["table"].page.object_list]


def names(response) -> list[str]:
    return [a.user.last_name for a in listed(response)]


# The roster ---------------------------------------------------------------------------------


@pytest.fixture
def roster(today, employer_a):
    """Five auditors that differ in every searchable and filterable way."""
    ames = auditor(
        "Ada",
        "Ames",
        email="ada@ames-safety.ca",
        company="Ames Safety Consulting",
        certification_number="EXT-100",
        expires_on=today + timedelta(days=20),
    )
    AuditorArea.objects.create(auditor=ames, region=Region.NORTHERN_BC)
    declared(ames)
    return {
        "ames": ames,
        "baker": auditor(
            "Ben",
            "Baker",
            certification_number="EXT-200",
            expires_on=today + timedelta(days=75),
        ),
        "chu": auditor(
            "Cara",
            "Chu",
            kind=AuditorKind.INTERNAL,
            employer=employer_a,
            certification_number="INT-300",
            certified_on=today - timedelta(days=400),
            expires_on=today + timedelta(days=700),
        ),
        "diaz": auditor(
            "Dev",
            "Diaz",
            status=AuditorStatus.LAPSED,
            certification_number="EXT-400",
            certified_on=today - timedelta(days=1200),
            expires_on=today - timedelta(days=5),
        ),
        "egan": auditor(
            "Eve",
            "Egan",
            kind=AuditorKind.INTERNAL,
            employer=employer_a,
            status=AuditorStatus.STUDENT,
            certification_number="",
            certified_on=None,
            expires_on=None,
            trained_on=today - timedelta(days=400),
            student_audit_due=today - timedelta(days=35),
        ),
    }


def test_roster_lists_every_auditor_by_last_name(staff_client, roster):
    response = staff_client.get("/auditors/")

    assert response.status_code == 200
    assert names(response) == ["Ames", "Baker", "Chu", "Diaz", "Egan"]
    assert "5 results" in response.content.decode()


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("ada", {"ames"}),  # first name, any case
        ("BAKER", {"baker"}),  # last name
        ("ames-safety.ca", {"ames"}),  # email
        ("EXT-", {"ames", "baker", "diaz"}),  # certification number prefix
        ("int-300", {"chu"}),
        ("Safety Consulting", {"ames"}),  # company
        ("  chu  ", {"chu"}),
        ("nobody at all", set()),
    ],
)
def test_roster_search_by_name_email_number_and_company(staff_client, roster, query, expected):
    response = staff_client.get("/auditors/", {"q": query})

    assert {a.pk for a in listed(response)} == {roster[key].pk for key in expected}


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"kind": "internal"}, {"chu", "egan"}),
        ({"kind": "external"}, {"ames", "baker", "diaz"}),
        ({"status": "lapsed"}, {"diaz"}),
        ({"status": "student"}, {"egan"}),
        ({"region": Region.NORTHERN_BC}, {"ames"}),
        ({"expiry": "30"}, {"ames"}),
        ({"expiry": "60"}, {"ames"}),
        ({"expiry": "90"}, {"ames", "baker"}),
        ({"expiry": "expired"}, {"diaz"}),
        ({"student_audit": "overdue"}, {"egan"}),
        # Certified auditors and students without this year's declaration (Ames filed it).
        ({"declaration": "missing"}, {"baker", "chu", "egan"}),
        ({"kind": "external", "expiry": "90"}, {"ames", "baker"}),
    ],
)
def test_roster_filters(staff_client, roster, params, expected):
    response = staff_client.get("/auditors/", params)

    assert {a.pk for a in listed(response)} == {roster[key].pk for key in expected}


def test_filtering_to_nothing_says_so(staff_client, roster):
    response = staff_client.get("/auditors/", {"q": "zzz"})

    assert "Nothing matches your search" in response.content.decode()


def test_empty_roster_says_what_to_do(staff_client):
    response = staff_client.get("/auditors/")

    assert "No auditors yet" in response.content.decode()


def test_roster_sorts_by_expiry_and_by_name(staff_client, roster):
    by_expiry = staff_client.get("/auditors/", {"sort": "expires_on"})
    by_name_desc = staff_client.get("/auditors/", {"sort": "-name"})

    assert names(by_expiry)[:4] == ["Diaz", "Ames", "Baker", "Chu"]
    assert names(by_name_desc) == ["Egan", "Diaz", "Chu", "Baker", "Ames"]


def test_expiry_shows_the_date_with_a_coloured_countdown_in_words(staff_client, roster, today):
    html = staff_client.get("/auditors/").content.decode()

    assert (today + timedelta(days=20)).isoformat() in html
    assert 'text-bg-warning">20 days left' in html  # within the renewal window: amber
    assert 'text-bg-success">700 days left' in html  # more than 90 days: green
    assert 'text-bg-danger">Expired' in html  # red, and the word


def test_only_a_certified_auditor_gets_a_countdown(staff_client, today):
    retired = auditor("Rae", "Retired", status=AuditorStatus.RETIRED)

    html = staff_client.get("/auditors/").content.decode()
    page = staff_client.get(f"/auditors/{retired.pk}/").content.decode()

    assert retired.expires_on.isoformat() in html
    assert "days left" not in html
    assert "days left" not in page


def test_links_above_the_table_count_renewals_and_overdue_students(staff_client, roster):
    html = staff_client.get("/auditors/").content.decode()

    assert 'href="?expiry=90">Renewals due (2)' in html
    assert 'href="?student_audit=overdue">Students overdue (1)' in html


def test_htmx_search_returns_only_the_results(staff_client, roster):
    response = staff_client.get("/auditors/", {"q": "ames"}, HTTP_HX_REQUEST="true")

    html = response.content.decode()
    assert "<html" not in html
    assert "1 result" in html


def test_roster_exports_csv_with_words_not_tags(staff_client, roster, today):
    response = staff_client.get("/auditors/", {"_export": "csv", "kind": "external"})

    assert response["Content-Disposition"].endswith('filename="auditors.csv"')
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == [
        "Name",
        "Email",
        "Kind",
        "Employer or company",
        "Status",
        "Certification no.",
        "Expires on",
        "Regions served",
    ]
    first = rows[1]
    assert first[:3] == ["Ada Ames", "ada@ames-safety.ca", "External"]
    assert first[4] == "Certified"
    assert first[6] == (today + timedelta(days=20)).isoformat()
    assert first[7] == "Northern BC"
    assert len(rows) == 4
    assert "<" not in response.content.decode()


def test_roster_exports_xlsx(staff_client, roster):
    response = staff_client.get("/auditors/", {"_export": "xlsx"})

    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert sheet.max_row == 6
    assert sheet.cell(row=2, column=1).value == "Ada Ames"


def make_roster(count: int) -> None:
    """Auditors with two regions each, built in bulk so the 200-row run stays fast."""
    start = User.objects.count()
    users = User.objects.bulk_create(
        User(username=f"bulk{start + n}", last_name=f"Bulk {n:04d}", role=Role.AUDITOR)
        for n in range(count)
    )
    auditors = Auditor.objects.bulk_create(
        AuditorFactory.build(user=user, certification_number=f"B-{start + n}")
        for n, user in enumerate(users)
    )
    AuditorArea.objects.bulk_create(
        AuditorArea(auditor=a, region=region)
        for a in auditors
        for region in (Region.NORTHERN_BC, Region.KOOTENAY_ROCKIES)
    )


@pytest.mark.parametrize("count", [10, 200])
@pytest.mark.parametrize("params", [{}, {"q": "bulk", "region": Region.NORTHERN_BC}])
def test_roster_query_count_is_constant(staff_client, django_assert_num_queries, count, params):
    make_roster(count)

    with django_assert_num_queries(ROSTER_QUERIES):
        response = staff_client.get("/auditors/", {**params, "sort": "-expires_on"})

    assert response.status_code == 200
    assert len(listed(response)) == min(count, 25)
    assert ROSTER_QUERIES <= BUDGET


@pytest.mark.parametrize("count", [10, 200])
def test_roster_export_query_count_is_constant(staff_client, django_assert_num_queries, count):
    make_roster(count)

    with django_assert_num_queries(ROSTER_EXPORT_QUERIES):
        response = staff_client.get("/auditors/", {"_export": "csv"})

    assert response.content.decode().count("\n") == count + 1


# Adding and editing -------------------------------------------------------------------------


def auditor_data(**overrides):
    data = {
        "first_name": "Gail",
        "last_name": "Grant",
        "email": "gail@example.org",
        "username": "ggrant",
        "kind": AuditorKind.EXTERNAL,
        "employer": "",
        "certification_number": "",
        "phone": "250-555-0100",
        "company": "Grant Safety",
        "city": "Prince George",
        "website": "https://grant.example.org",
        "regions": [Region.NORTHERN_BC, Region.CARIBOO_CHILCOTIN_COAST],
        "sectors": [],
        "listed_in_directory": "on",
        "notes": "",
    }
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


def test_staff_add_an_external_auditor_in_training(staff_client):
    response = staff_client.post("/auditors/new/", auditor_data())

    added = Auditor.objects.get(user__username="ggrant")
    assert response.status_code == 302
    assert response["Location"] == f"/auditors/{added.pk}/"
    assert added.status == AuditorStatus.IN_TRAINING
    assert added.user.role == Role.AUDITOR
    assert not added.user.has_usable_password()
    assert {a.region for a in added.regions.all()} == {
        Region.NORTHERN_BC,
        Region.CARIBOO_CHILCOTIN_COAST,
    }


def test_staff_add_an_internal_auditor_of_an_employer(staff_client, employer_a):
    response = staff_client.post(
        "/auditors/new/", auditor_data(kind=AuditorKind.INTERNAL, employer=employer_a.pk)
    )

    assert response.status_code == 302
    assert Auditor.objects.get(user__username="ggrant").employer == employer_a


def test_internal_auditor_without_employer_is_refused_beside_the_field(staff_client):
    response = staff_client.post("/auditors/new/", auditor_data(kind=AuditorKind.INTERNAL))

    assert response.status_code == 200
    form = response.context["form"]
    assert "Choose the employer" in form.errors["employer"][0]
    assert not Auditor.objects.exists()
    html = response.content.decode()
    assert "Please correct the errors below." in html
    assert 'value="Gail"' in html  # what was typed is kept


def test_external_auditor_with_an_employer_is_refused_beside_the_field(staff_client, employer_a):
    response = staff_client.post("/auditors/new/", auditor_data(employer=employer_a.pk))

    assert "belongs to no employer" in response.context["form"].errors["employer"][0]
    assert not Auditor.objects.exists()


def test_taken_username_is_refused_beside_the_field(staff_client, auditor_user):
    response = staff_client.post("/auditors/new/", auditor_data(username="AUDITOR-ONE"))

    assert response.context["form"].errors["username"] == ["This username is taken."]
    assert not Auditor.objects.exists()


def test_taken_certification_number_is_refused_beside_the_field(staff_client, roster):
    response = staff_client.post("/auditors/new/", auditor_data(certification_number="EXT-100"))

    errors = response.context["form"].errors
    assert errors["certification_number"] == ["Another auditor has this certification number."]
    assert not Auditor.objects.filter(user__username="ggrant").exists()


def test_editing_keeps_the_own_certification_number_but_refuses_anothers(staff_client, roster):
    baker = roster["baker"]
    url = f"/auditors/{baker.pk}/edit/"
    data = auditor_data(
        username=None, first_name="Benjamin", last_name="Baker", certification_number="EXT-200"
    )

    same = staff_client.post(url, data)
    taken = staff_client.post(url, {**data, "certification_number": "EXT-100"})

    assert same.status_code == 302
    assert "certification_number" in taken.context["form"].errors
    baker.refresh_from_db()
    assert baker.certification_number == "EXT-200"


def test_staff_edit_details_names_and_regions(staff_client, roster):
    baker = roster["baker"]

    response = staff_client.post(
        f"/auditors/{baker.pk}/edit/",
        auditor_data(
            username=None,
            first_name="Benjamin",
            last_name="Baker",
            certification_number="EXT-200",
            regions=[Region.KOOTENAY_ROCKIES],
        ),
        follow=True,
    )

    baker.refresh_from_db()
    assert baker.user.first_name == "Benjamin"
    assert baker.company == "Grant Safety"
    assert [a.region for a in baker.regions.all()] == [Region.KOOTENAY_ROCKIES]
    assert baker.status == AuditorStatus.CERTIFIED  # the standing is not touched
    assert "Benjamin Baker was saved." in response.content.decode()


def test_edit_form_has_no_username_and_shows_the_current_values(staff_client, roster):
    response = staff_client.get(f"/auditors/{roster['ames'].pk}/edit/")

    form = response.context["form"]
    assert "username" not in form.fields
    assert form.initial["regions"] == [Region.NORTHERN_BC]
    assert form.initial["first_name"] == "Ada"


def test_auditor_may_not_edit_their_own_details(auditor_client, own):
    assert auditor_client.get(f"/auditors/{own.pk}/edit/").status_code == 403


# Standing -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("start", "action", "extra", "target"),
    [
        (AuditorStatus.IN_TRAINING, "pass_training", {}, AuditorStatus.STUDENT),
        (AuditorStatus.LAPSED, "certify", {"certification_number": "NEW-1"}, "certified"),
        (AuditorStatus.CERTIFIED, "recertify", {}, AuditorStatus.CERTIFIED),
        (AuditorStatus.CERTIFIED, "lapse", {}, AuditorStatus.LAPSED),
        (AuditorStatus.CERTIFIED, "suspend", {}, AuditorStatus.SUSPENDED),
        (AuditorStatus.SUSPENDED, "reinstate", {}, AuditorStatus.CERTIFIED),
        (AuditorStatus.STUDENT, "retire", {}, AuditorStatus.RETIRED),
    ],
)
def test_each_standing_move_through_its_page(
    staff_client, staff_user, today, start, action, extra, target
):
    subject = AuditorFactory(status=start, status_changed_on=today - timedelta(days=30))
    url = f"/auditors/{subject.pk}/standing/{action}/"

    page = staff_client.get(url)
    response = staff_client.post(
        url, {"on": today.isoformat(), "reason": "Board decision", **extra}
    )

    assert page.status_code == 200
    assert page.context["allowed"] is True
    assert response.status_code == 302
    assert response["Location"] == f"/auditors/{subject.pk}/"
    subject.refresh_from_db()
    assert subject.status == target
    change = AuditorStatusChange.objects.get(auditor=subject)
    assert (change.transition, change.actor, change.reason) == (
        action,
        staff_user,
        "Board decision",
    )


def test_certify_asks_for_the_number_and_sets_the_dates(staff_client, today):
    student = AuditorFactory(
        status=AuditorStatus.STUDENT,
        certification_number="",
        certified_on=None,
        expires_on=None,
        student_audit_completed_on=today - timedelta(days=3),
    )
    url = f"/auditors/{student.pk}/standing/certify/"

    assert "certification_number" in staff_client.get(url).context["form"].fields
    staff_client.post(
        url, {"on": today.isoformat(), "reason": "Passed", "certification_number": "C-9"}
    )

    student.refresh_from_db()
    assert (student.status, student.certification_number) == ("certified", "C-9")
    assert student.certified_on == today
    assert student.expires_on == add_years(today, 3)


def test_certifying_a_student_without_the_student_audit_is_refused_on_the_page(staff_client, today):
    student = AuditorFactory(status=AuditorStatus.STUDENT, certification_number="")

    response = staff_client.post(
        f"/auditors/{student.pk}/standing/certify/",
        {"on": today.isoformat(), "reason": "Passed", "certification_number": "C-9"},
    )

    assert response.status_code == 200
    assert "Record the student audit" in response.context["form"].non_field_errors()[0]
    student.refresh_from_db()
    assert student.status == AuditorStatus.STUDENT


def test_move_without_reason_shows_the_error_beside_the_field(staff_client, roster, today):
    response = staff_client.post(
        f"/auditors/{roster['ames'].pk}/standing/suspend/", {"on": today.isoformat()}
    )

    assert "reason" in response.context["form"].errors
    roster["ames"].refresh_from_db()
    assert roster["ames"].status == AuditorStatus.CERTIFIED


def test_move_dated_in_the_future_is_refused_beside_the_date(staff_client, roster, today):
    response = staff_client.post(
        f"/auditors/{roster['ames'].pk}/standing/suspend/",
        {"on": (today + timedelta(days=1)).isoformat(), "reason": "Complaint"},
    )

    assert response.context["form"].errors["on"] == ["The date cannot be in the future."]


def test_disallowed_move_page_says_so_and_its_post_is_refused(staff_client, roster, today):
    url = f"/auditors/{roster['diaz'].pk}/standing/reinstate/"  # lapsed, not suspended

    page = staff_client.get(url)
    post = staff_client.post(url, {"on": today.isoformat(), "reason": "Try"})

    assert page.context["allowed"] is False
    assert "cannot be moved this way" in page.content.decode()
    assert post.status_code == 200
    roster["diaz"].refresh_from_db()
    assert roster["diaz"].status == AuditorStatus.LAPSED


def test_unknown_move_is_404(staff_client, roster):
    assert staff_client.get(f"/auditors/{roster['ames'].pk}/standing/promote/").status_code == 404


def test_detail_offers_only_the_moves_the_status_allows(staff_client, roster):
    html = staff_client.get(f"/auditors/{roster['diaz'].pk}/").content.decode()

    assert f"/auditors/{roster['diaz'].pk}/standing/certify/" in html
    assert f"/auditors/{roster['diaz'].pk}/standing/retire/" in html
    assert f"/auditors/{roster['diaz'].pk}/standing/suspend/" not in html


def test_staff_record_the_student_audit(staff_client, roster, today):
    egan = roster["egan"]

    response = staff_client.post(
        f"/auditors/{egan.pk}/student-audit/", {"on": (today - timedelta(days=2)).isoformat()}
    )

    assert response.status_code == 302
    egan.refresh_from_db()
    assert egan.student_audit_completed_on == today - timedelta(days=2)


def test_student_audit_before_the_training_is_refused_beside_the_date(staff_client, roster):
    egan = roster["egan"]
    before = egan.trained_on - timedelta(days=1)

    response = staff_client.post(f"/auditors/{egan.pk}/student-audit/", {"on": before})

    assert "before the training" in response.context["form"].errors["on"][0]


def test_student_audit_page_of_a_certified_auditor_says_there_is_none(staff_client, roster):
    html = staff_client.get(f"/auditors/{roster['ames'].pk}/student-audit/").content.decode()

    assert "there is no student audit to record" in html


# The auditor's page -------------------------------------------------------------------------


def test_detail_shows_standing_records_and_loads_the_audits_panel(staff_client, roster, today):
    ames = roster["ames"]
    CPDActivityFactory(auditor=ames, hours=Decimal("3"), done_on=today - timedelta(days=10))
    CPDActivityFactory(auditor=ames, hours=Decimal("4"), done_on=add_months(today, -13))
    ConsultingEngagementFactory(auditor=ames, description="Wrote the manual")

    response = staff_client.get(f"/auditors/{ames.pk}/")

    html = response.content.decode()
    assert response.context["cpd_hours"] == Decimal("3")  # the last 12 months only
    assert "EXT-100" in html
    assert "Wrote the manual" in html
    assert str(today.year) in html  # the declaration
    # The audits panel is served by the audits app and loaded into the page.
    assert f'hx-get="/audits/fragments/auditors/{ames.pk}/audits/"' in html
    assert "Recent changes" in html


def test_auditor_sees_their_own_page_with_reminders_but_no_staff_tools(auditor_client, own):
    response = auditor_client.get(f"/auditors/{own.pk}/")

    html = response.content.decode()
    assert response.status_code == 200
    assert f"File your annual declaration for {timezone.localdate().year}" in html
    assert "eligibility_form" not in response.context
    assert "Recent changes" not in html
    assert "Change the standing" not in html
    assert f"/auditors/{own.pk}/cpd/new/" in html
    assert f"/auditors/{own.pk}/declarations/new/" in html


def test_another_auditors_page_is_not_found(client, other_auditor_user, own):
    client.force_login(other_auditor_user)

    assert client.get(f"/auditors/{own.pk}/").status_code == 404


# Eligibility --------------------------------------------------------------------------------


def test_eligibility_box_lists_every_reason(staff_client, employer_a, today):
    external = AuditorFactory()
    ConsultingEngagementFactory(
        auditor=external, employer=employer_a, ended_on=today - timedelta(days=30)
    )

    response = staff_client.get(
        f"/auditors/{external.pk}/",
        {"employer": employer_a.pk, "starts_on": today.isoformat()},
    )

    standing = response.context["standing"]
    html = response.content.decode()
    assert standing.eligible is False
    assert len(standing.reasons) == 2
    assert "Not eligible" in html
    assert f"has not filed the annual declaration for {today.year}" in html
    assert "consulted for this employer" in html


def test_eligibility_box_says_when_the_auditor_may_audit(staff_client, employer_a, today):
    internal = AuditorFactory(kind=AuditorKind.INTERNAL, employer=employer_a)
    declared(internal)

    response = staff_client.get(
        f"/auditors/{internal.pk}/",
        {"employer": employer_a.pk, "starts_on": today.isoformat()},
    )

    assert response.context["standing"].eligible is True
    assert "Eligible" in response.content.decode()


def test_eligibility_box_starts_empty_with_the_internal_auditors_employer(staff_client, employer_a):
    internal = AuditorFactory(kind=AuditorKind.INTERNAL, employer=employer_a)

    response = staff_client.get(f"/auditors/{internal.pk}/")

    assert response.context["standing"] is None
    assert response.context["eligibility_form"].initial["employer"] == employer_a.pk


# CPD ----------------------------------------------------------------------------------------


def cpd_data(today, **overrides):
    data = {
        "activity": "COR auditor update session",
        "kind": "course",
        "done_on": (today - timedelta(days=3)).isoformat(),
        "hours": "6.5",
    }
    data.update(overrides)
    return data


def test_staff_log_cpd_with_pdf_evidence(staff_client, own, today):
    evidence = SimpleUploadedFile("Certificate of Ada.pdf", PDF_BYTES, "application/pdf")

    response = staff_client.post(f"/auditors/{own.pk}/cpd/new/", cpd_data(today, evidence=evidence))

    assert response.status_code == 302
    assert response["Location"] == f"/auditors/{own.pk}/"
    activity = own.cpd_activities.get()
    assert activity.hours == Decimal("6.5")
    assert activity.evidence.name.startswith("cpd-evidence/")
    assert "Ada" not in activity.evidence.name


def test_auditor_logs_their_own_cpd_and_returns_to_their_workspace(auditor_client, own, today):
    response = auditor_client.post(f"/auditors/{own.pk}/cpd/new/", cpd_data(today))

    assert response.status_code == 302
    assert response["Location"] == reverse("homes:auditor")
    assert own.cpd_activities.count() == 1


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("evidence.pdf", b"MZ\x90\x00 a renamed program"),
        ("evidence.pdf", b"Just text saved with a .pdf name\n"),
        ("evidence.png", b"\x89PNG\r\n\x1a\n"),
    ],
)
def test_evidence_that_is_not_a_pdf_is_refused(auditor_client, own, today, name, content):
    upload = SimpleUploadedFile(name, content, "application/pdf")

    response = auditor_client.post(f"/auditors/{own.pk}/cpd/new/", cpd_data(today, evidence=upload))

    assert response.status_code == 200
    assert "not a PDF" in response.context["form"].errors["evidence"][0]
    assert not CPDActivity.objects.exists()


@pytest.mark.parametrize("hours", ["0", "-1", "200.5"])
def test_cpd_hours_out_of_range_are_refused_beside_the_field(auditor_client, own, today, hours):
    response = auditor_client.post(f"/auditors/{own.pk}/cpd/new/", cpd_data(today, hours=hours))

    assert "hours" in response.context["form"].errors
    assert not CPDActivity.objects.exists()


def test_cpd_in_the_future_is_refused_beside_the_date(auditor_client, own, today):
    tomorrow = (today + timedelta(days=1)).isoformat()

    response = auditor_client.post(
        f"/auditors/{own.pk}/cpd/new/", cpd_data(today, done_on=tomorrow)
    )

    assert response.context["form"].errors["done_on"] == ["The activity cannot be in the future."]


@pytest.mark.parametrize("who", ["staff", "auditor"])
def test_cpd_edit_and_delete_by_staff_or_the_auditor(
    client, staff_user, auditor_user, own, today, who
):
    client.force_login(staff_user if who == "staff" else auditor_user)
    activity = CPDActivityFactory(auditor=own)

    edited = client.post(f"/auditors/cpd/{activity.pk}/edit/", cpd_data(today, hours="8"))
    activity.refresh_from_db()
    assert edited.status_code == 302
    assert activity.hours == Decimal("8")

    confirm = client.get(f"/auditors/cpd/{activity.pk}/delete/")
    deleted = client.post(f"/auditors/cpd/{activity.pk}/delete/")
    assert "Remove the activity" in confirm.content.decode()
    assert deleted.status_code == 302
    assert not CPDActivity.objects.exists()
    assert CPDActivity.history.filter(history_type="-").count() == 1


def test_editing_cpd_keeps_the_evidence_unless_cleared(auditor_client, own, today):
    activity = CPDActivityFactory(
        auditor=own, evidence=SimpleUploadedFile("e.pdf", PDF_BYTES, "application/pdf")
    )
    url = f"/auditors/cpd/{activity.pk}/edit/"

    auditor_client.post(url, cpd_data(today))
    activity.refresh_from_db()
    kept = activity.evidence.name
    auditor_client.post(url, cpd_data(today, **{"evidence-clear": "on"}))
    activity.refresh_from_db()

    assert kept.startswith("cpd-evidence/")
    assert not activity.evidence


def test_other_auditor_cannot_reach_anothers_cpd(client, other_auditor_user, own, today):
    activity = CPDActivityFactory(
        auditor=own, evidence=SimpleUploadedFile("e.pdf", PDF_BYTES, "application/pdf")
    )
    client.force_login(other_auditor_user)

    for url in (
        f"/auditors/{own.pk}/cpd/new/",
        f"/auditors/cpd/{activity.pk}/edit/",
        f"/auditors/cpd/{activity.pk}/delete/",
        f"/auditors/cpd/{activity.pk}/evidence/",
    ):
        assert client.get(url).status_code == 404
        assert client.post(url, cpd_data(today)).status_code in (404, 405)
    assert CPDActivity.objects.get().hours == Decimal("2.5")


def test_evidence_download_is_the_pdf(auditor_client, own):
    activity = CPDActivityFactory(
        auditor=own, evidence=SimpleUploadedFile("e.pdf", PDF_BYTES, "application/pdf")
    )

    response = auditor_client.get(f"/auditors/cpd/{activity.pk}/evidence/")

    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    assert b"".join(response.streaming_content) == PDF_BYTES


def test_evidence_of_an_activity_without_a_file_is_404(auditor_client, own):
    activity = CPDActivityFactory(auditor=own)

    assert auditor_client.get(f"/auditors/cpd/{activity.pk}/evidence/").status_code == 404


# Declarations -------------------------------------------------------------------------------

ATTESTED = {"follows_code_of_ethics": "on", "independent": "on", "information_accurate": "on"}


def test_declaration_form_is_prefilled_with_this_year_and_the_cpd_hours(auditor_client, own, today):
    CPDActivityFactory(auditor=own, hours=Decimal("5"), done_on=today - timedelta(days=100))
    CPDActivityFactory(auditor=own, hours=Decimal("2.5"), done_on=today)
    CPDActivityFactory(
        auditor=own, hours=Decimal("9"), done_on=add_months(today, -12) - timedelta(days=1)
    )

    form = auditor_client.get(f"/auditors/{own.pk}/declarations/new/").context["form"]

    assert form.initial["year"] == today.year
    assert form.initial["cpd_hours"] == Decimal("7.5")


def test_auditor_files_their_declaration(auditor_client, auditor_user, own, today):
    response = auditor_client.post(
        f"/auditors/{own.pk}/declarations/new/",
        {"year": today.year, "cpd_hours": "12", **ATTESTED},
    )

    assert response.status_code == 302
    assert response["Location"] == reverse("homes:auditor")
    declaration = AnnualDeclaration.objects.get(auditor=own)
    assert (declaration.year, declaration.cpd_hours) == (today.year, Decimal("12"))
    assert declaration.submitted_by == auditor_user
    assert declaration.submitted_on == today


@pytest.mark.parametrize("missing", sorted(ATTESTED))
def test_declaration_needs_every_attestation(auditor_client, own, today, missing):
    data = {"year": today.year, "cpd_hours": "12", **ATTESTED}
    del data[missing]

    response = auditor_client.post(f"/auditors/{own.pk}/declarations/new/", data)

    assert response.status_code == 200
    assert response.context["form"].errors[missing] == ["Tick this box to file the declaration."]
    assert not AnnualDeclaration.objects.exists()


def test_second_declaration_for_the_same_year_is_refused_beside_the_year(
    auditor_client, own, today
):
    declared(own, today.year)

    response = auditor_client.post(
        f"/auditors/{own.pk}/declarations/new/",
        {"year": today.year, "cpd_hours": "12", **ATTESTED},
    )

    assert response.context["form"].errors["year"] == [
        f"The declaration for {today.year} is already filed."
    ]
    assert AnnualDeclaration.objects.count() == 1


def test_auditor_may_not_declare_for_a_past_year_but_staff_may(
    client, auditor_user, staff_user, own, today
):
    data = {"year": today.year - 2, "cpd_hours": "12", **ATTESTED}
    client.force_login(auditor_user)
    refused = client.post(f"/auditors/{own.pk}/declarations/new/", data)
    client.force_login(staff_user)
    accepted = client.post(f"/auditors/{own.pk}/declarations/new/", data)

    assert "year" in refused.context["form"].errors
    assert accepted.status_code == 302
    assert AnnualDeclaration.objects.get().submitted_by == staff_user


def test_other_auditor_cannot_declare_for_another(client, other_auditor_user, own, today):
    client.force_login(other_auditor_user)

    response = client.post(
        f"/auditors/{own.pk}/declarations/new/",
        {"year": today.year, "cpd_hours": "12", **ATTESTED},
    )

    assert response.status_code == 404
    assert not AnnualDeclaration.objects.exists()


def test_filing_the_declaration_makes_the_auditor_eligible(
    staff_client, auditor_client, own, employer_a, today
):
    check = {"employer": employer_a.pk, "starts_on": today.isoformat()}
    before = staff_client.get(f"/auditors/{own.pk}/", check).context["standing"]

    auditor_client.post(
        f"/auditors/{own.pk}/declarations/new/",
        {"year": today.year, "cpd_hours": "12", **ATTESTED},
    )
    after = staff_client.get(f"/auditors/{own.pk}/", check).context["standing"]

    assert before.eligible is False
    assert after.eligible is True


# Consulting engagements ---------------------------------------------------------------------


def engagement_data(employer, today, **overrides):
    data = {
        "employer": employer.pk,
        "started_on": (today - timedelta(days=200)).isoformat(),
        "ended_on": "",
        "description": "Safety program review",
    }
    data.update(overrides)
    return data


def test_auditor_declares_an_ongoing_engagement(auditor_client, own, employer_a, today):
    response = auditor_client.post(
        f"/auditors/{own.pk}/engagements/new/", engagement_data(employer_a, today)
    )

    assert response.status_code == 302
    engagement = ConsultingEngagement.objects.get()
    assert engagement.source == EngagementSource.DECLARED
    assert engagement.ended_on is None


def test_staff_record_and_then_end_an_engagement(staff_client, own, employer_a, today):
    staff_client.post(f"/auditors/{own.pk}/engagements/new/", engagement_data(employer_a, today))
    engagement = ConsultingEngagement.objects.get()

    response = staff_client.post(
        f"/auditors/engagements/{engagement.pk}/edit/",
        engagement_data(employer_a, today, ended_on=(today - timedelta(days=10)).isoformat()),
    )

    engagement.refresh_from_db()
    assert response.status_code == 302
    assert engagement.source == EngagementSource.STAFF
    assert engagement.ended_on == today - timedelta(days=10)


def test_engagement_ending_before_it_starts_is_refused_beside_the_end(
    staff_client, own, employer_a, today
):
    response = staff_client.post(
        f"/auditors/{own.pk}/engagements/new/",
        engagement_data(employer_a, today, ended_on=(today - timedelta(days=300)).isoformat()),
    )

    assert response.context["form"].errors["ended_on"] == [
        "An engagement cannot end before it starts."
    ]
    assert not ConsultingEngagement.objects.exists()


def test_auditor_may_not_edit_an_engagement(auditor_client, own, employer_a):
    engagement = ConsultingEngagementFactory(auditor=own, employer=employer_a)

    assert auditor_client.get(f"/auditors/engagements/{engagement.pk}/edit/").status_code == 403


# Access -------------------------------------------------------------------------------------


def test_roster_is_for_staff_only(client, auditor_user, employer_a_user, board_user):
    for user in (auditor_user, employer_a_user, board_user):
        client.force_login(user)
        assert client.get("/auditors/").status_code == 403
        assert client.get("/auditors/new/").status_code == 403


def test_anonymous_visitor_is_sent_to_the_login_page(client, own):
    response = client.get(f"/auditors/{own.pk}/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/")
