"""A caregiver's page: the day of the link's children, who to pick up when, the
parents' emergency notes; phone-sized and read-only.

The link's token opens this page and nothing else: it is not a wall's token
(no panel, no now.json, no tick), not a feed's, and no address of the admin
is on the page. Outside its start and end the page shows nothing of the
family: before, when it opens; after (or revoked), that it has ended (410).
Within them, only what overlaps the link's own hours.

Each part of the page is a section (models.Section): SECTIONS says how each is
built from the day, and templates/caregivers/sections/<name>.html draws it.
What to bring (持ち物) joins them once the "tonight & tomorrow" feature knows
the bags: a Section choice, a builder here, a template.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import translation
from django.utils.cache import patch_cache_control
from django.views.decorators.http import require_GET

from schedule import planner
from schedule.calendars.selectors import guess_lang
from schedule.caregivers.models import CaregiverLink, LinkState, Section
from schedule.common import household
from schedule.common.icons import is_icon
from schedule.day.loading import load_household
from schedule.family.models import DisplayLanguage
from schedule.wall.texts import Text, formatted_date, hh_mm, texts

# A child's block that ends with a pick-up: school, daycare, a lesson (its picture says which).
PICKUP_ICONS = frozenset({"school", "swimming", "piano", "music", "ball", "drawing"})


@dataclass(frozen=True)
class Line:
    """A block of the day on the caregiver's phone."""

    start: str
    end: str
    titles: tuple[Text, ...]
    icon: str
    who: tuple[tuple[Text, ...], ...]
    current: bool
    past: bool


@dataclass(frozen=True)
class Pickup:
    at: str
    who: tuple[tuple[Text, ...], ...]
    where: tuple[Text, ...]
    icon: str
    past: bool


@dataclass(frozen=True)
class Page:
    """What the page's sections are built from."""

    link: CaregiverLink
    view: planner.DayView
    mode: str
    start: datetime  # the part of the day the link covers
    end: datetime


def _names(members: tuple[planner.MemberData, ...], mode: str) -> tuple[tuple[Text, ...], ...]:
    return tuple(texts(m.name_ja, m.name_en, mode) for m in members)


def _in_link(page: Page, block: planner.BlockView) -> bool:
    return not block.free and block.end > page.start and block.start < page.end


def _day(page: Page) -> dict[str, Any]:
    lines = [
        Line(
            start=hh_mm(b.start),
            end=hh_mm(b.end),
            titles=texts(b.block.title_ja, b.block.title_en, page.mode),
            icon=b.block.icon if is_icon(b.block.icon) else "",
            who=_names(b.members, page.mode),
            current=b.current,
            past=b.past,
        )
        for b in page.view.blocks
        if _in_link(page, b)
    ]
    away = [
        (texts(a.member.name_ja, a.member.name_en, page.mode), a.back_on) for a in page.view.away
    ]
    return {"lines": lines, "away": away}


def _pickups(page: Page) -> dict[str, Any]:
    found = [
        Pickup(
            at=hh_mm(b.end),
            who=_names(b.members, page.mode),
            where=texts(b.block.title_ja, b.block.title_en, page.mode),
            icon=b.block.icon,  # one of PICKUP_ICONS
            past=b.end <= page.view.moment,
        )
        for b in page.view.blocks
        if b.block.icon in PICKUP_ICONS
        and b.members
        and not b.from_yesterday
        and page.start <= b.end <= page.end
    ]
    return {"pickups": sorted(found, key=lambda p: p.at.zfill(5))}


def _notes(page: Page) -> dict[str, Any]:
    # Typed by a parent in either language: marked as the one it is written in.
    return {"notes": page.link.notes, "lang": guess_lang(page.link.notes)}


SECTIONS: dict[str, Callable[[Page], dict[str, Any]]] = {
    Section.DAY: _day,
    Section.PICKUPS: _pickups,
    Section.NOTES: _notes,
}


def _answer(request: HttpRequest, template: str, context: dict, status: int = 200) -> HttpResponse:
    response = render(request, template, context, status=status)
    # A shared phone's back button, a proxy, a search engine: none may keep the day.
    patch_cache_control(response, no_store=True, private=True)
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@require_GET
def caregiver_page(request: HttpRequest, token: str) -> HttpResponse:
    """The link's day at this moment; no ?at=, so the page can show no other day."""
    link = CaregiverLink.find(token)
    if link is None:
        raise Http404("No such link.")
    now = household.now()
    lang = "en" if link.language == DisplayLanguage.EN else "ja"
    with translation.override(lang):
        state = link.state(now)
        context: dict[str, Any] = {
            "lang": lang,
            "link_name": link.name,
            "name_lang": guess_lang(link.name),
        }
        if state in (LinkState.ENDED, LinkState.REVOKED):
            return _answer(request, "caregivers/ended.html", context, status=410)
        if state == LinkState.NOT_YET:
            starts = link.starts_at.astimezone(household.zone())
            context["opens"] = formatted_date(starts.date(), link.language)
            context["opens_at"] = hh_mm(starts)
            return _answer(request, "caregivers/not_yet.html", context, status=403)
        link.note_used(now)
        return _answer(request, "caregivers/page.html", {**context, **_built(link, now)})


def _built(link: CaregiverLink, now: datetime) -> dict[str, Any]:
    tz = household.zone()
    day = now.date()
    members = frozenset(link.members.values_list("pk", flat=True)) or None
    family = load_household(day, tz)
    view = planner.day_view(family, day, now, members)
    midnight = planner.at(day, time(0), tz)
    page = Page(
        link=link,
        view=view,
        mode=link.language,
        start=max(link.starts_at.astimezone(tz), midnight),
        end=min(link.ends_at.astimezone(tz), planner.at(day + timedelta(days=1), time(0), tz)),
    )
    shown = [key for key in Section.values if link.shows(key) and key in SECTIONS]
    return {
        "dates": formatted_date(day, link.language),
        "clock": hh_mm(now),
        "until": hh_mm(link.ends_at.astimezone(tz)),
        "until_date": formatted_date(link.ends_at.astimezone(tz).date(), link.language),
        "sections": [(key, SECTIONS[key](page)) for key in shown],
        # Whose day it is (none: the whole family's), in the family's order.
        "whose": _names(
            tuple(m for m in family.members if members is not None and m.id in members),
            link.language,
        ),
    }
