"""The bilingual admin where parents plan the family's day, often from a phone.

The friendly fields and the checks across rows live in `forms.py`; this
module arranges them into pages and adds what lets a parent trust a change
before the wall shows it: the plan's day as a picture, a chore's next dates
with holiday names and what the closures move, a closure's effect on each
chore, a display's QR code, a preview of the wall at any moment; and the tools
of a garbage calendar: calling off one collection, importing a city's calendar.
Every tool that changes data (duplicate a plan, new display token) writes
to the admin's history like an ordinary save.
"""

from __future__ import annotations

import dataclasses
import io
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

import segno
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.contrib.admin.utils import unquote
from django.contrib.admin.widgets import RelatedFieldWidgetWrapper
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count
from django.forms import BoundField, Select
from django.forms.models import BaseInlineFormSet
from django.http import Http404, HttpResponse, HttpResponseBadRequest
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils import timezone
from django.utils.datastructures import MultiValueDict
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, ngettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from schedule import forms, planner, services
from schedule.chores.garbage.models import ChoreCancellation, ChoreClosure, Closure
from schedule.chores.models import Chore, ChoreAssignee, ChoreDone
from schedule.common import collection, household, icons, recurrence, repeat
from schedule.common.admin import RowsAsOpened, VersionedAdmin
from schedule.common.colours import ink_on
from schedule.common.models import WEEKDAY_NAMES
from schedule.day import loading
from schedule.family.models import Display, IconColour, Member
from schedule.plans.models import Block, Note, Plan, PlanOverride
from schedule.routines.models import (
    Reward,
    Routine,
    RoutineAssignment,
    RoutineStep,
    StarEntry,
    StarRules,
    StepDone,
    Totals,
)

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise

NEXT_DATES_SHOWN = 8


# --- Plans -----------------------------------------------------------------------


def plan_timeline(plan: Plan, lang: str) -> dict:
    """The plan's day as bars on a 24-hour column, laid out by the planner itself.

    The plan is asked to apply every day, so a block that runs past midnight
    shows both as the evening it starts and as the morning it ends.
    """
    tz = household.zone()
    day = household.today()
    (loaded,) = loading.load_plans(Plan.objects.filter(pk=plan.pk))
    every_day = dataclasses.replace(loaded, weekdays=frozenset(range(7)), on_holidays=True)
    family = planner.Household(
        tz=tz,
        calendar=recurrence.holiday_calendar(settings.HOLIDAY_COUNTRY),
        plans=(every_day,),
        members=loading.load_members(),
    )
    midnight = planner.at(day, time(0), tz)
    view = planner.day_view(family, day, midnight)
    length = (planner.at(day + timedelta(days=1), time(0), tz) - midnight).total_seconds() / 60
    width = 100 / max(view.lane_count, 1)
    bars = []
    for block in view.blocks:
        top = max(0.0, (block.start - midnight).total_seconds() / 60)
        bottom = min(length, (block.end - midnight).total_seconds() / 60)
        colours = [block.colour]
        bars.append(
            {
                "title": block.title(lang),
                "times": f"{block.block.start:%H:%M}–{block.block.end:%H:%M}",
                "icon": block.block.icon,
                "who": ", ".join(member.name(lang) for member in block.members),
                "top": _percent(top / length * 100),
                "height": _percent((bottom - top) / length * 100),
                "left": _percent(block.lane * width),
                "width": _percent(width),
                "background": bar_background(colours),
                "text_colour": ink_on(colours[0]),
                "short": bottom - top < 25,
            }
        )
    hours = [{"label": f"{hour:02d}:00", "top": _percent(hour * 60 / length * 100)}
             for hour in range(0, 24, 3)]  # fmt: skip
    return {"bars": bars, "hours": hours}


def bar_background(colours: list[str]) -> str:
    if len(colours) == 1:
        return colours[0]
    step = 100 / len(colours)
    stops = ", ".join(
        f"{colour} {_percent(i * step)}% {_percent((i + 1) * step)}%"
        for i, colour in enumerate(colours)
    )
    return f"linear-gradient(90deg, {stops})"


def midnight_warnings(plan: Plan, most: int = 4) -> list[str]:
    """Where this plan's nights meet the mornings of the plans that can follow it
    (and its morning the nights before it), leave a stretch empty or cut a night."""
    plans = {p.id: p for p in loading.load_plans(Plan.objects.all())}
    saved = plans.get(plan.pk)
    if saved is None:
        return []
    tz, calendar = household.zone(), recurrence.holiday_calendar(settings.HOLIDAY_COUNTRY)
    pairs = [(saved, other) for other in plans.values()]
    pairs += [(other, saved) for other in plans.values() if other.id != saved.id]
    found = []
    for before, after in pairs:
        if not (before.weekdays or before.on_holidays) or not (after.weekdays or after.on_holidays):
            continue
        if not planner.may_follow(before, after):
            continue
        for seam in planner.midnight_seams(before, after, tz, calendar):
            names = {
                "before": household.pick(before.name_ja, before.name_en),
                "after": household.pick(after.name_ja, after.name_en),
                "start": f"{seam.start:%H:%M}",
                "end": f"{seam.end:%H:%M}",
            }
            if seam.kind == "gap":
                text = _(
                    "After a day of “%(before)s”, a day of “%(after)s” has nothing planned "
                    "from %(start)s to %(end)s: the wall shows free time then."
                )
            else:
                text = _(
                    "After a day of “%(before)s”, “%(after)s” starts at %(start)s, before the "
                    "night ends at %(end)s: the wall ends the night at %(start)s."
                )
            found.append(str(text % names))
    return found[:most]


def _percent(value: float) -> str:
    # Formatted here: the template would localise a float's decimal separator.
    return f"{value:.3f}"


class RowsAsPosted(BaseInlineFormSet):
    """A bound formset that builds forms only for the rows a page really sent.

    Django believes the management form's TOTAL_FORMS (up to `absolute_max`);
    a forged count alone then builds and redraws that many empty forms. Here
    it builds none more than were posted, and is still refused as too many.
    """

    def total_form_count(self) -> int:
        total = super().total_form_count()
        if not self.is_bound:
            return total
        marker = f"{self.prefix}-"
        last = -1
        for key in self.data:
            index, dash, _name = key.removeprefix(marker).partition("-")
            if key.startswith(marker) and dash and index.isascii() and index.isdigit():
                last = max(last, int(index))
        return min(total, last + 1)


def _sent_untouched(field: BoundField) -> Any:
    """What a browser sends for a field of a pattern row nobody touched, where
    that is not its initial value: a list that shows none of its choices as
    chosen (a step's icon has no blank one) sends its first choice."""
    widget = field.field.widget
    if not isinstance(widget, Select) or widget.allow_multiple_selected:
        return None
    groups = widget.optgroups(field.html_name, widget.format_value(field.initial))
    options = [option for _group, choices, _index in groups for option in choices]
    if not options or any(option["selected"] for option in options):
        return None
    return str(options[0]["value"])


