"""Pages of the employer registry, through the Django test client."""

import csv
import io
from datetime import timedelta
from urllib.parse import quote

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from employers.choices import EmployerStatus, Region, Sector
from employers.models import (
    ClassificationUnit,
    Contact,
    Employer,
    EmployerStatusChange,
    GapAnalysis,
)
from employers.tests.factories import (
    ClassificationUnitFactory,
    ContactFactory,
    EmployerFactory,
    GapAnalysisFactory,
    InteractionFactory,
    employer_user,
)

pytestmark = pytest.mark.django_db

PDF_BYTES = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@pytest.fixture
def staff_client(client, staff_user):
    client.force_login(staff_user)
    return client


def listed(response) -> list[Employer]:
    return [row.record for row in response.context["table"].page.object_list]


# The staff list -----------------------------------------------------------------------------


@pytest.fixture
def registry(db):
    """Three employers that differ in every searchable and filterable way."""
    hotel = ClassificationUnitFactory(code="761001", description="Hotel")
    ski = ClassificationUnitFactory(code="732044", description="Ski hill")
    food = ClassificationUnitFactory(code="763012", description="Restaurant")
    return {
        "cedar": EmployerFactory(
            legal_name="Cedar Lodge Ltd.",
            trade_name="Cedar Inn",
            account_number="4400001",
            region=Region.KOOTENAY_ROCKIES,
            sector=Sector.ACCOMMODATION,
            size_class="small",
            classification_units=[hotel],
        ),
        "peak": EmployerFactory(
            legal_name="Peak Resorts Inc.",
            account_number="5500002",
            region=Region.NORTHERN_BC,
            sector=Sector.SKI,
            status=EmployerStatus.REGISTERED,
            size_class="large",
            classification_units=[ski, hotel],
        ),
        "bistro": EmployerFactory(
            legal_name="Harbour Bistro Co.",
            account_number="6600003",
            region=Region.VANCOUVER_ISLAND,
            sector=Sector.FOOD_BEVERAGE,
            status=EmployerStatus.CERTIFIED,
            size_class="small",
            classification_units=[food],
        ),
        "units": {"hotel": hotel, "ski": ski, "food": food},
    }


def test_staff_list_shows_every_employer_by_name(staff_client, registry):
    response = staff_client.get("/employers/")

    assert response.status_code == 200
    names = [e.legal_name for e in listed(response)]
    assert names == ["Cedar Lodge Ltd.", "Harbour Bistro Co.", "Peak Resorts Inc."]
    assert "3 results" in response.content.decode()


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("cedar", {"cedar"}),  # legal name, any case
        ("Inn", {"cedar"}),  # trade name
        ("5500002", {"peak"}),  # full account number
        ("66000", {"bistro"}),  # account number prefix
        ("761001", {"cedar", "peak"}),  # CU code held by two employers
        ("7320", {"peak"}),  # CU code prefix
        ("  bistro  ", {"bistro"}),  # surrounding spaces
        ("nothing like it", set()),
    ],
)
def test_staff_list_search_by_name_account_and_cu(staff_client, registry, query, expected):
    response = staff_client.get("/employers/", {"q": query})

    assert {e.pk for e in listed(response)} == {registry[key].pk for key in expected}


def test_search_by_cu_lists_an_employer_with_two_matching_units_once(staff_client, registry):
    response = staff_client.get("/employers/", {"q": "7"})

    pks = [e.pk for e in listed(response)]
    assert len(pks) == len(set(pks)) == 3


def test_search_with_no_match_says_so(staff_client, registry):
    response = staff_client.get("/employers/", {"q": "zzz"})

    assert "Nothing matches your search" in response.content.decode()


