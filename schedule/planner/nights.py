"""Nights and their mornings, every instant the wall changes, and where one
plan's night meets the next day's plan."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from schedule.common.recurrence import HolidayCalendar
from schedule.planner.blocks import Span, at
from schedule.planner.chores import _remembered
from schedule.planner.data import MORNING_BLOCKS, Household, PlanData
from schedule.planner.day import day_view
from schedule.planner.shown import BlockView, ChoreView, DayView, to_get_ready


def nights(start: time | None, end: time | None, day: date, tz: ZoneInfo) -> tuple[Span, ...]:
    """A display's night hours (start–end on the wall clock) that touch `day`."""
    if start is None or end is None or start == end:
        return ()
    before, after = day - timedelta(days=1), day + timedelta(days=1)
    if start > end:  # 21:30–06:00: last night's end and tonight
        return ((at(before, start, tz), at(day, end, tz)), (at(day, start, tz), at(after, end, tz)))
    return ((at(day, start, tz), at(day, end, tz)),)


def is_night(spans: tuple[Span, ...], moment: datetime) -> bool:
    return any(start <= moment < end for start, end in spans)


@dataclass(frozen=True)
class Morning:
    """What the night screen shows: the first blocks and the chores of the coming morning."""

    blocks: tuple[BlockView, ...]
    chores: tuple[ChoreView, ...]


def morning_after(
    household: Household,
    moment: datetime,
    spans: tuple[Span, ...],
    members: frozenset[int] | None = None,
) -> Morning | None:
    """The morning after the night the wall is in, or is heading for, at `moment`."""
    for _start, end in spans:
        if moment < end:
            work = functools.partial(_morning, household, end, members)
            return _remembered(household.memo, ("morning", end, members), work)
    return None


def _morning(household: Household, end: datetime, members: frozenset[int] | None) -> Morning:
    """The morning at the night's `end`: the same whatever the moment before it."""
    view = day_view(household, end.date(), end, members)
    first = tuple(b for b in view.blocks if not b.from_yesterday)
    return Morning(first[:MORNING_BLOCKS], to_get_ready(view.chores, household.tz))


def changes(view: DayView, spans: tuple[Span, ...]) -> tuple[datetime, ...]:
    """Every instant of the day at which the wall would be drawn differently:
    a block starts or ends, the night starts or ends, the evening comes."""
    instants = set(view.boundaries) | {view.evening}
    for start, end in spans:
        instants |= {start, end}
    return tuple(sorted(instants))


@dataclass(frozen=True)
class Seam:
    """What happens at the morning after a day of `before` when `after` follows.

    "gap": nothing is on from `start` to `end` (the wall shows free time);
    "cut": the night block runs past `start`, the next plan's first block, and
    is cut there (the wall shows the next block from `start`; `end` is where the
    night would have ended).
    """

    kind: str
    start: time
    end: time


def may_follow(before: PlanData, after: PlanData) -> bool:
    """Can a day of `after` come right after a day of `before`?"""
    if before.on_holidays or after.on_holidays:
        return True
    return any((day + 1) % 7 in after.weekdays for day in before.weekdays)


def midnight_seams(
    before: PlanData, after: PlanData, tz: ZoneInfo, calendar: HolidayCalendar
) -> list[Seam]:
    """The gaps and cuts of the morning after a day of `before` followed by one of `after`."""
    first, second = date(2001, 1, 1), date(2001, 1, 2)  # any two days: the plans are forced
    family = Household.of(
        tz=tz,
        calendar=calendar,
        plans=(before, after) if before.id != after.id else (before,),
        overrides={first: before.id, second: after.id},
    )
    view = day_view(family, second, at(second, time(0), tz))
    morning = [b for b in view.blocks if not b.from_yesterday]
    seams = []
    for carried in (b for b in view.blocks if b.from_yesterday):
        planned = at(second, carried.block.end, tz)
        if carried.end < planned:
            seams.append(Seam("cut", carried.end.time(), planned.time()))
    for free in (b for b in morning if b.free):
        if any(c.from_yesterday and c.end == free.start for c in view.blocks):
            seams.append(Seam("gap", free.start.time(), free.end.time()))
    return seams
