"""What the auditor register's API reads and accepts; every change is made by a service."""

from datetime import date
from typing import Any, cast

from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from cor_portal.accounts.choices import Role
from employers.choices import Region, Sector
from employers.models import Employer

from ..choices import EAQAOutcome, EnrolmentResult
from ..models import (
    EAQA,
    AnnualDeclaration,
    Auditor,
    ConsultingEngagement,
    Course,
    CPDActivity,
    Enrolment,
    TrainingSession,
)

User = get_user_model()


class ServedField(serializers.ListField):
    """The regions or sectors an auditor serves: a list of codes, each given once."""

    def __init__(self, *, attr: str, choices: Any, **kwargs: Any) -> None:
        self.attr = attr
        kwargs.setdefault("required", False)
        super().__init__(child=serializers.ChoiceField(choices=choices), **kwargs)

    def to_representation(self, data: Any) -> list[str]:
        return [getattr(item, self.attr) for item in data.all()]

    def to_internal_value(self, data: Any) -> list[str]:
        return list(dict.fromkeys(super().to_internal_value(data)))


class AuditorSerializer(serializers.ModelSerializer):
    """An auditor as read; the standing and its dates change only through their services.

    The login's username is given once, on create. Staff notes are shown to staff only.
    """

    username = serializers.CharField(source="user.username", max_length=150)
    first_name = serializers.CharField(source="user.first_name", max_length=150)
    last_name = serializers.CharField(source="user.last_name", max_length=150)
    email = serializers.EmailField(source="user.email", max_length=254)
    name = serializers.CharField(read_only=True)
    employer = serializers.PrimaryKeyRelatedField(
        queryset=Employer.objects.all(), required=False, allow_null=True
    )
    regions = ServedField(attr="region", choices=Region.choices)
    sectors = ServedField(attr="sector", choices=Sector.choices)

    class Meta:
        model = Auditor
        fields = [
            "id",
            "username",
            "first_name",
            "last_name",
            "email",
            "name",
            "kind",
            "employer",
            "status",
            "status_changed_on",
            "certification_number",
            "certified_on",
            "expires_on",
            "trained_on",
            "student_audit_due",
            "student_audit_completed_on",
            "phone",
            "company",
            "city",
            "website",
            "listed_in_directory",
            "regions",
            "sectors",
            "notes",
            "created_at",
            "updated_at",
        ]
        read_only_fields = [
            "status",
            "status_changed_on",
            "certified_on",
            "expires_on",
            "trained_on",
            "student_audit_due",
            "student_audit_completed_on",
            "created_at",
            "updated_at",
        ]
        # The uniqueness of the certification number belongs to the service (a field error).
        extra_kwargs: dict[str, dict[str, Any]] = {"certification_number": {"validators": []}}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if self.instance is not None:
            self.fields["username"].read_only = True
        request = self.context.get("request")
        if request is not None and getattr(request.user, "role", None) != Role.STAFF:
            self.fields.pop("notes")

    def service_fields(self) -> dict[str, Any]:
        """Return the validated data as the services take it: the login's fields flattened."""
        data = dict(cast(dict[str, Any], self.validated_data))
        data.update(data.pop("user", {}))
        return data


class StandingQuerySerializer(serializers.Serializer):
    """The question: may this auditor audit this employer from this date?"""

    employer = serializers.PrimaryKeyRelatedField(
        queryset=Employer.objects.all(), help_text=_("The employer to be audited (its id).")
    )
    starts_on = serializers.DateField(help_text=_("The audit's start date, YYYY-MM-DD."))

    def validate_starts_on(self, value: date) -> date:
        if not 2000 <= value.year <= 2100:
            raise serializers.ValidationError(_("Give a date between 2000 and 2100."))
        return value


class StandingSerializer(serializers.Serializer):
    """The answer, with every reason when it is no (R-7)."""

    eligible = serializers.BooleanField()
    reasons = serializers.ListField(child=serializers.CharField())


class DirectoryAuditorSerializer(serializers.ModelSerializer):
    """An external auditor as the directory shows them to employers: directory fields only."""

    name = serializers.CharField(read_only=True)
    email = serializers.EmailField(read_only=True)
    regions = ServedField(attr="region", choices=Region.choices, read_only=True)
    sectors = ServedField(attr="sector", choices=Sector.choices, read_only=True)

    class Meta:
        model = Auditor
        fields = ["id", "name", "company", "city", "regions", "sectors", "phone", "email"]
        read_only_fields = fields


# Training -----------------------------------------------------------------------------------


class TrainingSessionSerializer(serializers.ModelSerializer):
    course = serializers.PrimaryKeyRelatedField(queryset=Course.objects.all())
    course_name = serializers.CharField(source="course.name", read_only=True)
    enrolled = serializers.IntegerField(read_only=True, help_text=_("People enrolled."))

    class Meta:
        model = TrainingSession
        fields = [
            "id",
            "course",
            "course_name",
            "starts_on",
            "ends_on",
            "location",
            "online",
            "capacity",
            "instructor",
            "notes",
            "enrolled",
        ]


