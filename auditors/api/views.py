"""The auditor register's API: scoped like the pages, changes made by services."""

from typing import Any, cast

import django_filters
from django.db.models import Count, Prefetch
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer

from cor_portal.api.parsers import UPLOAD_PARSERS
from cor_portal.api.permissions import RulesPermission

from .. import selectors, services
from ..choices import AuditorKind, AuditorStatus
from ..models import (
    EAQA,
    AnnualDeclaration,
    Auditor,
    AuditorArea,
    AuditorSector,
    ConsultingEngagement,
    CPDActivity,
    Enrolment,
    TrainingSession,
)
from ..views.directory import DirectoryFilter, directory_queryset
from .serializers import (
    AuditorSerializer,
    CPDActivitySerializer,
    DeclarationSerializer,
    DirectoryAuditorSerializer,
    EAQARecordSerializer,
    EAQASerializer,
    EngagementSerializer,
    EnrolmentResultSerializer,
    EnrolmentSerializer,
    StandingQuerySerializer,
    StandingSerializer,
    TrainingSessionSerializer,
)

CHANGE = ("update", "partial_update")


class AuditorApiFilter(DirectoryFilter):
    """The directory's filters, plus kind and standing."""

    kind = django_filters.ChoiceFilter(choices=AuditorKind.choices)
    status = django_filters.ChoiceFilter(choices=AuditorStatus.choices)

    class Meta:
        model = Auditor
        fields = ["q", "region", "sector", "kind", "status"]


class AuditorViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Auditors: staff see and manage all; an auditor sees exactly their own record."""

    serializer_class = AuditorSerializer
    permission_classes = [RulesPermission]
    section_permission = "auditors.view_auditor"
    action_permissions = {
        "create": "auditors.add_auditor",
        **dict.fromkeys(CHANGE, "auditors.change_auditor"),
        "standing": "auditors.access_roster",
    }
    filterset_class = AuditorApiFilter
    search_fields = ["user__first_name", "user__last_name", "user__email", "certification_number"]
    ordering_fields = ["user__last_name", "certification_number", "status", "expires_on"]
    ordering = ["user__last_name", "user__first_name", "pk"]

    def get_queryset(self):
        return (
            Auditor.objects.visible_to(self.request.user)
            .select_related("user")
            .prefetch_related(
                Prefetch("regions", queryset=AuditorArea.objects.order_by("region")),
                Prefetch("sectors", queryset=AuditorSector.objects.order_by("sector")),
            )
        )

    def perform_create(self, serializer: BaseSerializer) -> None:
        fields = cast(AuditorSerializer, serializer).service_fields()
        auditor = services.create_auditor(actor=self.request.user, **fields)
        serializer.instance = self.get_queryset().get(pk=auditor.pk)

    def perform_update(self, serializer: BaseSerializer) -> None:
        fields = cast(AuditorSerializer, serializer).service_fields()
        auditor = cast(Auditor, serializer.instance)
        services.update_auditor(auditor=auditor, actor=self.request.user, **fields)
        serializer.instance = self.get_queryset().get(pk=auditor.pk)

    @extend_schema(parameters=[StandingQuerySerializer], responses=StandingSerializer)
    @action(detail=True, methods=["get"])
    def standing(self, request: Request, pk: str | None = None) -> Response:
        """Answer whether the auditor may audit the employer from the date, with every reason."""
        auditor = self.get_object()
        query = StandingQuerySerializer(data=request.query_params.dict())
        query.is_valid(raise_exception=True)
        answer = selectors.standing_for(
            auditor,
            employer_id=query.validated_data["employer"].pk,
            starts_on=query.validated_data["starts_on"],
        )
        return Response(StandingSerializer(answer).data)


class AuditorDirectoryViewSet(viewsets.ReadOnlyModelViewSet):
    """The external auditors employers may contact: directory fields only."""

    serializer_class = DirectoryAuditorSerializer
    permission_classes = [RulesPermission]
    section_permission = "auditors.view_directory"
    filterset_class = DirectoryFilter
    ordering_fields = ["user__last_name", "company", "city"]
    ordering = ["user__last_name", "user__first_name", "pk"]

    def get_queryset(self):
        return directory_queryset()


# Training -----------------------------------------------------------------------------------


class TrainingSessionViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Training sessions: staff schedule and change them."""

    serializer_class = TrainingSessionSerializer
    permission_classes = [RulesPermission]
    section_permission = "auditors.manage_training"
    filterset_fields = ["course", "online"]
    ordering_fields = ["starts_on", "capacity"]
    ordering = ["-starts_on", "pk"]

    def get_queryset(self):
        return TrainingSession.objects.select_related("course").annotate(
            enrolled=Count("enrolments")
        )

    def perform_create(self, serializer: BaseSerializer) -> None:
        session = services.save_session(actor=self.request.user, **serializer.validated_data)
        serializer.instance = self.get_queryset().get(pk=session.pk)

    def perform_update(self, serializer: BaseSerializer) -> None:
        session = services.save_session(
            actor=self.request.user,
            session=cast(TrainingSession, serializer.instance),
            **serializer.validated_data,
        )
        serializer.instance = self.get_queryset().get(pk=session.pk)


class EnrolmentViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    """Enrolments in training sessions: staff enrol people and record their results."""

    serializer_class = EnrolmentSerializer
    permission_classes = [RulesPermission]
    section_permission = "auditors.manage_training"
    filterset_fields = ["session", "auditor", "employer", "result"]
    ordering_fields = ["name", "enrolled_on"]
    ordering = ["name", "pk"]
    queryset = Enrolment.objects.all()

    def perform_create(self, serializer: BaseSerializer) -> None:
        fields = dict(serializer.validated_data)
        session = fields.pop("session")
        serializer.instance = services.enrol(session=session, actor=self.request.user, **fields)

    @extend_schema(request=EnrolmentResultSerializer, responses=EnrolmentSerializer)
    @action(detail=True, methods=["post"])
    def result(self, request: Request, pk: str | None = None) -> Response:
        """Record attendance and the result; a pass records the course completion."""
        enrolment = cast(Enrolment, self.get_object())
        data = EnrolmentResultSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        services.record_result(enrolment=enrolment, actor=request.user, **data.validated_data)
        return Response(EnrolmentSerializer(enrolment, context={"request": request}).data)


# An auditor's own records -------------------------------------------------------------------


class AuditorRecordViewSet(viewsets.GenericViewSet):
    """Records of one auditor: staff see all, an auditor their own (404 for anyone else's).

    The auditor named on create must be one the user may see (else a 400 on the field) and
    one they may add to (else a 403).
    """

    permission_classes = [RulesPermission]
    section_permission = "auditors.view_auditor"
    add_permission = ""
    model: Any = CPDActivity

    def get_queryset(self):
        return self.model.objects.visible_to(self.request.user).select_related("auditor")

    def creating_for(self, serializer: BaseSerializer) -> tuple[Auditor, dict[str, Any]]:
        """Return the auditor named on create, checked, and the other fields."""
        fields = dict(serializer.validated_data)
        auditor = fields.pop("auditor")
        if not self.request.user.has_perm(self.add_permission, auditor):
            raise PermissionDenied
        return auditor, fields


class CPDActivityViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    AuditorRecordViewSet,
):
    """The CPD log: staff manage every auditor's, an auditor their own."""

    parser_classes = UPLOAD_PARSERS  # the evidence is a file

    serializer_class = CPDActivitySerializer
    add_permission = "auditors.add_cpdactivity"
    action_permissions = {
        **dict.fromkeys(CHANGE, "auditors.change_cpdactivity"),
        "destroy": "auditors.delete_cpdactivity",
    }
    filterset_fields = ["auditor", "kind"]
    ordering_fields = ["done_on", "hours"]
    ordering = ["-done_on", "-pk"]

    def perform_create(self, serializer: BaseSerializer) -> None:
        auditor, fields = self.creating_for(serializer)
        serializer.instance = services.log_cpd(auditor=auditor, actor=self.request.user, **fields)

    def perform_update(self, serializer: BaseSerializer) -> None:
        fields = dict(serializer.validated_data)
        fields.pop("auditor", None)
        serializer.instance = services.update_cpd(
            entry=cast(CPDActivity, serializer.instance), actor=self.request.user, **fields
        )

    def perform_destroy(self, instance: CPDActivity) -> None:
        services.delete_cpd(activity=instance, actor=self.request.user)


class DeclarationViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    AuditorRecordViewSet,
):
    """Annual declarations: filed once a year, never changed."""

    model = AnnualDeclaration
    serializer_class = DeclarationSerializer
    add_permission = "auditors.add_annualdeclaration"
    filterset_fields = ["auditor", "year"]
    ordering_fields = ["year", "submitted_on"]
    ordering = ["-year", "pk"]

    def perform_create(self, serializer: BaseSerializer) -> None:
        auditor, fields = self.creating_for(serializer)
        serializer.instance = services.file_declaration(
            auditor=auditor, actor=self.request.user, **fields
        )


class EngagementViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    AuditorRecordViewSet,
):
    """Consulting engagements: recorded by staff or declared by the auditor; staff change them."""

    model = ConsultingEngagement
    serializer_class = EngagementSerializer
    add_permission = "auditors.add_consultingengagement"
    action_permissions = dict.fromkeys(CHANGE, "auditors.change_consultingengagement")
    filterset_fields = ["auditor", "employer", "source"]
    ordering_fields = ["started_on", "ended_on"]
    ordering = ["-started_on", "-pk"]

    def get_queryset(self):
        return super().get_queryset().select_related("employer")

    def perform_create(self, serializer: BaseSerializer) -> None:
        auditor, fields = self.creating_for(serializer)
        serializer.instance = services.record_engagement(
            auditor=auditor, actor=self.request.user, **fields
        )

    def perform_update(self, serializer: BaseSerializer) -> None:
        fields = dict(serializer.validated_data)
        fields.pop("auditor", None)
        serializer.instance = services.update_engagement(
            engagement=cast(ConsultingEngagement, serializer.instance),
            actor=self.request.user,
            **fields,
        )


# EAQA (R-15) --------------------------------------------------------------------------------


class EAQAViewSet(viewsets.ReadOnlyModelViewSet):
    """External-auditor QA audits: staff plan and record them."""

    serializer_class = EAQASerializer
    permission_classes = [RulesPermission]
    section_permission = "auditors.manage_eaqa"
    filterset_fields = ["year", "auditor", "outcome"]
    ordering_fields = ["year", "planned_on", "conducted_on"]
    ordering = ["-year", "auditor_id"]

    def get_queryset(self):
        return EAQA.objects.visible_to(self.request.user).select_related("reviewer")

    @extend_schema(request=EAQARecordSerializer, responses=EAQASerializer)
    @action(detail=True, methods=["post"], parser_classes=UPLOAD_PARSERS)
    def record(self, request: Request, pk: str | None = None) -> Response:
        """Record the EAQA's date, reviewer, findings, report and outcome."""
        eaqa = cast(EAQA, self.get_object())
        data = EAQARecordSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        eaqa = services.record_eaqa(eaqa=eaqa, actor=request.user, **data.validated_data)
        return Response(EAQASerializer(eaqa, context={"request": request}).data)
