"""The garbage calendar's admin: closures and what each does to every chore, a
chore's word on a closure, the collections called off."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from django.contrib import admin
from django.template.loader import render_to_string
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext_lazy

from schedule.chores.garbage.forms import ChoreClosureForm, ChoreClosureFormSet, ClosureForm
from schedule.chores.garbage.models import ChoreCancellation, ChoreClosure, Closure
from schedule.common import collection, household, recurrence
from schedule.common.admin import CappedInline, VersionedAdmin
from schedule.common.models import WEEKDAY_NAMES
from schedule.common.validation import MAX_CLOSURES
from schedule.day import loading


class ChoreClosureInline(CappedInline):
    """A chore's own word on a closure: only needed where it differs from the closure's."""

    model = ChoreClosure
    form = ChoreClosureForm
    formset = ChoreClosureFormSet
    extra = 0
    max_num = MAX_CLOSURES
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
    form = ClosureForm
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
            closure_effects(saved, household.today(), household.language()),
        )


@admin.register(ChoreCancellation)
class ChoreCancellationAdmin(VersionedAdmin):
    list_display = ["chore", "date", "reason", "cancelled_at"]
    list_filter = ["chore"]
    date_hierarchy = "date"
    list_select_related = ["chore"]
    fields = ["chore", "date", "reason"]
