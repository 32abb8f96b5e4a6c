"""Importing employers and contacts from CSV and XLSX: the dry run, the real import, the pages."""

import csv
import io
import os
from datetime import date, datetime, timedelta
from decimal import Decimal

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook

from cor_portal import imports as shared_imports
from employers import imports
from employers.choices import EmployerStatus, Region, Sector
from employers.imports import Change
from employers.models import ClassificationUnit, Employer
from employers.tests.factories import ContactFactory, EmployerFactory

EMPLOYER_HEADER = [column.name for column in imports.EMPLOYER_COLUMNS]
CONTACT_HEADER = [column.name for column in imports.CONTACT_COLUMNS]


def employer_row(**values):
    """Return a full employer row: the columns of the template, empty unless given."""
    return dict.fromkeys(EMPLOYER_HEADER, "") | values


def as_csv(rows, header=None):
    stream = io.StringIO()
    writer = csv.DictWriter(stream, fieldnames=header or list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    return stream.getvalue().encode()


def as_xlsx(rows, header):
    book = Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append([row.get(name) for name in header])
    stream = io.BytesIO()
    book.save(stream)
    return stream.getvalue()


def employers_file(rows, name="employers.csv"):
    return imports.load_file(kind="employers", filename=name, content=as_csv(rows))


def contacts_file(rows):
    return imports.load_file(
        kind="contacts", filename="contacts.csv", content=as_csv(rows, CONTACT_HEADER)
    )


def by_number(result):
    return {row.number: row for row in result.rows}


def messages_of(row):
    return {error.column: error.message for error in row.errors}


@pytest.fixture
def alpha(aligned_cu):
    """A small employer the file updates (10 → 25 employees, Nanaimo → Victoria)."""
    return EmployerFactory(
        legal_name="Alpha Lodge Ltd.",
        account_number="7000001",
        city="Nanaimo",
        employees=10,
        size_class="small",
        classification_units=[aligned_cu],
    )


@pytest.fixture
def bravo(aligned_cu):
    """An employer the file repeats exactly."""
    return EmployerFactory(
        legal_name="Bravo Tours Inc.",
        trade_name="Bravo Tours",
        account_number="7000002",
        region=Region.THOMPSON_OKANAGAN,
        sector=Sector.ADVENTURE,
        employees=40,
        classification_units=[aligned_cu],
    )


def good_rows():
    return [
        employer_row(
            legal_name="Harbour View Lodge Ltd.",
            trade_name="Harbour View Lodge",
            account_number="1234567",
            city="Victoria",
            region="Vancouver Island",
            sector="Accommodation",
            employees="25",
            classification_units="761001",
        ),
        employer_row(
            legal_name="Kicking Horse Adventures Inc.",
            account_number="2345678",
            city="Golden",
            region="kootenay_rockies",
            sector="ADVENTURE",
            payroll_hours="41,599",
            classification_units="761001, 732044",
            nao_approved_on="2024-05-01",
            nao_reference="NAO-77",
        ),
        employer_row(
            legal_name="Alpha Lodge Ltd.",
            account_number="7000001",
            city="Victoria",
            region="vancouver island",
            sector="accommodation",
            employees="25",
            classification_units="761001",
        ),
        employer_row(
            legal_name="Bravo Tours Inc.",
            trade_name="Bravo Tours",
            account_number="7000002",
            region="Thompson Okanagan",
            sector="Adventure tourism and recreation",
            employees="40",
            classification_units="761001",
        ),
    ]


def error_rows():
    return [
        employer_row(
            legal_name="Letters Ltd.",
            account_number="12AB",
            region="Northern BC",
            sector="Ski",
            classification_units="761001",
        ),
        employer_row(
            legal_name="Unknown Unit Ltd.",
            account_number="3456789",
            region="Northern BC",
            sector="Ski",
            classification_units="761001 999999",
        ),
        employer_row(
            legal_name="Atlantis Tours Ltd.",
            account_number="4567890",
            region="Atlantis",
            sector="Events",
            classification_units="761001",
        ),
    ]


# The dry run ----------------------------------------------------------------------------------


def test_dry_run_reports_every_row_and_changes_nothing(staff_user, alpha, bravo, nao_cu):
    history_before = Employer.history.count()

    result = imports.run_import(
        employers_file(good_rows() + error_rows()), actor=staff_user, dry_run=True
    )

    assert result.counts == {"new": 2, "update": 1, "unchanged": 1, "error": 3}
    rows = by_number(result)
    assert [rows[n].action for n in range(2, 9)] == [
        "new",
        "new",
        "update",
        "unchanged",
        "error",
        "error",
        "error",
    ]
    assert rows[4].changes == [
        Change("city", "Nanaimo", "Victoria"),
        Change("employees", "10", "25"),
        Change("size_class", "Small (under 20)", "Large (20 or more)"),
    ]
    assert Change("size_class", "", "Small (under 20)") in rows[3].changes
    assert Change("classification_units", "", "732044 761001") in rows[3].changes
    assert "6 to 10 digits" in messages_of(rows[6])["account_number"]
    assert "999999" in messages_of(rows[7])["classification_units"]
    assert "Atlantis" in messages_of(rows[8])["region"]
    assert "Northern BC" in messages_of(rows[8])["region"]
    # Nothing was written.
    assert set(Employer.objects.values_list("account_number", flat=True)) == {
        "7000001",
        "7000002",
    }
    alpha.refresh_from_db()
    assert (alpha.employees, alpha.city, alpha.size_class) == (10, "Nanaimo", "small")
    assert Employer.history.count() == history_before


def test_a_row_with_several_problems_reports_them_all(staff_user, aligned_cu):
    row = employer_row(
        legal_name="Muddled Ltd.",
        account_number="12 34",
        region="Mars",
        sector="Ski",
        employees="twelve",
        nao_approved_on="31/12/2024",
        classification_units="761001",
    )

    result = imports.run_import(employers_file([row]), actor=staff_user, dry_run=True)

    assert set(messages_of(result.rows[0])) == {
        "account_number",
        "region",
        "employees",
        "nao_approved_on",
    }
    assert "YYYY-MM-DD" in messages_of(result.rows[0])["nao_approved_on"]


def test_a_repeated_account_number_is_an_error_on_its_second_row(staff_user, aligned_cu):
    rows = good_rows()[:1] * 2

    result = imports.run_import(employers_file(rows), actor=staff_user, dry_run=True)

    assert [row.action for row in result.rows] == ["new", "error"]
    assert "Row 2" in messages_of(result.rows[1])["account_number"]


def test_a_service_refusal_is_reported_per_field(staff_user, aligned_cu):
    row = good_rows()[0] | {"legal_name": "", "nao_reference": "REF-1"}

    result = imports.run_import(employers_file([row]), actor=staff_user, dry_run=True)

    assert result.rows[0].action == "error"
    assert "nao_approved_on" in messages_of(result.rows[0])


# The real import ------------------------------------------------------------------------------


def test_import_writes_every_row_through_the_services(staff_user, alpha, bravo, nao_cu):
    bravo_history = bravo.history.count()

    result = imports.run_import(employers_file(good_rows()), actor=staff_user, dry_run=False)

    assert not result.dry_run
    assert result.counts == {"new": 2, "update": 1, "unchanged": 1, "error": 0}
    harbour = Employer.objects.get(account_number="1234567")
    assert harbour.status == EmployerStatus.ENQUIRY
    assert harbour.status_changed_on == timezone.localdate()
    assert harbour.size_class == "large"
    assert harbour.size_assessed_on == timezone.localdate()
    assert {h.history_user for h in harbour.history.all()} == {staff_user}
    kicking = Employer.objects.get(account_number="2345678")
    assert kicking.size_class == "small"  # 41,599 h is 19.9995 FTE
    assert kicking.payroll_hours == Decimal("41599")
    assert kicking.nao_approved_on == date(2024, 5, 1)
    assert kicking.region == Region.KOOTENAY_ROCKIES
    assert sorted(kicking.classification_units.values_list("code", flat=True)) == [
        "732044",
        "761001",
    ]
    alpha.refresh_from_db()
    assert (alpha.employees, alpha.city, alpha.size_class) == (25, "Victoria", "large")
    assert alpha.history.first().history_user == staff_user
    assert bravo.history.count() == bravo_history  # an unchanged row writes nothing
    assert "2 new, 1 updated, 1 unchanged" in result.summary()


def test_one_error_row_blocks_the_whole_import(staff_user, alpha, bravo, nao_cu):
    count = Employer.objects.count()

    result = imports.run_import(
        employers_file(good_rows() + error_rows()[:1]), actor=staff_user, dry_run=False
    )

    assert result.has_errors
    assert Employer.objects.count() == count
    alpha.refresh_from_db()
    assert alpha.employees == 10


def test_xlsx_cells_are_read_with_their_types(staff_user, alpha, nao_cu):
    header = EMPLOYER_HEADER
    rows = [
        {
            "legal_name": "Harbour View Lodge Ltd.",
            "account_number": 1234567,
            "region": "Vancouver Island",
            "sector": "accommodation",
            "employees": 12,
            "payroll_hours": 41600.0,
            "classification_units": 761001,
            "nao_approved_on": datetime(2024, 5, 1),
            "nao_reference": "NAO-1",
        },
        {
            "legal_name": "Alpha Lodge Ltd.",
            "account_number": 7000001.0,
            "city": "Nanaimo",
            "region": "Vancouver Island",
            "sector": "Accommodation",
            "employees": 10,
            "classification_units": "761001 732044",
        },
        {},  # a blank row in the middle is skipped
        {
            "legal_name": "Nowhere Ltd.",
            "account_number": 5678901,
            "region": "Nowhere",
            "sector": "Ski",
            "classification_units": 761001,
        },
    ]
    source = imports.load_file(
        kind="employers", filename="Employers.XLSX", content=as_xlsx(rows, header)
    )

    preview = imports.run_import(source, actor=staff_user, dry_run=True)

    assert [(row.number, row.action) for row in preview.rows] == [
        (2, "new"),
        (3, "update"),
        (5, "error"),
    ]
    assert preview.rows[1].changes == [Change("classification_units", "761001", "732044 761001")]
    assert "Nowhere" in messages_of(preview.rows[2])["region"]
    assert not Employer.objects.filter(account_number="1234567").exists()

    source = imports.load_file(
        kind="employers", filename="employers.xlsx", content=as_xlsx(rows[:2], header)
    )
    imported = imports.run_import(source, actor=staff_user, dry_run=False)

    assert imported.counts == {"new": 1, "update": 1, "unchanged": 0, "error": 0}
    harbour = Employer.objects.get(account_number="1234567")
    assert harbour.payroll_hours == Decimal("41600")
    assert harbour.size_class == "large"
    assert harbour.nao_approved_on == date(2024, 5, 1)
    assert {h.history_user for h in harbour.history.all()} == {staff_user}
    assert alpha.classification_units.count() == 2


# Contacts -------------------------------------------------------------------------------------


def contact_row(**values):
    return dict.fromkeys(CONTACT_HEADER, "") | values


@pytest.fixture
def contacts_of_a(employer_a):
    previous = ContactFactory(
        employer=employer_a,
        first_name="Pat",
        last_name="Old",
        email="pat@example.org",
        is_primary=True,
    )
    sam = ContactFactory(
        employer=employer_a,
        first_name="Sam",
        last_name="Cook",
        title="Cook",
        email="sam@example.org",
    )
    return previous, sam


def contact_rows(employer):
    number = employer.account_number
    return [
        contact_row(
            account_number=number,
            first_name="Jordan",
            last_name="Lee",
            email="jordan@example.org",
            phone="250-555-0142",
            is_primary="Yes",
        ),
        contact_row(
            account_number=number,
            first_name="Sam",
            last_name="Cook",
            title="Chef",
            email="SAM@example.org",
            is_primary="no",
        ),
    ]


def test_contacts_dry_run_shows_changes_and_errors(staff_user, employer_a, contacts_of_a):
    rows = [
        *contact_rows(employer_a),
        contact_row(account_number="999999", first_name="No", last_name="Body", email="n@x.org"),
        contact_row(
            account_number=employer_a.account_number,
            first_name="Maybe",
            last_name="Primary",
            email="maybe@example.org",
            is_primary="perhaps",
        ),
    ]

    result = imports.run_import(contacts_file(rows), actor=staff_user, dry_run=True)

    assert result.counts == {"new": 1, "update": 1, "unchanged": 0, "error": 2}
    new, sam, unknown, maybe = result.rows
    assert new.notes == ["Replaces Pat Old as the primary contact."]
    assert Change("is_primary", "", "yes") in new.changes
    assert Change("title", "Cook", "Chef") in sam.changes
    assert "999999" in messages_of(unknown)["account_number"]
    assert messages_of(maybe)["is_primary"] == "Enter yes or no."
    assert employer_a.contacts.count() == 2
    assert employer_a.contacts.get(is_primary=True).email == "pat@example.org"


def test_contacts_import_sets_the_primary_contact(staff_user, employer_a, contacts_of_a):
    previous, sam = contacts_of_a

    result = imports.run_import(
        contacts_file(contact_rows(employer_a)), actor=staff_user, dry_run=False
    )

    assert result.counts == {"new": 1, "update": 1, "unchanged": 0, "error": 0}
    primary = employer_a.contacts.get(is_primary=True)
    assert (primary.full_name, primary.phone) == ("Jordan Lee", "250-555-0142")
    assert primary.history.get().history_user == staff_user
    sam.refresh_from_db()
    assert (sam.title, sam.email) == ("Chef", "sam@example.org")  # the email is the key
    previous.refresh_from_db()
    assert not previous.is_primary


def test_two_primary_contacts_for_one_employer_is_an_error(staff_user, employer_a):
    rows = [
        contact_row(
            account_number=employer_a.account_number,
            first_name=name,
            last_name="Lee",
            email=f"{name}@example.org",
            is_primary="yes",
        )
        for name in ("ana", "ben")
    ]

    result = imports.run_import(contacts_file(rows), actor=staff_user, dry_run=True)

    assert [row.action for row in result.rows] == ["new", "error"]
    assert "Row 2" in messages_of(result.rows[1])["is_primary"]


def test_a_contacts_file_repeated_is_unchanged(staff_user, employer_a, contacts_of_a):
    imports.run_import(contacts_file(contact_rows(employer_a)), actor=staff_user, dry_run=False)

    again = imports.run_import(
        contacts_file(contact_rows(employer_a)), actor=staff_user, dry_run=True
    )

    assert again.counts == {"new": 0, "update": 0, "unchanged": 2, "error": 0}


# Reading files --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "header", "expected"),
    [
        ("employers", "legal_name,account_number\n", "region, sector, classification_units"),
        ("contacts", "account_number,email\n", "first_name, last_name"),
        ("employers", ",".join(CONTACT_HEADER) + "\n", "file of contacts"),
        ("contacts", ",".join(EMPLOYER_HEADER) + "\n", "file of employers"),
    ],
)
def test_missing_columns_are_named(db, kind, header, expected):
    content = (header + "x," * header.count(",") + "x\n").encode()

    with pytest.raises(imports.ImportFileError) as caught:
        imports.load_file(kind=kind, filename="f.csv", content=content)

    assert expected in caught.value.messages[0]