class PatternRowKept(BaseInlineFormSet):
    """Refuses a save that carries what a parent typed into an inline's pattern row.

    Each inline's page holds a hidden pattern row, its fields named
    `<prefix>-__prefix__-…`, which "add another" copies into a numbered row. A
    formset reads numbered rows only, so whatever is typed into the pattern
    itself would be dropped while the page said "added": a page once showed
    the pattern (issue 24). Should one ever show it again, what was typed there
    becomes a new numbered row and the save is refused, so the parent sees the
    row, checks it and saves again.
    """

    typed_into_pattern = _(
        "A row here was typed into the pattern that new rows are copied from, so it "
        "was not saved. It is now a new row at the end: check it and save again."
    )
    moved_row = _("Not saved yet: check this row and save again.")

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.pattern_row: int | None = None
        if self.is_bound and self._typed_into_pattern():
            self.pattern_row = max(0, self.total_form_count())  # a forged count may be -1
            self.data = self._pattern_as_row(self.pattern_row)
            # Both were read from the data as posted (`add_fields` counts the rows).
            for cached in ("management_form", "forms"):
                self.__dict__.pop(cached, None)

    def _typed_into_pattern(self) -> bool:
        pattern = self.add_prefix("__prefix__")
        if not any(key.startswith(f"{pattern}-") for key in self.data):
            return False
        form = self.form(
            **self.get_form_kwargs(None),
            data=self.data,
            files=self.files,
            auto_id=self.auto_id,
            prefix=pattern,
            empty_permitted=True,
            use_required_attribute=False,
        )
        self.add_fields(form, None)
        for name in form.changed_data:
            field = form[name]
            if field.field.widget.value_omitted_from_data(self.data, self.files, field.html_name):
                continue  # not posted at all: nobody typed it
            if field.data in field.field.empty_values:
                continue  # a default wiped is nothing typed
            if field.data != _sent_untouched(field):
                return True
        return False

    def _pattern_as_row(self, index: int) -> MultiValueDict | dict[str, Any]:
        """The posted data with the pattern's values as row `index`, one row more."""
        pattern, row = f"{self.add_prefix('__prefix__')}-", f"{self.add_prefix(index)}-"
        moving = [key for key in self.data if key.startswith(pattern)]
        data: MultiValueDict | dict[str, Any]
        if isinstance(self.data, MultiValueDict):  # request.POST: keep every ticked box
            data = self.data.copy()
            for key in moving:
                data.setlist(row + key.removeprefix(pattern), data.getlist(key))
                del data[key]
        else:
            data = dict(self.data)
            for key in moving:
                data[row + key.removeprefix(pattern)] = data.pop(key)
        data[self.add_prefix("TOTAL_FORMS")] = str(index + 1)
        return data

    def clean(self) -> None:
        if self.pattern_row is None:
            super().clean()
            return
        refused = ValidationError(self.typed_into_pattern, code="typed_into_pattern")
        try:
            super().clean()  # the row's other problems, to fix in the same go
        except ValidationError as also:
            refused = ValidationError([refused, also])
        if self.pattern_row < len(self.forms):
            self.forms[self.pattern_row].add_error(None, self.moved_row)
        raise refused


class CappedInline(admin.TabularInline):
    """An inline of at most `max_num` rows, whatever the page posts.

    Django builds one form per row the management form claims, up to 2,000 by
    default: a forged TOTAL_FORMS=999999999 made one request take seconds.
    More rows than `max_num` are refused with `too_many`, and no form is built
    for a row that was not posted. Nothing typed into the page's pattern row is
    dropped either (PatternRowKept), and a page refused is drawn again with every
    row it sent, one another parent deleted too (RowsAsOpened).
    """

    too_many = ngettext_lazy("At most %(num)d row.", "At most %(num)d rows.", "num")

    def get_formset(self, request, obj=None, **kwargs):
        capped = type(
            self.formset.__name__,
            (PatternRowKept, RowsAsPosted, RowsAsOpened, self.formset),
            {"default_error_messages": {"too_many_forms": self.too_many}},
        )
        kwargs = {"formset": capped, "validate_max": True, "absolute_max": self.max_num, **kwargs}
        return super().get_formset(request, obj, **kwargs)


class BlockInline(CappedInline):
    model = Block
    form = forms.BlockForm
    formset = forms.BlockFormSet
    template = "admin/hibi/edit_inline/compact.html"
    extra = 0
    ordering = ["start", "end", "id"]
    max_num = forms.MAX_BLOCKS_PER_PLAN
    too_many = ngettext_lazy(
        "A plan holds at most %(num)d block.", "A plan holds at most %(num)d blocks.", "num"
    )


class OverrideInline(CappedInline):
    model = PlanOverride
    form = forms.OverrideForm
    formset = forms.OverrideFormSet
    extra = 0
    max_num = forms.MAX_OVERRIDES_PER_PLAN
    too_many = ngettext_lazy(
        "A plan takes at most %(num)d date override.",
        "A plan takes at most %(num)d date overrides.",
        "num",
    )


