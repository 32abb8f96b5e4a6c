"""Desktop QA reviews (R-12): the queue, a review, its decision, revisions compared, metrics;
and the auditor's answers to QA notes. Every change goes through ``audits.qa``.

Staff pages live under ``/qa/`` (the ``qa`` namespace, ``audits/qa_urls.py``); the auditor's
answer page is one of the audit's work pages (``audits:answers``).
"""

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from functools import cached_property
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import FormView, TemplateView

from cor_portal.accounts.access import SectionRequiredMixin
from cor_portal.ui.forms import ConfirmForm
from cor_portal.ui.views import ListPageMixin, ServiceFormMixin

from .. import qa, selectors
from ..choices import AuditStatus, NoteKind
from ..filters import QaQueueFilter
from ..forms import (
    AnswerNotesForm,
    AssignReviewerForm,
    ChecklistForm,
    PeriodForm,
    ReviewDecisionForm,
    ReviewNoteForm,
)
from ..models import Audit, ElementScore, Review, ReviewNote, Submission
from ..tables import QaQueueTable
from .board import result_panel
from .work import AuditPageMixin

S = AuditStatus


class TodayMixin:
    @cached_property
    def today(self) -> date:
        return timezone.localdate()


# The queue ------------------------------------------------------------------------------------


class QueueView(SectionRequiredMixin, TodayMixin, ListPageMixin):
    """Revisions waiting for QA, oldest first, with their age, deadline and reviewer."""

    permission_required = "audits.review_audit"
    table_class = QaQueueTable
    filterset_class = QaQueueFilter
    title = gettext_lazy("QA queue")
    empty_title = gettext_lazy("Nothing is waiting for QA")
    empty_hint = gettext_lazy("Reports appear here when auditors submit them.")
    export_name = "qa-queue"
    template_name = "audits/qa/queue.html"

    def get_queryset(self):
        return selectors.qa_queue().select_related(
            "audit__employer", "audit__lead_auditor__user", "submission", "reviewer"
        )

    def get_table_kwargs(self) -> dict[str, Any]:
        return {"today": self.today}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        if not getattr(self.request, "htmx", False):
            context["workload"] = selectors.reviewer_workload()
            context["unassigned"] = self.get_queryset().filter(reviewer__isnull=True).count()
        return context


# One review -----------------------------------------------------------------------------------


class ReviewMixin(SectionRequiredMixin):
    """Pages about one review (staff); a missing review is a 404."""

    permission_required = "audits.review_audit"
    kwargs: dict[str, Any]

    @cached_property
    def review(self) -> Review:
        reviews = Review.objects.select_related(
            "audit__employer",
            "audit__lead_auditor__user",
            "audit__tool",
            "submission",
            "reviewer",
        )
        return get_object_or_404(reviews, pk=self.kwargs["pk"])

    @property
    def audit(self) -> Audit:
        return self.review.audit

    def fresh_review(self) -> Review:
        return Review.objects.select_related("audit__tool", "audit__employer", "submission").get(
            pk=self.review.pk
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(  # type: ignore[misc]
            review=self.review, audit=self.audit, **kwargs
        )


class ReviewView(ReviewMixin, ServiceFormMixin, FormView):
    """A review: automatic checks first, the revision's scores, the checklist (this page's
    form), notes per element, the decision, earlier rounds."""

    template_name = "audits/qa/review.html"
    form_class = ChecklistForm

    @cached_property
    def items(self) -> list[Any]:
        return qa.checklist_items(self.audit)

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "items": self.items}

    def get_initial(self) -> dict[str, Any]:
        return ChecklistForm.initial_for(self.review.checklist.all())

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        review = self.review
        rounds = list(
            Review.objects.filter(audit=review.audit)
            .select_related("submission", "reviewer", "decided_by")
            .order_by("-submission__number")
        )
        decided = bool(review.outcome)
        return super().get_context_data(
            checks=list(review.checks.all()),
            notes=list(review.notes.select_related("element", "created_by")),
            rounds=rounds,
            decided=decided,
            started=review.started_on is not None,
            can_start=not decided and review.audit.status in (*qa.WAITING, S.IN_QA),
            note_form=ReviewNoteForm(tool=review.audit.tool),
            decision_form=ReviewDecisionForm(),
            assign_form=AssignReviewerForm(initial={"reviewer": review.reviewer_id}),
            verification=Audit.objects.filter(verification_of=review.audit).first(),
            previous_notes=previous_round_notes(review),
            **result_panel(review.submission),
            **kwargs,
        )

    def perform(self, form: ChecklistForm) -> str:
        qa.save_checklist(
            review=self.fresh_review(), actor=self.request.user, answers=form.answers()
        )
        messages.success(self.request, _("The checklist is saved."))
        return reverse("qa:review", args=[self.review.pk])


