"""Forms of the audits app. Each form's crispy layout lives beside its fields."""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from crispy_forms.layout import HTML, Column, Div, Row
from django import forms
from django.conf import settings
from django.db.models import Q
from django.http import QueryDict
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from auditors.choices import AuditorStatus
from auditors.models import Auditor
from cor_portal.ui.forms import DateInput, form_helper
from cor_portal.uploads import validate_pdf
from employers.choices import EmployerStatus
from employers.models import ClassificationUnit, Employer

from .choices import AuditType
from .models import EXTENSION_MAX_DAYS, AuditElement

# Staff: planning, decisions and extensions --------------------------------------------------

# Employers an audit may be planned for: registered onwards, not withdrawn or removed.
PLANNABLE = (
    EmployerStatus.REGISTERED,
    EmployerStatus.CERTIFICATION_IN_PROGRESS,
    EmployerStatus.CERTIFIED,
    EmployerStatus.LAPSED,
)


class EmployerChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Employer) -> str:
        return f"{obj.legal_name} ({obj.account_number})"


class AuditorChoiceField(forms.ModelChoiceField):
    """Auditors by name, with their kind (and an internal auditor's employer)."""

    def label_from_instance(self, obj: Auditor) -> str:
        if obj.employer_id:
            return f"{obj.name} — {obj.get_kind_display().lower()}, {obj.employer}"
        return f"{obj.name} — {obj.get_kind_display().lower()}"


class AuditorsChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Auditor) -> str:
        return AuditorChoiceField.label_from_instance(self, obj)  # type: ignore[arg-type]


class UnitsChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: ClassificationUnit) -> str:
        return f"{obj.code} {obj.description}"


def _auditors(*statuses: str) -> Any:
    return (
        Auditor.objects.filter(status__in=statuses)
        .select_related("user", "employer")
        .order_by("user__last_name", "user__first_name", "pk")
    )


# The due dates the audit will get, shown beside the start date (audits/audit_plan_dates.html).
DATES = '{% include "audits/audit_plan_dates.html" %}'


class PlanAuditForm(forms.Form):
    """Plan an audit (services.plan_audit): the scope lists the chosen employer's CUs.

    The employer comes from the submitted data or ``initial``; its CUs are all ticked at
    first. CUs outside it that were submitted stay choosable, so the service can say why
    they are refused.
    """

    employer = EmployerChoiceField(
        label=_("Employer"),
        queryset=Employer.objects.filter(status__in=PLANNABLE).order_by("legal_name", "pk"),
        empty_label=_("Choose an employer"),
        help_text=_("Registered, in certification, certified or lapsed employers."),
    )
    audit_type = forms.ChoiceField(label=_("Type of audit"), choices=AuditType.choices)
    starts_on = forms.DateField(
        label=_("Start date"),
        widget=DateInput(),
        help_text=_("Day 0 of the deadlines: the Notice of Audit is due 14 days before."),
    )
    lead_auditor = AuditorChoiceField(
        label=_("Lead auditor"),
        queryset=_auditors(AuditorStatus.CERTIFIED),
        empty_label=_("Choose a certified auditor"),
    )
    student_auditors = AuditorsChoiceField(
        label=_("Student auditors"),
        queryset=_auditors(AuditorStatus.STUDENT),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Students doing their student audit alongside the lead."),
    )
    scope = UnitsChoiceField(
        label=_("Scope (CUs audited)"),
        queryset=ClassificationUnit.objects.none(),
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one of the employer's CUs.")},
    )
    notes = forms.CharField(
        label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args: Any, refresh_url: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        employer_id = self._value("employer")
        units = ClassificationUnit.objects.all()
        own = units.filter(employers__pk=employer_id) if employer_id else units.none()
        submitted = self.data.getlist("scope") if isinstance(self.data, QueryDict) else []
        units = units.filter(
            Q(pk__in=own.values("pk")) | Q(pk__in=[pk for pk in submitted if pk.isdigit()])
        ).order_by("code")
        self.fields["scope"].queryset = units  # type: ignore[attr-defined]
        if not self.is_bound and employer_id:
            self.initial["scope"] = [unit.pk for unit in units]
        self._refresh(refresh_url)
        self.helper = form_helper(
            Row(Column("employer"), Column("audit_type")),
            Row(Column("starts_on"), Column(HTML(DATES))),
            Row(Column("lead_auditor"), Column("student_auditors")),
            Div("scope", css_id="plan-scope"),
            "notes",
            submit=_("Plan the audit"),
        )

    def _value(self, name: str) -> str:
        value = self.data.get(name) if self.is_bound else self.initial.get(name)
        return str(value) if value and str(value).isdigit() else ""

    def _refresh(self, url: str) -> None:
        """Reload the scope when the employer changes, the due dates when the start does."""
        if not url:
            return
        for name, target in (("employer", "#plan-scope"), ("starts_on", "#plan-dates")):
            self.fields[name].widget.attrs.update(
                {
                    "hx-get": url,
                    "hx-trigger": "change",
                    "hx-include": "#id_employer, #id_starts_on",
                    "hx-select": target,
                    "hx-target": target,
                    "hx-swap": "outerHTML",
                }
            )

    def service_fields(self) -> dict[str, Any]:
        """Return the keyword arguments of services.plan_audit."""
        return {name: self.cleaned_data[name] for name in self.fields}


class DecisionForm(forms.Form):
    """The date and reason of a staff decision on an audit (or its new start date)."""

    starts_on = forms.DateField(label=_("New start date"), widget=DateInput())
    on = forms.DateField(label=_("Date"), widget=DateInput())
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Kept in the audit's status history."),
    )

    def __init__(
        self,
        *args: Any,
        fields: tuple[str, ...],
        submit: Any,
        reason_required: bool = True,
        **kwargs: Any,
    ) -> None:
        kwargs["initial"] = {"on": timezone.localdate(), **(kwargs.get("initial") or {})}
        super().__init__(*args, **kwargs)
        for name in [name for name in self.fields if name not in fields]:
            del self.fields[name]
        if "reason" in self.fields and not reason_required:
            self.fields["reason"].required = False
            self.fields["reason"].help_text = _("Optional; kept in the status history.")
        self.helper = form_helper(*fields, submit=submit)


