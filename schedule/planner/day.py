"""The day at a moment (day_view): the blocks where they stand, the current and
next ones, their jobs and routines, each child's stars."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import date, datetime, time, timedelta

from schedule.planner.away import away_on
from schedule.planner.blocks import (
    Placed,
    Span,
    _free_stretches,
    _lanes,
    _placed_blocks,
    _placed_events,
    _progress,
    all_day_events,
    at,
    plan_for,
)
from schedule.planner.chores import _remembered, chores_on, moved_away, year_marks
from schedule.planner.data import (
    EVENING,
    HOW_MANY_NEXT,
    AnnouncementData,
    BlockData,
    EventData,
    Holiday,
    Household,
    MemberData,
    RoutineData,
)
from schedule.planner.shown import (
    AwayView,
    BlockView,
    ChoreView,
    DayView,
    RoutineView,
    StarView,
    StepView,
)

# A block's place in a day, whatever the moment and the ticks: (block, start,
# end, lane, people, from yesterday, event) as BlockView takes them, and its
# start and end as timestamps.
type _Placing = tuple[
    BlockData,
    datetime,
    datetime,
    int,
    tuple[MemberData, ...],
    bool,
    EventData | None,
    tuple[float, float],
]

# ...and with the jobs and routines the ticks say where they stand.
type _Standing = tuple[_Placing, tuple[ChoreView, ...], tuple[RoutineView, ...]]


def day_view(
    household: Household,
    day: date,
    moment: datetime,
    members: frozenset[int] | None = None,
    wall: int | None = None,
) -> DayView:
    """The wall for `day` as seen at `moment` (an aware datetime).

    `members` limits blocks and chores to those members (plus whole-family
    ones), as a Display that shows only the kids does; `wall` (a display's
    id) limits the announcements to that wall's, not dismissed on it.
    """
    if moment.tzinfo is None:
        raise ValueError("moment must be timezone-aware")
    chores = chores_on(household, day, members)
    standing = _remembered(
        household.memo, ("blocks", day, members), lambda: _standing(household, day, chores, members)
    )
    blocks = []
    now = moment.timestamp()
    for (block, start, end, lane, people, carried, event, span), jobs, routines in standing:
        progress, minutes_left = _progress(*span, now)
        blocks.append(
            BlockView(
                block=block,
                start=start,
                end=end,
                lane=lane,
                members=people,
                from_yesterday=carried,
                current=start <= moment < end,
                past=end <= moment,
                progress=progress,
                minutes_left=minutes_left,
                jobs=jobs,
                routines=routines,
                event=event,
            )
        )
    holiday = None
    if household.calendar.is_holiday(day):
        holiday = Holiday(
            household.calendar.name(day, "ja") or "", household.calendar.name(day, "en") or ""
        )
    gone = away_on(household, day)
    return DayView(
        date=day,
        moment=moment,
        plan=plan_for(household, day),
        holiday=holiday,
        blocks=tuple(blocks),
        lane_count=max((b.lane for b in blocks), default=-1) + 1,
        current=tuple(b for b in blocks if b.current),
        next_blocks=tuple(b for b in blocks if b.start > moment and not b.free)[:HOW_MANY_NEXT],
        chores=chores,
        tomorrow_chores=chores_on(household, day + timedelta(days=1), members),
        notes=tuple(n for n in household.notes if n.start <= day <= n.end),
        evening=at(day, EVENING, household.tz),
        # A child away from home is paused on the wall, their stars with them.
        stars=tuple(s for s in star_views(household, members) if s.member.id not in gone),
        all_day=all_day_events(household, day, members),
        closures=tuple(c for c in household.closures if c.span_around(day) is not None),
        moved_away=_remembered(
            household.planned.memo,
            ("moved away", day, members),
            lambda: moved_away(household, day, members),
        ),
        year_marks=year_marks(household, day, members),
        tomorrow_moved_away=_remembered(
            household.planned.memo,
            ("moved away", day + timedelta(days=1), members),
            lambda: moved_away(household, day + timedelta(days=1), members),
        ),
        away=_away(household, day, members),
        announcements=announcements_on(household, day, wall),
    )


def _away(household: Household, day: date, members: frozenset[int] | None) -> tuple[AwayView, ...]:
    gone = away_on(household, day)
    out = []
    for member in household.members:
        if member.id in gone and (members is None or member.id in members):
            theirs = tuple(a for a in household.away if a.member_id == member.id)
            back = day + timedelta(days=1)
            # Two times away may follow each other: back after the last of them.
            while any(a.covers(back) for a in theirs) and back < day + timedelta(days=400):
                back += timedelta(days=1)
            out.append(AwayView(member, back))
    return tuple(out)


def announcements_on(
    household: Household, day: date, wall: int | None = None
) -> tuple[AnnouncementData, ...]:
    """The announcements of `wall` (every one for None) that touch `day` and were not
    dismissed on it, newest first."""
    tz = household.tz
    first, after = at(day, time(0), tz), at(day + timedelta(days=1), time(0), tz)
    found = [
        a
        for a in household.announcements
        if a.start < after
        and a.end > first
        and a.on_wall(wall)
        and (wall is None or (a.id, wall) not in household.dismissed)
    ]
    return tuple(sorted(found, key=lambda a: (a.start, a.id), reverse=True))


def _standing(
    household: Household,
    day: date,
    chores: tuple[ChoreView, ...],
    members: frozenset[int] | None,
) -> tuple[_Standing, ...]:
    """The day's blocks as BlockView's fields whatever the moment, worked out
    once per household: a moment adds only where each block stands against it.
    Where they are and whose they are comes from the plans alone, and is kept
    for the next household of the same plans (a tap loads one)."""
    placed = _remembered(
        household.planned.memo, ("placed", day, members), lambda: _placing(household, day, members)
    )
    layout, _lanes = _remembered(
        household.planned.memo, ("layout", day, members), lambda: _layout(household, day, members)
    )
    # A block's jobs are the chores with its picture: looked up, not searched
    # for, since a big family's day has a thousand of each.
    by_icon: dict[str, list[ChoreView]] = {}
    for c in chores:
        by_icon.setdefault(c.chore.icon, []).append(c)
    standing = []
    for placing in placed:
        block, start, end, _lane, _people, carried, _event, _span = placing
        own_day = day - timedelta(days=1) if carried else day
        jobs = _jobs(block, start, end, by_icon)
        routines = _routines(household, block, (start, end), own_day, members, layout)
        standing.append((placing, jobs, routines))
    return tuple(standing)


def _placing(
    household: Household, day: date, members: frozenset[int] | None
) -> tuple[_Placing, ...]:
    """The day's blocks in place, with their people and events: the plans' part of _standing()."""
    placed, lanes = _remembered(
        household.planned.memo, ("layout", day, members), lambda: _layout(household, day, members)
    )
    events = {e.id: e for e in household.events}
    # What free time leads to: the first block starting as it ends (looked up,
    # not searched for: a big family's day has hundreds of gaps).
    starting: dict[datetime, BlockData] = {}
    for b, s, _e, _c in placed:
        if not b.free:
            starting.setdefault(s, b)
    out = []
    for (block, start, end, carried), lane in zip(placed, lanes, strict=True):
        if block.free:
            block = replace(block, leads_to=starting.get(end))
        out.append(
            (
                block,
                start,
                end,
                lane,
                tuple(m for m in (household.member(i) for i in block.member_ids) if m is not None),
                carried,
                events.get(block.event_id) if block.event_id is not None else None,
                (start.timestamp(), end.timestamp()),
            )
        )
    return tuple(out)


def _layout(
    household: Household, day: date, members: frozenset[int] | None
) -> tuple[list[Placed], list[int]]:
    """The day's blocks in place and in lanes, whatever the moment and the ticks."""
    placed = _placed_blocks(household, day, members)
    # Free time is the routine's gaps; a calendar's event sits beside it.
    placed = sorted(
        placed + _free_stretches(placed) + _placed_events(household, day, members),
        key=lambda item: (item[1], item[2], item[0].id),
    )
    return placed, _lanes([(start, end) for _, start, end, _ in placed])


