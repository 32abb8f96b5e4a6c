"""The lead auditor's work on an audit, page by page (R-7 to R-10).

Notice of Audit, start, last onsite day, scores and report, submission to QA, extension
requests, and the report download. Each page takes the audit from ``visible_to`` (404 outside
the user's scope), then checks the action's permission with the audit (403); a page whose
action the audit's status does not allow says why instead of showing its form (still 200).
"""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cached_property
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponse, HttpResponseBase
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.generic import FormView, View
from django_fsm import can_proceed

from cor_portal.accounts.access import SectionRequiredMixin
from cor_portal.program.models import ProgramRules
from cor_portal.ui.forms import ConfirmForm
from cor_portal.ui.views import ServiceFormMixin

from .. import qa, selectors, selectors_reuse, services, services_reuse
from ..choices import AuditStatus, ExtensionStatus
from ..deadlines import audit_deadlines
from ..forms import ExtensionRequestForm, NoticeForm, OnsiteForm, ScoresForm, StartForm
from ..models import CLOSED, Audit, AuditElement, Submission
from ..scoring import AuditResult, element_percent, score_audit
from ..scoring import ElementScore as Points

S = AuditStatus
WITH_QA = (S.SUBMITTED, S.IN_QA, S.RESUBMITTED)
BEFORE_START = (S.PLANNED, S.NOTICE_FILED)


# What the pages show ------------------------------------------------------------------------


@dataclass(frozen=True)
class ElementLine:
    """An element of the score sheet with its points and percent (None when not scored)."""

    element: AuditElement
    earned: Decimal | None
    applicable: Decimal | None
    percent: Decimal | None
    failing: bool


@dataclass(frozen=True)
class ScoreSheet:
    """The result of a set of element scores with the pass marks that apply (R-10)."""

    lines: tuple[ElementLine, ...]
    result: AuditResult | None
    problem: str
    overall_pass: Decimal
    element_pass: Decimal

    @property
    def scored(self) -> int:
        return sum(1 for line in self.lines if line.applicable is not None)

    @property
    def missing(self) -> list[str]:
        return [line.element.name for line in self.lines if line.applicable is None]


def score_sheet(
    audit: Audit,
    elements: Sequence[AuditElement],
    scores: Mapping[int, tuple[Decimal, Decimal]],
    *,
    draft: Submission | None = None,
) -> ScoreSheet:
    """Return the result of the scores, each element's percent and the pass marks (R-10).

    With ``draft``, the saved draft's result (``services.result_of``); without, the result of
    values being typed (``score_audit``, the same rule; nothing is saved).
    """
    overall_pass, element_pass = services.pass_marks(audit)
    names = {element.pk: element.name for element in elements}
    points = {pk: Points(names.get(pk, str(pk)), *values) for pk, values in scores.items()}
    result, problem = None, ""
    try:
        if draft is not None:
            result = services.result_of(draft)
        else:
            result = score_audit(
                list(points.values()), overall_pass=overall_pass, element_pass=element_pass
            )
    except (ValueError, ValidationError) as error:
        problem = "" if not points else _("Check the points: %(error)s.") % {"error": _msg(error)}
    lines = []
    for element in elements:
        earned, applicable = scores.get(element.pk, (None, None))
        percent = None
        if earned is not None and applicable:
            percent = element_percent(points[element.pk])
        failing = percent is not None and percent < element_pass
        lines.append(ElementLine(element, earned, applicable, percent, failing))
    return ScoreSheet(tuple(lines), result, problem, overall_pass, element_pass)


def _msg(error: Exception) -> str:
    text = " ".join(error.messages) if isinstance(error, ValidationError) else str(error)
    return text.rstrip(".")


def days_late(due: date | None, on: date) -> int:
    """Return how many days after ``due`` the day ``on`` is (0 when on time)."""
    return max((on - due).days, 0) if due else 0


