"""Forms of WIVA cases (R-14): open a case, record its next step, cancel it."""

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from auditors.choices import AuditorKind, AuditorStatus
from auditors.models import Auditor
from cor_portal.ui.forms import DateInput, form_helper
from employers.models import Employer

from .choices import WivaStep
from .forms import PLANNABLE, AuditorChoiceField, EmployerChoiceField


def money_field(label: Any, **kwargs: Any) -> forms.DecimalField:
    """Return a field for an amount in dollars and cents, not negative."""
    return forms.DecimalField(label=label, max_digits=10, decimal_places=2, min_value=0, **kwargs)


class WivaCaseForm(forms.Form):
    """Open a WIVA case (services_wiva.open_case)."""

    employer = EmployerChoiceField(
        label=_("Employer"),
        queryset=Employer.objects.filter(status__in=PLANNABLE).order_by("legal_name", "pk"),
        empty_label=_("Choose an employer"),
    )
    budget = money_field(_("Budget ($)"))
    reason = forms.CharField(
        label=_("Why WorkSafeBC asked for it"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = form_helper(
            "employer", "budget", "reason", "notes", submit=_("Open the case")
        )


# The fields each step asks for, besides its date and note.
STEP_FIELDS: dict[int, tuple[str, ...]] = {
    WivaStep.NOTIFY_EMPLOYER: (),
    WivaStep.SELECT_AUDITOR: ("auditor", "estimate", "starts_on"),
    WivaStep.ARRANGE_AUDIT: ("starts_on",),
    WivaStep.QA_DOCUMENTS: ("result",),
    WivaStep.REPORTING_FORM: ("cost",),
    WivaStep.CONFIRM_RESULT: (),
}


class WivaStepForm(forms.Form):
    """Record the case's next step: its date, what the step asks for, and a note."""

    on = forms.DateField(label=_("Done on"), widget=DateInput())
    auditor = AuditorChoiceField(
        label=_("Selected auditor"),
        queryset=Auditor.objects.filter(status=AuditorStatus.CERTIFIED, kind=AuditorKind.EXTERNAL)
        .select_related("user", "employer")
        .order_by("user__last_name", "user__first_name", "pk"),
        empty_label=_("Choose an external auditor"),
        help_text=_("A WIVA needs a certified external auditor."),
    )
    estimate = money_field(_("Selected estimate ($)"))
    starts_on = forms.DateField(
        label=_("Audit start date"),
        widget=DateInput(),
        help_text=_("Day 0 of the audit's deadlines."),
    )
    result = forms.CharField(
        label=_("Result of the QA of all documents"), widget=forms.Textarea(attrs={"rows": 3})
    )
    cost = money_field(_("Final cost ($)"), help_text=_("Reported on the WIVA form."))
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, step: WivaStep, **kwargs: Any) -> None:
        kwargs["initial"] = {"on": timezone.localdate(), **(kwargs.get("initial") or {})}
        super().__init__(*args, **kwargs)
        self.step = step
        keep = ("on", *STEP_FIELDS[step], "note")
        for name in [name for name in self.fields if name not in keep]:
            del self.fields[name]
        self.helper = form_helper(*keep, submit=_("Record: %(step)s") % {"step": step.label})

    def service_fields(self) -> dict[str, Any]:
        fields = ("on", *STEP_FIELDS[self.step], "note")
        return {name: self.cleaned_data[name] for name in fields}


class WivaCancelForm(forms.Form):
    reason = forms.CharField(
        label=_("Why the case is cancelled"), widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = form_helper("reason", submit=_("Cancel the case"))
