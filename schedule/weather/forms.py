"""The weather's pages: the family's place (JMA's areas to choose from) and
the rules that call a block off."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.utils.translation import gettext_lazy as _

from schedule.common import household
from schedule.common.forms import DayCheckboxes, VersionedForm
from schedule.family.models import Member
from schedule.plans.forms import _times
from schedule.plans.models import Block
from schedule.weather import areas, warning_codes
from schedule.weather.models import CallOffRule, WeatherPlace
from schedule.weather.selectors import kept_forecast


class WeatherPlaceForm(VersionedForm):
    office = forms.ChoiceField(label=_("forecast office"), required=False)
    area = forms.ChoiceField(label=_("forecast area"), required=False)
    city = forms.ChoiceField(
        label=_("municipality for warnings"),
        required=False,
        help_text=_("Empty: the warnings of the whole forecast area."),
    )

    class Meta:
        model = WeatherPlace
        fields = ["enabled", "provider", "office", "area", "city", "point"]
        fields += ["latitude", "longitude"]
        widgets = {"point": forms.TextInput(attrs={"size": 6})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        lang = household.language()
        office = str(self.initial.get("office") or "")
        none: list[Any] = [("", "—")]
        fields = self.fields
        cast(forms.ChoiceField, fields["office"]).choices = none + areas.office_choices(lang)
        cast(forms.ChoiceField, fields["area"]).choices = none + areas.area_choices(lang)
        cast(forms.ChoiceField, fields["city"]).choices = none + areas.city_choices(lang, office)
        points = kept_forecast(self.instance) if self.instance.pk else None
        if points is not None and points.points:
            listed = ", ".join(f"{code} {name}" for code, name in points.points)
            fields["point"].help_text = _(
                "JMA's AMeDAS code. The forecast names these: %(points)s. Empty: the first."
            ) % {"points": listed}


class BlockChoiceField(forms.ModelChoiceField):
    """A block named as a parent finds it: its plan, its times, its title."""

    def label_from_instance(self, obj: Block) -> str:
        return f"{obj.plan} · {_times(obj.start, obj.end)} {obj}"


class CallOffRuleForm(VersionedForm):
    block = BlockChoiceField(
        label=_("block"),
        queryset=Block.objects.select_related("plan").order_by("plan__name_ja", "start", "id"),
        required=False,
        empty_label=_("The member's own blocks"),
        help_text=_("The block called off, such as school. Empty: the member's own blocks."),
    )
    member = forms.ModelChoiceField(
        label=_("for whom"),
        queryset=Member.objects.all(),
        required=False,
        empty_label=_("Everyone in the block"),
    )
    warnings = forms.MultipleChoiceField(
        label=_("warnings"),
        widget=DayCheckboxes,
        help_text=_(
            "Called off when any of these is in force at the time below. JMA's codes for "
            "them are not confirmed by JMA itself: check the admin's list after JMA changes "
            "its warnings."
        ),
    )

    class Meta:
        model = CallOffRule
        fields = ["block", "member", "warnings", "decide_at", "nudge", "enabled"]
        widgets = {"decide_at": forms.TimeInput(attrs={"type": "time"}, format="%H:%M")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        field = cast(forms.MultipleChoiceField, self.fields["warnings"])
        choices = warning_codes.choices()
        known = {code for code, _name in choices}
        # A stored code this Hibi's table does not know stays choosable.
        stored = self.initial.get("warnings") or []
        extra = [(code, warning_codes.unknown_name(code)) for code in stored if code not in known]
        field.choices = choices + extra
