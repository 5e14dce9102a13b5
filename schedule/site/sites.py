"""The admin site itself: Hibi's titles, the "today" summary on its index, the
family's pages before the operator's, and a clear 400 for list requests no page
of the admin makes.

`HibiAdminConfig` replaces `django.contrib.admin` in INSTALLED_APPS so that
`admin.site` is a `HibiAdminSite` (Django's documented way to change the
default site). This module is imported while apps load, so models are only
imported inside methods.
"""

from __future__ import annotations

import functools
import os
from datetime import UTC, datetime, timedelta
from typing import TYPE_CHECKING, Any

from axes.apps import AppConfig as AxesConfig
from django.apps import apps
from django.conf import settings
from django.contrib import admin
from django.contrib.admin.apps import AdminConfig, SimpleAdminConfig
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.core.exceptions import ValidationError
from django.http import HttpResponse, QueryDict
from django.shortcuts import render
from django.template.response import TemplateResponse
from django.urls import URLResolver, reverse
from django.urls.resolvers import RoutePattern
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise


# A refusal's title and message, in the parent's language.
Refusal = tuple["str | _StrPromise", "str | _StrPromise"]


class HibiAdminSite(admin.AdminSite):
    site_header = _("Hibi — the family's day")
    site_title = _("Hibi admin")
    index_title = _("Plan the family's day")
    # "View site" would lead to "/", which only leads back here: the family's
    # day is on the walls (each with its secret address) and in this admin.
    site_url = None

    def index(self, request, extra_context=None):
        from schedule.site import family_start

        today = today_summary()
        context = {"today": today, "shortcuts": shortcuts(request, today)}
        context.update(family_start.offer(request))
        return super().index(request, {**context, **(extra_context or {})})

    def get_urls(self):
        from django.urls import path

        from schedule.site import family_start

        own = [
            path(
                "remove-demo-family/",
                self.admin_view(family_start.remove_demo),
                name="remove_demo_family",
            )
        ]
        return own + super().get_urls()

    def get_app_list(self, request, app_label=None):
        """The family's pages first, in the order a parent needs them; the
        operator's (sign-ins, users and groups) after, where they belong."""
        found = super().get_app_list(request, app_label)
        found.sort(key=lambda app: (app["app_label"] != "schedule", app["name"].lower()))
        for app in found:
            if app["app_label"] == "schedule":
                app["models"].sort(key=_family_order)
        return found

    def admin_view(self, view, cacheable=False):
        # Every model's list page passes here, Django's own (users, groups,
        # django-axes' logs) as well as Hibi's.
        from schedule.common import writes

        model_admin = getattr(view, "__self__", None)
        if isinstance(model_admin, admin.ModelAdmin) and view.__name__ == "changelist_view":
            view = self._refusing_unreadable_lists(view, model_admin)
        # Every save, delete and action a parent posts takes its locks in the
        # same order as a tap on the wall, and is tried again whole if the
        # database gave up on it anyway.
        if not getattr(view, "non_atomic_post", False):
            view = writes.atomic_post(view)
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


# A parent's pages, most used first; pages added later follow in alphabetical order.
FAMILY_PAGES = ["plan", "chore", "note", "member", "display", "iconcolour", "choredone"]


def _family_order(model: dict) -> tuple[int, str]:
    name = model["object_name"].lower()
    place = FAMILY_PAGES.index(name) if name in FAMILY_PAGES else len(FAMILY_PAGES)
    return place, model["name"]


class HibiAdminConfig(AdminConfig):
    """The admin with Hibi's site. Under gunicorn (config/wsgi.py sets
    HIBI_ADMIN_ON_FIRST_USE) the ModelAdmins, their forms and what they import
    load when a parent first opens the admin (schedule/admin_urls.py), not at
    start: a worker that only ever serves walls stays a few megabytes lighter
    on a Raspberry Pi. Everywhere else (manage.py, its checks, the tests) they
    load at start, as Django's admin does."""

    default_site = "schedule.site.sites.HibiAdminSite"

    def ready(self) -> None:
        if os.environ.get("HIBI_ADMIN_ON_FIRST_USE") == "1":
            SimpleAdminConfig.ready(self)
        else:
            super().ready()


