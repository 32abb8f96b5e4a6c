"""Every change of a desktop QA review (R-12): open, assign, start (the automatic checks run
first), checklist, notes, answers and the decision.

The audit's own moves (start review, return, approve, reject, verification required) and the
certificate stay in ``audits.services``; these services call them.
"""

from collections.abc import Mapping
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from auditors.models import Auditor
from cor_portal import lifecycle
from cor_portal.accounts.choices import Role
from cor_portal.notifications.services import notify

from . import qa_checks, services
from .choices import AuditStatus, ChecklistAnswer, NoteKind, ReviewOutcome
from .models import (
    Audit,
    AuditElement,
    ChecklistItem,
    ChecklistResponse,
    QaRules,
    Review,
    ReviewCheck,
    ReviewNote,
    Submission,
)

S = AuditStatus
WAITING = (S.SUBMITTED, S.RESUBMITTED)
OUTCOME_LABELS = dict(ReviewOutcome.choices)


def sample_rule(audit: Audit) -> qa_checks.SampleRule:
    """Return the interview sample rule in force on the audit's start."""
    row = QaRules.objects.in_force(audit.starts_on)
    if row is None:
        return qa_checks.SampleRule()
    return qa_checks.SampleRule(
        interview_all_up_to=row.interview_all_up_to,
        sample_percent=row.sample_percent,
        sample_cap=row.sample_cap,
    )


def checklist_items(audit: Audit) -> list[ChecklistItem]:
    """Return the active checklist questions of the audit's program."""
    return list(ChecklistItem.objects.filter(program=audit.tool.program, active=True))


def revision_due(submission: Submission) -> date | None:
    """Return the deadline a revision was due by: the first to QA, a later one the final."""
    audit = submission.audit
    first = not audit.submissions.filter(
        number__lt=submission.number, submitted_on__isnull=False
    ).exists()
    return audit.submission_due if first else audit.final_due


def automatic_checks(submission: Submission) -> list[qa_checks.CheckResult]:
    """Run the automatic checks on a submitted revision (nothing is stored)."""
    audit = submission.audit
    overall_pass, element_pass = services.pass_marks(audit)
    result, problem = None, ""
    try:
        result = services.result_of(submission)
    except ValidationError as error:
        problem = " ".join(error.messages)
    headcount = submission.headcount
    if headcount is None:
        headcount = audit.employer.employees
    return [
        qa_checks.check_pass_marks(
            result, overall_pass=overall_pass, element_pass=element_pass, problem=problem
        ),
        qa_checks.check_techniques(
            documentation=submission.used_documentation,
            observation=submission.used_observation,
            interviews=submission.used_interviews,
        ),
        qa_checks.check_interview_sample(
            interviewed=submission.interviewed, headcount=headcount, rule=sample_rule(audit)
        ),
        qa_checks.check_timing(submitted_on=submission.submitted_on, due=revision_due(submission)),
    ]


@transaction.atomic
def run_checks(*, review: Review, actor: Any) -> list[ReviewCheck]:
    """Run the automatic checks on the review's revision and store their results."""
    results = automatic_checks(review.submission)
    review.checks.all().delete()
    checks = ReviewCheck.objects.bulk_create(
        ReviewCheck(
            review=review, code=r.code, label=r.label, status=r.status, detail=r.detail[:500]
        )
        for r in results
    )
    review.checks_run_at = timezone.now()
    lifecycle.update(review, actor, ["checks_run_at"])
    return checks


@transaction.atomic
def open_review(*, audit: Audit, actor: Any = None) -> Review | None:
    """Return the review of the audit's latest submitted revision, opening it if needed.

    A new round keeps the reviewer of the previous one and starts from its checklist answers.
    None when nothing was submitted.
    """
    submission = services.latest_submission(audit)
    if submission is None:
        return None
    existing = Review.objects.filter(submission=submission).first()
    if existing is not None:
        return existing
    previous = Review.objects.filter(audit=audit).order_by("-submission__number").first()
    review = Review(audit=audit, submission=submission)
    if previous is not None:
        review.reviewer = previous.reviewer
        review.assigned_on = previous.assigned_on
    lifecycle.stamp(review, actor)
    review.save()
    if previous is not None:
        ChecklistResponse.objects.bulk_create(
            ChecklistResponse(review=review, item_id=r.item_id, answer=r.answer, comment=r.comment)
            for r in previous.checklist.all()
        )
    return review


def _open(review: Review) -> None:
    if review.outcome:
        raise ValidationError(_("This review is decided: it can no longer be changed."))


