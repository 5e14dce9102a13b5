"""The chores' admin: a chore with its next dates (holiday moves, closures, whose
turn), the days chores were done, calling off one collection."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from django.contrib import admin, messages
from django.contrib.admin.utils import unquote
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy
from django.views.decorators.http import require_GET, require_POST

from schedule import planner
from schedule.chores.models import Chore, ChoreAssignee, ChoreDone
from schedule.common import household, recurrence, repeat
from schedule.common.admin import VersionedAdmin
from schedule.day import loading

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise
from schedule.chores.forms import AssigneeFormSet, ChoreForm, NewChoreForm, RepeatForm
from schedule.chores.garbage.admin import ChoreClosureInline
from schedule.chores.garbage.forms import CancelForm
from schedule.chores.next_dates import away_rows, upcoming_rows
from schedule.chores.services import cancel_chore
from schedule.common.admin import CappedInline, WithoutRelatedLinks
from schedule.common.validation import MAX_TURN_TAKERS


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
    today = household.today()
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


class AssigneeInline(WithoutRelatedLinks, CappedInline):
    model = ChoreAssignee
    formset = AssigneeFormSet
    extra = 0
    ordering = ["order", "id"]
    max_num = MAX_TURN_TAKERS
    too_many = ngettext_lazy(
        "At most %(num)d person takes turns on a chore.",
        "At most %(num)d people take turns on a chore.",
        "num",
    )


@admin.register(Chore)
class ChoreAdmin(VersionedAdmin):
    form = ChoreForm
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
            kwargs["form"] = NewChoreForm
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
            days = chore.recurrence(rules).next_occurrences(household.today(), 1)
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
            today = household.today()
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


def typed_wrong(form: RepeatForm) -> str:
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
    form = RepeatForm(
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
        today = household.today()
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
    form = CancelForm(request.POST)
    back = form.safe_next(request)
    if not form.is_valid():
        model_admin.message_user(
            request, _("Nothing was changed: the date could not be read."), messages.ERROR
        )
        return redirect(back)
    day, cancelled = form.cleaned_data["date"], form.cleaned_data["cancelled"]
    with transaction.atomic():
        changed = cancel_chore(chore, day, cancelled, form.cleaned_data["reason"])
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
