"""The admin's forms: friendly fields in, the models' stored shapes out.

A parent ticks weekdays and the plan stores a bitmask; a parent says "on the
2nd and 4th Wednesday" and the chore stores ``FREQ=MONTHLY;BYDAY=2WE,4WE``
(the translation is `repeat.py`'s). The checks that need more than one row
(blocks that overlap, turns without anyone) are `validation.py`'s, asked by
the inline formsets, which see every submitted row before anything is saved;
a plan for no day is refused here, since a plan's copy may be saved for none.
"""

from __future__ import annotations

import json
import re
from datetime import date
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from schedule.chores.garbage.models import ChoreClosure, Closure
from schedule.chores.models import Chore, ChoreAssignee
from schedule.common import collection, household, icons, readings, recurrence, validation
from schedule.common.repeat import (
    LAST,
    MONTH_WEEKS,
    SHORT_WEEKDAY_NAMES,
    WEEK_INTERVALS,
    Mode,
    Repeat,
    Unit,
    list_separator,
    repeat_from_rule,
    rule_from_repeat,
)
from schedule.family.models import Display, IconColour, Member
from schedule.plans.models import Block, Note, Plan, PlanOverride
from schedule.routines.models import (
    Reward,
    Routine,
    RoutineAssignment,
    RoutineStep,
    StarEntry,
    StarRules,
)

WEEKDAY_CHOICES = list(enumerate(SHORT_WEEKDAY_NAMES))
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
MAX_LISTED_DATES = 366
# The caps of a plan's and a chore's rows (validation.py) keep a forged form
# cheap (see admin.CappedInline); settings.DATA_UPLOAD_MAX_NUMBER_FIELDS fits them.
MAX_BLOCKS_PER_PLAN = validation.MAX_BLOCKS_PER_PLAN
MAX_OVERRIDES_PER_PLAN = validation.MAX_OVERRIDES_PER_PLAN
MAX_TURN_TAKERS = validation.MAX_TURN_TAKERS
MAX_STEPS_PER_ROUTINE = validation.MAX_STEPS_PER_ROUTINE
# A routine's uses: each child in a few blocks of each plan.
MAX_ROUTINE_USES = 60
MAX_CLOSURES = validation.MAX_CLOSURES


# --- Small fields and widgets ------------------------------------------------------


class ProjectTemplateWidgetMixin(forms.Widget):
    """Render with the project's templates/ directory.

    Django's default form renderer only looks in app template directories,
    and the admin's widget templates live with the other admin overrides.
    """

    def render(
        self,
        name: str,
        value: Any,
        attrs: dict[str, Any] | None = None,
        renderer: Any = None,
    ) -> SafeString:
        assert self.template_name is not None
        context = self.get_context(name, value, attrs)
        return mark_safe(render_to_string(self.template_name, context))


class IconPicker(ProjectTemplateWidgetMixin, forms.Select):
    """The bundled icons as pictures to tap (the admin's script draws the grid)."""

    template_name = "admin/hibi/widgets/icon_picker.html"

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        chosen = str(value or "")
        context["widget"]["chosen"] = chosen
        context["widget"]["chosen_label"] = dict(self.choices).get(chosen, chosen)
        context["widget"]["known_icons"] = set(icons.icon_names())
        return context


def icon_field(required: bool = False) -> forms.ChoiceField:
    choices = icons.icon_choices()
    if not required:
        choices = [("", _("No icon")), *choices]
    return forms.ChoiceField(label=_("Icon"), choices=choices, required=required, widget=IconPicker)


def keep_unknown_icon(form: forms.ModelForm, name: str = "icon") -> None:
    """A stored icon that is no longer bundled stays selectable, so saving keeps it."""
    current = form.initial.get(name)
    field = form.fields[name]
    assert isinstance(field, forms.ChoiceField)
    choices = cast(list[tuple[str, Any]], field.choices)
    if current and current not in dict(choices):
        field.choices = [*choices, (current, current)]


class ColourInput(forms.TextInput):
    input_type = "color"


