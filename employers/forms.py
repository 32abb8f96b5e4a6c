from typing import Any

from crispy_forms.layout import Column, Fieldset, Row
from django import forms
from django.contrib.auth import get_user_model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cor_portal.accounts.choices import Role
from cor_portal.ui.forms import DateInput, form_helper
from cor_portal.uploads import validate_upload_size

from . import imports
from .choices import InteractionKind
from .models import (
    CONTACT_DETAIL_FIELDS,
    EMPLOYER_DETAIL_FIELDS,
    ClassificationUnit,
    Contact,
    Employer,
    GapAnalysis,
    Interaction,
)


class ClassificationUnitChoiceField(forms.ModelMultipleChoiceField):
    """Classification units labelled by code, with NAO units marked."""

    def label_from_instance(self, obj: ClassificationUnit) -> str:
        return f"{obj.code} {obj.description}" + ("" if obj.aligned else " (NAO)")


class EmployerForm(forms.ModelForm):
    """An employer's details; the service assesses the size class and checks R-1."""

    classification_units = ClassificationUnitChoiceField(
        queryset=ClassificationUnit.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        label=_("Classification units"),
        help_text=_("Units marked NAO are outside the association's own and need approval."),
    )

    class Meta:
        model = Employer
        fields = [*EMPLOYER_DETAIL_FIELDS, "classification_units"]
        widgets = {"nao_approved_on": DateInput(), "notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["account_number"].widget.attrs.update(inputmode="numeric", autocomplete="off")
        for name, prompt in (("region", _("Choose a region")), ("sector", _("Choose a sector"))):
            field = self.fields[name]
            field.choices = [("", prompt), *list(field.choices)[1:]]  # type: ignore[attr-defined]
        self.helper = form_helper(
            Fieldset(
                _("Organization"),
                Row(Column("legal_name"), Column("trade_name")),
                Row(Column("account_number"), Column("sector")),
            ),
            Fieldset(
                _("Address"),
                "street",
                Row(Column("city"), Column("postal_code"), Column("region")),
            ),
            Fieldset(_("Size"), Row(Column("employees"), Column("payroll_hours"))),
            Fieldset(
                _("Classification units"),
                "classification_units",
                Row(Column("nao_approved_on"), Column("nao_reference")),
            ),
            "notes",
            submit=_("Save the employer"),
        )

    def service_fields(self) -> dict[str, Any]:
        """Return the cleaned data as the service's keyword arguments."""
        data = dict(self.cleaned_data)
        data["classification_units"] = list(data["classification_units"])
        return data


class TransitionForm(forms.Form):
    """The date and reason of a lifecycle move."""

    on = forms.DateField(label=_("Date"), widget=DateInput())
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Kept in the employer's history."),
    )

    def __init__(self, *args: Any, submit: str, **kwargs: Any) -> None:
        kwargs["initial"] = {"on": timezone.localdate(), **(kwargs.get("initial") or {})}
        super().__init__(*args, **kwargs)
        self.helper = form_helper("on", "reason", submit=submit)


class ContactForm(forms.ModelForm):
    class Meta:
        model = Contact
        fields = list(CONTACT_DETAIL_FIELDS)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = form_helper(
            Row(Column("first_name"), Column("last_name")),
            "title",
            Row(Column("email"), Column("phone")),
            "is_primary",
            submit=_("Save the contact"),
        )

    def validate_unique(self) -> None:
        """Leave the one-primary rule to the service, which moves the flag instead."""


class InteractionForm(forms.ModelForm):
    class Meta:
        model = Interaction
        fields = [
            "kind",
            "source",
            "occurred_on",
            "summary",
            "notes",
            "follow_up_due",
            "follow_up_done_on",
        ]
        widgets = {
            "occurred_on": DateInput(),
            "follow_up_due": DateInput(),
            "follow_up_done_on": DateInput(),
            "notes": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).setdefault("occurred_on", timezone.localdate())
        super().__init__(*args, **kwargs)
        self.helper = form_helper(
            Row(Column("kind"), Column("source"), Column("occurred_on")),
            "summary",
            "notes",
            Row(Column("follow_up_due"), Column("follow_up_done_on")),
            submit=_("Save the interaction"),
        )


class GapAnalysisForm(forms.ModelForm):
    consultant = forms.ModelChoiceField(
        label=_("Consultant"),
        queryset=get_user_model().objects.filter(role=Role.STAFF, is_active=True),
        required=False,
    )

    class Meta:
        model = GapAnalysis
        fields = [
            "offered_on",
            "requested_on",
            "scheduled_on",
            "completed_on",
            "declined_on",
            "consultant",
            "findings",
            "report",
        ]
        widgets = {
            name: DateInput()
            for name in [
                "offered_on",
                "requested_on",
                "scheduled_on",
                "completed_on",
                "declined_on",
            ]
        } | {"findings": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).setdefault("offered_on", timezone.localdate())
        super().__init__(*args, **kwargs)
        self.helper = form_helper(
            Row(Column("offered_on"), Column("requested_on"), Column("scheduled_on")),
            Row(Column("completed_on"), Column("declined_on"), Column("consultant")),
            "findings",
            "report",
            submit=_("Save the gap analysis"),
        )


class ClassificationUnitForm(forms.ModelForm):
    class Meta:
        model = ClassificationUnit
        fields = ["code", "description", "aligned"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["code"].widget.attrs.update(inputmode="numeric", maxlength=6)
        self.helper = form_helper("code", "description", "aligned", submit=_("Save the unit"))


class ImportForm(forms.Form):
    """A CSV or XLSX file of employers or contacts to preview, then import."""

    KINDS = [("employers", _("Employers")), ("contacts", _("Contacts"))]
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
        upload = self.cleaned_data["file"]
        name = upload.name.lower()
        if not name.endswith((".csv", ".xlsx")):
            raise forms.ValidationError(_("Upload a .csv or .xlsx file."))
        validate_upload_size(upload)
        return upload

    def clean(self) -> dict[str, Any]:
        """Read the file as the chosen kind: ``source`` is the readable file, with its rows."""
        cleaned = super().clean() or {}
        if cleaned.get("kind") and cleaned.get("file"):
            try:
                cleaned["source"] = imports.read_upload(
                    kind=cleaned["kind"], upload=cleaned["file"]
                )
            except imports.ImportFileError as error:
                self.add_error("file", error)
        return cleaned


class PortalRequestForm(forms.Form):
    """An employer's contact asks the COR team for a gap analysis or a consultation."""

    KINDS = [
        (
            InteractionKind.GAP_ANALYSIS_REQUEST,
            _("A free gap analysis: the COR team looks at your safety program against the audit"),
        ),
        (
            InteractionKind.CONSULTATION_REQUEST,
            _("A consultation: talk to the COR team about your safety program or COR"),
        ),
    ]
    kind = forms.ChoiceField(
        label=_("What would you like?"), choices=KINDS, widget=forms.RadioSelect
    )
    message = forms.CharField(
        label=_("Message (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("What you would like to talk about, and when suits you."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = form_helper("kind", "message", submit=_("Send the request"))
