"""The day as a line: which stretch it draws, and where an instant sits on it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from schedule import planner
from schedule.wall.texts import ms

if TYPE_CHECKING:
    pass


# The timeline draws an hour before now and four after at a readable scale;
# the rest of the day is squeezed into its ends (kiosk.js moves the window).
TIMELINE_BEFORE = timedelta(hours=1)


TIMELINE_AFTER = timedelta(hours=4)


TIMELINE_EDGE = 10.0  # percent of the width for each squeezed end


@dataclass(frozen=True)
class Tick:
    left: float
    label: str
    at: int = 0  # ms, for the script to place it as the window moves


def day_window(view: planner.DayView) -> tuple[datetime, datetime] | None:
    """The stretch of the day the timeline draws: today's own blocks, plus an
    hour of the one that runs into the night."""
    own = [b for b in view.blocks if not b.from_yesterday]
    if not own:
        return None
    start = min(b.start for b in own)
    ends = [b.end for b in own if b.end.date() == view.date]
    ends += [b.start + timedelta(hours=1) for b in own if b.end.date() != view.date]
    end = max(ends)
    if end <= start:
        end = start + timedelta(hours=1)
    return start, end


class Timeline:
    """Where an instant sits on the timeline, in percent of its width, at a moment.

    An hour before the moment and four after take the middle (80 %) at one
    scale; whatever of the day lies before or after that is squeezed into 10 %
    at each end, so the evening routine is readable while it comes, and a
    four-hour workday does not crowd out ten-minute blocks. kiosk.js draws the
    same with `place()` as time passes.
    """

    def __init__(self, window: tuple[datetime, datetime], moment: datetime) -> None:
        self.first, self.last = (t.timestamp() for t in window)
        now = moment.timestamp()
        self.lo = max(self.first, min(now - TIMELINE_BEFORE.total_seconds(), self.last))
        self.hi = min(self.last, max(now + TIMELINE_AFTER.total_seconds(), self.first))
        self.left = TIMELINE_EDGE if self.lo > self.first else 0.0
        self.right = 100 - TIMELINE_EDGE if self.hi < self.last else 100.0

    def place(self, instant: float) -> float:
        t = min(max(instant, self.first), self.last)
        if t <= self.lo:
            return self._scale(t, self.first, self.lo, 0.0, self.left)
        if t <= self.hi:
            return self._scale(t, self.lo, self.hi, self.left, self.right)
        return self._scale(t, self.hi, self.last, self.right, 100.0)

    @staticmethod
    def _scale(t: float, a: float, b: float, x: float, y: float) -> float:
        return x if b <= a else x + (t - a) / (b - a) * (y - x)


def now_left(window: tuple[datetime, datetime] | None, moment: datetime) -> float:
    if window is None:
        return 0.0
    return round(Timeline(window, moment).place(moment.timestamp()), 3)


def hour_ticks(window: tuple[datetime, datetime] | None, moment: datetime) -> tuple[Tick, ...]:
    """Every whole hour of the day: the script shows those in the readable window."""
    if window is None:
        return ()
    line = Timeline(window, moment)
    start, end = window
    hour = start.replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
    out = []
    while hour < end:
        instant = hour.timestamp()
        out.append(Tick(round(line.place(instant), 2), str(hour.hour), ms(hour)))
        hour += timedelta(hours=1)
    return tuple(out)
