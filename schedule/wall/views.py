"""The wall's URLs: the page, the polled panel (a 204 while nothing changed),
chore and step ticks, and now.json for Home Assistant. Each view decides who
may do what; the rest of wall/ finds the display, the version and what the
template prints."""

from __future__ import annotations

import functools
import logging
import re
from datetime import date, datetime

from django.conf import settings
from django.db import IntegrityError
from django.http import (
    Http404,
    HttpRequest,
    HttpResponse,
    HttpResponseBadRequest,
    HttpResponseForbidden,
    JsonResponse,
)
from django.shortcuts import redirect, render
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.csp import build_policy
from django.utils.translation import gettext as _
from django.views.decorators.gzip import gzip_page
from django.views.decorators.http import require_GET, require_POST
from django_htmx.middleware import HtmxDetails

from schedule import planner
from schedule.announcements import services as announcements
from schedule.announcements.models import Announcement
from schedule.bags.models import BagPacked
from schedule.chores.models import Chore
from schedule.common import household, icons
from schedule.day import serialise
from schedule.family.models import Display, Member
from schedule.nudges import battery
from schedule.routines.models import RoutineStep
from schedule.tonight.selectors import tonight_from
from schedule.wall import display as displays
from schedule.wall import moments, polling, ticks, view_model

log = logging.getLogger(__name__)


class HtmxRequest(HttpRequest):
    """A request seen through django-htmx's middleware (request.htmx)."""

    htmx: HtmxDetails


def _display_or_404(token: str) -> Display:
    display = displays.find_display(token)
    if display is None:
        raise Http404("No such display.")
    return display


def _no_store(response: HttpResponse) -> HttpResponse:
    patch_cache_control(response, no_store=True)
    response["X-Wall-Assets"] = polling.asset_version()
    return response


def _render_wall(
    request: HttpRequest,
    display: Display,
    moment: datetime,
    at: str,
    fragment: bool,
    loaded: polling.Loaded | None = None,
) -> HttpResponse:
    loaded = loaded or polling.load(display, moment.date())
    context = {
        "wall": view_model.of_display(display, moment, loaded, at),
        "poll_seconds": settings.WALL_POLL_SECONDS,
        # Half the interval, within 1–20 s: a hung request must not stall the
        # polling, and a slow Wi-Fi must still get a second to answer.
        "timeout_ms": int(max(1, min(settings.WALL_POLL_SECONDS / 2, 20)) * 1000),
        "reload_hour": settings.WALL_RELOAD_HOUR,
        "assets": polling.asset_version(),
        "next_count": planner.HOW_MANY_NEXT,
        # Once per page, outside the polled panel; see icons.inline_sprite().
        "icon_sprite": "" if fragment else icons.inline_sprite(),
    }
    template = "schedule/kiosk.html#panel" if fragment else "schedule/kiosk.html"
    return _no_store(render(request, template, context))


# The wall's HTML repeats its blocks for the ticking script; compressed, a
# full page with every asset stays well under the 60 KB budget.
@gzip_page
@require_GET
def wall_page(request: HtmxRequest, token: str) -> HttpResponse:
    display = _display_or_404(token)
    try:
        at, moment = moments.requested(request)
    except ValueError:
        return HttpResponseBadRequest(_("Give the moment as ?at=YYYY-MM-DDTHH:MM."))
    if not at:  # an admin's preview is not the tablet
        displays.note_seen(display, request)
    return _render_wall(request, display, moment, at, fragment=bool(request.htmx))


def _nothing_changed() -> HttpResponse:
    """The poll's 204: a few hundred bytes, no body, nothing to cache, and no
    policy (there is nothing in it for a policy to govern)."""
    response = _no_store(HttpResponse(status=204))
    del response["Content-Type"]
    response._csp_config = {}  # type: ignore[attr-defined]  # read by the CSP middleware
    return response


