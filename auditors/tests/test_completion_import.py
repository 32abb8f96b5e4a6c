"""Importing course completions from an LMS export: the dry run, the import, the pages."""

import csv
import io
from datetime import date, timedelta

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook

from auditors import imports
from auditors.choices import AuditorKind, CompletionSource, CourseKind
from auditors.models import CourseCompletion
from auditors.tests.factories import AuditorFactory, CourseFactory
from cor_portal import imports as shared
from employers import imports as employer_imports

pytestmark = pytest.mark.django_db

HEADER = [column.name for column in imports.COMPLETION_COLUMNS]
IMPORT_URL = reverse("auditors:completion-import")
CONFIRM_URL = reverse("auditors:completion-import-confirm")


def as_csv(rows, header=HEADER):
    stream = io.StringIO()
    writer = csv.DictWriter(stream, fieldnames=header)
    writer.writeheader()
    writer.writerows(rows)
    return stream.getvalue().encode()


def as_xlsx(rows, header=HEADER):
    book = Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append([row.get(name) for name in header])
    stream = io.BytesIO()
    book.save(stream)
    return stream.getvalue()


def row(**values):
    return dict.fromkeys(HEADER, "") | values


def messages_of(result_row):
    return {error.column: error.message for error in result_row.errors}


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def fundamentals():
    return CourseFactory(
        code="ohs-program-fundamentals",
        name="OHS Program Fundamentals",
        kind=CourseKind.EMPLOYER_COURSE,
    )


@pytest.fixture
def orientation():
    return CourseFactory(
        code="hs-orientation", name="Health & Safety Orientation", kind=CourseKind.EMPLOYER_COURSE
    )


@pytest.fixture
def jordan(employer_a):
    """An internal auditor of employer A whose login has the email of a row."""
    auditor = AuditorFactory(kind=AuditorKind.INTERNAL, employer=employer_a)
    auditor.user.email = "jordan.lee@example.org"
    auditor.user.save()
    return auditor


@pytest.fixture
def recorded(fundamentals):
    """A completion already in the portal, which the file repeats."""
    return CourseCompletion.objects.create(
        course=fundamentals,
        name="Pat Old",
        email="pat@example.org",
        completed_on=date(2025, 1, 15),
        source=CompletionSource.LMS,
    )


def rows_of(employer_b):
    return [
        row(
            course="ohs-program-fundamentals",
            name="Jordan Lee",
            email="Jordan.Lee@example.org",
            completed_on="2025-03-31",
        ),
        row(
            course="health & safety orientation",
            name="Sam Cook",
            email="sam@example.org",
            completed_on="2025-04-02",
            account_number=employer_b.account_number,
        ),
        row(
            course="OHS-Program-Fundamentals",
            name="Pat Old",
            email="PAT@example.org",
            completed_on="2025-01-15",
        ),
    ]


def error_rows():
    return [
        row(
            course="first-aid", name="Una Known", email="una@example.org", completed_on="2025-02-01"
        ),
        row(
            course="ohs-program-fundamentals",
            name="Bad Date",
            email="bad@example.org",
            completed_on="31/03/2025",
        ),
        row(
            course="ohs-program-fundamentals",
            name="No Employer",
            email="no@example.org",
            completed_on="2025-02-01",
            account_number="9999999",
        ),
        row(course="ohs-program-fundamentals", name="No Email", completed_on="2025-02-01"),
    ]


def completions_file(rows, name="lms.csv"):
    content = as_xlsx(rows) if name.endswith(".xlsx") else as_csv(rows)
    return imports.load_file(filename=name, content=content)


# The dry run and the import -----------------------------------------------------------------


