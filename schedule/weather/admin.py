"""The weather in the admin: where the family's forecast and warnings are
read for (and how the last fetch went), and the call-off rules."""

from __future__ import annotations

import logging

from django.contrib import admin, messages
from django.db import DatabaseError, transaction
from django.template.defaultfilters import date as date_format
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from schedule.common import household
from schedule.common.admin import VersionedAdmin
from schedule.nudges import tasks
from schedule.weather.forms import CallOffRuleForm, WeatherPlaceForm
from schedule.weather.models import CallOffRule, WeatherPlace
from schedule.weather.selectors import warnings_at, weather_at

log = logging.getLogger(__name__)


def _queue_sync() -> bool:
    """Ask the worker to fetch now; the page never waits for the fetch itself."""
    try:
        tasks.sync_weather.enqueue(True)
    except DatabaseError as exc:
        log.warning("Could not queue a weather fetch: %s", exc)
        return False
    return True


@admin.register(WeatherPlace)
class WeatherPlaceAdmin(VersionedAdmin):
    form = WeatherPlaceForm
    list_display = ["__str__", "provider", "enabled", "last_success_at", "problem"]
    readonly_fields = ["last_fetch_at", "last_success_at", "problem", "forecast", "in_force"]
    fieldsets = [
        (None, {"fields": ["enabled", "provider"]}),
        (_("Japan Meteorological Agency"), {"fields": ["office", "area", "city", "point"]}),
        (_("Open-Meteo (outside Japan)"), {"fields": ["latitude", "longitude"]}),
        (
            _("Last fetch"),
            {"fields": ["last_fetch_at", "last_success_at", "problem", "forecast", "in_force"]},
        ),
    ]
    actions = ["fetch_now"]

    def has_add_permission(self, request):
        return not WeatherPlace.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False

    @admin.display(description=_("last problem"))
    def problem(self, place: WeatherPlace) -> str:
        return place.last_error or "—"

    @admin.display(description=_("forecast kept"))
    def forecast(self, place: WeatherPlace) -> str:
        found = weather_at(household.now(), place) if place.pk else None
        if found is None:
            return "—"
        return gettext("Reported at %(time)s") % {
            "time": date_format(found.reported_at.astimezone(household.zone()), "Y-m-d H:i")
        }

    @admin.display(description=_("warnings in force now"))
    def in_force(self, place: WeatherPlace) -> str:
        if not place.pk or not place.has_warnings:
            return "—"
        now = warnings_at(household.now(), place)
        if not now.known:
            return gettext("Not known: no recent report from JMA.")
        lang = household.language()
        names = [w.name_ja if lang == "ja" else w.name_en for w in now.in_force]
        return ", ".join(names) or gettext("Nothing in force.")

    def save_model(self, request, obj, form, change):
        if change and {"provider", "office"} & set(form.changed_data):
            # Another document: its ETag says nothing about the new one.
            obj.forecast_etag = obj.forecast_modified = ""
            obj.warnings_etag = obj.warnings_modified = ""
        super().save_model(request, obj, form, change)
        transaction.on_commit(_queue_sync)
        self.message_user(
            request,
            _("The weather is fetched in the background; it shows on the wall soon."),
            messages.INFO,
        )

    @admin.action(description=_("Fetch the weather now"), permissions=["change"])
    def fetch_now(self, request, queryset):
        _queue_sync()
        self.message_user(
            request,
            _("Asked the worker to fetch it; reload this page in a minute."),
            messages.SUCCESS,
        )


@admin.register(CallOffRule)
class CallOffRuleAdmin(VersionedAdmin):
    form = CallOffRuleForm
    list_display = ["__str__", "names", "decide_at", "nudge", "enabled"]
    list_select_related = ["block", "member"]
    fields = ["block", "member", "warnings", "decide_at", "nudge", "enabled"]

    @admin.display(description=_("warnings"))
    def names(self, rule: CallOffRule) -> str:
        return ", ".join(rule.warning_names())