def test_headers_are_read_loosely_and_unknown_columns_ignored(db):
    content = b"Legal Name;Account-Number;REGION;sector;classification units;Notes\nA;1;b;c;d;e\n"

    source = imports.load_file(kind="employers", filename="f.csv", content=content)

    assert source.table.columns == (
        "legal_name",
        "account_number",
        "region",
        "sector",
        "classification_units",
    )
    assert source.table.ignored == ("notes",)
    assert source.table.rows == (
        (
            2,
            {
                "legal_name": "A",
                "account_number": "1",
                "region": "b",
                "sector": "c",
                "classification_units": "d",
            },
        ),
    )


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("f.xlsx", b"legal_name,account_number\n", "Excel workbook"),
        ("f.csv", b"PK\x03\x04\x00\x00binary", "not a CSV text file"),
        ("f.csv", ",".join(EMPLOYER_HEADER).encode() + b"\n", "no rows"),
        ("f.csv", b"legal_name,account_number\na,b,c,d\n", "more cells"),
        ("f.csv", b"legal_name,Legal Name\na,b\n", "appears twice"),
    ],
)
def test_unreadable_files_are_refused_with_a_reason(db, name, content, expected):
    with pytest.raises(imports.ImportFileError) as caught:
        imports.load_file(kind="employers", filename=name, content=content)

    assert expected in caught.value.messages[0]