def test_empty_registry_says_what_to_do_next(staff_client):
    response = staff_client.get("/employers/")

    html = response.content.decode()
    assert "No employers yet" in html
    assert "Add one, or import a spreadsheet of employers." in html


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"status": "registered"}, {"peak"}),
        ({"status": "enquiry"}, {"cedar"}),
        ({"region": Region.VANCOUVER_ISLAND}, {"bistro"}),
        ({"size_class": "small"}, {"cedar", "bistro"}),
        ({"sector": Sector.SKI}, {"peak"}),
        ({"size_class": "small", "region": Region.KOOTENAY_ROCKIES}, {"cedar"}),
    ],
)
def test_staff_list_filters(staff_client, registry, params, expected):
    response = staff_client.get("/employers/", params)

    assert {e.pk for e in listed(response)} == {registry[key].pk for key in expected}


def test_staff_list_filters_by_cu(staff_client, registry):
    response = staff_client.get("/employers/", {"cu": registry["units"]["hotel"].pk})

    assert {e.pk for e in listed(response)} == {registry["cedar"].pk, registry["peak"].pk}


def test_staff_list_refuses_an_unknown_filter_value_without_error(staff_client, registry):
    response = staff_client.get("/employers/", {"status": "bogus"})

    assert response.status_code == 200
    assert "status" in response.context["filter"].form.errors


@pytest.mark.parametrize(
    ("sort", "expected"),
    [
        ("legal_name", ["cedar", "bistro", "peak"]),
        ("-legal_name", ["peak", "bistro", "cedar"]),
        ("account_number", ["cedar", "peak", "bistro"]),
        ("-account_number", ["bistro", "peak", "cedar"]),
    ],
)
def test_staff_list_sorts_by_column(staff_client, registry, sort, expected):
    response = staff_client.get("/employers/", {"sort": sort})

    assert [e.pk for e in listed(response)] == [registry[key].pk for key in expected]


def test_staff_list_pages_by_25(staff_client):
    EmployerFactory.create_batch(30)

    first = staff_client.get("/employers/")
    second = staff_client.get("/employers/", {"page": 2})

    assert len(listed(first)) == 25
    assert len(listed(second)) == 5
    assert "30 results" in first.content.decode()


def test_csv_export_returns_every_matching_row_not_one_page(staff_client):
    EmployerFactory.create_batch(30, region=Region.NORTHERN_BC)
    EmployerFactory(region=Region.VANCOUVER_ISLAND, legal_name="Island Only Ltd.")

    response = staff_client.get("/employers/", {"_export": "csv", "region": Region.NORTHERN_BC})

    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="employers.csv"' in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0] == ["Employer", "Account", "Status", "Region", "Size", "CUs", "Sector"]
    assert len(rows) == 31
    assert "Island Only Ltd." not in response.content.decode()


def test_csv_export_holds_the_values_as_words(staff_client, registry):
    response = staff_client.get("/employers/", {"_export": "csv", "q": "peak"})

    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[1] == [
        "Peak Resorts Inc.",
        "5500002",
        "Registered",
        "Northern BC",
        "Large (20 or more)",
        "732044 761001",
        "Ski and mountain resorts",
    ]


def test_xlsx_export_is_a_readable_workbook_of_the_rows(staff_client, registry):
    response = staff_client.get("/employers/", {"_export": "xlsx"})

    assert response.status_code == 200
    assert response["Content-Type"] == XLSX
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:2] == ("Employer", "Account")
    assert sorted(row[1] for row in rows[1:]) == ["4400001", "5500002", "6600003"]


# Create and edit ----------------------------------------------------------------------------


def test_create_saves_an_enquiry_and_goes_to_its_page(staff_client, staff_user, aligned_cu):
    response = staff_client.post(
        "/employers/new/",
        {
            "legal_name": "Cedar Lodge Ltd.",
            "account_number": "1234567",
            "region": Region.KOOTENAY_ROCKIES,
            "sector": Sector.ACCOMMODATION,
            "employees": "20",
            "classification_units": [aligned_cu.pk],
        },
    )

    employer = Employer.objects.get(account_number="1234567")
    assert response.status_code == 302
    assert response["Location"] == f"/employers/{employer.pk}/"
    assert employer.status == EmployerStatus.ENQUIRY
    assert employer.size_class == "large"
    assert employer.history.first().history_user == staff_user
    page = staff_client.get(response["Location"])
    assert "Cedar Lodge Ltd. was added as an enquiry." in page.content.decode()


