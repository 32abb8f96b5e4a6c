"""Admin of the QA settings: the checklist of each program and the interview sample rule."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import ChecklistItem, QaRules


@admin.register(ChecklistItem)
class ChecklistItemAdmin(SimpleHistoryAdmin):
    """The desktop QA checklist's questions, per program (R-12)."""

    list_display = ["program", "number", "text", "active"]
    list_filter = ["program", "active"]


@admin.register(QaRules)
class QaRulesAdmin(SimpleHistoryAdmin):
    """The interview sample rule's numbers; a new row takes effect from its date."""

    list_display = ["effective_from", "interview_all_up_to", "sample_percent", "sample_cap"]
    save_as = True
