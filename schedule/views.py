"""HTTP views: the day at a glance, each display's wall, and the health check."""

from datetime import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import DatabaseError, connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.utils.translation import get_language
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from . import planner
from .loading import load_household
from .models import Display


def _today(request: HttpRequest, display: Display | None = None) -> dict:
    tz = ZoneInfo(settings.TIME_ZONE)
    now = datetime.now(tz)
    members = None
    if display is not None:
        ids = frozenset(display.members.values_list("pk", flat=True))
        members = ids or None
    view = planner.day_view(load_household(now.date(), tz), now.date(), now, members)
    return {"day": view, "lang": (get_language() or settings.LANGUAGE_CODE)[:2]}


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    return render(request, "schedule/index.html", _today(request))


@require_GET
def wall(request: HttpRequest, token: str) -> HttpResponse:
    display = get_object_or_404(Display, token=token)
    return render(request, "schedule/index.html", {**_today(request, display), "display": display})


@never_cache
@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "database unavailable"}, status=503)
    return JsonResponse({"status": "ok"})
