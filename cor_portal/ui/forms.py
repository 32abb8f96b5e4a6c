"""Form pieces of the shared look: date inputs, crispy layouts and confirmation forms."""

from typing import Any

from crispy_forms.helper import FormHelper
from crispy_forms.layout import Layout, Submit
from django import forms
from django.utils.functional import Promise
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe


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


class QuickSelect(forms.Select):
    """A select that writes its options in Python instead of one template per option.

    The same HTML as Django's ``select.html`` and ``select_option.html``; a filter listing
    hundreds of records (every auditor) renders in a few milliseconds instead of hundreds.
    """

    @staticmethod
    def _attrs(attrs: dict[str, Any]) -> SafeString:
        return format_html_join(
            "",
            "{}",
            (
                (
                    format_html(" {}", name)
                    if value is True
                    else format_html(' {}="{}"', name, value),
                )
                for name, value in attrs.items()
                if value is not False and value is not None
            ),
        )

    def render(
        self, name: str, value: Any, attrs: dict[str, Any] | None = None, renderer: Any = None
    ) -> SafeString:
        widget = self.get_context(name, value, attrs)["widget"]
        parts = [format_html('<select name="{}"{}>', widget["name"], self._attrs(widget["attrs"]))]
        for group_name, options, _index in widget["optgroups"]:
            if group_name:
                parts.append(format_html('<optgroup label="{}">', group_name))
            parts.extend(
                format_html(
                    '<option value="{}"{}>{}</option>',
                    str(option["value"]),
                    self._attrs(option["attrs"]),
                    option["label"],
                )
                for option in options
            )
            if group_name:
                parts.append(mark_safe("</optgroup>"))
        parts.append(mark_safe("</select>"))
        return mark_safe("\n".join(parts))