@transaction.atomic
def assign_reviewer(*, review: Review, actor: Any, reviewer: Any, on: date | None = None) -> Review:
    """Assign a staff member to review the audit (this round and the next ones)."""
    _open(review)
    if reviewer is not None and not (reviewer.role == Role.STAFF and reviewer.is_active):
        raise ValidationError({"reviewer": _("Choose an active staff member.")})
    review.reviewer = reviewer
    review.assigned_on = (on or lifecycle.today()) if reviewer else None
    lifecycle.update(review, actor, ["reviewer", "assigned_on"])
    if reviewer is not None:
        notify(
            [reviewer],
            subject=_("QA review assigned: %(employer)s") % {"employer": review.audit.employer},
            template="qa_assigned",
            context={"review": review, "audit": review.audit},
            url=review.get_absolute_url(),
        )
    return review


@transaction.atomic
def start_review(*, review: Review, actor: Any, on: date | None = None) -> Review:
    """Begin the review: the audit moves to "in QA" and the automatic checks run first."""
    _open(review)
    on = on or lifecycle.today()
    audit = Audit.objects.select_for_update().get(pk=review.audit_id)
    if audit.status in WAITING:
        services.start_review(audit=audit, actor=actor, on=on)
    elif audit.status != S.IN_QA:
        raise ValidationError(
            _("An audit that is %(status)s is not waiting for QA.")
            % {"status": audit.get_status_display().lower()}
        )
    if review.started_on is None:
        review.started_on = on
    if review.reviewer_id is None and actor is not None and getattr(actor, "pk", None):
        review.reviewer = actor
        review.assigned_on = on
    lifecycle.update(review, actor, ["started_on", "reviewer", "assigned_on"])
    run_checks(review=review, actor=actor)
    review.audit = audit
    return review


@transaction.atomic
def save_checklist(
    *, review: Review, actor: Any, answers: Mapping[int, tuple[str, str]]
) -> list[ChecklistResponse]:
    """Record the checklist: {item id: (answer, comment)}; an item left out stays as it was."""
    _open(review)
    items = {item.pk: item for item in checklist_items(review.audit)}
    errors: dict[str, list[str]] = {}
    saved = []
    for item_id, (answer, comment) in answers.items():
        if item_id not in items:
            raise ValidationError(_("The question is not on this program's checklist."))
        if answer not in ChecklistAnswer.values:
            errors.setdefault(f"answer_{item_id}", []).append(_("Choose yes, no or n/a."))
            continue
        if answer == ChecklistAnswer.NO and not (comment or "").strip():
            errors.setdefault(f"comment_{item_id}", []).append(
                _("Say what is wrong when the answer is no.")
            )
            continue
        response, _created = ChecklistResponse.objects.update_or_create(
            review=review,
            item=items[item_id],
            defaults={"answer": answer, "comment": (comment or "").strip()[:500]},
        )
        saved.append(response)
    if errors:
        raise ValidationError(errors)
    return saved


@transaction.atomic
def add_note(
    *, review: Review, actor: Any, kind: str, text: str, element: AuditElement | None = None
) -> ReviewNote:
    """Write a note on an element (or the whole report), actionable or informational."""
    _open(review)
    if element is not None and element.tool_id != review.audit.tool_id:
        raise ValidationError({"element": _("The element is not part of this audit's tool.")})
    note = ReviewNote(
        review=review,
        element=element,
        kind=kind,
        text=(text or "").strip(),
        created_by=lifecycle.actor_or_none(actor),
    )
    lifecycle.save(note, actor, exclude=["review"])
    return note


@transaction.atomic
def delete_note(*, note: ReviewNote, actor: Any) -> None:
    """Delete a note of a review not yet decided."""
    _open(note.review)
    lifecycle.delete(note, actor)


def notes_to_answer(audit: Audit) -> list[ReviewNote]:
    """Return the actionable notes of the review that returned the audit (latest first round)."""
    review = (
        Review.objects.filter(audit=audit, outcome=ReviewOutcome.RETURNED)
        .order_by("-submission__number")
        .first()
    )
    if review is None:
        return []
    return list(review.notes.filter(kind=NoteKind.ACTIONABLE).select_related("element"))


