"""Forms of the auditor register. Each form's crispy layout lives beside its fields."""

from decimal import Decimal
from typing import Any

from crispy_forms.layout import Column, Fieldset, Row
from django import forms
from django.contrib.auth import get_user_model
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cor_portal.accounts.choices import Role
from cor_portal.imports import ImportFileError, validate_import_upload
from cor_portal.ui.forms import DateInput, ServiceModelForm, form_helper
from employers.choices import Region, Sector
from employers.models import Employer

from . import imports as completion_imports
from .choices import AuditorKind, AuditorStatus, EnrolmentResult
from .models import (
    EAQA,
    AnnualDeclaration,
    Auditor,
    ConsultingEngagement,
    Course,
    CPDActivity,
    Enrolment,
    TrainingSession,
)
from .services import AUDITOR_FIELDS


def _employers() -> Any:
    return Employer.objects.order_by("legal_name", "pk")


def _staff_users() -> Any:
    return get_user_model().objects.filter(role=Role.STAFF, is_active=True)


# The auditor --------------------------------------------------------------------------------


class AuditorForm(ServiceModelForm):
    """An auditor's person, kind and contact details; the login's username only when adding."""

    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)
    email = forms.EmailField(label=_("Email"))
    username = forms.CharField(
        label=_("Username"),
        max_length=150,
        help_text=_("The auditor signs in with it once they set a password."),
    )
    website = forms.URLField(label=_("Website"), required=False, assume_scheme="https")
    regions = forms.MultipleChoiceField(
        label=_("Regions served"),
        choices=Region.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    sectors = forms.MultipleChoiceField(
        label=_("Sectors served"),
        choices=Sector.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = Auditor
        fields = list(AUDITOR_FIELDS)
        widgets = {"notes": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        instance = kwargs.get("instance")
        if instance is not None:
            user = instance.user
            kwargs["initial"] = {
                "first_name": user.first_name,
                "last_name": user.last_name,
                "email": user.email,
                "regions": [a.region for a in instance.regions.all()],
                "sectors": [s.sector for s in instance.sectors.all()],
                **(kwargs.get("initial") or {}),
            }
        super().__init__(*args, **kwargs)
        if instance is not None:
            del self.fields["username"]
        employer = self.fields["employer"]
        employer.queryset = _employers()  # type: ignore[attr-defined]
        employer.help_text = _("Required for an internal auditor; empty for an external one.")
        self.fields["kind"].widget = forms.RadioSelect(choices=AuditorKind.choices)
        self.helper = form_helper(
            Fieldset(
                _("Person"),
                Row(Column("first_name"), Column("last_name")),
                Row(Column("email"), *([Column("username")] if instance is None else [])),
            ),
            Fieldset(
                _("Kind and certification"),
                Row(Column("kind"), Column("employer")),
                "certification_number",
            ),
            Fieldset(
                _("Contact details"),
                Row(Column("phone"), Column("company")),
                Row(Column("city"), Column("website")),
            ),
            Fieldset(
                _("Directory"),
                Row(Column("regions"), Column("sectors")),
                "listed_in_directory",
            ),
            "notes",
            submit=_("Save the auditor"),
        )

    def clean(self) -> dict[str, Any]:
        """Put R-6's kind and employer rule beside the employer field."""
        cleaned = super().clean() or {}
        kind, employer = cleaned.get("kind"), cleaned.get("employer")
        if kind == AuditorKind.INTERNAL and employer is None:
            self.add_error("employer", _("Choose the employer this internal auditor works for."))
        if kind == AuditorKind.EXTERNAL and employer is not None:
            self.add_error(
                "employer", _("An external auditor belongs to no employer: leave this empty.")
            )
        return cleaned

    def clean_certification_number(self) -> str:
        number = (self.cleaned_data.get("certification_number") or "").strip()
        others = (
            Auditor.objects.exclude(pk=self.instance.pk) if self.instance.pk else Auditor.objects
        )
        if number and others.filter(certification_number=number).exists():
            raise forms.ValidationError(_("Another auditor has this certification number."))
        return number

    def service_fields(self) -> dict[str, Any]:
        data = super().service_fields()
        for name in ("first_name", "last_name", "email", "username", "regions", "sectors"):
            if name in self.fields:
                data[name] = self.cleaned_data[name]
        return data


# Standing -----------------------------------------------------------------------------------


class TransitionForm(forms.Form):
    """The date and reason of a standing move (and the number when certifying)."""

    certification_number = forms.CharField(label=_("Certification number"), max_length=32)
    on = forms.DateField(label=_("Date"), widget=DateInput())
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Kept in the auditor's status history."),
    )

    def __init__(self, *args: Any, submit: str, needs_number: bool = False, **kwargs: Any) -> None:
        kwargs["initial"] = {"on": timezone.localdate(), **(kwargs.get("initial") or {})}
        super().__init__(*args, **kwargs)
        layout = ["on", "reason"]
        if needs_number:
            layout.insert(0, "certification_number")
        else:
            del self.fields["certification_number"]
        self.helper = form_helper(*layout, submit=submit)


class StudentAuditForm(forms.Form):
    """The day a student completed the student audit."""

    on = forms.DateField(label=_("Student audit completed on"), widget=DateInput())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs["initial"] = {"on": timezone.localdate(), **(kwargs.get("initial") or {})}
        super().__init__(*args, **kwargs)
        self.helper = form_helper("on", submit=_("Record the student audit"))


class EligibilityForm(forms.Form):
    """Ask whether the auditor may audit an employer from a date (a GET form)."""

    employer = forms.ModelChoiceField(label=_("Employer"), queryset=Employer.objects.none())
    starts_on = forms.DateField(label=_("Audit starts on"), widget=DateInput())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["employer"].queryset = _employers()  # type: ignore[attr-defined]
        self.helper = form_helper(
            Row(Column("employer"), Column("starts_on")), submit=_("Check eligibility")
        )
        self.helper.form_tag = True
        self.helper.form_method = "get"


# CPD, declarations, engagements -------------------------------------------------------------


class CPDActivityForm(ServiceModelForm):
    class Meta:
        model = CPDActivity
        fields = ["activity", "kind", "done_on", "hours", "evidence"]
        widgets = {"done_on": DateInput()}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {}).setdefault("done_on", timezone.localdate())
        super().__init__(*args, **kwargs)
        self.fields["hours"].widget.attrs.update(min="0.01", max="200", step="0.01")
        self.fields["evidence"].widget.attrs.update(accept="application/pdf,.pdf")
        self.fields["evidence"].help_text = _("Optional: a certificate or agenda, as a PDF.")
        self.helper = form_helper(
            "activity",
            Row(Column("kind"), Column("done_on"), Column("hours")),
            "evidence",
            submit=_("Save the activity"),
        )

    def clean_hours(self) -> Decimal:
        hours = self.cleaned_data["hours"]
        if hours is not None and not Decimal("0") < hours <= Decimal("200"):
            raise forms.ValidationError(_("Hours are more than 0 and at most 200."))
        return hours


class DeclarationForm(ServiceModelForm):
    """The annual declaration: a year, the CPD hours and three attestations, all required."""

    ATTESTATIONS = ("follows_code_of_ethics", "independent", "information_accurate")

    class Meta:
        model = AnnualDeclaration
        fields = [
            "year",
            "cpd_hours",
            "follows_code_of_ethics",
            "independent",
            "information_accurate",
        ]

    def __init__(self, *args: Any, cpd_hours: Decimal | None = None, **kwargs: Any) -> None:
        initial = kwargs.setdefault("initial", {})
        initial.setdefault("year", timezone.localdate().year)
        initial.setdefault("cpd_hours", cpd_hours)
        super().__init__(*args, **kwargs)
        self.fields["cpd_hours"].help_text = _(
            "Filled in from your CPD log for the last 12 months; correct it if needed."
        )
        for name in self.ATTESTATIONS:
            field = self.fields[name]
            field.required = True
            field.error_messages["required"] = _("Tick this box to file the declaration.")
        self.helper = form_helper(
            Row(Column("year"), Column("cpd_hours")),
            Fieldset(_("I confirm that"), *self.ATTESTATIONS),
            submit=_("File the declaration"),
        )


class EngagementForm(ServiceModelForm):
    class Meta:
        model = ConsultingEngagement
        fields = ["employer", "started_on", "ended_on", "description"]
        widgets = {"started_on": DateInput(), "ended_on": DateInput()}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["employer"].queryset = _employers()  # type: ignore[attr-defined]
        self.fields["ended_on"].help_text = _("Leave empty while the work is ongoing.")
        self.helper = form_helper(
            "employer",
            Row(Column("started_on"), Column("ended_on")),
            "description",
            submit=_("Save the engagement"),
        )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        started, ended = cleaned.get("started_on"), cleaned.get("ended_on")
        if started and ended and ended < started:
            self.add_error("ended_on", _("An engagement cannot end before it starts."))
        return cleaned


# EAQA ---------------------------------------------------------------------------------------


class YearForm(forms.Form):
    """The plan year shown on the EAQA page (a GET form)."""

    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)


