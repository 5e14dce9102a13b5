"""Which plan holds a day, and its blocks placed in absolute time and in lanes,
with the free stretches between them and the calendars' events beside them."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from schedule.planner.data import BlockData, EventData, Household, PlanData


def at(day: date, clock: time, tz: ZoneInfo) -> datetime:
    """The instant a wall clock in `tz` shows `clock` on `day`.

    A time that the clocks skip (02:30 on a spring-forward night) is read as
    the moment just after the jump; a repeated time is its first occurrence.
    """
    naive = datetime.combine(day, clock)
    instant = naive.replace(tzinfo=tz, fold=0).astimezone(UTC)
    return instant.astimezone(tz)


def plan_for(household: Household, day: date) -> PlanData | None:
    """Override, else holiday plan, else weekday plan; by priority within each."""
    by_id = {plan.id: plan for plan in household.plans}
    override = household.overrides.get(day)
    if override is not None and override in by_id:
        return by_id[override]
    candidates = [plan for plan in household.plans if plan.in_range(day)]
    if household.calendar.is_holiday(day):
        holiday_plans = [plan for plan in candidates if plan.on_holidays]
        if holiday_plans:
            return max(holiday_plans, key=lambda plan: (plan.priority, -plan.id))
    weekday_plans = [plan for plan in candidates if day.weekday() in plan.weekdays]
    if weekday_plans:
        return max(weekday_plans, key=lambda plan: (plan.priority, -plan.id))
    return None


def next_day_in_force(
    household: Household, plan_id: int, today: date, horizon: int = 60
) -> date | None:
    """The first day from `today` (within `horizon` days) that follows plan `plan_id`."""
    for offset in range(horizon + 1):
        day = today + timedelta(days=offset)
        in_force = plan_for(household, day)
        if in_force is not None and in_force.id == plan_id:
            return day
    return None


def _shown(member_ids: tuple[int, ...], only: frozenset[int] | None) -> bool:
    return only is None or not member_ids or bool(set(member_ids) & only)


Placed = tuple["BlockData", datetime, datetime, bool]  # block, start, end, from yesterday


Span = tuple[datetime, datetime]


def _takes_over(today: tuple[int, ...], carried: tuple[int, ...]) -> bool:
    """Does a block of today's take over everyone of a block carried from yesterday?

    A block of nobody in particular is everyone's: the family's wake-up ends
    everybody's night, but a parent's early shift does not end the kids'.
    """
    return not today or (bool(carried) and set(carried) <= set(today))


def _placed_blocks(household: Household, day: date, only: frozenset[int] | None) -> list[Placed]:
    """Yesterday's blocks that run into today, then today's, on the day's clock.

    A block carried over from yesterday ends where today's first block for
    the same people begins: the night before a day off ends at 07:00, but a
    weekday's 06:30 wake-up ends it at 06:30 on Monday, so the wall never
    shows the night and the morning at once.
    """
    tz = household.tz
    today: list[Placed] = []
    plan = plan_for(household, day)
    if plan is not None:
        for block in plan.blocks:
            if not _shown(block.member_ids, only):
                continue
            end_day = day + timedelta(days=1) if block.crosses_midnight else day
            today.append((block, at(day, block.start, tz), at(end_day, block.end, tz), False))
    carried: list[Placed] = []
    yesterday = day - timedelta(days=1)
    previous = plan_for(household, yesterday)
    if previous is not None:
        for block in previous.blocks:
            if not block.crosses_midnight or not _shown(block.member_ids, only):
                continue
            start, end = at(yesterday, block.start, tz), at(day, block.end, tz)
            for other, other_start, _end, _carried in today:
                if start < other_start < end and _takes_over(other.member_ids, block.member_ids):
                    end = other_start
            carried.append((block, start, end, True))
    placed = carried + today
    placed.sort(key=lambda item: (item[1], item[2], item[0].id))
    return placed


# The stretch between blocks is a block of its own: the wall never shows
# nothing, and its countdown leads to what comes next.
FREE_ICON = "hourglass"


FREE_COLOUR = "#5d6b80"


def _free_stretches(placed: list[Placed]) -> list[Placed]:
    """Blocks for the stretches between the first start and the last end where
    nothing is on: free time, led by the block that follows it."""
    free: list[Placed] = []
    covered_until: datetime | None = None
    for _block, start, end, _carried in placed:
        if covered_until is not None and start > covered_until:
            number = len(free) + 1
            gap = BlockData(
                id=-number, start=covered_until.time(), end=start.time(), title_ja="",
                icon=FREE_ICON, activity_colour=FREE_COLOUR, free=True,
            )  # fmt: skip
            free.append((gap, covered_until, start, False))
        covered_until = end if covered_until is None else max(covered_until, end)
    return free


def _placed_events(
    household: Household, day: date, only: frozenset[int] | None
) -> list[tuple[BlockData, datetime, datetime, bool]]:
    """Timed events that overlap the day, placed like blocks beside the plan's."""
    tz = household.tz
    day_start, day_end = at(day, time(0), tz), at(day + timedelta(days=1), time(0), tz)
    placed = []
    for event in household.events:
        if event.all_day or not _shown(event.as_block().member_ids, only):
            continue
        assert event.start is not None and event.end is not None
        start, end = event.start.astimezone(tz), event.end.astimezone(tz)
        if start < day_end and end > day_start and end > start:
            placed.append((event.as_block(), start, end, start < day_start))
    return placed


def all_day_events(
    household: Household, day: date, only: frozenset[int] | None = None
) -> tuple[EventData, ...]:
    return tuple(
        e
        for e in household.events
        if e.all_day
        and e.first_day is not None
        and e.last_day is not None
        and e.first_day <= day <= e.last_day
        and _shown((e.member_id,) if e.member_id is not None else (), only)
    )


def _lanes(intervals: list[tuple[datetime, datetime]]) -> list[int]:
    """Greedy lanes: each interval goes to the first lane free at its start."""
    lane_ends: list[datetime] = []
    lanes = []
    for start, end in intervals:
        for index, lane_end in enumerate(lane_ends):
            if lane_end <= start:
                lane_ends[index] = end
                lanes.append(index)
                break
        else:
            lane_ends.append(end)
            lanes.append(len(lane_ends) - 1)
    return lanes


def _progress(start: float, end: float, moment: float) -> tuple[float, int]:
    """How far a block from `start` to `end` is at `moment`, and the whole minutes
    left. Timestamps, not `end - start`: Python subtracts two datetimes of the
    same zone as wall-clock times, which is off by an hour across a DST change."""
    total = end - start
    done = moment - start
    if total <= 0 or done >= total:
        return 1.0, 0
    if done <= 0:
        return 0.0, int(-(-total // 60))
    left = total - done
    return done / total, int(-(-left // 60))
