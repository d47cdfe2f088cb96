from django.contrib import admin

from .models import SummaryRun


@admin.register(SummaryRun)
class SummaryRunAdmin(admin.ModelAdmin):
    list_display = ["started_at", "finished_at", "status"]
    list_filter = ["status"]
    readonly_fields = ["started_at", "finished_at", "status"]
