"""The QA review services and selectors (R-12) on the real database: checks stored, the
revision loop, decisions and their effects, coverage and turnaround."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from audits import qa, selectors, services
from audits.choices import AuditStatus, NoteKind, ReviewOutcome
from audits.models import Audit, Certificate, ChecklistItem, Review, Submission
from audits.tests.test_services import (
    LAST_ONSITE,
    auditor,
    employer,
    onsite_complete,
    pdf,
    plan,
    scores,
)
from employers.choices import EmployerStatus

pytestmark = pytest.mark.django_db

S = AuditStatus
DAY = timedelta(days=1)
EVIDENCE = {
    "used_documentation": True,
    "used_observation": True,
    "used_interviews": True,
    "headcount": 140,
    "interviewed": 14,
}


def submitted(actor, *, on=None, evidence=None, employees=140, **points):
    """Return a certification audit submitted to QA (every element at 85% unless told)."""
    found = employer(employees=employees)
    audit = onsite_complete(plan(found, auditor(), actor), actor)
    services.save_draft(
        audit=audit,
        actor=actor,
        scores=scores(audit, **points),
        report=pdf(),
        evidence=EVIDENCE if evidence is None else evidence,
    )
    services.submit_report(audit=audit, actor=actor, on=on or audit.submission_due)
    return Audit.objects.get(pk=audit.pk)


def started(audit, actor):
    review = qa.open_review(audit=audit)
    return qa.start_review(review=review, actor=actor, on=audit.submitted_on + DAY)


def answer_checklist(review, actor):
    items = ChecklistItem.objects.filter(program=review.audit.tool.program)
    qa.save_checklist(review=review, actor=actor, answers={i.pk: ("yes", "") for i in items})


def checks(review) -> dict[str, str]:
    return dict(review.checks.values_list("code", "status"))


def test_submitting_opens_a_review_and_starting_runs_every_check(staff_user):
    audit = submitted(staff_user)
    review = Review.objects.get(audit=audit)
    assert (review.submission.number, review.outcome, review.checks.count()) == (1, "", 0)
    review = started(audit, staff_user)
    assert Audit.objects.get(pk=audit.pk).status == S.IN_QA
    assert review.reviewer == staff_user
    assert checks(review) == {
        "pass_marks": "pass",
        "techniques": "pass",
        "sample": "pass",
        "timing": "pass",
    }


def test_checks_flag_low_scores_missing_technique_small_sample_and_lateness(staff_user):
    evidence = {**EVIDENCE, "used_observation": False, "interviewed": 13}
    audit = Audit.objects.get(pk=submitted(staff_user, evidence=evidence, e3="49").pk)
    late = Audit.objects.get(pk=audit.pk)
    # Submitted on the deadline: on time. Re-run as if a day late by moving the deadline.
    review = started(audit, staff_user)
    assert checks(review) == {
        "pass_marks": "fail",
        "techniques": "fail",
        "sample": "fail",
        "timing": "pass",
    }
    assert review.checks.get(code="sample").detail == (
        "13 interviewed of 140 employees (at least 14 needed)."
    )
    Audit.objects.filter(pk=late.pk).update(submission_due=late.submission_due - DAY)
    qa.run_checks(review=Review.objects.get(pk=review.pk), actor=staff_user)
    assert checks(review)["timing"] == "fail"
    assert "1 day after" in review.checks.get(code="timing").detail


def test_deciding_needs_the_checklist_and_a_return_needs_an_actionable_note(staff_user):
    audit = submitted(staff_user)
    review = started(audit, staff_user)
    with pytest.raises(ValidationError, match="checklist"):
        qa.decide(review=review, actor=staff_user, outcome=ReviewOutcome.APPROVED)
    answer_checklist(review, staff_user)
    qa.add_note(review=review, actor=staff_user, kind=NoteKind.INFORMATIONAL, text="Fine.")
    with pytest.raises(ValidationError) as caught:
        qa.decide(review=review, actor=staff_user, outcome=ReviewOutcome.RETURNED)
    assert "actionable" in caught.value.message_dict["outcome"][0]
    with pytest.raises(ValidationError) as caught:
        qa.decide(review=review, actor=staff_user, outcome=ReviewOutcome.UNSUCCESSFUL)
    assert "summary" in caught.value.message_dict


def test_the_revision_loop_keeps_every_revision_and_starts_from_the_last(staff_user):
    audit = submitted(staff_user, e2="60")
    review = started(audit, staff_user)
    answer_checklist(review, staff_user)
    element = audit.tool.elements.get(number=2)
    note = qa.add_note(
        review=review,
        actor=staff_user,
        element=element,
        kind=NoteKind.ACTIONABLE,
        text="Element 2 scores interviews the report does not describe.",
    )
    review = qa.decide(
        review=review, actor=staff_user, outcome=ReviewOutcome.RETURNED, on=date(2025, 5, 6)
    )
    audit = Audit.objects.get(pk=audit.pk)
    assert audit.status == S.RETURNED
    # The new draft starts from revision 1: its scores, report and evidence.
    draft = services.save_draft(audit=audit, actor=audit.lead_auditor.user)
    assert draft.number == 2
    assert draft.scores.get(element=element).earned == Decimal("60")
    assert draft.scores.count() == audit.tool.elements.count()
    assert (draft.report.name, draft.interviewed) == (review.submission.report.name, 14)
    # Resubmitting waits for the answers.
    with pytest.raises(ValidationError, match="Answer every actionable QA note"):
        services.submit_report(audit=audit, actor=staff_user, on=date(2025, 5, 8))
    qa.answer_note(note=note, actor=audit.lead_auditor.user, answer="Rescored to 70.")
    services.save_draft(
        audit=audit, actor=staff_user, scores={element.pk: (Decimal("70"), Decimal("100"))}
    )
    services.submit_report(audit=audit, actor=staff_user, on=date(2025, 5, 8))
    audit = Audit.objects.get(pk=audit.pk)
    assert audit.status == S.RESUBMITTED
    first, second = Submission.objects.filter(audit=audit).order_by("number")
    assert first.scores.get(element=element).earned == Decimal("60")  # kept as submitted
    assert second.scores.get(element=element).earned == Decimal("70")
    # The review resumes: a second round with the same reviewer and the checklist carried over.
    round_two = Review.objects.get(submission=second)
    assert round_two.reviewer == staff_user
    assert round_two.checklist.count() == review.checklist.count()
    round_two = qa.start_review(review=round_two, actor=staff_user, on=date(2025, 5, 9))
    qa.decide(review=round_two, actor=staff_user, outcome=ReviewOutcome.APPROVED)
    assert Audit.objects.get(pk=audit.pk).status == S.APPROVED
    assert Review.objects.filter(audit=audit).count() == 2


def test_approval_of_a_passed_certification_issues_the_certificate(staff_user):
    audit = submitted(staff_user)
    review = started(audit, staff_user)
    answer_checklist(review, staff_user)
    qa.decide(review=review, actor=staff_user, outcome=ReviewOutcome.APPROVED, on=date(2025, 5, 10))
    certificate = Certificate.objects.get(audit=audit)
    assert certificate.certified_on == LAST_ONSITE
    assert audit.employer.__class__.objects.get(pk=audit.employer_id).status == (
        EmployerStatus.CERTIFIED
    )


def test_a_failed_certification_cannot_be_approved(staff_user):
    audit = submitted(staff_user, e1="40")
    review = started(audit, staff_user)
    answer_checklist(review, staff_user)
    with pytest.raises(ValidationError, match="did not pass"):
        qa.decide(review=review, actor=staff_user, outcome=ReviewOutcome.APPROVED)
    qa.decide(
        review=Review.objects.get(pk=review.pk),
        actor=staff_user,
        outcome=ReviewOutcome.UNSUCCESSFUL,
        summary="Element 1 below 50%.",
    )
    assert Audit.objects.get(pk=audit.pk).status == S.UNSUCCESSFUL


def test_verification_required_opens_a_linked_audit_of_the_same_type(staff_user):
    audit = submitted(staff_user)
    review = started(audit, staff_user)
    answer_checklist(review, staff_user)
    verifier = auditor()
    qa.decide(
        review=review,
        actor=staff_user,
        outcome=ReviewOutcome.VERIFICATION_REQUIRED,
        summary="Interview notes look copied.",
        lead_auditor=verifier,
        starts_on=date(2025, 6, 2),
        on=date(2025, 5, 10),
    )
    assert Audit.objects.get(pk=audit.pk).status == S.VERIFICATION_REQUIRED
    verification = Audit.objects.get(verification_of=audit)
    assert (verification.audit_type, verification.employer_id) == (
        audit.audit_type,
        audit.employer_id,
    )
    assert verification.lead_auditor == verifier
    assert set(verification.scope.all()) == set(audit.scope.all())


def test_verification_needs_its_auditor_and_date(staff_user):
    review = started(submitted(staff_user), staff_user)
    answer_checklist(review, staff_user)
    with pytest.raises(ValidationError) as caught:
        qa.decide(
            review=review,
            actor=staff_user,
            outcome=ReviewOutcome.VERIFICATION_REQUIRED,
            summary="Check it.",
        )
    assert set(caught.value.message_dict) == {"lead_auditor", "starts_on"}
    assert Audit.objects.get(pk=review.audit_id).status == S.IN_QA


def test_qa_coverage_and_turnaround(staff_user):
    assert selectors.qa_coverage(start=date(2025, 1, 1), end=date(2025, 12, 31)) is None
    decided = submitted(staff_user)  # submitted on its deadline, 2025-05-02
    waiting = submitted(staff_user)
    assert waiting.submitted_on == decided.submitted_on == date(2025, 5, 2)
    third = submitted(staff_user)
    review = started(decided, staff_user)
    answer_checklist(review, staff_user)
    qa.decide(review=review, actor=staff_user, outcome=ReviewOutcome.APPROVED, on=date(2025, 5, 12))
    returned = started(third, staff_user)
    answer_checklist(returned, staff_user)
    qa.add_note(review=returned, actor=staff_user, kind=NoteKind.ACTIONABLE, text="Fix e1.")
    qa.decide(
        review=returned, actor=staff_user, outcome=ReviewOutcome.RETURNED, on=date(2025, 6, 1)
    )
    coverage = selectors.qa_coverage(start=date(2025, 5, 2), end=date(2025, 5, 2))
    assert coverage == Decimal(2) * 100 / 3
    assert selectors.qa_coverage(start=date(2025, 5, 3), end=date(2025, 5, 31)) is None
    metrics = selectors.qa_turnaround(start=date(2025, 5, 1), end=date(2025, 6, 30))
    assert (metrics.total.decided, metrics.total.returned) == (2, 1)
    assert metrics.total.average_days == Decimal("20")  # (10 + 30) / 2
    assert metrics.total.returned_percent == Decimal("50")
    assert [(m.label, m.decided, m.returned) for m in metrics.by_month] == [
        ("2025-05", 1, 0),
        ("2025-06", 1, 1),
    ]
    assert [r.decided for r in metrics.by_reviewer] == [2]
    only_may = selectors.qa_turnaround(start=date(2025, 5, 1), end=date(2025, 5, 31))
    assert only_may.total.decided == 1
