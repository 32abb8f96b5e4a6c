"""What the workplan's API reads and accepts (staff edit through the services)."""

from typing import Any

from rest_framework import serializers

from ..models import KPI, Activity, Mandate, OutcomeIndicator, Workplan


class WorkplanSerializer(serializers.ModelSerializer):
    ends_on = serializers.DateField(read_only=True)
    budget = serializers.DecimalField(max_digits=14, decimal_places=2, read_only=True)

    class Meta:
        model = Workplan
        fields = ["id", "title", "starts_on", "ends_on", "approved_by", "approved_on", "budget"]
        read_only_fields = fields


class IndicatorSerializer(serializers.ModelSerializer):
    class Meta:
        model = OutcomeIndicator
        fields = [
            "id",
            "position",
            "indicator",
            "data_collection",
            "time_line",
            "evaluation_result",
        ]


class MandateSerializer(serializers.ModelSerializer):
    indicators = IndicatorSerializer(many=True, read_only=True)
    budget = serializers.DecimalField(max_digits=14, decimal_places=2, read_only=True)

    class Meta:
        model = Mandate
        fields = [
            "id",
            "workplan",
            "number",
            "optional",
            "title",
            "reference",
            "objective",
            "action_plan",
            "budget",
            "indicators",
        ]
        read_only_fields = ["id", "workplan", "number", "optional", "budget", "indicators"]


class ActivitySerializer(serializers.ModelSerializer):
    class Meta:
        model = Activity
        fields = [
            "id",
            "mandate",
            "position",
            "description",
            "inputs",
            "budget",
            "time_frame",
            "responsible",
            "anticipated_outputs",
            "progress_reporting",
        ]
        read_only_fields = ["id", "mandate"]


class KPISerializer(serializers.ModelSerializer):
    """A KPI with its live actual, progress and status (R-22). Staff may change the target,
    the description and the order; how it is measured is changed on the staff pages."""

    workplan = serializers.IntegerField(source="mandate.workplan_id", read_only=True)
    actual = serializers.SerializerMethodField()
    percent_of_target = serializers.SerializerMethodField()
    expected_by_now = serializers.SerializerMethodField()
    status = serializers.SerializerMethodField()

    class Meta:
        model = KPI
        fields = [
            "id",
            "workplan",
            "mandate",
            "activity",
            "position",
            "description",
            "target",
            "unit",
            "kind",
            "source",
            "aggregation",
            "actual",
            "percent_of_target",
            "expected_by_now",
            "status",
        ]
        read_only_fields = ["id", "mandate", "activity", "unit", "kind", "source", "aggregation"]

    def _row(self, kpi: KPI) -> Any:
        return self.context["rows"][kpi.pk]

    @staticmethod
    def _decimal(value: Any) -> str | None:
        return None if value is None else f"{value:.2f}"

    def get_actual(self, kpi: KPI) -> str | None:
        return self._decimal(self._row(kpi).actual)

    def get_percent_of_target(self, kpi: KPI) -> str | None:
        return self._decimal(self._row(kpi).progress.percent_of_target)

    def get_expected_by_now(self, kpi: KPI) -> str | None:
        return self._decimal(self._row(kpi).progress.expected)

    def get_status(self, kpi: KPI) -> str:
        return str(self._row(kpi).progress.status.value)
