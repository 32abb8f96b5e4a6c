"""Calculation, eligibility, runs and letters through the services (R-17 to R-20)."""

import subprocess
from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from audits.choices import AuditStatus
from employers.choices import Program
from employers.tests.factories import ClassificationUnitFactory, EmployerFactory
from incentives import services
from incentives.choices import ExclusionKind, IncentiveStatus, LineKind, RunStatus
from incentives.models import BaseRate, Incentive, IncentiveRun, Letter, Payroll
from incentives.tests.factories import (
    BaseRateFactory,
    PayrollFactory,
    certified_employer,
    certify,
)

pytestmark = pytest.mark.django_db
D = Decimal


def compute(employer, year=2023, actor=None):
    return services.compute_incentive(employer=employer, year=year, actor=actor)


@pytest.fixture
def run(django_capture_on_commit_callbacks, staff_user):
    """Return a function that starts a run and lets its (eager) tasks finish."""

    def start(year=2023, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            created = services.start_run(year=year, actor=staff_user, **kwargs)
        created.refresh_from_db()
        return created

    return start


def test_the_design_example_through_the_service(rules):
    firm = certified_employer(2023, {"721001": ("60000000", "3.83")})
    incentive = compute(firm)
    assert incentive.status == IncentiveStatus.ELIGIBLE
    assert incentive.total_amount == D("229800.00")
    line = incentive.lines.get()
    assert (line.unit_code, line.assessable_payroll, line.base_rate, line.percent, line.amount) == (
        "721001",
        D("60000000.00"),
        D("3.83"),
        D("10.00"),
        D("229800.00"),
    )


def test_certified_cus_add_up_and_an_uncertified_cu_earns_nothing(rules):
    certified = [ClassificationUnitFactory(code="721001"), ClassificationUnitFactory(code="721002")]
    uncertified = ClassificationUnitFactory(code="761099")
    firm = EmployerFactory(classification_units=[*certified, uncertified])
    certify(firm, 2023, certified)
    for unit, payroll, rate in (
        (certified[0], "60000000", "3.83"),
        (certified[1], "1234567.89", "1.07"),
        (uncertified, "5000000", "2.00"),
    ):
        PayrollFactory(employer=firm, unit=unit, year=2023, assessable_payroll=D(payroll))
        BaseRateFactory(unit=unit, year=2023, rate=D(rate))
    incentive = compute(firm)
    # 1,234,567.89 / 100 x 1.07 x 10% = 1,320.98764... -> 1,320.99
    assert [(line.unit_code, line.amount) for line in incentive.lines.all()] == [
        ("721001", D("229800.00")),
        ("721002", D("1320.99")),
    ]
    assert incentive.total_amount == D("231120.99")
    assert incentive.status == IncentiveStatus.ELIGIBLE


def test_the_base_rate_year_comes_from_the_rules(rules):
    firm = certified_employer(2023, {"721001": ("60000000", "3.83")})
    BaseRateFactory(unit=firm.classification_units.get(), year=2024, rate=D("4.00"))
    assert compute(firm).total_amount == D("229800.00")
    rules.base_rate_year_offset = 1
    rules.save()
    incentive = compute(firm)
    assert incentive.base_rate_year == 2024
    assert incentive.total_amount == D("240000.00")


def test_no_approved_audit_in_the_year_is_ineligible_and_an_open_one_defers(rules):
    unit = ClassificationUnitFactory(code="721001")
    firm = EmployerFactory(classification_units=[unit])
    certify(firm, 2022, [unit])  # the certificate covers 2023, but 2023 has no audit
    PayrollFactory(employer=firm, unit=unit, year=2023)
    BaseRateFactory(unit=unit, year=2023)
    incentive = compute(firm)
    assert incentive.status == IncentiveStatus.INELIGIBLE
    assert incentive.reason_list == ["The year's audit was not approved."]
    certify(firm, 2023, [unit], status=AuditStatus.IN_QA)
    incentive = compute(firm)
    assert incentive.status == IncentiveStatus.DEFERRED
    assert incentive.reason_list == ["The year's audit is not decided yet."]


@pytest.mark.parametrize("kind", ExclusionKind.values)
def test_each_exclusion_makes_the_year_ineligible_with_date_and_source(rules, staff_user, kind):
    firm = certified_employer(2023)
    services.record_exclusion(
        employer=firm,
        year=2023,
        kind=kind,
        occurred_on=date(2023, 6, 1),
        source="WorkSafeBC notice 123",
        actor=staff_user,
    )
    incentive = compute(firm)
    assert incentive.status == IncentiveStatus.INELIGIBLE
    label = ExclusionKind(kind).label
    assert incentive.reason_list == [f"{label} on 2023-06-01 (source: WorkSafeBC notice 123)."]
    assert firm.certificates.get().status == "valid"  # the certificate is unaffected
    # An exclusion of another year does not count.
    assert compute(firm, year=2024).status == IncentiveStatus.INELIGIBLE  # no 2024 audit


def test_an_exclusion_dated_outside_its_year_is_refused(rules, staff_user):
    firm = certified_employer(2023)
    with pytest.raises(ValidationError) as error:
        services.record_exclusion(
            employer=firm,
            year=2023,
            kind=ExclusionKind.OUTSTANDING_BALANCE,
            occurred_on=date(2022, 12, 31),
            source="Statement",
            actor=staff_user,
        )
    assert "occurred_on" in error.value.message_dict


def test_a_pending_appeal_defers_and_a_decision_settles_it(rules, staff_user):
    firm = certified_employer(2023)
    services.record_exclusion(
        employer=firm,
        year=2023,
        kind=ExclusionKind.ADMINISTRATIVE_PENALTY,
        occurred_on=date(2023, 4, 2),
        source="Penalty order",
        actor=staff_user,
    )
    appeal = services.record_appeal(
        employer=firm, year=2023, filed_on=date(2023, 5, 1), actor=staff_user
    )
    assert compute(firm).status == IncentiveStatus.DEFERRED
    services.resolve_appeal(appeal=appeal, resolved_on=date(2024, 2, 1), actor=staff_user)
    assert compute(firm).status == IncentiveStatus.INELIGIBLE
    services.record_decision(
        employer=firm,
        year=2023,
        outcome="eligible",
        reason="Penalty cancelled on appeal",
        decided_on=date(2024, 2, 2),
        actor=staff_user,
    )
    incentive = compute(firm)
    assert incentive.status == IncentiveStatus.ELIGIBLE
    assert incentive.reason_list == ["Staff decision: Penalty cancelled on appeal"]
    assert incentive.payable_amount == D("229800.00")
    with pytest.raises(ValidationError):
        services.resolve_appeal(appeal=appeal, resolved_on=date(2024, 2, 1), actor=staff_user)


def test_missing_payroll_or_rate_defers_with_the_cu_named(rules):
    firm = certified_employer(2023)
    unit = firm.classification_units.get()
    Payroll.objects.filter(employer=firm).delete()
    incentive = compute(firm)
    assert incentive.status == IncentiveStatus.DEFERRED
    assert incentive.reason_list == ["No 2023 assessable payroll on file for CU 721001."]
    PayrollFactory(employer=firm, unit=unit, year=2023)
    BaseRate.objects.all().delete()
    assert compute(firm).reason_list == ["No 2023 base rate on file for CU 721001."]


@pytest.mark.parametrize(("year", "rtw_line"), [(2021, True), (2022, False)])
def test_rtw_is_a_separate_five_percent_line_up_to_2021(rules, year, rtw_line):
    firm = certified_employer(year, {"721001": ("60000000", "3.83")})
    certify(firm, year, list(firm.classification_units.all()), program=Program.RTW)
    incentive = compute(firm, year=year)
    lines = [(line.kind, line.percent, line.amount) for line in incentive.lines.all()]
    expected = [(LineKind.STANDARD, D("10.00"), D("229800.00"))]
    if rtw_line:
        expected.append((LineKind.RTW, D("5.00"), D("114900.00")))
    assert sorted(lines) == sorted(expected)
    assert incentive.total_amount == (D("344700.00") if rtw_line else D("229800.00"))


def pdf_text(letter) -> str:
    with letter.file.open("rb") as handle:
        content = handle.read()
    return subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=content, capture_output=True, check=True
    ).stdout.decode()