@pytest.mark.usefixtures("orientation", "recorded")
@pytest.mark.parametrize("name", ["lms.csv", "lms.xlsx"])
def test_the_dry_run_reports_every_row_and_writes_nothing(
    staff_user, jordan, employer_b, fundamentals, name
):
    result = shared.run_import(
        completions_file(rows_of(employer_b) + error_rows(), name), actor=staff_user, dry_run=True
    )

    assert result.counts == {"new": 2, "update": 0, "unchanged": 1, "error": 4}
    new, sam, pat, unknown, bad_date, no_employer, no_email = result.rows
    assert (new.action, new.name, new.key) == ("new", "Jordan Lee", "Jordan.Lee@example.org")
    assert shared.Change("auditor", "", jordan.name) in new.changes
    assert shared.Change("employer", "", jordan.employer.legal_name) in new.changes
    assert shared.Change("course", "", "Health & Safety Orientation") in sam.changes
    assert shared.Change("employer", "", employer_b.legal_name) in sam.changes
    assert (pat.action, pat.notes) == ("unchanged", ["Already recorded."])
    assert "first-aid" in messages_of(unknown)["course"]
    assert "YYYY-MM-DD" in messages_of(bad_date)["completed_on"]
    assert "9999999" in messages_of(no_employer)["account_number"]
    assert "email" in messages_of(no_email)
    assert CourseCompletion.objects.count() == 1


def test_an_unknown_course_is_an_error_of_its_row(staff_user, fundamentals):
    rows = [row(course="first-aid", name="Una", email="una@example.org", completed_on="2025-02-01")]

    result = shared.run_import(completions_file(rows), actor=staff_user, dry_run=False)

    assert result.has_errors
    assert messages_of(result.rows[0]) == {
        "course": "There is no course “first-aid” in the portal; add it first."
    }
    assert not CourseCompletion.objects.exists()


def test_the_import_records_through_the_service(staff_user, jordan, employer_b, fundamentals):
    CourseFactory(code="hs-orientation", name="Health & Safety Orientation")

    result = shared.run_import(
        completions_file(rows_of(employer_b)[:2]), actor=staff_user, dry_run=False
    )

    assert result.counts == {"new": 2, "update": 0, "unchanged": 0, "error": 0}
    assert "2 new, 0 updated, 0 unchanged" in result.summary()
    jordans = CourseCompletion.objects.get(email="Jordan.Lee@example.org")
    assert (jordans.course, jordans.completed_on) == (fundamentals, date(2025, 3, 31))
    assert (jordans.auditor, jordans.employer) == (jordan, jordan.employer)
    assert jordans.source == CompletionSource.LMS
    assert CourseCompletion.objects.get(name="Sam Cook").employer == employer_b


def test_a_file_imported_again_is_unchanged(staff_user, fundamentals):
    rows = [
        row(
            course=fundamentals.code, name="Ana", email="ana@example.org", completed_on="2025-02-01"
        )
    ]
    shared.run_import(completions_file(rows), actor=staff_user, dry_run=False)

    again = shared.run_import(completions_file(rows), actor=staff_user, dry_run=True)

    assert again.counts == {"new": 0, "update": 0, "unchanged": 1, "error": 0}
    assert not again.has_changes


def test_a_row_repeated_in_the_file_is_unchanged(staff_user, fundamentals):
    first = row(
        course=fundamentals.code, name="Ana", email="ana@example.org", completed_on="2025-02-01"
    )
    rows = [first, first | {"email": "ANA@example.org"}]

    result = shared.run_import(completions_file(rows), actor=staff_user, dry_run=False)

    assert [r.action for r in result.rows] == ["new", "unchanged"]
    assert result.rows[1].notes == ["The same completion as row 2."]
    assert CourseCompletion.objects.count() == 1


def test_a_completion_in_the_future_is_refused(staff_user, fundamentals, today):
    later = (today + timedelta(days=3)).isoformat()
    rows = [row(course=fundamentals.code, name="Ana", email="ana@example.org", completed_on=later)]

    result = shared.run_import(completions_file(rows), actor=staff_user, dry_run=True)

    assert "future" in messages_of(result.rows[0])["completed_on"]


def test_a_file_without_the_columns_is_refused():
    with pytest.raises(shared.ImportFileError) as caught:
        imports.load_file(filename="f.csv", content=b"course,name\nx,y\n")

    assert "email, completed_on" in caught.value.messages[0]


