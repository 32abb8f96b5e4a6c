"""Import employers and contacts from CSV or XLSX files, with a dry run that shows the changes.

A file is read into a tablib ``Dataset``; each row is parsed into the keyword arguments of a
service in ``employers.services``, which makes every write. The dry run makes exactly the same
writes inside a transaction that is then rolled back, so the preview shows what the services
would really do (size class, validation). The real import repeats them and keeps them only when
no row has an error: all or nothing.
"""

import codecs
import csv
import io
import re
import secrets
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

import tablib
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import DatabaseError, transaction
from django.db.models import TextChoices
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from tablib.exceptions import InvalidDimensions

from . import services
from .choices import Region, Sector, SizeClass
from .models import ClassificationUnit, Contact, Employer

EMPLOYERS = "employers"
CONTACTS = "contacts"
FORMATS = ("csv", "xlsx")
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
# Every row runs through the services twice (preview, then import), each time within the
# request; a new employer costs about 30 ms, so 500 rows stay well inside a worker's timeout.
MAX_ROWS = 500

NEW, UPDATE, UNCHANGED, ERROR = "new", "update", "unchanged", "error"
ACTION_LABELS = {
    NEW: gettext_lazy("New"),
    UPDATE: gettext_lazy("Update"),
    UNCHANGED: gettext_lazy("Unchanged"),
    ERROR: gettext_lazy("Error"),
}


@dataclass(frozen=True)
class Column:
    """A column an import file may have: its name in the header row and what goes in it."""

    name: str
    required: bool
    help: Any
    example: Any = ""


EMPLOYER_COLUMNS = (
    Column("legal_name", True, gettext_lazy("The registered name."), "Harbour View Lodge Ltd."),
    Column(
        "trade_name",
        False,
        gettext_lazy("The name it operates under, if different."),
        "Harbour View Lodge",
    ),
    Column(
        "account_number",
        True,
        gettext_lazy(
            "WorkSafeBC account number, digits only. A number already recorded updates that "
            "employer; a new one adds an enquiry. In Excel, make the column text so that "
            "leading zeros are kept."
        ),
        "1234567",
    ),
    Column("street", False, gettext_lazy("Street address."), "100 Wharf Street"),
    Column("city", False, gettext_lazy("City."), "Victoria"),
    Column("postal_code", False, gettext_lazy("Postal code."), "V8W 1T3"),
    Column(
        "region",
        True,
        gettext_lazy("A tourism region, by name or code: Vancouver Island or vancouver_island."),
        "Vancouver Island",
    ),
    Column(
        "sector",
        True,
        gettext_lazy("A sector, by name or code: Accommodation or accommodation."),
        "Accommodation",
    ),
    Column("employees", False, gettext_lazy("Employees in BC, a whole number."), 25),
    Column(
        "payroll_hours",
        False,
        gettext_lazy("Annual payroll hours; when given, they decide the size class."),
    ),
    Column(
        "classification_units",
        True,
        gettext_lazy("Six-digit CU codes already in the portal, separated by spaces or commas."),
        "761001",
    ),
    Column(
        "nao_approved_on",
        False,
        gettext_lazy(
            "Date of WorkSafeBC's approval of a naturally aligned organization, as YYYY-MM-DD."
        ),
    ),
    Column(
        "nao_reference",
        False,
        gettext_lazy("WorkSafeBC's approval reference; it needs the date."),
    ),
)
CONTACT_COLUMNS = (
    Column(
        "account_number",
        True,
        gettext_lazy("The WorkSafeBC account number of an employer in the portal."),
        "1234567",
    ),
    Column("first_name", True, gettext_lazy("First name."), "Jordan"),
    Column("last_name", True, gettext_lazy("Last name."), "Lee"),
    Column("title", False, gettext_lazy("Job title."), "Safety coordinator"),
    Column(
        "email",
        True,
        gettext_lazy("With the account number, it finds a contact to update."),
        "jordan.lee@example.org",
    ),
    Column("phone", False, gettext_lazy("Phone number."), "250-555-0142"),
    Column(
        "is_primary",
        False,
        gettext_lazy("yes or no; a new primary contact replaces the previous one."),
        "yes",
    ),
)
COLUMNS = {EMPLOYERS: EMPLOYER_COLUMNS, CONTACTS: CONTACT_COLUMNS}
KIND_LABELS = {EMPLOYERS: gettext_lazy("employers"), CONTACTS: gettext_lazy("contacts")}
RECORD_LABELS = {EMPLOYERS: gettext_lazy("employer"), CONTACTS: gettext_lazy("contact")}


