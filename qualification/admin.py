"""Practice areas, edited by partners in the admin, with their change history."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from qualification.models import PracticeArea


@admin.register(PracticeArea)
class PracticeAreaAdmin(SimpleHistoryAdmin):
    list_display = ["name", "typical_fee_low", "typical_fee_high", "accepts_work"]
    list_filter = ["accepts_work"]
    search_fields = ["name", "keywords"]
    prepopulated_fields = {"slug": ["name"]}
