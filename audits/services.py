"""Every change to audits, submissions, extensions and certificates (R-5 to R-11)."""

from collections.abc import Iterable, Mapping
from datetime import date
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Sum
from django.utils.translation import gettext as _

from auditors.models import Auditor
from auditors.selectors import standing_for
from cor_portal import lifecycle
from cor_portal.notifications.services import notify
from cor_portal.program.models import ProgramRules
from employers import services as employer_services
from employers.choices import EmployerStatus
from employers.models import ClassificationUnit, Employer

from .certification import certificate_expiry
from .choices import AuditStatus, AuditType, CertificateStatus, ExtensionStatus
from .cycles import cycle_schedule, cycle_year_for
from .deadlines import DeadlineRules, audit_deadlines
from .eligibility import external_auditor_required
from .models import (
    EXTENSION_MAX_DAYS,
    Audit,
    AuditStatusChange,
    AuditTool,
    Certificate,
    ElementScore,
    Extension,
    Submission,
)
from .scoring import AuditResult, score_audit
from .scoring import ElementScore as Points

S = AuditStatus
REFUSAL = _("An audit that is %(status)s cannot be moved this way (%(action)s).")
CERTIFYING = (AuditType.CERTIFICATION, AuditType.RECERTIFICATION)


def deadline_rules(starts_on: date) -> DeadlineRules:
    """Return the deadline numbers of the program rules in force on the audit's start."""
    rules = ProgramRules.objects.in_force(starts_on)
    return DeadlineRules(
        notice_lead_days=rules.notice_lead_days,
        onsite_days=rules.onsite_days,
        submission_days=rules.submission_days,
        final_report_days=rules.final_report_days,
    )


def _schedule(audit: Audit) -> None:
    """Store the audit's four due dates and its flags from its dates and extensions."""
    due = audit_deadlines(
        audit.starts_on,
        last_onsite_on=audit.last_onsite_on,
        extension_days=audit.extension_days,
        rules=deadline_rules(audit.starts_on),
    )
    audit.notice_due, audit.onsite_due = due.notice_due, due.onsite_due
    audit.submission_due, audit.final_due = due.submission_due, due.final_due
    audit.onsite_overrun = bool(audit.last_onsite_on and audit.last_onsite_on > audit.onsite_due)
    audit.notice_late = bool(audit.notice_filed_on and audit.notice_filed_on > audit.notice_due)
    audit.past_cutoff = _past_cutoff(audit)


def _past_cutoff(audit: Audit) -> bool:
    """Return whether the onsite deadline falls after the cycle year's cutoff (R-5, R-11)."""
    certificate = audit.cycle_certificate
    if certificate is None or audit.cycle_year is None:
        return False
    rules = ProgramRules.objects.in_force(audit.starts_on)
    schedule = cycle_schedule(
        certificate.certified_on,
        certificate.expires_on,
        cutoff_month=rules.maintenance_cutoff_month,
        cutoff_day=rules.maintenance_cutoff_day,
    )
    year = next((y for y in schedule if y.number == audit.cycle_year), None)
    return year is not None and audit.onsite_due > year.due_by


def current_certificate(employer: Employer, *, on: date) -> Certificate | None:
    """Return the employer's certificate valid on the date, if any."""
    return (
        Certificate.objects.valid_on(on).filter(employer=employer).order_by("-certified_on").first()
    )


def _link_cycle(audit: Audit) -> None:
    """Attach a maintenance or recertification audit to its certificate's cycle year."""
    if audit.audit_type not in (AuditType.MAINTENANCE, AuditType.RECERTIFICATION):
        return
    certificate = current_certificate(audit.employer, on=audit.starts_on)
    if certificate is None:
        if audit.audit_type == AuditType.MAINTENANCE:
            raise ValidationError(
                {
                    "audit_type": _(
                        "A maintenance audit needs a valid certificate on its start date."
                    )
                }
            )
        return
    rules = ProgramRules.objects.in_force(audit.starts_on)
    schedule = cycle_schedule(
        certificate.certified_on,
        certificate.expires_on,
        cutoff_month=rules.maintenance_cutoff_month,
        cutoff_day=rules.maintenance_cutoff_day,
    )
    year = cycle_year_for(schedule, audit.audit_type, audit.starts_on)
    audit.cycle_certificate = certificate
    audit.cycle_year = year.number if year else None