class ImportFileError(ValidationError):
    """The file as a whole cannot be imported: unreadable, or without the columns it needs."""


class CellError(ValueError):
    """A cell whose text cannot be read as what its column holds."""


# Reading files ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Table:
    """The rows of a file: each row's number in the spreadsheet and its cells as text."""

    columns: tuple[str, ...]
    ignored: tuple[str, ...]
    rows: tuple[tuple[int, dict[str, str]], ...]


@dataclass(frozen=True)
class ImportFile:
    """An uploaded file of employers or contacts, read and checked."""

    kind: str
    filename: str
    content: bytes = field(repr=False)
    table: Table = field(repr=False)

    @property
    def format(self) -> str:
        return file_format(self.filename)

    @property
    def kind_label(self) -> str:
        return str(KIND_LABELS[self.kind])


def file_format(filename: str) -> str:
    """Return "xlsx" or "csv" by the file's name (the form accepts nothing else)."""
    return "xlsx" if filename.lower().endswith(".xlsx") else "csv"


def read_upload(*, kind: str, upload: Any) -> ImportFile:
    """Read an uploaded file; raise ImportFileError when it cannot be imported as ``kind``."""
    upload.seek(0)
    return load_file(kind=kind, filename=upload.name, content=upload.read())


def load_file(*, kind: str, filename: str, content: bytes) -> ImportFile:
    """Read a file's content; raise ImportFileError when it cannot be imported as ``kind``."""
    table = read_table(kind, _dataset(file_format(filename), content))
    return ImportFile(kind=kind, filename=filename, content=content, table=table)


def _dataset(fmt: str, content: bytes) -> tablib.Dataset:
    try:
        if fmt == "xlsx":
            return tablib.Dataset().load(io.BytesIO(content), format="xlsx")
        text = _decode(content)
        return tablib.Dataset().load(text, format="csv", delimiter=_delimiter(text))
    except ImportFileError:
        raise
    except InvalidDimensions:
        raise ImportFileError(
            _(
                "Some rows have more cells than the first row has column names. Name every "
                "column in the first row, or delete the extra cells."
            )
        )
    except csv.Error:
        raise ImportFileError(_("This file could not be read as CSV. Save it again as CSV."))
    except Exception:  # noqa: BLE001 - a damaged workbook can fail anywhere inside openpyxl
        raise ImportFileError(
            _(
                "This file could not be read as an Excel workbook (.xlsx). Save it again from "
                "your spreadsheet program, or upload it as CSV."
            )
        )


def _decode(content: bytes) -> str:
    if content.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        # Excel's "Unicode text" export.
        try:
            return content.decode("utf-16")
        except UnicodeDecodeError:
            pass
    if b"\x00" in content[:4096]:
        raise ImportFileError(
            _("This is not a CSV text file. Save the spreadsheet as CSV, or upload the .xlsx.")
        )
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        # Excel on Windows saves CSV in its own code page rather than UTF-8.
        return content.decode("cp1252", errors="replace")


def _delimiter(text: str) -> str:
    """Return the separator of the header row: comma, semicolon (some locales) or tab."""
    first = text.split("\n", 1)[0]
    return max([",", ";", "\t"], key=first.count)


def _header(value: Any) -> str:
    return re.sub(r"[\s\-]+", "_", str(value if value is not None else "").strip().lower())


