"""Staff pages of audits: the board, planning, an audit's page, decisions, extensions and
certificates (R-5 to R-11). Every change goes through ``audits.services``."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from functools import cached_property
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import DetailView, FormView, TemplateView
from django.views.generic.base import ContextMixin

from cor_portal.accounts.access import SectionRequiredMixin
from cor_portal.accounts.choices import Role
from cor_portal.ui.history import history_entries
from cor_portal.ui.views import ListPageMixin, ServiceFormMixin

from .. import selectors, services
from ..choices import AuditStatus, ExtensionStatus
from ..deadlines import AuditDeadlines, audit_deadlines
from ..filters import AuditFilter, CertificateFilter
from ..forms import DecisionForm, ExtensionDecisionForm, PlanAuditForm
from ..models import Audit, Certificate, Extension, Submission
from ..tables import AuditTable, CertificateTable, flags_of

S = AuditStatus
# Results the employer may see: released by a QA decision.
RELEASED = (S.APPROVED, S.UNSUCCESSFUL)
# A valid certificate this close to its expiry shows an "expires in N days" tag.
EXPIRY_WARNING_DAYS = 90


class TodayMixin:
    @cached_property
    def today(self) -> date:
        return timezone.localdate()


# The board ----------------------------------------------------------------------------------


class AuditBoardView(SectionRequiredMixin, TodayMixin, ListPageMixin):
    permission_required = "audits.access_board"
    table_class = AuditTable
    filterset_class = AuditFilter
    title = gettext_lazy("Audit board")
    create_url_name = "audits:plan"
    create_label = gettext_lazy("Plan an audit")
    empty_title = gettext_lazy("No audits yet")
    empty_hint = gettext_lazy("Plan an audit here or from an employer's page.")
    export_name = "audits"
    template_name = "audits/board_list.html"

    def get_queryset(self):
        audits = selectors.board(Audit.objects.visible_to(self.request.user))
        return selectors.with_next_due(audits)

    def get_filterset_kwargs(self, filterset_class) -> dict[str, Any]:
        return {**super().get_filterset_kwargs(filterset_class), "today": self.today}

    def get_table_kwargs(self) -> dict[str, Any]:
        return {"today": self.today}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        # Counted when the page's header shows them: an export or an htmx update skips it.
        counts = SimpleLazyObject(lambda: selectors.staff_counts(today=self.today))
        return super().get_context_data(counts=counts, **kwargs)


# Planning -----------------------------------------------------------------------------------


def planned_dates(value: Any) -> AuditDeadlines | None:
    """Return the due dates an audit starting on the (typed) date would get, if it is a date."""
    try:
        starts_on = forms.DateField().clean(value)
    except ValidationError:
        return None
    return audit_deadlines(starts_on, rules=services.deadline_rules(starts_on))


class AuditPlanView(SectionRequiredMixin, ServiceFormMixin, FormView):
    """Plan an audit; a GET with ?employer= (and ?starts_on=) fills in the form."""

    permission_required = "audits.plan_audit"
    form_class = PlanAuditForm
    template_name = "audits/audit_plan.html"
    success_message = _("%(object)s is planned.")

    def get_initial(self) -> dict[str, Any]:
        return {k: v for k in ("employer", "starts_on") if (v := self.request.GET.get(k))}

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "refresh_url": reverse("audits:plan")}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["due_dates"] = planned_dates(context["form"]["starts_on"].value())
        return context

    def perform(self, form: PlanAuditForm) -> Audit:
        return services.plan_audit(actor=self.request.user, **form.service_fields())


# One audit ----------------------------------------------------------------------------------


class AuditMixin(SectionRequiredMixin, ContextMixin):
    """Views about one audit: it comes from ``visible_to`` (404 outside scope)."""

    permission_required = "audits.view_audit"
    kwargs: dict[str, Any]

    def get_audit(self) -> Audit:
        if not hasattr(self, "_audit"):
            audits = Audit.objects.visible_to(self.request.user).select_related(
                "employer", "lead_auditor__user", "lead_auditor__employer", "tool"
            )
            self._audit = get_object_or_404(audits, pk=self.kwargs["pk"])
        return self._audit

    def require(self, perm: str, obj: Any = None) -> None:
        """Refuse (403) an action the user may not take on an object in scope."""
        if not self.request.user.has_perm(perm, obj):
            raise PermissionDenied

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(audit=self.get_audit(), **kwargs)


@dataclass(frozen=True)
class ScoreLine:
    """One element's score in a submission, with its percent (None when nothing applies)."""

    name: str
    earned: Decimal
    applicable: Decimal
    percent: Decimal | None
    failing: bool


