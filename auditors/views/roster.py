"""Staff pages of the auditor roster, and an auditor's own record (R-6, R-7, R-16)."""

from datetime import date
from functools import cached_property
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.forms import BaseForm
from django.http import FileResponse, Http404, HttpResponseBase
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import FormView, TemplateView, View
from django.views.generic.base import ContextMixin
from django.views.generic.detail import SingleObjectMixin

from cor_portal.accounts.access import SectionRequiredMixin
from cor_portal.program.models import ProgramRules
from cor_portal.program.periods import add_months
from cor_portal.ui.forms import ConfirmForm
from cor_portal.ui.history import history_entries
from cor_portal.ui.views import ListPageMixin, ServiceFormMixin

from .. import selectors, services
from ..choices import AuditorStatus
from ..filters import AuditorFilter
from ..forms import (
    AuditorForm,
    CPDActivityForm,
    DeclarationForm,
    EligibilityForm,
    EngagementForm,
    StudentAuditForm,
    TransitionForm,
)
from ..models import AnnualDeclaration, Auditor, ConsultingEngagement, CPDActivity
from ..tables import AuditorTable, expiry_html


def cpd_period(today: date) -> tuple[date, date]:
    """Return the last 12 months up to today: the period a declaration's CPD hours cover."""
    return add_months(today, -12), today


class RosterView(SectionRequiredMixin, ListPageMixin):
    permission_required = "auditors.access_roster"
    table_class = AuditorTable
    filterset_class = AuditorFilter
    title = _("Auditors")
    create_url_name = "auditors:create"
    create_label = _("Add an auditor")
    empty_title = _("No auditors yet")
    empty_hint = _("Add an auditor: they start in training, with a login of their own.")
    export_name = "auditors"
    template_name = "auditors/roster_list.html"

    @cached_property
    def today(self) -> date:
        return timezone.localdate()

    @cached_property
    def warning_days(self) -> int:
        return ProgramRules.objects.in_force(self.today).requalification_warning_days

    def get_queryset(self):
        return (
            Auditor.objects.visible_to(self.request.user)
            .select_related("user", "employer")
            .prefetch_related("regions")
        )

    def get_filterset_kwargs(self, filterset_class) -> dict[str, Any]:
        kwargs = super().get_filterset_kwargs(filterset_class)
        return {**kwargs, "today": self.today, "warning_days": self.warning_days}

    def get_table_kwargs(self) -> dict[str, Any]:
        return {"today": self.today, "warning_days": self.warning_days}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        # Counted by the page's header only: an export or an htmx update skips the queries.
        return super().get_context_data(
            warning_days=self.warning_days,
            renewals_due=selectors.renewals_due(as_of=self.today),
            students_overdue=selectors.students_overdue(as_of=self.today),
            **kwargs,
        )


class AuditorMixin(SectionRequiredMixin, ContextMixin):
    """Views about one auditor: the auditor comes from ``visible_to`` (404 outside scope)."""

    permission_required = "auditors.view_auditor"
    auditor_kwarg = "pk"
    kwargs: dict[str, Any]

    def get_auditor(self) -> Auditor:
        if not hasattr(self, "_auditor"):
            self._auditor = get_object_or_404(
                Auditor.objects.visible_to(self.request.user).select_related("user", "employer"),
                pk=self.kwargs[self.auditor_kwarg],
            )
        return self._auditor

    def require(self, perm: str, obj: Any = None) -> None:
        """Refuse (403) an action the user may not take on an object in scope."""
        if not self.request.user.has_perm(perm, obj):
            raise PermissionDenied

    def get_success_url_for(self, result: Any) -> str:
        """Return staff to the auditor's page, and an auditor to their workspace."""
        if self.request.user.has_perm("auditors.access_roster"):
            return reverse("auditors:detail", args=[self.get_auditor().pk])
        return reverse("homes:auditor")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(auditor=self.get_auditor(), **kwargs)


