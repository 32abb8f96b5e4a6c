"""Staff pages of incentives: base rates, payrolls, a year's incentives, eligibility facts."""

from typing import Any

import tablib
from django.contrib import messages
from django.db.models import Max, Prefetch
from django.forms import BaseForm
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import DetailView, FormView, View

from cor_portal.accounts.access import SectionRequiredMixin
from cor_portal.imports import CONTENT_TYPES, FORMATS
from cor_portal.ui import import_views
from cor_portal.ui.forms import ConfirmForm
from cor_portal.ui.views import ListPageMixin, ServiceFormMixin

from .. import imports, selectors, services
from ..filters import BaseRateFilter, IncentiveFilter, PayrollFilter
from ..forms import (
    AppealForm,
    BaseRateForm,
    DecisionForm,
    ExclusionForm,
    ImportForm,
    PayrollForm,
    ResolveAppealForm,
)
from ..models import Appeal, BaseRate, Exclusion, Incentive, IncentiveLine, Letter, Payroll
from ..tables import BaseRateTable, IncentiveTable, PayrollTable

SECTION = "incentives.access_incentives"


# Base rates -----------------------------------------------------------------------------


class BaseRateListView(SectionRequiredMixin, ListPageMixin):
    permission_required = SECTION
    table_class = BaseRateTable
    filterset_class = BaseRateFilter
    template_name = "incentives/figures_list.html"
    title = gettext_lazy("Base rates")
    create_url_name = "incentives:base-rate-create"
    create_label = gettext_lazy("Add a base rate")
    empty_title = gettext_lazy("No base rates yet")
    empty_hint = gettext_lazy("Import WorkSafeBC's base rates for each CU and year, or add them.")
    export_name = "base-rates"

    def get_queryset(self):
        return BaseRate.objects.select_related("unit").order_by("-year", "unit__code")


class BaseRateCreateView(SectionRequiredMixin, ServiceFormMixin, FormView):
    permission_required = "incentives.change_baserate"
    form_class: type[BaseForm] = BaseRateForm
    template_name = "incentives/object_form.html"
    success_message = _("The base rate %(object)s was saved.")
    noun: Any = gettext_lazy("base rate")
    list_url = "incentives:base-rate-list"
    delete_url = "incentives:base-rate-delete"

    def get_object(self) -> Any:
        return None

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "instance": self.get_object()}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(
            object=self.get_object(),
            noun=self.noun,
            list_url=self.list_url,
            delete_url=self.delete_url,
            **kwargs,
        )

    def perform(self, form):
        obj = self.get_object()
        data = {name: form.cleaned_data[name] for name in form._meta.fields}
        if obj is None:
            return self.create(data)
        return self.update(obj, data)

    def create(self, data):
        return services.save_base_rate(actor=self.request.user, **data)[0]

    def update(self, obj, data):
        return services.update_base_rate(base_rate=obj, actor=self.request.user, **data)

    def get_success_url_for(self, result) -> str:
        return reverse(self.list_url)


class BaseRateUpdateView(BaseRateCreateView):
    def get_object(self) -> Any:
        if not hasattr(self, "_object"):
            self._object = get_object_or_404(
                BaseRate.objects.select_related("unit"), pk=self.kwargs["pk"]
            )
        return self._object


