"""Every change to incentives: base rates, payroll, eligibility facts, runs and letters.

Each write is atomic, takes ``actor`` and names it in the history. The amount of a CU is
``incentives.calculator.incentive_amount`` and the outcome of a year is
``incentives.eligibility.decide``: nothing here re-implements them.
"""

import hashlib
import json
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from audits.choices import AuditStatus, AuditType
from audits.models import CLOSED, Audit, Certificate
from cor_portal import lifecycle
from cor_portal.program.models import ProgramRules
from employers.choices import Program
from employers.models import ClassificationUnit, Employer

from . import eligibility
from .calculator import incentive_amount
from .choices import RUNNING, IncentiveStatus, LineKind, RunStatus
from .models import (
    Appeal,
    BaseRate,
    Decision,
    Exclusion,
    Incentive,
    IncentiveLine,
    IncentiveRun,
    Letter,
    Payroll,
)

ZERO = Decimal("0.00")
PROGRESS_EVERY = 25  # employers computed between two progress updates of a run
CYCLE_AUDITS = (AuditType.CERTIFICATION, AuditType.MAINTENANCE, AuditType.RECERTIFICATION)


# Base rates and payroll ---------------------------------------------------------------------


@transaction.atomic
def save_base_rate(
    *, unit: ClassificationUnit, year: int, rate: Decimal, actor: Any
) -> tuple[BaseRate, bool]:
    """Set a CU's base rate for a year (add or change it); return it and whether it is new."""
    base_rate = BaseRate.objects.filter(unit=unit, year=year).first()
    created = base_rate is None
    if base_rate is None:
        base_rate = BaseRate(unit=unit, year=year, rate=rate)
    else:
        base_rate.rate = rate
    lifecycle.save(base_rate, actor)
    return base_rate, created


@transaction.atomic
def update_base_rate(*, base_rate: BaseRate, actor: Any, **changes: Any) -> BaseRate:
    """Change a base rate's CU, year or rate."""
    for name, value in changes.items():
        setattr(base_rate, name, value)
    lifecycle.save(base_rate, actor)
    return base_rate


@transaction.atomic
def delete_base_rate(*, base_rate: BaseRate, actor: Any) -> None:
    lifecycle.delete(base_rate, actor)


@transaction.atomic
def save_payroll(
    *,
    employer: Employer,
    unit: ClassificationUnit,
    year: int,
    assessable_payroll: Decimal,
    actor: Any,
) -> tuple[Payroll, bool]:
    """Set an employer's assessable payroll in a CU for a year; return it and whether new."""
    payroll = Payroll.objects.filter(employer=employer, unit=unit, year=year).first()
    created = payroll is None
    if payroll is None:
        payroll = Payroll(
            employer=employer, unit=unit, year=year, assessable_payroll=assessable_payroll
        )
    else:
        payroll.assessable_payroll = assessable_payroll
    lifecycle.save(payroll, actor)
    return payroll, created


@transaction.atomic
def update_payroll(*, payroll: Payroll, actor: Any, **changes: Any) -> Payroll:
    """Change a payroll's employer, CU, year or amount (letters already sent do not change)."""
    for name, value in changes.items():
        setattr(payroll, name, value)
    lifecycle.save(payroll, actor)
    return payroll


@transaction.atomic
def delete_payroll(*, payroll: Payroll, actor: Any) -> None:
    lifecycle.delete(payroll, actor)


# Eligibility facts (R-18) -------------------------------------------------------------------


@transaction.atomic
def record_exclusion(
    *,
    employer: Employer,
    year: int,
    kind: str,
    occurred_on: date,
    source: str,
    actor: Any,
    note: str = "",
) -> Exclusion:
    """Record an exclusion in the year (penalty, suppression, balance, registration, payroll)."""
    if occurred_on.year != year:
        raise ValidationError(
            {
                "occurred_on": _("The date must fall in the assessment year %(year)s.")
                % {"year": year}
            }
        )
    exclusion = Exclusion(
        employer=employer,
        year=year,
        kind=kind,
        occurred_on=occurred_on,
        source=source,
        note=note,
        recorded_by=lifecycle.actor_or_none(actor),
    )
    lifecycle.save(exclusion, actor)
    return exclusion


