"""The admin's small fields and widgets every room uses (icons, colours, days,
holidays, lists of dates), the caps of a page's rows, and the form that refuses
to save over another parent's change."""

from __future__ import annotations

import re
from datetime import date
from typing import Any, cast

from django import forms
from django.core.exceptions import ValidationError
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _

from schedule.common import household, icons, recurrence, validation
from schedule.common.models import weekday_bits
from schedule.common.repeat import (
    SHORT_WEEKDAY_NAMES,
)

WEEKDAY_CHOICES = list(enumerate(SHORT_WEEKDAY_NAMES))


# The caps of a plan's and a chore's rows (validation.py) keep a forged form
# cheap (see admin.CappedInline); settings.DATA_UPLOAD_MAX_NUMBER_FIELDS fits them.
MAX_BLOCKS_PER_PLAN = validation.MAX_BLOCKS_PER_PLAN


MAX_OVERRIDES_PER_PLAN = validation.MAX_OVERRIDES_PER_PLAN


MAX_TURN_TAKERS = validation.MAX_TURN_TAKERS


MAX_STEPS_PER_ROUTINE = validation.MAX_STEPS_PER_ROUTINE


# A routine's uses: each child in a few blocks of each plan.
MAX_ROUTINE_USES = 60


MAX_CLOSURES = validation.MAX_CLOSURES


MAX_LISTED_DATES = 366


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
        options = [o for _group, group, _i in context["widget"]["optgroups"] for o in group]
        if options and not any(option["selected"] for option in options):
            # A list with none of its choices chosen (a new step's icon, which has
            # no "No icon") shows and sends its first: the button says the same.
            options[0]["selected"] = True
            chosen = str(options[0]["value"])
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
    """Weekday checkboxes that store a bitmask (`Plan.weekdays`, a chore's days)."""

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
        return weekday_bits(super().clean(value))


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
