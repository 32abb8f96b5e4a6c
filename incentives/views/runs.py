"""The run of a year: start it, then watch its progress (htmx polling) and outcome."""

from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.generic import DetailView, FormView

from cor_portal.accounts.access import SectionRequiredMixin
from cor_portal.ui.views import add_service_errors

from .. import services
from ..choices import RUNNING
from ..forms import RunForm
from ..models import IncentiveRun, Letter

SECTION = "incentives.access_incentives"
POLL_SECONDS = 1


class RunListView(SectionRequiredMixin, FormView):
    """Past runs, and the form that starts one for a year."""

    permission_required = SECTION
    template_name = "incentives/run_list.html"
    form_class = RunForm
    title = gettext_lazy("Incentive runs")

    def get_initial(self) -> dict[str, Any]:
        return {"year": timezone.localdate().year - 1}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(
            runs=IncentiveRun.objects.select_related("requested_by")[:20], **kwargs
        )

    def form_valid(self, form):
        if not self.request.user.has_perm("incentives.run_incentives"):
            return self.handle_no_permission()
        try:
            run = services.start_run(actor=self.request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("The %(year)s run has started.") % {"year": run.year})
        return HttpResponseRedirect(run.get_absolute_url())


def progress_context(run: IncentiveRun) -> dict[str, Any]:
    """Return the run's progress: the step, done and expected counts, and a percent."""
    letters_done = Letter.objects.filter(run=run).count()
    if run.status == "computing":
        done, expected = run.employers_done, run.employers_total
    elif run.status == "letters":
        done, expected = letters_done, run.letters_expected
    else:
        done = expected = 1
    percent = int(100 * done / expected) if expected else 0
    if run.status == "done":
        percent = 100
    return {
        "run": run,
        "running": run.status in RUNNING,
        "letters_done": letters_done,
        "done": done,
        "expected": expected,
        "percent": percent,
        "poll_seconds": POLL_SECONDS,
    }


class RunDetailView(SectionRequiredMixin, DetailView):
    permission_required = SECTION
    template_name = "incentives/run_detail.html"
    queryset = IncentiveRun.objects.select_related("requested_by")

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(**progress_context(self.object), **kwargs)


class RunProgressView(RunDetailView):
    """The progress card alone: htmx swaps it in every second until the run is over."""

    template_name = "incentives/_run_progress.html"
