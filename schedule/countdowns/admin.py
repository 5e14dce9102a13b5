"""The days the family counts the sleeps to, in the admin."""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from schedule.common.admin import VersionedAdmin, icon_picture
from schedule.countdowns.forms import CountdownForm
from schedule.countdowns.models import Countdown


@admin.register(Countdown)
class CountdownAdmin(VersionedAdmin):
    form = CountdownForm
    list_display = ["__str__", "shown", "date", "yearly", "member"]
    list_select_related = ["member"]
    fields = ["title_ja", "title_reading", "title_en", "icon", "date", "event", "yearly"]
    fields += ["member", "show_days_before"]

    @admin.display(description=_("icon"))
    def shown(self, countdown: Countdown) -> str:
        return icon_picture(countdown.icon, str(countdown))
