"""The employer registry's API: scoped like the pages, changes made by services."""

from typing import Any, cast

from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.serializers import BaseSerializer

from cor_portal.api.permissions import RulesPermission

from .. import services
from ..filters import EmployerFilter
from ..models import ClassificationUnit, Contact, Employer, GapAnalysis, Interaction
from .serializers import (
    ClassificationUnitSerializer,
    ContactSerializer,
    EmployerSerializer,
    GapAnalysisSerializer,
    InteractionSerializer,
    TransitionSerializer,
)


class EmployerViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    viewsets.GenericViewSet,
):
    """Employers: staff see all; an employer contact sees exactly its own employer."""

    serializer_class = EmployerSerializer
    permission_classes = [RulesPermission]
    section_permission = "employers.view_employer"
    action_permissions = {
        "create": "employers.add_employer",
        "update": "employers.change_employer",
        "partial_update": "employers.change_employer",
        "transition": "employers.change_status",
    }
    filterset_class = EmployerFilter
    search_fields = ["legal_name", "trade_name", "account_number"]
    ordering_fields = ["legal_name", "account_number", "status", "region", "updated_at"]
    ordering = ["legal_name"]

    def get_queryset(self):
        return Employer.objects.visible_to(self.request.user).prefetch_related(
            Prefetch("classification_units", queryset=ClassificationUnit.objects.only("code"))
        )

    def perform_create(self, serializer: BaseSerializer) -> None:
        serializer.instance = services.create_employer(
            actor=self.request.user, **serializer.validated_data
        )

    def perform_update(self, serializer: BaseSerializer) -> None:
        serializer.instance = services.update_employer(
            employer=cast(Employer, serializer.instance),
            actor=self.request.user,
            **serializer.validated_data,
        )

    @extend_schema(request=TransitionSerializer, responses=EmployerSerializer)
    @action(detail=True, methods=["post"])
    def transition(self, request: Request, pk: str | None = None) -> Response:
        """Move the employer through its lifecycle (R-3): register, certify, withdraw, ..."""
        employer = self.get_object()
        data = TransitionSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        fields = dict(data.validated_data)
        move = services.LIFECYCLE_ACTIONS[fields.pop("action")]
        if "program" in fields and move.name != "register":
            fields.pop("program")
        employer = move.service(employer=employer, actor=request.user, **fields)
        return Response(EmployerSerializer(employer, context={"request": request}).data)


class ClassificationUnitViewSet(viewsets.ModelViewSet):
    """Classification units: readable by staff and employer contacts, changed by staff."""

    serializer_class = ClassificationUnitSerializer
    permission_classes = [RulesPermission]
    section_permission = "employers.view_classificationunit"
    action_permissions = {
        "create": "employers.add_classificationunit",
        "update": "employers.change_classificationunit",
        "partial_update": "employers.change_classificationunit",
        "destroy": "employers.delete_classificationunit",
    }
    queryset = ClassificationUnit.objects.all()
    search_fields = ["code", "description"]
    filterset_fields = ["aligned"]
    ordering = ["code"]

    def perform_create(self, serializer) -> None:
        serializer.instance = services.save_classification_unit(
            actor=self.request.user, **serializer.validated_data
        )

    def perform_update(self, serializer) -> None:
        serializer.instance = services.save_classification_unit(
            actor=self.request.user, unit=serializer.instance, **serializer.validated_data
        )

    def perform_destroy(self, instance: ClassificationUnit) -> None:
        services.delete_classification_unit(unit=instance, actor=self.request.user)


class EmployerChildViewSet(viewsets.ModelViewSet):
    """Records of one employer; the employer named on create must be in the user's scope."""

    permission_classes = [RulesPermission]
    model: Any = Contact
    add_permission = ""

    def get_queryset(self):
        return self.model.objects.visible_to(self.request.user).select_related("employer")

    def check_employer(self, employer: Employer) -> None:
        if not self.request.user.has_perm(self.add_permission, employer):
            raise PermissionDenied


class ContactViewSet(EmployerChildViewSet):
    """Contacts: staff manage all; an employer contact manages its own employer's."""

    serializer_class = ContactSerializer
    section_permission = "employers.view_contact"
    add_permission = "employers.add_contact"
    action_permissions = {
        "update": "employers.change_contact",
        "partial_update": "employers.change_contact",
        "destroy": "employers.delete_contact",
    }
    filterset_fields = ["employer", "is_primary"]
    search_fields = ["first_name", "last_name", "email"]
    ordering = ["employer", "-is_primary", "last_name"]

    def perform_create(self, serializer) -> None:
        fields = dict(serializer.validated_data)
        employer = fields.pop("employer")
        self.check_employer(employer)
        serializer.instance = services.add_contact(
            employer=employer, actor=self.request.user, **fields
        )

    def perform_update(self, serializer) -> None:
        fields = dict(serializer.validated_data)
        fields.pop("employer", None)
        serializer.instance = services.update_contact(
            contact=serializer.instance, actor=self.request.user, **fields
        )

    def perform_destroy(self, instance: Contact) -> None:
        services.remove_contact(contact=instance, actor=self.request.user)


class InteractionViewSet(EmployerChildViewSet):
    """Interactions (R-4): staff only."""

    model = Interaction
    serializer_class = InteractionSerializer
    section_permission = "employers.view_interaction"
    add_permission = "employers.add_interaction"
    action_permissions = {
        "update": "employers.change_interaction",
        "partial_update": "employers.change_interaction",
    }
    http_method_names = ["get", "post", "put", "patch", "head", "options"]
    filterset_fields = ["employer", "kind", "source"]
    search_fields = ["summary", "employer__legal_name"]
    ordering = ["-occurred_on", "-id"]

    def get_queryset(self):
        return super().get_queryset().select_related("staff_member")

    def perform_create(self, serializer) -> None:
        fields = dict(serializer.validated_data)
        employer = fields.pop("employer")
        self.check_employer(employer)
        serializer.instance = services.log_interaction(
            employer=employer, actor=self.request.user, **fields
        )

    def perform_update(self, serializer) -> None:
        fields = dict(serializer.validated_data)
        fields.pop("employer", None)
        serializer.instance = services.update_interaction(
            interaction=serializer.instance, actor=self.request.user, **fields
        )


class GapAnalysisViewSet(EmployerChildViewSet):
    """Gap analyses: staff manage them; an employer contact reads its own."""

    model = GapAnalysis
    serializer_class = GapAnalysisSerializer
    section_permission = "employers.view_gapanalysis"
    add_permission = "employers.add_gapanalysis"
    action_permissions = {
        "update": "employers.change_gapanalysis",
        "partial_update": "employers.change_gapanalysis",
    }
    http_method_names = ["get", "post", "put", "patch", "head", "options"]
    filterset_fields = ["employer"]
    ordering = ["-offered_on", "-id"]

    def get_queryset(self):
        return super().get_queryset().select_related("consultant")

    def perform_create(self, serializer) -> None:
        fields = dict(serializer.validated_data)
        employer = fields.pop("employer")
        self.check_employer(employer)
        serializer.instance = services.record_gap_analysis(
            employer=employer, actor=self.request.user, **fields
        )

    def perform_update(self, serializer) -> None:
        fields = dict(serializer.validated_data)
        fields.pop("employer", None)
        serializer.instance = services.update_gap_analysis(
            gap_analysis=serializer.instance, actor=self.request.user, **fields
        )