class _AdminURLs(URLResolver):
    def _populate(self) -> None:
        # The first reverse() of any URL populates every resolver under the
        # root, this one too, which would import the admin for a wall's URL;
        # its namespace is recorded without it. Once the admin's URL conf is
        # in (a request under it, or a reverse("admin:…")), this is Django's.
        if "urlconf_module" in self.__dict__:
            super()._populate()


def admin_urls(prefix: str) -> URLResolver:
    """The admin's URLs under `prefix`, its URL conf imported the first time a request
    or a reverse("admin:…") needs it."""
    return _AdminURLs(
        RoutePattern(prefix), "schedule.site.admin_urls", app_name="admin", namespace="admin"
    )


class HibiAxesConfig(AxesConfig):
    """django-axes under a name a parent understands (its own is "Axes")."""

    verbose_name = _("Sign-in protection")

    def ready(self) -> None:
        super().ready()
        name_axes_rows()


def name_axes_rows() -> None:
    """django-axes names its rows in English whatever the language ("Access Log for
    parent @ …"), and the admin prints those names in its titles and breadcrumbs."""
    for name, naming in AXES_ROW_NAMES.items():
        apps.get_model("axes", name).__str__ = naming  # type: ignore[assignment]


def _attempt_name(row: Any) -> str:
    return gettext("Sign-in attempts of %(user)s") % {"user": row.username}


def _failure_name(row: Any) -> str:
    return gettext("Failed sign-in of %(user)s from %(address)s") % {
        "user": row.username,
        "address": row.ip_address,
    }


def _log_name(row: Any) -> str:
    return gettext("Sign-in of %(user)s") % {"user": row.username}


AXES_ROW_NAMES = {
    "AccessAttempt": _attempt_name,
    "AccessFailureLog": _failure_name,
    "AccessLog": _log_name,
}


def shortcuts(request, today: dict) -> list[tuple[_StrPromise | str, str]]:
    """The edits a parent makes most, one tap from the home page: (label, address),
    each only for a parent allowed to make it."""
    found: list[tuple[_StrPromise | str, str]] = []
    user = request.user
    if user.has_perm("schedule.add_chore"):
        found.append((_("Add a chore"), reverse("admin:schedule_chore_add")))
    plan = today["day"].plan
    if plan is not None and user.has_perm("schedule.change_plan"):
        url = reverse("admin:schedule_plan_change", args=[plan.id]) + "#blocks-list"
        found.append((_("Today's times (%(plan)s)") % {"plan": today["plan_name"]}, url))
    if user.has_perm("schedule.change_plan"):
        found.append((_("Use a plan on a date"), reverse("admin:schedule_plan_use")))
    return found


def today_summary(now: datetime | None = None) -> dict:
    """What a parent checks first: the plan in force, chores due today and tomorrow
    (each called off with one tap), the closure of the day, each tablet's state,
    the worker and the subscribed calendars that could not be read."""
    from schedule.calendars.models import CalendarSubscription
    from schedule.common import household
    from schedule.day import loading
    from schedule.family.models import Display
    from schedule.nudges import worker

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
        # Each with its problem in the parent's words: the limit it hit, or the
        # server that failed; the wall keeps its last good events meanwhile.
        "calendars": [
            (subscription, subscription.last_error)
            for subscription in CalendarSubscription.objects.filter(enabled=True).exclude(
                error_code=""
            )
        ],
    }


def locked_out(request, original_response=None, credentials=None) -> HttpResponse:
    """django-axes' answer after too many wrong passwords, in the parent's language."""
    minutes = max(1, round(settings.AXES_COOLOFF_TIME * 60))
    return render(
        request,
        "admin/locked_out.html",
        {"minutes": minutes, "title": _("Signing in is paused")},
        status=getattr(settings, "AXES_HTTP_RESPONSE_CODE", 429),
    )