class OptionalColourInput(ProjectTemplateWidgetMixin, forms.TextInput):
    """A colour picker with an "automatic" box: blank means the members' colour."""

    template_name = "admin/hibi/widgets/optional_colour.html"
    input_type = "color"

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["automatic"] = not value
        context["widget"]["shown"] = value or "#8a8f98"
        return context

    def value_from_datadict(self, data, files, name):
        if data.get(f"{name}_automatic"):
            return ""
        return data.get(name, "")

    def value_omitted_from_data(self, data, files, name):
        return name not in data and f"{name}_automatic" not in data


class DayCheckboxes(forms.CheckboxSelectMultiple):
    def __init__(self, attrs=None):
        super().__init__(attrs={"class": "hibi-inline-choices", **(attrs or {})})


class WeekdaysField(forms.TypedMultipleChoiceField):
    """Weekday checkboxes that store `Plan.weekdays`' bitmask."""

    widget = DayCheckboxes

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(choices=WEEKDAY_CHOICES, coerce=int, **kwargs)

    def prepare_value(self, value):
        if isinstance(value, int):
            return [day for day in range(7) if value & (1 << day)]
        return value

    def has_changed(self, initial, data):
        return super().has_changed(self.prepare_value(initial), data)

    def clean(self, value) -> int:
        return Plan.weekdays_from_list(super().clean(value))


def holiday_choices(
    country: str, lang: str, keep: list[str] | None = None
) -> list[tuple[str, str]]:
    """The holidays of the household's country by their stored names, labelled in
    `lang`; stored names no longer in the calendar stay choosable, so saving keeps them."""
    this_year = household.today().year
    named = recurrence.holiday_calendar(country).named(range(this_year, this_year + 3))
    choices = [(own, en if lang == "en" else ja) for own, ja, en in named]
    known = {own for own, _label in choices}
    return choices + [(name, name) for name in keep or () if name not in known]


class HolidayListField(forms.MultipleChoiceField):
    """Named holidays as checkboxes, stored as a list of names in the country's language."""

    widget = DayCheckboxes

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def has_changed(self, initial, data):
        return sorted(initial or []) != sorted(data or [])


def _parse_listed_date(text: str) -> date:
    return date.fromisoformat(text.replace("/", "-"))


class DateListField(forms.Field):
    """Dates typed one per line (or separated by commas), stored as ISO strings."""

    # An example, worded as one: a bare date in the box looked like one already filled in.
    widget = forms.Textarea(
        attrs={"rows": 3, "cols": 24, "placeholder": _("One date a line, e.g. 2026-12-31")}
    )

    def __init__(self, **kwargs):
        kwargs.setdefault("required", False)
        super().__init__(**kwargs)

    def prepare_value(self, value):
        if isinstance(value, list | tuple):
            return "\n".join(str(item) for item in value)
        return value

    def has_changed(self, initial, data):
        try:
            return self.to_python(data) != sorted(set(initial or []))
        except ValidationError:
            return True

    def to_python(self, value: Any) -> list[str]:
        if isinstance(value, list | tuple):
            return sorted(set(value))
        text = str(value or "").strip()
        days = set()
        for token in re.split(r"[\s,、]+", text):
            if not token:
                continue
            try:
                days.add(_parse_listed_date(token))
            except ValueError:
                raise ValidationError(
                    _("“%(value)s” is not a date. Write dates like 2026-12-31."),
                    params={"value": token[:20]},
                    code="invalid_date",
                ) from None
        if len(days) > MAX_LISTED_DATES:
            raise ValidationError(
                _("List at most %(limit)d dates."),
                params={"limit": MAX_LISTED_DATES},
                code="too_many_dates",
            )
        return [day.isoformat() for day in sorted(days)]


def _deleted(form: forms.BaseForm) -> bool:
    """An inline row the parent ticked for deletion (its checks no longer apply)."""
    return bool(getattr(form, "cleaned_data", {}).get("DELETE"))


# --- Two parents at once --------------------------------------------------------------


