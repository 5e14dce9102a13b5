"""The announcement a parent sends from the phone: a ready-made one in one tap,
or a text of their own with its picture, walls, minutes and chime."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from schedule.announcements.models import (
    DEFAULT_MINUTES,
    LONGEST_MINUTES,
    PRESET_KEYS,
    Announcement,
    AnnouncementToken,
    preset,
)
from schedule.common import household
from schedule.common.forms import DayCheckboxes, icon_field


class AnnouncementForm(forms.ModelForm):
    icon = icon_field()
    minutes = forms.IntegerField(
        label=_("For how many minutes"),
        min_value=1,
        max_value=LONGEST_MINUTES,
        initial=DEFAULT_MINUTES,
        widget=forms.NumberInput(attrs={"class": "hibi-narrow", "inputmode": "numeric"}),
    )
    # Set by the ready-made buttons (a submit button each), never drawn as a field:
    # a hidden input of the same name would come after the button and win.
    preset = forms.ChoiceField(
        choices=[("", "")] + [(key, key) for key in PRESET_KEYS],
        required=False,
        widget=forms.HiddenInput,
    )

    class Meta:
        model = Announcement
        fields = ["text_ja", "text_en", "icon", "displays", "chime"]
        widgets = {"displays": DayCheckboxes}

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        found = preset(data.get("preset") or "")
        if found is not None:
            data["text_ja"], data["text_en"], data["icon"] = found
            self.errors.pop("text_ja", None)
        if not (data.get("text_ja") or "").strip() and not (data.get("text_en") or "").strip():
            raise ValidationError(
                _("Tap one of the ready-made announcements, or write one."), code="empty"
            )
        now = household.now()
        self.instance.starts_at = now
        self.instance.ends_at = now + timedelta(minutes=data.get("minutes") or DEFAULT_MINUTES)
        return data


class TokenForm(forms.ModelForm):
    class Meta:
        model = AnnouncementToken
        fields = ["name"]
