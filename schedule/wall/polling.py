"""The poll: the version of what a wall shows, and what each process keeps to answer it.

The version is "revision.date.k", k being how many of the day's changes
(planner.changes: a block starts or ends, the night starts or ends, the
evening comes, an announcement starts or ends, the night screen's wake-up)
have passed. Everything else the wall shows changes only with the data (the
revision: an announcement made or dismissed moves it too) or the date, and
the ticking script moves the clock, the countdown and the highlight in
between. The changes of a day are kept per process, so an unchanged poll
loads nothing; a panel rendered for a version is kept for the minute, for the
next tablet that asks.
"""

from __future__ import annotations

import bisect
import functools
import gzip
import hashlib
import threading
from collections import OrderedDict
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

import brotli
from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.utils.text import compress_string

from schedule import planner
from schedule.common import household
from schedule.day.loading import load_household, load_planned, with_ticks
from schedule.family.models import Display
from schedule.tonight.selectors import TonightData, change_times, load_tonight

ASSETS = (
    "kiosk/kiosk.css",
    "kiosk/chime.wav",
    "kiosk/kiosk.js",
    "kiosk/watchdog.js",
    "kiosk/domparser.js",
    "vendor/htmx-1.9.12.es5.js",
    "icons/sprite.svg",
)


type Row = tuple[Any, ...]


@dataclass(frozen=True)
class Loaded:
    """One display's data for a day: enough for today's and tomorrow's views."""

    household: planner.Household
    members: frozenset[int] | None
    wall: int | None = None  # the display's id: its announcements, not another wall's
    # Tonight and tomorrow's rows and reports (dinner, weather, bags...): they
    # change with the plans' revision (their models are Shown.PLANS), so they
    # are kept beside the plans, and a tick reads none of them again.
    tonight: TonightData | None = None
    # The last views asked for: a render asks for the same one twice (for the
    # version and for the wall).
    views: dict[tuple[date, datetime], planner.DayView] = field(
        default_factory=dict, init=False, compare=False, repr=False
    )

    def day(self, day: date, moment: datetime) -> planner.DayView:
        key = (day, moment)
        view = self.views.get(key)
        if view is None:
            if len(self.views) >= 4:
                self.views.clear()
            view = self.views[key] = planner.day_view(
                self.household, day, moment, self.members, self.wall
            )
        return view


# The last few loads, by (display, revision, day): a wall that changes because
# time passed (a block ends, the evening comes) shows the same data, so its
# render needs no query beyond the display's. Every save the walls show bumps
# the revision, which leaves these behind.
_loads: dict[tuple[int, int, date, str], Loaded] = {}
_LOADS_KEPT = 4


# What the family planned (and whose of it a display shows), by (display, plans
# revision, day): after a tick only the ticks are read again
# (loading.with_ticks()), not every plan, block and chore. A Planned, never a
# Household: nothing ticked can be kept here.
_planned: dict[
    tuple[int, int, date, str], tuple[planner.Planned, frozenset[int] | None, TonightData]
] = {}


def load(display: Display, day: date) -> Loaded:
    """A fixed number of queries, whatever the size of the family's plans."""
    revision = getattr(display, "revision", None)
    plans = getattr(display, "plans_revision", None)
    zone = household.zone()
    if revision is None or plans is None:  # a display not found by find_display()
        ids = frozenset(display.members.values_list("pk", flat=True))
        return Loaded(load_household(day, zone), ids or None, display.pk, load_tonight(day, zone))
    key = (display.pk, revision, day, zone.key)
    if (kept := _loads.get(key)) is not None:
        return kept
    plans_key = (display.pk, plans, day, zone.key)
    found = _planned.get(plans_key)
    if found is None:
        ids = frozenset(member for (member,) in _shown_members(display.pk))
        planned = load_planned(day, zone)
        found = _keep(_planned, plans_key, (planned, ids or None, load_tonight(day, zone)))
    planned, members, tonight = found
    return _keep(_loads, key, Loaded(with_ticks(planned, day), members, display.pk, tonight))


# Whose blocks and chores a display shows (none: the whole family's), read with
# the rest of the plans after an edit.
def _shown_members(display_id: int) -> list[Row]:
    return list(
        Display.members.through.objects.filter(display_id=display_id).values_list("member_id")
    )


def _keep[T](
    kept: dict[tuple[int, int, date, str], T], key: tuple[int, int, date, str], value: T
) -> T:
    with _times_lock:
        if len(kept) >= _LOADS_KEPT:
            kept.clear()
        kept[key] = value
    return value


def nights(display: Display, day: date, loaded: Loaded) -> tuple[planner.Span, ...]:
    """The display's night hours that touch `day`; on an OK-to-wake wall, each held
    until the morning's wake-up and the awake picture after it."""
    spans = planner.nights(display.night_start, display.night_end, day, household.zone())
    if display.ok_to_wake:
        spans = planner.until_awake(loaded.household, spans, loaded.members)
    return spans


