"""Template tags of the shared look: status tags, money and dates, list rows and filter fields."""

from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from crispy_forms.templatetags.crispy_forms_filters import as_crispy_field
from django import forms, template
from django.db import models
from django.template.base import render_value_in_context
from django.templatetags.l10n import localize, unlocalize
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django_tables2.columns import ManyToManyColumn

from cor_portal.ui.forms import DateInput, QuickSelect

register = template.Library()

# Every status shows a colour and a word (never colour alone). Unknown statuses are grey.
TONES = {
    "enquiry": "info",
    "registered": "primary",
    "certification_in_progress": "warning",
    "certified": "success",
    "lapsed": "danger",
    "withdrawn": "secondary",
    "removed": "dark",
    "offered": "info",
    "requested": "primary",
    "scheduled": "warning",
    "completed": "success",
    "declined": "secondary",
    "overdue": "danger",
    "due": "warning",
    "done": "success",
    "large": "primary",
    "small": "info",
    # Auditors and countdowns to an expiry.
    "in_training": "info",
    "student": "info",
    "suspended": "danger",
    "retired": "secondary",
    "valid": "success",
    "expiring": "warning",
    "expired": "danger",
    "filed": "success",
    "missing": "danger",
    "satisfactory": "success",
    "improvement": "warning",
    "unsatisfactory": "danger",
    # Training sessions and their enrolments.
    "upcoming": "primary",
    "past": "secondary",
    "full": "warning",
    "pending": "secondary",
    "passed": "success",
    "failed": "danger",
    "absent": "warning",
    # Audits, their extensions, cycle years and certificates.
    "planned": "primary",
    "notice_filed": "info",
    "in_progress": "warning",
    "onsite_complete": "info",
    "submitted": "primary",
    "in_qa": "primary",
    "returned": "warning",
    "resubmitted": "primary",
    "approved": "success",
    "unsuccessful": "danger",
    "verification_required": "danger",
    "cancelled": "secondary",
    "refused": "danger",
    "missed": "danger",
    "superseded": "secondary",
    "not yet valid": "info",
    # Rows of an import preview.
    "new": "success",
    "update": "primary",
    "unchanged": "secondary",
    "error": "danger",
}


@register.simple_tag
def status_tag(value: str, label: str | None = None) -> str:
    """Return a status tag: a coloured badge with the status in words."""
    tone = TONES.get(str(value), "secondary")
    text = label if label is not None else str(value).replace("_", " ").capitalize()
    return format_html('<span class="badge status-tag text-bg-{}">{}</span>', tone, text)


