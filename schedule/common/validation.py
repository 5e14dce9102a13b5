"""The family's rules that need more than one row to check.

A single row's rules live on its model (`clean()` and field validators). These
need several rows at once: two blocks of the same person at the same time,
turns taken by nobody, a routine's steps, a routine for someone not in its
block. The admin's inline formsets ask them about the rows a
parent is submitting, and the import about every row of a file before
anything is written, so both refuse the same things.

Plain values in, plain answers out: no ORM and no request, so the callers
decide how to word the refusal for their reader.

Also here: a substitute date (a closure's "moved to") must lie outside every
closure, or the collection would never be due; and the household keeps at most
MAX_CLOSURES closures.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, time

from schedule.common.collection import Closure
from schedule.common.recurrence import FIRST_DAY, LAST_DAY

MINUTES_A_DAY = 24 * 60
# Rows a plan or a chore has at most, whoever writes them (the admin, an
# import). A day in 15-minute steps is 96 blocks; a hundred dates of one plan
# is two a week for a year; twenty people taking turns is a big family.
MAX_BLOCKS_PER_PLAN = 100
MAX_OVERRIDES_PER_PLAN = 100
MAX_TURN_TAKERS = 20
# A routine is a short row of pictures a small child goes through one at a
# time; visual schedules work best with 3 to 8, and a dozen is already long.
MAX_STEPS_PER_ROUTINE = 12
# New Year, Obon, Golden Week, a city's own days: a few a year; an import of
# many years of centre closures stays well under this.
MAX_CLOSURES = 100


@dataclass(frozen=True)
class BlockSpan:
    """A block as the overlap rule sees it; no members means the whole family."""

    start: time
    end: time
    members: frozenset[int] = frozenset()


def minute_spans(start: time, end: time) -> list[tuple[int, int]]:
    """A block on the 24-hour clock; one running past midnight wraps to the morning."""
    first = start.hour * 60 + start.minute
    last = end.hour * 60 + end.minute
    if last > first:
        return [(first, last)]
    return [(first, MINUTES_A_DAY), (0, last)]


def blocks_overlap(a_start: time, a_end: time, b_start: time, b_end: time) -> bool:
    return any(
        a_first < b_last and b_first < a_last
        for a_first, a_last in minute_spans(a_start, a_end)
        for b_first, b_last in minute_spans(b_start, b_end)
    )


def shared_members(a: BlockSpan, b: BlockSpan) -> frozenset[int] | None:
    """Who would be in both blocks: None if nobody, an empty set if the whole family.

    A block with nobody chosen is the whole family's, so it shares everyone
    with any other block; blocks of different people may overlap (the wall
    shows them side by side).
    """
    if a.members and b.members:
        return (a.members & b.members) or None
    return a.members or b.members


def overlaps(blocks: Sequence[BlockSpan]) -> list[tuple[int, int, frozenset[int]]]:
    """(later, earlier, shared members) for each block that clashes with an earlier one.

    Each block is reported once, against the first earlier block it clashes
    with, so a parent sees one message per row to fix.
    """
    found = []
    for index, block in enumerate(blocks):
        for earlier_index, earlier in enumerate(blocks[:index]):
            if block.start == block.end or earlier.start == earlier.end:
                continue
            if not blocks_overlap(block.start, block.end, earlier.start, earlier.end):
                continue
            shared = shared_members(block, earlier)
            if shared is not None:
                found.append((index, earlier_index, shared))
                break
    return found


def shifted(start: time, end: time, minutes: int) -> tuple[time, time] | None:
    """A following block moved by `minutes` when the one before it moves: its start,
    and its end unless it runs past midnight (a night moves its bedtime, not its
    morning). None if it would start or end on another day."""
    first = start.hour * 60 + start.minute + minutes
    last = end.hour * 60 + end.minute
    if end > start:
        last += minutes
        if last > MINUTES_A_DAY or (last == MINUTES_A_DAY and first == 0):
            return None
    if not 0 <= first < MINUTES_A_DAY or not 0 <= last <= MINUTES_A_DAY or first == last:
        return None
    last %= MINUTES_A_DAY
    return time(first // 60, first % 60), time(last // 60, last % 60)


def uncovered(blocks: Iterable[BlockSpan]) -> set[int]:
    """The minutes of the day no block covers (the wall shows free time then)."""
    free = set(range(MINUTES_A_DAY))
    for block in blocks:
        for first, last in minute_spans(block.start, block.end):
            free.difference_update(range(first, last))
    return free


def opened_gaps(before: Iterable[BlockSpan], after: Iterable[BlockSpan]) -> list[tuple[time, time]]:
    """The stretches of the day a change left with no block, that some block covered
    before it: (start, end), in the order of the day."""
    opened = uncovered(after) - uncovered(before)
    stretches: list[tuple[time, time]] = []
    for minute in sorted(opened):
        if stretches and _minutes(stretches[-1][1]) == minute:
            stretches[-1] = (stretches[-1][0], _clock(minute + 1))
        else:
            stretches.append((_clock(minute), _clock(minute + 1)))
    if len(stretches) > 1 and stretches[0][0] == stretches[-1][1] == time(0):
        # One stretch across midnight, not an evening's and a morning's.
        stretches[0] = (stretches.pop()[0], stretches[0][1])
        stretches.append(stretches.pop(0))
    return stretches


def _minutes(moment: time) -> int:
    return moment.hour * 60 + moment.minute


def _clock(minute: int) -> time:
    minute %= MINUTES_A_DAY
    return time(minute // 60, minute % 60)


def turns_have_people(rotate: bool, assignees: int) -> bool:
    """Taking turns needs somebody to take them."""
    return not rotate or assignees > 0


# Routines ------------------------------------------------------------------------------

EMPTY = "empty"
TOO_MANY = "too_many"


def steps_problem(count: int) -> str | None:
    """EMPTY or TOO_MANY when a routine would have that many steps, else None."""
    if count < 1:
        return EMPTY
    if count > MAX_STEPS_PER_ROUTINE:
        return TOO_MANY
    return None


def member_fits_block(block_members: frozenset[int], member: int) -> bool:
    """A routine in a block is for someone in the block; a block of nobody in
    particular is the whole family's."""
    return not block_members or member in block_members


@dataclass(frozen=True)
class RoutineUse:
    """A routine taken up by one member in one block of a plan."""

    plan: int
    block: int
    member: int
    routine: int


SAME_BLOCK = "same_block"
SAME_PLAN = "same_plan"


def routine_clashes(uses: Sequence[RoutineUse]) -> list[tuple[int, int, str]]:
    """(later, earlier, why) for each use that clashes with an earlier one.

    SAME_BLOCK: a member has one routine per block (the wall shows one card
    per child). SAME_PLAN: the same routine twice for one member in one plan,
    which a tick (for a step, a child and a day) could not tell apart; a
    parent duplicates the routine instead.
    """
    found = []
    for index, use in enumerate(uses):
        for earlier_index, earlier in enumerate(uses[:index]):
            if use.member != earlier.member:
                continue
            if use.block == earlier.block:
                found.append((index, earlier_index, SAME_BLOCK))
                break
            if use.plan == earlier.plan and use.routine == earlier.routine:
                found.append((index, earlier_index, SAME_PLAN))
                break
    return found


def closed_on(day: date | None, closures: Iterable[Closure]) -> Closure | None:
    """The first of `closures` that holds `day`: a substitute date must not be in one.

    A date outside the years a chore can have is in none (its own check refuses it).
    """
    if day is None or not FIRST_DAY <= day <= LAST_DAY:
        return None
    for closure in closures:
        if closure.span_around(day) is not None:
            return closure
    return None