_times: dict[tuple[int, int, date], tuple[datetime, ...]] = {}
_times_lock = threading.Lock()
_TIMES_KEPT = 256


def _remember(key: tuple[int, int, date], times: tuple[datetime, ...]) -> None:
    with _times_lock:
        if len(_times) >= _TIMES_KEPT:
            _times.clear()  # old revisions and days; rebuilt on the next poll
        _times[key] = times


def forget_times() -> None:
    """Drop the per-process boundaries and panels (tests; a restored database)."""
    global _panel_bytes
    with _times_lock:
        _times.clear()
        _loads.clear()
        _planned.clear()
        _panels.clear()
        _panel_bytes = 0


class Panel:
    """A rendered panel as it is sent: gzipped (what tablets ask for over plain
    http), and brotli for a browser on https, made the first time one asks."""

    def __init__(self, html: bytes) -> None:
        self.gzip = compress_string(html)
        self._br: bytes | None = None

    @property
    def size(self) -> int:
        return len(self.gzip) + len(self._br or b"")

    def br(self) -> bytes:
        if self._br is None:
            # Quality 5: most of brotli's gain at a few milliseconds per panel.
            br = brotli.compress(gzip.decompress(self.gzip), quality=5)
            with _times_lock:
                if self._br is None:
                    self._br = br
                    if any(kept is self for kept in _panels.values()):
                        _account(len(br))
        return self._br

    def html(self) -> bytes:
        return gzip.decompress(self.gzip)


# Rendered panels by (display, version, minute), oldest first. A changed poll
# usually asks for what another poll (a second tablet, a reconnect) was just
# given; the version holds everything that changes the panel except the
# countdowns, and the minute bounds those to what the ticking script corrects
# on arrival. Kept compressed, so a hit costs no compression, and bounded by
# their bytes (WALL_PANEL_CACHE_KB), not their number: one big family's panel
# weighs as much as a hundred small ones.
_panels: OrderedDict[tuple[int, str, str], Panel] = OrderedDict()
_panel_bytes = 0


def _account(grown: int) -> None:
    global _panel_bytes
    _panel_bytes += grown
    limit = settings.WALL_PANEL_CACHE_KB * 1024
    while _panel_bytes > limit and _panels:
        _key, oldest = _panels.popitem(last=False)
        _panel_bytes -= oldest.size


def cached_panel(display: Display, current: str, moment: datetime) -> Panel | None:
    return _panels.get((display.pk, current, f"{moment:%H%M}"))


def remember_panel(display: Display, current: str, moment: datetime, content: bytes) -> Panel:
    panel = Panel(content)
    key = (display.pk, current, f"{moment:%H%M}")
    with _times_lock:
        if (old := _panels.pop(key, None)) is not None:
            _account(-old.size)
        if panel.size <= settings.WALL_PANEL_CACHE_KB * 1024:
            _panels[key] = panel
            _account(panel.size)
    return panel


def panel_bytes() -> int:
    """What the kept panels weigh, compressed (the cache's bound applies to this)."""
    return _panel_bytes


def knows_day(display: Display, moment: datetime) -> bool:
    """Has this process the boundaries of this display's day at this revision?"""
    return (display.pk, display.revision, moment.date()) in _times


def version(
    display: Display,
    moment: datetime,
    view: planner.DayView | None = None,
    loaded: Loaded | None = None,
) -> str:
    """What the wall shows at `moment`, as a short string that changes when it changes.

    Needs `display.revision` (see display.find_display()). Loads the day only when this
    process has not seen this display, revision and date yet, or uses `view` and `loaded`.
    Tonight's part of the wall changes at moments of its own too (dinner is
    over, the bags turn to tomorrow's, a storm rule decides): counted with the
    planner's.
    """
    day = moment.date()
    key = (display.pk, display.revision, day)
    times = _times.get(key)
    if times is None:
        loaded = loaded or load(display, day)
        if view is None or view.date != day:
            view = loaded.day(day, moment)
        # The awake picture comes at the wake-up: a change of the night screen's.
        wake = planner.wake_up(loaded.household, day, loaded.members)
        times = planner.changes(view, nights(display, day, loaded), wake)
        if loaded.tonight is not None and loaded.tonight.day == day:
            times = tuple(sorted(set(times) | set(change_times(loaded.tonight, view))))
        _remember(key, times)
    passed = bisect.bisect_right(times, moment)
    return f"{display.revision}.{day:%Y%m%d}.{passed}"


@functools.cache
def asset_version() -> str:
    """Changes when the wall's script, style, icons or template change (an upgrade)."""
    digest = hashlib.sha256()
    for name in ASSETS:
        digest.update(staticfiles_storage.url(name).encode())
        found = finders.find(name)
        if isinstance(found, str):
            digest.update(Path(found).read_bytes())
    templates = Path(settings.BASE_DIR) / "templates" / "schedule"
    for template in [templates / "kiosk.html", *sorted((templates / "wall").glob("*.html"))]:
        if template.exists():
            digest.update(template.read_bytes())
    return digest.hexdigest()[:12]
