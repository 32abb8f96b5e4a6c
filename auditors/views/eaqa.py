"""Staff pages of the external-auditor QA audits (R-15): the year's plan and its records."""

from typing import Any

from django.contrib import messages
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.generic import FormView, TemplateView, View
from django.views.generic.detail import SingleObjectMixin

from cor_portal.accounts.access import SectionRequiredMixin
from cor_portal.program.models import ProgramRules
from cor_portal.ui.views import ServiceFormMixin

from .. import selectors, services
from ..eaqa import eaqa_required
from ..forms import EAQAForm, YearForm
from ..models import EAQA


def plan_url(year: int) -> str:
    """Return the address of a year's EAQA plan."""
    return f"{reverse('auditors:eaqa')}?year={year}"


def year_from(data: Any) -> int | None:
    """Return the plan year given in a query or form, or None when it is missing or wrong."""
    form = YearForm(data)
    return form.cleaned_data["year"] if form.is_valid() else None


class EAQAPlanView(SectionRequiredMixin, TemplateView):
    """A year's EAQA plan: how many the roster needs, who is planned and what was found."""

    permission_required = "auditors.manage_eaqa"
    template_name = "auditors/eaqa_plan.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        this_year = timezone.localdate().year
        year = year_from(self.request.GET) or this_year
        roster_size = selectors.external_roster_size()
        fraction = ProgramRules.objects.for_year(year).eaqa_fraction
        required = eaqa_required(roster_size, fraction=fraction)
        eaqas = list(
            EAQA.objects.visible_to(self.request.user)
            .filter(year=year)
            .select_related("auditor__user", "reviewer")
            .order_by("auditor__user__last_name", "auditor__user__first_name", "pk")
        )
        return super().get_context_data(
            year=year,
            this_year=this_year,
            roster_size=roster_size,
            percent=fraction * 100,
            required=required,
            eaqas=eaqas,
            missing=max(required - len(eaqas), 0),
            **kwargs,
        )


class EAQAPlanActionView(SectionRequiredMixin, View):
    """Plan a year's EAQAs (POST): adds only what the plan still lacks, so it can run again."""

    permission_required = "auditors.manage_eaqa"
    http_method_names = ["post"]

    def post(self, request, *args, **kwargs) -> HttpResponse:
        year = year_from(request.POST)
        if year is None:
            messages.error(request, _("Choose a year between 2000 and 2100 to plan."))
            return HttpResponseRedirect(reverse("auditors:eaqa"))
        planned = services.plan_eaqas(year=year, actor=request.user)
        if planned:
            text = ngettext(
                "%(count)s auditor was added to the %(year)s plan.",
                "%(count)s auditors were added to the %(year)s plan.",
                len(planned),
            )
            messages.success(request, text % {"count": len(planned), "year": year})
        else:
            text = _("The %(year)s plan already has every EAQA it needs; nothing was added.")
            messages.info(request, text % {"year": year})
        return HttpResponseRedirect(plan_url(year))


class EAQARecordView(SectionRequiredMixin, ServiceFormMixin, FormView):
    """Record an EAQA: when it was conducted, the reviewer, findings, report and outcome."""

    permission_required = "auditors.manage_eaqa"
    form_class = EAQAForm
    template_name = "auditors/eaqa_form.html"
    success_message = _("%(object)s was saved.")

    def get_eaqa(self) -> EAQA:
        if not hasattr(self, "_eaqa"):
            eaqas = EAQA.objects.visible_to(self.request.user).select_related("auditor__user")
            self._eaqa = get_object_or_404(eaqas, pk=self.kwargs["pk"])
        return self._eaqa

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "instance": self.get_eaqa()}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(eaqa=self.get_eaqa(), **kwargs)

    def perform(self, form: EAQAForm) -> EAQA:
        return services.record_eaqa(
            eaqa=self.get_eaqa(), actor=self.request.user, **form.service_fields()
        )

    def get_success_url_for(self, result: EAQA) -> str:
        return plan_url(result.year)


class EAQAReportView(SectionRequiredMixin, SingleObjectMixin, View):
    """Serve an EAQA report to staff (never from a public path)."""

    permission_required = "auditors.manage_eaqa"

    def get_queryset(self):
        return EAQA.objects.visible_to(self.request.user)

    def get(self, request, *args, **kwargs) -> FileResponse:
        eaqa = self.get_object()
        if not eaqa.report:
            raise Http404
        return FileResponse(
            eaqa.report.open("rb"),
            as_attachment=True,
            filename=f"eaqa-{eaqa.year}-{eaqa.pk}.pdf",
            content_type="application/pdf",
        )
