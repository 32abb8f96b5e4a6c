"""Reads of incentives: a year's summary, an employer's facts, the hand-off export, letters."""

from decimal import Decimal
from typing import Any

from django.db.models import Count, Q, QuerySet, Sum

from .choices import IncentiveStatus
from .models import Appeal, Decision, Exclusion, Incentive, IncentiveLine, Letter

HANDOFF_COLUMNS = [
    "year",
    "account_number",
    "legal_name",
    "cu",
    "line",
    "assessable_payroll",
    "base_rate_year",
    "base_rate",
    "percent",
    "incentive",
    "status",
    "reasons",
    "certificate",
]


def year_summary(year: int) -> dict[str, Any]:
    """Return a year's counts by outcome and the total payable (one query)."""
    s = IncentiveStatus
    row = Incentive.objects.filter(year=year).aggregate(
        eligible=Count("pk", filter=Q(status=s.ELIGIBLE)),
        ineligible=Count("pk", filter=Q(status=s.INELIGIBLE)),
        deferred=Count("pk", filter=Q(status=s.DEFERRED)),
        total=Sum("total_amount", filter=Q(status=s.ELIGIBLE)),
    )
    row["total"] = row["total"] or Decimal("0.00")
    row["year"] = year
    return row


def eligibility_facts(employer_id: int, year: int) -> dict[str, Any]:
    """Return the exclusions, appeals and decisions recorded for an employer's year."""
    return {
        "exclusions": Exclusion.objects.filter(employer_id=employer_id, year=year).select_related(
            "recorded_by"
        ),
        "appeals": Appeal.objects.filter(employer_id=employer_id, year=year),
        "decisions": Decision.objects.filter(employer_id=employer_id, year=year).select_related(
            "decided_by"
        ),
    }


def handoff_rows(year: int) -> list[list[Any]]:
    """Return the hand-off rows: one per certified CU line, the forecast for WorkSafeBC."""
    lines = (
        IncentiveLine.objects.filter(incentive__year=year)
        .select_related("incentive__employer")
        .order_by("incentive__employer__account_number", "unit_code", "kind")
    )
    rows = []
    for line in lines:
        incentive = line.incentive
        rows.append(
            [
                year,
                incentive.employer.account_number,
                incentive.employer.legal_name,
                line.unit_code,
                line.get_kind_display(),
                _text(line.assessable_payroll),
                incentive.base_rate_year,
                _text(line.base_rate),
                _text(line.percent),
                _text(line.amount),
                incentive.get_status_display(),
                "; ".join(incentive.reason_list),
                incentive.certificate_number,
            ]
        )
    return rows


def _text(value: Decimal | None) -> str:
    return "" if value is None else f"{value:.2f}"


def letters_of_employer(employer_id: int) -> QuerySet[Letter]:
    """Return an employer's letters, latest year and version first."""
    return Letter.objects.filter(employer_id=employer_id).order_by("-year", "-version")


def incentives_paid(*, year: int) -> Decimal:
    """Return the total payable to eligible employers for the year."""
    return year_summary(year)["total"]