def test_a_file_over_the_row_cap_is_refused(db, monkeypatch):
    monkeypatch.setattr(shared_imports, "MAX_ROWS", 2)

    with pytest.raises(imports.ImportFileError) as caught:
        employers_file(good_rows()[:3])

    assert "at most 2" in caught.value.messages[0]


def test_a_unicode_text_export_is_read(db):
    content = "\t".join(EMPLOYER_HEADER) + "\nCafé Ltd.\t1234567\n"

    source = imports.load_file(kind="employers", filename="f.csv", content=content.encode("utf-16"))

    assert source.table.rows[0][1]["legal_name"] == "Café Ltd."
    assert source.table.rows[0][1]["trade_name"] == "1234567"


def test_a_windows_csv_is_read(db):
    content = ",".join(EMPLOYER_HEADER).encode() + "\nCafé Ltd.".encode("cp1252") + b"\n"

    source = imports.load_file(kind="employers", filename="f.csv", content=content)

    assert source.table.rows[0][1]["legal_name"] == "Café Ltd."


def test_stale_uploads_are_purged(db):
    source = imports.load_file(kind="employers", filename="f.csv", content=as_csv(good_rows()[:1]))
    session = {}
    token = imports.stash_upload(session, source)
    name = session[imports.SESSION_KEY][token]["name"]
    old = (timezone.now() - timedelta(days=2)).timestamp()
    os.utime(default_storage.path(name), (old, old))

    imports.purge_stale_uploads()

    assert not default_storage.exists(name)
    assert imports.load_stashed(session, token) is None


