"""Fragments other pages include with htmx: an employer's cycle, an auditor's audits.

The employers and auditors apps do not import audits (DESIGN.md section 4); their pages load
these by URL. Asked for directly (the no-script fallback link), each answers a whole page.
"""

from functools import cached_property
from typing import Any

from django.db.models import Q
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.views.generic import TemplateView

from auditors.models import Auditor
from cor_portal.accounts.access import SectionRequiredMixin
from employers.models import Employer

from .. import selectors
from ..models import Audit

PAGE = "audits/audit_fragment_page.html"


class FragmentView(SectionRequiredMixin, TemplateView):
    """Answer the fragment alone to htmx, and inside a page otherwise."""

    fragment_template = ""

    def get_template_names(self) -> list[str]:
        return [self.fragment_template if self.request.htmx else PAGE]  # type: ignore[attr-defined]

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(
            fragment_template=self.fragment_template, today=timezone.localdate(), **kwargs
        )


class EmployerCycleView(FragmentView):
    """The employer's current 3-year cycle (R-5) and its audits: for staff and the employer.

    ``?show=cycle`` leaves out the list of audits, for a page that lists them already (the
    employer's portal).
    """

    permission_required = "audits.view_certificate"
    fragment_template = "audits/_cycle.html"

    @cached_property
    def employer(self) -> Employer:
        employers = Employer.objects.visible_to(self.request.user)
        return get_object_or_404(employers, pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(employer=self.employer, **kwargs)
        own = Audit.objects.visible_to(self.request.user).filter(employer=self.employer)
        audits = selectors.board(own).order_by("-starts_on", "-pk")
        context["cycle"] = selectors.cycle_for(self.employer, today=context["today"])
        context["cycle_only"] = self.request.GET.get("show") == "cycle"
        if not context["cycle_only"]:
            context["rows"] = selectors.with_countdowns(audits, today=context["today"])
        return context


class AuditorAuditsView(FragmentView):
    """The audits an auditor leads or takes part in, each with its next clock."""

    permission_required = "auditors.view_auditor"
    fragment_template = "audits/audit_auditor_audits.html"

    @cached_property
    def auditor(self) -> Auditor:
        auditors = Auditor.objects.visible_to(self.request.user).select_related("user")
        return get_object_or_404(auditors, pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(auditor=self.auditor, **kwargs)
        students = Audit.student_auditors.through.objects.filter(auditor=self.auditor)
        theirs = Audit.objects.visible_to(self.request.user).filter(
            Q(lead_auditor=self.auditor) | Q(pk__in=students.values("audit_id"))
        )
        audits = selectors.with_next_due(selectors.board(theirs)).order_by("next_due", "-pk")
        context["rows"] = selectors.with_countdowns(audits[:50], today=context["today"])
        return context
