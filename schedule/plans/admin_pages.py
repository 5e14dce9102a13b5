"""What the plan's admin shows and adds beside Django's pages: the day as a
timeline, warnings where a night meets a morning, using a plan on a date, and
one block on a page of its own (a phone's way to change a time)."""

from __future__ import annotations

import dataclasses
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_http_methods

from schedule import planner
from schedule.common import household, icons, recurrence, repeat
from schedule.common.admin import _percent
from schedule.common.colours import ink_on
from schedule.day import loading
from schedule.family.forms import WallPreviewForm
from schedule.family.models import Display
from schedule.plans.forms import OneBlockForm, UseOnDateForm
from schedule.plans.models import Block, Plan
from schedule.plans.services import change_block, use_plan_on

if TYPE_CHECKING:
    from schedule.plans.admin import PlanAdmin


def plan_timeline(plan: Plan, lang: str) -> dict:
    """The plan's day as bars on a 24-hour column, laid out by the planner itself.

    The plan is asked to apply every day, so a block that runs past midnight
    shows both as the evening it starts and as the morning it ends.
    """
    tz = household.zone()
    day = household.today()
    (loaded,) = loading.load_plans(Plan.objects.filter(pk=plan.pk))
    every_day = dataclasses.replace(loaded, weekdays=frozenset(range(7)), on_holidays=True)
    family = planner.Household.of(
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


USE_FIELDSETS: list[tuple[Any, Any]] = [(None, {"fields": ["plan", "date", "reason", "as_copy"]})]


@require_http_methods(["GET", "POST"])
def _use_on_a_date(request, model_admin: PlanAdmin):
    today = household.today()
    if request.method == "POST":
        form = UseOnDateForm(request.POST, today=today)
        if form.is_valid():
            data = form.cleaned_data
            if data["as_copy"] and not model_admin.has_add_permission(request):
                raise PermissionDenied
            used = use_plan_on(data["plan"], data["date"], data["reason"], data["as_copy"])
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
        form = UseOnDateForm(initial=use_initial(request.GET, today), today=today)
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
                "icon",
                "members",
                "plan_version",
            ]
        },
    ),
    # What a parent rarely changes, folded (Django opens it when one is in error).
    (
        _("More: reading, colour, phones and webhooks"),
        {
            "fields": ["title_reading", "colour", "nudge_minutes_before", "webhook_url"],
            "classes": ["collapse"],
        },
    ),
]


@require_http_methods(["GET", "POST"])
def _one_block(request, model_admin: PlanAdmin, block: Block):
    plan = block.plan
    others = list(
        plan.blocks.exclude(pk=block.pk).order_by("start", "end", "id").prefetch_related("members")
    )
    if request.method == "POST":
        form = OneBlockForm(request.POST, instance=block, others=others)
        with transaction.atomic():
            saved = form.is_valid()
            if saved:
                changed = form.save(commit=False)
                change_block(changed, form.moves)
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
        form = OneBlockForm(instance=block, others=others)
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


def one_block_change_message(block: Block, form: OneBlockForm) -> str:
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


def next_day_in_force(plan: Plan, today: date, horizon: int = 60) -> date:
    """The first day from `today` on which the wall would show `plan` (else today)."""
    family = loading.load_household(
        today, household.zone(), through=today + timedelta(days=horizon)
    )
    return planner.next_day_in_force(family, plan.pk, today, horizon) or today


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


def preview_form(plan: Plan) -> WallPreviewForm:
    """Which tablet and moment a preview opens: the main display, at a moment it
    shows the plan, on the next day the plan is in force."""
    now = household.now()
    display = main_display()
    moment = preview_moment(now, display)
    # A morning chosen late in the evening is tomorrow's.
    first = now.date() + timedelta(days=1) if moment < now.time().replace(second=0) else now.date()
    return WallPreviewForm(
        displays=Display.objects.all(),
        initial={"display": display, "date": next_day_in_force(plan, first), "time": moment},
    )


@require_GET
def wall_preview(request, plan: Plan):
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
    form = WallPreviewForm(request.GET, displays=displays)
    if not form.is_valid():
        return render(
            request,
            "admin/hibi/bad_request.html",
            {"form": form, "back": reverse("admin:schedule_plan_change", args=[plan.pk])},
            status=400,
        )
    return redirect(form.wall_url())
