"""Serializer fields stricter than DRF's defaults, so the API takes exactly what it documents."""

from typing import Any

from rest_framework import serializers

FORM_TRUE = {"true", "on"}
FORM_FALSE = {"false", "off"}


class StrictBooleanField(serializers.BooleanField):
    """A boolean: ``true`` or ``false`` in JSON. (DRF's also takes 1, 0, "yes", "f"…)

    A multipart form carries only text, so there "true"/"false" (any case) and a checkbox's
    "on"/"off" are read too.
    """

    def to_internal_value(self, data: Any) -> bool:
        if isinstance(data, bool):
            return data
        request = self.context.get("request")
        form = request is not None and "form" in (request.content_type or "")
        if form and isinstance(data, str):
            if data.lower() in FORM_TRUE:
                return True
            if data.lower() in FORM_FALSE:
                return False
        self.fail("invalid", input=data)
        raise AssertionError("unreachable")  # pragma: no cover


class StrictCharField(serializers.CharField):
    """Text that must be sent as text: DRF's CharField would turn 0 or true into "0", "True"."""

    def to_internal_value(self, data: Any) -> str:
        if not isinstance(data, str):
            self.fail("invalid")
        return super().to_internal_value(data)