@admin.register(Plan)
class PlanAdmin(VersionedAdmin):
    form = forms.PlanForm
    inlines = [BlockInline, OverrideInline]
    list_display = ["__str__", "days", "priority", "block_count"]
    actions = ["duplicate"]
    readonly_fields = ["timeline"]
    change_form_template = "admin/schedule/plan/change_form.html"

    def get_fieldsets(self, request, obj=None):
        fieldsets = [
            (None, {"fields": ["name_ja", "name_en"]}),
            (
                _("Which days"),
                {"fields": ["weekdays", "on_holidays", ("valid_from", "valid_until"), "priority"]},
            ),
        ]
        if obj is not None:
            fieldsets.append((_("The day at a glance"), {"fields": ["timeline"]}))
        return self.with_loaded_version(fieldsets, obj)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(block_total=Count("blocks"))

    @admin.display(description=_("applies on"))
    def days(self, plan: Plan) -> str:
        parts = [str(repeat.SHORT_WEEKDAY_NAMES[day]) for day in plan.weekday_list]
        if plan.on_holidays:
            parts.append(str(_("public holidays")))
        return repeat.list_separator().join(parts) or "—"

    @admin.display(description=_("number of blocks"), ordering="block_total")
    def block_count(self, plan: Plan) -> int:
        return int(getattr(plan, "block_total", 0))  # counted by get_queryset

    @admin.display(description=_("day at a glance"))
    def timeline(self, plan: Plan) -> str:
        return render_to_string(
            "admin/schedule/plan/timeline.html", plan_timeline(plan, household.language())
        )

    @admin.action(description=_("Duplicate the selected plans"), permissions=["add"])
    def duplicate(self, request, queryset):
        with transaction.atomic():
            copies = []
            for plan in queryset:
                copy = services.copy_plan(plan)
                self.log_addition(request, copy, str(_("Copied from “%(plan)s”.") % {"plan": plan}))
                copies.append(copy)
        if len(copies) == 1:
            # A copy is often for one day (a school event): that way first.
            use = format_html(
                '<a href="{}?plan={}">{}</a>',
                reverse("admin:schedule_plan_use"),
                copies[0].pk,
                _("Use on a date"),
            )
            text = _(
                "Made a copy: “{copy}”. It changes nothing on the wall until it is used: "
                "on one date ({use}) or on the weekdays you choose below."
            )
            self.message_user(
                request, format_html(str(text), copy=copies[0], use=use), messages.SUCCESS
            )
            return redirect("admin:schedule_plan_change", copies[0].pk)
        self.message_user(
            request,
            ngettext("Copied %(count)d plan.", "Copied %(count)d plans.", len(copies))
            % {"count": len(copies)},
            messages.SUCCESS,
        )
        return None

    def save_formset(self, request, form, formset, change):
        super().save_formset(request, form, formset, change)
        if formset.model is not PlanOverride:
            return
        today = timezone.localdate()
        for override in [*formset.new_objects, *(obj for obj, _f in formset.changed_objects)]:
            if override.date < today:
                self.message_user(
                    request,
                    _("%(date)s is already past, so that date override will never show.")
                    % {"date": override.date.isoformat()},
                    messages.WARNING,
                )

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        for message in midnight_warnings(form.instance):
            self.message_user(request, message, messages.WARNING)

    def get_urls(self):
        return [
            path(
                "<path:object_id>/preview/",
                self.admin_site.admin_view(self.preview_view),
                name="schedule_plan_preview",
            ),
            path(
                "use-on-a-date/",
                self.admin_site.admin_view(self.use_view),
                name="schedule_plan_use",
            ),
            path(
                "<path:object_id>/blocks/<id:block_id>/",
                self.admin_site.admin_view(self.block_view),
                name="schedule_plan_block",
            ),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        plan = self.get_object(request, unquote(object_id))
        context = dict(extra_context or {})
        if plan is not None:
            context["preview_form"] = preview_form(plan)
            context["has_displays"] = Display.objects.exists()
            context["block_rows"] = block_rows(plan)
        return super().change_view(request, object_id, form_url, context)

    def use_view(self, request):
        """A date that follows another plan: a calendar of the next weeks and a form."""
        if not self.has_change_permission(request):
            raise PermissionDenied
        return _use_on_a_date(request, self)

    def block_view(self, request, object_id, block_id):
        """One block on a page of its own: the plan's list of blocks opens it."""
        plan = self.get_object(request, unquote(object_id))
        if plan is None:
            raise Http404
        if not self.has_change_permission(request, plan):
            raise PermissionDenied
        block = plan.blocks.filter(pk=block_id).first()
        if block is None:
            raise Http404
        return _one_block(request, self, block)

    def preview_view(self, request, object_id):
        """Open the wall at a chosen moment: `?display=&date=&time=`, or the next day in force."""
        plan = self.get_object(request, unquote(object_id))
        if plan is None:
            raise Http404
        if not self.has_view_permission(request, plan):
            raise PermissionDenied
        return _wall_preview(request, plan)


CALENDAR_WEEKS = 6


def plan_calendar(today: date, chosen: date | None, plan_id: int | None, lang: str) -> list:
    """The next weeks, Monday first: each day with the plan the wall follows then,
    whether a date override put it there, and a link that chooses that day."""
    first = today - timedelta(days=today.weekday())
    last = first + timedelta(weeks=CALENDAR_WEEKS) - timedelta(days=1)
    family = loading.load_household(today, household.zone(), through=last)
    base = reverse("admin:schedule_plan_use")
    weeks: list[list[dict]] = []
    for offset in range((last - first).days + 1):
        day = first + timedelta(days=offset)
        plan = planner.plan_for(family, day)
        query = f"?date={day:%Y-%m-%d}" + (f"&plan={plan_id}" if plan_id else "")
        if offset % 7 == 0:
            weeks.append([])
        weeks[-1].append(
            {
                "date": day,
                "past": day < today,
                "today": day == today,
                "chosen": day == chosen,
                "plan": plan.name(lang) if plan else "",
                "override": day in family.overrides,
                "holiday": family.calendar.name(day, lang) or "",
                "url": base + query,
            }
        )
    return weeks


USE_FIELDSETS: list[tuple[Any, Any]] = [(None, {"fields": ["plan", "date", "reason", "as_copy"]})]


@require_http_methods(["GET", "POST"])
def _use_on_a_date(request, model_admin: PlanAdmin):
    today = household.today()
    if request.method == "POST":
        form = forms.UseOnDateForm(request.POST, today=today)
        if form.is_valid():
            data = form.cleaned_data
            if data["as_copy"] and not model_admin.has_add_permission(request):
                raise PermissionDenied
            used = services.use_plan_on(data["plan"], data["date"], data["reason"], data["as_copy"])
            day = data["date"]
            shown = f"{day.month}/{day.day} ({repeat.SHORT_WEEKDAY_NAMES[day.weekday()]})"
            if data["as_copy"]:
                model_admin.log_addition(
                    request, used.plan, str(_("Copied from “%(plan)s”.") % {"plan": data["plan"]})
                )
            model_admin.log_change(
                request, used.plan, str(_("Used on %(date)s.") % {"date": day.isoformat()})
            )
            text = _("On %(date)s the wall follows “%(plan)s”.") % {
                "date": shown,
                "plan": used.plan,
            }
            if used.replaced is not None:
                text += " " + _("It no longer follows “%(plan)s” that day.") % {
                    "plan": used.replaced
                }
            model_admin.message_user(request, text, messages.SUCCESS)
            if data["as_copy"]:
                model_admin.message_user(
                    request,
                    _("Change the copy's blocks below: they are for that day only."),
                    messages.INFO,
                )
                url = reverse("admin:schedule_plan_change", args=[used.plan.pk])
                return redirect(url + "#blocks-list")
            return redirect(reverse("admin:schedule_plan_use") + f"?plan={used.plan.pk}")
    else:
        form = forms.UseOnDateForm(initial=use_initial(request.GET, today), today=today)
    plan_value = str(form["plan"].value() or "")
    context = {
        **model_admin.admin_site.each_context(request),
        "title": _("Use a plan on a date"),
        "opts": Plan._meta,
        # Django's admin lays out any form this way; its stubs ask for a ModelForm.
        "adminform": helpers.AdminForm(form, USE_FIELDSETS, {}),  # type: ignore[arg-type]
        "errors": helpers.AdminErrorList(form, []),  # type: ignore[arg-type]
        "weeks": plan_calendar(
            today,
            _as_date(form["date"].value()),
            int(plan_value) if plan_value.isdigit() and len(plan_value) < 19 else None,
            household.language(),
        ),
        "weekday_names": repeat.SHORT_WEEKDAY_NAMES,
    }
    return render(request, "admin/schedule/plan/use_on_a_date.html", context)


def use_initial(query, today: date) -> dict:
    """The form's first values from the calendar's links (?date=&plan=); what cannot be
    read is left out, not refused: the parent picks again."""
    initial: dict[str, Any] = {"date": _as_date(query.get("date")) or today}
    plan_id = query.get("plan", "")
    if plan_id.isdigit() and len(plan_id) < 19:
        initial["plan"] = Plan.objects.filter(pk=int(plan_id)).first()
    return initial


def _as_date(value: Any) -> date | None:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value or ""))
    except ValueError:
        return None


def block_rows(plan: Plan) -> list[dict]:
    """The plan's blocks, one line each (time, icon, title, who), each opening its own page."""
    rows = []
    for block in plan.blocks.order_by("start", "end", "id").prefetch_related("members"):
        rows.append(
            {
                "url": reverse("admin:schedule_plan_block", args=[plan.pk, block.pk]),
                "times": f"{block.start:%H:%M}–{block.end:%H:%M}",
                "icon": block.icon if icons.is_icon(block.icon) else "",
                "title": block.title,
                "who": repeat.list_separator().join(member.name for member in block.members.all()),
            }
        )
    return rows


ONE_BLOCK_FIELDSETS: list[tuple[Any, Any]] = [
    (
        None,
        {
            "fields": [
                ("start", "end"),
                "shift_following",
                "title_ja",
                "title_en",
                "title_reading",
                "icon",
                "colour",
                "members",
                "plan_version",
            ]
        },
    ),
    (
        _("Phones and webhooks"),
        {"fields": ["nudge_minutes_before", "webhook_url"], "classes": ["collapse"]},
    ),
]