def test_a_letter_shows_the_amount_as_currency_and_its_particulars(rules, staff_user):
    firm = certified_employer(2023, {"721001": ("60000000", "3.83")}, legal_name="Alpha Lodge Ltd.")
    incentive = compute(firm)
    letter = services.issue_letter(incentive=incentive, actor=staff_user, reason="First issue")
    text = pdf_text(letter)
    assert "$229,800.00" in text
    assert "$60,000,000.00" in text
    assert "$3.83" in text
    assert "10%" in text
    assert "Alpha Lodge Ltd." in text
    certificate = firm.certificates.get()
    assert certificate.number in text
    assert f"/verify/{certificate.number}/" in text
    assert letter.number == f"INC-2023-{incentive.pk:05d}-1"
    assert letter.number in text
    import hashlib

    with letter.file.open("rb") as handle:
        assert hashlib.sha256(handle.read()).hexdigest() == letter.sha256


def test_only_an_eligible_incentive_gets_a_letter(rules, staff_user):
    firm = certified_employer(2023)
    Payroll.objects.all().delete()
    incentive = compute(firm)
    with pytest.raises(ValidationError):
        services.issue_letter(incentive=incentive, actor=staff_user, reason="x")


def test_figures_are_frozen_and_rerun_makes_a_version_only_when_they_change(rules, run):
    firm = certified_employer(2023, {"721001": ("60000000", "3.83")})
    first = run()
    assert first.status == RunStatus.DONE
    letter = Letter.objects.get()
    with letter.file.open("rb") as handle:
        original = handle.read()
    # Staff correct the payroll: the letter and the incentive stay as they were.
    payroll = Payroll.objects.get()
    services.update_payroll(payroll=payroll, actor=None, assessable_payroll=D("70000000"))
    letter.refresh_from_db()
    incentive = Incentive.objects.get()
    assert letter.total_amount == D("229800.00")
    assert letter.figures["total"] == "229800.00"
    assert incentive.total_amount == D("229800.00")
    assert incentive.lines.get().assessable_payroll == D("60000000.00")
    with letter.file.open("rb") as handle:
        assert handle.read() == original
    # Re-running with the same figures issues nothing new.
    services.update_payroll(payroll=payroll, actor=None, assessable_payroll=D("60000000"))
    second = run()
    assert second.letters_expected == 0
    assert Letter.objects.count() == 1
    # Re-running after a real change issues version 2; version 1 is kept unchanged.
    services.update_payroll(payroll=payroll, actor=None, assessable_payroll=D("70000000"))
    third = run()
    assert third.letters_expected == 1
    versions = list(Letter.objects.filter(employer=firm).order_by("version"))
    assert [(v.version, v.total_amount, v.reason) for v in versions] == [
        (1, D("229800.00"), "First issue"),
        (2, D("268100.00"), "Figures changed"),
    ]
    assert versions[0].sha256 == letter.sha256
    assert "$268,100.00" in pdf_text(versions[1])


