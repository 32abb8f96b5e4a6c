from typing import Any, cast

from django.urls import reverse
from rest_framework import serializers

from ..choices import Program
from ..models import (
    EMPLOYER_DETAIL_FIELDS,
    ClassificationUnit,
    Contact,
    Employer,
    GapAnalysis,
    Interaction,
)
from ..services import LIFECYCLE_ACTIONS


class ClassificationUnitSerializer(serializers.ModelSerializer):
    class Meta:
        model = ClassificationUnit
        fields = ["id", "code", "description", "aligned"]


class EmployerSerializer(serializers.ModelSerializer):
    """An employer as read; status and size class change only through their services."""

    classification_units = serializers.SlugRelatedField(
        slug_field="code", many=True, queryset=ClassificationUnit.objects.all()
    )

    class Meta:
        model = Employer
        fields = [
            "id",
            *EMPLOYER_DETAIL_FIELDS,
            "classification_units",
            "size_class",
            "status",
            "status_changed_on",
            "created_at",
            "updated_at",
        ]
        read_only_fields = [
            "size_class",
            "status",
            "status_changed_on",
            "created_at",
            "updated_at",
        ]
        # Uniqueness and R-1 checks belong to the service, which answers with field errors.
        extra_kwargs: dict[str, dict[str, Any]] = {"account_number": {"validators": []}}


class TransitionSerializer(serializers.Serializer):
    """A lifecycle move: which action, why, and on which date (default today)."""

    action = serializers.ChoiceField(choices=sorted(LIFECYCLE_ACTIONS))
    reason = serializers.CharField()
    on = serializers.DateField(required=False)
    program = serializers.ChoiceField(choices=Program.choices, required=False)


class ContactSerializer(serializers.ModelSerializer):
    employer = serializers.PrimaryKeyRelatedField(queryset=Employer.objects.all())
    has_portal_login = serializers.SerializerMethodField()

    class Meta:
        model = Contact
        fields = [
            "id",
            "employer",
            "first_name",
            "last_name",
            "title",
            "email",
            "phone",
            "is_primary",
            "has_portal_login",
        ]
        validators: list = []  # the service moves the primary flag instead of refusing

    def get_has_portal_login(self, contact: Contact) -> bool:
        return contact.user_id is not None

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            employer = cast(serializers.PrimaryKeyRelatedField, self.fields["employer"])
            employer.queryset = Employer.objects.visible_to(request.user)
        if self.instance is not None and not isinstance(self.instance, list):
            self.fields["employer"].read_only = True


class InteractionSerializer(serializers.ModelSerializer):
    employer = serializers.PrimaryKeyRelatedField(queryset=Employer.objects.all())
    staff_member: serializers.StringRelatedField = serializers.StringRelatedField()

    class Meta:
        model = Interaction
        fields = [
            "id",
            "employer",
            "kind",
            "source",
            "occurred_on",
            "staff_member",
            "summary",
            "notes",
            "follow_up_due",
            "follow_up_done_on",
        ]


class GapAnalysisSerializer(serializers.ModelSerializer):
    employer = serializers.PrimaryKeyRelatedField(queryset=Employer.objects.all())
    stage = serializers.CharField(read_only=True)
    consultant: serializers.StringRelatedField = serializers.StringRelatedField()
    report_url = serializers.SerializerMethodField()

    class Meta:
        model = GapAnalysis
        fields = [
            "id",
            "employer",
            "stage",
            "offered_on",
            "requested_on",
            "scheduled_on",
            "completed_on",
            "declined_on",
            "consultant",
            "findings",
            "report_url",
        ]

    def get_report_url(self, gap: GapAnalysis) -> str | None:
        if not gap.report:
            return None
        return reverse("employers:gap-analysis-report", args=[gap.pk])
