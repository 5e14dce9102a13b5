"""The planner's answers: what a day shows (DayView) and each part of it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from schedule.common.collection import Closure, Fate
from schedule.planner.blocks import at
from schedule.planner.data import (
    GET_READY_BEFORE,
    BlockData,
    ChoreData,
    EventData,
    Holiday,
    MemberData,
    NoteData,
    PlanData,
    RewardData,
    RoutineData,
    StepData,
)


@dataclass(frozen=True)
class StepView:
    step: StepData
    number: int  # 1 for the first step
    done: bool
    current: bool  # the first step not done: the one the wall draws big
    # When the step should be done for the routine to keep to its minutes: the
    # block's start plus the minutes of this step and all before it (None
    # unless each of them has minutes).
    until: datetime | None = None

    def title(self, lang: str) -> str:
        return self.step.title(lang)


@dataclass(frozen=True)
class RoutineView:
    """One member's routine in a block, as far as they got on `day`."""

    routine: RoutineData
    member: MemberData
    # The day its ticks are for: the block's own day, so a bedtime routine
    # carried past midnight is still the evening's.
    day: date
    steps: tuple[StepView, ...]
    current: StepView | None  # None once every step is done
    done_count: int
    finished: bool
    stars: int  # what finishing it brings this member (0: no stars)
    then: BlockData | None  # what comes after for this member: their next block

    def title(self, lang: str) -> str:
        return self.routine.title(lang)

    @property
    def minutes(self) -> int | None:
        """The minutes of all its steps, if each step has some."""
        minutes = [s.step.minutes for s in self.steps]
        return None if None in minutes else sum(m for m in minutes if m is not None)


@dataclass(frozen=True)
class StarView:
    """A child's stars and the reward they are saving for (small, not a leaderboard)."""

    member: MemberData
    balance: int
    # The cheapest reward the balance does not reach yet; once it reaches them
    # all, the dearest. None when there are no rewards.
    goal: RewardData | None
    progress: float  # towards the goal, 0 to 1
    ready: tuple[RewardData, ...]  # the rewards the balance already buys


@dataclass(frozen=True)
class BlockView:
    block: BlockData
    start: datetime
    end: datetime
    lane: int
    members: tuple[MemberData, ...]  # empty: the whole family
    from_yesterday: bool
    current: bool
    past: bool
    progress: float  # 0 before, 1 after, in between while current
    minutes_left: int  # whole minutes until the end, rounded up; 0 once over
    # Today's chores that are this block's job (same picture, due in it): the
    # Roomba block shows whose turn it is to start the Roomba.
    jobs: tuple[ChoreView, ...] = ()
    routines: tuple[RoutineView, ...] = ()  # per member, in the family's order
    event: EventData | None = None  # a subscribed calendar's event, not the plan's

    def title(self, lang: str) -> str:
        return self.block.title(lang)

    @property
    def free(self) -> bool:
        return self.block.free

    @property
    def colour(self) -> str:
        """The block's own colour, else its activity's: never its position or its day."""
        return self.block.colour or self.block.activity_colour


@dataclass(frozen=True)
class ChoreView:
    chore: ChoreData
    date: date
    due: datetime | None
    assignees: tuple[MemberData, ...]
    done: bool
    cancelled: bool = False  # called off on the day: shown crossed out, not moved
    moved_from: tuple[Fate, ...] = ()  # the rule's days a holiday or closure moved here
    year_mark: str = ""  # FIRST_OF_YEAR, LAST_OF_YEAR or ""

    def title(self, lang: str) -> str:
        return self.chore.title(lang)


@dataclass(frozen=True)
class MovedAway:
    """A day the chore's rule names, on which it is not due: moved elsewhere or dropped."""

    chore: ChoreData
    fate: Fate


@dataclass(frozen=True)
class YearMark:
    """A garbage chore's first or last collection of the year, coming up soon."""

    chore: ChoreData
    date: date
    kind: str  # FIRST_OF_YEAR or LAST_OF_YEAR


@dataclass(frozen=True)
class DayView:
    date: date
    moment: datetime
    plan: PlanData | None
    holiday: Holiday | None
    blocks: tuple[BlockView, ...]
    lane_count: int
    current: tuple[BlockView, ...]
    next_blocks: tuple[BlockView, ...]
    chores: tuple[ChoreView, ...]
    tomorrow_chores: tuple[ChoreView, ...]
    notes: tuple[NoteData, ...]
    evening: datetime  # from then on, tomorrow's chores to get ready are shown
    all_day: tuple[EventData, ...] = ()  # subscribed calendars' all-day events
    closures: tuple[Closure, ...] = ()  # the closures that hold this day
    moved_away: tuple[MovedAway, ...] = ()
    year_marks: tuple[YearMark, ...] = ()
    stars: tuple[StarView, ...] = ()  # the shown members who collect stars

    @property
    def routines(self) -> tuple[RoutineView, ...]:
        """The routines of the blocks that are current, for each member."""
        return tuple(r for b in self.current for r in b.routines)

    @property
    def show_tomorrow(self) -> bool:
        return self.moment >= self.evening

    @property
    def get_ready(self) -> tuple[ChoreView, ...]:
        """Tomorrow's chores to get ready this evening: the morning's, and untimed ones."""
        return to_get_ready(self.tomorrow_chores, self.moment.tzinfo)

    @property
    def boundaries(self) -> tuple[datetime, ...]:
        """Every instant at which something on the wall starts or ends."""
        return tuple(sorted({b.start for b in self.blocks} | {b.end for b in self.blocks}))


def to_get_ready(chores: tuple[ChoreView, ...], tz: object) -> tuple[ChoreView, ...]:
    """The morning's chores (and untimed ones) worth getting ready; never a cancelled one."""
    assert isinstance(tz, ZoneInfo)
    return tuple(
        c
        for c in chores
        if not c.cancelled and (c.due is None or c.due < at(c.date, GET_READY_BEFORE, tz))
    )