@transaction.atomic
def answer_note(*, note: ReviewNote, actor: Any, answer: str, on: date | None = None) -> ReviewNote:
    """Record the auditor's answer to an actionable note of a returned audit."""
    audit = note.review.audit
    if audit.status != S.RETURNED or note.pk not in {n.pk for n in notes_to_answer(audit)}:
        raise ValidationError(
            _("Notes are answered while the audit is returned for revision, before resubmitting.")
        )
    text = (answer or "").strip()
    if not text:
        raise ValidationError({"answer": _("Write your answer to the note.")})
    note.answer = text
    note.answered_on = on or lifecycle.today()
    note.answered_by = lifecycle.actor_or_none(actor)
    lifecycle.update(note, actor, ["answer", "answered_on", "answered_by"])
    return note


def unanswered(audit: Audit) -> list[ReviewNote]:
    """Return the actionable notes of the returning review still without an answer."""
    return [note for note in notes_to_answer(audit) if not note.answer]


@transaction.atomic
def decide(
    *,
    review: Review,
    actor: Any,
    outcome: str,
    summary: str = "",
    on: date | None = None,
    lead_auditor: Auditor | None = None,
    starts_on: date | None = None,
) -> Review:
    """Decide the review (R-12) and move the audit with its service.

    Approved releases the result (a passed certification or recertification audit earns its
    certificate); returned sends the actionable notes to the auditor; unsuccessful releases
    a failure; verification required opens a new audit of the same type for the employer,
    linked to this one (``verification_of``), led by ``lead_auditor`` from ``starts_on``.
    The automatic checks must have run and every checklist question be answered.
    """
    _open(review)
    on = on or lifecycle.today()
    audit = Audit.objects.select_for_update().get(pk=review.audit_id)
    if audit.status != S.IN_QA or review.started_on is None:
        raise ValidationError(_("Start the review before deciding it."))
    if outcome not in ReviewOutcome.values:
        raise ValidationError({"outcome": _("Choose an outcome.")})
    answered = set(review.checklist.values_list("item_id", flat=True))
    missing = [item for item in checklist_items(audit) if item.pk not in answered]
    if missing:
        raise ValidationError(
            _("Answer every checklist question first; missing: %(numbers)s.")
            % {"numbers": ", ".join(str(item.number) for item in missing)}
        )
    summary = (summary or "").strip()
    errors: dict[str, list[str]] = {}
    if (
        outcome == ReviewOutcome.RETURNED
        and not review.notes.filter(kind=NoteKind.ACTIONABLE).exists()
    ):
        errors["outcome"] = [_("Write at least one actionable note for the auditor to answer.")]
    if outcome in (ReviewOutcome.UNSUCCESSFUL, ReviewOutcome.VERIFICATION_REQUIRED) and not summary:
        errors["summary"] = [_("Give the reason.")]
    if outcome == ReviewOutcome.VERIFICATION_REQUIRED:
        if lead_auditor is None:
            errors["lead_auditor"] = [_("Choose the verification audit's lead auditor.")]
        if starts_on is None:
            errors["starts_on"] = [_("Choose the verification audit's start date.")]
    if errors:
        raise ValidationError(errors)
    reason = summary or _("QA review: %(outcome)s") % {"outcome": OUTCOME_LABELS[outcome]}
    if outcome == ReviewOutcome.APPROVED:
        services.approve_audit(audit=audit, actor=actor, reason=reason, on=on)
    elif outcome == ReviewOutcome.RETURNED:
        services.return_audit(audit=audit, actor=actor, reason=reason, on=on)
    elif outcome == ReviewOutcome.UNSUCCESSFUL:
        services.reject_audit(audit=audit, actor=actor, reason=reason, on=on)
    else:
        services.require_verification(audit=audit, actor=actor, reason=reason, on=on)
        assert lead_auditor is not None
        assert starts_on is not None
        try:
            services.plan_audit(
                actor=actor,
                employer=audit.employer,
                audit_type=audit.audit_type,
                starts_on=starts_on,
                lead_auditor=lead_auditor,
                scope=list(audit.scope.all()),
                tool=audit.tool,
                notes=_("Verification audit required by the QA review of audit %(pk)s: %(why)s")
                % {"pk": audit.pk, "why": summary},
                verification_of=audit,
                on=on,
            )
        except ValidationError as error:
            raise ValidationError(
                {
                    key: value
                    for key, value in error.message_dict.items()
                    if key in ("lead_auditor", "starts_on", "scope", "audit_type")
                }
                or error.message_dict
            ) from error
    review.outcome = outcome
    review.summary = summary
    review.decided_on = on
    review.decided_by = lifecycle.actor_or_none(actor)
    if review.reviewer_id is None:
        review.reviewer = lifecycle.actor_or_none(actor)
    lifecycle.stamp(review, actor)
    review.save()
    review.audit = Audit.objects.get(pk=audit.pk)
    return review