def check_assignment(
    *, employer: Employer, audit_type: str, lead_auditor: Auditor, starts_on: date
) -> None:
    """Refuse (with every reason) a lead auditor who may not conduct this audit (R-6, R-7)."""
    reasons = []
    if not employer.size_class:
        reasons.append(
            _(
                "Record the employer's employees or payroll hours first: its size decides "
                "who may audit."
            )
        )
    elif (
        external_auditor_required(size_class=employer.size_class, audit_type=audit_type)
        and lead_auditor.kind != "external"
    ):
        reasons.append(
            _("A %(size)s employer's %(type)s audit needs an external auditor.")
            % {"size": employer.size_class, "type": AuditType(audit_type).label.lower()}
        )
    standing = standing_for(lead_auditor, employer_id=employer.pk, starts_on=starts_on)
    reasons.extend(standing.reasons)
    if reasons:
        raise ValidationError({"lead_auditor": reasons})


def default_tool(employer: Employer) -> AuditTool:
    """Return the audit tool in use for the employer's program (the first active one)."""
    tool = AuditTool.objects.filter(active=True).order_by("pk").first()
    if tool is None:
        raise ValidationError(_("No audit tool is set up: add one in the admin."))
    return tool


# Employers outside the program: not registered yet, withdrawn, or removed.
NOT_AUDITED = (EmployerStatus.ENQUIRY, EmployerStatus.WITHDRAWN, EmployerStatus.REMOVED)


@transaction.atomic
def plan_audit(
    *,
    actor: Any,
    employer: Employer,
    audit_type: str,
    starts_on: date,
    lead_auditor: Auditor,
    scope: Iterable[ClassificationUnit] | None = None,
    student_auditors: Iterable[Auditor] = (),
    tool: AuditTool | None = None,
    notes: str = "",
    verification_of: Audit | None = None,
    on: date | None = None,
) -> Audit:
    """Plan an audit: check who may audit, store its due dates, link its cycle year.

    Planning a certification audit for a registered (or lapsed) employer starts its
    certification (R-3).
    """
    on = on or lifecycle.today()
    # Judge the lifecycle on the row as it is now (locked until commit), not the caller's copy.
    employer = Employer.objects.select_for_update().get(pk=employer.pk)
    if employer.status in NOT_AUDITED:
        raise ValidationError(
            {
                "employer": _(
                    "%(employer)s is not registered (status: %(status)s); register it "
                    "before planning an audit."
                )
                % {"employer": employer, "status": employer.get_status_display()}
            }
        )
    check_assignment(
        employer=employer, audit_type=audit_type, lead_auditor=lead_auditor, starts_on=starts_on
    )
    units = list(scope) if scope is not None else list(employer.classification_units.all())
    employer_units = set(employer.classification_units.values_list("pk", flat=True))
    if not units or any(unit.pk not in employer_units for unit in units):
        raise ValidationError({"scope": _("Choose the audited CUs among the employer's own.")})
    audit = Audit(
        employer=employer,
        audit_type=audit_type,
        tool=tool or default_tool(employer),
        lead_auditor=lead_auditor,
        starts_on=starts_on,
        notes=notes,
        verification_of=verification_of,
        status_changed_on=on,
    )
    _link_cycle(audit)
    _schedule(audit)
    lifecycle.save(audit, actor, exclude=["status"])
    audit.scope.set(units)
    students = list(student_auditors)
    if students:
        audit.student_auditors.set(students)
    if audit_type in CERTIFYING and employer.status in (
        EmployerStatus.REGISTERED,
        EmployerStatus.LAPSED,
    ):
        employer_services.start_certification(
            employer=employer,
            actor=actor,
            on=min(on, lifecycle.today()),
            reason=_("%(type)s audit planned to start %(date)s")
            % {"type": audit.get_audit_type_display(), "date": starts_on.isoformat()},
        )
    return audit


