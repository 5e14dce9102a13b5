"""Admin registration of every model (the full bilingual admin comes later)."""

from django.contrib import admin

from . import models


class BlockInline(admin.TabularInline):
    model = models.Block
    extra = 0


class OverrideInline(admin.TabularInline):
    model = models.PlanOverride
    extra = 0


@admin.register(models.Plan)
class PlanAdmin(admin.ModelAdmin):
    list_display = ["__str__", "weekdays", "on_holidays", "priority"]
    inlines = [BlockInline, OverrideInline]


class AssigneeInline(admin.TabularInline):
    model = models.ChoreAssignee
    extra = 0


@admin.register(models.Chore)
class ChoreAdmin(admin.ModelAdmin):
    list_display = ["__str__", "time", "rrule", "holiday_policy"]
    inlines = [AssigneeInline]


@admin.register(models.Display)
class DisplayAdmin(admin.ModelAdmin):
    list_display = ["name", "language", "last_seen_at"]
    readonly_fields = ["last_seen_at", "last_user_agent"]


admin.site.register(models.Member)
admin.site.register(models.Block)
admin.site.register(models.PlanOverride)
admin.site.register(models.ChoreDone)
admin.site.register(models.Note)