def onsite_preview(audit: Audit, day: date | None) -> dict[str, Any] | None:
    """Return what a last onsite day would mean: the report-to-QA date, an overrun (R-9)."""
    if day is None:
        return None
    try:
        due = audit_deadlines(
            audit.starts_on,
            last_onsite_on=day,
            extension_days=audit.extension_days,
            rules=services.deadline_rules(audit.starts_on),
        )
    except ValueError:
        return {"day": day, "before_start": True}
    return {"day": day, "submission_due": due.submission_due, "overrun": day > audit.onsite_due}


def extension_preview(audit: Audit, days: int | None) -> dict[str, Any] | None:
    """Return the submission and final dates an approved extension of ``days`` would give."""
    if not days:
        return None
    due = audit_deadlines(
        audit.starts_on,
        last_onsite_on=audit.last_onsite_on,
        extension_days=audit.extension_days + days,
        rules=services.deadline_rules(audit.starts_on),
    )
    return {"days": days, "submission_due": due.submission_due, "final_due": due.final_due}


def _clean(field: forms.Field, value: Any) -> Any:
    """Return the field's clean value, or None when it is empty or not valid."""
    try:
        return field.clean(value)
    except ValidationError:
        return None


def overview_url(user: Any, audit: Audit) -> str:
    """Return where a step ends: staff to the audit's page, an auditor to their workspace."""
    if user.has_perm("audits.access_board"):
        return audit.get_absolute_url()
    return reverse("homes:auditor")


# The pages ----------------------------------------------------------------------------------


class AuditPageMixin(SectionRequiredMixin, ServiceFormMixin, FormView):
    """One page of the lead auditor's work on an audit.

    The audit comes from ``visible_to`` (404 outside scope); ``action_perm`` is checked with
    the audit (403). When ``is_open()`` is false the page shows ``why_not()`` instead of the
    form; a POST then meets the service's own refusal. ``preview_template`` answers an htmx
    GET with a fragment computed from the query string (nothing is saved).
    """

    permission_required = "audits.view_audit"
    action_perm = ""
    heading: Any = ""
    preview_template = ""
    kwargs: dict[str, Any]

    def dispatch(self, request, *args, **kwargs) -> HttpResponseBase:
        user = request.user
        in_section = user.is_authenticated and user.has_perms(self.get_permission_required())
        if in_section and not user.has_perm(self.action_perm, self.audit):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    @cached_property
    def audit(self) -> Audit:
        audits = Audit.objects.visible_to(self.request.user).select_related(
            "employer", "lead_auditor__user", "tool"
        )
        return get_object_or_404(audits, pk=self.kwargs["pk"])

    def fresh_audit(self) -> Audit:
        """Return the audit as stored, for a service (which may change what it is given)."""
        return Audit.objects.visible_to(self.request.user).get(pk=self.audit.pk)

    @cached_property
    def today(self) -> date:
        return timezone.localdate()

    def is_open(self) -> bool:  # pragma: no cover - every page defines it
        raise NotImplementedError

    def why_not(self) -> str:
        """Return why the page's action is not open in the audit's status."""
        if self.audit.status in CLOSED:
            return _("This audit is %(status)s: nothing more can be done on it here.") % {
                "status": self.audit.get_status_display().lower()
            }
        if self.audit.status in WITH_QA:
            text = _("The report was submitted on %(date)s and is with QA.")
            if self.audit.submission_late:
                text += " " + _("It was submitted after its deadline: it is flagged as late.")
            return text % {"date": self.audit.submitted_on}
        return _("An audit that is %(status)s cannot be moved this way.") % {
            "status": self.audit.get_status_display().lower()
        }

    def preview_context(self) -> dict[str, Any]:  # pragma: no cover - pages with a preview
        raise NotImplementedError

    def next_step(self) -> selectors.NextAction | None:
        """Return the audit's next step, unless it is this page."""
        action = selectors.next_action(self.audit)
        here = self.request.resolver_match.view_name if self.request.resolver_match else ""
        return action if action and action.url_name != here else None

    def get(self, request, *args, **kwargs) -> HttpResponse:
        if request.htmx and self.preview_template:
            context = {"audit": self.audit, **self.preview_context()}
            response = render(request, self.preview_template, context)
        else:
            response = super().get(request, *args, **kwargs)
        patch_vary_headers(response, ("HX-Request",))
        return response

    def get_success_url_for(self, result: Any) -> str:
        """Return the URL ``perform`` gave, or the end of the step (``overview_url``)."""
        return result if isinstance(result, str) else overview_url(self.request.user, self.audit)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(
            audit=self.audit,
            heading=self.heading,
            today=self.today,
            open=self.is_open(),
            why_not="" if self.is_open() else self.why_not(),
            next_action=self.next_step(),
            countdowns=selectors.countdowns(self.audit, today=self.today),
            rules=services.deadline_rules(self.audit.starts_on),
            overview_url=overview_url(self.request.user, self.audit),
            **kwargs,
        )