@require_http_methods(["GET", "POST"])
def _one_block(request, model_admin: PlanAdmin, block: Block):
    plan = block.plan
    others = list(
        plan.blocks.exclude(pk=block.pk).order_by("start", "end", "id").prefetch_related("members")
    )
    if request.method == "POST":
        form = forms.OneBlockForm(request.POST, instance=block, others=others)
        with transaction.atomic():
            saved = form.is_valid()
            if saved:
                changed = form.save(commit=False)
                services.change_block(changed, form.moves)
                form.save_m2m()
                model_admin.log_change(request, plan, one_block_change_message(changed, form))
        if saved:
            message = one_block_change_message(changed, form)
            model_admin.message_user(request, message, messages.SUCCESS)
            # Free time may be what the parent wants: said, not refused.
            for start, end in form.gaps:
                text = _(
                    "Nothing is planned from %(start)s to %(end)s now: "
                    "the wall shows free time then."
                )
                times = {"start": f"{start:%H:%M}", "end": f"{end:%H:%M}"}
                model_admin.message_user(request, text % times, messages.WARNING)
            return redirect(reverse("admin:schedule_plan_change", args=[plan.pk]) + "#blocks-list")
    else:
        form = forms.OneBlockForm(instance=block, others=others)
    adminform = helpers.AdminForm(form, ONE_BLOCK_FIELDSETS, {}, model_admin=model_admin)
    context = {
        **model_admin.admin_site.each_context(request),
        "title": block.title,
        "subtitle": plan,
        "plan": plan,
        "opts": Plan._meta,
        "adminform": adminform,
        "errors": helpers.AdminErrorList(form, []),
        "media": model_admin.media + adminform.media,
    }
    return render(request, "admin/schedule/plan/one_block.html", context)


def one_block_change_message(block: Block, form: forms.OneBlockForm) -> str:
    text = _("Changed the block “%(block)s” (%(time)s).") % {
        "block": block,
        "time": f"{block.start:%H:%M}–{block.end:%H:%M}",
    }
    if form.moves:
        text += " " + ngettext(
            "Shifted %(count)d following block.",
            "Shifted %(count)d following blocks.",
            len(form.moves),
        ) % {"count": len(form.moves)}
    return str(text)


def main_display() -> Display | None:
    """The tablet a preview opens first: the one that asked for its wall last (the
    one on the wall), else the first one added (make run's living room)."""
    seen = Display.objects.filter(last_seen_at__isnull=False).order_by("-last_seen_at").first()
    return seen or Display.objects.order_by("id").first()


def preview_moment(now: datetime, display: Display | None) -> time:
    """The time a preview opens at: now, unless the tablet is in its night hours then
    (a dark clock shows nothing of the plan), when its morning."""
    clock = now.time().replace(second=0, microsecond=0)
    if display is None or display.night_start is None or display.night_end is None:
        return clock
    start, end = display.night_start, display.night_end
    at_night = (start <= clock or clock < end) if start > end else (start <= clock < end)
    return end if at_night else clock


def preview_form(plan: Plan) -> forms.WallPreviewForm:
    """Which tablet and moment a preview opens: the main display, at a moment it
    shows the plan, on the next day the plan is in force."""
    now = timezone.localtime()
    display = main_display()
    moment = preview_moment(now, display)
    # A morning chosen late in the evening is tomorrow's.
    first = now.date() + timedelta(days=1) if moment < now.time().replace(second=0) else now.date()
    return forms.WallPreviewForm(
        displays=Display.objects.all(),
        initial={"display": display, "date": next_day_in_force(plan, first), "time": moment},
    )


@require_GET
def _wall_preview(request, plan: Plan):
    displays = Display.objects.all()
    if not displays.exists():
        messages.warning(request, _("Add a display first: the preview opens its wall."))
        return redirect("admin:schedule_display_add")
    if not request.GET:
        # Which tablet and which moment are the parent's choice, on a page of their own.
        context = {
            **admin.site.each_context(request),
            "title": _("Preview on the wall"),
            "subtitle": plan,
            "plan": plan,
            "opts": Plan._meta,
            "preview_form": preview_form(plan),
            "has_displays": True,
        }
        return render(request, "admin/schedule/plan/preview.html", context)
    form = forms.WallPreviewForm(request.GET, displays=displays)
    if not form.is_valid():
        return render(
            request,
            "admin/hibi/bad_request.html",
            {"form": form, "back": reverse("admin:schedule_plan_change", args=[plan.pk])},
            status=400,
        )
    return redirect(form.wall_url())


# --- Chores ----------------------------------------------------------------------


def why_moved(fate: collection.Fate, lang: str) -> str:
    """What moved a collection, in a parent's words: the closure's name or "holiday"."""
    if fate.closure is not None:
        return fate.closure.name(lang)
    return str(_("public holiday"))


def upcoming_rows(rule: recurrence.Recurrence, today: date, lang: str) -> list[dict]:
    """The next due days with their weekday, any public holiday, and what moved them there."""
    calendar = recurrence.holiday_calendar(settings.HOLIDAY_COUNTRY)
    return [
        {
            "date": day,
            "weekday": WEEKDAY_NAMES[day.weekday()],
            "holiday": calendar.name(day, lang) or "",
            "moved": rule.moved_off_a_holiday(day),
            "moved_from": [
                {"date": fate.raw, "why": why_moved(fate, lang)}
                for fate in rule.moved_here(day)
                if fate.closure is not None
            ],
            "who": "",
            "cancelled": False,
        }
        for day in rule.next_occurrences(today, NEXT_DATES_SHOWN)
    ]


def away_rows(rule: recurrence.Recurrence, first: date, last: date, lang: str) -> list[dict]:
    """The days in [first, last] the rule names but the chore is not due on, and where it went."""
    rows = []
    day = first
    while day <= last:
        fate = rule.moved_away(day)
        if fate is not None:
            rows.append(
                {
                    "date": day,
                    "weekday": WEEKDAY_NAMES[day.weekday()],
                    "to": fate.day,
                    "to_weekday": WEEKDAY_NAMES[fate.day.weekday()] if fate.day else "",
                    "why": why_moved(fate, lang),
                }
            )
        day += timedelta(days=1)
    return rows


def chore_upcoming(chore: Chore, today: date, lang: str) -> list[dict]:
    """`upcoming_rows` for a saved chore, with whose turn it is and which are called
    off, as the wall will show them."""
    rows = upcoming_rows(chore.recurrence(), today, lang)
    through = rows[-1]["date"] if rows else today
    family = loading.load_household(today, household.zone(), through=through)
    for row in rows:
        for view in planner.chores_on(family, row["date"]):
            if view.chore.id == chore.pk:
                row["who"] = ", ".join(member.name(lang) for member in view.assignees)
                row["cancelled"] = view.cancelled
    return rows


def new_chore_fieldsets(fieldsets: list) -> list:
    """The chore's fieldsets for the add page: the title in the parent's language,
    the time, how it repeats, who does it; the other title, the reading, extra and
    exception dates and the holiday rules in a closed "More" section."""
    first_title, other_title = (
        ("title_ja", "title_en") if household.language() == "ja" else ("title_en", "title_ja")
    )
    more = [other_title, "title_reading"]
    shown: list = []
    for name, options in fieldsets:
        kept = []
        for field in options["fields"]:
            names = field if isinstance(field, tuple) else (field,)
            if set(names) & {"title_ja", "title_en", "title_reading"}:
                continue
            if set(names) & NEW_CHORE_EXTRAS:
                more.append(field)
            else:
                kept.append(field)
        if name is None:
            kept.insert(0, first_title)
        if name == _("Who"):
            kept.insert(0, "who")
        if kept:
            shown.append((name, {**options, "fields": kept}))
    return [*shown, (_("More"), {"fields": more, "classes": ["collapse"]})]


# What a new chore rarely needs: under "More" (Django opens it when one is in error).
NEW_CHORE_EXTRAS = {
    "extra_dates",
    "exception_dates",
    "holiday_policy",
    "holiday_exceptions",
    "no_collection_days",
    "is_garbage",
    "nudge_when_overdue",
}


def next_turns(chore_ids: list[int]) -> dict[int, str]:
    """Whose turn each chore's next date is, by name, for the chore list."""
    today = timezone.localdate()
    family = loading.load_household(today, household.zone())
    lang = household.language()
    found = {}
    for chore in family.chores:
        if chore.id not in chore_ids:
            continue
        try:
            days = chore.recurrence.next_occurrences(today, 1)
        except (recurrence.RecurrenceError, ValueError):
            continue
        if days:
            people = planner.whose_turn(family, chore, days[0])
            found[chore.id] = repeat.list_separator().join(m.name(lang) for m in people)
    return found


