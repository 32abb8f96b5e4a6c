"""The reference admin: plain Django admin changelists of the staff lists' models that the
project's admin does not register, served only under the benchmark's settings.

Each shows the columns of its staff list, with the related rows joined in (what anyone would
write for such a changelist), so the benchmark compares a staff list with the admin's
changelist of the same model on the same data.
"""

from django.contrib import admin

from audits.models import Audit, Certificate, Review, WivaCase
from incentives.models import BaseRate, Incentive, Payroll

site = admin.AdminSite(name="bench_admin")


@admin.register(Audit, site=site)
class AuditAdmin(admin.ModelAdmin):
    list_display = ["employer", "status", "audit_type", "lead_auditor", "starts_on", "final_due"]
    list_filter = ["status", "audit_type"]
    list_select_related = ["employer", "lead_auditor__user"]
    search_fields = ["employer__legal_name"]


@admin.register(Certificate, site=site)
class CertificateAdmin(admin.ModelAdmin):
    list_display = ["number", "employer", "certified_on", "expires_on", "status"]
    list_filter = ["status"]
    list_select_related = ["employer"]
    search_fields = ["number", "employer__legal_name"]


@admin.register(Review, site=site)
class ReviewAdmin(admin.ModelAdmin):
    list_display = ["audit", "submission", "reviewer", "assigned_on", "outcome"]
    list_filter = ["outcome"]
    list_select_related = ["audit__employer", "submission__audit__employer", "reviewer"]


@admin.register(WivaCase, site=site)
class WivaCaseAdmin(admin.ModelAdmin):
    list_display = ["number", "employer", "status", "budget", "created_at"]
    list_filter = ["status"]
    list_select_related = ["employer"]


@admin.register(Incentive, site=site)
class IncentiveAdmin(admin.ModelAdmin):
    list_display = ["employer", "year", "status", "total_amount", "certificate_number"]
    list_filter = ["year", "status"]
    list_select_related = ["employer"]
    search_fields = ["employer__legal_name"]


@admin.register(BaseRate, site=site)
class BaseRateAdmin(admin.ModelAdmin):
    list_display = ["unit", "year", "rate"]
    list_filter = ["year"]
    list_select_related = ["unit"]


@admin.register(Payroll, site=site)
class PayrollAdmin(admin.ModelAdmin):
    list_display = ["employer", "unit", "year", "assessable_payroll"]
    list_filter = ["year"]
    list_select_related = ["employer", "unit"]
    search_fields = ["employer__legal_name"]
