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
from schedule.common.repeat import Mode, Unit, repeat_from_rule
from schedule.family import photos
from schedule.family.away import REPEATS, AwayPeriod, rule_every
from schedule.family.models import Display, IconColour, Member, MemberPhoto, new_photo_key


class MemberForm(VersionedForm):
    icon = icon_field(required=True)
    photo = forms.FileField(
        label=_("Photo"),
        required=False,
        # image/* lets a phone offer its camera as well as its pictures.
        widget=forms.FileInput(attrs={"accept": "image/*"}),
        help_text=_("A face for the wall, from the phone's camera or pictures. Made small."),
    )
    remove_photo = forms.BooleanField(label=_("Remove the photo"), required=False)

    class Meta:
        model = Member
        fields = ["name_ja", "name_en", "colour", "icon", "order", "wake_at"]
        widgets = {
            "colour": ColourInput,
            "wake_at": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        keep_unknown_icon(self)
        self.new_photo: bytes | None = None

    def clean_photo(self) -> Any:
        upload = self.cleaned_data.get("photo")
        if upload:
            self.new_photo = photos.made_small(upload)
        return upload

    def save(self, commit=True):
        if self.new_photo is not None:
            self.instance.photo_key = new_photo_key()
        elif self.cleaned_data.get("remove_photo"):
            self.instance.photo_key = ""
        return super().save(commit)

    def _save_m2m(self) -> None:
        # Also the admin's save_related(): the member is saved by then.
        super()._save_m2m()  # type: ignore[misc]
        member = self.instance
        if self.new_photo is not None:
            MemberPhoto.objects.update_or_create(
                member=member, defaults={"key": member.photo_key, "image": self.new_photo}
            )
        elif not member.photo_key:
            MemberPhoto.objects.filter(member=member).delete()


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
            "spoken_cues",
            "timer_minutes",
            "battery_webhook_url",
            "night_start",
            "night_end",
            "ok_to_wake",
        ]
        widgets = {
            "members": DayCheckboxes,
            "night_start": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "night_end": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
        }


DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class AwayPeriodForm(VersionedForm):
    """A time away, its repeat said as the chores' "every other week" (repeat.py);
    a rule typed another way (an import, an older Hibi) is kept as it is."""

    every = forms.ChoiceField(label=_("Comes back"), choices=REPEATS, initial=0)

    class Meta:
        model = AwayPeriod
        fields = ["member", "first_day", "last_day", "repeat_until"]
        widgets = {"first_day": DATE_INPUT, "last_day": DATE_INPUT, "repeat_until": DATE_INPUT}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        rule = self.instance.rrule
        field = self.fields["every"]
        assert isinstance(field, forms.ChoiceField)
        repeat = repeat_from_rule(rule)
        if not rule:
            self.initial["every"] = 0
        elif repeat.mode == Mode.INTERVAL and repeat.unit == Unit.WEEKS and repeat.interval <= 4:
            self.initial["every"] = repeat.interval
        else:
            field.choices = [*REPEATS, ("rule", rule)]
            self.initial["every"] = "rule"

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        every = data.get("every")
        if every is not None and every != "rule":
            self.instance.rrule = rule_every(int(every))
        return data


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