@transaction.atomic
def reschedule_audit(*, audit: Audit, actor: Any, starts_on: date) -> Audit:
    """Move a planned audit's start date; its due dates follow."""
    if audit.status != S.PLANNED:
        raise ValidationError(_("Only a planned audit can be rescheduled."))
    check_assignment(
        employer=audit.employer,
        audit_type=audit.audit_type,
        lead_auditor=audit.lead_auditor,
        starts_on=starts_on,
    )
    audit.starts_on = starts_on
    _link_cycle(audit)
    _schedule(audit)
    lifecycle.save(audit, actor, exclude=["status"])
    return audit


def _move(
    audit: Audit,
    action: str,
    *,
    actor: Any,
    on: date | None,
    reason: str,
    changes: dict | None = None,
) -> Audit:
    return lifecycle.move(
        audit,
        action,
        actor=actor,
        on=on,
        reason=reason,
        record=AuditStatusChange,
        owner_field="audit",
        refusal=REFUSAL,
        changes=changes,
        check_order=False,
        # The audit's constraints (date order, score range) hold by construction: the
        # services compute the dates with audit_deadlines and the score with score_audit,
        # and refuse a last onsite day before the start; the database still enforces them.
        validate_constraints=False,
    )


def _staff() -> list[Any]:
    """Return nobody: staff are told through the team address (COR_STAFF_EMAIL)."""
    return []


def _people(audit: Audit, *, employer: bool = True) -> list[Any]:
    """Return the logins told about an audit: its lead auditor and the employer's contacts."""
    users = [audit.lead_auditor.user]
    if employer:
        users += [c.user for c in audit.employer.contacts.select_related("user") if c.user_id]
    return users


@transaction.atomic
def file_notice(
    *,
    audit: Audit,
    actor: Any,
    no_conflict_declared: bool,
    sites: str = "",
    on: date | None = None,
) -> Audit:
    """File the Notice of Audit (R-8), with the auditor's declaration of no consulting (R-7)."""
    on = on or lifecycle.today()
    if not no_conflict_declared:
        raise ValidationError(
            {
                "no_conflict_declared": _(
                    "Declare that you did no consulting for this employer in the cooling-off "
                    "period; otherwise you may not audit it."
                )
            }
        )
    audit = _move(
        audit,
        "file_notice",
        actor=actor,
        on=on,
        reason=_("Notice of Audit filed"),
        changes={
            "notice_filed_on": on,
            "no_conflict_declared": True,
            "sites": sites,
            "notice_late": on > audit.notice_due,
        },
    )
    notify(
        _people(audit, employer=True),
        subject=_("Notice of Audit filed: %(employer)s") % {"employer": audit.employer},
        template="notice_filed",
        context={"audit": audit, "late": audit.notice_late},
        url=audit.get_absolute_url(),
        extra_emails=[settings.COR_STAFF_EMAIL],
    )
    return audit


@transaction.atomic
def start_audit(*, audit: Audit, actor: Any, on: date | None = None) -> Audit:
    """Record that the audit's work has begun (on or after its start date)."""
    on = on or lifecycle.today()
    if on < audit.starts_on:
        raise ValidationError(
            {"on": _("The audit starts on %(date)s.") % {"date": audit.starts_on}}
        )
    return _move(audit, "start", actor=actor, on=on, reason=_("Audit started"))


