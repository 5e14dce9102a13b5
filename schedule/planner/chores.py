"""The chores of a day: which are due, whose turn it is, which were moved away
or called off, the first and last collections of a year, and which a tap may
tick."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta

from schedule.common.recurrence import Recurrence
from schedule.planner.blocks import at
from schedule.planner.data import (
    FIRST_OF_YEAR,
    LAST_OF_YEAR,
    YEAR_MARK_DAYS,
    ChoreData,
    Household,
    MemberData,
)
from schedule.planner.shown import ChoreView, MovedAway, YearMark


def takers(
    assignee_ids: tuple[int, ...], rotate: bool, rule: Recurrence, day: date
) -> tuple[int, ...]:
    """Whose job a chore is on `day`: its assignees, or the one whose turn it is."""
    if rotate and assignee_ids:
        return (assignee_ids[rule.turn(day) % len(assignee_ids)],)
    return assignee_ids


def _shows_chore(chore: ChoreData, only: frozenset[int] | None) -> bool:
    return only is None or not chore.assignee_ids or bool(set(chore.assignee_ids) & only)


def whose_turn(household: Household, chore: ChoreData, day: date) -> tuple[MemberData, ...]:
    """Who does `chore` on `day`: its assignees, or the one whose turn it is."""
    ids = chore.assignee_ids
    if chore.rotate and ids:
        ids = (ids[chore.recurrence.turn(day) % len(ids)],)
    return tuple(m for m in (household.member(i) for i in ids) if m is not None)


# The days a household remembers its answers for: a wall's today and
# tomorrow, an admin page's few weeks.
MEMO_DAYS = 64


def _remembered[T](
    memo: dict[tuple[object, ...], object], key: tuple[object, ...], work: Callable[[], T]
) -> T:
    """`work()`'s answer for `key`, worked out once per household (which never
    changes: a save loads a new one) and kept in its `memo` or its plans' (`planned.memo`)."""
    try:
        return memo[key]  # type: ignore[return-value]
    except KeyError:
        if len(memo) >= MEMO_DAYS:
            memo.clear()
        answer = memo[key] = work()
        return answer


def chores_on(
    household: Household, day: date, only: frozenset[int] | None = None
) -> tuple[ChoreView, ...]:
    """The chores due on `day` (of `only`'s people and the whole family's), by due
    time, each done or not."""

    def with_done() -> tuple[ChoreView, ...]:
        due = _remembered(
            household.planned.memo, ("due", day, only), lambda: _due_on(household, day, only)
        )
        done = household.done
        return tuple(replace(v, done=True) if (v.chore.id, day) in done else v for v in due)

    return _remembered(household.memo, ("chores", day, only), with_done)


def _due_on(household: Household, day: date, only: frozenset[int] | None) -> tuple[ChoreView, ...]:
    """The chores due on `day`, none of them done: what the plans alone say."""
    views = []
    for chore in household.chores:
        if not chore.recurrence.is_due_on(day):
            continue
        if not _shows_chore(chore, only):
            continue
        assignees = whose_turn(household, chore, day)
        due = at(day, chore.time, household.tz) if chore.time is not None else None
        views.append(
            ChoreView(
                chore=chore,
                date=day,
                due=due,
                assignees=assignees,
                done=False,
                cancelled=(chore.id, day) in household.cancelled,
                moved_from=chore.recurrence.moved_here(day),
                year_mark=chore.year_mark(day),
            )
        )
    views.sort(key=lambda view: (view.due is None, view.due or datetime.min.replace(tzinfo=UTC)))
    return tuple(views)


def moved_away(
    household: Household, day: date, only: frozenset[int] | None = None
) -> tuple[MovedAway, ...]:
    """The chores whose rule names `day` but which a holiday or a closure took elsewhere."""
    out = []
    for chore in household.chores:
        if _shows_chore(chore, only):
            fate = chore.recurrence.moved_away(day)
            if fate is not None:
                out.append(MovedAway(chore, fate))
    return tuple(out)


def year_marks(
    household: Household, day: date, only: frozenset[int] | None = None
) -> tuple[YearMark, ...]:
    """Garbage chores whose last (or first) collection of a year comes within
    YEAR_MARK_DAYS after `day`: the nearest one per chore, soonest first."""
    horizon = day + timedelta(days=YEAR_MARK_DAYS)
    marks = []
    for chore in household.chores:
        if not chore.garbage or not _shows_chore(chore, only):
            continue
        found = []
        for year in {day.year, horizon.year}:
            bounds = chore.recurrence.year_bounds(year)
            if bounds is not None:
                found += [(bounds[0], FIRST_OF_YEAR), (bounds[1], LAST_OF_YEAR)]
        coming = sorted((when, kind) for when, kind in found if day < when <= horizon)
        if coming:
            when, kind = coming[0]
            # A chore due once a year: its one collection is its last.
            marks.append(YearMark(chore, when, chore.year_mark(when) or kind))
    return tuple(sorted(marks, key=lambda mark: (mark.date, mark.chore.id)))


def chore_to_tick(
    household: Household, day: date, chore_id: int, only: frozenset[int] | None = None
) -> ChoreView | None:
    """The chore as the wall shows it on `day`, if a tap may tick it: due that day,
    on this wall, and not called off."""
    for view in chores_on(household, day, only):
        if view.chore.id == chore_id and not view.cancelled:
            return view
    return None