class ExtensionDecisionForm(forms.Form):
    """Approve or refuse an extension request, with a note to the auditor."""

    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("approve", _("Approve")), ("refuse", _("Refuse"))],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(
        label=_("Note to the auditor"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args: Any, days: int = 0, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["decision"].choices = [  # type: ignore[attr-defined]
            ("approve", _("Approve: add %(days)s days") % {"days": days}),
            ("refuse", _("Refuse: the dates stay as they are")),
        ]
        self.helper = form_helper("decision", "note", submit=_("Record the decision"))

    def service_fields(self) -> dict[str, Any]:
        """Return the keyword arguments of services.decide_extension."""
        return {
            "approve": self.cleaned_data["decision"] == "approve",
            "note": self.cleaned_data["note"],
        }


# The auditor's work -------------------------------------------------------------------------


class NoticeForm(forms.Form):
    """The Notice of Audit (R-8): where and whom, and the declaration of no consulting (R-7)."""

    sites = forms.CharField(
        label=_("Sites and interview sample"),
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "The sites you will visit and the people you will interview (roles and numbers)."
        ),
    )
    no_conflict_declared = forms.BooleanField(label=_("Declaration"))

    def __init__(self, *args: Any, months: int = 12, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["no_conflict_declared"]
        field.label = _(
            "I did no consulting work for this employer in the last %(months)s months"
        ) % {"months": months}
        field.error_messages["required"] = _(
            "Tick the declaration to file the notice: an auditor who did consulting work for "
            "this employer in the last %(months)s months may not audit it."
        ) % {"months": months}
        self.helper = form_helper("sites", "no_conflict_declared", submit=_("File the notice"))


class StartForm(forms.Form):
    """The day the audit's work began (on or after its start date)."""

    on = forms.DateField(label=_("Work began on"), widget=DateInput())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs["initial"] = {"on": timezone.localdate(), **(kwargs.get("initial") or {})}
        super().__init__(*args, **kwargs)
        self.helper = form_helper("on", submit=_("Start the audit"))


class OnsiteForm(forms.Form):
    """The last onsite day: interviews, document review and observations are done (R-9)."""

    last_onsite_on = forms.DateField(label=_("Last onsite day"), widget=DateInput())


@dataclass(frozen=True)
class ScoreRow:
    """One element's line of the score sheet: the element and its two inputs."""

    element: AuditElement
    earned: forms.BoundField
    applicable: forms.BoundField

    @property
    def fields(self) -> tuple[forms.BoundField, forms.BoundField]:
        return (self.earned, self.applicable)


def _points(label: Any) -> forms.DecimalField:
    return forms.DecimalField(
        label=label,
        required=False,
        min_value=Decimal("0"),
        max_digits=7,
        decimal_places=2,
        widget=forms.NumberInput(
            attrs={"step": "0.01", "min": "0", "inputmode": "decimal", "class": "score-input"}
        ),
    )


class ScoresForm(forms.Form):
    """The element scores and the report of the submission being prepared (R-10).

    Two inputs per element of the audit's tool, ``earned_<id>`` and ``applicable_<id>``
    (the names the service's refusals use); an element left empty is not scored yet.
    """

    report = forms.FileField(
        label=_("Report (PDF)"),
        required=False,
        validators=[validate_pdf],
        widget=forms.FileInput(attrs={"accept": "application/pdf,.pdf"}),
    )

    def __init__(self, *args: Any, elements: Iterable[AuditElement], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["report"].help_text = _(
            "The report saved as PDF, up to %(size)s. A new file replaces the one uploaded."
        ) % {"size": filesizeformat(settings.UPLOAD_MAX_BYTES)}
        self.elements = list(elements)
        for element in self.elements:
            name = {"name": element.name}
            self.fields[f"earned_{element.pk}"] = _points(_("Earned, %(name)s") % name)
            self.fields[f"applicable_{element.pk}"] = _points(_("Applicable, %(name)s") % name)

    @staticmethod
    def initial_for(scores: Iterable[Any]) -> dict[str, Decimal]:
        """Return the form's initial values from saved element scores."""
        initial = {}
        for score in scores:
            initial[f"earned_{score.element_id}"] = score.earned
            initial[f"applicable_{score.element_id}"] = score.applicable
        return initial

    def clean(self) -> dict[str, Any]:
        """Refuse an element with only one of its two values (both, or neither)."""
        cleaned = super().clean() or {}
        for element in self.elements:
            earned = f"earned_{element.pk}"
            applicable = f"applicable_{element.pk}"
            if earned in self.errors or applicable in self.errors:
                continue
            values = (cleaned.get(earned), cleaned.get(applicable))
            if values.count(None) == 1:
                blank = earned if values[0] is None else applicable
                self.add_error(blank, _("Enter both earned and applicable points, or neither."))
        return cleaned

    def scores(self) -> dict[int, tuple[Decimal, Decimal]]:
        """Return {element id: (earned, applicable)} for the elements given both values."""
        result = {}
        for element in self.elements:
            earned = self.cleaned_data.get(f"earned_{element.pk}")
            applicable = self.cleaned_data.get(f"applicable_{element.pk}")
            if earned is not None and applicable is not None:
                result[element.pk] = (earned, applicable)
        return result

    def rows(self) -> Iterator[ScoreRow]:
        """Yield each element with its inputs, marked invalid where they have errors."""
        for element in self.elements:
            earned, applicable = self[f"earned_{element.pk}"], self[f"applicable_{element.pk}"]
            for field in (earned, applicable):
                attrs = field.field.widget.attrs
                invalid = " is-invalid" if field.errors else ""
                attrs["class"] = f"form-control form-control-sm score-input{invalid}"
                if field.errors:
                    attrs["aria-invalid"] = "true"
                    attrs["aria-describedby"] = f"{field.auto_id}-error"
            yield ScoreRow(element, earned, applicable)


class ExtensionRequestForm(forms.Form):
    """A request for more days to submit the report, with the reason (R-9)."""

    days = forms.IntegerField(
        label=_("Days"),
        min_value=1,
        max_value=EXTENSION_MAX_DAYS,
        help_text=_("Between 1 and %(max)s days.") % {"max": EXTENSION_MAX_DAYS},
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("The COR team decides with this in front of them."),
    )