# Pages ------------------------------------------------------------------------------------------

IMPORT_URL = reverse("employers:import")
CONFIRM_URL = reverse("employers:import-confirm")


def upload(content, name="employers.csv", kind="employers"):
    return {"kind": kind, "file": SimpleUploadedFile(name, content)}


def test_the_form_explains_and_links_the_templates(client, staff_user):
    client.force_login(staff_user)

    response = client.get(IMPORT_URL)

    assert response.status_code == 200
    html = response.content.decode()
    assert 'enctype="multipart/form-data"' in html
    for kind in ("employers", "contacts"):
        for fmt in ("csv", "xlsx"):
            assert f"{reverse('employers:import-template', args=[fmt])}?kind={kind}" in html
    assert "Nothing is saved until you confirm" in html


def test_the_employer_list_has_the_import_button_for_staff(client, staff_user):
    client.force_login(staff_user)

    response = client.get(reverse("employers:list"))

    assert f'href="{IMPORT_URL}"' in response.content.decode()


def test_staff_preview_then_confirm_an_import(client, staff_user, alpha, bravo, nao_cu):
    client.force_login(staff_user)

    response = client.post(IMPORT_URL, upload(as_csv(good_rows())))

    assert response.status_code == 200
    assert "employers/import_preview.html" in [t.name for t in response.templates]
    assert response.context["result"].counts == {
        "new": 2,
        "update": 1,
        "unchanged": 1,
        "error": 0,
    }
    html = response.content.decode()
    assert CONFIRM_URL in html
    assert "Nanaimo" in html
    assert not Employer.objects.filter(account_number="1234567").exists()
    token = response.context["token"]
    stored = client.session[imports.SESSION_KEY][token]["name"]
    assert default_storage.exists(stored)

    response = client.post(CONFIRM_URL, {"token": token}, follow=True)

    assert response.redirect_chain == [(reverse("employers:list"), 302)]
    assert "2 new, 1 updated, 1 unchanged" in response.content.decode()
    harbour = Employer.objects.get(account_number="1234567")
    assert {h.history_user for h in harbour.history.all()} == {staff_user}
    assert not default_storage.exists(stored)

    response = client.post(CONFIRM_URL, {"token": token}, follow=True)

    assert response.redirect_chain == [(IMPORT_URL, 302)]
    assert "This preview has expired" in response.content.decode()
    assert Employer.objects.filter(account_number="1234567").count() == 1