def test_create_page_shows_an_empty_form(staff_client, aligned_cu):
    response = staff_client.get("/employers/new/")

    assert response.status_code == 200
    assert "Save the employer" in response.content.decode()


def test_edit_saves_and_reassesses_the_size(staff_client, aligned_cu):
    employer = EmployerFactory(
        account_number="1234567", employees=25, classification_units=[aligned_cu]
    )

    response = staff_client.post(
        f"/employers/{employer.pk}/edit/",
        {
            "legal_name": "Cedar Lodge Ltd.",
            "account_number": "1234567",
            "region": employer.region,
            "sector": employer.sector,
            "employees": "19",
            "classification_units": [aligned_cu.pk],
        },
    )

    assert response.status_code == 302
    employer.refresh_from_db()
    assert (employer.legal_name, employer.size_class) == ("Cedar Lodge Ltd.", "small")


def test_edit_page_shows_the_current_values(staff_client, aligned_cu):
    employer = EmployerFactory(legal_name="Shown Here Ltd.", classification_units=[aligned_cu])

    response = staff_client.get(f"/employers/{employer.pk}/edit/")

    assert 'value="Shown Here Ltd."' in response.content.decode()


def test_employer_user_cannot_open_the_edit_page(client, employer_a, employer_a_user):
    client.force_login(employer_a_user)

    assert client.get(f"/employers/{employer_a.pk}/edit/").status_code == 403


def test_edit_of_a_missing_employer_is_404(staff_client):
    assert staff_client.get("/employers/999999/edit/").status_code == 404


# Lifecycle ----------------------------------------------------------------------------------


def test_transition_page_asks_for_date_and_reason(staff_client, aligned_cu):
    employer = EmployerFactory(classification_units=[aligned_cu])

    response = staff_client.get(f"/employers/{employer.pk}/status/register/")

    assert response.status_code == 200
    html = response.content.decode()
    assert 'name="reason"' in html
    assert 'name="on"' in html
    assert "This changes it to" in html
    assert "cannot be moved" not in html


def test_transition_post_moves_the_status(staff_client, staff_user, aligned_cu, today):
    employer = EmployerFactory(classification_units=[aligned_cu])

    response = staff_client.post(
        f"/employers/{employer.pk}/status/register/",
        {"on": today.isoformat(), "reason": "Signed the form"},
    )

    assert response.status_code == 302
    assert response["Location"] == f"/employers/{employer.pk}/"
    employer.refresh_from_db()
    assert employer.status == EmployerStatus.REGISTERED
    change = EmployerStatusChange.objects.get(employer=employer)
    assert (change.actor, change.reason) == (staff_user, "Signed the form")
    page = staff_client.get(response["Location"]).content.decode()
    assert "is now registered" in page


