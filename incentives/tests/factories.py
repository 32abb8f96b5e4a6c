"""Test records of incentives: base rates, payrolls, and employers certified in a year."""

from datetime import date
from decimal import Decimal

import factory
from django.utils import timezone

from audits.choices import AuditStatus, AuditType
from audits.models import AuditElement, AuditTool
from audits.tests.factories import AuditFactory, CertificateFactory, default_tool
from employers.choices import Program
from employers.models import ClassificationUnit, Employer
from employers.tests.factories import ClassificationUnitFactory, EmployerFactory
from incentives.choices import ExclusionKind, IncentiveStatus, LineKind
from incentives.models import BaseRate, Exclusion, Incentive, IncentiveLine, Payroll


class BaseRateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = BaseRate

    unit = factory.SubFactory(ClassificationUnitFactory)
    year = 2023
    rate = Decimal("3.83")


class PayrollFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Payroll

    employer = factory.SubFactory(EmployerFactory)
    unit = factory.SubFactory(ClassificationUnitFactory)
    year = 2023
    assessable_payroll = Decimal("60000000")


def rtw_tool() -> AuditTool:
    """Return a return-to-work audit tool (legacy program), made on first use."""
    tool, created = AuditTool.objects.get_or_create(
        name="RTW audit tool", defaults={"program": Program.RTW}
    )
    if created:
        AuditElement.objects.create(tool=tool, number=1, name="RTW", max_points=Decimal("100"))
    return tool


def certify(
    employer: Employer,
    year: int,
    units: list[ClassificationUnit],
    *,
    status: str = AuditStatus.APPROVED,
    program: str = Program.OHS,
    number: str | None = None,
):
    """Give the employer a certificate of the units covering the year, from an audit in it.

    The audit starts on March 1 of the year and ends onsite on March 10; its status is
    ``status`` (the certificate exists either way, as from an earlier cycle).
    """
    tool = rtw_tool() if program == Program.RTW else default_tool()
    audit = AuditFactory(
        employer=employer,
        audit_type=AuditType.CERTIFICATION,
        tool=tool,
        status=status,
        starts_on=date(year, 3, 1),
        last_onsite_on=date(year, 3, 10),
        passed=True,
        scope=units,
    )
    extra = {"number": number} if number else {}
    return CertificateFactory(
        audit=audit, certified_on=date(year, 3, 10), classification_units=units, **extra
    )


def certified_employer(
    year: int = 2023,
    figures: dict[str, tuple[str, str]] | None = None,
    *,
    rate_year: int | None = None,
    **employer: object,
) -> Employer:
    """Return an employer certified in ``year`` for CUs ``{code: (payroll, base rate)}``."""
    figures = figures or {"721001": ("60000000", "3.83")}
    units = [ClassificationUnitFactory(code=code) for code in figures]
    firm = EmployerFactory(classification_units=units, **employer)
    certify(firm, year, units)
    for unit in units:
        payroll, rate = figures[unit.code]
        PayrollFactory(employer=firm, unit=unit, year=year, assessable_payroll=Decimal(payroll))
        BaseRate.objects.update_or_create(
            unit=unit, year=rate_year or year, defaults={"rate": Decimal(rate)}
        )
    return firm


class ExclusionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Exclusion

    employer = factory.SubFactory(EmployerFactory)
    year = 2023
    kind = ExclusionKind.OUTSTANDING_BALANCE
    occurred_on = factory.LazyAttribute(lambda e: date(e.year, 6, 30))
    source = "WorkSafeBC statement"


def incentive_for(employer: Employer, year: int = 2023, amount: str = "229800.00") -> Incentive:
    """Return an eligible incentive of the employer with one frozen line (no run needed)."""
    incentive = Incentive.objects.create(
        employer=employer,
        year=year,
        status=IncentiveStatus.ELIGIBLE,
        base_rate_year=year,
        total_amount=Decimal(amount),
        figures_hash=f"test-{employer.pk}-{year}-{amount}",
        computed_at=timezone.now(),
    )
    unit = employer.classification_units.first()
    IncentiveLine.objects.create(
        incentive=incentive,
        unit=unit,
        unit_code=unit.code if unit else "721001",
        unit_description=unit.description if unit else "Accommodation",
        kind=LineKind.STANDARD,
        assessable_payroll=Decimal("60000000.00"),
        base_rate=Decimal("3.83"),
        percent=Decimal("10.00"),
        amount=Decimal(amount),
    )
    return incentive
