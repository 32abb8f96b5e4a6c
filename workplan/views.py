"""The board dashboard of the year's workplan."""

from django.views.generic import TemplateView

from cor_portal.accounts.access import SectionRequiredMixin


class DashboardView(SectionRequiredMixin, TemplateView):
    """Read-only KPI dashboard for the board and staff; empty until a workplan is loaded."""

    permission_required = "workplan.view_dashboard"
    template_name = "workplan/dashboard.html"
