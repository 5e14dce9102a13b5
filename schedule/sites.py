"""The admin site itself: Hibi's titles and the "today" summary on its index.

`HibiAdminConfig` replaces `django.contrib.admin` in INSTALLED_APPS so that
`admin.site` is a `HibiAdminSite` (Django's documented way to change the
default site). This module is imported while apps load, so models are only
imported inside methods.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib import admin
from django.contrib.admin.apps import AdminConfig
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


class HibiAdminSite(admin.AdminSite):
    site_header = _("Hibi — the family's day")
    site_title = _("Hibi admin")
    index_title = _("Plan the family's day")

    def index(self, request, extra_context=None):
        return super().index(request, {"today": today_summary(), **(extra_context or {})})


class HibiAdminConfig(AdminConfig):
    default_site = "schedule.sites.HibiAdminSite"


def today_summary(now: datetime | None = None) -> dict:
    """What a parent checks first: the plan in force, chores due, each tablet's state."""
    from . import planner, worker
    from .loading import load_household
    from .models import Display

    tz = ZoneInfo(settings.TIME_ZONE)
    now = (now or datetime.now(tz)).astimezone(tz)
    lang = (get_language() or settings.LANGUAGE_CODE)[:2]
    view = planner.day_view(load_household(now.date(), tz), now.date(), now)
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
        "displays": [(display, display.state(now)) for display in Display.objects.all()],
        "worker": worker.state(now),
    }