class AuditorDetailView(AuditorMixin, TemplateView):
    """The auditor's standing, good standing, CPD, declarations, engagements and EAQAs."""

    template_name = "auditors/auditor_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        auditor, today = self.get_auditor(), timezone.localdate()
        warning_days = ProgramRules.objects.in_force(today).requalification_warning_days
        context = {
            "today": today,
            "expiry": expiry_html(auditor, today=today, warning_days=warning_days),
            "reminders": selectors.reminders_for(auditor, today=today),
            "can": self.abilities(auditor),
            **self.records(auditor, today),
        }
        if self.request.user.has_perm("auditors.access_roster"):
            context.update(self.staff_panels(auditor, today))
        return super().get_context_data(**context, **kwargs)

    def abilities(self, auditor: Auditor) -> dict[str, bool]:
        """Return what the user may do from this page."""
        user = self.request.user
        return {
            "edit": user.has_perm("auditors.change_auditor"),
            "change_status": user.has_perm("auditors.change_status"),
            "log_cpd": user.has_perm("auditors.add_cpdactivity", auditor),
            "declare": user.has_perm("auditors.add_annualdeclaration", auditor),
            "add_engagement": user.has_perm("auditors.add_consultingengagement", auditor),
            "change_engagement": user.has_perm("auditors.change_consultingengagement"),
            "manage_eaqa": user.has_perm("auditors.manage_eaqa"),
        }

    def records(self, auditor: Auditor, today: date) -> dict[str, Any]:
        """Return the auditor's records that every reader of the page sees."""
        start, end = cpd_period(today)
        return {
            "regions": auditor.regions.all(),
            "sectors": auditor.sectors.all(),
            "cpd": auditor.cpd_activities.all(),
            "cpd_hours": services.cpd_hours(auditor, start=start, end=end),
            "cpd_since": start,
            "declarations": auditor.declarations.select_related("submitted_by"),
            "engagements": auditor.consulting_engagements.select_related("employer"),
            "eaqas": auditor.eaqas.select_related("reviewer"),
            "completions": auditor.completions.select_related("course")[:20],
            "status_changes": auditor.status_changes.select_related("actor")[:20],
        }

    def staff_panels(self, auditor: Auditor, today: date) -> dict[str, Any]:
        """Return the eligibility check, the standing actions and the change history."""
        initial = {"employer": auditor.employer_id, "starts_on": today}
        form = EligibilityForm(self.request.GET or None, initial=initial)
        standing = None
        if form.is_bound and form.is_valid():
            standing = selectors.standing_for(
                auditor,
                employer_id=form.cleaned_data["employer"].pk,
                starts_on=form.cleaned_data["starts_on"],
            )
        history = auditor.history.select_related("history_user")[:15]
        return {
            "eligibility_form": form,
            "standing": standing,
            "actions": services.available_actions(auditor),
            "history": history_entries(history),
        }


class AuditorCreateView(SectionRequiredMixin, ServiceFormMixin, FormView):
    permission_required = "auditors.add_auditor"
    form_class = AuditorForm
    template_name = "auditors/auditor_form.html"
    success_message = _("%(object)s was added, in training.")

    def perform(self, form: AuditorForm) -> Auditor:
        return services.create_auditor(actor=self.request.user, **form.service_fields())


class AuditorUpdateView(AuditorMixin, ServiceFormMixin, FormView):
    permission_required = "auditors.change_auditor"
    form_class = AuditorForm
    template_name = "auditors/auditor_form.html"
    success_message = _("%(object)s was saved.")

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "instance": self.get_auditor()}

    def perform(self, form: AuditorForm) -> Auditor:
        # The form has already set its values on the instance; the service starts afresh.
        auditor = Auditor.objects.visible_to(self.request.user).get(pk=self.get_auditor().pk)
        return services.update_auditor(
            auditor=auditor, actor=self.request.user, **form.service_fields()
        )


class AuditorTransitionView(AuditorMixin, ServiceFormMixin, FormView):
    """Confirm a standing move with its date and reason, then make it through its service."""

    permission_required = "auditors.change_status"
    template_name = "auditors/auditor_transition.html"
    form_class = TransitionForm

    def get_action(self) -> services.StandingAction:
        action = services.STANDING_ACTIONS.get(self.kwargs["action"])
        if action is None:
            raise Http404
        return action

    def get_initial(self) -> dict[str, Any]:
        return {"certification_number": self.get_auditor().certification_number}

    def get_form_kwargs(self) -> dict[str, Any]:
        action = self.get_action()
        kwargs = super().get_form_kwargs()
        return {**kwargs, "submit": action.label, "needs_number": action.needs_number}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        action = self.get_action()
        targets = {t.name: t.target for t in self.get_auditor().get_available_status_transitions()}
        target = targets.get(action.name)
        target_label = AuditorStatus(str(target)).label if target else ""
        return super().get_context_data(
            action=action,
            allowed=target is not None,
            target=target,
            target_label=target_label,
            **kwargs,
        )

    def perform(self, form: TransitionForm) -> Auditor:
        auditor = self.get_action().service(
            auditor=self.get_auditor(), actor=self.request.user, **form.cleaned_data
        )
        status = auditor.get_status_display().lower()
        messages.success(
            self.request, _("%(name)s is now %(status)s.") % {"name": auditor, "status": status}
        )
        return auditor


class StudentAuditView(AuditorMixin, ServiceFormMixin, FormView):
    """Record the day a student completed their student audit."""

    permission_required = "auditors.change_status"
    form_class = StudentAuditForm
    template_name = "auditors/auditor_student_audit.html"
    success_message = _("The student audit of %(object)s is recorded.")

    def perform(self, form: StudentAuditForm) -> Auditor:
        return services.record_student_audit(
            auditor=self.get_auditor(), actor=self.request.user, on=form.cleaned_data["on"]
        )


# Records of one auditor ---------------------------------------------------------------------


