"""Staff pages for the employer registry, and the employer's own record."""

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.forms import BaseForm
from django.http import FileResponse, Http404, HttpResponse, HttpResponseBase, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import DetailView, FormView, ListView, View
from django.views.generic.base import ContextMixin
from django.views.generic.detail import SingleObjectMixin

from cor_portal.accounts.access import SectionRequiredMixin
from cor_portal.ui import import_views
from cor_portal.ui.forms import ConfirmForm
from cor_portal.ui.history import history_entries
from cor_portal.ui.views import ListPageMixin, ServiceFormMixin

from . import imports, selectors, services
from .choices import InteractionKind
from .filters import ClassificationUnitFilter, EmployerFilter, GapAnalysisFilter, InteractionFilter
from .forms import (
    ClassificationUnitForm,
    ContactForm,
    EmployerForm,
    GapAnalysisForm,
    ImportForm,
    InteractionForm,
    PortalRequestForm,
    TransitionForm,
)
from .models import ClassificationUnit, Contact, Employer, GapAnalysis, Interaction
from .tables import ClassificationUnitTable, EmployerTable, GapAnalysisTable, InteractionTable


class EmployerListView(SectionRequiredMixin, ListPageMixin):
    permission_required = "employers.access_registry"
    table_class = EmployerTable
    filterset_class = EmployerFilter
    title = _("Employers")
    create_url_name = "employers:create"
    create_label = _("Add an employer")
    empty_title = _("No employers yet")
    empty_hint = _("Add one, or import a spreadsheet of employers.")
    export_name = "employers"
    template_name = "employers/employer_list.html"

    def get_queryset(self):
        return Employer.objects.visible_to(self.request.user).prefetch_related(
            "classification_units"
        )


class EmployerMixin(SectionRequiredMixin, ContextMixin):
    """Views about one employer: the employer comes from ``visible_to`` (404 outside scope)."""

    permission_required = "employers.view_employer"
    employer_kwarg = "pk"
    kwargs: dict[str, Any]

    def get_employer(self) -> Employer:
        if not hasattr(self, "_employer"):
            self._employer = get_object_or_404(
                Employer.objects.visible_to(self.request.user), pk=self.kwargs[self.employer_kwarg]
            )
        return self._employer

    def require(self, perm: str, obj: Any = None) -> None:
        """Refuse (403) an action the user may not take on an object in scope."""
        if not self.request.user.has_perm(perm, obj):
            raise PermissionDenied

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(employer=self.get_employer(), **kwargs)


class EmployerDetailView(EmployerMixin, DetailView):
    template_name = "employers/employer_detail.html"

    def get_object(self, queryset=None) -> Employer:
        return self.get_employer()

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        employer = self.object
        user = self.request.user
        context = {
            "classification_units": employer.classification_units.all(),
            "contacts": employer.contacts.select_related("user"),
            "registrations": employer.registrations.all(),
            "gap_analyses": employer.gap_analyses.select_related("consultant"),
            "status_changes": employer.status_changes.select_related("actor")[:20],
            "actions": services.available_actions(employer)
            if user.has_perm("employers.change_status")
            else [],
        }
        if user.has_perm("employers.view_interaction"):
            context["interactions"] = employer.interactions.select_related("staff_member")[:20]
            context["history"] = history_entries(
                employer.history.select_related("history_user")[:15]
            )
        return super().get_context_data(**context, **kwargs)


class EmployerCreateView(SectionRequiredMixin, ServiceFormMixin, FormView):
    permission_required = "employers.add_employer"
    form_class = EmployerForm
    template_name = "employers/employer_form.html"
    success_message = _("%(object)s was added as an enquiry.")

    def perform(self, form: EmployerForm) -> Employer:
        return services.create_employer(actor=self.request.user, **form.service_fields())


class EmployerUpdateView(EmployerMixin, ServiceFormMixin, FormView):
    permission_required = "employers.change_employer"
    form_class = EmployerForm
    template_name = "employers/employer_form.html"
    success_message = _("%(object)s was saved.")

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "instance": self.get_employer()}

    def perform(self, form: EmployerForm) -> Employer:
        employer = Employer.objects.get(pk=self.get_employer().pk)
        return services.update_employer(
            employer=employer, actor=self.request.user, **form.service_fields()
        )


