"""Import base rates and assessable payroll from CSV or XLSX, with a dry-run preview.

The shared machinery is ``cor_portal.imports``; each row is applied through
``incentives.services`` (``save_base_rate``, ``save_payroll``), which makes every write.
"""

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cor_portal import imports as shared
from cor_portal.imports import (
    NEW,
    UPDATE,
    CellError,
    Change,
    Column,
    FileKind,
    ImportFile,
    RowError,
    RowImporter,
    RowResult,
    parse_decimal,
    parse_whole_number,
)
from employers.models import ClassificationUnit, Employer

from . import services
from .models import BaseRate, Payroll

BASE_RATES, PAYROLLS = "base_rates", "payrolls"


def _required(parse):
    def parse_required(text: str) -> Any:
        value = parse(text)
        if value is None:
            raise CellError(_("This column is required."))
        return value

    return parse_required


def parse_year(text: str) -> int:
    year = _required(parse_whole_number)(text)
    if not 2000 <= year <= 2100:
        raise CellError(_("Enter a year between 2000 and 2100."))
    return year


def parse_amount(text: str):
    amount = _required(parse_decimal)(text.replace("$", ""))
    if amount < 0:
        raise CellError(_("Enter an amount of zero or more."))
    if amount != amount.quantize(amount.__class__("0.01")):
        raise CellError(_("Enter dollars and cents (two decimals at most)."))
    return amount


BASE_RATE_COLUMNS = (
    Column("cu", True, gettext_lazy("Six-digit classification unit code."), "721001"),
    Column("year", True, gettext_lazy("The year the rate applies to."), "2024"),
    Column("rate", True, gettext_lazy("Base rate in dollars per $100 of payroll."), "3.83"),
)
PAYROLL_COLUMNS = (
    Column("account_number", True, gettext_lazy("The employer's WorkSafeBC account."), "8000001"),
    Column("cu", True, gettext_lazy("Six-digit classification unit code."), "721001"),
    Column("year", True, gettext_lazy("The assessment year."), "2024"),
    Column(
        "assessable_payroll",
        True,
        gettext_lazy("Assessable payroll in dollars, e.g. 60000000 or 60,000,000.00."),
        "60000000",
    ),
)


class _FigureImporter(RowImporter):
    def prepare(self) -> None:
        self.units = {unit.code: unit for unit in ClassificationUnit.objects.all()}

    def unit(self, row: RowResult, code: str) -> ClassificationUnit | None:
        unit = self.units.get(code.strip())
        if unit is None:
            row.errors.append(
                RowError("cu", _("No classification unit %(code)s.") % {"code": code})
            )
        return unit

    def report(self, row: RowResult, created: bool, column: str, old: Any, new: Any) -> None:
        if created:
            row.action = NEW
            row.changes = [Change(column, "", f"{new}")]
        elif old != new:
            row.action = UPDATE
            row.changes = [Change(column, f"{old}", f"{new}")]


class BaseRateImporter(_FigureImporter):
    """Rows of base rates keyed by CU and year: a new pair adds, a known one updates."""

    key_column = "cu"
    parsers = {"year": parse_year, "rate": parse_amount}

    def prepare(self) -> None:
        super().prepare()
        self.existing = {
            (r.unit.code, r.year): r.rate for r in BaseRate.objects.select_related("unit")
        }

    def apply(self, row: RowResult, cells: dict[str, str]) -> None:
        code = cells["cu"].strip()
        row.key = f"{code} {cells['year']}"
        values = self.parse(row, cells, ["year", "rate"])
        unit = self.unit(row, code)
        self.check_duplicate(
            row, row.key, _("Row %(row)s has the same CU and year; keep one row for each.")
        )
        if row.errors or unit is None:
            return
        row.name = unit.description
        old = self.existing.get((code, values["year"]))
        base_rate, created = services.save_base_rate(
            unit=unit, year=values["year"], rate=values["rate"], actor=self.actor
        )
        self.report(row, created, "rate", old, base_rate.rate)


class PayrollImporter(_FigureImporter):
    """Rows of payroll keyed by account, CU and year: a new key adds, a known one updates."""

    key_column = "account_number"
    parsers = {"year": parse_year, "assessable_payroll": parse_amount}

    def prepare(self) -> None:
        super().prepare()
        numbers = [cells["account_number"].strip() for _n, cells in self.table.rows]
        self.employers = {
            e.account_number: e for e in Employer.objects.filter(account_number__in=numbers)
        }
        self.existing = {
            (p.employer_id, p.unit_id, p.year): p.assessable_payroll
            for p in Payroll.objects.filter(employer__in=self.employers.values())
        }

    def apply(self, row: RowResult, cells: dict[str, str]) -> None:
        number, code = cells["account_number"].strip(), cells["cu"].strip()
        row.key = f"{number} {code} {cells['year']}"
        values = self.parse(row, cells, ["year", "assessable_payroll"])
        employer = self.employers.get(number)
        if employer is None:
            row.errors.append(
                RowError("account_number", _("No employer has account %(n)s.") % {"n": number})
            )
        unit = self.unit(row, code)
        self.check_duplicate(
            row, row.key, _("Row %(row)s has the same account, CU and year; keep one.")
        )
        if row.errors or employer is None or unit is None:
            return
        row.name = employer.legal_name
        old = self.existing.get((employer.pk, unit.pk, values["year"]))
        payroll, created = services.save_payroll(
            employer=employer,
            unit=unit,
            year=values["year"],
            assessable_payroll=values["assessable_payroll"],
            actor=self.actor,
        )
        self.report(row, created, "assessable_payroll", old, payroll.assessable_payroll)


KINDS: dict[str, FileKind] = {
    BASE_RATES: FileKind(
        name=BASE_RATES,
        label=gettext_lazy("base rates"),
        record_label=gettext_lazy("base rate"),
        columns=BASE_RATE_COLUMNS,
        importer=BaseRateImporter,
        missing_key=gettext_lazy("no CU"),
    ),
    PAYROLLS: FileKind(
        name=PAYROLLS,
        label=gettext_lazy("payrolls"),
        record_label=gettext_lazy("payroll"),
        columns=PAYROLL_COLUMNS,
        importer=PayrollImporter,
        missing_key=gettext_lazy("no account number"),
    ),
}


def read_upload(*, kind: str, upload: Any) -> ImportFile:
    """Read an uploaded file; raise ImportFileError when it cannot be imported as ``kind``."""
    return shared.read_upload(KINDS[kind], upload, others=KINDS.values())


def load_file(*, kind: str, filename: str, content: bytes) -> ImportFile:
    return shared.load_file(KINDS[kind], filename=filename, content=content, others=KINDS.values())