@transaction.atomic
def delete_exclusion(*, exclusion: Exclusion, actor: Any) -> None:
    lifecycle.delete(exclusion, actor)


@transaction.atomic
def record_appeal(
    *, employer: Employer, year: int, filed_on: date, actor: Any, note: str = ""
) -> Appeal:
    """Record an appeal for the year: the incentive is deferred until it is resolved."""
    appeal = Appeal(
        employer=employer,
        year=year,
        filed_on=filed_on,
        note=note,
        recorded_by=lifecycle.actor_or_none(actor),
    )
    lifecycle.save(appeal, actor)
    return appeal


@transaction.atomic
def resolve_appeal(*, appeal: Appeal, resolved_on: date, actor: Any, note: str = "") -> Appeal:
    """Mark an appeal resolved (record the outcome as a decision when it decides the year)."""
    if not appeal.pending:
        raise ValidationError(_("This appeal is already resolved."))
    appeal.resolved_on = resolved_on
    if note:
        appeal.note = f"{appeal.note}\n{note}".strip()
    lifecycle.save(appeal, actor)
    return appeal


@transaction.atomic
def record_decision(
    *,
    employer: Employer,
    year: int,
    outcome: str,
    reason: str,
    decided_on: date,
    actor: Any,
) -> Decision:
    """Record staff's decision on the year's eligibility; the latest decision stands."""
    if not reason.strip():
        raise ValidationError({"reason": _("Give the reason for the decision.")})
    decision = Decision(
        employer=employer,
        year=year,
        outcome=outcome,
        reason=reason.strip(),
        decided_on=decided_on,
        decided_by=lifecycle.actor_or_none(actor),
    )
    lifecycle.save(decision, actor)
    return decision


# Calculation (R-17, R-19) -------------------------------------------------------------------


@dataclass
class Facts:
    """What decides one employer's incentive for the year, gathered for many in a few queries."""

    units: dict[str, dict[int, ClassificationUnit]] = field(
        default_factory=lambda: {Program.OHS: {}, Program.RTW: {}}
    )
    approved: set[str] = field(default_factory=set)  # programs with an approved audit in Y
    pending: set[str] = field(default_factory=set)  # programs with an audit still open in Y
    certificate: Certificate | None = None
    exclusions: list[Exclusion] = field(default_factory=list)
    appeal_pending: bool = False
    decision: Decision | None = None


def _year_bounds(year: int) -> tuple[date, date]:
    return date(year, 1, 1), date(year, 12, 31)


def certified_employer_ids(year: int) -> list[int]:
    """Return the employers whose certificate covered any day of the year, by name."""
    start, end = _year_bounds(year)
    ids = (
        Certificate.objects.filter(certified_on__lte=end, expires_on__gt=start)
        .exclude(ended_on__lt=start)
        .values_list("employer_id", flat=True)
        .distinct()
    )
    return list(
        Employer.objects.filter(pk__in=ids)
        .order_by("legal_name", "pk")
        .values_list("pk", flat=True)
    )


def gather_facts(year: int, employer_ids: list[int]) -> dict[int, Facts]:
    """Return the facts of the year for the employers, in a constant number of queries."""
    start, end = _year_bounds(year)
    facts: dict[int, Facts] = defaultdict(Facts)
    certificates = (
        Certificate.objects.filter(
            employer_id__in=employer_ids, certified_on__lte=end, expires_on__gt=start
        )
        .exclude(ended_on__lt=start)
        .select_related("audit__tool")
        .prefetch_related("classification_units")
        .order_by("certified_on", "pk")
    )
    for certificate in certificates:
        fact = facts[certificate.employer_id]
        program = certificate.audit.tool.program
        for unit in certificate.classification_units.all():
            fact.units.setdefault(program, {})[unit.pk] = unit
        if program == Program.OHS or fact.certificate is None:
            fact.certificate = certificate  # the latest, ordered by date
    audits = Audit.objects.filter(
        employer_id__in=employer_ids, starts_on__year=year, audit_type__in=CYCLE_AUDITS
    ).values_list("employer_id", "tool__program", "status")
    for employer_id, program, status in audits:
        if status == AuditStatus.APPROVED:
            facts[employer_id].approved.add(program)
        elif status not in CLOSED:
            facts[employer_id].pending.add(program)
    for exclusion in Exclusion.objects.filter(employer_id__in=employer_ids, year=year).order_by(
        "occurred_on", "pk"
    ):
        facts[exclusion.employer_id].exclusions.append(exclusion)
    for employer_id in Appeal.objects.filter(
        employer_id__in=employer_ids, year=year, resolved_on__isnull=True
    ).values_list("employer_id", flat=True):
        facts[employer_id].appeal_pending = True
    for decision in Decision.objects.filter(employer_id__in=employer_ids, year=year).order_by(
        "decided_on", "pk"
    ):
        facts[decision.employer_id].decision = decision  # the latest wins
    return facts


