"""The menu in the admin: a meal a row, edited from a parent's phone."""

from __future__ import annotations

from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from schedule.common.admin import VersionedAdmin, icon_picture
from schedule.meals.forms import MealForm
from schedule.meals.models import Meal


@admin.register(Meal)
class MealAdmin(VersionedAdmin):
    form = MealForm
    list_display = ["__str__", "shown", "kind", "weekday", "date"]
    list_filter = ["kind"]
    fields = ["kind", ("weekday", "date"), "title_ja", "title_reading", "title_en", "icon"]

    @admin.display(description=_("icon"))
    def shown(self, meal: Meal) -> str:
        return icon_picture(meal.icon, str(meal))