def test_disallowed_transition_page_says_it_cannot_be_moved(staff_client):
    employer = EmployerFactory()

    response = staff_client.get(f"/employers/{employer.pk}/status/certify/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "cannot be moved this way" in html
    assert 'name="reason"' not in html


def test_disallowed_transition_post_is_refused(staff_client, today):
    employer = EmployerFactory()

    response = staff_client.post(
        f"/employers/{employer.pk}/status/certify/",
        {"on": today.isoformat(), "reason": "Trying"},
    )

    assert response.status_code == 200
    assert "cannot be moved this way" in response.content.decode()
    employer.refresh_from_db()
    assert employer.status == EmployerStatus.ENQUIRY
    assert not EmployerStatusChange.objects.exists()


def test_transition_without_reason_shows_the_error_beside_the_field(staff_client, today):
    employer = EmployerFactory()

    response = staff_client.post(
        f"/employers/{employer.pk}/status/withdraw/", {"on": today.isoformat(), "reason": ""}
    )

    assert response.status_code == 200
    assert "reason" in response.context["form"].errors
    assert Employer.objects.get(pk=employer.pk).status == EmployerStatus.ENQUIRY


def test_transition_dated_in_the_future_shows_the_error_beside_the_date(staff_client, tomorrow):
    employer = EmployerFactory()

    response = staff_client.post(
        f"/employers/{employer.pk}/status/withdraw/",
        {"on": tomorrow.isoformat(), "reason": "x"},
    )

    assert response.status_code == 200
    assert response.context["form"].errors["on"] == ["The date cannot be in the future."]


def test_nao_refusal_is_shown_on_the_transition_page(staff_client, nao_cu, today):
    employer = EmployerFactory(classification_units=[nao_cu])

    response = staff_client.post(
        f"/employers/{employer.pk}/status/register/", {"on": today.isoformat(), "reason": "x"}
    )

    assert response.status_code == 200
    assert "naturally aligned organization" in response.content.decode()
    assert Employer.objects.get(pk=employer.pk).status == EmployerStatus.ENQUIRY


def test_unknown_transition_is_404(staff_client):
    employer = EmployerFactory()

    assert staff_client.get(f"/employers/{employer.pk}/status/explode/").status_code == 404


def test_employer_user_cannot_move_its_status(client, employer_a, employer_a_user, today):
    client.force_login(employer_a_user)

    response = client.post(
        f"/employers/{employer_a.pk}/status/withdraw/", {"on": today.isoformat(), "reason": "x"}
    )

    assert response.status_code == 403
    assert Employer.objects.get(pk=employer_a.pk).status == EmployerStatus.ENQUIRY


def test_detail_offers_only_the_allowed_actions(staff_client):
    employer = EmployerFactory(status=EmployerStatus.CERTIFIED)

    html = staff_client.get(f"/employers/{employer.pk}/").content.decode()

    assert f"/employers/{employer.pk}/status/lapse/" in html
    assert f"/employers/{employer.pk}/status/remove/" in html
    assert f"/employers/{employer.pk}/status/register/" not in html
    assert f"/employers/{employer.pk}/status/certify/" not in html


# Detail and access --------------------------------------------------------------------------


def test_staff_detail_shows_every_panel(staff_client, employer_a):
    InteractionFactory(employer=employer_a, summary="Called about COR")

    response = staff_client.get(f"/employers/{employer_a.pk}/")

    html = response.content.decode()
    assert response.status_code == 200
    assert "Interactions" in html
    assert "Called about COR" in html
    assert "Recent changes" in html
    assert "Edit details" in html


def test_employer_user_on_the_staff_list_gets_403(client, employer_a_user):
    client.force_login(employer_a_user)

    assert client.get("/employers/").status_code == 403


def test_employer_user_sees_its_own_employer_without_staff_panels(
    client, employer_a, employer_a_user
):
    InteractionFactory(employer=employer_a, summary="Internal staff note")
    client.force_login(employer_a_user)

    response = client.get(f"/employers/{employer_a.pk}/")

    assert response.status_code == 200
    html = response.content.decode()
    assert "Alpha Lodge Ltd." in html
    assert "interactions-heading" not in html
    assert "Internal staff note" not in html
    assert "Recent changes" not in html
    assert "Edit details" not in html
    assert "/status/" not in html


def test_employer_user_on_another_employers_page_gets_404(client, employer_a_user, employer_b):
    client.force_login(employer_a_user)

    assert client.get(f"/employers/{employer_b.pk}/").status_code == 404
    assert client.get("/employers/999999/").status_code == 404


def test_employer_user_cannot_open_the_history_page(client, employer_a, employer_a_user):
    client.force_login(employer_a_user)

    assert client.get(f"/employers/{employer_a.pk}/history/").status_code == 403


@pytest.mark.parametrize("role_user", ["auditor_user", "board_user"])
def test_other_roles_on_the_registry_get_403(client, request, employer_a, role_user):
    client.force_login(request.getfixturevalue(role_user))

    assert client.get("/employers/").status_code == 403
    assert client.get(f"/employers/{employer_a.pk}/").status_code == 403


@pytest.mark.parametrize(
    "path",
    ["/employers/", "/employers/new/", "/employers/{pk}/", "/employers/{pk}/status/register/"],
)
def test_anonymous_is_sent_to_login(client, employer_a, path):
    path = path.format(pk=employer_a.pk)

    response = client.get(path)

    assert response.status_code == 302
    assert response["Location"] == f"/accounts/login/?next={quote(path)}"


def test_history_page_lists_who_changed_what(staff_client, staff_user, aligned_cu):
    from employers import services

    employer = EmployerFactory(legal_name="Before Ltd.", classification_units=[aligned_cu])
    services.update_employer(employer=employer, actor=staff_user, legal_name="After Ltd.")

    response = staff_client.get(f"/employers/{employer.pk}/history/")

    html = response.content.decode()
    assert response.status_code == 200
    assert "Before Ltd." in html
    assert "After Ltd." in html
    assert str(staff_user) in html


# Contacts -----------------------------------------------------------------------------------


def contact_data(**overrides):
    data = {"first_name": "Ana", "last_name": "Reyes", "email": "ana@example.org"}
    data.update(overrides)
    return data


def test_staff_adds_a_contact(staff_client, employer_a):
    response = staff_client.post(
        f"/employers/{employer_a.pk}/contacts/new/", contact_data(is_primary="on")
    )

    assert response.status_code == 302
    assert response["Location"] == f"/employers/{employer_a.pk}/"
    contact = Contact.objects.get(employer=employer_a, email="ana@example.org")
    assert contact.is_primary
    page = staff_client.get(response["Location"]).content.decode()
    assert "Ana Reyes was added." in page


def test_staff_edits_a_contact(staff_client, employer_a):
    contact = ContactFactory(employer=employer_a, first_name="Old")

    response = staff_client.post(
        f"/employers/contacts/{contact.pk}/edit/", contact_data(first_name="New")
    )

    assert response.status_code == 302
    contact.refresh_from_db()
    assert contact.first_name == "New"


def test_staff_removes_a_contact_after_confirming(staff_client, employer_a, employer_a_user):
    contact = employer_a_user.employer_contact

    confirm = staff_client.get(f"/employers/contacts/{contact.pk}/delete/")
    response = staff_client.post(f"/employers/contacts/{contact.pk}/delete/")

    assert confirm.status_code == 200
    assert "will be deactivated" in confirm.content.decode()
    assert response.status_code == 302
    assert not Contact.objects.filter(pk=contact.pk).exists()
    employer_a_user.refresh_from_db()
    assert not employer_a_user.is_active


def test_contact_form_error_is_shown_and_typed_values_kept(staff_client, employer_a):
    response = staff_client.post(
        f"/employers/{employer_a.pk}/contacts/new/", contact_data(email="nope")
    )

    assert response.status_code == 200
    assert "email" in response.context["form"].errors
    assert 'value="Reyes"' in response.content.decode()


def test_employer_user_adds_a_contact_to_its_own_employer(client, employer_a, employer_a_user):
    client.force_login(employer_a_user)

    response = client.post(f"/employers/{employer_a.pk}/contacts/new/", contact_data())

    assert response.status_code == 302
    assert response["Location"] == reverse("homes:portal")
    assert Contact.objects.filter(employer=employer_a, email="ana@example.org").exists()


def test_employer_user_cannot_add_a_contact_to_another_employer(
    client, employer_a_user, employer_b
):
    client.force_login(employer_a_user)

    response = client.post(f"/employers/{employer_b.pk}/contacts/new/", contact_data())

    assert response.status_code == 404
    assert not Contact.objects.filter(employer=employer_b).exists()


def test_employer_user_edits_its_own_contact(client, employer_a, employer_a_user):
    contact = employer_a_user.employer_contact
    client.force_login(employer_a_user)

    page = client.get(f"/employers/contacts/{contact.pk}/edit/")
    response = client.post(
        f"/employers/contacts/{contact.pk}/edit/",
        contact_data(first_name="Myself", email="me@example.org", phone="250-555-0100"),
    )

    assert page.status_code == 200
    assert response.status_code == 302
    contact.refresh_from_db()
    assert (contact.first_name, contact.phone) == ("Myself", "250-555-0100")
    employer_a_user.refresh_from_db()
    assert employer_a_user.email == "me@example.org"


def test_employer_user_editing_another_employers_contact_gets_404(
    client, employer_a_user, employer_b
):
    theirs = ContactFactory(employer=employer_b, first_name="Theirs")
    client.force_login(employer_a_user)

    assert client.get(f"/employers/contacts/{theirs.pk}/edit/").status_code == 404
    response = client.post(
        f"/employers/contacts/{theirs.pk}/edit/", contact_data(first_name="Hacked")
    )

    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.first_name == "Theirs"


def test_employer_user_deleting_another_employers_contact_gets_404(
    client, employer_a_user, employer_b
):
    theirs = ContactFactory(employer=employer_b)
    client.force_login(employer_a_user)

    assert client.post(f"/employers/contacts/{theirs.pk}/delete/").status_code == 404
    assert Contact.objects.filter(pk=theirs.pk).exists()


def test_employer_user_removes_a_colleague(client, employer_a, employer_a_user):
    colleague = employer_user(employer_a, username="colleague-a")
    client.force_login(employer_a_user)

    response = client.post(f"/employers/contacts/{colleague.employer_contact.pk}/delete/")

    assert response.status_code == 302
    colleague.refresh_from_db()
    assert not colleague.is_active


def test_employer_user_cannot_remove_itself(client, employer_a_user):
    contact = employer_a_user.employer_contact
    client.force_login(employer_a_user)

    response = client.post(f"/employers/contacts/{contact.pk}/delete/")

    assert response.status_code == 200
    assert "You cannot remove your own contact record." in response.content.decode()
    assert Contact.objects.filter(pk=contact.pk).exists()


def test_auditor_cannot_reach_contact_pages(client, auditor_user, employer_a):
    contact = ContactFactory(employer=employer_a)
    client.force_login(auditor_user)

    assert client.get(f"/employers/{employer_a.pk}/contacts/new/").status_code == 403
    assert client.get(f"/employers/contacts/{contact.pk}/edit/").status_code == 403


# Interactions -------------------------------------------------------------------------------


def test_staff_logs_an_interaction(staff_client, staff_user, employer_a, today):
    response = staff_client.post(
        f"/employers/{employer_a.pk}/interactions/new/",
        {
            "kind": "outreach_visit",
            "source": "regional_consultant",
            "occurred_on": today.isoformat(),
            "summary": "Visited",
            "follow_up_due": (today + timedelta(days=7)).isoformat(),
        },
    )

    assert response.status_code == 302
    interaction = employer_a.interactions.get()
    assert (interaction.summary, interaction.staff_member) == ("Visited", staff_user)


def test_follow_up_done_is_recorded_by_post(staff_client, employer_a, today, yesterday):
    interaction = InteractionFactory(
        employer=employer_a, occurred_on=yesterday, follow_up_due=yesterday
    )

    response = staff_client.post(f"/employers/interactions/{interaction.pk}/follow-up-done/")

    assert response.status_code == 302
    interaction.refresh_from_db()
    assert interaction.follow_up_done_on == today


def test_employer_user_cannot_see_interactions(client, employer_a, employer_a_user):
    interaction = InteractionFactory(employer=employer_a)
    client.force_login(employer_a_user)

    assert client.get("/employers/interactions/").status_code == 403
    assert client.get(f"/employers/{employer_a.pk}/interactions/new/").status_code == 403
    assert client.get(f"/employers/interactions/{interaction.pk}/edit/").status_code == 403


# Gap analysis reports -----------------------------------------------------------------------


def gap_data(gap, **overrides):
    data = {"offered_on": gap.offered_on.isoformat(), "findings": "Good start"}
    data.update(overrides)
    return data


def test_pdf_report_upload_is_stored_under_a_random_name(staff_client, employer_a):
    gap = GapAnalysisFactory(employer=employer_a)
    upload = SimpleUploadedFile("Alpha findings.pdf", PDF_BYTES, "application/pdf")

    response = staff_client.post(
        f"/employers/gap-analyses/{gap.pk}/edit/", gap_data(gap, report=upload)
    )

    assert response.status_code == 302
    gap.refresh_from_db()
    assert gap.report.name.startswith("gap-analyses/")
    assert gap.report.name.endswith(".pdf")
    assert "Alpha" not in gap.report.name


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("report.pdf", b"MZ\x90\x00\x03\x00\x00\x00 this is a renamed program"),
        ("report.pdf", b"Just some text saved with a .pdf name\n"),
        ("report.pdf", b""),
    ],
)
def test_report_that_is_not_a_pdf_by_content_is_refused(staff_client, employer_a, name, content):
    gap = GapAnalysisFactory(employer=employer_a)
    upload = SimpleUploadedFile(name, content, "application/pdf")

    response = staff_client.post(
        f"/employers/gap-analyses/{gap.pk}/edit/", gap_data(gap, report=upload)
    )

    assert response.status_code == 200
    assert "report" in response.context["form"].errors
    gap.refresh_from_db()
    assert not gap.report