@dataclass(frozen=True)
class Computed:
    """One employer's incentive as computed: outcome, lines and the figures' fingerprint."""

    status: str
    reasons: tuple[str, ...]
    lines: tuple[dict[str, Any], ...]
    total: Decimal
    certificate: Certificate | None
    figures_hash: str


def _money(value: Decimal | None) -> str | None:
    return None if value is None else f"{value:.2f}"


def figures_fingerprint(
    *, base_rate_year: int, lines: Iterable[dict[str, Any]], total: Decimal, certificate: Any
) -> str:
    """Return the SHA-256 of the figures a letter shows: a new letter version when it changes."""
    payload = {
        "base_rate_year": base_rate_year,
        "certificate": certificate.number if certificate else "",
        "expires_on": certificate.expires_on.isoformat() if certificate else "",
        "lines": [
            {
                key: (_money(value) if isinstance(value, Decimal) else value)
                for key, value in line.items()
                if key != "unit"
            }
            for line in lines
        ],
        "total": _money(total),
    }
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()


def compute(
    *,
    year: int,
    rules: ProgramRules,
    fact: Facts,
    payrolls: dict[int, Decimal],
    rates: dict[int, Decimal],
) -> Computed:
    """Return one employer's incentive for the year from its facts and figures (no writes)."""
    rate_year = year + rules.base_rate_year_offset
    programs = [(Program.OHS, LineKind.STANDARD, rules.incentive_percent)]
    if year <= rules.rtw_last_assessment_year:
        programs.append((Program.RTW, LineKind.RTW, rules.rtw_incentive_percent))
    lines: list[dict[str, Any]] = []
    missing: list[str] = []
    for program, kind, percent in programs:
        units = fact.units.get(program, {})
        if kind == LineKind.RTW and program not in fact.approved:
            continue  # an RTW line needs the year's RTW audit approved
        for unit in sorted(units.values(), key=lambda u: u.code):
            payroll, rate = payrolls.get(unit.pk), rates.get(unit.pk)
            amount = ZERO
            if payroll is None:
                if kind == LineKind.STANDARD:
                    missing.append(
                        _("No %(year)s assessable payroll on file for CU %(code)s.")
                        % {"year": year, "code": unit.code}
                    )
            elif rate is None:
                if kind == LineKind.STANDARD:
                    missing.append(
                        _("No %(year)s base rate on file for CU %(code)s.")
                        % {"year": rate_year, "code": unit.code}
                    )
            else:
                amount = incentive_amount(
                    assessable_payroll=payroll, base_rate=rate, percent=percent
                )
            lines.append(
                {
                    "unit": unit,
                    "code": unit.code,
                    "description": unit.description,
                    "kind": str(kind),
                    "payroll": payroll,
                    "base_rate": rate,
                    "percent": Decimal(percent),
                    "amount": amount,
                }
            )
    total = sum((line["amount"] for line in lines), ZERO)
    decision = (
        eligibility.Decision(fact.decision.outcome, fact.decision.reason)
        if fact.decision is not None
        else None
    )
    outcome = eligibility.decide(
        certified_units=len(fact.units.get(Program.OHS, {})) + len(fact.units.get(Program.RTW, {})),
        audit_approved=bool(fact.approved),
        audit_pending=bool(fact.pending),
        exclusions=tuple(
            _("%(kind)s on %(date)s (source: %(source)s).")
            % {"kind": e.get_kind_display(), "date": e.occurred_on.isoformat(), "source": e.source}
            for e in fact.exclusions
        ),
        appeal_pending=fact.appeal_pending,
        decision=decision,
        missing_figures=tuple(missing),
    )
    return Computed(
        status=outcome.status,
        reasons=outcome.reasons,
        lines=tuple(lines),
        total=total,
        certificate=fact.certificate,
        figures_hash=figures_fingerprint(
            base_rate_year=rate_year, lines=lines, total=total, certificate=fact.certificate
        ),
    )