def _jobs(
    block: BlockData, start: datetime, end: datetime, by_icon: Mapping[str, list[ChoreView]]
) -> tuple[ChoreView, ...]:
    if not block.icon or block.free:
        return ()
    return tuple(c for c in by_icon.get(block.icon, ()) if c.due is None or start <= c.due < end)


def _routines(
    household: Household,
    block: BlockData,
    span: Span,
    day: date,
    only: frozenset[int] | None,
    placed: list[Placed],
) -> tuple[RoutineView, ...]:
    views = []
    for member_id, routine_id in block.routines:
        if only is not None and member_id not in only:
            continue  # a display for the kids shows the kids' routines
        if block.member_ids and member_id not in block.member_ids:
            continue  # saved around validation: the member has left the block
        member = household.member(member_id)
        routine = household.routines.get(routine_id)
        if member is None or routine is None or not routine.steps:
            continue
        views.append(_routine_view(household, routine, member, day, span, placed))
    order = {m.id: n for n, m in enumerate(household.members)}
    return tuple(sorted(views, key=lambda view: order.get(view.member.id, 0)))


def _routine_view(
    household: Household,
    routine: RoutineData,
    member: MemberData,
    day: date,
    span: Span,
    placed: list[Placed],
) -> RoutineView:
    start, end = span
    done = [(step.id, member.id, day) in household.steps_done for step in routine.steps]
    first_open = done.index(False) if False in done else None
    steps = []
    elapsed: int | None = 0
    for index, (step, is_done) in enumerate(zip(routine.steps, done, strict=True)):
        elapsed = None if elapsed is None or step.minutes is None else elapsed + step.minutes
        until = start + timedelta(minutes=elapsed) if elapsed is not None else None
        steps.append(StepView(step, index + 1, is_done, index == first_open, until))
    then = next(
        (
            b
            for b, s, _e, _c in placed
            if not b.free and s >= end and (not b.member_ids or member.id in b.member_ids)
        ),
        None,
    )
    stars = household.stars
    earns = 0
    if stars is not None and member.collects_stars:
        earns = routine.stars if routine.stars is not None else stars.per_routine
    return RoutineView(
        routine=routine,
        member=member,
        day=day,
        steps=tuple(steps),
        current=steps[first_open] if first_open is not None else None,
        done_count=sum(done),
        finished=first_open is None,
        stars=earns,
        then=then,
    )