@transaction.atomic
def complete_onsite(
    *, audit: Audit, actor: Any, last_onsite_on: date, on: date | None = None
) -> Audit:
    """Record the last onsite day: the report-to-QA clock starts (R-9); an overrun is flagged."""
    on = on or lifecycle.today()
    if last_onsite_on > on:
        raise ValidationError({"last_onsite_on": _("The last onsite day cannot be in the future.")})
    if last_onsite_on < audit.starts_on:
        raise ValidationError(
            {"last_onsite_on": _("The last onsite day cannot be before the start.")}
        )
    audit.last_onsite_on = last_onsite_on
    _schedule(audit)
    changes = {
        "last_onsite_on": last_onsite_on,
        "submission_due": audit.submission_due,
        "onsite_overrun": audit.onsite_overrun,
    }
    return _move(
        audit,
        "complete_onsite",
        actor=actor,
        on=on,
        reason=_("Onsite work complete"),
        changes=changes,
    )


# Report and scores --------------------------------------------------------------------------


def draft_of(audit: Audit) -> Submission | None:
    """Return the audit's submission being prepared (not yet submitted), if any."""
    return audit.submissions.filter(submitted_on__isnull=True).order_by("-number").first()


def latest_submission(audit: Audit) -> Submission | None:
    """Return the audit's latest submitted revision, if any."""
    return audit.submissions.filter(submitted_on__isnull=False).order_by("-number").first()


EVIDENCE_FIELDS = (
    "used_documentation",
    "used_observation",
    "used_interviews",
    "headcount",
    "interviewed",
)


def _draft(audit: Audit) -> Submission:
    """Return the draft, starting one if needed.

    A revision after QA returned the audit starts from the previous revision: its report,
    element scores and evidence, to be corrected (every revision is kept as it was submitted).
    A first draft starts with the employer's BC headcount.
    """
    draft = draft_of(audit)
    if draft is None:
        last = audit.submissions.aggregate(n=Max("number"))["n"] or 0
        previous = latest_submission(audit)
        draft = Submission(audit=audit, number=last + 1, headcount=audit.employer.employees)
        if previous is not None:
            draft.report = previous.report.name
            draft.report_name = previous.report_name
            for name in EVIDENCE_FIELDS:
                setattr(draft, name, getattr(previous, name))
        draft.save()
        if previous is not None:
            ElementScore.objects.bulk_create(
                ElementScore(
                    submission=draft,
                    element_id=score.element_id,
                    earned=score.earned,
                    applicable=score.applicable,
                    note=score.note,
                )
                for score in previous.scores.all()
            )
    return draft


SCORABLE = (S.IN_PROGRESS, S.ONSITE_COMPLETE, S.RETURNED)


