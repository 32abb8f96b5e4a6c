"""Forms of the incentives pages; their cleaned data are services' keyword arguments."""

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cor_portal.ui.forms import DateInput, form_helper
from employers.models import Employer

from . import imports
from .choices import DecisionOutcome, ExclusionKind
from .models import FIRST_YEAR, LAST_YEAR, BaseRate, Payroll


def year_field(**kwargs: Any) -> forms.IntegerField:
    return forms.IntegerField(
        label=kwargs.pop("label", _("Assessment year")),
        min_value=FIRST_YEAR,
        max_value=LAST_YEAR,
        **kwargs,
    )


class BaseRateForm(forms.ModelForm):
    class Meta:
        model = BaseRate
        fields = ["unit", "year", "rate"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = form_helper("unit", "year", "rate", submit=_("Save the base rate"))


class PayrollForm(forms.ModelForm):
    class Meta:
        model = Payroll
        fields = ["employer", "unit", "year", "assessable_payroll"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        employer = self.fields["employer"]
        assert isinstance(employer, forms.ModelChoiceField)
        employer.queryset = Employer.objects.order_by("legal_name")
        self.helper = form_helper(
            "employer", "unit", "year", "assessable_payroll", submit=_("Save the payroll")
        )


class ExclusionForm(forms.Form):
    kind = forms.ChoiceField(label=_("Exclusion"), choices=ExclusionKind.choices)
    occurred_on = forms.DateField(label=_("Date"), widget=DateInput())
    source = forms.CharField(
        label=_("Source"),
        max_length=200,
        help_text=_("Where it is recorded, e.g. the WorkSafeBC notice or statement."),
    )
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = form_helper(
            "kind", "occurred_on", "source", "note", submit=_("Record the exclusion")
        )


class AppealForm(forms.Form):
    filed_on = forms.DateField(label=_("Filed on"), widget=DateInput())
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = form_helper("filed_on", "note", submit=_("Record the appeal"))


class ResolveAppealForm(forms.Form):
    resolved_on = forms.DateField(label=_("Resolved on"), widget=DateInput())
    note = forms.CharField(label=_("Outcome"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = form_helper("resolved_on", "note", submit=_("Mark resolved"))


class DecisionForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Decision"), choices=DecisionOutcome.choices)
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}))
    decided_on = forms.DateField(
        label=_("Decided on"), widget=DateInput(), initial=timezone.localdate
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = form_helper(
            "outcome", "reason", "decided_on", submit=_("Record the decision")
        )


class RunForm(forms.Form):
    year = year_field()
    reissue_all = forms.BooleanField(
        label=_("Re-issue every letter"),
        required=False,
        help_text=_(
            "Otherwise a letter is issued only to employers without one or whose figures changed."
        ),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = form_helper("year", "reissue_all", submit=_("Run the year"))


class ImportForm(forms.Form):
    """A CSV or XLSX file of base rates or payrolls to preview, then import."""

    KINDS = [(imports.BASE_RATES, _("Base rates")), (imports.PAYROLLS, _("Payrolls"))]
    kind = forms.ChoiceField(label=_("What the file holds"), choices=KINDS)
    file = forms.FileField(
        label=_("File (CSV or XLSX)"),
        help_text=_("The first row names the columns; download a template below."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].widget.attrs.update(accept=".csv,.xlsx")
        self.helper = form_helper("kind", "file", submit=_("Preview the import"))
        self.helper.form_tag = False

    def clean_file(self) -> Any:
        from cor_portal.imports import validate_import_upload

        upload = self.cleaned_data["file"]
        validate_import_upload(upload)
        return upload

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("kind") and cleaned.get("file"):
            try:
                cleaned["source"] = imports.read_upload(
                    kind=cleaned["kind"], upload=cleaned["file"]
                )
            except imports.shared.ImportFileError as error:
                self.add_error("file", error)
        return cleaned
