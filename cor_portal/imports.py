"""Import rows from CSV or XLSX files, with a dry run that shows what each row would change.

The machinery every import page shares. An app describes a kind of file with a ``FileKind``
(its columns and the ``RowImporter`` that applies a row through the app's services); this
module reads the file into rows (encoding and separator detected, headers matched loosely,
a row cap), parses cells, runs the importer, keeps the upload between the preview and the
confirmation, and writes the template files.

A dry run makes exactly the writes of the real import inside a transaction that is then
rolled back, so the preview shows what the services would really do. The real import repeats
them and keeps them only when no row has an error: all or nothing.
"""

from __future__ import annotations

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

from cor_portal.uploads import validate_upload_size

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


@dataclass(frozen=True)
class FileKind:
    """What one kind of import file holds, how the pages name it, and what applies its rows.

    ``examples`` returns example cells taken from the records (a real CU code, a real course)
    for the template file; ``missing_key`` is shown for a row without its key column;
    ``updates`` is False for files that only add records (their preview has no "update").
    """

    name: str
    label: Any
    record_label: Any
    columns: tuple[Column, ...]
    importer: type[RowImporter]
    examples: Callable[[], dict[str, Any]] | None = None
    missing_key: Any = ""
    updates: bool = True

    @property
    def column_names(self) -> tuple[str, ...]:
        return tuple(column.name for column in self.columns)

    @property
    def required_columns(self) -> tuple[str, ...]:
        return tuple(column.name for column in self.columns if column.required)


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
    """An uploaded file of one kind, read and checked."""

    kind: FileKind
    filename: str
    content: bytes = field(repr=False)
    table: Table = field(repr=False)

    @property
    def format(self) -> str:
        return file_format(self.filename)

    @property
    def kind_label(self) -> str:
        return str(self.kind.label)


def file_format(filename: str) -> str:
    """Return "xlsx" or "csv" by the file's name (the upload forms accept nothing else)."""
    return "xlsx" if filename.lower().endswith(".xlsx") else "csv"


def validate_import_upload(upload: Any) -> None:
    """Refuse an upload that is not named .csv or .xlsx, or is over the size cap."""
    if not upload.name.lower().endswith((".csv", ".xlsx")):
        raise ValidationError(_("Upload a .csv or .xlsx file."), code="file_type")
    validate_upload_size(upload)


def read_upload(kind: FileKind, upload: Any, *, others: Iterable[FileKind] = ()) -> ImportFile:
    """Read an uploaded file; raise ImportFileError when it cannot be imported as ``kind``.

    ``others`` are the kinds the same page could import: a file that has their columns is
    refused with a hint to choose that kind instead.
    """
    upload.seek(0)
    return load_file(kind, filename=upload.name, content=upload.read(), others=others)


def load_file(
    kind: FileKind, *, filename: str, content: bytes, others: Iterable[FileKind] = ()
) -> ImportFile:
    """Read a file's content; raise ImportFileError when it cannot be imported as ``kind``."""
    table = read_table(kind, _dataset(file_format(filename), content), others=others)
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


def read_table(
    kind: FileKind, dataset: tablib.Dataset, *, others: Iterable[FileKind] = ()
) -> Table:
    """Return the rows of a dataset, refusing it without the columns ``kind`` needs."""
    known = set(kind.column_names)
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
    _check_columns(kind, set(positions), set(headers), others)
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


def _check_columns(
    kind: FileKind, present: set[str], headers: set[str], others: Iterable[FileKind]
) -> None:
    missing = [name for name in kind.required_columns if name not in present]
    if not missing:
        return
    message = ngettext(
        "The file has no %(columns)s column.",
        "The file is missing the columns %(columns)s.",
        len(missing),
    ) % {"columns": ", ".join(missing)}
    other = next(
        (o for o in others if o != kind and set(o.required_columns) <= headers),
        None,
    )
    if other is not None:
        message += " " + _("It looks like a file of %(other)s: choose that above.") % {
            "other": other.label
        }
    else:
        message += " " + _("The first row must name the columns, as in the template.")
    raise ImportFileError(message)


# Parsing cells ------------------------------------------------------------------------------


def parse_choice(choices: type[TextChoices], noun: Any) -> Callable[[str], str]:
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


def parse_whole_number(text: str) -> int | None:
    """Return a whole number ("1,200" allowed), or None for an empty cell."""
    if not text:
        return None
    try:
        number = Decimal(text.replace(",", ""))
    except InvalidOperation:
        number = Decimal("NaN")
    if not number.is_finite() or number != number.to_integral_value():
        raise CellError(_("Enter a whole number, such as 25."))
    return int(number)


def parse_decimal(text: str) -> Decimal | None:
    """Return a number ("41,600.5" allowed), or None for an empty cell."""
    if not text:
        return None
    try:
        number = Decimal(text.replace(",", "").replace(" ", ""))
    except InvalidOperation:
        number = Decimal("NaN")
    if not number.is_finite():
        raise CellError(_("Enter a number, such as 41600 or 41600.5."))
    return number