def test_a_preview_with_errors_offers_no_import(client, staff_user, alpha, bravo, nao_cu):
    client.force_login(staff_user)

    response = client.post(
        IMPORT_URL, upload(as_xlsx(good_rows() + error_rows(), EMPLOYER_HEADER), "e.xlsx")
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert CONFIRM_URL not in html
    assert "3 rows have errors, so nothing can be imported" in html
    assert 'href="#row-6"' in html
    assert "Atlantis" in html


def test_confirm_imports_nothing_when_a_row_has_become_wrong(client, staff_user, aligned_cu):
    client.force_login(staff_user)
    unit = ClassificationUnit.objects.create(code="799999", description="Soon gone")
    rows = [good_rows()[0], good_rows()[1] | {"classification_units": "799999"}]
    token = client.post(IMPORT_URL, upload(as_csv(rows))).context["token"]
    unit.delete()

    response = client.post(CONFIRM_URL, {"token": token})

    assert response.status_code == 200
    html = response.content.decode()
    assert "Nothing was imported" in html
    assert "799999" in html
    assert not Employer.objects.filter(account_number__in=["1234567", "2345678"]).exists()


def test_a_file_without_the_needed_columns_is_a_form_error(client, staff_user):
    client.force_login(staff_user)

    response = client.post(IMPORT_URL, upload(b"name,number\nA,1\n"))

    assert response.status_code == 200
    assert "missing the columns" in response.context["form"].errors["file"][0]
    assert "Please correct the errors below" in response.content.decode()


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("employers.pdf", b"%PDF-1.4", "Upload a .csv or .xlsx file."),
        ("employers.xlsx", b"not a workbook", "could not be read as an Excel workbook"),
    ],
)
def test_bad_files_are_form_errors(client, staff_user, name, content, expected):
    client.force_login(staff_user)

    response = client.post(IMPORT_URL, upload(content, name))

    assert response.status_code == 200
    assert expected in response.context["form"].errors["file"][0]


