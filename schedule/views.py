"""HTTP views: the day at a glance, each display's wall and its poll, chore ticks,
now.json for Home Assistant, and the health check.

Each view decides who may do what; `wall.py` finds the display, computes the
poll version and builds what the template prints.
"""

from datetime import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import DatabaseError, connection
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseForbidden,
    JsonResponse,
)
from django.shortcuts import redirect, render
from django.utils.cache import patch_cache_control
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.gzip import gzip_page
from django.views.decorators.http import require_GET, require_POST

from . import icons, planner, wall
from .loading import load_household
from .models import Chore, ChoreDone, Display

# SQLite integers are 64-bit; a larger id in the URL would overflow the query.
BIGGEST_ID = 2**63 - 1


def _today(request: HttpRequest) -> dict:
    tz = ZoneInfo(settings.TIME_ZONE)
    now = datetime.now(tz)
    view = planner.day_view(load_household(now.date(), tz), now.date(), now)
    return {"day": view, "lang": (get_language() or settings.LANGUAGE_CODE)[:2]}


@require_GET
def index(request: HttpRequest) -> HttpResponse:
    return render(request, "schedule/index.html", _today(request))


def _display_or_404(token: str) -> Display:
    display = wall.find_display(token)
    if display is None:
        raise Http404("No such display.")
    return display


def _no_store(response: HttpResponse) -> HttpResponse:
    patch_cache_control(response, no_store=True)
    response["X-Wall-Assets"] = wall.asset_version()
    return response


def _render_wall(
    request: HttpRequest,
    display: Display,
    moment: datetime,
    at: str,
    fragment: bool,
    loaded: wall.Loaded | None = None,
) -> HttpResponse:
    loaded = loaded or wall.load(display, moment.date())
    context = {
        "wall": wall.build(display, moment, loaded, at),
        "poll_seconds": settings.WALL_POLL_SECONDS,
        # Half the interval, within 1–20 s: a hung request must not stall the
        # polling, and a slow Wi-Fi must still get a second to answer.
        "timeout_ms": int(max(1, min(settings.WALL_POLL_SECONDS / 2, 20)) * 1000),
        "reload_hour": settings.WALL_RELOAD_HOUR,
        "assets": wall.asset_version(),
        # Once per page, outside the polled panel; see icons.inline_sprite().
        "icon_sprite": "" if fragment else icons.inline_sprite(),
    }
    template = "schedule/kiosk.html#panel" if fragment else "schedule/kiosk.html"
    return _no_store(render(request, template, context))


# The wall's HTML repeats its blocks for the ticking script; compressed, a
# full page with every asset stays well under the 60 KB budget.
@gzip_page
@require_GET
def wall_page(request: HttpRequest, token: str) -> HttpResponse:
    display = _display_or_404(token)
    at = request.GET.get("at", "")
    try:
        moment = wall.moment_from(at)
    except ValueError:
        return HttpResponseBadRequest(_("Give the moment as ?at=YYYY-MM-DDTHH:MM."))
    if not at:  # an admin's preview is not the tablet
        wall.note_seen(display, request)
    return _render_wall(request, display, moment, at, fragment=bool(request.htmx))


@gzip_page
@require_GET
def wall_panel(request: HttpRequest, token: str) -> HttpResponse:
    """The polled region; 204 while the version the wall shows is still right."""
    display = _display_or_404(token)
    at = request.GET.get("at", "")
    try:
        moment = wall.moment_from(at)
        known = request.GET.get("v")
    except ValueError:
        at, moment, known = "", wall.moment_from(None), None
    if not at:
        wall.note_seen(display, request)
    loaded = view = None
    if not wall.knows_day(display, moment):  # load once, for the version and the answer
        loaded = wall.load(display, moment.date())
        view = loaded.day(moment.date(), moment)
    current = wall.version(display, moment, view)
    if known == current:
        response = _no_store(HttpResponse(status=204))
        del response["Content-Type"]
        response._csp_config = {}  # no body, nothing for a policy to guard
        return response
    if not at and (panel := wall.cached_panel(display, current, moment)) is not None:
        return _no_store(HttpResponse(panel))
    response = _render_wall(request, display, moment, at, fragment=True, loaded=loaded)
    if not at:
        wall.remember_panel(display, current, moment, response.content)
    return response


@gzip_page
@require_POST
def toggle_chore(request: HttpRequest, token: str, chore_id: int, day: str) -> HttpResponse:
    """Mark a chore done or not done on a day; the form says which, so a double tap is safe."""
    display = _display_or_404(token)
    if not display.may_complete_chores:
        return HttpResponseForbidden(_("This display may not tick chores."))
    try:
        date = wall.day_from(day)
    except ValueError:
        return HttpResponseBadRequest(_("Give the date as YYYY-MM-DD."))
    done = request.POST.get("done")
    if done not in {"0", "1"}:
        return HttpResponseBadRequest(_("Say done=1 or done=0."))
    chore = Chore.objects.filter(pk=chore_id).first() if chore_id <= BIGGEST_ID else None
    if chore is None or not wall.shows_chore(display, chore, date):
        raise Http404("This chore is not on this wall that day.")
    if done == "1":
        ChoreDone.objects.get_or_create(chore=chore, date=date, defaults={"display": display})
    else:
        ChoreDone.objects.filter(chore=chore, date=date).delete()
    at = request.GET.get("at", "")
    try:
        moment = wall.moment_from(at)
    except ValueError:
        at, moment = "", wall.moment_from(None)
    if not request.htmx:
        return redirect(display.get_absolute_url())
    fresh = wall.find_display(token)
    return _render_wall(request, fresh or display, moment, at, fragment=True)


@require_GET
def now_json(request: HttpRequest, token: str) -> HttpResponse:
    display = _display_or_404(token)
    try:
        moment = wall.moment_from(request.GET.get("at", ""))
    except ValueError:
        return JsonResponse({"error": "Give the moment as ?at=YYYY-MM-DDTHH:MM."}, status=400)
    summary = wall.now_summary(display, moment, wall.load(display, moment.date()))
    response = JsonResponse(summary, json_dumps_params={"ensure_ascii": False})
    patch_cache_control(response, no_store=True)
    return response


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