def previous_round_notes(review: Review) -> list[ReviewNote]:
    """Return the notes of the round before this one, with the auditor's answers."""
    before = (
        Review.objects.filter(
            audit=review.audit_id, submission__number__lt=review.submission.number
        )
        .order_by("-submission__number")
        .first()
    )
    if before is None:
        return []
    return list(before.notes.select_related("element", "answered_by"))


class ReviewActionMixin(ReviewMixin, ServiceFormMixin, FormView):
    """A form page acting on a review, ending on the review's page."""

    template_name = "audits/qa/review_action.html"
    heading: Any = ""
    intro: Any = ""

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(heading=self.heading, intro=self.intro, **kwargs)

    def done(self, message: str) -> str:
        messages.success(self.request, message)
        return reverse("qa:review", args=[self.review.pk])


class AssignView(ReviewActionMixin):
    form_class = AssignReviewerForm
    heading = gettext_lazy("Assign the reviewer")
    intro = gettext_lazy("The reviewer keeps the audit through its revisions.")

    def get_initial(self) -> dict[str, Any]:
        return {"reviewer": self.review.reviewer_id}

    def perform(self, form: AssignReviewerForm) -> str:
        review = qa.assign_reviewer(
            review=self.fresh_review(), actor=self.request.user, **form.cleaned_data
        )
        if review.reviewer is None:
            return self.done(_("Nobody is assigned now."))
        name = review.reviewer.get_full_name() or review.reviewer.username
        return self.done(_("%(name)s reviews this audit.") % {"name": name})


class StartView(ReviewActionMixin):
    form_class = ConfirmForm
    heading = gettext_lazy("Start the review")
    intro = gettext_lazy(
        "The audit moves to “In QA” and the automatic checks run on this revision: pass "
        "marks, evidence techniques, interview sample and timing."
    )

    def perform(self, form: ConfirmForm) -> str:
        qa.start_review(review=self.fresh_review(), actor=self.request.user)
        return self.done(_("The review has started; the automatic checks ran."))


class RunChecksView(ReviewActionMixin):
    form_class = ConfirmForm
    heading = gettext_lazy("Run the automatic checks again")
    intro = gettext_lazy("The checks run again on this revision and replace the stored results.")

    def perform(self, form: ConfirmForm) -> str:
        review = self.fresh_review()
        if review.started_on is None or review.outcome:
            raise ValidationError(_("The checks run on a review that is under way."))
        qa.run_checks(review=review, actor=self.request.user)
        return self.done(_("The automatic checks ran again."))


class NoteAddView(ReviewActionMixin):
    form_class = ReviewNoteForm  # type: ignore[assignment]
    heading = gettext_lazy("Add a note")
    intro = gettext_lazy(
        "An actionable note goes back to the auditor, who answers it in the next revision."
    )

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "tool": self.audit.tool}

    def perform(self, form: ReviewNoteForm) -> str:
        qa.add_note(review=self.fresh_review(), actor=self.request.user, **form.cleaned_data)
        return self.done(_("The note is added."))


