"""The API of R-13 and R-14, staff only: similarity matches (read-only) and WIVA cases.

A WIVA case is opened with a POST, its next step recorded with ``POST .../step/`` (the
fields that step asks for, like its page's form) and cancelled with ``POST .../cancel/``;
every change goes through ``audits.services_wiva``.
"""

from typing import Any

from django.db.models import QuerySet
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.request import Request
from rest_framework.response import Response

from auditors.choices import AuditorKind, AuditorStatus
from auditors.models import Auditor
from cor_portal.api.permissions import RulesPermission
from employers.models import Employer

from .. import selectors_wiva, services_wiva
from ..choices import WivaStatus, WivaStep
from ..forms_wiva import STEP_FIELDS
from ..models import SimilarityMatch, WivaCase, WivaStepRecord

# Similarity (R-13) ---------------------------------------------------------------------------


class SimilarityMatchSerializer(serializers.ModelSerializer):
    """A report compared with an earlier report of another employer: score and passages."""

    employer = serializers.IntegerField(source="submission.audit.employer_id", read_only=True)
    earlier_employer = serializers.IntegerField(source="earlier.audit.employer_id", read_only=True)
    audit = serializers.IntegerField(source="submission.audit_id", read_only=True)
    earlier_audit = serializers.IntegerField(source="earlier.audit_id", read_only=True)

    class Meta:
        model = SimilarityMatch
        fields = [
            "id",
            "submission",
            "audit",
            "employer",
            "earlier",
            "earlier_audit",
            "earlier_employer",
            "score",
            "estimate",
            "threshold",
            "flagged",
            "passages",
            "checked_at",
        ]
        read_only_fields = fields


class SimilarityMatchViewSet(viewsets.ReadOnlyModelViewSet):
    """Reports compared with earlier reports of other employers (R-13); staff only.

    ``passages`` are word ranges ``{"a": [start, end], "b": [start, end]}`` in the two
    reports' extracted texts (a: ``submission``, b: ``earlier``).
    """

    serializer_class = SimilarityMatchSerializer
    permission_classes = [RulesPermission]
    section_permission = "audits.view_similarity"
    filterset_fields = ["submission", "earlier", "flagged"]
    ordering_fields = ["score", "checked_at"]
    ordering = ["-score", "-pk"]

    def get_queryset(self) -> QuerySet[SimilarityMatch]:
        return SimilarityMatch.objects.select_related("submission__audit", "earlier__audit")


# WIVA (R-14) ------------------------------------------------------------------------------------


class WivaStepRecordSerializer(serializers.ModelSerializer):
    name = serializers.CharField(source="get_step_display", read_only=True)
    actor = serializers.CharField(source="actor.display_name", read_only=True, default=None)

    class Meta:
        model = WivaStepRecord
        fields = ["step", "name", "done_on", "actor", "note"]
        read_only_fields = fields


class WivaCaseSerializer(serializers.ModelSerializer):
    employer_name = serializers.CharField(source="employer.legal_name", read_only=True)
    auditor = serializers.IntegerField(source="audit.lead_auditor_id", read_only=True, default=None)
    steps = WivaStepRecordSerializer(many=True, read_only=True)
    next_step = serializers.SerializerMethodField()
    opened_on = serializers.DateField(read_only=True)

    class Meta:
        model = WivaCase
        fields = [
            "id",
            "number",
            "employer",
            "employer_name",
            "audit",
            "auditor",
            "status",
            "reason",
            "budget",
            "estimate",
            "cost",
            "result",
            "notes",
            "cancel_reason",
            "opened_on",
            "next_step",
            "steps",
        ]
        read_only_fields = [f for f in fields if f not in ("employer", "budget", "reason", "notes")]

    def get_next_step(self, case: WivaCase) -> int | None:
        """The number of the step to record next (null when the case is closed)."""
        done = case.steps_done  # type: ignore[attr-defined]
        return done + 1 if case.status == WivaStatus.OPEN and done < len(WivaStep) else None


