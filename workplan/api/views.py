"""The workplan's API: the board and staff read; staff may edit texts, budgets and targets."""

from typing import Any

from django.db.models import DecimalField, Prefetch, Sum, Value
from django.db.models.functions import Coalesce
from django.utils import timezone
from rest_framework import mixins, viewsets
from rest_framework.permissions import SAFE_METHODS, BasePermission

from cor_portal.api.permissions import RulesPermission

from .. import selectors, services
from ..models import KPI, Activity, Mandate, OutcomeIndicator, Workplan
from .serializers import ActivitySerializer, KPISerializer, MandateSerializer, WorkplanSerializer

CHANGE = ("update", "partial_update")


class WritesNeedManage(BasePermission):
    """Any write (POST, PUT, PATCH, DELETE) needs the staff permission: the board reads only,
    so a board member's write is 403 even where the endpoint has no such method (405)."""

    def has_permission(self, request, view) -> bool:
        return request.method in SAFE_METHODS or request.user.has_perm("workplan.manage_workplan")


MONEY: DecimalField = DecimalField(max_digits=14, decimal_places=2)


def _budget(path: str) -> Coalesce:
    return Coalesce(Sum(path), Value(0), output_field=MONEY)


class WorkplanViewSet(viewsets.ReadOnlyModelViewSet):
    """Workplans, latest fiscal year first, with their total budget."""

    serializer_class = WorkplanSerializer
    permission_classes = [RulesPermission, WritesNeedManage]
    section_permission = "workplan.view_workplan"
    ordering_fields = ["starts_on"]
    ordering = ["-starts_on"]
    search_fields = ["title"]
    filterset_fields = ["starts_on"]

    def get_queryset(self):
        return Workplan.objects.annotate(budget=_budget("mandates__activities__budget"))


class MandateViewSet(mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Mandates with their outcome indicators and budget; staff may edit their texts."""

    serializer_class = MandateSerializer
    permission_classes = [RulesPermission, WritesNeedManage]
    section_permission = "workplan.view_workplan"
    action_permissions = dict.fromkeys(CHANGE, "workplan.manage_workplan")
    filterset_fields = ["workplan", "number"]
    ordering_fields = ["number"]
    ordering = ["workplan", "number"]

    def get_queryset(self):
        return Mandate.objects.annotate(budget=_budget("activities__budget")).prefetch_related(
            Prefetch("indicators", queryset=OutcomeIndicator.objects.order_by("position", "pk"))
        )

    def perform_update(self, serializer: Any) -> None:
        mandate = serializer.instance
        serializer.instance = services.save_mandate(
            actor=self.request.user,
            workplan=mandate.workplan,
            mandate=mandate,
            **serializer.validated_data,
        )


class ActivityViewSet(mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet):
    """Activities of the mandates' action plans; staff may edit them (budget included)."""

    serializer_class = ActivitySerializer
    permission_classes = [RulesPermission, WritesNeedManage]
    section_permission = "workplan.view_workplan"
    action_permissions = dict.fromkeys(CHANGE, "workplan.manage_workplan")
    filterset_fields = ["mandate", "mandate__workplan"]
    ordering = ["mandate__workplan", "mandate__number", "position", "pk"]

    def get_queryset(self):
        return Activity.objects.all()

    def perform_update(self, serializer: Any) -> None:
        activity = serializer.instance
        serializer.instance = services.save_activity(
            actor=self.request.user,
            mandate=activity.mandate,
            activity=activity,
            **serializer.validated_data,
        )


class KPIViewSet(mixins.UpdateModelMixin, viewsets.ReadOnlyModelViewSet):
    """KPIs with their live actuals and status; staff may change a target or description."""

    serializer_class = KPISerializer
    permission_classes = [RulesPermission, WritesNeedManage]
    section_permission = "workplan.view_workplan"
    action_permissions = dict.fromkeys(CHANGE, "workplan.manage_workplan")
    filterset_fields = ["mandate", "mandate__workplan", "kind", "source"]
    ordering = ["mandate__workplan", "mandate__number", "position", "pk"]

    def get_queryset(self):
        return KPI.objects.select_related("mandate__workplan").prefetch_related("measurements")

    def get_serializer(self, *args: Any, **kwargs: Any) -> Any:
        instance = args[0] if args else kwargs.get("instance")
        if instance is not None:
            kpis = list(instance) if not isinstance(instance, KPI) else [instance]
            kwargs.setdefault("context", self.get_serializer_context())
            kwargs["context"]["rows"] = selectors.kpi_rows(kpis, today=timezone.localdate())
        return super().get_serializer(*args, **kwargs)

    def perform_update(self, serializer: Any) -> None:
        kpi = serializer.instance
        services.save_kpi(
            actor=self.request.user, mandate=kpi.mandate, kpi=kpi, **serializer.validated_data
        )
        serializer.instance = self.get_queryset().get(pk=kpi.pk)
        serializer.context["rows"] = selectors.kpi_rows(
            [serializer.instance], today=timezone.localdate()
        )
