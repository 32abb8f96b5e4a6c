"""Staff pages of WIVA cases (R-14): the list, opening a case, its page with the step timeline
and the next-step form, cancelling it, and its WorkSafeBC reporting form as a PDF. Every
change goes through ``audits.services_wiva``."""

from functools import cached_property
from typing import Any

from django.db.models import QuerySet
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import FormView, TemplateView

from cor_portal.accounts.access import SectionRequiredMixin
from cor_portal.ui.history import history_entries
from cor_portal.ui.views import ListPageMixin, ServiceFormMixin

from .. import selectors_wiva, services_wiva
from ..choices import WivaStep
from ..documents_wiva import render_wiva_form_pdf, wiva_form_filename
from ..filters_wiva import WivaFilter
from ..forms_wiva import WivaCancelForm, WivaCaseForm, WivaStepForm
from ..models import WivaCase
from ..tables_wiva import WivaTable


class WivaListView(SectionRequiredMixin, ListPageMixin):
    permission_required = "audits.view_wiva"
    table_class = WivaTable
    filterset_class = WivaFilter
    title = gettext_lazy("WIVA cases")
    create_url_name = "audits:wiva-create"
    create_label = gettext_lazy("Open a WIVA case")
    empty_title = gettext_lazy("No WIVA cases yet")
    empty_hint = gettext_lazy(
        "Open a case when WorkSafeBC asks for a verification audit of an employer."
    )
    export_name = "wiva-cases"
    template_name = "audits/wiva_list.html"

    def get_queryset(self) -> QuerySet[WivaCase]:
        # Only what the rows show: the employer and the auditor's login have many more
        # columns, and reading them was a third of the page's query and model building.
        return selectors_wiva.case_list().only(
            "number",
            "status",
            "budget",
            "cost",
            "employer__legal_name",
            "employer__account_number",
            "audit__lead_auditor__user__first_name",
            "audit__lead_auditor__user__last_name",
            "audit__lead_auditor__user__username",
        )


class WivaCreateView(SectionRequiredMixin, ServiceFormMixin, FormView):
    permission_required = "audits.manage_wiva"
    form_class = WivaCaseForm
    template_name = "audits/wiva_create.html"
    success_message = _("%(object)s is open: notify the employer first.")

    def get_initial(self) -> dict[str, Any]:
        return {k: v for k in ("employer",) if (v := self.request.GET.get(k))}

    def perform(self, form: WivaCaseForm) -> WivaCase:
        return services_wiva.open_case(actor=self.request.user, **form.cleaned_data)


class WivaCaseMixin(SectionRequiredMixin):
    permission_required = "audits.view_wiva"
    kwargs: dict[str, Any]

    @cached_property
    def case(self) -> WivaCase:
        cases = WivaCase.objects.select_related("employer", "audit__lead_auditor__user")
        return get_object_or_404(cases, pk=self.kwargs["pk"])

    def step_form(self, data: Any = None) -> WivaStepForm | None:
        step = services_wiva.next_step(self.case)
        if step is None:
            return None
        initial = {}
        if step == WivaStep.ARRANGE_AUDIT and self.case.audit:
            initial["starts_on"] = self.case.audit.starts_on
        return WivaStepForm(data, step=step, initial=initial)

    def case_context(self, **kwargs: Any) -> dict[str, Any]:
        case = self.case
        return {
            "case": case,
            "timeline": selectors_wiva.timeline(case),
            "next_step": services_wiva.next_step(case),
            "over_budget": case.cost is not None and case.cost > case.budget,
            "history": history_entries(case.history.select_related("history_user")[:15]),
            **kwargs,
        }


class WivaDetailView(WivaCaseMixin, TemplateView):
    template_name = "audits/wiva_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        return {**context, **self.case_context(form=self.step_form())}


class WivaStepView(WivaCaseMixin, ServiceFormMixin, FormView):
    """Record the case's next step (the form is also on the case's page)."""

    permission_required = "audits.manage_wiva"
    template_name = "audits/wiva_detail.html"

    def get_form(self, form_class: Any = None) -> Any:
        return self.step_form(self.request.POST if self.request.method == "POST" else None)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        return {**context, **self.case_context(form=context.get("form"))}

    def post(self, request, *args, **kwargs) -> HttpResponse:
        form = self.get_form()
        if form is None:  # closed or finished: nothing to record
            return self.render_to_response(self.get_context_data(form=None))
        return self.form_valid(form) if form.is_valid() else self.form_invalid(form)

    def perform(self, form: WivaStepForm) -> WivaCase:
        service = services_wiva.STEP_SERVICES[form.step]
        case = service(case=self.case, actor=self.request.user, **form.service_fields())
        self.success_message = _("Recorded: %(step)s.") % {"step": form.step.label}
        return case


class WivaCancelView(WivaCaseMixin, ServiceFormMixin, FormView):
    permission_required = "audits.manage_wiva"
    form_class = WivaCancelForm
    template_name = "audits/wiva_cancel.html"
    success_message = _("%(object)s is cancelled.")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(case=self.case, **kwargs)

    def perform(self, form: WivaCancelForm) -> WivaCase:
        return services_wiva.cancel_case(
            case=self.case, actor=self.request.user, reason=form.cleaned_data["reason"]
        )


class WivaFormPdfView(WivaCaseMixin, View):
    """The case's WIVA reporting form to WorkSafeBC, as a PDF."""

    def get(self, request, *args, **kwargs) -> HttpResponse:
        case = self.case
        response = HttpResponse(render_wiva_form_pdf(case), content_type="application/pdf")
        disposition = content_disposition_header(False, wiva_form_filename(case))
        response["Content-Disposition"] = disposition or "inline"
        response["Cache-Control"] = "private, no-store"
        return response