class WivaOpenSerializer(serializers.Serializer):
    employer = serializers.PrimaryKeyRelatedField(queryset=Employer.objects.all())
    budget = serializers.DecimalField(max_digits=10, decimal_places=2, min_value=0)
    reason = serializers.CharField(required=False, allow_blank=True, default="")
    notes = serializers.CharField(required=False, allow_blank=True, default="")


class WivaStepSerializer(serializers.Serializer):
    """The next step's date and note, and the fields that step asks for.

    Step 2 (select the auditor): ``auditor``, ``estimate``, ``starts_on``; step 3 (arrange):
    ``starts_on``; step 4 (QA): ``result``; step 5 (reporting form): ``cost``.
    """

    on = serializers.DateField()
    note = serializers.CharField(required=False, allow_blank=True, default="")
    auditor = serializers.PrimaryKeyRelatedField(
        queryset=Auditor.objects.filter(status=AuditorStatus.CERTIFIED, kind=AuditorKind.EXTERNAL),
        required=False,
    )
    estimate = serializers.DecimalField(
        max_digits=10, decimal_places=2, min_value=0, required=False
    )
    starts_on = serializers.DateField(required=False)
    result = serializers.CharField(required=False, allow_blank=True)
    cost = serializers.DecimalField(max_digits=10, decimal_places=2, min_value=0, required=False)

    def validate(self, attrs: dict[str, Any]) -> dict[str, Any]:
        step = self.context["step"]
        missing = {
            name: [serializers.Field.default_error_messages["required"]]
            for name in STEP_FIELDS[step]
            if attrs.get(name) in (None, "")
        }
        if missing:
            raise ValidationError(missing)
        return {name: attrs[name] for name in ("on", *STEP_FIELDS[step], "note")}


class WivaCancelSerializer(serializers.Serializer):
    reason = serializers.CharField()


class WivaCaseViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """WIVA cases (R-14) with their six dated steps; staff only."""

    serializer_class = WivaCaseSerializer
    permission_classes = [RulesPermission]
    section_permission = "audits.view_wiva"
    action_permissions = {
        "create": "audits.manage_wiva",
        "step": "audits.manage_wiva",
        "cancel": "audits.manage_wiva",
    }
    filterset_fields = ["status", "employer"]
    search_fields = ["number", "employer__legal_name"]
    ordering_fields = ["number", "opened_on", "budget", "cost"]
    ordering = ["-number"]

    def get_queryset(self) -> QuerySet[WivaCase]:
        return selectors_wiva.case_list().prefetch_related("steps__actor")

    def _answer(self, case: WivaCase, code: int = status.HTTP_200_OK) -> Response:
        return Response(self.get_serializer(self.get_queryset().get(pk=case.pk)).data, status=code)

    @extend_schema(request=WivaOpenSerializer, responses={201: WivaCaseSerializer})
    def create(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        """Open a case for an employer."""
        serializer = WivaOpenSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        # A service's refusal (ValidationError) is a 400 (cor_portal.api.exceptions).
        case = services_wiva.open_case(actor=request.user, **serializer.validated_data)
        return self._answer(case, status.HTTP_201_CREATED)

    @extend_schema(request=WivaStepSerializer, responses=WivaCaseSerializer)
    @action(detail=True, methods=["post"])
    def step(self, request: Request, pk: str | None = None) -> Response:
        """Record the case's next step (steps are done in order, dated no earlier)."""
        case = self.get_object()
        step = services_wiva.next_step(case)
        if step is None:
            raise ValidationError(
                {"non_field_errors": ["This case is closed: no more steps can be recorded."]}
            )
        serializer = WivaStepSerializer(data=request.data, context={"step": step})
        serializer.is_valid(raise_exception=True)
        case = services_wiva.STEP_SERVICES[step](
            case=case, actor=request.user, **serializer.validated_data
        )
        return self._answer(case)

    @extend_schema(request=WivaCancelSerializer, responses=WivaCaseSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request: Request, pk: str | None = None) -> Response:
        """Cancel an open case (and its audit while it can still be cancelled)."""
        case = self.get_object()
        serializer = WivaCancelSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        case = services_wiva.cancel_case(
            case=case, actor=request.user, reason=serializer.validated_data["reason"]
        )
        return self._answer(case)