class NoticeView(AuditPageMixin):
    """File the Notice of Audit (R-8) with the declaration of no consulting work (R-7)."""

    action_perm = "audits.file_notice"
    form_class = NoticeForm
    template_name = "audits/notice_form.html"
    heading = _("File the Notice of Audit")

    def is_open(self) -> bool:
        return can_proceed(self.audit.file_notice)

    def why_not(self) -> str:
        if self.audit.notice_filed_on:
            return _("The Notice of Audit was filed on %(date)s.") % {
                "date": self.audit.notice_filed_on
            }
        return super().why_not()

    def get_form_kwargs(self) -> dict[str, Any]:
        rules = ProgramRules.objects.in_force(self.audit.starts_on)
        return {**super().get_form_kwargs(), "months": rules.consulting_cooling_off_months}

    def perform(self, form: NoticeForm) -> str:
        audit = services.file_notice(
            audit=self.fresh_audit(), actor=self.request.user, **form.cleaned_data
        )
        message = _("The Notice of Audit is filed.")
        if audit.notice_late:
            message += " " + _("It was due on %(date)s, so it is recorded as late.") % {
                "date": audit.notice_due
            }
        messages.success(self.request, message)
        return self.get_success_url_for(audit)


class StartView(AuditPageMixin):
    """Record that the audit's work has begun (on or after its start date)."""

    action_perm = "audits.record_onsite"
    form_class = StartForm
    template_name = "audits/audit_work_start.html"
    heading = _("Start the audit")
    success_message = _("The audit is under way. Record the last onsite day when it is done.")

    def is_open(self) -> bool:
        return can_proceed(self.audit.start)

    def why_not(self) -> str:
        if self.audit.status in (S.IN_PROGRESS, S.ONSITE_COMPLETE, S.RETURNED):
            return _("This audit is already under way.")
        return super().why_not()

    def perform(self, form: StartForm) -> Audit:
        return services.start_audit(
            audit=self.fresh_audit(), actor=self.request.user, on=form.cleaned_data["on"]
        )


class OnsiteView(AuditPageMixin):
    """Record the last onsite day; the report-to-QA clock starts and an overrun is flagged."""

    action_perm = "audits.record_onsite"
    form_class = OnsiteForm
    template_name = "audits/audit_work_onsite.html"
    preview_template = "audits/audit_work_onsite_preview.html"
    heading = _("Record onsite work complete")

    def is_open(self) -> bool:
        return can_proceed(self.audit.complete_onsite)

    def why_not(self) -> str:
        if self.audit.last_onsite_on:
            return _("Onsite work was completed on %(date)s.") % {"date": self.audit.last_onsite_on}
        if self.audit.status in BEFORE_START:
            return _("Start the audit first; record the last onsite day when onsite work is done.")
        return super().why_not()

    def preview_context(self) -> dict[str, Any]:
        day = _clean(forms.DateField(), self.request.GET.get("last_onsite_on"))
        return {"onsite": onsite_preview(self.audit, day)}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        kwargs.setdefault("form", self.get_form())
        day = _clean(forms.DateField(), kwargs["form"]["last_onsite_on"].value())
        return super().get_context_data(onsite=onsite_preview(self.audit, day), **kwargs)

    def perform(self, form: OnsiteForm) -> str:
        audit = services.complete_onsite(
            audit=self.fresh_audit(), actor=self.request.user, **form.cleaned_data
        )
        message = _("Onsite work is complete. The report is due to QA by %(date)s.") % {
            "date": audit.submission_due
        }
        if audit.onsite_overrun:
            message += " " + _(
                "The last onsite day is after the onsite deadline (%(date)s): the overrun is "
                "flagged to the COR team."
            ) % {"date": audit.onsite_due}
        messages.success(self.request, message)
        return reverse("audits:work", args=[audit.pk])


