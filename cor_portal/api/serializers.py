from rest_framework import serializers


class ErrorSerializer(serializers.Serializer):
    """An error answer: a message, and for a 400 the errors of each field."""

    detail = serializers.CharField(help_text="What went wrong, in plain words.")
    errors = serializers.DictField(  # type: ignore[assignment]
        child=serializers.ListField(child=serializers.CharField()),
        required=False,
        help_text="For a 400: each field's messages; non-field messages under 'non_field_errors'.",
    )