def _cell(value: Any) -> str:
    """Return a cell as text; XLSX cells come typed (numbers, dates, booleans)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def read_table(kind: str, dataset: tablib.Dataset) -> Table:
    """Return the rows of a dataset, refusing it without the columns ``kind`` needs."""
    known = {column.name for column in COLUMNS[kind]}
    headers = [_header(name) for name in dataset.headers or []]
    positions: dict[str, int] = {}
    ignored = []
    for index, name in enumerate(headers):
        if name in positions:
            raise ImportFileError(
                _("The column %(column)s appears twice; keep one.") % {"column": name}
            )
        if name in known:
            positions[name] = index
        elif name:
            ignored.append(name)
    _check_columns(kind, set(positions), set(headers))
    rows = []
    for number, values in enumerate(dataset, start=2):
        if not any(_cell(value) for value in values):
            continue
        rows.append((number, {name: _cell(values[index]) for name, index in positions.items()}))
    if not rows:
        raise ImportFileError(_("The file has no rows under its column names."))
    if len(rows) > MAX_ROWS:
        raise ImportFileError(
            _("The file has %(count)s rows; import at most %(max)s at a time.")
            % {"count": f"{len(rows):,}", "max": f"{MAX_ROWS:,}"}
        )
    return Table(columns=tuple(positions), ignored=tuple(ignored), rows=tuple(rows))


def _check_columns(kind: str, present: set[str], headers: set[str]) -> None:
    missing = [c.name for c in COLUMNS[kind] if c.required and c.name not in present]
    if not missing:
        return
    message = ngettext(
        "The file has no %(columns)s column.",
        "The file is missing the columns %(columns)s.",
        len(missing),
    ) % {"columns": ", ".join(missing)}
    other = CONTACTS if kind == EMPLOYERS else EMPLOYERS
    if all(c.name in headers for c in COLUMNS[other] if c.required):
        message += " " + _("It looks like a file of %(other)s: choose that above.") % {
            "other": KIND_LABELS[other]
        }
    else:
        message += " " + _("The first row must name the columns, as in the template.")
    raise ImportFileError(message)


# Parsing cells ------------------------------------------------------------------------------


def _choice(choices: type[TextChoices], noun: Any) -> Callable[[str], str]:
    """Return a parser that accepts a choice's stored value or its label, in any case."""

    lookups: dict[str | None, dict[str, str]] = {}  # per language: labels are translated

    def parse(text: str) -> str:
        if not text:
            return ""
        language = translation.get_language()
        if language not in lookups:
            lookup = {str(value).lower(): value for value in choices.values}
            lookup.update({str(label).lower(): value for value, label in choices.choices})
            lookups[language] = lookup
        try:
            return lookups[language][text.lower()]
        except KeyError:
            raise CellError(
                _("“%(value)s” is not a %(noun)s. Use one of: %(choices)s.")
                % {
                    "value": text,
                    "noun": noun,
                    "choices": "; ".join(str(label) for label in choices.labels),
                }
            )

    return parse


def _whole_number(text: str) -> int | None:
    if not text:
        return None
    try:
        number = Decimal(text.replace(",", ""))
    except InvalidOperation:
        number = Decimal("NaN")
    if not number.is_finite() or number != number.to_integral_value():
        raise CellError(_("Enter a whole number, such as 25."))
    return int(number)


def _decimal(text: str) -> Decimal | None:
    if not text:
        return None
    try:
        number = Decimal(text.replace(",", "").replace(" ", ""))
    except InvalidOperation:
        number = Decimal("NaN")
    if not number.is_finite():
        raise CellError(_("Enter a number, such as 41600 or 41600.5."))
    return number


def _date(text: str) -> date | None:
    if not text:
        return None
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        raise CellError(_("Enter the date as YYYY-MM-DD, such as 2024-03-31."))


def _yes_no(text: str) -> bool:
    answer = text.lower()
    if answer in {"yes", "y", "true", "1"}:
        return True
    if answer in {"", "no", "n", "false", "0"}:
        return False
    raise CellError(_("Enter yes or no."))


