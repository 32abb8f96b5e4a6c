"""The API's filter backend: integers filter by whole numbers, booleans by true or false."""

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.db import models
from django_filters import rest_framework as filters
from django_filters.filters import BooleanFilter


class IntegerFilter(filters.NumberFilter):
    """Filter by a whole number (django-filter's NumberFilter would take 0.5)."""

    field_class = forms.IntegerField


class StrictBooleanFormField(forms.Field):
    """``true`` or ``false`` (any case); absent or empty is no filter. Anything else is an error
    (django-filter's would read "null" or "maybe" as no filter)."""

    def to_python(self, value: Any) -> bool | None:
        if value in (None, ""):
            return None
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