@functools.cache
def _panel_policy() -> str:
    # The page's own policy; a panel has no script, so it carries no nonce.
    return build_policy(settings.SECURE_CSP)  # type: ignore[arg-type]  # a dict of lists


def _as_the_page(response: HttpResponse) -> HttpResponse:
    """A panel answered from memory, before the middleware that adds the page's
    security headers: it is HTML like the page and gets the same ones."""
    response.headers.setdefault("Content-Security-Policy", _panel_policy())
    response.headers.setdefault("X-Frame-Options", settings.X_FRAME_OPTIONS)
    return response


def poll_from_memory(request: HttpRequest, token: str) -> HttpResponse | None:
    """A poll answered from what this process already has, or None and the view
    answers it in full: a 204 while the wall shows the right version, or the
    panel another tablet's poll had rendered (kept compressed) when it changed.
    Needs only the display's row; the display found is kept on the request
    for the view, so a poll still asks for it once.

    UnchangedPollMiddleware asks this before sessions, messages, CSRF, locale
    and the rest, none of which these answers need: they are nearly all a
    server ever answers (a tablet asks every 15 s, all day)."""
    if "at" in request.GET or request.method != "GET":
        return None
    display = displays.find_display(token)
    request.wall_display = display  # type: ignore[attr-defined]
    if display is None:
        return None  # the view's 404
    moment = household.now()
    if not polling.knows_day(display, moment):
        return None
    displays.note_seen(display, request)
    current = polling.version(display, moment)
    if request.GET.get("v") == current:
        return _nothing_changed()
    if (panel := polling.cached_panel(display, current, moment)) is not None:
        return _as_the_page(_no_store(_compressed(request, panel)))
    return None


@gzip_page
@require_GET
def wall_panel(request: HttpRequest, token: str) -> HttpResponse:
    """The polled region; 204 while the version the wall shows is still right."""
    # Without UnchangedPollMiddleware in front (a settings file of one's own),
    # the view asks the same question first.
    if not hasattr(request, "wall_display") and (answer := poll_from_memory(request, token)):
        return answer
    display = getattr(request, "wall_display", None) or _display_or_404(token)
    at, moment = moments.requested(request, fall_back=True)
    # A wall that fell back from a bad ?at= gets a whole panel: its new poll
    # URL has no ?at= at all.
    known = request.GET.get("v") if at == request.GET.get("at", "") else None
    if not at:
        displays.note_seen(display, request)
    loaded = view = None
    if not polling.knows_day(display, moment):  # load once, for the version and the answer
        loaded = polling.load(display, moment.date())
        view = loaded.day(moment.date(), moment)
    current = polling.version(display, moment, view, loaded)
    if known == current:
        return _nothing_changed()
    if not at and (panel := polling.cached_panel(display, current, moment)) is not None:
        return _no_store(_compressed(request, panel))
    response = _render_wall(request, display, moment, at, fragment=True, loaded=loaded)
    if not at:
        return _no_store(
            _compressed(request, polling.remember_panel(display, current, moment, response.content))
        )
    return response


ACCEPTS_GZIP = re.compile(r"\bgzip\b")


ACCEPTS_BR = re.compile(r"\bbr\b")


def _compressed(request: HttpRequest, panel: polling.Panel) -> HttpResponse:
    """A kept panel in the encoding the client takes, compressed once when it was kept."""
    accepted = request.headers.get("Accept-Encoding", "")
    if ACCEPTS_BR.search(accepted):
        response, encoding = HttpResponse(panel.br()), "br"
    elif ACCEPTS_GZIP.search(accepted):
        response, encoding = HttpResponse(panel.gzip), "gzip"
    else:
        return HttpResponse(panel.html())
    response["Content-Encoding"] = encoding
    patch_vary_headers(response, ("Accept-Encoding",))
    response["Content-Length"] = str(len(response.content))
    return response


