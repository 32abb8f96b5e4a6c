"""Import employers and contacts from CSV or XLSX files, with a dry run that shows the changes.

The reading, the dry run, the preview and the stored upload are the shared machinery of
``cor_portal.imports``; this module holds what is particular to the registry: the columns of
the two kinds of file, how their cells read, and the importers that parse each row into the
keyword arguments of a service in ``employers.services``, which makes every write.
"""

import re
from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from cor_portal import imports as shared
from cor_portal.imports import (
    CONTENT_TYPES,
    FORMATS,
    NEW,
    SESSION_KEY,
    UPDATE,
    Change,
    Column,
    FileKind,
    ImportFile,
    ImportFileError,
    RowError,
    RowImporter,
    RowResult,
    discard_stashed,
    errors_of,
    purge_stale_uploads,
    run_import,
    stash_upload,
)

from . import services
from .choices import Region, Sector, SizeClass
from .models import ClassificationUnit, Contact, Employer

__all__ = [
    "CONTACTS",
    "CONTENT_TYPES",
    "EMPLOYERS",
    "FORMATS",
    "KINDS",
    "SESSION_KEY",
    "Change",
    "ImportFileError",
    "discard_stashed",
    "load_file",
    "load_stashed",
    "purge_stale_uploads",
    "read_upload",
    "run_import",
    "stash_upload",
    "template_file",
]

EMPLOYERS = "employers"
CONTACTS = "contacts"

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


# Parsing cells ------------------------------------------------------------------------------

PARSERS: dict[str, Callable[[str], Any]] = {
    "region": shared.parse_choice(Region, gettext_lazy("region")),
    "sector": shared.parse_choice(Sector, gettext_lazy("sector")),
    "employees": shared.parse_whole_number,
    "payroll_hours": shared.parse_decimal,
    "nao_approved_on": shared.parse_date,
    "is_primary": shared.parse_yes_no,
}
CHOICE_LABELS = {"region": Region, "sector": Sector, "size_class": SizeClass}


def _display(column: str, value: Any) -> str:
    """Return a value as the preview shows it: a choice by its label."""
    if column in CHOICE_LABELS and value:
        return str(dict(CHOICE_LABELS[column].choices).get(value, value))
    return shared.display_value(value)


# Importers ----------------------------------------------------------------------------------


class EmployerImporter(RowImporter):
    """Rows of employers, keyed by account number: a new number adds, a known one updates."""

    key_column = "account_number"
    parsers = PARSERS

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
                row.errors.extend(errors_of(error))
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
    parsers = PARSERS

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


# The two kinds of file, and the registry's entry points -------------------------------------


def _examples() -> dict[str, Any]:
    """Return a real CU code for the template's example row, when there is one."""
    unit = ClassificationUnit.objects.filter(aligned=True).order_by("code").first()
    return {"classification_units": unit.code} if unit is not None else {}


KINDS: dict[str, FileKind] = {
    EMPLOYERS: FileKind(
        name=EMPLOYERS,
        label=gettext_lazy("employers"),
        record_label=gettext_lazy("employer"),
        columns=EMPLOYER_COLUMNS,
        importer=EmployerImporter,
        examples=_examples,
        missing_key=gettext_lazy("no account number"),
    ),
    CONTACTS: FileKind(
        name=CONTACTS,
        label=gettext_lazy("contacts"),
        record_label=gettext_lazy("contact"),
        columns=CONTACT_COLUMNS,
        importer=ContactImporter,
        missing_key=gettext_lazy("no account number"),
    ),
}


def read_upload(*, kind: str, upload: Any) -> ImportFile:
    """Read an uploaded file; raise ImportFileError when it cannot be imported as ``kind``."""
    return shared.read_upload(KINDS[kind], upload, others=KINDS.values())


def load_file(*, kind: str, filename: str, content: bytes) -> ImportFile:
    """Read a file's content; raise ImportFileError when it cannot be imported as ``kind``."""
    return shared.load_file(KINDS[kind], filename=filename, content=content, others=KINDS.values())


def load_stashed(session: Any, token: str) -> ImportFile | None:
    """Return the previewed file of employers or contacts a token stands for, or None."""
    return shared.load_stashed(session, token, kinds=KINDS.values())


def template_file(kind: str, fmt: str) -> bytes:
    """Return a file with the header row of ``kind`` and one example row."""
    return shared.template_file(KINDS[kind], fmt)
