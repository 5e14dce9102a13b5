"""Nights and their mornings, every instant the wall changes, and where one
plan's night meets the next day's plan."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from schedule.common.recurrence import HolidayCalendar
from schedule.planner.away import away_on
from schedule.planner.blocks import Span, at, plan_for
from schedule.planner.chores import _remembered
from schedule.planner.data import DUE_SOON, MORNING_BLOCKS, Household, PlanData
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


def changes(
    view: DayView, spans: tuple[Span, ...], wake: datetime | None = None
) -> tuple[datetime, ...]:
    """Every instant of the day at which the wall would be drawn differently:
    a block starts or ends, the night starts or ends, the evening comes, a
    chore comes due soon or its deadline passes, an announcement starts or
    ends, the night screen's child may get up (`wake`)."""
    instants = set(view.boundaries) | {view.evening}
    # A chore comes into sight an hour before it is due, and leaves at its deadline.
    for due in [c.due for c in view.chores] + [m.due for m in view.moved_away]:
        if due is not None:
            instants |= {due - DUE_SOON, due}
    for start, end in spans:
        instants |= {start, end}
    for said in view.announcements:
        instants |= {said.start, said.end}
    if wake is not None:
        instants.add(wake)
    return tuple(sorted(instants))


# OK-to-wake: after the wake-up, the night screen shows the awake picture this
# long before the day's screen comes back (on a wall whose night holds until then).
AWAKE_FOR = timedelta(minutes=30)


# A wake-up after this is not a morning's: the night does not wait for it.
LATEST_WAKE = time(12, 0)


def wake_up(
    household: Household, day: date, members: frozenset[int] | None = None
) -> datetime | None:
    """When the night screen's children may get up on `day` (OK-to-wake).

    Each member's own wake time if a parent gave one, else the start of their
    first block in the day's plan (theirs or the whole family's): weekday
    06:30, day off 07:00 in the demo. A wall's wake-up is the latest of its
    members' (everyone's, for a wall of the whole family), so the awake
    picture never tells a child to get up before their time. Members away
    that day do not count. None: nobody has a block or a time that day.
    """
    plan = plan_for(household, day)
    gone = away_on(household, day)
    shown = [
        m for m in household.members if (members is None or m.id in members) and m.id not in gone
    ]
    times = []
    for member in shown:
        if member.wake_at is not None:
            times.append(member.wake_at)
        elif plan is not None:
            starts = [b.start for b in plan.blocks if not b.member_ids or member.id in b.member_ids]
            times += [min(starts)] if starts else []
    if not household.members and plan is not None and plan.blocks:
        times.append(min(b.start for b in plan.blocks))
    return at(day, max(times), household.tz) if times else None


def wake_for(
    household: Household,
    moment: datetime,
    spans: tuple[Span, ...],
    members: frozenset[int] | None = None,
) -> datetime | None:
    """The wake-up of the morning after the night the wall is in, or is heading for."""
    for _start, end in spans:
        if moment < end:
            return wake_up(household, end.date(), members)
    return None


def until_awake(
    household: Household, spans: tuple[Span, ...], members: frozenset[int] | None = None
) -> tuple[Span, ...]:
    """A wall's nights held until AWAKE_FOR after the morning's wake-up (OK-to-wake):
    a child who wakes at 05:50 sees the sleeping picture until 06:30, then the
    awake one. A night that ends later already is left as it is."""
    held = []
    for start, end in spans:
        wake = wake_up(household, end.date(), members)
        if wake is not None and start < wake and wake.time() <= LATEST_WAKE:
            end = max(end, wake + AWAKE_FOR)
        held.append((start, end))
    return tuple(held)


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