def test_a_run_computes_everyone_counts_outcomes_and_is_idempotent(rules, run, staff_user):
    eligible = [certified_employer(2023, {f"72100{n}": ("1000000", "2.00")}) for n in range(3)]
    deferred = certified_employer(2023, {"721010": ("1000000", "2.00")})
    services.record_appeal(employer=deferred, year=2023, filed_on=date(2023, 9, 1), actor=None)
    ineligible = certified_employer(2023, {"721011": ("1000000", "2.00")})
    services.record_exclusion(
        employer=ineligible,
        year=2023,
        kind=ExclusionKind.CLAIMS_SUPPRESSION,
        occurred_on=date(2023, 2, 1),
        source="Investigation",
        actor=None,
    )
    EmployerFactory()  # never certified: not in the run
    first = run()
    assert (first.status, first.employers_total, first.employers_done) == (RunStatus.DONE, 5, 5)
    assert (first.eligible_count, first.ineligible_count, first.deferred_count) == (3, 1, 1)
    assert first.total_amount == D("6000.00")  # 3 x 1,000,000 / 100 x 2.00 x 10%
    assert first.letters_expected == 3
    assert first.finished_at is not None
    assert sorted(Letter.objects.values_list("employer_id", flat=True)) == sorted(
        e.pk for e in eligible
    )
    second = run()
    assert second.status == RunStatus.DONE
    assert second.letters_expected == 0
    assert Letter.objects.count() == 3
    # Staff may ask for every letter again: a new version each.
    third = run(reissue_all=True)
    assert third.letters_expected == 3
    assert sorted(Letter.objects.values_list("version", flat=True)) == [1, 1, 1, 2, 2, 2]
    assert set(Letter.objects.filter(version=2).values_list("reason", flat=True)) == {
        "Re-issued at staff request"
    }


def test_a_run_letter_is_issued_once_even_when_its_task_runs_twice(rules, run, staff_user):
    certified_employer(2023)
    done = run()
    incentive = Incentive.objects.get()
    again = services.issue_run_letter(run_id=done.pk, incentive_id=incentive.pk)
    assert Letter.objects.count() == 1
    assert again == Letter.objects.get()


def test_only_one_run_per_year_at_a_time(rules, staff_user):
    IncentiveRun.objects.create(year=2023, status=RunStatus.LETTERS)
    with pytest.raises(ValidationError):
        services.start_run(year=2023, actor=staff_user)
    services.start_run(year=2022, actor=staff_user)  # another year may run


def test_staff_reissue_makes_a_new_version(rules, staff_user):
    firm = certified_employer(2023)
    incentive = compute(firm)
    services.issue_letter(incentive=incentive, actor=staff_user, reason="First issue")
    assert services.issue_letter(incentive=incentive, actor=staff_user, reason="again") is None
    letter = services.reissue_letter(incentive=incentive, actor=staff_user)
    assert (letter.version, letter.reason) == (2, "Re-issued at staff request")
