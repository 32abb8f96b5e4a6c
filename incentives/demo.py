"""Demo incentives: base rates for two years, payrolls, exclusions and a run with letters.

The assessment year is last year (the incentive is paid in the spring of this one). Every
certified demo employer gets payroll in its CUs; one has an outstanding balance (ineligible),
one an appeal pending (deferred); the year is run and the letters of the eligible employers
are issued. Running it again adds nothing: rates and payrolls are set, the run is kept.
"""

import hashlib
from datetime import date
from decimal import Decimal
from typing import Any

from employers.models import ClassificationUnit, Employer

from . import services
from .choices import ExclusionKind, RunStatus
from .models import Appeal, BaseRate, Exclusion, IncentiveRun, Letter

# Base rates ($ per $100 of payroll) of the tourism and hospitality CUs; other CUs get one.
RATES = {"761014": "1.20", "761016": "1.62", "761019": "3.83", "761032": "2.41"}
LATE_PAYROLL = "Tumbler Ridge Geopark Tours Ltd."  # certified this season: nothing last year
EXCLUDED = "Chilcotin Coast Coach Lines Ltd."
APPEALING = "Cariboo Guest Ranch Ltd."


def _rate(unit: ClassificationUnit, year: int) -> Decimal:
    base = Decimal(RATES.get(unit.code, "2.10"))
    return base if year % 2 else (base * Decimal("1.03")).quantize(Decimal("0.01"))


def _payroll(employer: Employer, unit: ClassificationUnit) -> Decimal:
    """A stable, believable payroll: $0.4M to $12M, from the account number and CU."""
    digest = hashlib.sha256(f"{employer.account_number}-{unit.code}".encode()).digest()
    thousands = 400 + int.from_bytes(digest[:4], "big") % 11600
    return Decimal(thousands * 1000) + Decimal(digest[4] % 100) / 100


def seed(*, today: date, staff: Any) -> str:
    """Seed last year's incentives once; return a summary."""
    year = today.year - 1
    for unit in ClassificationUnit.objects.all():
        for rate_year in (year - 1, year):
            if not BaseRate.objects.filter(unit=unit, year=rate_year).exists():
                services.save_base_rate(
                    unit=unit, year=rate_year, rate=_rate(unit, rate_year), actor=staff
                )
    ids = services.certified_employer_ids(year)
    employers = Employer.objects.filter(pk__in=ids).prefetch_related(
        "certificates__classification_units"
    )
    for employer in employers:
        if employer.legal_name == LATE_PAYROLL:
            continue
        units = {u for c in employer.certificates.all() for u in c.classification_units.all()}
        for unit in units:
            if not employer.payrolls.filter(unit=unit, year=year).exists():
                services.save_payroll(
                    employer=employer,
                    unit=unit,
                    year=year,
                    assessable_payroll=_payroll(employer, unit),
                    actor=staff,
                )
    by_name = {e.legal_name: e for e in employers}
    excluded = by_name.get(EXCLUDED)
    if excluded and not Exclusion.objects.filter(employer=excluded, year=year).exists():
        services.record_exclusion(
            employer=excluded,
            year=year,
            kind=ExclusionKind.OUTSTANDING_BALANCE,
            occurred_on=date(year, 10, 31),
            source="WorkSafeBC statement of account, October",
            actor=staff,
        )
    appealing = by_name.get(APPEALING)
    if appealing and not Appeal.objects.filter(employer=appealing, year=year).exists():
        services.record_appeal(
            employer=appealing,
            year=year,
            filed_on=date(year, 11, 14),
            note="Appeal of an administrative penalty to the Review Division.",
            actor=staff,
        )
    run = IncentiveRun.objects.filter(year=year, status=RunStatus.DONE).first()
    if run is None:
        run = IncentiveRun.objects.create(year=year, requested_by=staff)
        # In-process: the demo is seeded inside a transaction, without a worker.
        for incentive_id in services.execute_run(run):
            services.issue_run_letter(run_id=run.pk, incentive_id=incentive_id)
        run.refresh_from_db()
    letters = Letter.objects.filter(year=year).count()
    return (
        f"{year} incentives: {run.eligible_count} eligible, {run.ineligible_count} ineligible, "
        f"{run.deferred_count} deferred, {letters} letters"
    )
