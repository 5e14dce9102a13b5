"""Who is away from home on a day (a custody week, a stay at the grandparents'),
and what the day does without them: their blocks and routines are left off
their lane, their chores paused, their turns passed on.

How a chore's turns are counted across a time away
---------------------------------------------------
A rotating chore's occurrences are taken in turn, in the assignees' order.
When the one whose turn it is is away on an occurrence, the next one in the
order who is home takes it, and the order goes on after whoever took it. So
turns are counted over the days the rotation's members are present: an away
child is skipped, not owed, and their turn comes again when the order comes
round to them after they are back. With nobody away this is the plain
rotation (Recurrence.turn); an occurrence on which every one of them is away
is paused and uses no turn.

Two children who alternate weeks at the other parent's, on a daily chore:
each does every day of the week they are home; the week they are both home,
they alternate again from where the order stood.

A block belongs to the day it starts on: the night of a day away (Sunday's
sleep, 21:00–06:30) is left off until it ends, even past midnight, and the
child is back on the wall with Monday's first block.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import replace
from datetime import date, timedelta

from schedule.common.recurrence import FIRST_DAY, Recurrence
from schedule.planner.data import AwayData, BlockData, Household

# As planner.chores.MEMO_DAYS: a wall's few days, an admin page's few weeks.
_MEMO_KEPT = 64


def _remembered[T](household: Household, key: tuple[object, ...], work: Callable[[], T]) -> T:
    memo = household.planned.memo
    try:
        return memo[key]  # type: ignore[return-value]
    except KeyError:
        if len(memo) >= _MEMO_KEPT:
            memo.clear()
        answer = memo[key] = work()
        return answer


def away_from(away: tuple[AwayData, ...], day: date) -> frozenset[int]:
    """The members away on `day`."""
    return frozenset(a.member_id for a in away if a.covers(day))


def away_on(household: Household, day: date) -> frozenset[int]:
    """The members away on `day`, worked out once per plans."""
    if not household.away:
        return frozenset()
    return _remembered(household, ("away", day), lambda: away_from(household.away, day))


def at_home(block: BlockData, away: frozenset[int]) -> BlockData | None:
    """The block without the members who are away, or None if it was only theirs.

    A block of the whole family (no members) stays: the family's dinner is on
    whoever is home. Their routines in it go with them.
    """
    if not away:
        return block
    members = tuple(m for m in block.member_ids if m not in away)
    if block.member_ids and not members:
        return None
    routines = tuple((m, r) for m, r in block.routines if m not in away)
    if members == block.member_ids and routines == block.routines:
        return block
    return replace(block, member_ids=members, routines=routines)


def takers(
    assignee_ids: tuple[int, ...],
    rotate: bool,
    rule: Recurrence,
    day: date,
    away: tuple[AwayData, ...] = (),
) -> tuple[int, ...]:
    """Whose job a chore is on `day`: its assignees who are home, or the one whose
    turn it is (see the module's docstring). Empty when the chore has assignees
    and none of them is home: it is paused."""
    if not assignee_ids:
        return ()
    theirs = tuple(a for a in away if a.member_id in assignee_ids)
    gone = away_from(theirs, day)
    if not rotate:
        return tuple(m for m in assignee_ids if m not in gone)
    if not theirs:
        return (assignee_ids[rule.turn(day) % len(assignee_ids)],)
    pointer = _turns_before(assignee_ids, rule, day, theirs)
    return _next_at_home(assignee_ids, pointer, gone)[:1]


def _next_at_home(ids: tuple[int, ...], pointer: int, gone: frozenset[int]) -> tuple[int, ...]:
    """From the one whose turn `pointer` says, the first in the order who is home."""
    for step in range(len(ids)):
        member = ids[(pointer + step) % len(ids)]
        if member not in gone:
            return (member,)
    return ()


def _turns_before(
    ids: tuple[int, ...], rule: Recurrence, day: date, away: tuple[AwayData, ...]
) -> int:
    """Where the order stands at `day`'s occurrence: the turns taken before it.

    Only the occurrences on which one of them was away are walked one by one;
    between them every occurrence is one turn, counted by Recurrence.turn().
    """
    absent: dict[date, set[int]] = defaultdict(set)
    last = day - timedelta(days=1)
    for period in away:
        for gone_day in period.days_away(FIRST_DAY, last):
            absent[gone_day].add(period.member_id)
    pointer = counted = 0
    for when in sorted(d for d in absent if rule.is_due_on(d)):
        before = rule.turn(when)
        pointer += before - counted
        taker = _next_at_home(ids, pointer, frozenset(absent[when]))
        if taker:
            pointer = _after(ids, pointer, taker[0])
        counted = before + 1
    return pointer + rule.turn(day) - counted


def _after(ids: tuple[int, ...], pointer: int, member: int) -> int:
    """The pointer just past `member`, the first at home from `pointer`."""
    step = 0
    while ids[(pointer + step) % len(ids)] != member:
        step += 1
    return pointer + step + 1