@transaction.atomic
def save_draft(
    *,
    audit: Audit,
    actor: Any,
    scores: Mapping[int, tuple[Decimal, Decimal]] | None = None,
    report: Any = None,
    evidence: Mapping[str, Any] | None = None,
    notes: Mapping[int, str] | None = None,
) -> Submission:
    """Save the report and element scores being prepared ({element id: (earned, applicable)}).

    ``evidence``: the techniques used, the BC headcount and the number interviewed
    (``EVIDENCE_FIELDS``), checked by QA (R-12). ``notes``: the auditor's note on elements
    ({element id: text}), kept with their points: an element scored now or before.
    """
    if audit.status not in SCORABLE:
        raise ValidationError(
            _(
                "Scores and the report can be entered once the audit has started, until they "
                "are submitted to QA (or QA returns the audit)."
            )
        )
    draft = _draft(audit)
    if evidence:
        unknown = set(evidence) - set(EVIDENCE_FIELDS)
        if unknown:
            raise ValidationError(_("Unknown fields: %(names)s.") % {"names": ", ".join(unknown)})
        for name, value in evidence.items():
            setattr(draft, name, value)
        if (
            draft.headcount is not None
            and draft.interviewed is not None
            and draft.interviewed > draft.headcount
        ):
            raise ValidationError({"interviewed": _("More people interviewed than the headcount.")})
        lifecycle.update(draft, actor, list(evidence))
    if report is not None:
        draft.report = report
        draft.report_name = getattr(report, "name", "")[:200]
        lifecycle.save(draft, actor, exclude=["audit"])
    elements = {e.pk: e for e in audit.tool.elements.all()}
    errors: dict[str, list[str]] = {}
    for element_id, (earned, applicable) in (scores or {}).items():
        element = elements.get(element_id)
        if element is None:
            raise ValidationError(_("The element is not part of this audit's tool."))
        if not (Decimal("0") <= earned <= applicable):
            errors.setdefault(f"earned_{element_id}", []).append(
                _("Earned points are between 0 and the applicable points.")
            )
            continue
        if applicable > element.max_points:
            errors.setdefault(f"applicable_{element_id}", []).append(
                _("At most %(max)s points apply to this element.") % {"max": element.max_points}
            )
            continue
        defaults: dict[str, Any] = {"earned": earned, "applicable": applicable}
        if notes and element_id in notes:
            defaults["note"] = notes[element_id].strip()
        ElementScore.objects.update_or_create(submission=draft, element=element, defaults=defaults)
    for element_id, note in (notes or {}).items():
        if element_id in (scores or {}):
            continue
        if element_id not in elements:
            raise ValidationError(_("The element is not part of this audit's tool."))
        kept = ElementScore.objects.filter(submission=draft, element_id=element_id)
        if not kept.update(note=note.strip()):
            errors.setdefault(f"note_{element_id}", []).append(
                _("Enter the points too: a note is kept with the element's score.")
            )
    if errors:
        raise ValidationError(errors)
    return draft


def pass_marks(audit: Audit) -> tuple[Decimal, Decimal]:
    """Return the overall and element pass marks that apply to the audit (R-10)."""
    rules = ProgramRules.objects.in_force(audit.starts_on)
    if audit.audit_type == AuditType.MAINTENANCE:
        return rules.maintenance_overall_pass_percent, rules.maintenance_element_pass_percent
    return rules.overall_pass_percent, rules.element_pass_percent


def result_of(submission: Submission) -> AuditResult:
    """Return the result of a submission's scores with the audit's pass marks."""
    points = [
        Points(name=s.element.name, earned=s.earned, applicable=s.applicable)
        for s in submission.scores.select_related("element")
    ]
    overall, element = pass_marks(submission.audit)
    try:
        return score_audit(points, overall_pass=overall, element_pass=element)
    except ValueError as error:
        raise ValidationError(str(error)) from error


def report_due(audit: Audit) -> date | None:
    """Return the deadline a report submitted now is checked against (R-9).

    The report-to-QA deadline; for a revision after QA returned the audit, the final one.
    """
    return audit.final_due if audit.status == S.RETURNED else audit.submission_due