def _store(
    *,
    employer_id: int,
    year: int,
    rate_year: int,
    computed: Computed,
    existing: Incentive | None,
    run: IncentiveRun | None,
    actor: Any,
) -> Incentive:
    """Save the computed incentive; lines are rewritten only when the figures changed."""
    reasons = "\n".join(computed.reasons)
    certificate = computed.certificate
    if (
        existing is not None
        and existing.figures_hash == computed.figures_hash
        and existing.status == computed.status
        and existing.reasons == reasons
    ):
        return existing  # unchanged: its frozen lines and history stay as they are
    incentive = existing or Incentive(employer_id=employer_id, year=year)
    incentive.status = computed.status
    incentive.reasons = reasons
    incentive.base_rate_year = rate_year
    incentive.total_amount = computed.total
    incentive.certificate = certificate
    incentive.certificate_number = certificate.number if certificate else ""
    incentive.certificate_expires_on = certificate.expires_on if certificate else None
    figures_changed = existing is None or existing.figures_hash != computed.figures_hash
    incentive.figures_hash = computed.figures_hash
    incentive.computed_at = timezone.now()
    incentive.run = run
    lifecycle.stamp(incentive, actor)
    incentive.save()
    if figures_changed:
        incentive.lines.all().delete()
        IncentiveLine.objects.bulk_create(
            IncentiveLine(
                incentive=incentive,
                unit=line["unit"],
                unit_code=line["code"],
                unit_description=line["description"],
                kind=line["kind"],
                assessable_payroll=line["payroll"],
                base_rate=line["base_rate"],
                percent=line["percent"],
                amount=line["amount"],
            )
            for line in computed.lines
        )
    return incentive


def compute_year(
    *,
    year: int,
    actor: Any,
    employer_ids: list[int] | None = None,
    run: IncentiveRun | None = None,
    progress: Callable[[int], None] | None = None,
) -> list[Incentive]:
    """Compute (and store) the incentive of every employer certified in the year, or of some.

    Each employer's incentive is saved in its own transaction; ``progress`` is told how many
    are done every few employers.
    """
    rules = ProgramRules.objects.for_year(year)
    rate_year = year + rules.base_rate_year_offset
    ids = certified_employer_ids(year) if employer_ids is None else list(employer_ids)
    facts = gather_facts(year, ids)
    payrolls: dict[int, dict[int, Decimal]] = defaultdict(dict)
    for employer_id, unit_id, amount in Payroll.objects.filter(
        year=year, employer_id__in=ids
    ).values_list("employer_id", "unit_id", "assessable_payroll"):
        payrolls[employer_id][unit_id] = amount
    rates = dict(BaseRate.objects.filter(year=rate_year).values_list("unit_id", "rate"))
    existing = {i.employer_id: i for i in Incentive.objects.filter(year=year, employer_id__in=ids)}
    results = []
    for done, employer_id in enumerate(ids, start=1):
        computed = compute(
            year=year,
            rules=rules,
            fact=facts[employer_id],
            payrolls=payrolls[employer_id],
            rates=rates,
        )
        with transaction.atomic():
            results.append(
                _store(
                    employer_id=employer_id,
                    year=year,
                    rate_year=rate_year,
                    computed=computed,
                    existing=existing.get(employer_id),
                    run=run,
                    actor=actor,
                )
            )
        if progress is not None and (done % PROGRESS_EVERY == 0 or done == len(ids)):
            progress(done)
    return results


def compute_incentive(*, employer: Employer, year: int, actor: Any) -> Incentive:
    """Compute (and store) one employer's incentive for the year (staff's "recalculate")."""
    return compute_year(year=year, actor=actor, employer_ids=[employer.pk])[0]