def _refused_tick(request: HtmxRequest, display: Display) -> HttpResponse | None:
    """Why a chore or step tick is refused before its row is looked at, if it is:
    a wall that may not tick, or a form that says neither done=1 nor done=0."""
    if not display.may_complete_chores:
        return HttpResponseForbidden(_("This display may not tick chores or steps."))
    done = request.POST.get("done")
    if done not in {"0", "1"}:
        log.info("Refused a tick on %s: done=%r", request.path, done)
        return HttpResponseBadRequest(_("Say done=1 or done=0."))
    return None


def _after_tick(request: HtmxRequest, token: str, display: Display) -> HttpResponse:
    """The fresh panel for htmx (what the tap changed, at the moment the wall
    shows), or the wall's page for a plain form post."""
    if not request.htmx:
        return redirect(display.get_absolute_url())
    at, moment = moments.requested(request, fall_back=True)
    fresh = displays.find_display(token)
    return _render_wall(request, fresh or display, moment, at, fragment=True)


@gzip_page
@require_POST
def toggle_chore(request: HtmxRequest, token: str, chore_id: int, day: date) -> HttpResponse:
    """Mark a chore done or not done on a day; the form says which, so a double tap is safe."""
    display = _display_or_404(token)
    refused = _refused_tick(request, display)
    if refused is not None:
        return refused
    done = request.POST["done"]
    loaded = polling.load(display, day)
    shown = planner.chore_to_tick(loaded.household, day, chore_id, loaded.members)
    chore = Chore.objects.filter(pk=chore_id).first() if shown is not None else None
    if chore is None:
        raise Http404("This chore is not on this wall that day.")
    try:
        ticks.tick_chore(chore, day, done == "1", display)
    except IntegrityError:  # the chore was deleted by a parent in the same instant
        raise Http404("This chore is not on this wall that day.") from None
    return _after_tick(request, token, display)


class _NotOnTheWall(Exception):
    pass


def _who_ticks(display: Display, step_id: int, day: date, said: str | None) -> int:
    """The member whose routine on this wall that day has the step: the one the form
    names, or the only one. ValueError for a malformed or missing name when several
    children have the step; _NotOnTheWall when nobody on this wall has it."""
    loaded = polling.load(display, day)
    holders = planner.step_holders(loaded.household, day, step_id, loaded.members)
    if not holders:
        raise _NotOnTheWall
    if said is None and len(holders) == 1:
        return holders[0]
    if said is None or not said.isascii() or not said.isdigit() or len(said) > 19:
        raise ValueError(said)
    if int(said) not in holders:
        raise _NotOnTheWall
    return int(said)


@gzip_page
@require_POST
def tick_step(request: HtmxRequest, token: str, step_id: int, day: date) -> HttpResponse:
    """Mark a step of a child's routine done or not done on the day its block is for.

    The form says done=1 or done=0 (so a double tap is safe) and, when several
    children's routines have the step, member=<id>.
    """
    display = _display_or_404(token)
    refused = _refused_tick(request, display)
    if refused is not None:
        return refused
    done = request.POST["done"]
    try:
        member_id = _who_ticks(display, step_id, day, request.POST.get("member"))
    except ValueError:
        log.info("Refused a step tick on %s: member=%r", request.path, request.POST.get("member"))
        return HttpResponseBadRequest(_("Say whose step it is: member=<id>."))
    except _NotOnTheWall:
        raise Http404("This step is not on this wall that day.") from None
    step = RoutineStep.objects.select_related("routine").filter(pk=step_id).first()
    member = Member.objects.filter(pk=member_id).first()
    if step is None or member is None:
        raise Http404("This step is not on this wall that day.")
    try:
        ticks.tick_step(step, member, day, done == "1", display)
    except IntegrityError:  # the step or the child was deleted by a parent in the same instant
        raise Http404("This step is not on this wall that day.") from None
    return _after_tick(request, token, display)


THING = re.compile(r"rain|item-[0-9]{1,19}")


