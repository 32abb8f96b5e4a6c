"""Staff forms of the workplan: its parts, measurements, snapshots, approval and cloning."""

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from cor_portal.ui.forms import DateInput, ServiceModelForm, form_helper

from .models import KPI, QUARTERS, Activity, Mandate, OutcomeIndicator, Workplan
from .templatetags.workplan_tags import kpi_value


class WorkplanForm(ServiceModelForm):
    class Meta:
        model = Workplan
        fields = ["title", "starts_on"]
        widgets = {"starts_on": DateInput()}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = form_helper("title", "starts_on", submit=_("Save"))


class MandateForm(ServiceModelForm):
    class Meta:
        model = Mandate
        fields = ["number", "optional", "title", "reference", "objective", "action_plan"]
        widgets = {
            "objective": forms.Textarea(attrs={"rows": 3}),
            "action_plan": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = form_helper(*self.Meta.fields, submit=_("Save the mandate"))


class ActivityForm(ServiceModelForm):
    class Meta:
        model = Activity
        fields = [
            "position",
            "description",
            "inputs",
            "budget",
            "time_frame",
            "responsible",
            "anticipated_outputs",
            "progress_reporting",
        ]
        widgets = {
            name: forms.Textarea(attrs={"rows": 3})
            for name in ("description", "inputs", "anticipated_outputs", "progress_reporting")
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = form_helper(*self.Meta.fields, submit=_("Save the activity"))


class KPIForm(ServiceModelForm):
    class Meta:
        model = KPI
        fields = [
            "activity",
            "position",
            "description",
            "target",
            "unit",
            "kind",
            "source",
            "aggregation",
        ]

    def __init__(self, *args: Any, mandate: Mandate, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        activity = self.fields["activity"]
        activity.queryset = mandate.activities.all()  # type: ignore[attr-defined]
        activity.label_from_instance = lambda a: str(a)  # type: ignore[attr-defined]
        self.helper = form_helper(*self.Meta.fields, submit=_("Save the KPI"))


class IndicatorForm(ServiceModelForm):
    class Meta:
        model = OutcomeIndicator
        fields = ["position", "indicator", "data_collection", "time_line", "evaluation_result"]
        widgets = {
            name: forms.Textarea(attrs={"rows": 3})
            for name in ("indicator", "data_collection", "evaluation_result")
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = form_helper(*self.Meta.fields, submit=_("Save the indicator"))


class MeasurementsForm(forms.Form):
    """One quarter's values of every entered KPI of a workplan (empty clears a value)."""

    quarter = forms.TypedChoiceField(label=_("Quarter"), choices=QUARTERS, coerce=int)

    def __init__(self, *args: Any, kpis: list[KPI], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.kpis = kpis
        for kpi in kpis:
            self.fields[f"kpi_{kpi.pk}"] = forms.DecimalField(
                label=f"{kpi.mandate.label} · {kpi.description}",
                required=False,
                min_value=Decimal("0"),
                max_digits=12,
                decimal_places=2,
                help_text=(
                    _("Target %(target)s") % {"target": kpi_value(kpi.target, kpi.unit)}
                    if kpi.target is not None
                    else _("Tracked, no target")
                ),
            )

    def values(self) -> list[tuple[KPI, Decimal | None]]:
        return [(kpi, self.cleaned_data.get(f"kpi_{kpi.pk}")) for kpi in self.kpis]


class SnapshotForm(forms.Form):
    quarter = forms.TypedChoiceField(label=_("Quarter"), choices=QUARTERS, coerce=int)
    commentary = forms.CharField(
        label=_("Commentary for the board"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=5000,
    )


class ApprovalForm(forms.Form):
    approved_by = forms.CharField(label=_("Approved by (board chair)"), max_length=200)
    approved_on = forms.DateField(label=_("Date approved"), widget=DateInput())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = form_helper("approved_by", "approved_on", submit=_("Record the approval"))