class EmployerTransitionView(EmployerMixin, ServiceFormMixin, FormView):
    """Confirm a lifecycle move with its date and reason, then make it through its service."""

    permission_required = "employers.change_status"
    template_name = "employers/employer_transition.html"
    form_class = TransitionForm

    def get_action(self) -> services.LifecycleAction:
        action = services.LIFECYCLE_ACTIONS.get(self.kwargs["action"])
        if action is None:
            raise Http404
        return action

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "submit": self.get_action().label}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        action = self.get_action()
        employer = self.get_employer()
        allowed = action in services.available_actions(employer)
        target = services.status_after(employer, action.name)
        return super().get_context_data(action=action, allowed=allowed, target=target, **kwargs)

    def perform(self, form: TransitionForm) -> Employer:
        employer = self.get_action().service(
            employer=self.get_employer(), actor=self.request.user, **form.cleaned_data
        )
        messages.success(
            self.request,
            _("%(employer)s is now %(status)s.")
            % {"employer": employer, "status": employer.get_status_display().lower()},
        )
        return employer


class EmployerHistoryView(EmployerMixin, ListView):
    """Every recorded change of the employer: who, when, what changed."""

    permission_required = "employers.view_interaction"
    template_name = "employers/employer_history.html"
    paginate_by = 50

    def get_queryset(self):
        return self.get_employer().history.select_related("history_user")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context["entries"] = history_entries(context["object_list"])
        return context


# Records of one employer --------------------------------------------------------------------


class ChildFormView(EmployerMixin, ServiceFormMixin, FormView):
    """Create or edit a record that belongs to an employer (contact, interaction, ...)."""

    form_class: type[BaseForm]
    template_name = "employers/child_form.html"
    model: type = Contact
    action_perm = ""
    heading = ""

    def get_object(self):
        """Return the record being edited (in scope), or None when adding."""
        if "child_pk" not in self.kwargs:
            return None
        return get_object_or_404(
            self.model.objects.visible_to(self.request.user), pk=self.kwargs["child_pk"]
        )

    def dispatch(self, request, *args, **kwargs) -> HttpResponseBase:
        if request.user.is_authenticated and request.user.has_perms(self.get_permission_required()):
            self.object = self.get_object()
            if self.object is not None:
                self.kwargs[self.employer_kwarg] = self.object.employer_id
            self.require(self.action_perm, self.object or self.get_employer())
        return super().dispatch(request, *args, **kwargs)

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "instance": self.object}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(heading=self.heading, object=self.object, **kwargs)

    def fields_of(self, form) -> dict[str, Any]:
        return {name: form.cleaned_data[name] for name in form.Meta.fields}


class ContactCreateView(ChildFormView):
    permission_required = "employers.view_contact"
    action_perm = "employers.add_contact"
    form_class: type[BaseForm] = ContactForm
    heading = _("Add a contact")
    success_message = _("%(object)s was added.")

    def perform(self, form):
        return services.add_contact(
            employer=self.get_employer(), actor=self.request.user, **self.fields_of(form)
        )

    def get_success_url_for(self, result) -> str:
        if self.request.user.has_perm("employers.access_registry"):
            return self.get_employer().get_absolute_url()
        return reverse("homes:portal")


class ContactUpdateView(ContactCreateView):
    action_perm = "employers.change_contact"
    heading = _("Edit the contact")
    success_message = _("The contact was saved.")

    def perform(self, form):
        return services.update_contact(
            contact=self.object, actor=self.request.user, **self.fields_of(form)
        )


class ContactDeleteView(ContactCreateView):
    """Ask, then remove a contact (its portal login, if any, is deactivated)."""

    action_perm = "employers.delete_contact"
    template_name = "employers/contact_confirm_delete.html"
    form_class = ConfirmForm
    success_message = _("The contact was removed.")

    def perform(self, form):
        services.remove_contact(contact=self.object, actor=self.request.user)
        return self.object


