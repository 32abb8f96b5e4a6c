"""Shared view mixins: service-backed forms and lists with search, filters and export."""

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.http import HttpResponse, HttpResponseRedirect
from django.utils.functional import Promise
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin
from django_tables2.export.views import ExportMixin

from .forms import QuickSelect


def add_service_errors(form: Any, error: ValidationError) -> None:
    """Show a service's ValidationError on the form: beside its field, or at the top."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            target = field if field in form.fields else None
            for item in errors:
                form.add_error(None if target in (None, NON_FIELD_ERRORS) else target, item)
    else:
        for message in error.messages:
            form.add_error(None, message)


class ServiceFormMixin:
    """Call a service from ``perform(form)`` and show its refusals on the form.

    ``perform`` returns the object it saved (named in ``success_message`` as ``%(object)s``);
    the page then goes to ``get_success_url_for(object)``, by default the object's page. A
    ``perform`` may return a URL instead, when its message names no object.
    """

    success_message: str = ""

    def perform(self, form: Any) -> Any:  # pragma: no cover - every subclass defines it
        raise NotImplementedError

    def get_success_url_for(self, result: Any) -> str:
        """Return where to go after ``perform``: the URL it returned, or its object's page."""
        return result if isinstance(result, str) else result.get_absolute_url()

    def form_valid(self, form: Any) -> HttpResponse:
        try:
            result = self.perform(form)
        except ValidationError as error:
            add_service_errors(form, error)
            return self.form_invalid(form)  # type: ignore[attr-defined]
        if self.success_message:
            messages.success(self.request, self.success_message % {"object": result})  # type: ignore[attr-defined]
        return HttpResponseRedirect(self.get_success_url_for(result))


class ListPageMixin(ExportMixin, SingleTableMixin, FilterView):
    """A staff list: search and filters above a sortable, paginated table with CSV/XLSX export."""

    paginate_by = 25
    export_formats = ("csv", "xlsx")
    template_name = "ui/list.html"
    # Words shown on the page: plain or lazily translated strings.
    title: str | Promise = ""
    create_url_name = ""
    create_label: str | Promise = ""
    empty_title: str | Promise = ""
    empty_hint: str | Promise = ""
    export_name = "export"

    def get_filterset(self, filterset_class: Any) -> Any:
        """Return the filters, their plain selects writing options without a template each."""
        filterset = super().get_filterset(filterset_class)
        for field in filterset.form.fields.values():
            if type(field.widget) is forms.Select:
                field.widget.__class__ = QuickSelect  # the same HTML, written in Python
        return filterset

    def get_paginate_by(self, queryset: Any) -> int | None:
        """Leave paging to the table: the list view's own page would count the rows again."""
        return None

    def get_table_pagination(self, table: Any) -> dict[str, Any]:
        return {"per_page": self.paginate_by}

    def get_template_names(self) -> list[str]:
        """Return only the results for an htmx request (search as you type, paging, sorting)."""
        if getattr(self.request, "htmx", False):
            return ["ui/_list_results.html"]
        return super().get_template_names()

    def get_export_filename(self, export_format: str) -> str:
        return f"{self.export_name}.{export_format}"

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        context = super().get_context_data(**kwargs)
        context.update(
            title=self.title,
            create_url_name=self.create_url_name,
            create_label=self.create_label,
            empty_title=self.empty_title,
            empty_hint=self.empty_hint,
            filtered=any(v for k, v in self.request.GET.items() if k not in {"page", "sort"}),
        )
        return context
