"""Members, activity colours, displays, and the wall preview's choice of moment."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from schedule.common.forms import (
    ColourInput,
    DayCheckboxes,
    VersionedForm,
    icon_field,
    keep_unknown_icon,
)
from schedule.family.models import Display, IconColour, Member


class MemberForm(VersionedForm):
    icon = icon_field(required=True)

    class Meta:
        model = Member
        fields = ["name_ja", "name_en", "colour", "icon", "order"]
        widgets = {"colour": ColourInput}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        keep_unknown_icon(self)


class IconColourForm(VersionedForm):
    icon = icon_field(required=True)

    class Meta:
        model = IconColour
        fields = ["icon", "colour"]
        widgets = {"colour": ColourInput}
        help_texts = {
            "colour": _("Every block with this icon takes this colour, on every wall."),
        }


class DisplayForm(VersionedForm):
    class Meta:
        model = Display
        fields = [
            "name",
            "language",
            "theme",
            "members",
            "may_complete_chores",
            "show_stars",
            "show_readings",
            "cue_minutes",
            "chime",
            "night_start",
            "night_end",
        ]
        widgets = {
            "members": DayCheckboxes,
            "night_start": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "night_end": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        }


class WallPreviewForm(forms.Form):
    """Which tablet, which day and time to open the wall at (the wall's ?at=)."""

    display = forms.ModelChoiceField(
        label=_("Display"), queryset=Display.objects.none(), empty_label=None
    )
    date = forms.DateField(
        label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    time = forms.TimeField(
        label=_("Time"), widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
    )

    def __init__(self, *args: Any, displays: QuerySet[Display], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["display"]
        assert isinstance(field, forms.ModelChoiceField)
        field.queryset = displays

    def wall_url(self) -> str:
        data = self.cleaned_data
        return (
            f"{data['display'].get_absolute_url()}?at={data['date']:%Y-%m-%d}T{data['time']:%H:%M}"
        )