class BaseRateDeleteView(SectionRequiredMixin, ServiceFormMixin, FormView):
    permission_required = "incentives.change_baserate"
    template_name = "incentives/confirm_delete.html"
    form_class = ConfirmForm
    success_message = _("The base rate was deleted.")
    model: Any = BaseRate
    list_url = "incentives:base-rate-list"

    def get_object(self) -> Any:
        return get_object_or_404(self.model, pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(object=self.get_object(), list_url=self.list_url, **kwargs)

    def perform(self, form):
        services.delete_base_rate(base_rate=self.get_object(), actor=self.request.user)
        return reverse(self.list_url)


# Payrolls -------------------------------------------------------------------------------


class PayrollListView(BaseRateListView):
    table_class = PayrollTable
    filterset_class = PayrollFilter
    title = gettext_lazy("Assessable payroll")
    create_url_name = "incentives:payroll-create"
    create_label = gettext_lazy("Add a payroll")
    empty_title = gettext_lazy("No payrolls yet")
    empty_hint = gettext_lazy("Import the payroll WorkSafeBC reports per employer, CU and year.")
    export_name = "payrolls"

    def get_queryset(self):
        return Payroll.objects.select_related("employer", "unit").order_by(
            "-year", "employer__legal_name", "unit__code"
        )


class PayrollCreateView(BaseRateCreateView):
    permission_required = "incentives.change_payroll"
    form_class = PayrollForm
    success_message = _("The payroll was saved.")
    noun = gettext_lazy("payroll")
    list_url = "incentives:payroll-list"
    delete_url = "incentives:payroll-delete"

    def create(self, data):
        return services.save_payroll(actor=self.request.user, **data)[0]

    def update(self, obj, data):
        return services.update_payroll(payroll=obj, actor=self.request.user, **data)


class PayrollUpdateView(PayrollCreateView):
    def get_object(self) -> Any:
        if not hasattr(self, "_object"):
            self._object = get_object_or_404(
                Payroll.objects.select_related("employer", "unit"), pk=self.kwargs["pk"]
            )
        return self._object


class PayrollDeleteView(BaseRateDeleteView):
    permission_required = "incentives.change_payroll"
    success_message = _("The payroll was deleted.")
    model = Payroll
    list_url = "incentives:payroll-list"

    def perform(self, form):
        services.delete_payroll(payroll=self.get_object(), actor=self.request.user)
        return reverse(self.list_url)


# Import ---------------------------------------------------------------------------------

IMPORT_PAGES = import_views.ImportPages(
    upload="incentives:import",
    confirm="incentives:import-confirm",
    template="incentives:import-template",
    done="incentives:payroll-list",
)


class ImportView(SectionRequiredMixin, import_views.ImportFormView):
    """Upload a file of base rates or payrolls and preview, row by row, what it would change."""

    permission_required = "incentives.import_figures"
    form_class = ImportForm
    template_name = "incentives/import_form.html"
    preview_template_name = "incentives/import_preview.html"
    title = _("Import base rates or payrolls")
    kinds = imports.KINDS
    pages = IMPORT_PAGES


class ImportConfirmView(SectionRequiredMixin, import_views.ImportConfirmView):
    permission_required = "incentives.import_figures"
    preview_template_name = "incentives/import_preview.html"
    kinds = imports.KINDS
    pages = IMPORT_PAGES


class ImportTemplateView(SectionRequiredMixin, import_views.ImportTemplateView):
    permission_required = "incentives.import_figures"
    kinds = imports.KINDS
    pages = IMPORT_PAGES


# A year's incentives --------------------------------------------------------------------


class IncentiveListView(SectionRequiredMixin, ListPageMixin):
    """The incentives of a year: eligible, ineligible and deferred, with their reasons."""

    permission_required = SECTION
    table_class = IncentiveTable
    filterset_class = IncentiveFilter
    template_name = "incentives/incentive_list.html"
    title = gettext_lazy("Incentives")
    empty_title = gettext_lazy("No incentives computed yet")
    empty_hint = gettext_lazy("Run a year to compute every certified employer's incentive.")
    export_name = "incentives"

    def get_queryset(self):
        return (
            Incentive.objects.select_related("employer")
            .annotate(letter_count=Max("letters__version"))
            .order_by("employer__legal_name", "pk")
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        year = self.request.GET.get("year") or ""
        context["year"] = int(year) if year.isdigit() else None
        context["summary"] = selectors.year_summary(context["year"]) if context["year"] else None
        return context


class IncentiveDetailView(SectionRequiredMixin, DetailView):
    """An employer's incentive for a year: CU lines, outcome, facts and letter versions."""

    permission_required = SECTION
    template_name = "incentives/incentive_detail.html"

    def get_queryset(self):
        return Incentive.objects.select_related("employer", "certificate", "run").prefetch_related(
            Prefetch("lines", queryset=IncentiveLine.objects.order_by("unit_code", "kind")),
            Prefetch("letters", queryset=Letter.objects.order_by("-version")),
        )

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        incentive = self.object
        facts = selectors.eligibility_facts(incentive.employer_id, incentive.year)
        return super().get_context_data(
            lines=incentive.lines.all(),
            letters=incentive.letters.all(),
            history=incentive.history.select_related("history_user")[:10],
            **facts,
            **kwargs,
        )


class IncentiveRecalculateView(SectionRequiredMixin, View):
    """Recompute one incentive from today's figures and facts (POST)."""

    permission_required = "incentives.run_incentives"
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        incentive = get_object_or_404(Incentive.objects.select_related("employer"), pk=kwargs["pk"])
        incentive = services.compute_incentive(
            employer=incentive.employer, year=incentive.year, actor=request.user
        )
        messages.success(
            request,
            _("Recalculated: %(status)s, %(amount)s.")
            % {
                "status": incentive.get_status_display().lower(),
                "amount": f"${incentive.total_amount:,.2f}",
            },
        )
        return HttpResponseRedirect(incentive.get_absolute_url())


class IncentiveReissueView(SectionRequiredMixin, ServiceFormMixin, FormView):
    """Confirm, then issue a new version of the letter at staff's request."""

    permission_required = "incentives.issue_letter"
    template_name = "incentives/reissue_confirm.html"
    form_class = ConfirmForm

    def get_object(self) -> Incentive:
        return get_object_or_404(Incentive.objects.select_related("employer"), pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(object=self.get_object(), **kwargs)

    def perform(self, form):
        incentive = self.get_object()
        letter = services.reissue_letter(incentive=incentive, actor=self.request.user)
        messages.success(
            self.request, _("Letter %(number)s was issued.") % {"number": letter.number}
        )
        return incentive.get_absolute_url()


class EligibilityFormView(SectionRequiredMixin, ServiceFormMixin, FormView):
    """Record an exclusion, an appeal or a decision for the incentive's employer and year."""

    permission_required = "incentives.record_eligibility"
    template_name = "incentives/eligibility_form.html"
    heading: Any = ""

    def get_incentive(self) -> Incentive:
        if not hasattr(self, "_incentive"):
            self._incentive = get_object_or_404(
                Incentive.objects.select_related("employer"), pk=self.kwargs["pk"]
            )
        return self._incentive

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(
            incentive=self.get_incentive(), heading=self.heading, **kwargs
        )

    def get_success_url_for(self, result) -> str:
        incentive = self.get_incentive()
        services.compute_incentive(
            employer=incentive.employer, year=incentive.year, actor=self.request.user
        )
        return incentive.get_absolute_url()


class ExclusionCreateView(EligibilityFormView):
    form_class = ExclusionForm
    heading = gettext_lazy("Record an exclusion")
    success_message = _("The exclusion was recorded; the incentive was recalculated.")

    def perform(self, form):
        incentive = self.get_incentive()
        return services.record_exclusion(
            employer=incentive.employer,
            year=incentive.year,
            actor=self.request.user,
            **form.cleaned_data,
        )


class AppealCreateView(EligibilityFormView):
    form_class = AppealForm
    heading = gettext_lazy("Record an appeal")
    success_message = _("The appeal was recorded; the incentive is deferred.")

    def perform(self, form):
        incentive = self.get_incentive()
        return services.record_appeal(
            employer=incentive.employer,
            year=incentive.year,
            actor=self.request.user,
            **form.cleaned_data,
        )


class DecisionCreateView(EligibilityFormView):
    form_class = DecisionForm
    heading = gettext_lazy("Record a decision")
    success_message = _("The decision was recorded; the incentive was recalculated.")

    def perform(self, form):
        incentive = self.get_incentive()
        return services.record_decision(
            employer=incentive.employer,
            year=incentive.year,
            actor=self.request.user,
            **form.cleaned_data,
        )


class AppealResolveView(EligibilityFormView):
    form_class = ResolveAppealForm
    heading = gettext_lazy("Resolve the appeal")
    success_message = _("The appeal was resolved; the incentive was recalculated.")

    def get_appeal(self) -> Appeal:
        return get_object_or_404(Appeal, pk=self.kwargs["appeal_pk"])

    def get_incentive(self) -> Incentive:
        if not hasattr(self, "_incentive"):
            appeal = self.get_appeal()
            self._incentive = get_object_or_404(
                Incentive.objects.select_related("employer"),
                employer_id=appeal.employer_id,
                year=appeal.year,
            )
        return self._incentive

    def perform(self, form):
        return services.resolve_appeal(
            appeal=self.get_appeal(), actor=self.request.user, **form.cleaned_data
        )


class ExclusionDeleteView(SectionRequiredMixin, ServiceFormMixin, FormView):
    permission_required = "incentives.record_eligibility"
    template_name = "incentives/confirm_delete.html"
    form_class = ConfirmForm
    success_message = _("The exclusion was deleted; the incentive was recalculated.")

    def get_object(self) -> Exclusion:
        return get_object_or_404(Exclusion.objects.select_related("employer"), pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(
            object=self.get_object(), list_url="incentives:index", **kwargs
        )

    def perform(self, form):
        exclusion = self.get_object()
        employer, year = exclusion.employer, exclusion.year
        services.delete_exclusion(exclusion=exclusion, actor=self.request.user)
        incentive = services.compute_incentive(
            employer=employer, year=year, actor=self.request.user
        )
        return incentive.get_absolute_url()


# The hand-off export for WorkSafeBC -------------------------------------------------------


class HandoffExportView(SectionRequiredMixin, View):
    """The year's certified employers by account and CU, with incentive and status (CSV/XLSX)."""

    permission_required = SECTION

    def get(self, request, *args, **kwargs):
        fmt = kwargs["fmt"]
        year = request.GET.get("year", "")
        if fmt not in FORMATS:
            raise Http404
        if not year.isdigit():
            return HttpResponse(
                _("Name the year: ?year=2024"), status=400, content_type="text/plain"
            )
        dataset = tablib.Dataset(headers=selectors.HANDOFF_COLUMNS)
        for row in selectors.handoff_rows(int(year)):
            dataset.append(row)
        content = dataset.export(fmt)
        if fmt == "csv":
            content = content.encode("utf-8-sig")
        response = HttpResponse(content, content_type=CONTENT_TYPES[fmt])
        response["Content-Disposition"] = f'attachment; filename="cor-incentives-{year}.{fmt}"'
        return response


def year_choices() -> list[int]:
    """Return the years with incentives, latest first, and the last calendar year."""
    years = set(Incentive.objects.values_list("year", flat=True).distinct())
    years.add(timezone.localdate().year - 1)
    return sorted(years, reverse=True)