PARSERS: dict[str, Callable[[str], Any]] = {
    "region": _choice(Region, gettext_lazy("region")),
    "sector": _choice(Sector, gettext_lazy("sector")),
    "employees": _whole_number,
    "payroll_hours": _decimal,
    "nao_approved_on": _date,
    "is_primary": _yes_no,
}


def _display(column: str, value: Any) -> str:
    """Return a value as the preview shows it."""
    if value is None or value == "":
        return ""
    labels = {"region": Region, "sector": Sector, "size_class": SizeClass}
    if column in labels:
        return str(dict(labels[column].choices).get(value, value))
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


# Results ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Change:
    """One value of a record: its column, as it is and as the import leaves it."""

    column: str
    old: str
    new: str


@dataclass(frozen=True)
class RowError:
    """A reason a row cannot be imported; ``column`` is empty when it is about the whole row."""

    column: str
    message: str


@dataclass
class RowResult:
    """What importing one row does: add, update, leave alone, or refuse it, and why."""

    number: int
    key: str = ""
    name: str = ""
    action: str = UNCHANGED
    changes: list[Change] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def action_label(self) -> str:
        return str(ACTION_LABELS[self.action])


@dataclass
class ImportResult:
    """The outcome of a file, row by row; a dry run or a real import."""

    kind: str
    filename: str
    dry_run: bool
    rows: list[RowResult]
    ignored_columns: tuple[str, ...] = ()

    LISTED_ERRORS = 100

    @property
    def counts(self) -> dict[str, int]:
        counts = dict.fromkeys(ACTION_LABELS, 0)
        for row in self.rows:
            counts[row.action] += 1
        return counts

    @property
    def has_errors(self) -> bool:
        return any(row.action == ERROR for row in self.rows)

    @property
    def has_changes(self) -> bool:
        return any(row.action in (NEW, UPDATE) for row in self.rows)

    @property
    def error_rows(self) -> list[RowResult]:
        return [row for row in self.rows if row.action == ERROR]

    @property
    def listed_error_rows(self) -> list[RowResult]:
        return self.error_rows[: self.LISTED_ERRORS]

    @property
    def kind_label(self) -> str:
        return str(KIND_LABELS[self.kind])

    @property
    def record_label(self) -> str:
        return str(RECORD_LABELS[self.kind])

    def summary(self) -> str:
        """Return the counts in one sentence."""
        counts = self.counts
        return _(
            "Imported %(kind)s from %(file)s: %(new)s new, %(update)s updated, "
            "%(unchanged)s unchanged."
        ) % {"kind": self.kind_label, "file": self.filename, **counts}


def _errors_of(error: ValidationError) -> list[RowError]:
    """Return a service's refusal as messages per column."""
    if not hasattr(error, "error_dict"):
        return [RowError("", message) for message in error.messages]
    return [
        RowError("" if name == NON_FIELD_ERRORS else name, message)
        for name, messages in error.message_dict.items()
        for message in messages
    ]


# Running an import --------------------------------------------------------------------------


def run_import(
    source: ImportFile, *, actor: Any, dry_run: bool, on: date | None = None
) -> ImportResult:
    """Apply every row of the file through the services and report what each row did.

    Everything runs in one transaction. It is rolled back for a dry run, and for a real import
    when any row has an error, so a file is imported entirely or not at all.
    """
    importer_class = EmployerImporter if source.kind == EMPLOYERS else ContactImporter
    with transaction.atomic():
        importer = importer_class(source.table, actor=actor, on=on or timezone.localdate())
        result = ImportResult(
            kind=source.kind,
            filename=source.filename,
            dry_run=dry_run,
            rows=importer.run(),
            ignored_columns=source.table.ignored,
        )
        if dry_run or result.has_errors:
            transaction.set_rollback(True)
    return result