# Runs ---------------------------------------------------------------------------------------


@transaction.atomic
def start_run(*, year: int, actor: Any, reissue_all: bool = False) -> IncentiveRun:
    """Queue a run for the year (one at a time per year); the worker computes and letters."""
    from . import tasks

    if IncentiveRun.objects.filter(year=year, status__in=RUNNING).exists():
        raise ValidationError(_("A run for %(year)s is already under way.") % {"year": year})
    run = IncentiveRun.objects.create(
        year=year, reissue_all=reissue_all, requested_by=lifecycle.actor_or_none(actor)
    )
    transaction.on_commit(lambda: tasks.run_incentives.delay(run.pk))
    return run


def letters_needed(run: IncentiveRun, incentives: Iterable[Incentive]) -> list[Incentive]:
    """Return the eligible incentives that need a letter: new, changed, or all on request."""
    eligible = [i for i in incentives if i.status == IncentiveStatus.ELIGIBLE]
    latest: dict[int, str] = {}
    for incentive_id, figures_hash in (
        Letter.objects.filter(incentive__in=eligible)
        .order_by("incentive_id", "version")
        .values_list("incentive_id", "figures_hash")
    ):
        latest[incentive_id] = figures_hash  # the highest version comes last
    return [i for i in eligible if run.reissue_all or latest.get(i.pk) != i.figures_hash]


def execute_run(run: IncentiveRun) -> list[int]:
    """Compute every employer's incentive for the run's year; return the ids needing letters.

    The counts by outcome and the total are stored on the run. A run already past this step
    (a redelivered task) returns the letters it still lacks.
    """
    if run.status in (RunStatus.DONE, RunStatus.FAILED):
        return []
    if run.status == RunStatus.LETTERS:
        return pending_letter_ids(run)
    ids = certified_employer_ids(run.year)
    IncentiveRun.objects.filter(pk=run.pk).update(
        status=RunStatus.COMPUTING, started_at=timezone.now(), employers_total=len(ids)
    )

    def progress(done: int) -> None:
        IncentiveRun.objects.filter(pk=run.pk).update(employers_done=done)

    incentives = compute_year(
        year=run.year, actor=run.requested_by, employer_ids=ids, run=run, progress=progress
    )
    counts = dict.fromkeys(IncentiveStatus.values, 0)
    for incentive in incentives:
        counts[incentive.status] += 1
    total = sum((i.payable_amount for i in incentives), ZERO)
    needed = letters_needed(run, incentives)
    run.status = RunStatus.LETTERS if needed else RunStatus.DONE
    run.employers_total = run.employers_done = len(ids)
    run.eligible_count = counts[IncentiveStatus.ELIGIBLE]
    run.ineligible_count = counts[IncentiveStatus.INELIGIBLE]
    run.deferred_count = counts[IncentiveStatus.DEFERRED]
    run.total_amount = total
    run.letters_expected = len(needed)
    run.finished_at = None if needed else timezone.now()
    run.save()
    return [i.pk for i in needed]


def pending_letter_ids(run: IncentiveRun) -> list[int]:
    """Return the incentives of the run's year that still need their letter from this run."""
    incentives = Incentive.objects.filter(year=run.year, status=IncentiveStatus.ELIGIBLE)
    made = set(Letter.objects.filter(run=run).values_list("incentive_id", flat=True))
    return [i.pk for i in letters_needed(run, incentives) if i.pk not in made]


def fail_run(run_id: int, error: str) -> None:
    IncentiveRun.objects.filter(pk=run_id).update(
        status=RunStatus.FAILED, error=error[:2000], finished_at=timezone.now()
    )


def finish_run_if_complete(run_id: int) -> bool:
    """Mark the run done once each of its letters exists; return whether it is done."""
    run = IncentiveRun.objects.get(pk=run_id)
    if run.status != RunStatus.LETTERS:
        return run.status == RunStatus.DONE
    if Letter.objects.filter(run_id=run_id).count() < run.letters_expected:
        return False
    IncentiveRun.objects.filter(pk=run_id, status=RunStatus.LETTERS).update(
        status=RunStatus.DONE, finished_at=timezone.now()
    )
    return True


# Letters (R-20) -----------------------------------------------------------------------------