def next_dates_context(rule: recurrence.Recurrence, rows: list[dict], today: date) -> dict:
    """The next dates and, up to the last of them, the days the rule named in vain."""
    last = rows[-1]["date"] if rows else today
    return {"rows": rows, "away": away_rows(rule, today, last, household.language())}


class ChoreClosureInline(CappedInline):
    """A chore's own word on a closure: only needed where it differs from the closure's."""

    model = ChoreClosure
    form = forms.ChoreClosureForm
    formset = forms.ChoreClosureFormSet
    extra = 0
    max_num = forms.MAX_CLOSURES
    verbose_name = _("closure that works differently for this chore")
    verbose_name_plural = _("closures that work differently for this chore")
    too_many = ngettext_lazy(
        "A chore takes at most %(num)d closure.", "A chore takes at most %(num)d closures.", "num"
    )

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        field = super().formfield_for_foreignkey(db_field, request, **kwargs)
        assert field is not None
        widget = field.widget
        widget.can_add_related = widget.can_change_related = widget.can_view_related = False
        return field


class WithoutRelatedLinks(admin.options.InlineModelAdmin):
    """Members and blocks are edited on their own pages; three small links per
    row's choice crowd a phone. (The admin wraps the widget in its links after
    formfield_for_foreignkey, so they are switched off on the wrapper.)"""

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        field = super().formfield_for_dbfield(db_field, request, **kwargs)
        if field is not None and isinstance(field.widget, RelatedFieldWidgetWrapper):
            widget = field.widget
            widget.can_add_related = widget.can_change_related = False
            widget.can_view_related = widget.can_delete_related = False
        return field


class AssigneeInline(WithoutRelatedLinks, CappedInline):
    model = ChoreAssignee
    formset = forms.AssigneeFormSet
    extra = 0
    ordering = ["order", "id"]
    max_num = forms.MAX_TURN_TAKERS
    too_many = ngettext_lazy(
        "At most %(num)d person takes turns on a chore.",
        "At most %(num)d people take turns on a chore.",
        "num",
    )


