from typing import Any

from crispy_forms.layout import HTML, Div, Fieldset
from django import forms
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from auditors.models import Auditor
from cor_portal.accounts.choices import Role
from cor_portal.ui.forms import DateInput, form_helper
from employers.models import ClassificationUnit, Contact

from .applications import APPLICATION_FIELDS, check_application
from .models import Application

User = get_user_model()

KINDS = [
    (Role.EMPLOYER, _("An employer's contact")),
    (Role.AUDITOR, _("An auditor on the register")),
    (Role.BOARD, _("A board member")),
]


class ContactChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.full_name} <{obj.email}> - {obj.employer.legal_name}"


class AuditorChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.user.get_full_name() or obj.user.username} <{obj.user.email}>"


class InvitationForm(forms.Form):
    """Whom to invite: a contact, an auditor, or a board member by name and email."""

    kind = forms.ChoiceField(label=_("Invite"), choices=KINDS, widget=forms.RadioSelect)
    contact = ContactChoiceField(
        label=_("Contact"),
        queryset=Contact.objects.filter(user__isnull=True)
        .select_related("employer")
        .order_by("employer__legal_name", "last_name"),
        required=False,
        help_text=_("Contacts without a portal login."),
    )
    auditor = AuditorChoiceField(
        label=_("Auditor"),
        queryset=Auditor.objects.select_related("user").order_by(
            "user__last_name", "user__first_name"
        ),
        required=False,
    )
    first_name = forms.CharField(
        label=_("Board member's first name"), max_length=150, required=False
    )
    last_name = forms.CharField(label=_("Board member's last name"), max_length=150, required=False)
    email = forms.EmailField(label=_("Board member's email"), required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = form_helper(
            "kind",
            "contact",
            "auditor",
            "first_name",
            "last_name",
            "email",
            submit=_("Send the invitation"),
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        kind = data.get("kind")
        if kind == Role.EMPLOYER and not data.get("contact"):
            self.add_error("contact", _("Choose the contact to invite."))
        if kind == Role.AUDITOR and not data.get("auditor"):
            self.add_error("auditor", _("Choose the auditor to invite."))
        if kind == Role.BOARD:
            for name in ("first_name", "last_name", "email"):
                if not data.get(name):
                    self.add_error(name, _("Needed to invite a board member."))
        return data


class ColleagueForm(forms.Form):
    """A colleague the primary contact adds to their own employer and invites."""

    first_name = forms.CharField(label=_("First name"), max_length=100)
    last_name = forms.CharField(label=_("Last name"), max_length=100)
    title = forms.CharField(label=_("Job title"), max_length=100, required=False)
    email = forms.EmailField(label=_("Email"))
    phone = forms.CharField(label=_("Phone"), max_length=32, required=False)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = form_helper(
            "first_name", "last_name", "title", "email", "phone", submit=_("Invite")
        )


class AcceptForm(forms.Form):
    """Choose a password (twice); Django's validators judge it in the service."""

    password = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )
    password_again = forms.CharField(
        label=_("Password again"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = form_helper(
            "password", "password_again", submit=_("Set password and sign in")
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("password") and data.get("password") != data.get("password_again"):
            self.add_error("password_again", _("The two passwords differ."))
        return data


class LoginChangeForm(forms.Form):
    """Confirm a deactivation or reactivation, with an optional reason."""

    reason = forms.CharField(label=_("Reason"), max_length=200, required=False)

    def __init__(self, *args: Any, instance: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)


class CUChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.code} {obj.description}"


class ApplicationForm(forms.ModelForm):
    """The public application. ``website`` is a honeypot: hidden from people, filled by bots."""

    classification_units = CUChoiceField(
        label=_("WorkSafeBC classification units"),
        queryset=ClassificationUnit.objects.order_by("code"),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("As on your WorkSafeBC clearance letter."),
    )
    website = forms.CharField(
        label=_("Leave this empty"),
        required=False,
        widget=forms.TextInput(attrs={"tabindex": "-1", "autocomplete": "off"}),
    )

    class Meta:
        model = Application
        fields = [
            "legal_name",
            "trade_name",
            "account_number",
            "region",
            "sector",
            "classification_units",
            "nao_approved_on",
            "nao_reference",
            "employees",
            "payroll_hours",
            "street",
            "city",
            "postal_code",
            "sites",
            "contact_first_name",
            "contact_last_name",
            "contact_title",
            "contact_email",
            "contact_phone",
        ]
        widgets = {"nao_approved_on": DateInput(), "sites": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.helper = form_helper(
            Fieldset(
                _("Your company"),
                "legal_name",
                "trade_name",
                "account_number",
                "region",
                "sector",
            ),
            Fieldset(
                _("Classification units"),
                "classification_units",
                HTML(
                    "<p class='small text-body-secondary'>"
                    + str(
                        _(
                            "A classification unit outside the association's needs WorkSafeBC's "
                            "approval to join our program: give its date and reference."
                        )
                    )
                    + "</p>"
                ),
                "nao_approved_on",
                "nao_reference",
            ),
            Fieldset(_("Size"), "employees", "payroll_hours"),
            Fieldset(_("Where you work"), "street", "city", "postal_code", "sites"),
            Fieldset(
                _("Primary contact"),
                "contact_first_name",
                "contact_last_name",
                "contact_title",
                "contact_email",
                "contact_phone",
            ),
            Div("website", css_class="d-none", aria_hidden="true"),
            submit=_("Send the application"),
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        fields = {name: data.get(name) for name in APPLICATION_FIELDS}
        try:
            check_application(
                classification_units=list(data.get("classification_units") or []), **fields
            )
        except ValidationError as error:
            for field, messages in error.message_dict.items():
                for message in messages:
                    if field in self.fields and field not in self.errors:
                        self.add_error(field, message)
                    elif field not in self.fields:
                        self.add_error(None, message)
        return data

    def _post_clean(self) -> None:
        # The service validates the model; the form's own checks are enough here.
        pass


class DecisionForm(forms.Form):
    """Approve (optional note) or reject (the reason the applicant receives)."""

    reason = forms.CharField(
        label=_("Reason"), widget=forms.Textarea(attrs={"rows": 4}), required=False
    )

    def __init__(self, *args: Any, instance: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)


class ChangeLogFilterForm(forms.Form):
    """The change log's filters: who (a username or name), which kind of record, from and to
    which day."""

    # A name to search for, not a list of every login of the portal (thousands).
    who = forms.CharField(
        label=_("Changed by"),
        required=False,
        max_length=150,
        widget=forms.TextInput(attrs={"placeholder": _("Username or name"), "type": "search"}),
    )
    kind = forms.ChoiceField(label=_("Kind of record"), required=False)
    since = forms.DateField(label=_("From"), required=False, widget=DateInput())
    until = forms.DateField(label=_("To"), required=False, widget=DateInput())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        from .changelog import kind_choices

        super().__init__(*args, **kwargs)
        kind = self.fields["kind"]
        assert isinstance(kind, forms.ChoiceField)
        kind.choices = [("", _("Any kind")), *kind_choices()]