@transaction.atomic
def submit_report(*, audit: Audit, actor: Any, on: date | None = None) -> Submission:
    """Submit the report and scores to QA: onsite work must be complete, every element scored.

    The submission date is checked against the report-to-QA deadline (or, for a revision,
    the final deadline) and a late one is flagged.
    """
    on = on or lifecycle.today()
    draft = draft_of(audit)
    if draft is None and audit.status == S.RETURNED:
        draft = _draft(audit)  # resubmitted as it was, with the answers to the QA notes
    if audit.status not in (S.ONSITE_COMPLETE, S.RETURNED):
        raise ValidationError(_("Submit the report after onsite work is complete."))
    if draft is None or not draft.report:
        raise ValidationError(_("Upload the report (PDF) before submitting."))
    scored = set(draft.scores.values_list("element_id", flat=True))
    missing = audit.tool.elements.exclude(pk__in=scored)
    if missing.exists():
        raise ValidationError(
            _("Score every element before submitting; missing: %(names)s.")
            % {"names": ", ".join(e.name for e in missing)}
        )
    result = result_of(draft)
    revision = audit.status == S.RETURNED
    if revision:
        from .qa import unanswered

        waiting = unanswered(audit)
        if waiting:
            raise ValidationError(
                _("Answer every actionable QA note before resubmitting (%(count)s left).")
                % {"count": len(waiting)}
            )
    due = report_due(audit)
    draft.submitted_on = on
    draft.submitted_by = lifecycle.actor_or_none(actor)
    draft.overall_percent = result.overall_percent.quantize(Decimal("0.00001"))
    draft.passed = result.passed
    draft.late = bool(due and on > due)
    lifecycle.stamp(draft, actor)
    draft.save()
    changes = {
        "submitted_on": audit.submitted_on or on,
        "overall_percent": draft.overall_percent,
        "passed": result.passed,
        "submission_late": audit.submission_late or draft.late,
    }
    action = "resubmit" if revision else "submit"
    _move(audit, action, actor=actor, on=on, reason=_("Report submitted to QA"), changes=changes)
    from .qa import open_review

    open_review(audit=audit, actor=actor)
    notify(
        [audit.lead_auditor.user],
        subject=_("Report received: %(employer)s") % {"employer": audit.employer},
        template="report_submitted",
        context={"audit": audit, "late": draft.late},
        url=audit.get_absolute_url(),
        extra_emails=[settings.COR_STAFF_EMAIL],
    )
    # compare the report with earlier reports of other employers, once it is committed.
    from .tasks import check_report_similarity  # here: tasks imports this module

    transaction.on_commit(lambda: check_report_similarity.delay(draft.pk))
    return draft


# QA decisions (the QA review itself comes with the QA part of the portal) -------------------


@transaction.atomic
def start_review(*, audit: Audit, actor: Any, on: date | None = None) -> Audit:
    """Begin the desktop QA review of a submitted audit."""
    return _move(audit, "start_review", actor=actor, on=on, reason=_("QA review started"))


@transaction.atomic
def return_audit(*, audit: Audit, actor: Any, reason: str, on: date | None = None) -> Audit:
    """Return the audit to its auditor for revision (the resubmission meets the final deadline)."""
    audit = _move(audit, "return_for_revision", actor=actor, on=on, reason=reason)
    notify(
        [audit.lead_auditor.user],
        subject=_("Audit returned for revision: %(employer)s") % {"employer": audit.employer},
        template="audit_returned",
        context={"audit": audit, "reason": reason},
        url=audit.get_absolute_url(),
    )
    return audit


@transaction.atomic
def approve_audit(*, audit: Audit, actor: Any, reason: str = "", on: date | None = None) -> Audit:
    """Approve the audit and release its result; a passed certifying audit issues the certificate.

    A certification or recertification audit that did not pass cannot be approved.
    """
    on = on or lifecycle.today()
    # Judge the result stored by the latest submission, not the caller's copy of the audit.
    passed = Audit.objects.filter(pk=audit.pk).values_list("passed", flat=True).get()
    if audit.audit_type in CERTIFYING and passed is not True:
        raise ValidationError(
            _(
                "This audit did not pass (80% overall and 50% in every element): mark it "
                "unsuccessful."
            )
        )
    audit = _move(
        audit,
        "approve",
        actor=actor,
        on=on,
        reason=reason or _("Approved after QA review"),
        changes={"decided_on": on},
    )
    if audit.audit_type in CERTIFYING:
        issue_certificate(audit=audit, actor=actor, on=on)
    notify(
        _people(audit),
        subject=_("Audit approved: %(employer)s") % {"employer": audit.employer},
        template="audit_decided",
        context={"audit": audit, "decision": _("approved")},
        url=audit.get_absolute_url(),
    )
    return audit


