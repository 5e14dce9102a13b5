"""A chore's page: the repeat in a family's words (RepeatForm), the chore itself,
the people taking turns."""

from __future__ import annotations

import json
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from schedule.chores.garbage.models import ChoreClosure, Closure
from schedule.chores.models import Chore, ChoreAssignee
from schedule.common import collection, household, readings, recurrence, validation
from schedule.common.forms import (
    WEEKDAY_CHOICES,
    DateListField,
    DayCheckboxes,
    HolidayListField,
    VersionedForm,
    WeekdaysField,
    _deleted,
    holiday_choices,
    icon_field,
    keep_unknown_icon,
)
from schedule.common.repeat import (
    LAST,
    MONTH_WEEKS,
    WEEK_INTERVALS,
    Mode,
    Repeat,
    Unit,
    repeat_from_rule,
    rule_from_repeat,
)
from schedule.family.models import Member

# Which friendly fields each mode uses; the admin's script hides the others.
MODE_FIELDS = {
    Mode.WEEKLY: ["weekdays", "week_interval"],
    Mode.MONTHLY: ["month_weeks", "month_weekdays"],
    Mode.MONTH_WEEK: ["month_weeks", "month_weekdays"],
    Mode.INTERVAL: ["interval", "interval_unit"],
    Mode.DATES: [],
    Mode.RAW: ["rrule"],
}


# When the start date matters, so the page shows it: counting every few days or
# weeks starts there (a raw rule may count too); "every Wednesday" needs none. A
# mode mapped to a field's name needs it only when that field is not 1.
START_DATE_WHEN = {Mode.INTERVAL: "", Mode.RAW: "", Mode.WEEKLY: "week_interval"}


REPEAT_FIELDS = list(
    dict.fromkeys(["repeat_mode", *(name for names in MODE_FIELDS.values() for name in names)])
)


