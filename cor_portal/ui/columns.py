"""Table columns of the lists, where django-tables2's own cost too much per cell.

django-tables2 writes a date or a date and time by rendering a template per cell
(``{{ value|date:… }}``): at 25 rows of three dates that was a fifth of a list page. These
columns write the same text in Python. They are registered with django-tables2's column
library, so a model date field listed in a table's ``Meta.fields`` gets them too. A date
does not wrap in its cell.
"""

from datetime import date, datetime
from typing import Any

import django_tables2 as tables
from django.utils import timezone
from django.utils.formats import date_format
from django_tables2.columns.base import library


def _kept_on_one_line(kwargs: dict[str, Any]) -> dict[str, Any]:
    """A date does not wrap in its cell (2026-12-06 split after the second hyphen)."""
    attrs = dict(kwargs.get("attrs") or {})
    cell = dict(attrs.get("td") or {})
    cell["class"] = " ".join(filter(None, [cell.get("class", ""), "text-nowrap"]))
    attrs["td"] = cell
    return {**kwargs, "attrs": attrs}


def _written(value: Any, format: str) -> str:
    """What ``{{ value|date:format }}`` writes: local time for an aware date and time."""
    if isinstance(value, datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    try:
        return date_format(value, format)
    except (AttributeError, TypeError, ValueError):
        return ""


@library.register
class DateColumn(tables.Column):
    """A date in ``format`` (a Django date format or setting name; the short date by
    default); exported in ISO 8601."""

    def __init__(self, format: str | None = None, short: bool = True, **kwargs: Any) -> None:
        self.format = format or ("SHORT_DATE_FORMAT" if short else "DATE_FORMAT")
        super().__init__(**_kept_on_one_line(kwargs))

    @classmethod
    def from_field(cls, field, **kwargs):
        from django.db import models

        if isinstance(field, models.DateField) and not isinstance(field, models.DateTimeField):
            return cls(**kwargs)
        return None

    def render(self, value: Any) -> str:
        return _written(value, self.format) or self.default

    def value(self, value: Any, **kwargs: Any) -> Any:
        return value.isoformat() if isinstance(value, date) else value


@library.register
class DateTimeColumn(tables.Column):
    """A date and time in local time in ``format`` (the short form by default); exported in
    ISO 8601 with a space."""

    def __init__(self, format: str | None = None, short: bool = True, **kwargs: Any) -> None:
        self.format = format or ("SHORT_DATETIME_FORMAT" if short else "DATETIME_FORMAT")
        super().__init__(**_kept_on_one_line(kwargs))

    @classmethod
    def from_field(cls, field, **kwargs):
        from django.db import models

        if isinstance(field, models.DateTimeField):
            return cls(**kwargs)
        return None

    def render(self, value: Any) -> str:
        return _written(value, self.format) or self.default

    def value(self, value: Any, **kwargs: Any) -> Any:
        return value.isoformat(sep=" ") if isinstance(value, datetime) else value