@admin.register(Chore)
class ChoreAdmin(VersionedAdmin):
    form = forms.ChoreForm
    inlines = [ChoreClosureInline, AssigneeInline]
    # On a phone the list keeps the title, the next date and whose turn (admin.css).
    list_display = ["__str__", "when", "time", "holiday_policy", "is_garbage", "next_date", "turn"]
    readonly_fields = ["next_dates"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "title_ja",
                    "title_reading",
                    "title_en",
                    "icon",
                    ("time", "time_kind"),
                    "is_garbage",
                ]
            },
        ),
        (
            _("When"),
            {
                "fields": [
                    "repeat_mode",
                    "weekdays",
                    "week_interval",
                    "month_weeks",
                    "month_weekdays",
                    ("interval", "interval_unit"),
                    "rrule",
                    "start_date",
                    "extra_dates",
                    "exception_dates",
                    "holiday_policy",
                    "holiday_exceptions",
                    "no_collection_days",
                    "next_dates",
                ],
                "classes": ["hibi-repeat"],
            },
        ),
        (_("Who"), {"fields": ["rotate"]}),
        (_("Phones"), {"fields": ["nudge_when_overdue"]}),
    ]

    def get_form(self, request, obj=None, change=False, **kwargs):
        if obj is None:
            kwargs["form"] = forms.NewChoreForm
        return super().get_form(request, obj, change, **kwargs)

    def get_fieldsets(self, request, obj=None):
        if obj is not None:
            return super().get_fieldsets(request, obj)
        return new_chore_fieldsets(self.fieldsets)

    def get_inlines(self, request, obj):
        # A new chore's people are ticks on the form; turn order and closures
        # that work differently are for its own page, once it exists.
        return [] if obj is None else super().get_inlines(request, obj)

    def get_changelist_instance(self, request):
        # The closures and every chore's links in two queries for the whole
        # list, instead of two per row for its "next" column.
        changelist = super().get_changelist_instance(request)
        closures = loading.load_closures()
        links = loading.load_closure_links()
        for chore in changelist.result_list:
            chore.loaded_rules = chore.collection_rules(closures, links.get(chore.pk, {}))
        turns = next_turns([chore.pk for chore in changelist.result_list])
        for chore in changelist.result_list:
            chore.next_turn = turns.get(chore.pk, "")
        return changelist

    @admin.display(description=_("whose turn"))
    def turn(self, chore: Chore) -> str:
        return getattr(chore, "next_turn", "") or "—"

    def get_urls(self):
        return [
            path(
                "next-dates/",
                self.admin_site.admin_view(self.next_dates_view),
                name="schedule_chore_next_dates",
            ),
            path(
                "<path:object_id>/cancel/",
                self.admin_site.admin_view(self.cancel_view),
                name="schedule_chore_cancel",
            ),
            path(
                "import-calendar/",
                self.admin_site.admin_view(self.import_view),
                name="schedule_chore_import",
            ),
            *super().get_urls(),
        ]

    @admin.display(description=_("repeats"))
    def when(self, chore: Chore) -> str:
        return repeat.describe_repeat(chore.rrule)

    @admin.display(description=_("next"))
    def next_date(self, chore: Chore) -> str:
        try:
            rules = getattr(chore, "loaded_rules", None)
            days = chore.recurrence(rules).next_occurrences(timezone.localdate(), 1)
        except (recurrence.RecurrenceError, ValueError):
            return "—"
        if not days:
            return "—"
        return f"{days[0]:%m/%d} ({repeat.SHORT_WEEKDAY_NAMES[days[0].weekday()]})"

    @admin.display(description=_("next dates"))
    def next_dates(self, chore: Chore | None) -> str:
        context: dict[str, Any] = {"rows": []}
        problem: str | _StrPromise = ""
        saved = chore is not None and chore.pk is not None
        preview_url = reverse("admin:schedule_chore_next_dates")
        if chore is not None and chore.pk is not None:
            preview_url += f"?chore={chore.pk}"
            today = timezone.localdate()
            try:
                rows = chore_upcoming(chore, today, household.language())
                context = next_dates_context(chore.recurrence(), rows, today)
            except (recurrence.RecurrenceError, ValueError):
                problem = _("The saved repeat rule does not work; fix it above.")
        return render_to_string(
            "admin/schedule/chore/next_dates.html",
            {**context, "problem": problem, "saved": saved, "preview_url": preview_url},
        )

    def next_dates_view(self, request):
        """The next dates for the repeat fields as typed, before saving (the page's script)."""
        if not self.has_view_or_change_permission(request) and not self.has_add_permission(request):
            raise PermissionDenied
        return _next_dates_fragment(request)

    def cancel_view(self, request, object_id):
        """Call off (or bring back) one collection: the index's one tap."""
        chore = self.get_object(request, unquote(object_id))
        if chore is None:
            raise Http404
        if not self.has_change_permission(request, chore):
            raise PermissionDenied
        return _cancel(request, self, chore)

    def import_view(self, request):
        """A city's garbage calendar (5374 CSV) into chores: upload, preview, create."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        from schedule.chores.garbage.city_import import import_page

        return import_page(request, self)


def typed_wrong(form: forms.RepeatForm) -> str:
    """The first error of something typed that cannot work ("“2026-13-01” is not a
    date"), as opposed to something not filled in yet; empty if there is none."""
    for field, errors in form.errors.as_data().items():
        for error in errors:
            if error.code not in {None, "required"}:
                label = form.fields[field].label if field in form.fields else ""
                text = " ".join(error.messages)
                return f"{label}: {text}" if label else text
    return ""


@require_GET
def _next_dates_fragment(request):
    chore_id = request.GET.get("chore", "")
    form = forms.RepeatForm(
        request.GET, chore_id=int(chore_id) if chore_id.isdigit() and len(chore_id) < 19 else None
    )
    rule = form.recurrence()
    context: dict[str, Any] = {"rows": []}
    problem: str | _StrPromise = ""
    if not form.is_valid():
        # Days not chosen yet is where every new chore starts: a hint, not an error.
        # Something typed that cannot be read is an error, and says which.
        problem = typed_wrong(form)
        context["hint"] = "" if problem else _("Choose the days to see the next dates.")
    elif rule is None:
        problem = _("This repeat rule cannot be read.")
    else:
        today = timezone.localdate()
        try:
            rows = upcoming_rows(rule, today, household.language())
            context = next_dates_context(rule, rows, today)
        except recurrence.RecurrenceError:
            problem = _("This repeat rule cannot be read.")
        if not context["rows"] and not problem:
            problem = _("With these settings the chore never comes up.")
    return render(
        request,
        "admin/schedule/chore/next_dates_list.html",
        {**context, "problem": problem, "saved": True, "fragment": True},
    )


@require_POST
def _cancel(request, model_admin: ChoreAdmin, chore: Chore):
    form = forms.CancelForm(request.POST)
    back = form.safe_next(request)
    if not form.is_valid():
        model_admin.message_user(
            request, _("Nothing was changed: the date could not be read."), messages.ERROR
        )
        return redirect(back)
    day, cancelled = form.cleaned_data["date"], form.cleaned_data["cancelled"]
    with transaction.atomic():
        changed = services.cancel_chore(chore, day, cancelled, form.cleaned_data["reason"])
        if changed:
            what = _("Called off on %(date)s.") if cancelled else _("Brought back on %(date)s.")
            model_admin.log_change(request, chore, str(what % {"date": day.isoformat()}))
    params = {"chore": chore, "date": f"{day:%m/%d}"}
    if cancelled:
        text = _("“%(chore)s” on %(date)s is called off: the wall shows it crossed out.")
    else:
        text = _("“%(chore)s” on %(date)s is on again.")
    model_admin.message_user(request, text % params, messages.SUCCESS)
    return redirect(back)


# --- Closures --------------------------------------------------------------------------


def closure_effects(closure: Closure, today: date, lang: str) -> dict[str, Any]:
    """The closure's next stretch and, for each chore it applies to, where its
    collections inside go: the admin says which day it will be."""
    data = closure.as_data()
    spans = data.spans_between(today, today + timedelta(days=366 * 2)) or [
        collection.Span(data.start, data.end)
    ]
    span = spans[0]
    if not (
        recurrence.FIRST_DAY <= span.start <= span.end <= recurrence.LAST_DAY
        and (span.end - span.start).days < collection.MAX_CLOSURE_DAYS
    ):
        return {"span": None, "chores": []}
    family = loading.load_household(span.start, household.zone(), through=span.end)
    chores = []
    for chore in family.chores:
        if all(rule.closure.id != data.id for rule in chore.recurrence.rules.closures):
            continue
        moves = []
        day = span.start
        while day <= span.end:
            fate = chore.recurrence.moved_away(day)
            if fate is not None and fate.closure is not None and fate.closure.id == data.id:
                moves.append(
                    {
                        "date": day,
                        "weekday": WEEKDAY_NAMES[day.weekday()],
                        "to": fate.day,
                        "to_weekday": WEEKDAY_NAMES[fate.day.weekday()] if fate.day else "",
                    }
                )
            day += timedelta(days=1)
        chores.append({"id": chore.id, "title": chore.title(lang), "moves": moves})
    return {"span": span, "chores": chores}


@admin.register(Closure)
class ClosureAdmin(VersionedAdmin):
    form = forms.ClosureForm
    list_display = ["__str__", "days", "yearly", "action"]
    readonly_fields = ["effect"]

    def get_fieldsets(self, request, obj=None):
        fieldsets = [
            (None, {"fields": ["name_ja", "name_en", ("start_date", "end_date"), "yearly"]}),
            (
                _("A collection that falls on these days"),
                {"fields": ["action", "shift_days", "move_to"]},
            ),
        ]
        if obj is not None:
            fieldsets.append((_("What it does to each chore"), {"fields": ["effect"]}))
        return self.with_loaded_version(fieldsets, obj)

    @admin.display(description=_("dates"))
    def days(self, closure: Closure) -> str:
        return f"{closure.start_date:%m/%d}–{closure.end_date:%m/%d}" + (
            "" if closure.yearly else f" ({closure.start_date:%Y})"
        )

    @admin.display(description=_("chores"))
    def effect(self, closure: Closure) -> str:
        # As saved: a form sent back with mistakes has already changed the instance.
        saved = Closure.objects.filter(pk=closure.pk).first()
        if saved is None:
            return ""
        return render_to_string(
            "admin/schedule/closure/effect.html",
            closure_effects(saved, timezone.localdate(), household.language()),
        )


@admin.register(ChoreCancellation)
class ChoreCancellationAdmin(VersionedAdmin):
    list_display = ["chore", "date", "reason", "cancelled_at"]
    list_filter = ["chore"]
    date_hierarchy = "date"
    list_select_related = ["chore"]
    fields = ["chore", "date", "reason"]


# --- Displays ----------------------------------------------------------------------


def wall_qr_svg(url: str) -> bytes:
    """The wall's address as a QR code (never Micro QR, which tablets rarely read).

    Raises segno.DataOverflowError for an address longer than a QR code holds
    (about 2,900 characters: only a forged Host header makes one that long).
    """
    out = io.BytesIO()
    segno.make_qr(url).save(
        out, kind="svg", scale=6, border=4, dark="#000", light="#fff", xmldecl=False,
        title=url,
    )  # fmt: skip
    return out.getvalue()


def fits_a_qr_code(url: str) -> bool:
    try:
        segno.make_qr(url)
    except segno.DataOverflowError:
        return False
    return True


def is_local_only(host: str) -> bool:
    name = host.rsplit(":", 1)[0] if not host.endswith("]") else host
    return name in {"localhost", "127.0.0.1", "[::1]"}


@admin.register(Display)
class DisplayAdmin(VersionedAdmin):
    form = forms.DisplayForm
    list_display = ["name", "state_badge", "last_seen_at", "language"]
    actions = ["regenerate_tokens"]
    readonly_fields = ["seen"]
    change_form_template = "admin/schedule/display/change_form.html"

    def get_fieldsets(self, request, obj=None):
        fieldsets = [
            (
                None,
                {
                    "fields": [
                        "name",
                        "language",
                        "show_readings",
                        "theme",
                        "members",
                        "may_complete_chores",
                        "show_stars",
                    ]
                },
            ),
            (_("Changes"), {"fields": ["cue_minutes", "chime"]}),
            (_("Night hours"), {"fields": [("night_start", "night_end")]}),
        ]
        if obj is not None:
            fieldsets.insert(0, (_("On the wall"), {"fields": ["seen"]}))
        return self.with_loaded_version(fieldsets, obj)

    def response_add(self, request, obj, post_url_continue=None):
        # The tablet needs the new wall's address: its page with the QR code, not the list.
        if "_addanother" in request.POST or "_popup" in request.POST:
            return super().response_add(request, obj, post_url_continue)
        self.message_user(
            request,
            _("“%(display)s” is added. Scan the QR code with the tablet to open its wall.")
            % {"display": obj},
            messages.SUCCESS,
        )
        return redirect("admin:schedule_display_change", obj.pk)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        display = self.get_object(request, unquote(object_id))
        context = dict(extra_context or {})
        if display is not None:
            context["wall_url"] = request.build_absolute_uri(display.get_absolute_url())
            context["local_only"] = is_local_only(request.get_host())
            if fits_a_qr_code(context["wall_url"]):
                context["qr_src"] = reverse("admin:schedule_display_qr", args=[display.pk])
        return super().change_view(request, object_id, form_url, context)

    @admin.display(description=_("state"))
    def state_badge(self, display: Display) -> str:
        return render_to_string("admin/hibi/state_badge.html", {"state": display.state()})

    @admin.display(description=_("last seen"))
    def seen(self, display: Display) -> str:
        return render_to_string(
            "admin/hibi/display_seen.html", {"display": display, "state": display.state()}
        )

    @admin.action(description=_("Give the selected displays a new address"), permissions=["change"])
    def regenerate_tokens(self, request, queryset):
        with transaction.atomic():
            for display in queryset:
                self._regenerate(request, display)
        self.message_user(
            request,
            _("New addresses made. Open each wall again with its new address or QR code."),
            messages.SUCCESS,
        )

    def _regenerate(self, request, display: Display) -> None:
        display.regenerate_token()
        self.log_change(
            request,
            display,
            str(_("Made a new secret address; the old one stopped working.")),
        )

    def get_urls(self):
        return [
            path(
                "<path:object_id>/qr.svg",
                self.admin_site.admin_view(self.qr_view),
                name="schedule_display_qr",
            ),
            path(
                "<path:object_id>/regenerate/",
                self.admin_site.admin_view(self.regenerate_view),
                name="schedule_display_regenerate",
            ),
            *super().get_urls(),
        ]

    def _display_or_404(self, request, object_id) -> Display:
        display = self.get_object(request, unquote(object_id))
        if display is None:
            raise Http404
        return display

    def qr_view(self, request, object_id):
        display = self._display_or_404(request, object_id)
        if not self.has_view_permission(request, display):
            raise PermissionDenied
        try:
            svg = wall_qr_svg(request.build_absolute_uri(display.get_absolute_url()))
        except segno.DataOverflowError:
            # A relative address would fit, but a tablet cannot open one it scans.
            return HttpResponseBadRequest(
                _("The wall's address is too long for a QR code."),
                content_type="text/plain; charset=utf-8",
            )
        response = HttpResponse(svg, content_type="image/svg+xml")
        response["Cache-Control"] = "private, no-store"
        return response

    def regenerate_view(self, request, object_id):
        return _regenerate_view(request, self, object_id)


@require_POST
def _regenerate_view(request, model_admin: DisplayAdmin, object_id):
    display = model_admin._display_or_404(request, object_id)
    if not model_admin.has_change_permission(request, display):
        raise PermissionDenied
    with transaction.atomic():
        model_admin._regenerate(request, display)
    model_admin.message_user(
        request,
        _("“%(display)s” has a new address. Open the wall again with it or its QR code.")
        % {"display": display},
        messages.SUCCESS,
    )
    return redirect("admin:schedule_display_change", display.pk)


# --- Members, notes, chores done ------------------------------------------------------


@admin.register(Member)
class MemberAdmin(VersionedAdmin):
    form = forms.MemberForm
    list_display = ["__str__", "picture", "order"]
    list_editable = ["order"]

    @admin.display(description=_("colour and icon"))
    def picture(self, member: Member) -> str:
        return render_to_string(
            "admin/hibi/member_picture.html",
            # A name that is no longer bundled (an older Hibi's) has no picture to draw.
            {
                "colour": member.colour,
                "icon": member.icon if icons.is_icon(member.icon) else "",
                "name": member.name,
            },
        )


@admin.register(IconColour)
class IconColourAdmin(VersionedAdmin):
    form = forms.IconColourForm
    list_display = ["picture", "colour"]

    @admin.display(description=_("activity"))
    def picture(self, chosen: IconColour) -> str:
        picture = render_to_string(
            "admin/hibi/member_picture.html",
            {
                "colour": chosen.colour,
                "icon": chosen.icon if icons.is_icon(chosen.icon) else "",
                "name": icons.label(chosen.icon),
            },
        )
        return format_html("{} {}", picture, icons.label(chosen.icon))


@admin.register(Note)
class NoteAdmin(VersionedAdmin):
    form = forms.NoteForm
    list_display = ["__str__", "start_date", "end_date"]
    date_hierarchy = "start_date"
    fields = ["text_ja", "text_en", "icon", ("start_date", "end_date")]


@admin.register(ChoreDone)
class ChoreDoneAdmin(VersionedAdmin):
    list_display = ["chore", "date", "member", "tablet", "done_at"]
    list_filter = ["chore"]
    date_hierarchy = "date"
    list_select_related = ["chore", "member", "display"]

    @admin.display(description=_("ticked on"), ordering="display__name")
    def tablet(self, done: ChoreDone) -> str:
        return str(done.display or "—")

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "display":
            kwargs["label"] = _("ticked on")
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


# --- Routines and stars -------------------------------------------------------------


def _picture(colour: str, icon: str, name: str) -> str:
    return render_to_string(
        "admin/hibi/member_picture.html",
        {"colour": colour, "icon": icon if icons.is_icon(icon) else "", "name": name},
    )


class StepInline(CappedInline):
    model = RoutineStep
    form = forms.StepForm
    formset = forms.StepFormSet
    template = "admin/hibi/edit_inline/compact.html"
    extra = 0
    ordering = ["order", "id"]
    max_num = forms.MAX_STEPS_PER_ROUTINE
    too_many = ngettext_lazy(
        "A routine has at most %(num)d step.", "A routine has at most %(num)d steps.", "num"
    )


class RoutineUseInline(WithoutRelatedLinks, CappedInline):
    model = RoutineAssignment
    form = forms.RoutineUseForm
    formset = forms.RoutineUseFormSet
    template = "admin/hibi/edit_inline/compact.html"
    extra = 0
    max_num = forms.MAX_ROUTINE_USES
    verbose_name = _("where it is used")
    verbose_name_plural = _("where it is used")
    too_many = ngettext_lazy(
        "A routine is used in at most %(num)d place.",
        "A routine is used in at most %(num)d places.",
        "num",
    )


@admin.register(Routine)
class RoutineAdmin(VersionedAdmin):
    form = forms.RoutineForm
    inlines = [StepInline, RoutineUseInline]
    list_display = ["__str__", "picture", "step_count", "use_count"]
    fields = ["title_ja", "title_reading", "title_en", "icon", "stars"]
    actions = ["duplicate"]

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                step_total=Count("steps", distinct=True), use_total=Count("uses", distinct=True)
            )
        )

    @admin.display(description=_("icon"))
    def picture(self, routine: Routine) -> str:
        return _picture(icons.activity_colour(routine.icon), routine.icon, str(routine))

    @admin.display(description=_("steps"), ordering="step_total")
    def step_count(self, routine: Routine) -> int:
        return int(getattr(routine, "step_total", 0))

    @admin.display(description=_("blocks"), ordering="use_total")
    def use_count(self, routine: Routine) -> int:
        return int(getattr(routine, "use_total", 0))

    @admin.action(description=_("Duplicate the selected routines"), permissions=["add"])
    def duplicate(self, request, queryset):
        with transaction.atomic():
            copies = []
            for routine in queryset:
                copy = services.copy_routine(routine)
                self.log_addition(
                    request, copy, str(_("Copied from “%(routine)s”.") % {"routine": routine})
                )
                copies.append(copy)
        if len(copies) == 1:
            self.message_user(
                request,
                _(
                    "Made a copy: “%(copy)s”. Change its steps, and choose below the "
                    "blocks and the child it is for."
                )
                % {"copy": copies[0]},
                messages.SUCCESS,
            )
            return redirect("admin:schedule_routine_change", copies[0].pk)
        self.message_user(
            request,
            ngettext("Copied %(count)d routine.", "Copied %(count)d routines.", len(copies))
            % {"count": len(copies)},
            messages.SUCCESS,
        )
        return None


