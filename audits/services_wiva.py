"""Every change to a WIVA case (R-14): open it, do its six steps in order, cancel it.

Each step is its own service, recorded as a ``WivaStepRecord`` with its date and actor. A step
can only be done after the previous one, dated no earlier than it and not in the future; a
step is done once. Selecting the auditor plans the case's verification audit (type "wiva")
through ``audits.services.plan_audit``, which checks the auditor may conduct it (R-6, R-7:
a WIVA needs an external auditor). Every save names its actor in the history.
"""

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from auditors.models import Auditor
from cor_portal import lifecycle
from employers.models import Employer

from . import services
from .choices import AuditStatus, AuditType, WivaStatus, WivaStep
from .models import Audit, WivaCase, WivaStepRecord


def next_number(year: int) -> str:
    """Return the next free case number of the year: ``WIVA-2026-003``."""
    prefix = f"WIVA-{year}-"
    taken = WivaCase.objects.filter(number__startswith=prefix).values_list("number", flat=True)
    last = max(
        (int(n.removeprefix(prefix)) for n in taken if n.removeprefix(prefix).isdigit()), default=0
    )
    return f"{prefix}{last + 1:03d}"


@transaction.atomic
def open_case(
    *,
    actor: Any,
    employer: Employer,
    budget: Decimal,
    reason: str = "",
    notes: str = "",
    on: date | None = None,
) -> WivaCase:
    """Open a WIVA case for an employer; its first step is to notify the employer."""
    on = on or lifecycle.today()
    case = WivaCase(
        number=next_number(on.year), employer=employer, budget=budget, reason=reason, notes=notes
    )
    return lifecycle.save(case, actor)


def steps_done(case: WivaCase) -> dict[int, WivaStepRecord]:
    """Return the case's done steps by number."""
    return {record.step: record for record in case.steps.all()}


def next_step(case: WivaCase) -> WivaStep | None:
    """Return the step to do next (None when all six are done or the case is closed)."""
    if case.status != WivaStatus.OPEN:
        return None
    done = steps_done(case)
    return next((step for step in WivaStep if step.value not in done), None)


def check_step(case: WivaCase, step: WivaStep, on: date) -> None:
    """Refuse a step done out of order, twice, on a closed case, or with a wrong date."""
    if case.status != WivaStatus.OPEN:
        raise ValidationError(
            _("This WIVA case is %(status)s: no more steps can be recorded.")
            % {"status": case.get_status_display().lower()}
        )
    done = steps_done(case)
    if step.value in done:
        raise ValidationError(
            _("“%(step)s” was already recorded on %(date)s.")
            % {"step": step.label, "date": done[step.value].done_on.isoformat()}
        )
    if step.value > 1:
        previous = WivaStep(step.value - 1)
        if previous.value not in done:
            due = next(s for s in WivaStep if s.value not in done)
            raise ValidationError(
                _("Record “%(due)s” first: the steps of a WIVA are done in order.")
                % {"due": due.label}
            )
        before = done[previous.value].done_on
        if on < before:
            raise ValidationError(
                {
                    "on": _(
                        "This step cannot be dated before the previous one "
                        "(“%(previous)s”, %(date)s)."
                    )
                    % {"previous": previous.label, "date": before.isoformat()}
                }
            )
    if on > lifecycle.today():
        raise ValidationError(
            {"on": _("Record a step once it is done: the date is in the future.")}
        )


def _record(case: WivaCase, step: WivaStep, *, actor: Any, on: date, note: str) -> WivaStepRecord:
    record = WivaStepRecord(
        case=case, step=step, done_on=on, actor=lifecycle.actor_or_none(actor), note=note
    )
    lifecycle.stamp(record, actor)
    record.save()
    return record


def _locked(case: WivaCase) -> WivaCase:
    """Return the case's row locked until commit (two clerks cannot record the same step)."""
    return WivaCase.objects.select_for_update(of=("self",)).select_related("audit").get(pk=case.pk)


@transaction.atomic
def notify_employer(*, case: WivaCase, actor: Any, on: date, note: str = "") -> WivaCase:
    """Step 1: the employer was told WorkSafeBC asked for a verification audit."""
    case = _locked(case)
    check_step(case, WivaStep.NOTIFY_EMPLOYER, on)
    _record(case, WivaStep.NOTIFY_EMPLOYER, actor=actor, on=on, note=note)
    return case


