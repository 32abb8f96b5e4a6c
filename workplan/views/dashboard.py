"""The board dashboard of the year's workplan and its board pack PDF (R-22)."""

from datetime import date
from functools import cached_property
from typing import Any

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.views import View
from django.views.generic import TemplateView

from cor_portal.accounts.access import SectionRequiredMixin

from .. import documents, selectors
from ..models import Workplan


class DashboardView(SectionRequiredMixin, TemplateView):
    """Read-only KPI dashboard for the board and staff; empty until a workplan is loaded.

    ``?year=2023`` shows the workplan of the fiscal year starting in 2023; otherwise today's.
    """

    permission_required = "workplan.view_dashboard"
    template_name = "workplan/dashboard.html"

    @cached_property
    def today(self) -> date:
        return timezone.localdate()

    def get_workplan(self) -> Workplan | None:
        year = self.request.GET.get("year", "")
        if year.isdigit():
            found = Workplan.objects.filter(starts_on__year=int(year)).first()
            if found is not None:
                return found
        return selectors.current_workplan(today=self.today)

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        workplan = self.get_workplan()
        context["workplan"] = workplan
        context["years"] = list(
            Workplan.objects.order_by("-starts_on").values_list("starts_on", "title")
        )
        if workplan is not None:
            board = selectors.dashboard(workplan, today=self.today)
            context["board"] = board
            context["chart_data"] = board.chart_data()
        return context


class BoardPackView(SectionRequiredMixin, View):
    """The board pack (the year-end report once the year is over) as a PDF."""

    permission_required = "workplan.view_dashboard"

    def get(self, request, pk: int) -> HttpResponse:
        workplan = get_object_or_404(Workplan, pk=pk)
        pdf = documents.board_pack_pdf(workplan, today=timezone.localdate())
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = (
            f'attachment; filename="board-pack-{workplan.starts_on.year}.pdf"'
        )
        return response
