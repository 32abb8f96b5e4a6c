"""The incentives API: base rates and payrolls (staff), incentives and letters (scoped)."""

from django.db.models import Prefetch, QuerySet
from django.http import FileResponse, Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import viewsets
from rest_framework.decorators import action

from cor_portal.api.permissions import RulesPermission

from ..models import BaseRate, Incentive, IncentiveLine, Letter, Payroll
from .serializers import (
    BaseRateSerializer,
    IncentiveSerializer,
    LetterSerializer,
    PayrollSerializer,
)


class BaseRateViewSet(viewsets.ReadOnlyModelViewSet):
    """Base rates per CU and year (staff)."""

    serializer_class = BaseRateSerializer
    permission_classes = [RulesPermission]
    section_permission = "incentives.access_incentives"
    filterset_fields = ["year", "unit"]
    search_fields = ["unit__code", "unit__description"]
    ordering_fields = ["year", "unit__code", "rate"]
    ordering = ["-year", "unit__code"]

    def get_queryset(self) -> QuerySet[BaseRate]:
        return BaseRate.objects.visible_to(self.request.user).select_related("unit")


class PayrollViewSet(viewsets.ReadOnlyModelViewSet):
    """Assessable payroll per employer, CU and year (staff)."""

    serializer_class = PayrollSerializer
    permission_classes = [RulesPermission]
    section_permission = "incentives.access_incentives"
    filterset_fields = ["year", "employer", "unit"]
    search_fields = ["employer__legal_name", "employer__account_number", "unit__code"]
    ordering_fields = ["year", "assessable_payroll"]
    ordering = ["-year", "pk"]

    def get_queryset(self) -> QuerySet[Payroll]:
        return Payroll.objects.visible_to(self.request.user).select_related("employer", "unit")


class IncentiveViewSet(viewsets.ReadOnlyModelViewSet):
    """Incentives with their CU lines: staff see all, an employer contact its own."""

    serializer_class = IncentiveSerializer
    permission_classes = [RulesPermission]
    section_permission = "incentives.view_incentive"
    filterset_fields = ["year", "status", "employer"]
    ordering_fields = ["year", "total_amount"]
    ordering = ["-year", "pk"]

    def get_queryset(self) -> QuerySet[Incentive]:
        return Incentive.objects.visible_to(self.request.user).prefetch_related(
            Prefetch("lines", queryset=IncentiveLine.objects.order_by("unit_code", "kind"))
        )


class LetterViewSet(viewsets.ReadOnlyModelViewSet):
    """Incentive letters and their PDFs: staff see all, an employer contact its own."""

    serializer_class = LetterSerializer
    permission_classes = [RulesPermission]
    section_permission = "incentives.view_letter"
    filterset_fields = ["year", "employer", "incentive"]
    search_fields = ["number"]
    ordering_fields = ["year", "version", "issued_at"]
    ordering = ["-year", "-version", "pk"]

    def get_queryset(self) -> QuerySet[Letter]:
        return Letter.objects.visible_to(self.request.user)

    @extend_schema(
        responses={
            (200, "application/pdf"): OpenApiResponse(OpenApiTypes.BINARY, description="The PDF."),
        }
    )
    @action(detail=True, methods=["get"], url_path="download")
    def download(self, request, pk=None) -> FileResponse:
        """Download the letter's PDF, exactly as issued."""
        letter = self.get_object()
        try:
            handle = letter.file.open("rb")
        except OSError:
            raise Http404
        return FileResponse(
            handle, as_attachment=True, filename=letter.filename, content_type="application/pdf"
        )