@transaction.atomic
def reject_audit(*, audit: Audit, actor: Any, reason: str, on: date | None = None) -> Audit:
    """Release the result as unsuccessful (R-11: failing recertification lapses the certificate)."""
    on = on or lifecycle.today()
    audit = _move(audit, "reject", actor=actor, on=on, reason=reason, changes={"decided_on": on})
    employer = audit.employer
    if (
        audit.audit_type in CERTIFYING
        and employer.status == EmployerStatus.CERTIFICATION_IN_PROGRESS
    ):
        employer_services.fail_certification(employer=employer, actor=actor, on=on, reason=reason)
    if audit.audit_type == AuditType.RECERTIFICATION:
        # The certificate whose cycle it renews, even if it expired while QA decided.
        certificate = audit.cycle_certificate or current_certificate(employer, on=on)
        if certificate is not None and certificate.status == CertificateStatus.VALID:
            lapse_certificate(
                certificate=certificate,
                actor=actor,
                on=on,
                reason=_("Recertification audit unsuccessful"),
            )
    notify(
        _people(audit),
        subject=_("Audit unsuccessful: %(employer)s") % {"employer": employer},
        template="audit_decided",
        context={"audit": audit, "decision": _("unsuccessful"), "reason": reason},
        url=audit.get_absolute_url(),
    )
    return audit


@transaction.atomic
def require_verification(*, audit: Audit, actor: Any, reason: str, on: date | None = None) -> Audit:
    """Decide, after the QA review, that a verification audit is required (R-12)."""
    on = on or lifecycle.today()
    audit = _move(
        audit,
        "require_verification",
        actor=actor,
        on=on,
        reason=reason,
        changes={"decided_on": on},
    )
    notify(
        _people(audit),
        subject=_("Verification audit required: %(employer)s") % {"employer": audit.employer},
        template="audit_decided",
        context={"audit": audit, "decision": _("verification audit required"), "reason": reason},
        url=audit.get_absolute_url(),
    )
    return audit


@transaction.atomic
def cancel_audit(*, audit: Audit, actor: Any, reason: str, on: date | None = None) -> Audit:
    """Cancel an audit that has not been submitted."""
    return _move(audit, "cancel", actor=actor, on=on, reason=reason)


# Extensions ---------------------------------------------------------------------------------


@transaction.atomic
def request_extension(
    *, audit: Audit, actor: Any, days: int, reason: str, on: date | None = None
) -> Extension:
    """Ask for more days to submit the report (R-9); staff decide."""
    if audit.status in (S.APPROVED, S.UNSUCCESSFUL, S.VERIFICATION_REQUIRED, S.CANCELLED):
        raise ValidationError(_("This audit is closed."))
    if audit.extensions.filter(status=ExtensionStatus.REQUESTED).exists():
        raise ValidationError(_("A request for this audit is already waiting for a decision."))
    if isinstance(days, int) and not 1 <= days <= EXTENSION_MAX_DAYS:
        raise ValidationError(
            {"days": _("Ask for 1 to %(max)s days.") % {"max": EXTENSION_MAX_DAYS}}
        )
    extension = Extension(
        audit=audit,
        days=days,
        reason=(reason or "").strip(),
        requested_on=on or lifecycle.today(),
        requested_by=lifecycle.actor_or_none(actor),
    )
    lifecycle.save(extension, actor)
    notify(
        [],
        subject=_("Extension requested: %(employer)s") % {"employer": audit.employer},
        template="extension_requested",
        context={"audit": audit, "days": days, "reason": reason},
        url=audit.get_absolute_url(),
        extra_emails=[settings.COR_STAFF_EMAIL],
    )
    return extension