def test_a_file_over_the_size_cap_is_refused(client, staff_user, settings):
    settings.UPLOAD_MAX_BYTES = 100
    client.force_login(staff_user)

    response = client.post(IMPORT_URL, upload(as_csv(good_rows())))

    assert "largest accepted" in response.context["form"].errors["file"][0]


@pytest.mark.parametrize("kind", ["employers", "contacts"])
@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_template_download_parses_back(client, staff_user, aligned_cu, kind, fmt):
    client.force_login(staff_user)

    response = client.get(reverse("employers:import-template", args=[fmt]), {"kind": kind})

    assert response.status_code == 200
    assert response["Content-Type"] == imports.CONTENT_TYPES[fmt]
    assert f'filename="{kind}-import-template.{fmt}"' in response["Content-Disposition"]
    source = imports.load_file(kind=kind, filename=f"t.{fmt}", content=response.content)
    assert source.table.columns == tuple(c.name for c in imports.COLUMNS[kind])
    assert len(source.table.rows) == 1
    if kind == "employers":
        result = imports.run_import(source, actor=staff_user, dry_run=True)
        assert result.counts["new"] == 1


@pytest.mark.parametrize(("fmt", "kind"), [("pdf", "employers"), ("csv", "auditors")])
def test_an_unknown_template_is_404(client, staff_user, fmt, kind):
    client.force_login(staff_user)

    response = client.get(reverse("employers:import-template", args=[fmt]), {"kind": kind})

    assert response.status_code == 404


TEMPLATE_URL = reverse("employers:import-template", args=["csv"])


@pytest.mark.parametrize(
    ("method", "url"), [("get", IMPORT_URL), ("post", CONFIRM_URL), ("get", TEMPLATE_URL)]
)
def test_an_employer_user_is_refused(client, employer_a_user, method, url):
    client.force_login(employer_a_user)

    assert getattr(client, method)(url).status_code == 403


@pytest.mark.parametrize(
    ("method", "url"), [("get", IMPORT_URL), ("post", CONFIRM_URL), ("get", TEMPLATE_URL)]
)
def test_anonymous_is_sent_to_login(client, db, method, url):
    response = getattr(client, method)(url)

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