@register.filter
def money(value: object) -> str:
    """Format an amount as $229,800.00 (cents half up)."""
    if value in (None, ""):
        return ""
    try:
        amount = Decimal(str(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)
    except (InvalidOperation, ValueError):
        return str(value)
    if not amount.is_finite():  # a quiet NaN quantizes without complaint, then cannot compare
        return str(value)
    sign = "-" if amount < 0 else ""
    return f"{sign}${abs(amount):,.2f}"


@register.simple_tag(takes_context=True)
def query_transform(context, **changes) -> str:
    """Return the current query string with some parameters replaced (for links in lists)."""
    params = context["request"].GET.copy()
    for key, value in changes.items():
        if value in (None, ""):
            params.pop(key, None)
        else:
            params[key] = value
    return params.urlencode()


@register.filter
def percent(value: object) -> str:
    """Format a percent to 2 decimals, cut rather than rounded: 79.995 shows 79.99%.

    Pass marks apply to the exact value (R-10), so a failing score never shows as 80.00%.
    """
    if value in (None, ""):
        return ""
    try:
        amount = Decimal(str(value)).quantize(Decimal("0.01"), rounding=ROUND_DOWN)
    except (InvalidOperation, ValueError):
        return str(value)
    if not amount.is_finite():
        return str(value)
    return f"{amount:.2f}%"


def _fixed_cell_attributes(table, column) -> str | None:
    """A column's ``<td>`` attributes when no row changes them (none computed), else None."""
    for attrs in (table.attrs, column.column.attrs):
        for key in ("td", "cell"):
            if any(callable(value) for value in dict(attrs.get(key) or {}).values()):
                return None
    return column.attrs["td"].as_html()


# Where a cell's value cannot be read directly: django-tables2 reads it.
_TABLES2_READS = object()


def _model_path(table, column) -> tuple[str, ...] | None:
    """The attribute path of a column's value when it can be read straight off model records;
    None when django-tables2 must read it (not model records, a field with choices, whose
    label it shows, or a many-to-many column)."""
    model = getattr(table.data, "model", None)
    if model is None or isinstance(column.column, ManyToManyColumn):
        return None
    if getattr(column.accessor.get_field(model), "choices", None):
        return None
    return tuple(column.accessor.bits) or None


def _read(record: Any, path: tuple[str, ...]) -> Any:
    """The value at ``path`` as django-tables2's accessor reads it off a model record (its
    first lookup, ``record[bit]``, fails on a model), stopping at None; ``_TABLES2_READS``
    for anything else: a callable, a step that is not a model, a failing lookup."""
    current = record
    for bit in path:
        if not isinstance(current, models.Model):
            return _TABLES2_READS
        try:
            current = getattr(current, bit)
        except Exception:  # noqa: BLE001 - any failed lookup: django-tables2 decides
            return _TABLES2_READS
        if callable(current):
            return _TABLES2_READS
        if current is None:
            return None
    return current


@register.simple_tag(takes_context=True)
def table_rows(context, table) -> str:
    """The ``<tr>`` rows of a list's table page, the same HTML as django-tables2's
    bootstrap5 template writes with a template loop per cell, written here in one pass.

    The cells are what ``BoundRow.get_cell`` returns (render methods, links, defaults); a
    25-row page of seven columns no longer runs ~175 template loop bodies with their variable
    lookups. The visible columns, their defaults and their cell attributes are read once per
    page rather than once per cell (``BoundRow.items`` finds each cell's column by name among
    all of them), and a value on a model record is read by its attribute path rather than
    through django-tables2's general accessor; attributes a row computes are still computed
    per row. ``tests/test_list_markup.py`` holds every list's rows to django-tables2's
    template.
    """
    columns = [
        (
            column,
            _fixed_cell_attributes(table, column),
            None if callable(column.column._default) else column.default,
            _model_path(table, column),
        )
        for column in table.columns
    ]
    rows = []
    for row in table.paginated_rows:
        cells = []
        for column, attributes, fixed_default, path in columns:
            default = column.default if fixed_default is None else fixed_default
            value = _TABLES2_READS if path is None else _read(row.record, path)
            if value is _TABLES2_READS:  # what BoundRow.get_cell does once it has the column
                cell = row._get_and_render_with(
                    column, render_func=row._call_render, default=default
                )
            elif value in column.column.empty_values:
                cell = default
            else:
                cell = row._call_render(column, value)
            # What BoundRow.items sets, for attributes computed from the cell.
            column.current_value, column.current_record = cell, row.record
            if column.localize is None:
                text = render_value_in_context(cell, context)
            else:
                text = conditional_escape(localize(cell) if column.localize else unlocalize(cell))
            if attributes is None:
                attributes = column.attrs["td"].as_html()
            cells.append(f"<td {attributes}>{text}</td>")
        rows.append(f"<tr {row.attrs.as_html()}>{''.join(cells)}</tr>")
    return mark_safe("\n".join(rows))  # every part is escaped above


# The Bootstrap control class crispy-forms gives each widget a list's filter uses.
_FILTER_CONTROLS: dict[type, str] = {
    forms.TextInput: "form-control",
    forms.NumberInput: "form-control",
    forms.DateInput: "form-control",
    DateInput: "form-control",
    QuickSelect: "form-select",
}


@register.filter
def filter_field(field: forms.BoundField) -> str:
    """A list filter's field with its label: the markup crispy-forms writes for it
    (``as_crispy_field``, Bootstrap 5) without its field template, a tenth of a list page.

    Written here for the filters' plain case: a text, number, date or select input with no
    error, no help text and not required; anything else goes through crispy-forms.
    ``tests/test_list_markup.py`` holds every list's filter fields to crispy's markup.
    """
    widget = field.field.widget
    control = _FILTER_CONTROLS.get(type(widget))
    if control is None or field.errors or field.help_text or field.field.required:
        return as_crispy_field(field)
    own = widget.attrs.get("class", "")
    kind = type(widget).__name__.lower()
    classes = " ".join(
        filter(None, [own, "" if kind in own else kind, "" if control in own.split() else control])
    )
    return format_html(
        '<div id="div_{}" class="mb-3"><label for="{}" class="form-label">{}</label>{}</div>',
        field.auto_id,
        field.id_for_label,
        field.label,
        field.as_widget(attrs={"class": classes}),
    )