class NoteDeleteView(SectionRequiredMixin, ServiceFormMixin, FormView):
    """Confirm, then delete a note of a review under way."""

    permission_required = "audits.review_audit"
    form_class = ConfirmForm
    template_name = "audits/qa/note_delete.html"

    @cached_property
    def note(self) -> ReviewNote:
        notes = ReviewNote.objects.select_related("review__audit__employer", "element")
        return get_object_or_404(notes, pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(note=self.note, review=self.note.review, **kwargs)

    def perform(self, form: ConfirmForm) -> str:
        review = self.note.review
        qa.delete_note(note=self.note, actor=self.request.user)
        messages.success(self.request, _("The note is deleted."))
        return reverse("qa:review", args=[review.pk])


class DecideView(ReviewActionMixin):
    form_class = ReviewDecisionForm
    heading = gettext_lazy("Decide the review")
    template_name = "audits/qa/review_decide.html"

    def perform(self, form: ReviewDecisionForm) -> str:
        review = qa.decide(review=self.fresh_review(), actor=self.request.user, **form.cleaned_data)
        words = review.get_outcome_display().lower()
        return self.done(_("Decided: %(outcome)s.") % {"outcome": words})


# Revisions compared ---------------------------------------------------------------------------


@dataclass(frozen=True)
class CompareLine:
    """An element's points in two revisions, and whether they changed."""

    number: int
    name: str
    before: ElementScore | None
    after: ElementScore | None

    @property
    def changed(self) -> bool:
        if self.before is None or self.after is None:
            return self.before is not self.after
        return (self.before.earned, self.before.applicable) != (
            self.after.earned,
            self.after.applicable,
        )

    @staticmethod
    def percent(score: ElementScore | None) -> Decimal | None:
        if score is None or not score.applicable:
            return None
        return score.earned / score.applicable * 100

    @property
    def before_percent(self) -> Decimal | None:
        return self.percent(self.before)

    @property
    def after_percent(self) -> Decimal | None:
        return self.percent(self.after)


EVIDENCE_LABELS = (
    ("used_documentation", gettext_lazy("Documentation reviewed")),
    ("used_observation", gettext_lazy("Observation tours done")),
    ("used_interviews", gettext_lazy("Interviews done")),
    ("headcount", gettext_lazy("BC headcount")),
    ("interviewed", gettext_lazy("People interviewed")),
)


def _word(value: Any) -> str:
    """Return an evidence value in words: yes/no, a number, or a dash when not recorded."""
    if value is None:
        return "—"
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    return str(value)


def compare(before: Submission | None, after: Submission) -> dict[str, Any]:
    """Return two revisions side by side: element scores, evidence and report, with changes."""
    scores = ElementScore.objects.select_related("element")
    pair = [s for s in (before, after) if s is not None]
    rows = Submission.objects.filter(pk__in=[s.pk for s in pair]).prefetch_related(
        Prefetch("scores", queryset=scores)
    )
    by_pk = {s.pk: s for s in rows}
    after_scores = {s.element_id: s for s in by_pk[after.pk].scores.all()}
    before_scores = {s.element_id: s for s in by_pk[before.pk].scores.all()} if before else {}
    elements = {s.element_id: s.element for s in [*after_scores.values(), *before_scores.values()]}
    lines = [
        CompareLine(e.number, e.name, before_scores.get(pk), after_scores.get(pk))
        for pk, e in sorted(elements.items(), key=lambda item: item[1].number)
    ]
    evidence = [
        (label, _word(getattr(before, name)) if before else "—", _word(getattr(after, name)))
        for name, label in EVIDENCE_LABELS
    ]
    return {
        "lines": lines,
        "changed": sum(1 for line in lines if line.changed),
        "evidence": [(label, b, a, before is not None and b != a) for label, b, a in evidence],
        "report_changed": before is not None and before.report.name != after.report.name,
    }


class CompareView(SectionRequiredMixin, TemplateView):
    """Revision N of an audit beside revision N-1 (``?revision=N``, the latest by default):
    element scores with changes highlighted, the notes of N-1 with the auditor's answers."""

    permission_required = "audits.review_audit"
    template_name = "audits/qa/compare.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        audit = get_object_or_404(
            Audit.objects.select_related("employer", "lead_auditor__user"), pk=self.kwargs["pk"]
        )
        revisions = list(
            audit.submissions.filter(submitted_on__isnull=False)
            .select_related("review__reviewer")
            .order_by("number")
        )
        if not revisions:
            raise Http404
        wanted = self.request.GET.get("revision", "")
        numbers = [s.number for s in revisions]
        number = int(wanted) if wanted.isdigit() and int(wanted) in numbers else numbers[-1]
        after = next(s for s in revisions if s.number == number)
        before = next((s for s in reversed(revisions) if s.number < number), None)
        before_review = getattr(before, "review", None) if before else None
        notes = (
            list(before_review.notes.select_related("element", "answered_by"))
            if before_review
            else []
        )
        return super().get_context_data(
            audit=audit,
            revisions=revisions,
            before=before,
            after=after,
            before_review=before_review,
            notes=notes,
            current_review=Review.objects.filter(audit=audit, outcome="").first(),
            **compare(before, after),
            **kwargs,
        )