class EnrolmentSerializer(serializers.ModelSerializer):
    """An enrolment; attendance and result are recorded with the ``result`` action."""

    session = serializers.PrimaryKeyRelatedField(queryset=TrainingSession.objects.all())
    auditor = serializers.PrimaryKeyRelatedField(
        queryset=Auditor.objects.all(), required=False, allow_null=True
    )
    employer = serializers.PrimaryKeyRelatedField(
        queryset=Employer.objects.all(), required=False, allow_null=True
    )

    class Meta:
        model = Enrolment
        fields = [
            "id",
            "session",
            "auditor",
            "employer",
            "name",
            "email",
            "attended",
            "result",
            "enrolled_on",
        ]
        read_only_fields = ["attended", "result", "enrolled_on"]
        validators: list = []  # "already enrolled" is the service's field error


class EnrolmentResultSerializer(serializers.Serializer):
    """Attendance and result of an enrolment; a pass needs attendance."""

    attended = serializers.BooleanField()
    result = serializers.ChoiceField(choices=EnrolmentResult.choices)


# An auditor's own records -------------------------------------------------------------------


class AuditorOwnedSerializer(serializers.ModelSerializer):
    """A record of one auditor, named on create from those the user may see; fixed after."""

    auditor = serializers.PrimaryKeyRelatedField(queryset=Auditor.objects.all())

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            field = cast(serializers.PrimaryKeyRelatedField, self.fields["auditor"])
            field.queryset = Auditor.objects.visible_to(request.user)
        if self.instance is not None and not isinstance(self.instance, list):
            self.fields["auditor"].read_only = True


class CPDActivitySerializer(AuditorOwnedSerializer):
    """A CPD log entry; the evidence PDF is sent as a multipart upload."""

    evidence = serializers.FileField(write_only=True, required=False)
    evidence_url = serializers.SerializerMethodField()

    class Meta:
        model = CPDActivity
        fields = [
            "id",
            "auditor",
            "activity",
            "kind",
            "done_on",
            "hours",
            "evidence",
            "evidence_url",
        ]

    def get_evidence_url(self, activity: CPDActivity) -> str | None:
        if not activity.evidence:
            return None
        return reverse("auditors:cpd-evidence", args=[activity.pk])


def _confirmed(value: bool) -> None:
    if value is not True:
        raise serializers.ValidationError(_("Confirm this to file the declaration."))


class DeclarationSerializer(AuditorOwnedSerializer):
    """An annual declaration: filed once per year, every attestation confirmed."""

    follows_code_of_ethics = serializers.BooleanField(validators=[_confirmed])
    independent = serializers.BooleanField(validators=[_confirmed])
    information_accurate = serializers.BooleanField(validators=[_confirmed])

    class Meta:
        model = AnnualDeclaration
        fields = [
            "id",
            "auditor",
            "year",
            "cpd_hours",
            "follows_code_of_ethics",
            "independent",
            "information_accurate",
            "submitted_on",
        ]
        read_only_fields = ["submitted_on"]
        validators: list = []  # "already filed" is the service's field error


class EngagementSerializer(AuditorOwnedSerializer):
    """Consulting work for an employer: the facts behind R-7's cooling-off period."""

    employer = serializers.PrimaryKeyRelatedField(queryset=Employer.objects.all())
    employer_name = serializers.CharField(source="employer.legal_name", read_only=True)

    class Meta:
        model = ConsultingEngagement
        fields = [
            "id",
            "auditor",
            "employer",
            "employer_name",
            "started_on",
            "ended_on",
            "description",
            "source",
        ]
        read_only_fields = ["source"]


# EAQA (R-15) --------------------------------------------------------------------------------


class EAQASerializer(serializers.ModelSerializer):
    reviewer: serializers.StringRelatedField = serializers.StringRelatedField()
    report_url = serializers.SerializerMethodField()

    class Meta:
        model = EAQA
        fields = [
            "id",
            "auditor",
            "year",
            "planned_on",
            "conducted_on",
            "reviewer",
            "findings",
            "outcome",
            "report_url",
        ]
        read_only_fields = fields

    def get_report_url(self, eaqa: EAQA) -> str | None:
        if not eaqa.report:
            return None
        return reverse("auditors:eaqa-report", args=[eaqa.pk])


class EAQARecordSerializer(serializers.Serializer):
    """An EAQA's result: when, by whom, what was found, the report and the outcome."""

    conducted_on = serializers.DateField()
    reviewer = serializers.PrimaryKeyRelatedField(
        queryset=User.objects.filter(role=Role.STAFF, is_active=True),
        required=False,
        allow_null=True,
    )
    findings = serializers.CharField(required=False, allow_blank=True)
    outcome = serializers.ChoiceField(choices=EAQAOutcome.choices, required=False, allow_blank=True)
    report = serializers.FileField(required=False)