def _bag_things(display: Display, member_id: int, day: date) -> frozenset[str]:
    """The keys of the things in a child's bag on this wall that morning (none
    if the child is not on it): what a tap may pack, as the wall shows it."""
    loaded = polling.load(display, day)
    if loaded.tonight is None or (loaded.members is not None and member_id not in loaded.members):
        return frozenset()
    moment = planner.at(day, datetime.min.time(), household.zone())
    bags = tonight_from(loaded.tonight, moment, None, loaded.household).bags
    return frozenset(
        BagPacked.key(thing.item_id) for bag in bags if bag.member_id == member_id
        for thing in bag.things
    )  # fmt: skip


@gzip_page
@require_POST
def pack_bag(request: HtmxRequest, token: str, member_id: int, day: date) -> HttpResponse:
    """Put a thing in a child's bag, or take it out, on the morning it is for.

    The form says done=1 or done=0 (a double tap is safe) and thing=item-<id>
    or thing=rain, one of the things the wall shows in that child's bag.
    """
    display = _display_or_404(token)
    refused = _refused_tick(request, display)
    if refused is not None:
        return refused
    thing = request.POST.get("thing", "")
    if not THING.fullmatch(thing):
        return HttpResponseBadRequest(_("Say which thing: thing=item-<id> or thing=rain."))
    member = Member.objects.filter(pk=member_id).first()
    if member is None or thing not in _bag_things(display, member_id, day):
        raise Http404("This thing is not in a bag on this wall that day.")
    try:
        ticks.pack(member, day, thing, request.POST["done"] == "1", display)
    except IntegrityError:  # the child was deleted by a parent in the same instant
        raise Http404("This thing is not in a bag on this wall that day.") from None
    return _after_tick(request, token, display)


@gzip_page
@require_POST
def dismiss_announcement(request: HtmxRequest, token: str, announcement_id: int) -> HttpResponse:
    """Put an announcement away on this wall (any wall may: it only hides a message),
    recorded so that the next poll does not bring it back here; the other walls
    still show it until it ends."""
    display = _display_or_404(token)
    said = Announcement.objects.filter(pk=announcement_id).first()
    if said is None or (
        said.displays.exists() and not said.displays.filter(pk=display.pk).exists()
    ):
        raise Http404("This announcement is not on this wall.")
    try:
        announcements.dismiss(said, display)
    except IntegrityError:  # deleted by a parent in the same instant
        raise Http404("This announcement is not on this wall.") from None
    return _after_tick(request, token, display)


def _percent(said: str | None) -> int | None:
    if said is None or not said.isascii() or not said.isdigit() or len(said) > 3:
        return None
    return int(said) if 0 <= int(said) <= 100 else None


@require_POST
def report_battery(request: HttpRequest, token: str) -> HttpResponse:
    """Fully Kiosk Browser's battery, sent by the wall's script beside its polls:
    level=0..100 and charging=0/1. A 204; the webhook, if a threshold was
    crossed, is the worker's to call."""
    display = _display_or_404(token)
    level, charging = _percent(request.POST.get("level")), request.POST.get("charging")
    if level is None or charging not in {"0", "1"}:
        log.info("Refused a battery report on %s: %.200r", request.path, dict(request.POST))
        return HttpResponseBadRequest(_("Say level=0 to 100 and charging=0 or 1."))
    battery.note_battery(display, level, charging == "1")
    return _no_store(HttpResponse(status=204))


@require_GET
def now_json(request: HttpRequest, token: str) -> HttpResponse:
    display = _display_or_404(token)
    try:
        _at, moment = moments.requested(request)
    except ValueError:
        return JsonResponse({"error": "Give the moment as ?at=YYYY-MM-DDTHH:MM."}, status=400)
    loaded = polling.load(display, moment.date())
    view = loaded.day(moment.date(), moment)
    summary = serialise.day_json(
        view,
        loaded.household.members,
        stars=display.show_stars,
        display=display.name,
        version=polling.version(display, moment, view, loaded),
    )
    response = JsonResponse(summary, json_dumps_params={"ensure_ascii": False})
    patch_cache_control(response, no_store=True)
    return response