class RepeatForm(forms.Form):
    """How a chore repeats, in the words of a family's garbage calendar."""

    repeat_mode = forms.ChoiceField(
        label=_("Repeats"),
        choices=Mode.choices,
        initial=Mode.WEEKLY,
        widget=forms.RadioSelect(attrs={"class": "hibi-repeat-mode"}),
    )
    weekdays = forms.TypedMultipleChoiceField(
        label=_("On"), choices=WEEKDAY_CHOICES, coerce=int, required=False, widget=DayCheckboxes
    )
    week_interval = forms.TypedChoiceField(
        label=_("How often"), choices=WEEK_INTERVALS, coerce=int, initial=1, required=False
    )
    month_weeks = forms.TypedMultipleChoiceField(
        label=_("Weeks of the month"),
        choices=MONTH_WEEKS,
        coerce=int,
        required=False,
        widget=DayCheckboxes,
        help_text=_(
            "“2nd” is the 2nd such weekday of the month, or that day in the month’s "
            "2nd week, as chosen under “repeats”."
        ),
    )
    month_weekdays = forms.TypedMultipleChoiceField(
        label=_("Day of the week"),
        choices=WEEKDAY_CHOICES,
        coerce=int,
        required=False,
        widget=DayCheckboxes,
    )
    interval = forms.IntegerField(
        label=_("Every"),
        min_value=1,
        max_value=365,
        initial=2,
        required=False,
        widget=forms.NumberInput(attrs={"size": 4, "class": "hibi-narrow"}),
    )
    interval_unit = forms.ChoiceField(
        label=_("Unit"), choices=Unit.choices, initial=Unit.DAYS, required=False
    )
    start_date = forms.DateField(
        label=_("Starting"),
        help_text=_("Counting starts here for “every few days” and “every other week”."),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )
    rrule = forms.CharField(
        label=_("Repeat rule"),
        max_length=200,
        required=False,
        help_text=_("RFC 5545 rule, e.g. <code>FREQ=WEEKLY;BYDAY=MO,TH</code>."),
    )
    extra_dates = DateListField(
        label=_("Extra dates"),
        help_text=_("One date per line, such as a special collection day."),
    )
    exception_dates = DateListField(
        label=_("Exception dates"),
        help_text=_("One date per line when the chore does not happen, such as New Year."),
    )
    holiday_policy = forms.ChoiceField(
        label=_("On a public holiday"),
        choices=Chore.HolidayPolicy.choices,
        initial=Chore.HolidayPolicy.KEEP,
    )
    holiday_exceptions = HolidayListField(
        label=_("Except on these holidays"),
        help_text=Chore._meta.get_field("holiday_exceptions").help_text,
    )
    no_collection_days = WeekdaysField(
        label=_("Never moved to"),
        initial=[6],
        help_text=Chore._meta.get_field("no_collection_days").help_text,
    )
    is_garbage = forms.BooleanField(
        label=_("Garbage collection"),
        required=False,
        help_text=Chore._meta.get_field("is_garbage").help_text,
    )

    def __init__(self, *args, chore_id: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.chore_id = chore_id
        field = self.fields["holiday_exceptions"]
        assert isinstance(field, forms.MultipleChoiceField)
        kept = self.initial.get("holiday_exceptions") or []
        field.choices = holiday_choices(
            _country(), household.language(), kept if isinstance(kept, list) else []
        )

    def initial_from_rule(self, rule: str) -> dict:
        repeat = repeat_from_rule(rule)
        by_month = repeat.mode in (Mode.MONTHLY, Mode.MONTH_WEEK)
        return {
            "repeat_mode": repeat.mode,
            "weekdays": list(repeat.weekdays) if repeat.mode == Mode.WEEKLY else [],
            "week_interval": repeat.week_interval,
            "month_weeks": list(repeat.month_weeks),
            "month_weekdays": list(repeat.weekdays) if by_month else [],
            "interval": repeat.interval if repeat.mode == Mode.INTERVAL else 2,
            "interval_unit": repeat.unit,
            "rrule": rule,
        }

    def repeat(self) -> Repeat:
        data = self.cleaned_data
        mode = data.get("repeat_mode")
        if mode == Mode.WEEKLY:
            return Repeat(
                Mode.WEEKLY,
                weekdays=tuple(data.get("weekdays") or ()),
                week_interval=data.get("week_interval") or 1,
            )
        if mode in (Mode.MONTHLY, Mode.MONTH_WEEK):
            return Repeat(
                Mode(mode),
                weekdays=tuple(data.get("month_weekdays") or ()),
                month_weeks=tuple(data.get("month_weeks") or ()),
            )
        if mode == Mode.INTERVAL:
            return Repeat(
                Mode.INTERVAL,
                interval=data.get("interval") or 1,
                unit=data.get("interval_unit") or Unit.DAYS,
            )
        if mode == Mode.DATES:
            return Repeat(Mode.DATES)
        return Repeat(Mode.RAW, raw=data.get("rrule") or "")

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        mode = data.get("repeat_mode")
        if mode == Mode.WEEKLY and not data.get("weekdays"):
            self._missing("weekdays", _("Tick at least one day of the week."))
        elif mode in (Mode.MONTHLY, Mode.MONTH_WEEK):
            if not data.get("month_weeks"):
                self._missing("month_weeks", _("Tick at least one week of the month."))
            if not data.get("month_weekdays"):
                self._missing("month_weekdays", _("Tick the day of the week."))
            if mode == Mode.MONTH_WEEK:
                self._clean_calendar_weeks(data)
        elif mode == Mode.INTERVAL and not data.get("interval"):
            self._missing("interval", _("Say how many days or weeks apart."))
        elif (
            mode == Mode.DATES and not data.get("extra_dates") and "extra_dates" not in self.errors
        ):
            self._missing(
                "extra_dates", _("List at least one date, or choose another way to repeat.")
            )
        elif (
            mode == Mode.RAW
            and not (data.get("rrule") or "").strip()
            and "rrule" not in self.errors
        ):
            self._missing("rrule", _("Write a repeat rule, or choose another way to repeat."))
        if mode and not any(name in self.errors for name in REPEAT_FIELDS):
            data["rrule"] = rule_from_repeat(self.repeat())
        return data

    def _missing(self, field: str, message: Any) -> None:
        # "required": not filled in yet (the next-dates preview waits quietly),
        # unlike a value that cannot work.
        self.add_error(field, ValidationError(message, code="required"))

    def _clean_calendar_weeks(self, data: dict[str, Any]) -> None:
        if LAST in (data.get("month_weeks") or ()):
            self.add_error(
                "month_weeks",
                _("“last” is not a week of the calendar; tick the 4th or 5th week instead."),
            )
        if len(data.get("month_weekdays") or ()) > 1:
            self.add_error(
                "month_weekdays",
                _(
                    "Tick one day of the week: read by weeks, each day of the week "
                    "needs its own chore."
                ),
            )

    def recurrence(self) -> recurrence.Recurrence | None:
        """The chore's calendar as the fields describe it, if they are valid, with the
        household's closures (and, for a saved chore, its own word on each)."""
        if not self.is_valid():
            return None
        data = self.cleaned_data
        links = (
            {
                link.closure_id: link.as_data()
                for link in ChoreClosure.objects.filter(chore_id=self.chore_id)
            }
            if self.chore_id is not None
            else {}
        )
        rules = collection.rules_from_row(
            bool(data.get("is_garbage")),
            data.get("holiday_exceptions") or [],
            data.get("no_collection_days") or 0,
            [closure.as_data() for closure in Closure.objects.all()],
            links,
        )
        try:
            return recurrence.Recurrence(
                rule=data["rrule"],
                start=data["start_date"],
                extra_dates=recurrence.dates_from_text(data["extra_dates"]),
                exception_dates=recurrence.dates_from_text(data["exception_dates"]),
                holiday_policy=data["holiday_policy"],
                calendar=recurrence.holiday_calendar(_country()),
                rules=rules,
            )
        except recurrence.RecurrenceError:
            return None


def _country() -> str:
    from django.conf import settings

    return settings.HOLIDAY_COUNTRY


class ChoreForm(RepeatForm, VersionedForm):
    icon = icon_field()

    class Meta:
        model = Chore
        fields = [
            "title_ja",
            "title_reading",
            "title_en",
            "icon",
            "time",
            "time_kind",
            "rotate",
            "start_date",
            "rrule",
            "extra_dates",
            "exception_dates",
            "holiday_policy",
            "nudge_when_overdue",
            "holiday_exceptions",
            "no_collection_days",
            "is_garbage",
        ]
        widgets = {"time": forms.TimeInput(attrs={"type": "time"}, format="%H:%M")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.chore_id = self.instance.pk
        if self.instance.pk is not None:
            self.initial.update(self.initial_from_rule(self.instance.rrule))
        else:
            # Today in the household, not the server's: counting starts from the day it is added.
            self.fields["start_date"].initial = household.today()
        keep_unknown_icon(self)
        attrs = self.fields["repeat_mode"].widget.attrs
        attrs["data-hibi-mode-fields"] = _mode_fields_json()
        attrs["data-hibi-start-when"] = json.dumps(START_DATE_WHEN)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        readings.fill_missing([self])
        return data

    def _update_errors(self, errors):
        # The model speaks of its stored rule; unless the parent typed a raw
        # rule, the message belongs beside the friendly fields that made it.
        if hasattr(errors, "error_dict"):
            kept: dict[str, list[ValidationError]] = {}
            for field, messages in errors.error_dict.items():
                if field == "rrule" and any(name in self.errors for name in REPEAT_FIELDS):
                    continue  # no rule was made: the friendly field in error says why
                if field == "rrule" and self.cleaned_data.get("repeat_mode") != Mode.RAW:
                    field = "repeat_mode"
                if messages:
                    kept.setdefault(field, []).extend(messages)
            if not kept:
                return
            errors = ValidationError(kept)
        # A ModelForm's method: ChoreForm is one through VersionedForm.
        super()._update_errors(errors)  # type: ignore[misc]


def _mode_fields_json() -> str:
    return json.dumps(MODE_FIELDS)


class NewChoreForm(ChoreForm):
    """The add page's form: who does it, as ticks beside their names (in the
    family's order, which is also the turn order; the chore's page changes it)."""

    who = forms.ModelMultipleChoiceField(
        label=_("Who does it"),
        queryset=Member.objects.all(),
        required=False,
        widget=DayCheckboxes,
        help_text=_("Nobody ticked: anyone may do it."),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not validation.turns_have_people(bool(data.get("rotate")), len(data.get("who") or ())):
            self.add_error(
                "who",
                ValidationError(
                    _("Choose who takes turns here, or untick “take turns”."), code="rotation"
                ),
            )
        return data

    def _save_m2m(self) -> None:
        super()._save_m2m()  # type: ignore[misc]
        for order, member in enumerate(self.cleaned_data.get("who") or ()):
            ChoreAssignee.objects.get_or_create(
                chore=self.instance, member=member, defaults={"order": order}
            )


class AssigneeFormSet(forms.BaseInlineFormSet):
    """Taking turns needs somebody to take them."""

    def clean(self) -> None:
        super().clean()
        chosen = [
            form.cleaned_data["member"]
            for form in self.forms
            if getattr(form, "cleaned_data", None)
            and form.cleaned_data.get("member")
            and not _deleted(form)
        ]
        if not validation.turns_have_people(self.instance.rotate, len(chosen)):
            raise ValidationError(
                _("Choose who takes turns here, or untick “take turns”."), code="rotation"
            )