def _ledger_page(request) -> bool:
    """Is this one of the ledger's (or the ticks') own admin pages?"""
    match = getattr(request, "resolver_match", None)
    name = getattr(match, "url_name", "") or ""
    return name.startswith(("schedule_starentry_", "schedule_stepdone_"))


class HistoryAdmin(admin.ModelAdmin):
    """Rows of what happened: never edited, and never deleted from their own pages.

    Deleting a whole member still takes that member's rows along (the
    admin asks for delete permission on every row a delete cascades to).
    """

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return not _ledger_page(request) and super().has_delete_permission(request, obj)


@admin.register(StepDone)
class StepDoneAdmin(HistoryAdmin):
    list_display = ["what", "member", "date", "tablet", "done_at"]
    list_filter = ["member"]
    date_hierarchy = "date"
    list_select_related = ["member", "display"]

    def has_add_permission(self, request):
        return False

    @admin.display(description=_("step"))
    def what(self, done: StepDone) -> str:
        return household.pick(done.what_ja, done.what_en) or "—"

    @admin.display(description=_("ticked on"), ordering="display__name")
    def tablet(self, done: StepDone) -> str:
        return str(done.display or "—")


@admin.register(StarRules)
class StarRulesAdmin(VersionedAdmin):
    form = forms.StarRulesForm
    fields = ["enabled", "collectors", "per_routine", "per_chore"]
    list_display = ["__str__", "per_routine", "per_chore"]

    def has_add_permission(self, request):
        return not StarRules.objects.exists()

    def has_delete_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        form.save_collectors()