class AuditorRecordFormView(AuditorMixin, ServiceFormMixin, FormView):
    """Add or change a record of one auditor (CPD, declaration, consulting engagement)."""

    form_class: type[BaseForm]
    template_name = "auditors/auditor_record_form.html"
    model: Any = CPDActivity
    action_perm = ""
    heading: Any = ""
    intro: Any = ""

    def get_object(self) -> Any:
        """Return the record being changed (in scope), or None when adding."""
        if "child_pk" not in self.kwargs:
            return None
        records = self.model.objects.visible_to(self.request.user).select_related("auditor")
        return get_object_or_404(records, pk=self.kwargs["child_pk"])

    def dispatch(self, request, *args, **kwargs) -> HttpResponseBase:
        if request.user.is_authenticated and request.user.has_perms(self.get_permission_required()):
            self.object = self.get_object()
            if self.object is not None:
                self.kwargs[self.auditor_kwarg] = self.object.auditor_id
            self.require(self.action_perm, self.object or self.get_auditor())
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "instance": self.object}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(
            heading=self.heading, intro=self.intro, object=self.object, **kwargs
        )


class CPDCreateView(AuditorRecordFormView):
    action_perm = "auditors.add_cpdactivity"
    form_class: type[BaseForm] = CPDActivityForm
    heading = _("Log a CPD activity")
    intro = _(
        "Record a course, conference, audit or study that keeps your auditing current. "
        "Attach a certificate or agenda as a PDF if you have one."
    )
    success_message = _("The activity was added to the CPD log.")

    def perform(self, form: CPDActivityForm) -> CPDActivity:
        return services.log_cpd(
            auditor=self.get_auditor(), actor=self.request.user, **form.service_fields()
        )


class CPDUpdateView(CPDCreateView):
    action_perm = "auditors.change_cpdactivity"
    heading = _("Edit the CPD activity")
    intro = ""
    success_message = _("The activity was saved.")

    def perform(self, form: CPDActivityForm) -> CPDActivity:
        return services.update_cpd(
            entry=self.object, actor=self.request.user, **form.service_fields()
        )


class CPDDeleteView(CPDCreateView):
    """Ask, then remove an entry of the CPD log (its history is kept)."""

    action_perm = "auditors.delete_cpdactivity"
    template_name = "auditors/cpd_confirm_delete.html"
    form_class = ConfirmForm
    success_message = _("The activity was removed from the CPD log.")

    def perform(self, form: Any) -> CPDActivity:
        services.delete_cpd(activity=self.object, actor=self.request.user)
        return self.object


class CPDEvidenceView(SectionRequiredMixin, SingleObjectMixin, View):
    """Serve a CPD evidence file to those who may see the auditor (never from a public path)."""

    permission_required = "auditors.view_auditor"

    def get_queryset(self):
        return CPDActivity.objects.visible_to(self.request.user)

    def get(self, request, *args, **kwargs) -> FileResponse:
        activity = self.get_object()
        if not activity.evidence:
            raise Http404
        return FileResponse(
            activity.evidence.open("rb"),
            as_attachment=True,
            filename=f"cpd-evidence-{activity.done_on}-{activity.pk}.pdf",
            content_type="application/pdf",
        )


class DeclarationCreateView(AuditorRecordFormView):
    """File the annual declaration: before an auditor may start an audit in the year (R-16)."""

    model = AnnualDeclaration
    action_perm = "auditors.add_annualdeclaration"
    form_class = DeclarationForm
    template_name = "auditors/declaration_form.html"
    heading = _("File the annual declaration")
    success_message = _("%(object)s is filed.")

    def get_form_kwargs(self) -> dict[str, Any]:
        start, end = cpd_period(timezone.localdate())
        hours = services.cpd_hours(self.get_auditor(), start=start, end=end)
        return {**super().get_form_kwargs(), "cpd_hours": hours}

    def perform(self, form: DeclarationForm) -> AnnualDeclaration:
        return services.file_declaration(
            auditor=self.get_auditor(), actor=self.request.user, **form.service_fields()
        )


class EngagementCreateView(AuditorRecordFormView):
    model = ConsultingEngagement
    action_perm = "auditors.add_consultingengagement"
    form_class = EngagementForm
    heading = _("Record a consulting engagement")
    intro = _(
        "Consulting work for an employer keeps an external auditor from auditing it until "
        "the cooling-off period after the work ends has passed."
    )
    success_message = _("The consulting engagement was saved.")

    def perform(self, form: EngagementForm) -> ConsultingEngagement:
        return services.record_engagement(
            auditor=self.get_auditor(), actor=self.request.user, **form.service_fields()
        )


class EngagementUpdateView(EngagementCreateView):
    permission_required = "auditors.change_consultingengagement"
    action_perm = "auditors.change_consultingengagement"
    heading = _("Edit the consulting engagement")
    intro = ""

    def perform(self, form: EngagementForm) -> ConsultingEngagement:
        return services.update_engagement(
            engagement=self.object, actor=self.request.user, **form.service_fields()
        )
