"""The COR team's workplan pages: the plan and its parts, measurements, snapshots, approval
and cloning into the next fiscal year (R-21, R-22)."""

from datetime import date
from functools import cached_property
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.generic import FormView, TemplateView

from cor_portal.accounts.access import SectionRequiredMixin
from cor_portal.ui.forms import ConfirmForm
from cor_portal.ui.views import ServiceFormMixin, add_service_errors

from .. import selectors, services
from ..forms import (
    ActivityForm,
    ApprovalForm,
    IndicatorForm,
    KPIForm,
    MandateForm,
    MeasurementsForm,
    SnapshotForm,
)
from ..models import KPI, Activity, KPIKind, Mandate, OutcomeIndicator, Snapshot, Workplan


class StaffMixin(SectionRequiredMixin):
    permission_required = "workplan.manage_workplan"


class WorkplanListView(StaffMixin, TemplateView):
    template_name = "workplan/workplan_list.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        plans = Workplan.objects.annotate(
            mandate_count=Count("mandates", distinct=True),
            snapshot_count=Count("snapshots", distinct=True),
        ).order_by("-starts_on")
        return super().get_context_data(workplans=plans, **kwargs)


class WorkplanMixin(StaffMixin):
    kwargs: dict[str, Any]

    @cached_property
    def workplan(self) -> Workplan:
        return get_object_or_404(Workplan, pk=self.kwargs["pk"])

    @cached_property
    def today(self) -> date:
        return timezone.localdate()

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(workplan=self.workplan, **kwargs)  # type: ignore[misc]


class WorkplanDetailView(WorkplanMixin, TemplateView):
    template_name = "workplan/workplan_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        board = selectors.dashboard(self.workplan, today=self.today)
        snapshots = self.workplan.snapshots.order_by("quarter")
        return super().get_context_data(board=board, snapshots=snapshots, **kwargs)


class ApproveView(WorkplanMixin, FormView):
    form_class = ApprovalForm
    template_name = "workplan/form.html"

    def get_initial(self) -> dict[str, Any]:
        return {
            "approved_by": self.workplan.approved_by,
            "approved_on": self.workplan.approved_on or self.today,
        }

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(page_title=_("Record the board's approval"), **kwargs)

    def form_valid(self, form: ApprovalForm) -> HttpResponse:
        try:
            services.approve_workplan(
                actor=self.request.user, workplan=self.workplan, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(self.request, _("The approval was recorded."))
        return HttpResponseRedirect(self.workplan.get_absolute_url())


class CloneView(WorkplanMixin, FormView):
    """Copy the workplan into the next fiscal year, after confirmation."""

    form_class = ConfirmForm
    template_name = "workplan/clone_confirm.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        next_start = date(self.workplan.starts_on.year + 1, 4, 1)
        exists = Workplan.objects.filter(starts_on=next_start).first()
        return super().get_context_data(next_start=next_start, existing=exists, **kwargs)

    def form_valid(self, form: ConfirmForm) -> HttpResponse:
        try:
            copy = services.clone_workplan(actor=self.request.user, workplan=self.workplan)
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(
            self.request,
            _("%(plan)s was created from %(old)s.") % {"plan": copy, "old": self.workplan},
        )
        return HttpResponseRedirect(copy.get_absolute_url())


class MeasurementsView(WorkplanMixin, FormView):
    """Enter one quarter's values of every entered KPI."""

    template_name = "workplan/measurements.html"

    @cached_property
    def kpis(self) -> list[KPI]:
        return list(
            KPI.objects.filter(mandate__workplan=self.workplan, kind=KPIKind.ENTERED)
            .select_related("mandate")
            .prefetch_related("measurements")
            .order_by("mandate__number", "position", "pk")
        )

    def get_quarter(self) -> int:
        raw = self.request.POST.get("quarter") or self.request.GET.get("quarter") or ""
        if raw in ("1", "2", "3", "4"):
            return int(raw)
        return max(1, selectors.quarter_of(self.workplan, self.today))

    def get_form(self, form_class: Any = None) -> MeasurementsForm:
        quarter = self.get_quarter()
        initial: dict[str, Any] = {"quarter": quarter}
        for kpi in self.kpis:
            for m in kpi.measurements.all():
                if m.quarter == quarter:
                    initial[f"kpi_{kpi.pk}"] = m.value
        return MeasurementsForm(kpis=self.kpis, initial=initial, **self._form_data())

    def _form_data(self) -> dict[str, Any]:
        return {"data": self.request.POST} if self.request.method == "POST" else {}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        quarter = self.get_quarter()
        first, last = self.workplan.quarter_bounds(quarter)
        return super().get_context_data(
            quarter=quarter, quarter_first=first, quarter_last=last, **kwargs
        )

    def form_valid(self, form: MeasurementsForm) -> HttpResponse:
        quarter = form.cleaned_data["quarter"]
        # All of the quarter or nothing: a refused value is shown beside its KPI.
        try:
            with transaction.atomic():
                for kpi, value in form.values():
                    try:
                        services.record_measurement(
                            actor=self.request.user, kpi=kpi, quarter=quarter, value=value
                        )
                    except ValidationError as error:
                        form.add_error(f"kpi_{kpi.pk}", error.messages)
                if form.errors:
                    raise ValidationError("refused")
        except ValidationError:
            return self.form_invalid(form)
        messages.success(self.request, _("The Q%(q)s measurements were saved.") % {"q": quarter})
        return HttpResponseRedirect(
            reverse("workplans:measurements", kwargs={"pk": self.workplan.pk})
            + f"?quarter={quarter}"
        )


class SnapshotCreateView(WorkplanMixin, FormView):
    form_class = SnapshotForm
    template_name = "workplan/snapshot_form.html"

    def get_initial(self) -> dict[str, Any]:
        taken = set(self.workplan.snapshots.values_list("quarter", flat=True))
        current = max(1, selectors.quarter_of(self.workplan, self.today))
        free = [q for q in range(1, 5) if q not in taken]
        return {"quarter": current if current not in taken else (free[0] if free else current)}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        board = selectors.dashboard(self.workplan, today=self.today)
        return super().get_context_data(board=board, **kwargs)

    def form_valid(self, form: SnapshotForm) -> HttpResponse:
        quarter = form.cleaned_data["quarter"]
        as_of = min(self.today, self.workplan.quarter_bounds(quarter)[1])
        try:
            snapshot = services.freeze_snapshot(
                actor=self.request.user,
                workplan=self.workplan,
                quarter=quarter,
                commentary=form.cleaned_data["commentary"],
                as_of=as_of,
            )
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)
        messages.success(
            self.request, _("The Q%(q)s snapshot was frozen.") % {"q": snapshot.quarter}
        )
        return HttpResponseRedirect(
            reverse("workplans:snapshot-detail", kwargs={"pk": snapshot.pk})
        )


