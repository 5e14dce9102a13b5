"""The poll: the version of what a wall shows, and what each process keeps to answer it.

The version is "revision.date.k", k being how many of the day's changes
(planner.changes: a block starts or ends, the night starts or ends, the
evening comes) have passed. Everything else the wall shows changes only with
the data (the revision) or the date, and the ticking script moves the clock,
the countdown and the highlight in between. The changes of a day are kept
per process, so an unchanged poll loads nothing; a panel rendered for a
version is kept for the minute, for the next tablet that asks.
"""

from __future__ import annotations

import bisect
import functools
import hashlib
import threading
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage

from .. import household, planner
from ..loading import load_household
from ..models import Display

ASSETS = ("kiosk/kiosk.css", "kiosk/kiosk.js", "vendor/htmx-1.9.12.es5.js", "icons/sprite.svg")


@dataclass(frozen=True)
class Loaded:
    """One display's data for a day: enough for today's and tomorrow's views."""

    household: planner.Household
    members: frozenset[int] | None

    def day(self, day: date, moment: datetime) -> planner.DayView:
        return planner.day_view(self.household, day, moment, self.members)


def load(display: Display, day: date) -> Loaded:
    """A fixed number of queries, whatever the size of the family's plans."""
    ids = frozenset(display.members.values_list("pk", flat=True))
    return Loaded(load_household(day, household.zone()), ids or None)


def nights(display: Display, day: date) -> tuple[planner.Span, ...]:
    return planner.nights(display.night_start, display.night_end, day, household.zone())


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
    with _times_lock:
        _times.clear()
        _panels.clear()


# Rendered panels by (display, version, minute). A changed poll usually asks
# for what another poll (a second tablet, a reconnect) was just given; the
# version holds everything that changes the panel except the countdowns, and
# the minute bounds those to what the ticking script corrects on arrival.
_panels: dict[tuple[int, str, str], bytes] = {}
_PANELS_KEPT = 32


def cached_panel(display: Display, current: str, moment: datetime) -> bytes | None:
    return _panels.get((display.pk, current, f"{moment:%H%M}"))


def remember_panel(display: Display, current: str, moment: datetime, content: bytes) -> None:
    with _times_lock:
        if len(_panels) >= _PANELS_KEPT:
            _panels.clear()
        _panels[(display.pk, current, f"{moment:%H%M}")] = content


def knows_day(display: Display, moment: datetime) -> bool:
    """Has this process the boundaries of this display's day at this revision?"""
    return (display.pk, display.revision, moment.date()) in _times


def version(display: Display, moment: datetime, view: planner.DayView | None = None) -> str:
    """What the wall shows at `moment`, as a short string that changes when it changes.

    Needs `display.revision` (see display.find_display()). Loads the day only when this
    process has not seen this display, revision and date yet, or uses `view`.
    """
    day = moment.date()
    key = (display.pk, display.revision, day)
    times = _times.get(key)
    if times is None:
        if view is None or view.date != day:
            view = load(display, day).day(day, moment)
        times = planner.changes(view, nights(display, day))
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
    template = Path(settings.BASE_DIR) / "templates" / "schedule" / "kiosk.html"
    if template.exists():
        digest.update(template.read_bytes())
    return digest.hexdigest()[:12]