class InteractionCreateView(ChildFormView):
    permission_required = "employers.view_interaction"
    action_perm = "employers.add_interaction"
    model = Interaction
    form_class = InteractionForm
    heading = _("Log an interaction")
    success_message = _("The interaction was saved.")

    def perform(self, form):
        return services.log_interaction(
            employer=self.get_employer(), actor=self.request.user, **self.fields_of(form)
        )


class InteractionUpdateView(InteractionCreateView):
    action_perm = "employers.change_interaction"
    heading = _("Edit the interaction")

    def perform(self, form):
        return services.update_interaction(
            interaction=self.object, actor=self.request.user, **self.fields_of(form)
        )


class GapAnalysisCreateView(ChildFormView):
    permission_required = "employers.view_gapanalysis"
    action_perm = "employers.add_gapanalysis"
    model = GapAnalysis
    form_class = GapAnalysisForm
    heading = _("Record a gap analysis")
    success_message = _("The gap analysis was saved.")

    def perform(self, form):
        return services.record_gap_analysis(
            employer=self.get_employer(), actor=self.request.user, **self.fields_of(form)
        )


class GapAnalysisUpdateView(GapAnalysisCreateView):
    action_perm = "employers.change_gapanalysis"
    heading = _("Edit the gap analysis")

    def perform(self, form):
        return services.update_gap_analysis(
            gap_analysis=self.object, actor=self.request.user, **self.fields_of(form)
        )


class GapAnalysisReportView(SectionRequiredMixin, SingleObjectMixin, View):
    """Serve a gap analysis report to those who may see it (never from a public path)."""

    permission_required = "employers.view_gapanalysis"

    def get_queryset(self):
        return GapAnalysis.objects.visible_to(self.request.user)

    def get(self, request, *args, **kwargs) -> FileResponse:
        gap = self.get_object()
        if not gap.report:
            raise Http404
        name = f"gap-analysis-{gap.employer.account_number}-{gap.offered_on}.pdf"
        return FileResponse(
            gap.report.open("rb"),
            as_attachment=True,
            filename=name,
            content_type="application/pdf",
        )


class FollowUpDoneView(SectionRequiredMixin, DetailView):
    """Record (POST) that an interaction's follow-up was done."""

    permission_required = "employers.change_interaction"
    http_method_names = ["post"]

    def get_queryset(self):
        return Interaction.objects.visible_to(self.request.user)

    def post(self, request, *args, **kwargs) -> HttpResponse:
        interaction = self.get_object()
        try:
            services.complete_follow_up(interaction=interaction, actor=request.user)
            messages.success(request, _("The follow-up is marked done."))
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        target = request.POST.get("next", "")
        if not url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            target = interaction.get_absolute_url()  # never send a user off the site
        return HttpResponseRedirect(target)


class PortalRequestView(SectionRequiredMixin, ServiceFormMixin, FormView):
    """An employer's contact asks the COR team for a gap analysis or a consultation (R-4)."""

    permission_required = "employers.ask_cor_team"
    form_class = PortalRequestForm
    template_name = "employers/portal_request.html"

    def get_employer(self) -> Employer:
        """Return the user's own employer (a login linked to none finds nothing here)."""
        employer = selectors.employer_for(self.request.user)
        if employer is None:
            raise Http404
        return employer

    def get_initial(self) -> dict[str, Any]:
        """Start from ?kind=... (the links of the portal's next steps)."""
        kind = self.request.GET.get("kind", "")
        return {"kind": kind} if kind in dict(PortalRequestForm.KINDS) else {}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        employer = self.get_employer()
        requests = selectors.open_requests(employer.pk)
        return super().get_context_data(employer=employer, open_requests=requests, **kwargs)

    def perform(self, form: PortalRequestForm) -> str:
        request = services.request_from_portal(
            employer=self.get_employer(), actor=self.request.user, **form.cleaned_data
        )
        messages.success(self.request, REQUEST_SENT[request.kind])
        return reverse("homes:portal")


REQUEST_SENT: dict[str, Any] = {
    InteractionKind.GAP_ANALYSIS_REQUEST: gettext_lazy(
        "Your request for a gap analysis was sent. The COR team will contact you to schedule it."
    ),
    InteractionKind.CONSULTATION_REQUEST: gettext_lazy(
        "Your request for a consultation was sent. The COR team will contact you."
    ),
}


# Lists across employers ---------------------------------------------------------------------