def routines_on(
    household: Household, day: date, only: frozenset[int] | None = None
) -> tuple[RoutineView, ...]:
    """Every routine of `day`'s own blocks (not a night carried from the day before)."""
    view = day_view(household, day, at(day, time(12), household.tz), only)
    return tuple(r for b in view.blocks if not b.from_yesterday for r in b.routines)


def step_holders(
    household: Household, day: date, step_id: int, only: frozenset[int] | None = None
) -> tuple[int, ...]:
    """The children whose routine on `day` (on this wall) has the step."""
    return tuple(
        routine.member.id
        for routine in routines_on(household, day, only)
        if any(step.step.id == step_id for step in routine.steps)
    )


def star_views(household: Household, only: frozenset[int] | None = None) -> tuple[StarView, ...]:
    stars = household.stars
    if stars is None:
        return ()
    views = []
    for member in household.members:
        if not member.collects_stars or (only is not None and member.id not in only):
            continue
        balance = stars.balances.get(member.id, 0)
        ready = tuple(r for r in stars.rewards if r.price <= balance)
        goal = next((r for r in stars.rewards if r.price > balance), None)
        if goal is None and stars.rewards:
            goal = stars.rewards[-1]
        progress = min(max(balance / goal.price, 0.0), 1.0) if goal is not None else 0.0
        views.append(StarView(member, balance, goal, round(progress, 4), ready))
    return tuple(views)
