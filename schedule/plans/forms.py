"""The plan's pages: a plan and its blocks (checked across rows), one block on a
page of its own, date overrides, using a plan on a date, notes."""

from __future__ import annotations

from datetime import date
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from schedule.common import household, readings, validation
from schedule.common.forms import (
    DayCheckboxes,
    OptionalColourInput,
    VersionedForm,
    WeekdaysField,
    _deleted,
    icon_field,
    keep_unknown_icon,
)
from schedule.common.repeat import (
    list_separator,
)
from schedule.family.models import Member
from schedule.plans.models import Block, Note, Plan, PlanOverride
from schedule.routines.models import (
    RoutineAssignment,
)


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
    # A row a template day filled in (day_templates.block_rows): sent back, it
    # makes the row count as changed, so it is saved even if left as it came.
    prefilled = forms.BooleanField(required=False, widget=forms.HiddenInput)

    class Meta:
        model = Block
        # Times and titles first: what a parent changes; the rest under "More".
        fields = [
            "start",
            "end",
            "title_ja",
            "title_en",
            "icon",
            "members",
            "title_reading",
            "colour",
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