class InteractionListView(SectionRequiredMixin, ListPageMixin):
    permission_required = "employers.view_interaction"
    table_class = InteractionTable
    filterset_class = InteractionFilter
    title = _("Interactions")
    empty_title = _("No interactions logged yet")
    empty_hint = _("Log enquiries, consultations and outreach from an employer's page.")
    export_name = "interactions"

    def get_queryset(self):
        return Interaction.objects.visible_to(self.request.user).select_related(
            "employer", "staff_member"
        )


class GapAnalysisListView(SectionRequiredMixin, ListPageMixin):
    permission_required = "employers.access_registry"
    table_class = GapAnalysisTable
    filterset_class = GapAnalysisFilter
    title = _("Gap analyses")
    empty_title = _("No gap analyses yet")
    empty_hint = _("A gap analysis is offered automatically when an employer registers.")
    export_name = "gap-analyses"

    def get_queryset(self):
        return GapAnalysis.objects.visible_to(self.request.user).select_related(
            "employer", "consultant"
        )


class ClassificationUnitListView(SectionRequiredMixin, ListPageMixin):
    permission_required = "employers.access_registry"
    table_class = ClassificationUnitTable
    filterset_class = ClassificationUnitFilter
    title = _("Classification units")
    create_url_name = "employers:cu-create"
    create_label = _("Add a unit")
    empty_title = _("No classification units yet")
    empty_hint = _("Add the association's own CUs first; employers are registered under them.")
    export_name = "classification-units"

    def get_queryset(self):
        # An aggregate drops Meta.ordering: order here, so pages are stable.
        return ClassificationUnit.objects.annotate(employer_count=Count("employers")).order_by(
            "code"
        )


class ClassificationUnitCreateView(SectionRequiredMixin, ServiceFormMixin, FormView):
    permission_required = "employers.add_classificationunit"
    form_class: type[BaseForm] = ClassificationUnitForm
    template_name = "employers/cu_form.html"
    success_message = _("Classification unit %(object)s was saved.")

    def get_object(self):
        return None

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "instance": self.get_object()}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(object=self.get_object(), **kwargs)

    def perform(self, form):
        return services.save_classification_unit(
            actor=self.request.user, unit=self.get_object(), **form.cleaned_data
        )

    def get_success_url_for(self, result) -> str:
        return reverse("employers:cu-list")


class ClassificationUnitUpdateView(ClassificationUnitCreateView):
    permission_required = "employers.change_classificationunit"

    def get_object(self):
        return get_object_or_404(ClassificationUnit, pk=self.kwargs["pk"])


class ClassificationUnitDeleteView(ClassificationUnitUpdateView):
    permission_required = "employers.delete_classificationunit"
    template_name = "employers/cu_confirm_delete.html"
    form_class = ConfirmForm
    success_message = _("The classification unit was deleted.")

    def perform(self, form):
        services.delete_classification_unit(unit=self.get_object(), actor=self.request.user)
        return reverse("employers:cu-list")


# Import -------------------------------------------------------------------------------------


IMPORT_PAGES = import_views.ImportPages(
    upload="employers:import",
    confirm="employers:import-confirm",
    template="employers:import-template",
    done="employers:list",
)


class ImportView(SectionRequiredMixin, import_views.ImportFormView):
    """Upload a file of employers or contacts and preview, row by row, what it would change."""

    permission_required = "employers.import_employers"
    form_class = ImportForm
    template_name = "employers/import_form.html"
    preview_template_name = "employers/import_preview.html"
    title = _("Import employers or contacts")
    kinds = imports.KINDS
    pages = IMPORT_PAGES


class ImportConfirmView(SectionRequiredMixin, import_views.ImportConfirmView):
    """Import a previewed file (POST with its token): every row, or none if any has an error."""

    permission_required = "employers.import_employers"
    preview_template_name = "employers/import_preview.html"
    kinds = imports.KINDS
    pages = IMPORT_PAGES


class ImportTemplateView(SectionRequiredMixin, import_views.ImportTemplateView):
    """Download an import template: the header row and one example row."""

    permission_required = "employers.import_employers"
    kinds = imports.KINDS
    pages = IMPORT_PAGES