@pytest.fixture
def gap_with_report(employer_a):
    gap = GapAnalysisFactory(employer=employer_a)
    gap.report.save("x.pdf", SimpleUploadedFile("x.pdf", PDF_BYTES), save=True)
    return gap


def test_staff_downloads_a_report(staff_client, gap_with_report):
    response = staff_client.get(f"/employers/gap-analyses/{gap_with_report.pk}/report/")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    assert b"".join(response.streaming_content) == PDF_BYTES


def test_employer_user_downloads_its_own_report(client, employer_a_user, gap_with_report):
    client.force_login(employer_a_user)

    response = client.get(f"/employers/gap-analyses/{gap_with_report.pk}/report/")

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF_BYTES


def test_other_employers_user_gets_404_for_a_report(client, employer_b_user, gap_with_report):
    client.force_login(employer_b_user)

    assert client.get(f"/employers/gap-analyses/{gap_with_report.pk}/report/").status_code == 404


def test_auditor_gets_403_for_a_report(client, auditor_user, gap_with_report):
    client.force_login(auditor_user)

    assert client.get(f"/employers/gap-analyses/{gap_with_report.pk}/report/").status_code == 403


def test_anonymous_is_sent_to_login_for_a_report(client, gap_with_report):
    response = client.get(f"/employers/gap-analyses/{gap_with_report.pk}/report/")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=")