def test_an_employer_preview_token_cannot_be_confirmed_here(staff_user, client, aligned_cu):
    client.force_login(staff_user)
    employers = employer_imports.load_file(
        kind="employers",
        filename="e.csv",
        content=(
            b"legal_name,account_number,region,sector,classification_units\n"
            b"A Ltd.,1234567,Northern BC,Ski,761001\n"
        ),
    )
    session = client.session
    token = shared.stash_upload(session, employers)
    session.save()

    response = client.post(CONFIRM_URL, {"token": token}, follow=True)

    assert response.redirect_chain == [(IMPORT_URL, 302)]
    assert "This preview has expired" in response.content.decode()


@pytest.fixture
def aligned_cu():
    from employers.tests.factories import ClassificationUnitFactory

    return ClassificationUnitFactory(code="761001", aligned=True)


# Pages --------------------------------------------------------------------------------------


def upload(content, name="lms.csv"):
    return {"file": SimpleUploadedFile(name, content)}


def test_the_form_explains_the_columns_and_links_the_templates(client, staff_user):
    client.force_login(staff_user)

    response = client.get(IMPORT_URL)

    html = response.content.decode()
    assert 'enctype="multipart/form-data"' in html
    assert "Nothing is saved until you confirm" in html
    for fmt in ("csv", "xlsx"):
        assert reverse("auditors:completion-import-template", args=[fmt]) in html
    for name in HEADER:
        assert f"<code>{name}</code>" in html


@pytest.mark.usefixtures("recorded")
def test_staff_preview_then_confirm_an_import(client, staff_user, jordan, employer_b, orientation):
    client.force_login(staff_user)

    response = client.post(IMPORT_URL, upload(as_xlsx(rows_of(employer_b)), "lms.xlsx"))

    assert response.status_code == 200
    assert "auditors/completion_import_preview.html" in [t.name for t in response.templates]
    html = response.content.decode()
    assert "Check the import of course completions" in html
    assert "Already recorded." in html
    assert CONFIRM_URL in html
    assert CourseCompletion.objects.count() == 1
    token = response.context["token"]
    stored = client.session[shared.SESSION_KEY][token]["name"]

    response = client.post(CONFIRM_URL, {"token": token}, follow=True)

    assert response.redirect_chain == [(reverse("auditors:completion-list"), 302)]
    assert "2 new, 0 updated, 1 unchanged" in response.content.decode()
    assert CourseCompletion.objects.count() == 3
    assert not default_storage.exists(stored)


def test_a_preview_with_errors_offers_no_import(client, staff_user, fundamentals):
    client.force_login(staff_user)

    response = client.post(IMPORT_URL, upload(as_csv(error_rows())))

    html = response.content.decode()
    assert "4 rows have errors, so nothing can be imported" in html
    assert CONFIRM_URL not in html
    assert "first-aid" in html


def test_a_bad_file_is_a_form_error(client, staff_user):
    client.force_login(staff_user)

    response = client.post(IMPORT_URL, upload(b"%PDF-1.4", "lms.pdf"))

    assert response.status_code == 200
    assert response.context["form"].errors["file"] == ["Upload a .csv or .xlsx file."]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_the_template_download_parses_back(client, staff_user, fundamentals, fmt):
    client.force_login(staff_user)

    response = client.get(reverse("auditors:completion-import-template", args=[fmt]))

    assert response["Content-Disposition"].endswith(f'completions-import-template.{fmt}"')
    source = imports.load_file(filename=f"t.{fmt}", content=response.content)
    assert source.table.columns == tuple(HEADER)
    assert source.table.rows[0][1]["course"] == fundamentals.code
    result = shared.run_import(source, actor=staff_user, dry_run=True)
    assert result.counts["new"] == 1


def test_an_unknown_template_format_is_404(client, staff_user):
    client.force_login(staff_user)

    response = client.get(reverse("auditors:completion-import-template", args=["pdf"]))

    assert response.status_code == 404


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("get", IMPORT_URL),
        ("post", IMPORT_URL),
        ("post", CONFIRM_URL),
        ("get", reverse("auditors:completion-import-template", args=["csv"])),
    ],
)
@pytest.mark.parametrize("user", ["employer_a_user", "auditor_user", "board_user"])
def test_only_staff_may_import(client, request, method, url, user):
    client.force_login(request.getfixturevalue(user))

    response = getattr(client, method)(url)

    assert response.status_code == 403
    assert not CourseCompletion.objects.exists()
