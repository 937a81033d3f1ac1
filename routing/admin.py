"""Teams and members of the firm, edited in the admin, with their change history."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from routing.models import Member, Team


@admin.register(Team)
class TeamAdmin(SimpleHistoryAdmin):
    list_display = ["name", "head"]
    list_select_related = ["head__user"]
    filter_horizontal = ["practice_areas"]
    search_fields = ["name"]


@admin.register(Member)
class MemberAdmin(SimpleHistoryAdmin):
    list_display = ["name", "team", "seniority", "capacity", "supervisor", "is_active"]
    list_filter = ["team", "seniority", "is_active"]
    list_select_related = ["user", "team", "supervisor__user"]
    search_fields = ["user__first_name", "user__last_name", "user__email"]
    filter_horizontal = ["practice_areas"]
    autocomplete_fields = ["user", "supervisor"]