# Metrics --------------------------------------------------------------------------------------


class MetricsView(SectionRequiredMixin, TodayMixin, TemplateView):
    """QA turnaround (days from submission to decision, returned rate) per reviewer and per
    month, and QA coverage, for a period (the last 12 months by default)."""

    permission_required = "audits.review_audit"
    template_name = "audits/qa/metrics.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        default_start = (self.today.replace(day=1) - timedelta(days=335)).replace(day=1)
        form = PeriodForm(self.request.GET or {"start": default_start, "end": self.today})
        if form.is_valid():
            start, end = form.cleaned_data["start"], form.cleaned_data["end"]
        else:
            start, end = default_start, self.today
        return super().get_context_data(
            form=form,
            start=start,
            end=end,
            metrics=selectors.qa_turnaround(start=start, end=end),
            coverage=selectors.qa_coverage(start=start, end=end),
            waiting=Review.objects.filter(
                outcome="", audit__status__in=selectors.WAITING_FOR_QA
            ).count(),
            **kwargs,
        )


# The auditor's answers ------------------------------------------------------------------------


class AnswerNotesView(AuditPageMixin):
    """The lead auditor answers each actionable QA note of a returned audit, then resubmits."""

    action_perm = "audits.answer_note"
    form_class = AnswerNotesForm  # type: ignore[assignment]
    template_name = "audits/audit_work_answers.html"
    heading = gettext_lazy("Answer the QA notes")

    @cached_property
    def returning(self) -> Review | None:
        return (
            Review.objects.filter(audit=self.audit, outcome="returned")
            .select_related("submission", "decided_by")
            .order_by("-submission__number")
            .first()
        )

    @cached_property
    def notes(self) -> list[ReviewNote]:
        if self.returning is None:
            return []
        return list(self.returning.notes.select_related("element"))

    def actionable(self) -> list[ReviewNote]:
        return [note for note in self.notes if note.kind == NoteKind.ACTIONABLE]

    def is_open(self) -> bool:
        return self.audit.status == S.RETURNED and bool(self.actionable())

    def why_not(self) -> str:
        if self.audit.status == S.RETURNED:
            return _("QA left no note to answer.")
        if self.audit.status in (S.SUBMITTED, S.RESUBMITTED, S.IN_QA):
            return _("The report is with QA; notes come back with a returned audit.")
        return super().why_not()

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "notes": self.actionable()}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(
            returning=self.returning,
            informational=[n for n in self.notes if n.kind != NoteKind.ACTIONABLE],
            unanswered=sum(1 for n in self.actionable() if not n.answer),
            **kwargs,
        )

    def perform(self, form: AnswerNotesForm) -> str:
        user = self.request.user
        saved = 0
        errors: dict[str, list[str]] = {}
        for note in self.actionable():
            text = form.answers()[note.pk]
            if not text or text == note.answer:
                continue
            try:
                qa.answer_note(note=note, actor=user, answer=text)
                saved += 1
            except ValidationError as error:
                errors[f"answer_{note.pk}"] = error.messages
        if errors:
            raise ValidationError(errors)
        left = len(qa.unanswered(self.fresh_audit()))
        if left:
            messages.success(
                self.request,
                _("%(saved)s answer(s) saved; %(left)s note(s) still to answer.")
                % {"saved": saved, "left": left},
            )
            return reverse("audits:answers", args=[self.audit.pk])
        messages.success(self.request, _("Every note is answered. Submit the revised report."))
        return reverse("audits:submit", args=[self.audit.pk])