def test_report_download_without_a_file_is_404(staff_client, employer_a):
    gap = GapAnalysisFactory(employer=employer_a)

    assert staff_client.get(f"/employers/gap-analyses/{gap.pk}/report/").status_code == 404


def test_employer_user_cannot_edit_its_gap_analysis(client, employer_a_user, employer_a):
    gap = GapAnalysisFactory(employer=employer_a)
    client.force_login(employer_a_user)

    response = client.post(
        f"/employers/gap-analyses/{gap.pk}/edit/", gap_data(gap, findings="Mine now")
    )

    assert response.status_code == 403
    assert GapAnalysis.objects.get(pk=gap.pk).findings == ""


# Classification units -----------------------------------------------------------------------


def test_staff_adds_a_unit(staff_client):
    response = staff_client.post(
        "/employers/classification-units/new/",
        {"code": "761999", "description": "Tour operator", "aligned": "on"},
    )

    assert response.status_code == 302
    assert response["Location"] == "/employers/classification-units/"


def test_unit_held_by_an_employer_is_not_deleted(staff_client, aligned_cu):
    EmployerFactory(classification_units=[aligned_cu])

    response = staff_client.post(f"/employers/classification-units/{aligned_cu.pk}/delete/")

    assert response.status_code == 200
    assert "cannot be deleted" in response.content.decode()