def parse_date(text: str) -> date | None:
    """Return a date written YYYY-MM-DD (a time after it is ignored), or None when empty."""
    if not text:
        return None
    try:
        return date.fromisoformat(text[:10])
    except ValueError:
        raise CellError(_("Enter the date as YYYY-MM-DD, such as 2024-03-31."))


def parse_yes_no(text: str) -> bool:
    """Return yes/no (y, true, 1 / n, false, 0; empty is no)."""
    answer = text.lower()
    if answer in {"yes", "y", "true", "1"}:
        return True
    if answer in {"", "no", "n", "false", "0"}:
        return False
    raise CellError(_("Enter yes or no."))


def display_value(value: Any) -> str:
    """Return a value as a preview shows it."""
    if value is None or value == "":
        return ""
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

    kind: FileKind
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
        return str(self.kind.label)

    @property
    def record_label(self) -> str:
        return str(self.kind.record_label)

    def summary(self) -> str:
        """Return the counts in one sentence."""
        counts = self.counts
        return _(
            "Imported %(kind)s from %(file)s: %(new)s new, %(update)s updated, "
            "%(unchanged)s unchanged."
        ) % {"kind": self.kind_label, "file": self.filename, **counts}


def errors_of(error: ValidationError) -> list[RowError]:
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
    """Apply every row of the file through its kind's importer and report what each row did.

    Everything runs in one transaction. It is rolled back for a dry run, and for a real import
    when any row has an error, so a file is imported entirely or not at all.
    """
    with transaction.atomic():
        importer = source.kind.importer(source.table, actor=actor, on=on or timezone.localdate())
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
    """Apply a table's rows one by one, each in its own savepoint, collecting their results.

    A subclass loads what the rows refer to in ``prepare`` and applies one row in ``apply``
    by calling its app's services; ``parsers`` turn a column's text into a value.
    """

    key_column = ""
    parsers: dict[str, Callable[[str], Any]] = {}

    def __init__(self, table: Table, *, actor: Any, on: date) -> None:
        self.table = table
        self.actor = actor
        self.on = on
        self.seen: dict[str, int] = {}

    def run(self) -> list[RowResult]:
        """Apply every row and return their results, in the file's order."""
        self.prepare()
        results = []
        for number, cells in self.table.rows:
            row = RowResult(number=number)
            try:
                with transaction.atomic():
                    self.apply(row, cells)
            except ValidationError as error:
                row.errors.extend(errors_of(error))
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
                values[column] = self.parsers.get(column, str)(cells[column])
            except CellError as error:
                row.errors.append(RowError(column, str(error)))
        return values

    def first_row_with(self, row: RowResult, key: str) -> int | None:
        """Return the number of an earlier row of the file with this key (None: the first)."""
        if not key:
            return None
        if key in self.seen:
            return self.seen[key]
        self.seen[key] = row.number
        return None

    def check_duplicate(self, row: RowResult, key: str, message: str) -> None:
        """Refuse a row whose key an earlier row of the file already has."""
        first = self.first_row_with(row, key)
        if first is not None:
            row.errors.append(RowError(self.key_column, message % {"row": first}))


# Keeping the file between the preview and the confirmation -----------------------------------

SESSION_KEY = "import_uploads"
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
    pending[token] = {"name": name, "kind": source.kind.name, "filename": source.filename}
    while len(pending) > MAX_PENDING:
        default_storage.delete(pending.pop(next(iter(pending)))["name"])
    session[SESSION_KEY] = pending
    return token


def load_stashed(session: Any, token: str, *, kinds: Iterable[FileKind]) -> ImportFile | None:
    """Return the file a token of this session stands for, or None when it is gone.

    Only a file of one of ``kinds`` is returned: a page never imports another page's file.
    """
    entry = (session.get(SESSION_KEY) or {}).get(token)
    if not entry:
        return None
    kind = next((k for k in kinds if k.name == entry["kind"]), None)
    if kind is None:
        return None
    try:
        with default_storage.open(entry["name"], "rb") as handle:
            content = handle.read()
        return load_file(kind, filename=entry["filename"], content=content)
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


def template_file(kind: FileKind, fmt: str) -> bytes:
    """Return a file with the header row of ``kind`` and one example row."""
    example = {column.name: column.example for column in kind.columns}
    if kind.examples is not None:
        example.update(kind.examples())
    dataset = tablib.Dataset(headers=list(kind.column_names))
    dataset.append([example[name] for name in kind.column_names])
    if fmt == "xlsx":
        return dataset.export("xlsx")
    # With the byte-order mark, Excel opens the CSV as UTF-8.
    return dataset.export("csv").encode("utf-8-sig")
