from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    ClassificationUnit,
    Contact,
    Employer,
    EmployerStatusChange,
    GapAnalysis,
    Interaction,
    Registration,
)


@admin.register(ClassificationUnit)
class ClassificationUnitAdmin(SimpleHistoryAdmin):
    list_display = ["code", "description", "aligned"]
    list_filter = ["aligned"]
    search_fields = ["code", "description"]


class ContactInline(admin.TabularInline):
    model = Contact
    extra = 0
    raw_id_fields = ["user"]


class StatusChangeInline(admin.TabularInline):
    model = EmployerStatusChange
    extra = 0
    can_delete = False
    readonly_fields = [
        "transition",
        "from_status",
        "to_status",
        "changed_on",
        "actor",
        "reason",
        "recorded_at",
    ]

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Employer)
class EmployerAdmin(SimpleHistoryAdmin):
    """Employers for administrators; the status moves only through the portal's services."""

    list_display = ["legal_name", "account_number", "status", "region", "size_class"]
    list_filter = ["status", "region", "size_class", "sector"]
    search_fields = ["legal_name", "trade_name", "account_number"]
    readonly_fields = ["status", "status_changed_on", "size_class", "size_assessed_on"]
    filter_horizontal = ["classification_units"]
    inlines = [ContactInline, StatusChangeInline]
    list_per_page = 25


@admin.register(Contact)
class ContactAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "employer", "email", "is_primary", "user"]
    search_fields = ["first_name", "last_name", "email", "employer__legal_name"]
    list_select_related = ["employer", "user"]
    raw_id_fields = ["employer", "user"]


@admin.register(Interaction)
class InteractionAdmin(SimpleHistoryAdmin):
    list_display = ["occurred_on", "employer", "kind", "summary", "follow_up_due"]
    list_filter = ["kind", "source"]
    search_fields = ["summary", "employer__legal_name"]
    list_select_related = ["employer"]
    raw_id_fields = ["employer"]


@admin.register(GapAnalysis)
class GapAnalysisAdmin(SimpleHistoryAdmin):
    list_display = ["employer", "offered_on", "scheduled_on", "completed_on", "consultant"]
    list_select_related = ["employer", "consultant"]
    raw_id_fields = ["employer"]


@admin.register(Registration)
class RegistrationAdmin(SimpleHistoryAdmin):
    list_display = ["employer", "program", "registered_on"]
    list_select_related = ["employer"]
    raw_id_fields = ["employer"]