def test_gap_analysis_export_holds_the_stage_as_a_word(staff_client, employer_a):
    GapAnalysisFactory(employer=employer_a)

    response = staff_client.get("/employers/gap-analyses/", {"_export": "csv"})

    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[1][:2] == ["Alpha Lodge Ltd.", "offered"]


def test_editing_a_gap_analysis_keeps_its_report(staff_client, gap_with_report):
    name = gap_with_report.report.name

    response = staff_client.post(
        f"/employers/gap-analyses/{gap_with_report.pk}/edit/",
        gap_data(gap_with_report, findings="Updated findings"),
    )

    assert response.status_code == 302
    gap_with_report.refresh_from_db()
    assert gap_with_report.findings == "Updated findings"
    assert gap_with_report.report.name == name


def test_clearing_a_report_removes_it(staff_client, gap_with_report):
    response = staff_client.post(
        f"/employers/gap-analyses/{gap_with_report.pk}/edit/",
        gap_data(gap_with_report, **{"report-clear": "on"}),
    )

    assert response.status_code == 302
    gap_with_report.refresh_from_db()
    assert not gap_with_report.report
    assert gap_with_report.report.name == ""


def test_follow_up_done_goes_back_to_a_local_next_page(staff_client, employer_a, yesterday):
    interaction = InteractionFactory(
        employer=employer_a, occurred_on=yesterday, follow_up_due=yesterday
    )

    response = staff_client.post(
        f"/employers/interactions/{interaction.pk}/follow-up-done/", {"next": "/"}
    )

    assert response["Location"] == "/"


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x"])
def test_follow_up_done_does_not_redirect_off_site(staff_client, employer_a, yesterday, target):
    interaction = InteractionFactory(
        employer=employer_a, occurred_on=yesterday, follow_up_due=yesterday
    )

    response = staff_client.post(
        f"/employers/interactions/{interaction.pk}/follow-up-done/", {"next": target}
    )

    assert response.status_code == 302
    assert response["Location"] == f"/employers/{employer_a.pk}/"


@pytest.mark.parametrize("page_number", ["999", "abc", "0", "-1"])
def test_list_page_out_of_range_shows_a_page_of_rows(staff_client, page_number):
    EmployerFactory.create_batch(3)

    response = staff_client.get("/employers/", {"page": page_number})

    assert response.status_code == 200
    assert len(listed(response)) == 3


@pytest.mark.parametrize(
    ("aligned", "expected"),
    [("true", ["761001"]), ("false", ["753004"]), ("", ["753004", "761001"])],
)
def test_classification_unit_list_filters_by_alignment(staff_client, aligned, expected):
    ClassificationUnitFactory(code="761001", aligned=True)
    ClassificationUnitFactory(code="753004", aligned=False)

    response = staff_client.get("/employers/classification-units/", {"aligned": aligned})

    codes = [row.record.code for row in response.context["table"].page.object_list]
    assert codes == expected


def test_a_list_counts_its_results_with_thousands_separated(staff_client):
    ClassificationUnit.objects.bulk_create(
        ClassificationUnit(code=str(900000 + n), description=f"Unit {n}") for n in range(1000)
    )
    total = ClassificationUnit.objects.count()
    response = staff_client.get(reverse("employers:cu-list"))
    assert f"{total:,} results" in response.content.decode()