def result_panel(submission: Submission | None) -> dict[str, Any]:
    """Return a submission's result and its per-element lines (R-10)."""
    if submission is None:
        return {"submission": None}
    try:
        result = services.result_of(submission)
    except ValidationError:
        result = None
    failing = set(result.failing_elements) if result else set()
    lines = [
        ScoreLine(
            s.element.name,
            s.earned,
            s.applicable,
            s.earned / s.applicable * 100 if s.applicable else None,
            s.element.name in failing,
        )
        for s in submission.scores.select_related("element")
    ]
    overall = submission.overall_percent
    # Shown to 2 decimals; the exact value too when rounding hides it (79.995% fails).
    exact = overall.normalize() if overall is not None else None
    rounded = overall.quantize(Decimal("0.01")) if overall is not None else None
    return {
        "submission": submission,
        "result": result,
        "score_lines": lines,
        "exact_percent": exact if exact != rounded else None,
    }


# The auditor's steps (the auditor-work pages): URL name, label, permission, statuses.
WORK_STEPS = (
    ("audits:notice", gettext_lazy("File the Notice of Audit"), "audits.file_notice", (S.PLANNED,)),
    (
        "audits:start",
        gettext_lazy("Start the audit"),
        "audits.record_onsite",
        (S.PLANNED, S.NOTICE_FILED),
    ),
    (
        "audits:onsite",
        gettext_lazy("Record onsite work complete"),
        "audits.record_onsite",
        (S.IN_PROGRESS,),
    ),
    (
        "audits:work",
        gettext_lazy("Enter scores and the report"),
        "audits.submit_report",
        services.SCORABLE,
    ),
    (
        "audits:answers",
        gettext_lazy("Answer the QA notes"),
        "audits.answer_note",
        (S.RETURNED,),
    ),
    (
        "audits:submit",
        gettext_lazy("Submit the report"),
        "audits.submit_report",
        (S.ONSITE_COMPLETE, S.RETURNED),
    ),
)


def work_actions(audit: Audit, user: Any) -> list[tuple[str, Any]]:
    """Return the auditor's next steps the user may take: (URL name, label)."""
    actions = [
        (name, label)
        for name, label, perm, statuses in WORK_STEPS
        if audit.status in statuses and user.has_perm(perm, audit)
    ]
    if (
        audit.is_open("final")
        and user.has_perm("audits.request_extension", audit)
        and not audit.extensions.filter(status=ExtensionStatus.REQUESTED).exists()
    ):
        actions.append(("audits:extension-request", gettext_lazy("Request an extension")))
    return actions


class AuditDetailView(TodayMixin, AuditMixin, TemplateView):
    """One audit: its clocks, people, scope, notice, report and result, decisions, history.

    The employer sees the dates, clocks and status, and the result once released; never
    the report or the scores before.
    """

    template_name = "audits/audit_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        audit, user = self.get_audit(), self.request.user
        employer_view = getattr(user, "role", None) == Role.EMPLOYER
        context = {
            "countdowns": selectors.countdowns(audit, today=self.today),
            "students": audit.student_auditors.select_related("user"),
            "scope": audit.scope.order_by("code"),
            "certificate": Certificate.objects.filter(audit=audit).first(),
            "employer_view": employer_view,
            "released": audit.status in RELEASED,
        }
        if not employer_view or audit.status in RELEASED:
            context.update(result_panel(services.latest_submission(audit)))
        if not employer_view:
            context.update(self.work_panels(audit, user))
        return super().get_context_data(**context, **kwargs)

    def work_panels(self, audit: Audit, user: Any) -> dict[str, Any]:
        """Return what staff and the audit's auditors see: flags, extensions, history, actions."""
        staff = user.has_perm("audits.access_board")
        return {
            "flags": flags_of(audit),
            "extensions": audit.extensions.select_related("requested_by", "decided_by"),
            "status_changes": audit.status_changes.select_related("actor")[:20],
            "can_download": user.has_perm("audits.view_report", audit),
            "decisions_panel": staff,
            "decisions": available_decisions(audit) if staff else [],
            "qa_review": audit.reviews.select_related("submission")
            .order_by("-submission__number")
            .first()
            if staff
            else None,
            "verifications": list(audit.verifications.all()) if staff else [],
            "can_decide_extension": user.has_perm("audits.decide_extension"),
            "work_actions": work_actions(audit, user),
            "history": history_entries(audit.history.select_related("history_user")[:15])
            if staff
            else None,
        }


# Staff decisions ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Decision:
    """A staff decision on an audit: its page, who may take it, its fields and its service."""

    name: str
    label: Any
    perm: str
    fields: tuple[str, ...]
    service: Callable[..., Audit]
    transition: str = ""  # the status machine's move; none for a reschedule
    destructive: bool = False
    reason_required: bool = True

    def allowed(self, audit: Audit) -> bool:
        if not self.transition:
            return audit.status == S.PLANNED
        return self.transition in {t.name for t in audit.get_available_status_transitions()}

    def target(self, audit: Audit) -> str:
        """Return the status the decision leads to."""
        moves = {t.name: t.target for t in audit.get_available_status_transitions()}
        return str(moves.get(self.transition, audit.status))


DECISIONS = {
    decision.name: decision
    for decision in (
        Decision(
            "reschedule",
            gettext_lazy("Reschedule"),
            "audits.change_audit",
            ("starts_on",),
            services.reschedule_audit,
        ),
        Decision(
            "cancel",
            gettext_lazy("Cancel the audit"),
            "audits.cancel_audit",
            ("on", "reason"),
            services.cancel_audit,
            "cancel",
            destructive=True,
        ),
    )
}