def letter_figures(incentive: Incentive) -> dict[str, Any]:
    """Return what a letter shows, as plain text values: frozen with the letter."""
    employer = incentive.employer
    return {
        "employer": {
            "legal_name": employer.legal_name,
            "trade_name": employer.trade_name,
            "account_number": employer.account_number,
            "street": employer.street,
            "city": employer.city,
            "postal_code": employer.postal_code,
        },
        "year": incentive.year,
        "base_rate_year": incentive.base_rate_year,
        "certificate_number": incentive.certificate_number,
        "certificate_expires_on": (
            incentive.certificate_expires_on.isoformat() if incentive.certificate_expires_on else ""
        ),
        "lines": [
            {
                "code": line.unit_code,
                "description": line.unit_description,
                "kind": line.kind,
                "payroll": _money(line.assessable_payroll),
                "base_rate": _money(line.base_rate),
                "percent": _money(line.percent),
                "amount": _money(line.amount),
            }
            for line in incentive.lines.all()
        ],
        "total": _money(incentive.total_amount),
    }


def letter_number(incentive: Incentive, version: int) -> str:
    """Return a letter's number: ``INC-2024-00042-2`` (year, incentive, version)."""
    return f"INC-{incentive.year}-{incentive.pk:05d}-{version}"


def issue_letter(
    *,
    incentive: Incentive,
    actor: Any,
    reason: str,
    run: IncentiveRun | None = None,
    force: bool = False,
) -> Letter | None:
    """Issue the next version of the incentive's letter, stored with its SHA-256.

    Without ``force``, nothing is issued when the latest letter already shows these figures;
    within a run, a letter is issued once (a redelivered task finds it and returns it).
    """
    from .documents import render_letter_pdf

    if incentive.status != IncentiveStatus.ELIGIBLE:
        raise ValidationError(_("Only an eligible incentive gets a letter."))
    with transaction.atomic():
        locked = Incentive.objects.select_for_update().get(pk=incentive.pk)
        if run is not None:
            made = Letter.objects.filter(run=run, incentive=locked).first()
            if made is not None:
                return made
        latest = locked.letters.order_by("-version").first()
        if not force and latest is not None and latest.figures_hash == locked.figures_hash:
            return None
        version = (latest.version if latest else 0) + 1
        locked = (
            Incentive.objects.select_related("employer").prefetch_related("lines").get(pk=locked.pk)
        )
        letter = Letter(
            incentive=locked,
            employer=locked.employer,
            year=locked.year,
            version=version,
            number=letter_number(locked, version),
            reason=reason,
            total_amount=locked.total_amount,
            figures=letter_figures(locked),
            figures_hash=locked.figures_hash,
            run=run,
            issued_by=lifecycle.actor_or_none(actor),
        )
        pdf = render_letter_pdf(letter)
        letter.sha256 = hashlib.sha256(pdf).hexdigest()
        letter.size = len(pdf)
        letter.file.save(letter.filename, ContentFile(pdf), save=False)
        try:
            with transaction.atomic():
                letter.save()
        except IntegrityError:
            letter.file.delete(save=False)
            raise
    return letter


def issue_run_letter(*, run_id: int, incentive_id: int) -> Letter | None:
    """Issue one letter of a run (once), then mark the run done if it was the last."""
    run = IncentiveRun.objects.select_related("requested_by").get(pk=run_id)
    incentive = Incentive.objects.get(pk=incentive_id)
    previous = incentive.letters.exists()
    if run.reissue_all and previous:
        reason = _("Re-issued at staff request")
    elif previous:
        reason = _("Figures changed")
    else:
        reason = _("First issue")
    letter = None
    if incentive.status == IncentiveStatus.ELIGIBLE:
        letter = issue_letter(
            incentive=incentive, actor=run.requested_by, reason=reason, run=run, force=True
        )
    finish_run_if_complete(run_id)
    return letter


def reissue_letter(*, incentive: Incentive, actor: Any) -> Letter:
    """Issue a new version of the letter at staff's request, whatever its figures."""
    letter = issue_letter(
        incentive=incentive, actor=actor, reason=_("Re-issued at staff request"), force=True
    )
    assert letter is not None
    return letter
