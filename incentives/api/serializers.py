"""What the incentives API reads (changes are made on the staff pages and imports)."""

from django.urls import reverse
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from ..models import BaseRate, Incentive, IncentiveLine, Letter, Payroll


class BaseRateSerializer(serializers.ModelSerializer):
    cu = serializers.CharField(source="unit.code", read_only=True)

    class Meta:
        model = BaseRate
        fields = ["id", "cu", "unit", "year", "rate"]


class PayrollSerializer(serializers.ModelSerializer):
    cu = serializers.CharField(source="unit.code", read_only=True)
    account_number = serializers.CharField(source="employer.account_number", read_only=True)

    class Meta:
        model = Payroll
        fields = ["id", "employer", "account_number", "cu", "unit", "year", "assessable_payroll"]


class IncentiveLineSerializer(serializers.ModelSerializer):
    class Meta:
        model = IncentiveLine
        fields = [
            "unit_code",
            "unit_description",
            "kind",
            "assessable_payroll",
            "base_rate",
            "percent",
            "amount",
        ]


class IncentiveSerializer(serializers.ModelSerializer):
    lines = IncentiveLineSerializer(many=True, read_only=True)
    reasons = serializers.ListField(source="reason_list", child=serializers.CharField())
    payable_amount = serializers.DecimalField(max_digits=16, decimal_places=2, read_only=True)

    class Meta:
        model = Incentive
        fields = [
            "id",
            "employer",
            "year",
            "status",
            "reasons",
            "base_rate_year",
            "total_amount",
            "payable_amount",
            "certificate_number",
            "certificate_expires_on",
            "computed_at",
            "lines",
        ]


class LetterSerializer(serializers.ModelSerializer):
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = Letter
        fields = [
            "id",
            "incentive",
            "employer",
            "year",
            "version",
            "number",
            "reason",
            "total_amount",
            "sha256",
            "size",
            "issued_at",
            "download_url",
        ]

    @extend_schema_field(serializers.CharField())
    def get_download_url(self, letter: Letter) -> str:
        return reverse("api:incentive-letter-download", args=[letter.pk])