class WorkView(AuditPageMixin):
    """Enter the element scores and upload the report; the result shows as values change."""

    action_perm = "audits.submit_report"
    form_class = ScoresForm
    template_name = "audits/audit_work_scores.html"
    preview_template = "audits/audit_work_result.html"
    heading = _("Scores and report")
    success_message = _("Your scores and report are saved.")
    shows_last_time = True  # the previous audit's points and notes under each element

    @cached_property
    def draft(self) -> Submission | None:
        return services.draft_of(self.audit)

    @cached_property
    def elements(self) -> list[AuditElement]:
        return list(self.audit.tool.elements.all())

    @cached_property
    def source(self) -> Submission | None:
        """Return what the form starts from: the draft, or after a return the last revision
        (saving starts the new draft from it, ``services.save_draft``)."""
        if self.draft is not None:
            return self.draft
        if self.audit.status == S.RETURNED:
            return services.latest_submission(self.audit)
        return None

    @cached_property
    def saved(self) -> dict[int, tuple[Decimal, Decimal]]:
        scores = self.source.scores.all() if self.source else []
        return {s.element_id: (s.earned, s.applicable) for s in scores}

    def is_open(self) -> bool:
        return self.audit.status in services.SCORABLE

    def why_not(self) -> str:
        if self.audit.status in BEFORE_START:
            return _("Scores and the report can be entered once the audit has started.")
        return super().why_not()

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "elements": self.elements}

    def get_initial(self) -> dict[str, Any]:
        if self.source is None:
            return {"headcount": self.audit.employer.employees}
        return {
            **ScoresForm.initial_for(self.source.scores.all()),
            **ScoresForm.initial_for_evidence(self.source),
        }

    def preview_context(self) -> dict[str, Any]:
        form = ScoresForm(self.request.GET, elements=self.elements)
        form.is_valid()  # the values that are valid count; the others are left out
        sheet = score_sheet(self.audit, self.elements, form.scores())
        return {"sheet": sheet, "preview": True, "left_out": bool(form.errors)}

    def reuse_offer(self, last_time: selectors_reuse.LastTime | None) -> Audit | None:
        """Return the previous audit this one may start from now, if the user may."""
        if not self.shows_last_time or last_time is not None or not self.is_open():
            return None
        if services_reuse.refusal(self.audit, actor=self.request.user):
            return None
        return selectors_reuse.previous_approved_audit(self.audit)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        sheet = score_sheet(self.audit, self.elements, self.saved, draft=self.source)
        latest = None if self.is_open() else services.latest_submission(self.audit)
        notes = qa.notes_to_answer(self.audit) if self.audit.status == S.RETURNED else []
        last_time = selectors_reuse.last_time(self.audit) if self.shows_last_time else None
        context = super().get_context_data(
            draft=self.source,
            sheet=sheet,
            latest=latest,
            qa_notes=notes,
            last_time=last_time,
            reuse_offer=self.reuse_offer(last_time),
            **kwargs,
        )
        last = last_time.by_element if last_time else {}
        form = context.get("form")
        if isinstance(form, ScoresForm):
            context["score_rows"] = [(row, last.get(row.element.pk)) for row in form.rows()]
        return context

    def perform(self, form: ScoresForm) -> str:
        services.save_draft(
            audit=self.fresh_audit(),
            actor=self.request.user,
            scores=form.scores(),
            report=form.cleaned_data.get("report"),
            evidence=form.evidence(),
            notes=form.notes(),
        )
        return reverse("audits:work", args=[self.audit.pk])