class RowImporter:
    """Apply a table's rows one by one, each in its own savepoint, collecting their results."""

    key_column = "account_number"

    def __init__(self, table: Table, *, actor: Any, on: date) -> None:
        self.table = table
        self.actor = actor
        self.on = on
        self.seen: dict[str, int] = {}

    def run(self) -> list[RowResult]:
        self.prepare()
        results = []
        for number, cells in self.table.rows:
            row = RowResult(number=number)
            try:
                with transaction.atomic():
                    self.apply(row, cells)
            except ValidationError as error:
                row.errors.extend(_errors_of(error))
            except DatabaseError as error:
                row.errors.append(
                    RowError("", _("The row could not be saved: %(error)s") % {"error": error})
                )
            if row.errors:
                row.action = ERROR
            results.append(row)
        return results

    def prepare(self) -> None:
        """Load what the rows refer to, in a few queries."""

    def apply(self, row: RowResult, cells: dict[str, str]) -> None:  # pragma: no cover
        raise NotImplementedError

    def parse(self, row: RowResult, cells: dict[str, str], columns: Iterable[str]) -> dict:
        """Return the cells as values; a cell that cannot be read becomes a row error."""
        values = {}
        for column in columns:
            try:
                values[column] = PARSERS.get(column, str)(cells[column])
            except CellError as error:
                row.errors.append(RowError(column, str(error)))
        return values

    def check_duplicate(self, row: RowResult, key: str, message: str) -> None:
        """Refuse a row whose key an earlier row of the file already has."""
        if not key:
            return
        if key in self.seen:
            row.errors.append(RowError(self.key_column, message % {"row": self.seen[key]}))
        else:
            self.seen[key] = row.number


class EmployerImporter(RowImporter):
    """Rows of employers, keyed by account number: a new number adds, a known one updates."""

    def prepare(self) -> None:
        numbers = [cells["account_number"] for _number, cells in self.table.rows]
        self.employers = {
            employer.account_number: employer
            for employer in Employer.objects.filter(account_number__in=numbers).prefetch_related(
                "classification_units"
            )
        }
        self.units = {unit.code: unit for unit in ClassificationUnit.objects.all()}

    def apply(self, row: RowResult, cells: dict[str, str]) -> None:
        number = cells["account_number"]
        employer = self.employers.get(number)
        row.key = number
        row.name = cells.get("legal_name") or (employer.legal_name if employer else "")
        self.check_duplicate(
            row, number, _("Row %(row)s has the same account number; keep one row per employer.")
        )
        columns = [c for c in self.table.columns if c != "classification_units"]
        values = self.parse(row, cells, columns)
        units = self.parse_units(row, cells)
        if employer is None and row.errors:
            # Report a bad account number with the other errors, not only after they are fixed.
            try:
                services.validate_account_number(number, on=self.on)
            except ValidationError as error:
                row.errors.extend(_errors_of(error))
        if row.errors:
            return
        if employer is None:
            self.create(row, values, units)
        else:
            self.update(row, employer, values, units)

    def parse_units(self, row: RowResult, cells: dict[str, str]) -> list[ClassificationUnit]:
        codes = list(dict.fromkeys(re.split(r"[\s,;]+", cells["classification_units"].strip())))
        codes = [code for code in codes if code]
        unknown = [code for code in codes if code not in self.units]
        if unknown:
            row.errors.append(
                RowError(
                    "classification_units",
                    ngettext(
                        "There is no classification unit %(codes)s in the portal.",
                        "There are no classification units %(codes)s in the portal.",
                        len(unknown),
                    )
                    % {"codes": ", ".join(unknown)},
                )
            )
        return [self.units[code] for code in codes if code in self.units]

    def create(self, row: RowResult, values: dict, units: list[ClassificationUnit]) -> None:
        employer = services.create_employer(
            actor=self.actor, on=self.on, classification_units=units, **values
        )
        row.action = NEW
        after = self.snapshot(employer, units)
        shown_with_the_row = {"legal_name", "account_number"}
        row.changes = [
            Change(column, "", value)
            for column, value in after.items()
            if value and column not in shown_with_the_row
        ]

    def update(
        self,
        row: RowResult,
        employer: Employer,
        values: dict,
        units: list[ClassificationUnit],
    ) -> None:
        changed = {
            name: value for name, value in values.items() if getattr(employer, name) != value
        }
        current_units = list(employer.classification_units.all())
        units_changed = {u.pk for u in units} != {u.pk for u in current_units}
        if not changed and not units_changed:
            return
        before = self.snapshot(employer, current_units)
        services.update_employer(
            employer=employer,
            actor=self.actor,
            on=self.on,
            classification_units=units if units_changed else None,
            **changed,
        )
        after = self.snapshot(employer, units)
        row.action = UPDATE
        row.changes = [
            Change(column, before[column], after[column])
            for column in after
            if before[column] != after[column]
        ]

    def snapshot(self, employer: Employer, units: list[ClassificationUnit]) -> dict[str, str]:
        """Return the imported columns (and the size class) of an employer, for display."""
        values = {
            column: _display(column, getattr(employer, column))
            for column in self.table.columns
            if column != "classification_units"
        }
        values["classification_units"] = " ".join(sorted(unit.code for unit in units))
        values["size_class"] = _display("size_class", employer.size_class)
        return values


