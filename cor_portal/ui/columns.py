"""Table columns of the lists, where django-tables2's own cost too much per cell.

django-tables2 writes a date or a date and time by rendering a template per cell
(``{{ value|date:… }}``): at 25 rows of three dates that was a fifth of a list page. These
columns write the same text in Python (the portal's ISO 8601 formats directly, any other
through Django's date formatting). They are registered with django-tables2's column
library, so a model date field listed in a table's ``Meta.fields`` gets them too. A date
does not wrap in its cell.
"""

from datetime import date, datetime
from typing import Any

import django_tables2 as tables
from django.db import models
from django.utils import timezone
from django.utils.formats import FORMAT_SETTINGS, date_format, get_format
from django_tables2.columns.base import library


def _kept_on_one_line(kwargs: dict[str, Any]) -> dict[str, Any]:
    """A date does not wrap in its cell (2026-12-06 split after the second hyphen)."""
    attrs = dict(kwargs.get("attrs") or {})
    cell = dict(attrs.get("td") or {})
    cell["class"] = " ".join(filter(None, [cell.get("class", ""), "text-nowrap"]))
    attrs["td"] = cell
    return {**kwargs, "attrs": attrs}


def _iso(value: date | datetime, format: str) -> str | None:
    """The portal's own formats (ISO 8601, ``cor_portal.formats``) written directly, as
    Django's date formatting writes them (a four-digit year); None for any other format."""
    day = f"{value.year:04d}-{value.month:02d}-{value.day:02d}"
    if format == "Y-m-d":
        return day
    if format == "Y-m-d H:i" and isinstance(value, datetime):
        return f"{day} {value.hour:02d}:{value.minute:02d}"
    return None


def _written(value: Any, format: str) -> str:
    """What ``{{ value|date:format }}`` writes: local time for an aware date and time."""
    if isinstance(value, datetime) and timezone.is_aware(value):
        value = timezone.localtime(value)
    if isinstance(value, date):
        # A format setting's name is looked up (per language); a format itself is used as is.
        written = _iso(value, get_format(format) if format in FORMAT_SETTINGS else format)
        if written is not None:
            return written
    try:
        return date_format(value, format)
    except (AttributeError, TypeError, ValueError):
        return ""


class _DatedColumn(tables.Column):
    """A date or a date and time written in ``format`` (a Django date format or the name of
    a format setting; the short form by default)."""

    formats = ("SHORT_DATE_FORMAT", "DATE_FORMAT")  # short, long

    def __init__(self, format: str | None = None, short: bool = True, **kwargs: Any) -> None:
        self.format = format or self.formats[0 if short else 1]
        super().__init__(**_kept_on_one_line(kwargs))

    @classmethod
    def from_field(cls, field, **kwargs):
        return cls(**kwargs) if cls.writes(field) else None

    @staticmethod
    def writes(field: models.Field) -> bool:
        raise NotImplementedError

    def render(self, value: Any) -> str:
        return _written(value, self.format) or self.default


@library.register
class DateColumn(_DatedColumn):
    """A date; exported in ISO 8601."""

    @staticmethod
    def writes(field: models.Field) -> bool:
        return isinstance(field, models.DateField) and not isinstance(field, models.DateTimeField)

    def value(self, value: Any, **kwargs: Any) -> Any:
        return value.isoformat() if isinstance(value, date) else value


@library.register
class DateTimeColumn(_DatedColumn):
    """A date and time in local time; exported in ISO 8601 with a space."""

    formats = ("SHORT_DATETIME_FORMAT", "DATETIME_FORMAT")

    @staticmethod
    def writes(field: models.Field) -> bool:
        return isinstance(field, models.DateTimeField)

    def value(self, value: Any, **kwargs: Any) -> Any:
        return value.isoformat(sep=" ") if isinstance(value, datetime) else value
