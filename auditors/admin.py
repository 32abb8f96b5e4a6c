from django.contrib import admin
from django.db import models
from simple_history.admin import SimpleHistoryAdmin

from .models import (
    EAQA,
    AnnualDeclaration,
    Auditor,
    AuditorArea,
    AuditorSector,
    AuditorStatusChange,
    ConsultingEngagement,
    Course,
    CourseCompletion,
    CPDActivity,
    Enrolment,
    TrainingSession,
)

STATUS_CHANGE_FIELDS = [
    "auditor",
    "transition",
    "from_status",
    "to_status",
    "changed_on",
    "actor",
    "reason",
    "recorded_at",
]


class AreaInline(admin.TabularInline):
    model = AuditorArea
    extra = 0


class SectorInline(admin.TabularInline):
    model = AuditorSector
    extra = 0


class StatusChangeInline(admin.TabularInline):
    model = AuditorStatusChange
    extra = 0
    can_delete = False
    fields = tuple(STATUS_CHANGE_FIELDS[1:])
    readonly_fields = STATUS_CHANGE_FIELDS[1:]

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Auditor)
class AuditorAdmin(SimpleHistoryAdmin):
    """Auditors for administrators; the standing moves only through the portal's services."""

    list_display = ["__str__", "kind", "status", "certification_number", "expires_on", "employer"]
    list_filter = ["kind", "status", "listed_in_directory"]
    search_fields = [
        "user__first_name",
        "user__last_name",
        "user__email",
        "certification_number",
        "company",
    ]
    list_select_related = ["user", "employer"]
    raw_id_fields = ["user", "employer"]
    readonly_fields = ["status", "status_changed_on", "created_at", "updated_at"]
    date_hierarchy = "expires_on"
    inlines = [AreaInline, SectorInline, StatusChangeInline]
    list_per_page = 25
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}


@admin.register(AuditorArea)
class AuditorAreaAdmin(admin.ModelAdmin):
    list_display = ["auditor", "region"]
    list_filter = ["region"]
    list_select_related = ["auditor__user"]
    raw_id_fields = ["auditor"]


@admin.register(AuditorSector)
class AuditorSectorAdmin(admin.ModelAdmin):
    list_display = ["auditor", "sector"]
    list_filter = ["sector"]
    list_select_related = ["auditor__user"]
    raw_id_fields = ["auditor"]


@admin.register(AuditorStatusChange)
class AuditorStatusChangeAdmin(admin.ModelAdmin):
    """The record of standing moves: read only, written by the services."""

    list_display = ["changed_on", "auditor", "transition", "from_status", "to_status", "actor"]
    list_filter = ["transition", "to_status"]
    search_fields = ["auditor__user__first_name", "auditor__user__last_name", "reason"]
    list_select_related = ["auditor__user", "actor"]
    readonly_fields = STATUS_CHANGE_FIELDS
    date_hierarchy = "changed_on"

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Course)
class CourseAdmin(SimpleHistoryAdmin):
    list_display = ["name", "code", "kind", "online", "active"]
    list_filter = ["kind", "online", "active"]
    search_fields = ["name", "code"]


class EnrolmentInline(admin.TabularInline):
    model = Enrolment
    extra = 0
    fields = ["name", "email", "auditor", "employer", "enrolled_on", "attended", "result"]
    raw_id_fields = ["auditor", "employer"]


@admin.register(TrainingSession)
class TrainingSessionAdmin(SimpleHistoryAdmin):
    list_display = ["course", "starts_on", "location", "online", "capacity"]
    list_filter = ["course__kind", "online"]
    search_fields = ["course__name", "location", "instructor"]
    list_select_related = ["course"]
    date_hierarchy = "starts_on"
    inlines = [EnrolmentInline]


@admin.register(Enrolment)
class EnrolmentAdmin(SimpleHistoryAdmin):
    list_display = ["name", "email", "session", "attended", "result"]
    list_filter = ["result", "attended"]
    search_fields = ["name", "email"]
    list_select_related = ["session__course"]
    raw_id_fields = ["session", "auditor", "employer"]


@admin.register(CourseCompletion)
class CourseCompletionAdmin(admin.ModelAdmin):
    list_display = ["completed_on", "name", "email", "course", "source", "employer"]
    list_filter = ["source", "course"]
    search_fields = ["name", "email", "employer__legal_name"]
    list_select_related = ["course", "employer"]
    raw_id_fields = ["employer", "auditor", "enrolment"]
    date_hierarchy = "completed_on"


@admin.register(CPDActivity)
class CPDActivityAdmin(SimpleHistoryAdmin):
    list_display = ["done_on", "auditor", "activity", "kind", "hours"]
    list_filter = ["kind"]
    search_fields = ["activity", "auditor__user__first_name", "auditor__user__last_name"]
    list_select_related = ["auditor__user"]
    raw_id_fields = ["auditor"]
    date_hierarchy = "done_on"


@admin.register(AnnualDeclaration)
class AnnualDeclarationAdmin(SimpleHistoryAdmin):
    list_display = ["year", "auditor", "cpd_hours", "submitted_on", "submitted_by"]
    list_filter = ["year"]
    search_fields = ["auditor__user__first_name", "auditor__user__last_name"]
    list_select_related = ["auditor__user", "submitted_by"]
    raw_id_fields = ["auditor", "submitted_by"]


@admin.register(ConsultingEngagement)
class ConsultingEngagementAdmin(SimpleHistoryAdmin):
    list_display = ["auditor", "employer", "started_on", "ended_on", "source"]
    list_filter = ["source"]
    search_fields = [
        "auditor__user__first_name",
        "auditor__user__last_name",
        "employer__legal_name",
        "description",
    ]
    list_select_related = ["auditor__user", "employer"]
    raw_id_fields = ["auditor", "employer", "recorded_by"]


@admin.register(EAQA)
class EAQAAdmin(SimpleHistoryAdmin):
    list_display = ["year", "auditor", "planned_on", "conducted_on", "reviewer", "outcome"]
    list_filter = ["year", "outcome"]
    search_fields = ["auditor__user__first_name", "auditor__user__last_name", "findings"]
    list_select_related = ["auditor__user", "reviewer"]
    raw_id_fields = ["auditor", "reviewer"]