@admin.register(Reward)
class RewardAdmin(VersionedAdmin):
    form = forms.RewardForm
    list_display = ["__str__", "picture", "price"]
    fields = ["title_ja", "title_reading", "title_en", "icon", "price"]
    change_form_template = "admin/schedule/reward/change_form.html"

    @admin.display(description=_("icon"))
    def picture(self, reward: Reward) -> str:
        return _picture(icons.activity_colour(reward.icon), reward.icon, str(reward))

    def change_view(self, request, object_id, form_url="", extra_context=None):
        reward = self.get_object(request, unquote(object_id))
        context = dict(extra_context or {})
        if reward is not None:
            children = list(Member.objects.filter(collects_stars=True))
            totals = StarEntry.totals([m.pk for m in children])
            context["givers"] = [
                {"member": m, "balance": totals.get(m.pk, Totals()).balance} for m in children
            ]
            context["stars_on"] = StarRules.load().enabled
        return super().change_view(request, object_id, form_url, context)

    def get_urls(self):
        return [
            path(
                "<path:object_id>/give/",
                self.admin_site.admin_view(self.give_view),
                name="schedule_reward_give",
            ),
            *super().get_urls(),
        ]

    def give_view(self, request, object_id):
        return _give_view(request, self, object_id)


@require_POST
def _give_view(request, model_admin: RewardAdmin, object_id):
    reward = model_admin.get_object(request, unquote(object_id))
    if reward is None:
        raise Http404
    if not model_admin.has_change_permission(request, reward):
        raise PermissionDenied
    said = request.POST.get("member", "")
    member = (
        Member.objects.filter(pk=int(said), collects_stars=True).first()
        if said.isascii() and said.isdigit() and len(said) <= 18
        else None
    )
    if member is None:
        return HttpResponseBadRequest(
            _("Choose a child who collects stars."), content_type="text/plain; charset=utf-8"
        )
    try:
        entry = services.give_reward(reward, member)
    except services.NotEnoughStars as short:
        model_admin.message_user(
            request,
            _("%(member)s has %(balance)d stars; “%(reward)s” takes %(price)d.")
            % {"member": member, "balance": short.balance, "reward": reward, "price": reward.price},
            messages.ERROR,
        )
    else:
        model_admin.log_change(request, reward, str(_("Given to %(member)s.") % {"member": member}))
        model_admin.message_user(
            request,
            _("“%(reward)s” given to %(member)s: %(stars)d stars spent.")
            % {"reward": reward, "member": member, "stars": -entry.amount},
            messages.SUCCESS,
        )
    return redirect("admin:schedule_reward_change", reward.pk)


@admin.register(StarEntry)
class StarEntryAdmin(HistoryAdmin):
    form = forms.StarEntryForm
    list_display = ["member", "date", "stars", "kind", "what", "taken_back", "created_at"]
    list_filter = ["member", "kind"]
    date_hierarchy = "date"
    list_select_related = ["member", "corrects"]
    actions = ["take_back"]
    change_list_template = "admin/schedule/starentry/change_list.html"

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(correction_total=Count("corrections"))

    @admin.display(description=_("stars"), ordering="amount")
    def stars(self, entry: StarEntry) -> str:
        return f"{entry.amount:+d}"

    @admin.display(description=_("what"))
    def what(self, entry: StarEntry) -> str:
        return household.pick(entry.what_ja, entry.what_en) or "—"

    @admin.display(description=_("taken back"))
    def taken_back(self, entry: StarEntry) -> str:
        if entry.corrects is not None:
            return str(_("takes back the row of %(date)s") % {"date": entry.corrects.date})
        return str(_("yes")) if getattr(entry, "correction_total", 0) else ""

    def changelist_view(self, request, extra_context=None):
        children = Member.objects.filter(stars__isnull=False).distinct()
        totals = StarEntry.totals()
        context = dict(extra_context or {})
        context["totals"] = [{"member": m, "totals": totals.get(m.pk, Totals())} for m in children]
        return super().changelist_view(request, context)

    @admin.action(description=_("Take back the selected stars"), permissions=["add"])
    def take_back(self, request, queryset):
        taken, refused = 0, 0
        with transaction.atomic():
            for entry in queryset.select_related("member"):
                try:
                    correction = services.take_back(entry)
                except services.CannotTakeBack:
                    refused += 1
                    continue
                self.log_addition(request, correction, str(_("Taken back.")))
                taken += 1
        if taken:
            self.message_user(
                request,
                ngettext(
                    "Took back %(count)d row; the history keeps both.",
                    "Took back %(count)d rows; the history keeps both.",
                    taken,
                )
                % {"count": taken},
                messages.SUCCESS,
            )
        if refused:
            self.message_user(
                request,
                ngettext(
                    "%(count)d row was a taking back, or already taken back: left as it is.",
                    "%(count)d rows were a taking back, or already taken back: left as they are.",
                    refused,
                )
                % {"count": refused},
                messages.WARNING,
            )


def locked_out(request, original_response=None, credentials=None) -> HttpResponse:
    """django-axes' answer after too many wrong passwords, in the parent's language."""
    minutes = max(1, round(settings.AXES_COOLOFF_TIME * 60))
    return render(
        request,
        "admin/locked_out.html",
        {"minutes": minutes, "title": _("Signing in is paused")},
        status=getattr(settings, "AXES_HTTP_RESPONSE_CODE", 429),
    )


def next_day_in_force(plan: Plan, today: date, horizon: int = 60) -> date:
    """The first day from `today` on which the wall would show `plan` (else today)."""
    family = loading.load_household(
        today, household.zone(), through=today + timedelta(days=horizon)
    )
    return planner.next_day_in_force(family, plan.pk, today, horizon) or today


# The pages for calendars in and out, phones and webhooks live in their own module,
# and so do the operator's users and groups.
from schedule import outside_admin  # noqa: E402, F401
from schedule.site import operator_admin  # noqa: E402, F401