def available_decisions(audit: Audit) -> list[Decision]:
    """Return the decisions the audit's status allows."""
    return [decision for decision in DECISIONS.values() if decision.allowed(audit)]


class AuditDecisionView(AuditMixin, ServiceFormMixin, FormView):
    """Confirm a decision with its date and reason (or a new start date), through its service."""

    permission_required = "audits.decide_audit"
    template_name = "audits/audit_decide.html"
    form_class = DecisionForm

    def get_action(self) -> Decision:
        decision = DECISIONS.get(self.kwargs["action"])
        if decision is None:
            raise Http404
        self.require(decision.perm, self.get_audit())
        return decision

    def get_form_kwargs(self) -> dict[str, Any]:
        action = self.get_action()
        return {
            **super().get_form_kwargs(),
            "fields": action.fields,
            "submit": action.label,
            "reason_required": action.reason_required,
            "initial": {"starts_on": self.get_audit().starts_on},
        }

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        action, audit = self.get_action(), self.get_audit()
        target = S(action.target(audit))
        return super().get_context_data(
            action=action, allowed=action.allowed(audit), target=target, **kwargs
        )

    def perform(self, form: DecisionForm) -> Audit:
        audit = self.get_action().service(
            audit=self.get_audit(), actor=self.request.user, **form.cleaned_data
        )
        status = audit.get_status_display().lower()
        messages.success(self.request, _("The audit is now %(status)s.") % {"status": status})
        return audit


# Extensions ---------------------------------------------------------------------------------


def dates_with(audit: Audit, *, extra_days: int) -> AuditDeadlines:
    """Return the audit's due dates with ``extra_days`` more of extension (R-9)."""
    return audit_deadlines(
        audit.starts_on,
        last_onsite_on=audit.last_onsite_on,
        extension_days=audit.extension_days + extra_days,
        rules=services.deadline_rules(audit.starts_on),
    )


class ExtensionDecisionView(SectionRequiredMixin, ServiceFormMixin, FormView):
    """Approve or refuse an extension request; the page shows the dates before and after."""

    permission_required = "audits.decide_extension"
    template_name = "audits/extension_decide.html"
    form_class = ExtensionDecisionForm

    @cached_property
    def extension(self) -> Extension:
        extensions = Extension.objects.visible_to(self.request.user).select_related(
            "audit__employer", "audit__lead_auditor__user", "requested_by"
        )
        return get_object_or_404(extensions, pk=self.kwargs["pk"])

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "days": self.extension.days}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        extension, audit = self.extension, self.extension.audit
        return super().get_context_data(
            extension=extension,
            audit=audit,
            waiting=extension.status == ExtensionStatus.REQUESTED,
            after=dates_with(audit, extra_days=extension.days),
            **kwargs,
        )

    def perform(self, form: ExtensionDecisionForm) -> str:
        extension = services.decide_extension(
            extension=self.extension, actor=self.request.user, **form.service_fields()
        )
        decision = extension.get_status_display().lower()
        messages.success(self.request, _("The extension is %(decision)s.") % {"decision": decision})
        return extension.audit.get_absolute_url()


# Certificates -------------------------------------------------------------------------------


class CertificateListView(SectionRequiredMixin, TodayMixin, ListPageMixin):
    permission_required = "audits.access_board"
    table_class = CertificateTable
    filterset_class = CertificateFilter
    title = gettext_lazy("Certificates")
    empty_title = gettext_lazy("No certificates yet")
    empty_hint = gettext_lazy(
        "A certificate is issued when a passed certification audit is approved."
    )
    export_name = "certificates"
    template_name = "audits/certificate_list.html"

    def get_queryset(self):
        return (
            Certificate.objects.visible_to(self.request.user)
            .select_related("employer")
            .prefetch_related("classification_units")
        )

    def get_filterset_kwargs(self, filterset_class) -> dict[str, Any]:
        return {**super().get_filterset_kwargs(filterset_class), "today": self.today}

    def get_table_kwargs(self) -> dict[str, Any]:
        return {"today": self.today}


class CertificateDetailView(SectionRequiredMixin, TodayMixin, DetailView):
    """A certificate: number, employer, CUs, dates and its status today."""

    permission_required = "audits.view_certificate"
    template_name = "audits/certificate_detail.html"
    context_object_name = "certificate"

    def get_queryset(self):
        return Certificate.objects.visible_to(self.request.user).select_related(
            "employer", "audit__lead_auditor__user"
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        certificate = self.object
        status = selectors.certificate_status_on(certificate, self.today)
        days_left = (certificate.expires_on - self.today).days
        expiring = status == "valid" and days_left <= EXPIRY_WARNING_DAYS
        return super().get_context_data(
            status_today=status,
            units=certificate.classification_units.order_by("code"),
            expiring=_("expires in %(days)s days") % {"days": days_left} if expiring else "",
            **kwargs,
        )