class VersionedForm(forms.ModelForm):
    """Refuses to save over a change made since the form was opened.

    The page carries the row's `version`; on save the row is read again (and
    locked, on PostgreSQL; SQLite's write transaction already is) and a newer
    version means another parent saved in between. Their change stays; this
    parent is told to look at it and make theirs again.
    """

    loaded_version = forms.IntegerField(
        label=_("Version when opened"), widget=forms.HiddenInput, required=False, min_value=0
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["loaded_version"].initial = self.instance.version

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        loaded = data.get("loaded_version")
        if self.instance.pk is None or loaded is None:
            return data
        saved = (
            type(self.instance)
            .objects.select_for_update()
            .filter(pk=self.instance.pk)
            .values_list("version", flat=True)
            .first()
        )
        if saved is not None and saved != loaded:
            raise ValidationError(
                _(
                    "Someone else saved this while you were editing it, so your changes "
                    "were not saved. Open it again to see their change, then make yours."
                ),
                code="stale",
            )
        return data

    def save(self, commit=True):
        self.instance.version = (self.instance.version or 0) + 1
        return super().save(commit)


# --- Plans -----------------------------------------------------------------------


class PlanForm(VersionedForm):
    weekdays = WeekdaysField(
        label=_("Weekdays"), help_text=_("The days of the week this plan is for.")
    )

    class Meta:
        model = Plan
        fields = ["name_ja", "name_en", "weekdays", "on_holidays", "valid_from", "valid_until"]
        fields += ["priority"]
        widgets = {
            "valid_from": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "valid_until": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "priority": forms.NumberInput(attrs={"class": "hibi-narrow"}),
        }


def _times(start, end) -> str:
    return f"{start:%H:%M}–{end:%H:%M}"


class BlockForm(forms.ModelForm):
    icon = icon_field()
    members = forms.ModelMultipleChoiceField(
        label=_("Members"),
        queryset=Member.objects.all(),
        required=False,
        widget=DayCheckboxes,
        help_text=_("Nobody chosen means the whole family."),
    )

    class Meta:
        model = Block
        fields = [
            "start",
            "end",
            "title_ja",
            "title_reading",
            "title_en",
            "icon",
            "colour",
            "members",
            "nudge_minutes_before",
            "webhook_url",
        ]
        widgets = {
            "nudge_minutes_before": forms.NumberInput(attrs={"size": 4, "min": 0, "max": 180}),
            "webhook_url": forms.URLInput(attrs={"size": 24}),
            "start": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "end": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "title_ja": forms.TextInput(attrs={"size": 12}),
            "title_reading": forms.TextInput(attrs={"size": 12}),
            "title_en": forms.TextInput(attrs={"size": 12}),
            "colour": OptionalColourInput,
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        keep_unknown_icon(self)


class BlockFormSet(forms.BaseInlineFormSet):
    """Refuses two blocks of the same person at the same time (validation.overlaps)."""

    def clean(self) -> None:
        super().clean()
        rows = []
        for form in self.forms:
            data = getattr(form, "cleaned_data", None)
            if not data or _deleted(form):
                continue
            start, end = data.get("start"), data.get("end")
            if start is None or end is None:
                continue
            members = data.get("members") or ()
            span = validation.BlockSpan(start, end, frozenset(member.pk for member in members))
            title = household.pick(data.get("title_ja", ""), data.get("title_en", ""))
            rows.append((form, span, title, members))
        readings.fill_missing([row[0] for row in rows if row[0].has_changed()])
        self._keep_routines_people([(row[0], row[3]) for row in rows])
        for index, earlier, shared in validation.overlaps([row[1] for row in rows]):
            form, span, title, members = rows[index]
            _form, other, other_title, other_members = rows[earlier]
            form.add_error(
                None,
                ValidationError(
                    _(
                        "“%(this)s” (%(this_time)s) overlaps “%(other)s” "
                        "(%(other_time)s) for %(who)s."
                    ),
                    params={
                        "this": title,
                        "this_time": _times(span.start, span.end),
                        "other": other_title,
                        "other_time": _times(other.start, other.end),
                        "who": _who(shared, [*members, *other_members]),
                    },
                    code="overlap",
                ),
            )

    def _keep_routines_people(self, rows) -> None:
        """A block keeps everyone who has a routine in it (validation.member_fits_block)."""
        saved = {form.instance.pk: form for form, _members in rows if form.instance.pk}
        uses = RoutineAssignment.objects.filter(block_id__in=list(saved)).select_related(
            "member", "routine"
        )
        chosen = {form.instance.pk: members for form, members in rows if form.instance.pk}
        for use in uses:
            members = frozenset(member.pk for member in chosen[use.block_id])
            if not validation.member_fits_block(members, use.member_id):
                saved[use.block_id].add_error(
                    "members",
                    ValidationError(
                        _(
                            "%(member)s goes through the routine “%(routine)s” in this "
                            "block. Keep %(member)s in the block, or take the routine "
                            "away first (on the routine's page)."
                        ),
                        params={"member": use.member, "routine": use.routine},
                        code="routine_member",
                    ),
                )


class OneBlockForm(BlockForm):
    """One block of a plan on a page of its own, checked against the plan's other
    blocks as the plan's page checks them (two blocks of one person at once are
    refused), with "shift the following blocks" when its time moves.

    After `is_valid()`, `moves` holds the following blocks' new times and `gaps`
    the stretches of the day the change leaves with no block: a warning, since
    free time may be what the parent wants.
    """

    shift_following = forms.BooleanField(
        label=_("Shift the following blocks by the same minutes"),
        required=False,
        help_text=_(
            "The blocks after this one move as much as its end moved (or its start, if "
            "the end stayed). A night moves its bedtime, not its morning."
        ),
    )
    plan_version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)

    def __init__(self, *args: Any, others: list[Block], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.others = others
        # The page's script moves the end with the start (admin.js), keeping the length.
        start = self.fields["start"].widget
        start.attrs = {**start.attrs, "data-hibi-end": "id_end"}
        start.attrs["data-hibi-was"] = f"{self.instance.start:%H:%M}" if self.instance.start else ""
        self.fields["plan_version"].initial = self.instance.plan.version
        self.moves: dict[Block, tuple[Any, Any]] = {}
        self.gaps: list[tuple[Any, Any]] = []

    def clean(self) -> dict[str, Any]:
        super().clean()
        data = self.cleaned_data
        start, end = data.get("start"), data.get("end")
        if start is None or end is None or start == end:
            return data
        self._check_version(data.get("plan_version"))
        old_start, old_end = self.initial["start"], self.initial["end"]
        minutes = _minutes_between(old_end, end) or _minutes_between(old_start, start)
        if data.get("shift_following") and minutes:
            for other in self.others:
                if not _follows(other, old_start, old_end):
                    continue
                moved = validation.shifted(other.start, other.end, minutes)
                if moved is None:
                    self.add_error(
                        "shift_following",
                        ValidationError(
                            _("“%(block)s” (%(time)s) would move past midnight."),
                            params={"block": other, "time": _times(other.start, other.end)},
                            code="past_midnight",
                        ),
                    )
                    return data
                self.moves[other] = moved
        members = frozenset(member.pk for member in data.get("members") or ())
        this = validation.BlockSpan(start, end, members)
        spans = [this]
        before = [validation.BlockSpan(old_start, old_end, self._saved_members())]
        for other in self.others:
            people = frozenset(member.pk for member in other.members.all())
            before.append(validation.BlockSpan(other.start, other.end, people))
            spans.append(
                validation.BlockSpan(*self.moves.get(other, (other.start, other.end)), people)
            )
        for index, earlier, shared in validation.overlaps(spans):
            if earlier != 0:
                continue
            other = self.others[index - 1]
            self.add_error(
                None,
                ValidationError(
                    _(
                        "This would overlap “%(other)s” (%(other_time)s) for %(who)s. "
                        "Tick “shift the following blocks”, or choose other times."
                    ),
                    params={
                        "other": other,
                        "other_time": _times(spans[index].start, spans[index].end),
                        "who": _who(shared, [*(data.get("members") or ()), *other.members.all()]),
                    },
                    code="overlap",
                ),
            )
        self.gaps = validation.opened_gaps(before, spans)
        if self.has_changed():
            readings.fill_missing([self])
        return data

    def _saved_members(self) -> frozenset[int]:
        return frozenset(self.instance.members.values_list("pk", flat=True))

    def _check_version(self, loaded: int | None) -> None:
        saved = (
            Plan.objects.select_for_update()
            .filter(pk=self.instance.plan_id)
            .values_list("version", flat=True)
            .first()
        )
        if loaded is not None and saved is not None and saved != loaded:
            raise ValidationError(
                _(
                    "Someone else saved this plan while you were editing it, so your "
                    "change was not saved. Open it again to see theirs, then make yours."
                ),
                code="stale",
            )


def _follows(other: Block, start, end) -> bool:
    """A block the parent means by "the following blocks": it starts when this one
    has ended, and before it starts again (a night is followed by the next day)."""
    if end > start:
        return other.start >= end
    return end <= other.start < start


def _minutes_between(before, after) -> int:
    """How many minutes a time moved, the short way round the clock (23:50 → 00:10 is 20)."""
    moved = (after.hour * 60 + after.minute) - (before.hour * 60 + before.minute)
    return (moved + 720) % 1440 - 720


def _who(people: frozenset[int], members) -> str:
    if not people:
        return str(_("the whole family"))
    names = {member.pk: member.name for member in members}
    return list_separator().join(names[pk] for pk in sorted(people) if pk in names)


class OverrideForm(forms.ModelForm):
    class Meta:
        model = PlanOverride
        fields = ["date", "reason"]
        widgets = {"date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}


class OverrideFormSet(forms.BaseInlineFormSet):
    """A plan must apply to some day: a weekday, public holidays or a listed date."""

    def clean(self) -> None:
        super().clean()
        plan = self.instance
        dates = [
            form.cleaned_data["date"]
            for form in self.forms
            if getattr(form, "cleaned_data", None)
            and form.cleaned_data.get("date")
            and not _deleted(form)
        ]
        if not plan.weekdays and not plan.on_holidays and not dates:
            raise ValidationError(
                _(
                    "This plan applies to no day. Tick at least one weekday or "
                    "“public holidays” above, or add a date here."
                ),
                code="no_day",
            )


# --- Chores ----------------------------------------------------------------------


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


class ChoreClosureForm(forms.ModelForm):
    class Meta:
        model = ChoreClosure
        fields = ["closure", "action", "shift_days", "move_to"]
        widgets = {
            "move_to": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "shift_days": forms.NumberInput(attrs={"class": "hibi-narrow"}),
        }


class ChoreClosureFormSet(forms.BaseInlineFormSet):
    """A substitute date must not fall inside another closure: it would never be due."""

    def clean(self) -> None:
        super().clean()
        closures = [closure.as_data() for closure in Closure.objects.all()]
        for form in self.forms:
            data = getattr(form, "cleaned_data", None)
            if not data or _deleted(form) or data.get("action") != collection.ON_DATE:
                continue
            closed = validation.closed_on(data.get("move_to"), closures)
            if closed is not None:
                form.add_error(
                    "move_to",
                    ValidationError(
                        _("This date is inside the closure “%(closure)s”; give a day outside it."),
                        params={"closure": closed.name(household.language())},
                        code="inside",
                    ),
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


# --- Members and notes -------------------------------------------------------------


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


class NoteForm(VersionedForm):
    icon = icon_field()

    class Meta:
        model = Note
        fields = ["text_ja", "text_en", "icon", "start_date", "end_date"]
        widgets = {
            "start_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "end_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        keep_unknown_icon(self)


class ClosureForm(VersionedForm):
    class Meta:
        model = Closure
        fields = [
            "name_ja",
            "name_en",
            "start_date",
            "end_date",
            "yearly",
            "action",
            "shift_days",
            "move_to",
        ]
        widgets = {
            "start_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "end_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "move_to": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "shift_days": forms.NumberInput(attrs={"class": "hibi-narrow"}),
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        move_to = data.get("move_to")
        if data.get("action") == collection.ON_DATE and move_to is not None:
            others = [c.as_data() for c in Closure.objects.exclude(pk=self.instance.pk)]
            closed = validation.closed_on(move_to, others)
            if closed is not None:
                self.add_error(
                    "move_to",
                    ValidationError(
                        _("This date is inside the closure “%(closure)s”; give a day outside it."),
                        params={"closure": closed.name(household.language())},
                        code="inside",
                    ),
                )
        return data


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


# --- Routines and stars --------------------------------------------------------------


class RoutineForm(VersionedForm):
    icon = icon_field()

    class Meta:
        model = Routine
        fields = ["title_ja", "title_reading", "title_en", "icon", "stars"]
        widgets = {"stars": forms.NumberInput(attrs={"class": "hibi-narrow"})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        keep_unknown_icon(self)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        readings.fill_missing([self])
        return data


class StepForm(forms.ModelForm):
    icon = icon_field(required=True)

    class Meta:
        model = RoutineStep
        fields = ["order", "icon", "title_ja", "title_reading", "title_en", "minutes"]
        widgets = {
            "order": forms.NumberInput(attrs={"class": "hibi-narrow", "min": 0}),
            "title_ja": forms.TextInput(attrs={"size": 12}),
            "title_reading": forms.TextInput(attrs={"size": 12}),
            "title_en": forms.TextInput(attrs={"size": 12}),
            "minutes": forms.NumberInput(attrs={"class": "hibi-narrow", "min": 1}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        keep_unknown_icon(self)
        order = self.fields["order"]
        order.required = False
        order.help_text = _("Empty: after the others.")


class StepFormSet(forms.BaseInlineFormSet):
    """A routine has 1 to 12 steps (validation.steps_problem); a step without a
    number goes after the others, in the order of the rows."""

    def clean(self) -> None:
        super().clean()
        live = [
            form
            for form in self.forms
            if getattr(form, "cleaned_data", None) and not _deleted(form)
        ]
        problem = validation.steps_problem(len(live))
        if problem == validation.EMPTY:
            raise ValidationError(_("A routine needs at least one step."), code="no_steps")
        if problem == validation.TOO_MANY:
            raise ValidationError(
                _("A routine has at most %(most)d steps."),
                params={"most": validation.MAX_STEPS_PER_ROUTINE},
                code="too_many_steps",
            )
        numbered = [form.cleaned_data.get("order") for form in live]
        last = max((n for n in numbered if n is not None), default=0)
        for form in live:
            if form.cleaned_data.get("order") is None:
                last += 1
                form.cleaned_data["order"] = form.instance.order = last
        readings.fill_missing([form for form in live if form.has_changed()])


class BlockChoiceField(forms.ModelChoiceField):
    """A block named as a parent finds it: its plan, its times, its title."""

    def label_from_instance(self, obj: Block) -> str:
        return f"{obj.plan} · {_times(obj.start, obj.end)} {obj}"


class RoutineUseForm(forms.ModelForm):
    # Own empty choices: Django's "- Select an option -" has no Japanese yet.
    block = BlockChoiceField(
        label=_("block"),
        queryset=Block.objects.select_related("plan").order_by("plan__name_ja", "start", "id"),
        empty_label=_("Choose a block"),
    )
    member = forms.ModelChoiceField(
        label=_("member"), queryset=Member.objects.all(), empty_label=_("Choose who")
    )

    class Meta:
        model = RoutineAssignment
        fields = ["block", "member"]

    def validate_unique(self) -> None:
        """Left to RoutineUseFormSet, which names the child and the block (Django's
        own words for the constraint name neither); the database still refuses."""


class RoutineUseFormSet(forms.BaseInlineFormSet):
    """Where a routine is used: by someone in the block, one routine per child
    in a block, and not twice for one child in one plan (validation.py)."""

    def validate_unique(self) -> None:
        """See RoutineUseForm.validate_unique: clean() says it in the family's words."""

    def clean(self) -> None:
        super().clean()
        rows = [
            (form, form.cleaned_data["block"], form.cleaned_data["member"])
            for form in self.forms
            if getattr(form, "cleaned_data", None)
            and form.cleaned_data.get("block")
            and form.cleaned_data.get("member")
            and not _deleted(form)
        ]
        if not rows:
            return
        block_ids = {block.pk for _form, block, _member in rows}
        in_block: dict[int, set[int]] = {pk: set() for pk in block_ids}
        for block_id, member_id in Block.members.through.objects.filter(
            block_id__in=block_ids
        ).values_list("block_id", "member_id"):
            in_block[block_id].add(member_id)
        for form, block, member in rows:
            if not validation.member_fits_block(frozenset(in_block[block.pk]), member.pk):
                form.add_error(
                    "member",
                    ValidationError(
                        _(
                            "%(member)s is not in “%(block)s”. Choose someone in the block, "
                            "or add them to the block in its plan first."
                        ),
                        params={"member": member, "block": block},
                        code="not_in_block",
                    ),
                )
        self._refuse_clashes(rows)

    def _refuse_clashes(self, rows) -> None:
        others = RoutineAssignment.objects.filter(
            block__plan_id__in={block.plan_id for _form, block, _member in rows},
            member_id__in={member.pk for _form, _block, member in rows},
        ).select_related("block", "routine")
        if self.instance.pk is not None:
            others = others.exclude(routine=self.instance)
        known = list(others)
        routine = self.instance.pk or 0  # a new routine is no other routine
        uses = [validation.RoutineUse(u.block.plan_id, u.block_id, u.member_id, u.routine_id)
                for u in known]  # fmt: skip
        uses += [
            validation.RoutineUse(block.plan_id, block.pk, member.pk, routine)
            for _form, block, member in rows
        ]
        blocks = {u.block_id: u.block for u in known} | {b.pk: b for _f, b, _m in rows}
        for later, earlier, why in validation.routine_clashes(uses):
            if later < len(known):
                continue  # saved before, not this page's doing
            form, _block, member = rows[later - len(known)]
            block = blocks[uses[earlier].block]
            if why == validation.SAME_BLOCK:
                message = _(
                    "%(member)s already has a routine in “%(block)s”: one routine for "
                    "each child in a block."
                )
            else:
                message = _(
                    "%(member)s already has this routine in “%(block)s” of the same plan. "
                    "Duplicate the routine for a second time of the day."
                )
            form.add_error(
                None,
                ValidationError(message, params={"member": member, "block": block}, code=why),
            )


class RewardForm(VersionedForm):
    icon = icon_field(required=True)

    class Meta:
        model = Reward
        fields = ["title_ja", "title_reading", "title_en", "icon", "price"]
        widgets = {"price": forms.NumberInput(attrs={"class": "hibi-narrow", "min": 1})}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        keep_unknown_icon(self)

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        readings.fill_missing([self])
        return data


class StarRulesForm(VersionedForm):
    """The star rules, and who collects stars (each member's `collects_stars`)."""

    collectors = forms.ModelMultipleChoiceField(
        label=_("who collects stars"),
        queryset=Member.objects.all(),
        required=False,
        widget=DayCheckboxes,
        help_text=_("Usually the children."),
    )

    class Meta:
        model = StarRules
        fields = ["enabled", "per_routine", "per_chore"]
        widgets = {
            "per_routine": forms.NumberInput(attrs={"class": "hibi-narrow", "min": 0}),
            "per_chore": forms.NumberInput(attrs={"class": "hibi-narrow", "min": 0}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["collectors"].initial = list(
            Member.objects.filter(collects_stars=True).values_list("pk", flat=True)
        )

    def save_collectors(self) -> None:
        chosen = [member.pk for member in self.cleaned_data["collectors"]]
        Member.objects.filter(pk__in=chosen).update(collects_stars=True)
        Member.objects.exclude(pk__in=chosen).update(collects_stars=False)


MOST_STARS_BY_HAND = 99


class StarEntryForm(forms.ModelForm):
    """A parent's own line in a child's ledger: a star for something special, or a
    few taken away, with a word on why."""

    amount = forms.IntegerField(
        label=_("stars"),
        min_value=-MOST_STARS_BY_HAND,
        max_value=MOST_STARS_BY_HAND,
        help_text=_("A minus takes stars away, such as -1."),
        widget=forms.NumberInput(attrs={"class": "hibi-narrow"}),
    )

    class Meta:
        model = StarEntry
        fields = ["member", "date", "amount", "what_ja", "what_en"]
        widgets = {"date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk is not None:
            return  # a row already written is only ever read (admin.HistoryAdmin)
        self.instance.kind = StarEntry.Kind.PARENT
        self.fields["date"].initial = household.today
        member = self.fields["member"]
        assert isinstance(member, forms.ModelChoiceField)
        member.queryset = Member.objects.filter(collects_stars=True)

    def clean_amount(self) -> int:
        amount = self.cleaned_data["amount"]
        if amount == 0:
            raise ValidationError(_("Give at least one star, or take at least one."))
        return amount


# --- Calling off a collection ------------------------------------------------------------


class CancelForm(forms.Form):
    """One collection called off (cancelled=1) or brought back (cancelled=0)."""

    date = forms.DateField()
    cancelled = forms.TypedChoiceField(
        choices=[("1", "1"), ("0", "0")], coerce=lambda value: value == "1"
    )
    reason = forms.CharField(max_length=80, required=False)
    next = forms.CharField(required=False)

    def clean_date(self):
        day = self.cleaned_data["date"]
        if not recurrence.FIRST_DAY <= day <= recurrence.LAST_DAY:
            raise ValidationError(_("Use a date between 1970 and 2100."), code="year")
        return day

    def safe_next(self, request) -> str:
        """Back where the parent tapped: a page of this site, else the admin's index."""
        from django.urls import reverse
        from django.utils.http import url_has_allowed_host_and_scheme

        wanted = str(self.data.get("next") or "")
        if wanted and url_has_allowed_host_and_scheme(
            wanted, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            return wanted
        return reverse("admin:index")


# --- A city's garbage calendar ------------------------------------------------------------


class CalendarUploadForm(forms.Form):
    """The city's 5374 files, as downloaded from its open-data page."""

    area_days = forms.FileField(
        label=_("area_days.csv"),
        help_text=_("Each area's collection days (5374 format, UTF-8 or Shift_JIS)."),
    )
    center = forms.FileField(
        label=_("center.csv"),
        required=False,
        help_text=_("Optional: when the collection centres are closed (New Year)."),
    )
    remarks = forms.FileField(
        label=_("remarks.csv"),
        required=False,
        help_text=_("Optional: the notes a day list points at (*1)."),
    )
    description = forms.FileField(
        label=_("description.csv"),
        required=False,
        help_text=_("Optional: a line of text for each kind of garbage."),
    )


class CalendarAreaForm(forms.Form):
    """Which area of the city: the files travel along as text, read again each step."""

    area_days_text = forms.CharField(widget=forms.HiddenInput, strip=False)
    center_text = forms.CharField(widget=forms.HiddenInput, required=False, strip=False)
    remarks_text = forms.CharField(widget=forms.HiddenInput, required=False, strip=False)
    description_text = forms.CharField(widget=forms.HiddenInput, required=False, strip=False)
    # How each file was read (its encoding, or why it was left out): shown, never used.
    files_read = forms.CharField(widget=forms.HiddenInput, required=False)
    shown_area = forms.CharField(widget=forms.HiddenInput, required=False)
    area = forms.ChoiceField(label=_("Your area"))

    def __init__(self, *args: Any, areas: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["area"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [("", "---------"), *((name, name) for name in areas)]


class KindForm(forms.Form):
    """One kind of garbage of the area, and the chore the family makes of it."""

    include = forms.BooleanField(label=_("Create"), required=False, initial=True)
    kind = forms.CharField(widget=forms.HiddenInput)
    title_ja = forms.CharField(label=_("Title (Japanese)"), max_length=80)
    title_en = forms.CharField(label=_("Title (English)"), max_length=80, required=False)
    icon = icon_field()
    time = forms.TimeField(
        label=_("Put out by"),
        required=False,
        initial="08:00",
        widget=forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
    )
    holiday_policy = forms.ChoiceField(
        label=_("On a public holiday"),
        choices=Chore.HolidayPolicy.choices,
        initial=Chore.HolidayPolicy.KEEP,
    )


KindFormSet = forms.formset_factory(KindForm, extra=0, max_num=30, absolute_max=30)


# --- Previews ----------------------------------------------------------------------


# The form below has a field named `date`, which hides the type inside its class.
Day = date


class UseOnDateForm(forms.Form):
    """One date that follows a plan other than its usual one: a school event, a trip."""

    plan = forms.ModelChoiceField(label=_("Plan"), queryset=Plan.objects.all(), empty_label=None)
    date = forms.DateField(
        label=_("Date"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    reason = forms.CharField(
        label=_("Reason"),
        max_length=80,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("e.g. sports day")}),
    )
    as_copy = forms.BooleanField(
        label=_("As a copy, to change it for that day only"),
        required=False,
        help_text=_("The copy opens next, to change its blocks; the plan itself stays as it is."),
    )

    def __init__(self, *args: Any, today: Day, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.today = today
        self.fields["date"].widget.attrs["min"] = today.isoformat()

    def clean_date(self) -> Day:
        day = self.cleaned_data["date"]
        if day < self.today:
            raise ValidationError(
                _("%(date)s is already past. Choose today or a later day."),
                params={"date": day.isoformat()},
                code="past",
            )
        return day


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
