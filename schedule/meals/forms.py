"""The menu's page: one meal, weekly or on a date."""

from __future__ import annotations

from typing import Any

from django import forms

from schedule.common import readings
from schedule.common.forms import VersionedForm, icon_field, keep_unknown_icon
from schedule.meals.models import Meal


class MealForm(VersionedForm):
    icon = icon_field()

    class Meta:
        model = Meal
        fields = ["kind", "weekday", "date", "title_ja", "title_reading", "title_en", "icon"]
        widgets = {"date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        keep_unknown_icon(self)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        readings.fill_missing([self])
        return data
