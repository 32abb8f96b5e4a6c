"""Form pieces of the shared look: date inputs, crispy layouts and confirmation forms."""

from typing import Any

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Layout, Submit
from django import forms
from django.utils.functional import Promise


class DateInput(forms.DateInput):
    """The browser's date picker, exchanging dates as 2026-03-31."""

    input_type = "date"

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(format="%Y-%m-%d", **kwargs)


def form_helper(*layout: Any, submit: str | Promise) -> FormHelper:
    """Return a crispy helper laying out the fields with one submit button (no form tag)."""
    helper = FormHelper()
    helper.form_tag = False
    helper.layout = Layout(*layout)
    helper.add_input(Submit("submit", submit))
    return helper


class ConfirmForm(forms.Form):
    """An empty form that confirms a destructive action (POST with the CSRF token)."""

    def __init__(self, *args: Any, instance: Any = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)


class ServiceModelForm(forms.ModelForm):
    """A model form whose cleaned fields are a service's keyword arguments."""

    def service_fields(self) -> dict[str, Any]:
        """Return the form's model fields as keyword arguments (a cleared file becomes "")."""
        data = {name: self.cleaned_data[name] for name in self._meta.fields or ()}
        return {
            name: "" if value is False and isinstance(self.fields[name], forms.FileField) else value
            for name, value in data.items()
        }