class SnapshotDetailView(StaffMixin, TemplateView):
    template_name = "workplan/snapshot_detail.html"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        snapshot = get_object_or_404(
            Snapshot.objects.select_related("workplan", "frozen_by").prefetch_related("values"),
            pk=self.kwargs["pk"],
        )
        return super().get_context_data(snapshot=snapshot, workplan=snapshot.workplan, **kwargs)


# The parts of a workplan: one create and one edit page each --------------------------------


class PartFormView(StaffMixin, ServiceFormMixin, FormView):
    """Create (``parent`` from the URL) or edit (``object`` from the URL) a part of a workplan."""

    template_name = "workplan/form.html"
    model: Any = None
    parent_model: Any = None
    noun = ""

    @cached_property
    def object(self) -> Any:
        if "part" in self.kwargs:
            return get_object_or_404(self.model, pk=self.kwargs["part"])
        return None

    @cached_property
    def parent(self) -> Any:
        if self.object is not None:
            return getattr(self.object, self.parent_field)
        return get_object_or_404(self.parent_model, pk=self.kwargs["pk"])

    parent_field = ""

    @property
    def workplan(self) -> Workplan:
        return self.parent if isinstance(self.parent, Workplan) else self.parent.workplan

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "instance": self.object}

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        title = (_("Edit the %(noun)s") if self.object else _("Add a %(noun)s")) % {
            "noun": self.noun
        }
        return super().get_context_data(
            page_title=title, workplan=self.workplan, parent=self.parent, **kwargs
        )

    def get_success_url_for(self, result: Any) -> str:
        return self.workplan.get_absolute_url()


class MandateFormView(PartFormView):
    form_class = MandateForm
    model = Mandate
    parent_model = Workplan
    parent_field = "workplan"
    noun = "mandate"
    success_message = _("The mandate was saved.")

    def perform(self, form: MandateForm) -> Mandate:
        return services.save_mandate(
            actor=self.request.user,
            workplan=self.parent,
            mandate=self.object,
            **form.service_fields(),
        )


class ActivityFormView(PartFormView):
    form_class = ActivityForm
    model = Activity
    parent_model = Mandate
    parent_field = "mandate"
    noun = "activity"
    success_message = _("The activity was saved.")

    def perform(self, form: ActivityForm) -> Activity:
        return services.save_activity(
            actor=self.request.user,
            mandate=self.parent,
            activity=self.object,
            **form.service_fields(),
        )


class KPIFormView(PartFormView):
    form_class = KPIForm
    model = KPI
    parent_model = Mandate
    parent_field = "mandate"
    noun = "KPI"
    success_message = _("The KPI was saved.")

    def get_form_kwargs(self) -> dict[str, Any]:
        return {**super().get_form_kwargs(), "mandate": self.parent}

    def perform(self, form: KPIForm) -> KPI:
        return services.save_kpi(
            actor=self.request.user, mandate=self.parent, kpi=self.object, **form.service_fields()
        )


class IndicatorFormView(PartFormView):
    form_class = IndicatorForm
    model = OutcomeIndicator
    parent_model = Mandate
    parent_field = "mandate"
    noun = "outcome indicator"
    success_message = _("The outcome indicator was saved.")

    def perform(self, form: IndicatorForm) -> OutcomeIndicator:
        return services.save_indicator(
            actor=self.request.user,
            mandate=self.parent,
            outcome=self.object,
            **form.service_fields(),
        )
