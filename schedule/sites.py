"""The admin site itself: Hibi's titles, the "today" summary on its index, and
a clear 400 for list requests no page of the admin makes.

`HibiAdminConfig` replaces `django.contrib.admin` in INSTALLED_APPS so that
`admin.site` is a `HibiAdminSite` (Django's documented way to change the
default site). This module is imported while apps load, so models are only
imported inside methods.
"""

from __future__ import annotations

import functools
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.exceptions import ValidationError
from django.http import QueryDict
from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise


# A refusal's title and message, in the parent's language.
Refusal = tuple["str | _StrPromise", "str | _StrPromise"]


class HibiAdminSite(admin.AdminSite):
    site_header = _("Hibi — the family's day")
    site_title = _("Hibi admin")
    index_title = _("Plan the family's day")

    def index(self, request, extra_context=None):
        return super().index(request, {"today": today_summary(), **(extra_context or {})})

    def admin_view(self, view, cacheable=False):
        # Every model's list page passes here, Django's own (users, groups,
        # django-axes' logs) as well as Hibi's.
        model_admin = getattr(view, "__self__", None)
        if isinstance(model_admin, admin.ModelAdmin) and view.__name__ == "changelist_view":
            view = self._refusing_unreadable_lists(view, model_admin)
        return super().admin_view(view, cacheable)

    def _refusing_unreadable_lists(self, view, model_admin: admin.ModelAdmin):
        """A list page that answers 400 with a message where Django would fail with 500:
        a date drill-down past year 9999, an action on rows that cannot exist."""

        @functools.wraps(view)
        def changelist_view(request, *args, **kwargs):
            problem = unreadable_drilldown(model_admin.date_hierarchy, request.GET)
            if problem is None and request.method == "POST":
                problem = unreadable_selection(model_admin, request.POST)
            if problem is None:
                return view(request, *args, **kwargs)
            context = {
                **self.each_context(request),
                "title": problem[0],
                "message": problem[1],
                "back": request.path,
            }
            return TemplateResponse(request, "admin/hibi/refused.html", context, status=400)

        return changelist_view


def unreadable_drilldown(field: str | None, query: QueryDict) -> Refusal | None:
    """Why a `?<field>__year=&__month=&__day=` drill-down cannot be listed, if it cannot.

    Django turns it into a range of times from that day, month or year to
    the next one, and a date it cannot count that way (past 9999, before the
    first day of year 1 in UTC, or not a number) raises where it does not
    expect it.
    """
    if not field or f"{field}__year" not in query:
        return None
    parts = [query.get(f"{field}__{part}") for part in ("year", "month", "day")]
    try:
        year, month, day = (int(part) if part is not None else None for part in parts)
        if year is None:
            return None
        first = datetime(year, 1 if month is None else month, 1 if day is None else day)
        if day is not None:
            after = first + timedelta(days=1)
        elif month is not None:
            after = (first + timedelta(days=32)).replace(day=1)
        else:
            after = first.replace(year=first.year + 1)
        if settings.USE_TZ:  # a date-time column compares them in UTC
            for moment in (first, after):
                timezone.make_aware(moment).astimezone(UTC)
    except (ValueError, OverflowError):
        shown = "-".join(part[:12] for part in parts if part is not None)
        return (
            _("Check the date"),
            _("The list cannot be shown for “%(date)s”. Choose a date from the list itself.")
            % {"date": shown},
        )
    return None


def unreadable_selection(model_admin: admin.ModelAdmin[Any], post: QueryDict) -> Refusal | None:
    """Why the rows ticked for an action cannot be read, if they cannot:
    each must be a key such rows can have (for Hibi's, a number within 64 bits)."""
    key = model_admin.model._meta.pk
    try:
        for value in post.getlist(ACTION_CHECKBOX_NAME):
            key.clean(value, None)
    except ValidationError:
        message = _(
            "The ticked rows could not be read. Go back to the list, tick them again "
            "and choose the action once more."
        )
        return _("Nothing was changed"), message
    return None


class HibiAdminConfig(AdminConfig):
    default_site = "schedule.sites.HibiAdminSite"


def today_summary(now: datetime | None = None) -> dict:
    """What a parent checks first: the plan in force, chores due today and tomorrow
    (each called off with one tap), the closure of the day, each tablet's state."""
    from . import household, loading, worker
    from .models import Display

    now = (now or household.now()).astimezone(household.zone())
    lang = household.language()
    view = loading.day_at(now)
    return {
        "day": view,
        "lang": lang,
        "plan_name": view.plan.name(lang) if view.plan else "",
        "holiday": view.holiday.name(lang) if view.holiday else "",
        "current": [(block, block.title(lang)) for block in view.current],
        "next_blocks": [(block, block.title(lang)) for block in view.next_blocks],
        "chores": [
            (chore, chore.title(lang), ", ".join(m.name(lang) for m in chore.assignees))
            for chore in view.chores
        ],
        "tomorrow_chores": [
            (chore, chore.title(lang), ", ".join(m.name(lang) for m in chore.assignees))
            for chore in view.tomorrow_chores
        ],
        "closures": [
            (closure.name(lang), closure.span_around(view.date)) for closure in view.closures
        ],
        "displays": [(display, display.state(now)) for display in Display.objects.all()],
        "worker": worker.state(now),
    }