@transaction.atomic
def decide_extension(
    *, extension: Extension, actor: Any, approve: bool, note: str = "", on: date | None = None
) -> Extension:
    """Approve or refuse an extension; approved days move the submission and final dates."""
    if extension.status != ExtensionStatus.REQUESTED:
        raise ValidationError(_("This request has already been decided."))
    extension.status = ExtensionStatus.APPROVED if approve else ExtensionStatus.REFUSED
    extension.decided_on = on or lifecycle.today()
    extension.decided_by = lifecycle.actor_or_none(actor)
    extension.decision_note = note
    lifecycle.stamp(extension, actor)
    extension.save()
    audit = Audit.objects.select_for_update().get(pk=extension.audit_id)
    if approve:
        total = audit.extensions.filter(status=ExtensionStatus.APPROVED).aggregate(d=Sum("days"))[
            "d"
        ]
        audit.extension_days = total or 0
        _schedule(audit)
        lifecycle.stamp(audit, actor)
        audit.save()
    notify(
        [audit.lead_auditor.user],
        subject=_("Extension %(decision)s: %(employer)s")
        % {"decision": _("approved") if approve else _("refused"), "employer": audit.employer},
        template="extension_decided",
        context={"audit": audit, "extension": extension, "approved": approve},
        url=audit.get_absolute_url(),
    )
    return extension


# Certificates (R-11) ------------------------------------------------------------------------


@transaction.atomic
def issue_certificate(*, audit: Audit, actor: Any, on: date | None = None) -> Certificate:
    """Issue the certificate of a passed, approved certification or recertification audit.

    Dated the last onsite day, covering the audit's scope, expiring after the rules' years;
    an earlier certificate of the employer is superseded, and the employer is certified
    (its lifecycle records the approval's date, ``on``).
    """
    if audit.status != S.APPROVED or audit.passed is not True or audit.audit_type not in CERTIFYING:
        raise ValidationError(_("Only a passed, approved certification audit earns a certificate."))
    existing = Certificate.objects.filter(audit=audit).first()
    if existing is not None:
        return existing
    assert audit.last_onsite_on is not None
    years = ProgramRules.objects.in_force(audit.last_onsite_on).certificate_validity_years
    certificate = Certificate(
        number=f"COR-{audit.last_onsite_on.year}-{audit.pk:06d}",
        employer=audit.employer,
        audit=audit,
        certified_on=audit.last_onsite_on,
        expires_on=certificate_expiry(audit.last_onsite_on, validity_years=years),
    )
    lifecycle.save(certificate, actor)
    certificate.classification_units.set(list(audit.scope.all()))
    Certificate.objects.filter(employer=audit.employer, status=CertificateStatus.VALID).exclude(
        pk=certificate.pk
    ).update(
        status=CertificateStatus.SUPERSEDED,
        ended_on=certificate.certified_on,
        end_reason=str(_("Recertified")),
    )
    employer = audit.employer
    reason = _("Certificate %(number)s issued") % {"number": certificate.number}
    if employer.status == EmployerStatus.CERTIFICATION_IN_PROGRESS:
        employer_services.certify_employer(
            employer=employer, actor=actor, on=on or audit.decided_on, reason=reason
        )
    notify(
        _people(audit),
        subject=_("Certificate issued: %(employer)s") % {"employer": employer},
        template="certificate_issued",
        context={"certificate": certificate},
        url=certificate.get_absolute_url(),
    )
    return certificate


@transaction.atomic
def lapse_certificate(
    *, certificate: Certificate, actor: Any, on: date, reason: str
) -> Certificate:
    """Lapse a certificate (missed maintenance audit, failed recertification) and its employer."""
    if certificate.status != CertificateStatus.VALID:
        raise ValidationError(_("This certificate is no longer valid."))
    certificate.status = CertificateStatus.LAPSED
    certificate.ended_on = on
    certificate.end_reason = reason
    lifecycle.stamp(certificate, actor)
    certificate.save()
    employer = certificate.employer
    if employer.status == EmployerStatus.CERTIFIED:
        employer_services.lapse_employer(
            employer=employer, actor=actor, on=min(on, lifecycle.today()), reason=reason
        )
    notify(
        [c.user for c in employer.contacts.select_related("user") if c.user_id],
        subject=_("Certificate lapsed: %(employer)s") % {"employer": employer},
        template="certificate_lapsed",
        context={"certificate": certificate, "reason": reason},
        url=certificate.get_absolute_url(),
        extra_emails=[settings.COR_STAFF_EMAIL],
    )
    return certificate
