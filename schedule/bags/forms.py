"""The bags' pages: one thing for one child's bag, and the rain rule."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from schedule.bags.models import BagItem, BagRules
from schedule.common import readings
from schedule.common.forms import VersionedForm, WeekdaysField, icon_field, keep_unknown_icon


class BagItemForm(VersionedForm):
    icon = icon_field()
    weekdays = WeekdaysField(label=_("every week on"))

    class Meta:
        model = BagItem
        fields = ["member", "title_ja", "title_reading", "title_en", "icon", "weekdays"]
        fields += ["on_date", "event_word"]
        widgets = {"on_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        keep_unknown_icon(self)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        readings.fill_missing([self])
        return data


class BagRulesForm(VersionedForm):
    class Meta:
        model = BagRules
        fields = ["rain_from"]
        widgets = {"rain_from": forms.NumberInput(attrs={"class": "hibi-narrow", "min": 0})}