class SubmitView(WorkView):
    """Confirm, then submit the report and scores to QA; the date is checked (R-9)."""

    form_class = ConfirmForm  # type: ignore[assignment]
    template_name = "audits/audit_work_submit.html"
    preview_template = ""
    heading = _("Submit the report")
    success_message = ""
    shows_last_time = False

    def is_open(self) -> bool:
        return can_proceed(self.audit.submit) or can_proceed(self.audit.resubmit)

    def why_not(self) -> str:
        if self.audit.status in (*BEFORE_START, S.IN_PROGRESS):
            return _("Submit the report after onsite work is complete.")
        return AuditPageMixin.why_not(self)

    def get_form_kwargs(self) -> dict[str, Any]:
        return AuditPageMixin.get_form_kwargs(self)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        late_by = days_late(services.report_due(self.audit), self.today)
        late = ngettext("Late by %(days)s day", "Late by %(days)s days", late_by)
        timing = late % {"days": late_by} if late_by else _("On time")
        return super().get_context_data(late_by=late_by, timing=timing, **kwargs)

    def perform(self, form: Any) -> str:
        submission = services.submit_report(audit=self.fresh_audit(), actor=self.request.user)
        due = services.report_due(self.audit)
        if submission.late:
            late_by = days_late(due, submission.submitted_on or self.today)
            message = ngettext(
                "The report was submitted to QA, %(days)s day late (due %(date)s).",
                "The report was submitted to QA, %(days)s days late (due %(date)s).",
                late_by,
            ) % {"days": late_by, "date": due}
        else:
            message = _("The report was submitted to QA on time.")
        messages.success(self.request, message)
        return self.get_success_url_for(submission)


class ExtensionRequestView(AuditPageMixin):
    """Ask the COR team for more days to submit the report, with the reason (R-9)."""

    action_perm = "audits.request_extension"
    form_class = ExtensionRequestForm
    template_name = "audits/audit_work_extension.html"
    preview_template = "audits/audit_work_extension_preview.html"
    heading = _("Request an extension")

    @cached_property
    def pending(self) -> Any:
        return self.audit.extensions.filter(status=ExtensionStatus.REQUESTED).first()

    def is_open(self) -> bool:
        return self.audit.status not in CLOSED and self.pending is None

    def why_not(self) -> str:
        if self.pending is not None and self.audit.status not in CLOSED:
            return _(
                "Your request for %(days)s days, sent on %(date)s, is waiting for the COR "
                "team's decision."
            ) % {"days": self.pending.days, "date": self.pending.requested_on}
        return super().why_not()

    def preview_context(self) -> dict[str, Any]:
        days = _clean(ExtensionRequestForm.base_fields["days"], self.request.GET.get("days"))
        return {"extended": extension_preview(self.audit, days)}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        kwargs.setdefault("form", self.get_form())
        days = _clean(ExtensionRequestForm.base_fields["days"], kwargs["form"]["days"].value())
        return super().get_context_data(
            extended=extension_preview(self.audit, days),
            extensions=self.audit.extensions.all(),
            **kwargs,
        )

    def perform(self, form: ExtensionRequestForm) -> str:
        extension = services.request_extension(
            audit=self.fresh_audit(), actor=self.request.user, **form.cleaned_data
        )
        messages.success(
            self.request,
            _("Your request for %(days)s more days was sent to the COR team.")
            % {"days": extension.days},
        )
        return self.get_success_url_for(extension)


class ReportView(SectionRequiredMixin, View):
    """Serve a submission's report to staff and the audit's lead auditor, never to others."""

    permission_required = "audits.view_audit"

    def get(self, request, *args, **kwargs) -> FileResponse:
        submissions = Submission.objects.visible_to(request.user).select_related(
            "audit__employer", "audit__lead_auditor"
        )
        submission = get_object_or_404(submissions, pk=kwargs["pk"])
        if not request.user.has_perm("audits.view_report", submission.audit):
            raise PermissionDenied
        if not submission.report:
            raise Http404
        name = f"audit-report-{submission.audit.employer.account_number}-"
        name += f"{submission.audit_id}-revision-{submission.number}.pdf"
        return FileResponse(
            submission.report.open("rb"),
            as_attachment=True,
            filename=name,
            content_type="application/pdf",
        )
