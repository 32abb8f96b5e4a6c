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
from .models import EXTENSION_MAX_DAYS, NOTE_MAX_LENGTH, AuditElement

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
    """One element's line of the score sheet: the element, its two inputs and its note."""

    element: AuditElement
    earned: forms.BoundField
    applicable: forms.BoundField
    note: forms.BoundField

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
    (the names the service's refusals use); an element left empty is not scored yet. An
    optional ``note_<id>`` keeps what the auditor found with the element's points.
    """

    report = forms.FileField(
        label=_("Report (PDF)"),
        required=False,
        validators=[validate_pdf],
        widget=forms.FileInput(attrs={"accept": "application/pdf,.pdf"}),
    )

    # How the evidence was gathered (R16), checked by QA.
    used_documentation = forms.BooleanField(label=_("Documentation reviewed"), required=False)
    used_observation = forms.BooleanField(label=_("Observation tours done"), required=False)
    used_interviews = forms.BooleanField(label=_("Interviews done"), required=False)
    headcount = forms.IntegerField(
        label=_("BC headcount"),
        required=False,
        min_value=0,
        help_text=_("Employees in BC (managers, supervisors and workers) at the audit."),
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    interviewed = forms.IntegerField(
        label=_("People interviewed"),
        required=False,
        min_value=0,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )

    EVIDENCE = (
        "used_documentation",
        "used_observation",
        "used_interviews",
        "headcount",
        "interviewed",
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
            self.fields[f"note_{element.pk}"] = forms.CharField(
                label=_("Note, %(name)s") % name,
                required=False,
                max_length=NOTE_MAX_LENGTH,
                widget=forms.Textarea(attrs={"rows": 2, "class": "form-control form-control-sm"}),
            )

    def evidence(self) -> dict[str, Any]:
        """Return the evidence fields (the service's ``evidence``)."""
        return {name: self.cleaned_data.get(name) for name in self.EVIDENCE}

    @classmethod
    def initial_for_evidence(cls, submission: Any) -> dict[str, Any]:
        """Return the evidence fields' initial values from a submission."""
        return {name: getattr(submission, name) for name in cls.EVIDENCE}

    def clean(self) -> dict[str, Any]:
        cleaned = self._clean_scores()
        headcount, interviewed = cleaned.get("headcount"), cleaned.get("interviewed")
        if headcount is not None and interviewed is not None and interviewed > headcount:
            self.add_error("interviewed", _("More people interviewed than the headcount."))
        return cleaned

    @staticmethod
    def initial_for(scores: Iterable[Any]) -> dict[str, Decimal]:
        """Return the form's initial values from saved element scores."""
        initial = {}
        for score in scores:
            initial[f"earned_{score.element_id}"] = score.earned
            initial[f"applicable_{score.element_id}"] = score.applicable
            initial[f"note_{score.element_id}"] = score.note
        return initial

    def _clean_scores(self) -> dict[str, Any]:
        """Refuse an element with only one of its two values (both, or neither), or a note
        without its points."""
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
            elif values.count(None) == 2 and cleaned.get(f"note_{element.pk}"):
                self.add_error(
                    f"note_{element.pk}",
                    _("Enter the points too: a note is kept with the element's score."),
                )
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

    def notes(self) -> dict[int, str]:
        """Return {element id: note} for the scored elements (an empty note clears it)."""
        scored = self.scores()
        return {pk: self.cleaned_data.get(f"note_{pk}") or "" for pk in scored}

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
            note = self[f"note_{element.pk}"]
            if note.errors:
                note.field.widget.attrs.update(
                    {
                        "class": "form-control form-control-sm is-invalid",
                        "aria-invalid": "true",
                        "aria-describedby": f"{note.auto_id}-error",
                    }
                )
            yield ScoreRow(element, earned, applicable, note)


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


# QA reviews (R-12) ----------------------------------------------------------------------------


class StaffChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return obj.get_full_name() or obj.username


def staff_members() -> Any:
    from django.contrib.auth import get_user_model

    from cor_portal.accounts.choices import Role

    return (
        get_user_model()
        .objects.filter(role=Role.STAFF, is_active=True)
        .order_by("last_name", "first_name", "username")
    )


class AssignReviewerForm(forms.Form):
    """Assign the staff member who reviews the audit (this round and the next ones)."""

    reviewer = StaffChoiceField(
        label=_("Reviewer"),
        queryset=staff_members(),
        required=False,
        empty_label=_("Nobody (unassign)"),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["reviewer"].queryset = staff_members()  # type: ignore[attr-defined]
        self.helper = form_helper("reviewer", submit=_("Assign"))


CHECKLIST_CHOICES = [("yes", _("Yes")), ("no", _("No")), ("n_a", _("n/a"))]


@dataclass(frozen=True)
class ChecklistRow:
    item: Any
    answer: Any
    comment: Any


class ChecklistForm(forms.Form):
    """The program's QA checklist: yes / no / n/a per question, a comment (needed for no)."""

    def __init__(self, *args: Any, items: Iterable[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.items = list(items)
        for item in self.items:
            self.fields[f"answer_{item.pk}"] = forms.ChoiceField(
                label=item.text,
                choices=CHECKLIST_CHOICES,
                widget=forms.RadioSelect(attrs={"class": "form-check-input"}),
                error_messages={"required": _("Answer this question.")},
            )
            self.fields[f"comment_{item.pk}"] = forms.CharField(
                label=_("Comment on question %(n)s") % {"n": item.number},
                required=False,
                max_length=500,
                widget=forms.TextInput(
                    attrs={
                        "class": "form-control form-control-sm",
                        "placeholder": _("Comment (needed for a no)"),
                    }
                ),
            )

    @staticmethod
    def initial_for(responses: Iterable[Any]) -> dict[str, str]:
        initial = {}
        for response in responses:
            initial[f"answer_{response.item_id}"] = response.answer
            initial[f"comment_{response.item_id}"] = response.comment
        return initial

    def answers(self) -> dict[int, tuple[str, str]]:
        return {
            item.pk: (
                self.cleaned_data[f"answer_{item.pk}"],
                self.cleaned_data.get(f"comment_{item.pk}", ""),
            )
            for item in self.items
        }

    def rows(self) -> Iterator[ChecklistRow]:
        for item in self.items:
            yield ChecklistRow(item, self[f"answer_{item.pk}"], self[f"comment_{item.pk}"])


class ElementChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: AuditElement) -> str:
        return f"{obj.number}. {obj.name}"


class ReviewNoteForm(forms.Form):
    """A reviewer's note on an element (or the whole report)."""

    element = ElementChoiceField(
        label=_("Element"),
        queryset=AuditElement.objects.none(),
        required=False,
        empty_label=_("The whole report"),
    )
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=[
            ("actionable", _("Actionable: the auditor must answer")),
            ("informational", _("Informational")),
        ],
        initial="actionable",
        widget=forms.RadioSelect,
    )
    text = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args: Any, tool: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["element"].queryset = tool.elements.all()  # type: ignore[attr-defined]
        self.helper = form_helper("element", "kind", "text", submit=_("Add the note"))


OUTCOME_CHOICES = [
    ("approved", _("Approve and release the result")),
    ("returned", _("Return to the auditor for revision (with the actionable notes)")),
    ("unsuccessful", _("Unsuccessful")),
    ("verification_required", _("Verification audit required")),
]


class ReviewDecisionForm(forms.Form):
    """The review's outcome; a verification audit needs its lead auditor and start date."""

    outcome = forms.ChoiceField(
        label=_("Outcome"), choices=OUTCOME_CHOICES, widget=forms.RadioSelect
    )
    summary = forms.CharField(
        label=_("Summary / reason"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Needed for unsuccessful and verification; sent to the auditor."),
    )
    on = forms.DateField(label=_("Date"), widget=DateInput())
    lead_auditor = AuditorChoiceField(
        label=_("Verification audit: lead auditor"),
        queryset=Auditor.objects.none(),
        required=False,
    )
    starts_on = forms.DateField(
        label=_("Verification audit: start date"), required=False, widget=DateInput()
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs["initial"] = {"on": timezone.localdate(), **(kwargs.get("initial") or {})}
        super().__init__(*args, **kwargs)
        self.fields["lead_auditor"].queryset = (  # type: ignore[attr-defined]
            Auditor.objects.select_related("user", "employer").order_by(
                "user__last_name", "user__first_name"
            )
        )
        self.helper = form_helper(
            "outcome",
            "summary",
            "on",
            Row(Column("lead_auditor"), Column("starts_on")),
            submit=_("Record the decision"),
        )


class AnswerNotesForm(forms.Form):
    """The auditor's answer to each actionable QA note."""

    def __init__(self, *args: Any, notes: Iterable[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.notes = list(notes)
        for note in self.notes:
            self.fields[f"answer_{note.pk}"] = forms.CharField(
                label=_("Your answer"),
                required=False,
                initial=note.answer,
                widget=forms.Textarea(attrs={"rows": 3}),
            )

    def answers(self) -> dict[int, str]:
        return {
            note.pk: (self.cleaned_data.get(f"answer_{note.pk}") or "").strip()
            for note in self.notes
        }

    def rows(self) -> Iterator[tuple[Any, Any]]:
        for note in self.notes:
            yield note, self[f"answer_{note.pk}"]


class PeriodForm(forms.Form):
    """A period for the QA metrics (both dates included)."""

    start = forms.DateField(label=_("From"), widget=DateInput())
    end = forms.DateField(label=_("To"), widget=DateInput())

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and end < start:
            self.add_error("end", _("The end is before the start."))
        return cleaned