@transaction.atomic
def select_auditor(
    *,
    case: WivaCase,
    actor: Any,
    on: date,
    auditor: Auditor,
    estimate: Decimal,
    starts_on: date,
    note: str = "",
) -> WivaCase:
    """Step 2: estimates were requested and an auditor selected; the WIVA audit is planned."""
    case = _locked(case)
    check_step(case, WivaStep.SELECT_AUDITOR, on)
    if starts_on < on:
        raise ValidationError(
            {"starts_on": _("The audit cannot start before the auditor is selected.")}
        )
    if estimate < 0:
        raise ValidationError({"estimate": _("The estimate cannot be negative.")})
    audit = services.plan_audit(
        actor=actor,
        employer=case.employer,
        audit_type=AuditType.WIVA,
        starts_on=starts_on,
        lead_auditor=auditor,
        notes=_("WIVA case %(number)s") % {"number": case.number},
        on=on,
    )
    case.audit, case.estimate = audit, estimate
    lifecycle.save(case, actor)
    _record(case, WivaStep.SELECT_AUDITOR, actor=actor, on=on, note=note)
    return case


@transaction.atomic
def arrange_audit(
    *, case: WivaCase, actor: Any, on: date, starts_on: date, note: str = ""
) -> WivaCase:
    """Step 3: the audit's dates were arranged with the employer and the auditor.

    A new start date moves the planned audit (and its due dates) through
    ``services.reschedule_audit``.
    """
    case = _locked(case)
    check_step(case, WivaStep.ARRANGE_AUDIT, on)
    audit = case.audit
    assert audit is not None  # step 2 planned it
    if starts_on != audit.starts_on:
        services.reschedule_audit(audit=audit, actor=actor, starts_on=starts_on)
    _record(case, WivaStep.ARRANGE_AUDIT, actor=actor, on=on, note=note)
    return case


@transaction.atomic
def qa_documents(*, case: WivaCase, actor: Any, on: date, result: str, note: str = "") -> WivaCase:
    """Step 4: every document of the audit was reviewed; the result is written down."""
    case = _locked(case)
    check_step(case, WivaStep.QA_DOCUMENTS, on)
    if not result.strip():
        raise ValidationError({"result": _("Write down the result of the QA of the documents.")})
    case.result = result.strip()
    lifecycle.save(case, actor)
    _record(case, WivaStep.QA_DOCUMENTS, actor=actor, on=on, note=note)
    return case


@transaction.atomic
def file_reporting_form(
    *, case: WivaCase, actor: Any, on: date, cost: Decimal, note: str = ""
) -> WivaCase:
    """Step 5: the WIVA reporting form was filed with WorkSafeBC, with the case's final cost."""
    case = _locked(case)
    check_step(case, WivaStep.REPORTING_FORM, on)
    if cost < 0:
        raise ValidationError({"cost": _("The cost cannot be negative.")})
    case.cost = cost
    lifecycle.save(case, actor)
    _record(case, WivaStep.REPORTING_FORM, actor=actor, on=on, note=note)
    return case


@transaction.atomic
def confirm_result(*, case: WivaCase, actor: Any, on: date, note: str = "") -> WivaCase:
    """Step 6: the result was confirmed to the employer; the case is completed."""
    case = _locked(case)
    check_step(case, WivaStep.CONFIRM_RESULT, on)
    _record(case, WivaStep.CONFIRM_RESULT, actor=actor, on=on, note=note)
    case.status = WivaStatus.COMPLETED
    return lifecycle.save(case, actor)


# The step services by number, for the pages and the API.
STEP_SERVICES: dict[WivaStep, Callable[..., WivaCase]] = {
    WivaStep.NOTIFY_EMPLOYER: notify_employer,
    WivaStep.SELECT_AUDITOR: select_auditor,
    WivaStep.ARRANGE_AUDIT: arrange_audit,
    WivaStep.QA_DOCUMENTS: qa_documents,
    WivaStep.REPORTING_FORM: file_reporting_form,
    WivaStep.CONFIRM_RESULT: confirm_result,
}


@transaction.atomic
def cancel_case(*, case: WivaCase, actor: Any, reason: str, on: date | None = None) -> WivaCase:
    """Cancel an open case, and its audit while that can still be cancelled."""
    case = _locked(case)
    if case.status != WivaStatus.OPEN:
        raise ValidationError(_("Only an open WIVA case can be cancelled."))
    if not reason.strip():
        raise ValidationError({"reason": _("Say why the case is cancelled.")})
    audit: Audit | None = case.audit
    if audit is not None and audit.status in (
        AuditStatus.PLANNED,
        AuditStatus.NOTICE_FILED,
        AuditStatus.IN_PROGRESS,
        AuditStatus.ONSITE_COMPLETE,
    ):
        services.cancel_audit(
            audit=audit,
            actor=actor,
            reason=_("WIVA case %(number)s cancelled: %(reason)s")
            % {"number": case.number, "reason": reason},
            on=on,
        )
    case.status, case.cancel_reason = WivaStatus.CANCELLED, reason.strip()
    return lifecycle.save(case, actor)
