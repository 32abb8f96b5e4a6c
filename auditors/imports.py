"""Import course completions from the learning management system's CSV or XLSX export.

Each row is one person who completed one course on a date; ``services.record_completion``
writes it, matching the person to an auditor by email. A completion already recorded (the
same course, email and date) is reported as unchanged, not as an error, so the LMS export can
be imported again as it grows. Reading the file, the dry run, the preview and the stored
upload are the shared machinery of ``cor_portal.imports``.
"""

from typing import Any

from django.db.models.functions import Lower
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cor_portal import imports as shared
from cor_portal.imports import NEW, Change, Column, FileKind, ImportFile, RowError, RowResult
from employers.models import Employer

from . import services
from .choices import CompletionSource, CourseKind
from .models import Course, CourseCompletion

COMPLETIONS = "completions"

COMPLETION_COLUMNS = (
    Column(
        "course",
        True,
        gettext_lazy(
            "The course's code in the portal, or its name: ohs-program-fundamentals or "
            "OHS Program Fundamentals."
        ),
        "ohs-program-fundamentals",
    ),
    Column("name", True, gettext_lazy("The person's full name."), "Jordan Lee"),
    Column(
        "email",
        True,
        gettext_lazy("The person's email; an auditor with this email is linked to the record."),
        "jordan.lee@example.org",
    ),
    Column(
        "completed_on",
        True,
        gettext_lazy("The day the course was completed, as YYYY-MM-DD."),
        "2025-03-31",
    ),
    Column(
        "account_number",
        False,
        gettext_lazy(
            "The WorkSafeBC account number of the person's employer, if it is in the portal."
        ),
    ),
)


class CompletionImporter(shared.RowImporter):
    """Rows of completions: new ones are recorded, those already recorded left alone."""

    key_column = "email"
    parsers = {"completed_on": shared.parse_date}

    def prepare(self) -> None:
        rows = [cells for _number, cells in self.table.rows]
        courses = list(Course.objects.all())
        self.by_code = {course.code.lower(): course for course in courses}
        self.by_name = {course.name.lower(): course for course in courses}
        numbers = {cells.get("account_number", "") for cells in rows} - {""}
        self.employers = {
            employer.account_number: employer
            for employer in Employer.objects.filter(account_number__in=numbers)
        }
        emails = {cells["email"].strip().lower() for cells in rows} - {""}
        self.recorded = set(
            CourseCompletion.objects.annotate(email_key=Lower("email"))
            .filter(email_key__in=emails)
            .values_list("course_id", "email_key", "completed_on")
        )

    def apply(self, row: RowResult, cells: dict[str, str]) -> None:
        email = cells["email"].strip()
        row.key, row.name = email, cells["name"]
        completed_on = self.parse(row, cells, ["completed_on"]).get("completed_on")
        course = self.find_course(row, cells["course"].strip())
        employer = self.find_employer(row, cells.get("account_number", "").strip())
        if not email:
            row.errors.append(RowError("email", _("Give the person's email.")))
        if not cells["completed_on"]:
            row.errors.append(RowError("completed_on", _("Give the day the course was completed.")))
        if row.errors or course is None or completed_on is None:
            return
        key = (course.pk, email.lower(), completed_on)
        first = self.first_row_with(row, " ".join(map(str, key)))
        if key in self.recorded:
            row.notes.append(_("Already recorded."))
        elif first is not None:
            row.notes.append(_("The same completion as row %(row)s.") % {"row": first})
        else:
            self.record(row, cells["name"], email, course, completed_on, employer)

    def record(
        self, row: RowResult, name: str, email: str, course: Course, on: Any, employer: Any
    ) -> None:
        """Record a new completion through the service, and say what it holds."""
        completion = services.record_completion(
            actor=self.actor,
            course=course,
            name=name,
            email=email,
            completed_on=on,
            employer=employer,
            source=CompletionSource.LMS,
        )
        row.action = NEW
        row.changes = [
            Change("course", "", course.name),
            Change("completed_on", "", on.isoformat()),
        ]
        if completion.employer is not None:
            row.changes.append(Change("employer", "", completion.employer.legal_name))
        if completion.auditor is not None:
            row.changes.append(Change("auditor", "", completion.auditor.name))

    def find_course(self, row: RowResult, text: str) -> Course | None:
        """Return the course a cell names by code or by name (any case)."""
        course = self.by_code.get(text.lower()) or self.by_name.get(text.lower())
        if course is None:
            message = _("There is no course “%(course)s” in the portal; add it first.") % {
                "course": text
            }
            row.errors.append(RowError("course", message if text else _("Name the course.")))
        return course

    def find_employer(self, row: RowResult, number: str) -> Employer | None:
        """Return the employer of an account number; an empty cell is no employer."""
        if not number:
            return None
        employer = self.employers.get(number)
        if employer is None:
            row.errors.append(
                RowError(
                    "account_number",
                    _("No employer in the portal has the account number %(number)s.")
                    % {"number": number},
                )
            )
        return employer


def _examples() -> dict[str, Any]:
    """Return a real employer course's code for the template's example row."""
    course = (
        Course.objects.filter(kind=CourseKind.EMPLOYER_COURSE, active=True).order_by("code").first()
    )
    return {"course": course.code} if course is not None else {}


COMPLETION_FILE = FileKind(
    name=COMPLETIONS,
    label=gettext_lazy("course completions"),
    record_label=gettext_lazy("completion"),
    columns=COMPLETION_COLUMNS,
    importer=CompletionImporter,
    examples=_examples,
    missing_key=gettext_lazy("no email"),
    updates=False,
)
KINDS: dict[str, FileKind] = {COMPLETIONS: COMPLETION_FILE}


def read_upload(upload: Any) -> ImportFile:
    """Read an uploaded LMS export; raise ImportFileError when it cannot be imported."""
    return shared.read_upload(COMPLETION_FILE, upload)


def load_file(*, filename: str, content: bytes) -> ImportFile:
    """Read an LMS export's content; raise ImportFileError when it cannot be imported."""
    return shared.load_file(COMPLETION_FILE, filename=filename, content=content)
