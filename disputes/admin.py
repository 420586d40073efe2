"""Tables the 系统管理员 edits for the county: dispute categories, SLA working days per 诉求类型, and calendar days
(a newly announced year's holidays and 调休 workdays override the official-calendar package)."""

from django.contrib import admin

from disputes.models import CalendarDay, DisputeCategory, SlaRule
from xilian.admin import AuditedAdmin


@admin.register(DisputeCategory)
class DisputeCategoryAdmin(AuditedAdmin):
    list_display = ["name", "county", "order", "is_active"]
    list_editable = ["order", "is_active"]
    list_filter = ["county", "is_active"]
    search_fields = ["name"]


@admin.register(SlaRule)
class SlaRuleAdmin(AuditedAdmin):
    list_display = ["request_type", "working_days"]


@admin.register(CalendarDay)
class CalendarDayAdmin(AuditedAdmin):
    allow_delete = True  # a wrongly entered day is removed, and the official calendar applies again
    list_display = ["date", "is_workday", "note"]
    list_filter = ["is_workday"]
    date_hierarchy = "date"
    search_fields = ["note"]
