"""The API's filter backend: a filter given is a value of its type.

Integers filter by whole numbers, booleans by true or false, dates by YYYY-MM-DD; a parameter
given empty (``?starts_on=``) is an error like any other bad value, not "no filter".
"""

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django_filters import rest_framework as filters
from django_filters.filters import BooleanFilter

EMPTY = "Give a value, or leave the parameter out."


class GivenMeansValue:
    """A form field mixin: absent is no filter, present but empty is an error."""

    def to_python(self, value: Any) -> Any:
        if value == "":
            raise ValidationError(EMPTY, code="empty")
        return super().to_python(value)  # type: ignore[misc]


class StrictIntegerField(GivenMeansValue, forms.IntegerField):
    pass


class StrictDateField(GivenMeansValue, forms.DateField):
    pass


class IntegerFilter(filters.NumberFilter):
    """Filter by a whole number (django-filter's NumberFilter would take 0.5)."""

    field_class = StrictIntegerField


class StrictDateFilter(filters.DateFilter):
    field_class = StrictDateField


class StrictBooleanFormField(forms.Field):
    """``true`` or ``false`` (any case); absent is no filter. Anything else is an error
    (django-filter's would read "null" or "maybe" as no filter)."""

    def to_python(self, value: Any) -> bool | None:
        if value is None:
            return None
        if value == "":
            raise ValidationError(EMPTY, code="empty")
        text = str(value).lower()
        if text in ("true", "false"):
            return text == "true"
        raise ValidationError("Give true or false.", code="invalid")


class StrictBooleanFilter(BooleanFilter):
    """A boolean filter reading the raw value (DRF's BooleanWidget would turn junk into None)."""

    field_class = StrictBooleanFormField


class PortalFilterSet(filters.FilterSet):
    """The FilterSet behind ``filterset_fields``: integers for integer fields, strict booleans."""

    FILTER_DEFAULTS = {
        **filters.FilterSet.FILTER_DEFAULTS,
        models.BooleanField: {"filter_class": StrictBooleanFilter},
        models.DateField: {"filter_class": StrictDateFilter},
        **{
            field: {"filter_class": IntegerFilter}
            for field in (
                models.IntegerField,
                models.SmallIntegerField,
                models.BigIntegerField,
                models.PositiveIntegerField,
                models.PositiveSmallIntegerField,
                models.PositiveBigIntegerField,
            )
        },
    }


class PortalFilterBackend(filters.DjangoFilterBackend):
    """django-filter's backend, building ``filterset_fields`` filters on PortalFilterSet."""

    filterset_base = PortalFilterSet
