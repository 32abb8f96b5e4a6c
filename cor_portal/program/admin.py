from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import ProgramRules


@admin.register(ProgramRules)
class ProgramRulesAdmin(SimpleHistoryAdmin):
    """Staff edit the program's numbers here; a new row takes effect from its date."""

    list_display = ["effective_from", "note", "large_employer_threshold", "final_report_days"]
    save_as = True