class EAQAForm(ServiceModelForm):
    """The record of an EAQA: when, who reviewed, findings, report and outcome."""

    reviewer = forms.ModelChoiceField(
        label=_("Reviewer"), queryset=get_user_model().objects.none(), required=False
    )

    class Meta:
        model = EAQA
        fields = ["conducted_on", "reviewer", "findings", "report", "outcome"]
        widgets = {"conducted_on": DateInput(), "findings": forms.Textarea(attrs={"rows": 5})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reviewer"].queryset = _staff_users()  # type: ignore[attr-defined]
        self.fields["report"].widget.attrs.update(accept="application/pdf,.pdf")
        self.fields["outcome"].help_text = _("Record the outcome once the EAQA is conducted.")
        self.helper = form_helper(
            Row(Column("conducted_on"), Column("reviewer"), Column("outcome")),
            "findings",
            "report",
            submit=_("Save the EAQA"),
        )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("outcome") and not cleaned.get("conducted_on"):
            self.add_error("conducted_on", _("Record when the EAQA was conducted."))
        return cleaned


# Training -----------------------------------------------------------------------------------


class CourseForm(ServiceModelForm):
    """A course: its code (how LMS files name it), name and kind."""

    class Meta:
        model = Course
        fields = ["code", "name", "kind", "online", "active"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["code"].help_text = _(
            "Lowercase words joined by hyphens, such as ohs-program-fundamentals. Files from "
            "the learning management system may name the course by its code or its name."
        )
        self.fields["active"].help_text = _("Only offered courses can have new sessions.")
        self.helper = form_helper(
            Row(Column("name"), Column("code")),
            "kind",
            Row(Column("online"), Column("active")),
            submit=_("Save the course"),
        )


class TrainingSessionForm(ServiceModelForm):
    """A session of a course: dates, place or online, capacity and instructor."""

    class Meta:
        model = TrainingSession
        fields = [
            "course",
            "starts_on",
            "ends_on",
            "location",
            "online",
            "capacity",
            "instructor",
            "notes",
        ]
        widgets = {
            "starts_on": DateInput(),
            "ends_on": DateInput(),
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        current = self.instance.course_id if self.instance.pk else None
        self.fields["course"].queryset = Course.objects.filter(  # type: ignore[attr-defined]
            Q(active=True) | Q(pk=current)
        )
        self.fields["ends_on"].help_text = _("For a session of more than one day.")
        self.fields["location"].help_text = _("Leave empty for a session held online.")
        self.fields["capacity"].help_text = _("The number of seats.")
        self.helper = form_helper(
            "course",
            Row(Column("starts_on"), Column("ends_on")),
            Row(Column("location"), Column("online")),
            Row(Column("capacity"), Column("instructor")),
            "notes",
            submit=_("Save the session"),
        )


class AuditorChoiceField(forms.ModelChoiceField):
    """Auditors by name and email."""

    def label_from_instance(self, obj: Auditor) -> str:
        return f"{obj.name} ({obj.email})" if obj.email else obj.name


class EnrolForm(forms.Form):
    """Enrol a person: an auditor of the roster, or anyone by name and email."""

    auditor = AuditorChoiceField(
        label=_("Auditor"),
        queryset=Auditor.objects.none(),
        required=False,
        empty_label=_("Not an auditor yet: type the name and email"),
    )
    name = forms.CharField(label=_("Name"), max_length=200, required=False)
    email = forms.EmailField(label=_("Email"), required=False)
    account_number = forms.CharField(
        label=_("Employer's account number"),
        max_length=10,
        required=False,
        help_text=_("Optional. An internal auditor's own employer is used when left empty."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["auditor"].queryset = (  # type: ignore[attr-defined]
            Auditor.objects.exclude(status=AuditorStatus.RETIRED).select_related("user")
        )
        self.fields["account_number"].widget.attrs.update(inputmode="numeric", autocomplete="off")
        self.helper = form_helper(
            "auditor",
            Row(Column("name"), Column("email")),
            "account_number",
            submit=_("Enrol"),
        )

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        auditor = cleaned.get("auditor")
        if auditor is not None:
            cleaned["name"] = cleaned.get("name") or auditor.name
            cleaned["email"] = cleaned.get("email") or auditor.email
        for name in ("name", "email"):
            if not cleaned.get(name) and name not in self.errors:
                self.add_error(name, _("Choose an auditor, or give the name and email."))
        number = (cleaned.get("account_number") or "").strip()
        cleaned["employer"] = (
            Employer.objects.filter(account_number=number).first() if number else None
        )
        if number and cleaned["employer"] is None:
            self.add_error(
                "account_number", _("No employer in the portal has this account number.")
            )
        return cleaned

    def service_fields(self) -> dict[str, Any]:
        """Return the person to enrol as the service's keyword arguments."""
        return {name: self.cleaned_data[name] for name in ("auditor", "name", "email", "employer")}


class EnrolmentResultForm(forms.Form):
    """Attendance and result of one enrolment ("did not attend" means not attended)."""

    attended = forms.BooleanField(label=_("Attended"), required=False)
    result = forms.ChoiceField(label=_("Result"), choices=EnrolmentResult.choices)

    def __init__(self, *args: Any, enrolment: Enrolment | None = None, **kwargs: Any) -> None:
        if enrolment is not None:  # one form per row of the session's table
            kwargs["prefix"] = kwargs.get("prefix") or f"enrolment-{enrolment.pk}"
            current = {"attended": enrolment.attended, "result": enrolment.result}
            kwargs["initial"] = {**current, **(kwargs.get("initial") or {})}
        super().__init__(*args, **kwargs)
        self.fields["attended"].widget.attrs.update({"class": "form-check-input"})
        self.fields["result"].widget.attrs.update({"class": "form-select form-select-sm"})

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        if cleaned.get("result") == EnrolmentResult.ABSENT:
            cleaned["attended"] = False
        return cleaned


class CompletionImportForm(forms.Form):
    """An LMS export of course completions (CSV or XLSX) to preview, then import."""

    file = forms.FileField(
        label=_("File (CSV or XLSX)"),
        help_text=_("The first row names the columns; download a template below."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["file"].widget.attrs.update(accept=".csv,.xlsx")
        self.helper = form_helper("file", submit=_("Preview the import"))

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        validate_import_upload(upload)
        return upload

    def clean(self) -> dict[str, Any]:
        """Read the file: ``source`` is the readable file, with its rows."""
        cleaned = super().clean() or {}
        if cleaned.get("file"):
            try:
                cleaned["source"] = completion_imports.read_upload(cleaned["file"])
            except ImportFileError as error:
                self.add_error("file", error)
        return cleaned
