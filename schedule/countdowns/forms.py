"""A day to count the sleeps to: typed in, or picked from a subscribed calendar."""

from __future__ import annotations

from datetime import timedelta
from typing import Any, cast

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from schedule.calendars.models import CalendarEvent
from schedule.calendars.selectors import guess_lang
from schedule.common import household, readings
from schedule.common.forms import VersionedForm, icon_field, keep_unknown_icon
from schedule.countdowns.models import Countdown

# The events offered: the calendars keep only their coming days (CALENDAR_DAYS_AHEAD).
MOST_EVENTS = 200


def _event_day(event: CalendarEvent):
    return event.start.astimezone(household.zone()).date() if event.start else event.start_date


class CountdownForm(VersionedForm):
    icon = icon_field()
    event = forms.ChoiceField(
        label=_("or a calendar's event"),
        required=False,
        help_text=_(
            "Its day (and its title, if none is given) is taken from the event, and follows "
            "the event when it moves."
        ),
    )

    class Meta:
        model = Countdown
        fields = ["title_ja", "title_reading", "title_en", "icon", "date", "yearly", "member"]
        fields += ["show_days_before"]
        widgets = {
            "date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "show_days_before": forms.NumberInput(attrs={"class": "hibi-narrow", "min": 0}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        keep_unknown_icon(self)
        self.fields["date"].required = False
        since = household.now() - timedelta(days=1)
        coming = CalendarEvent.objects.filter(
            Q(start__gte=since) | Q(start_date__gte=since.date()), subscription__enabled=True
        ).order_by("start", "start_date", "id")
        self.events = {f"{e.subscription_id}:{e.pk}": e for e in coming[:MOST_EVENTS]}
        choices = [("", "—")] + [
            (key, f"{_event_day(event):%Y-%m-%d} {event.title}")
            for key, event in self.events.items()
        ]
        cast(forms.ChoiceField, self.fields["event"]).choices = choices

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        event = self.events.get(data.get("event") or "")
        if event is not None:
            self.instance.subscription_id = event.subscription_id
            self.instance.event_uid = event.uid
            data["date"] = self.instance.date = _event_day(event)
            titles = (data.get("title_ja") or "") + (data.get("title_en") or "")
            if not titles.strip():
                key = "title_ja" if guess_lang(event.title) == "ja" else "title_en"
                data[key] = event.title[:80]
                setattr(self.instance, key, data[key])
        elif not data.get("date") and "date" not in self.errors:
            self.add_error("date", _("Give the day, or pick a calendar's event."))
        readings.fill_missing([self])
        return data