class ContactImporter(RowImporter):
    """Rows of contacts, keyed by the employer's account number and the contact's email."""

    key_column = "email"

    def prepare(self) -> None:
        numbers = [cells["account_number"] for _number, cells in self.table.rows]
        self.employers = {
            employer.account_number: employer
            for employer in Employer.objects.filter(account_number__in=numbers)
        }
        self.primary_rows: dict[int, int] = {}  # employer id: the row making its primary
        self.contacts: dict[tuple[int, str], list[Contact]] = {}
        for contact in Contact.objects.filter(employer__in=self.employers.values()):
            self.contacts.setdefault((contact.employer_id, contact.email.lower()), []).append(
                contact
            )

    def apply(self, row: RowResult, cells: dict[str, str]) -> None:
        number, email = cells["account_number"], cells["email"]
        row.key = f"{number} · {email}"
        row.name = f"{cells['first_name']} {cells['last_name']}".strip()
        self.check_duplicate(
            row,
            f"{number} {email.lower()}" if email else "",
            _("Row %(row)s has the same account number and email; keep one row per contact."),
        )
        columns = [c for c in self.table.columns if c != "account_number"]
        values = self.parse(row, cells, columns)
        employer = self.employers.get(number)
        if employer is None:
            row.errors.append(
                RowError(
                    "account_number",
                    _("No employer in the portal has the account number %(number)s.")
                    % {"number": number or _("(empty)")},
                )
            )
        elif values.get("is_primary"):
            first = self.primary_rows.setdefault(employer.pk, row.number)
            if first != row.number:
                row.errors.append(
                    RowError(
                        "is_primary",
                        _(
                            "Row %(row)s already makes the primary contact of this employer; "
                            "mark one primary contact per employer."
                        )
                        % {"row": first},
                    )
                )
        if employer is None or row.errors:
            return
        matches = self.contacts.get((employer.pk, email.lower()), [])
        if len(matches) > 1:
            row.errors.append(
                RowError(
                    "email",
                    _(
                        "%(count)s contacts of this employer have this email; give them "
                        "different emails on the employer's page first."
                    )
                    % {"count": len(matches)},
                )
            )
            return
        contact = matches[0] if matches else None
        self.note_primary(row, employer, contact, values)
        if contact is None:
            contact = services.add_contact(employer=employer, actor=self.actor, **values)
            row.action = NEW
            shown_with_the_row = {"first_name", "last_name", "email"}
            row.changes = [
                Change(column, "", _display(column, getattr(contact, column)))
                for column in columns
                if _display(column, getattr(contact, column)) and column not in shown_with_the_row
            ]
        else:
            self.update(row, contact, values)

    def update(self, row: RowResult, contact: Contact, values: dict) -> None:
        # The email found the contact: a difference in case alone is not a change.
        values = {**values, "email": contact.email}
        changed = {name: value for name, value in values.items() if getattr(contact, name) != value}
        if not changed:
            return
        before = {name: _display(name, getattr(contact, name)) for name in changed}
        services.update_contact(contact=contact, actor=self.actor, **changed)
        row.action = UPDATE
        row.changes = [
            Change(name, before[name], _display(name, getattr(contact, name))) for name in changed
        ]

    def note_primary(
        self, row: RowResult, employer: Employer, contact: Contact | None, values: dict
    ) -> None:
        """Say whose place a new primary contact takes."""
        if not values.get("is_primary") or (contact is not None and contact.is_primary):
            return
        previous = employer.contacts.filter(is_primary=True)
        if contact is not None:
            previous = previous.exclude(pk=contact.pk)
        for other in previous:
            row.notes.append(
                _("Replaces %(name)s as the primary contact.") % {"name": other.full_name}
            )


