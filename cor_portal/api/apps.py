from django.apps import AppConfig
from django.db import models


class ApiConfig(AppConfig):
    """The shared API pieces; on start, model booleans and text map to the strict fields."""

    name = "cor_portal.api"
    label = "portal_api"

    def ready(self) -> None:
        from rest_framework import serializers

        from .fields import StrictBooleanField, StrictCharField

        mapping = serializers.ModelSerializer.serializer_field_mapping
        mapping[models.BooleanField] = StrictBooleanField
        mapping[models.CharField] = StrictCharField
        mapping[models.TextField] = StrictCharField