# Keeping the file between the preview and the confirmation -----------------------------------

SESSION_KEY = "employers_import_uploads"
UPLOAD_FOLDER = "imports"
KEEP_UPLOADS_FOR = timedelta(days=1)
MAX_PENDING = 3


def stash_upload(session: Any, source: ImportFile) -> str:
    """Store the file under a random name and return the token that confirms its import.

    The token is kept in the user's session, so only the person who previewed a file can
    import it; files left unconfirmed are deleted a day later.
    """
    purge_stale_uploads()
    name = default_storage.save(
        f"{UPLOAD_FOLDER}/{secrets.token_hex(16)}.{source.format}", ContentFile(source.content)
    )
    token = secrets.token_urlsafe(16)
    pending = dict(session.get(SESSION_KEY) or {})
    pending[token] = {"name": name, "kind": source.kind, "filename": source.filename}
    while len(pending) > MAX_PENDING:
        default_storage.delete(pending.pop(next(iter(pending)))["name"])
    session[SESSION_KEY] = pending
    return token


def load_stashed(session: Any, token: str) -> ImportFile | None:
    """Return the file a token of this session stands for, or None when it is gone."""
    entry = (session.get(SESSION_KEY) or {}).get(token)
    if not entry:
        return None
    try:
        with default_storage.open(entry["name"], "rb") as handle:
            content = handle.read()
        return load_file(kind=entry["kind"], filename=entry["filename"], content=content)
    except (OSError, ImportFileError):
        return None


def discard_stashed(session: Any, token: str) -> None:
    """Forget a token and delete its file."""
    pending = dict(session.get(SESSION_KEY) or {})
    entry = pending.pop(token, None)
    if entry:
        default_storage.delete(entry["name"])
        session[SESSION_KEY] = pending


def purge_stale_uploads(*, now: datetime | None = None) -> None:
    """Delete stored import files older than a day (previews nobody confirmed)."""
    cutoff = (now or timezone.now()) - KEEP_UPLOADS_FOR
    try:
        _folders, files = default_storage.listdir(UPLOAD_FOLDER)
    except (OSError, NotImplementedError):
        return
    for name in files:
        path = f"{UPLOAD_FOLDER}/{name}"
        try:
            if default_storage.get_modified_time(path) < cutoff:
                default_storage.delete(path)
        except (OSError, NotImplementedError):
            continue


# Template files -----------------------------------------------------------------------------


def template_file(kind: str, fmt: str) -> bytes:
    """Return a file with the header row of ``kind`` and one example row."""
    columns = COLUMNS[kind]
    example = {column.name: column.example for column in columns}
    unit = ClassificationUnit.objects.filter(aligned=True).order_by("code").first()
    if kind == EMPLOYERS and unit is not None:
        example["classification_units"] = unit.code
    dataset = tablib.Dataset(headers=[column.name for column in columns])
    dataset.append([example[column.name] for column in columns])
    if fmt == "xlsx":
        return dataset.export("xlsx")
    # With the byte-order mark, Excel opens the CSV as UTF-8.
    return dataset.export("csv").encode("utf-8-sig")
