"""What the wall shows at a moment: a pure function of plain data.

`day_view(household, day, moment)` answers every question the wall asks —
which plan is in force, the holiday, the blocks with absolute times, the
current block and its progress, what comes next, the chores due today and
tomorrow and whether the evening has come to show tomorrow's, the notes, the
city's closures of the day, the collections moved away or called off, the
first and last collection of the year coming up —
without the ORM, a request or the clock. `nights()`, `morning_after()` and
`changes()` answer the rest: when a display's night hours dim it, what the
night screen shows of the morning, and every instant at which the wall
changes (the poll's version counts them). Views load a `Household` (see
`loading.py`) and pass the moment in.

Routines: a block carries, per member, the routine that member goes through
in it; its `RoutineView` says which steps are done that day, the current
step (the first not done) and what comes after. Stars: each child who
collects them has a balance and the next reward to save for (`StarView`).

Times: block start/end are wall-clock times in the household's zone. A block
whose end is not after its start runs into the next day. Durations and
progress are computed on absolute instants, so a 01:00–03:00 block on the
night the clocks go forward lasts one hour, not two.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from schedule.common.collection import Closure, Fate
from schedule.common.recurrence import HolidayCalendar, Recurrence

# How many blocks the wall lists under "Next", and the night screen of the morning.
HOW_MANY_NEXT = 3
MORNING_BLOCKS = 3
# From this time on the wall shows tomorrow's chores: the trash goes out
# early in the morning, so the family gets it ready the evening before.
EVENING = time(17, 0)
# Tomorrow's chores worth getting ready the evening before: the morning's.
GET_READY_BEFORE = time(12, 0)
# The first and last collection of the year are marked this many days ahead.
YEAR_MARK_DAYS = 7
FIRST_OF_YEAR = "first"
LAST_OF_YEAR = "last"


def pick(ja: str, en: str, lang: str) -> str:
    first, second = (en, ja) if lang == "en" else (ja, en)
    return first or second


@dataclass(frozen=True)
class MemberData:
    id: int
    name_ja: str
    name_en: str
    colour: str = "#3366cc"
    icon: str = "person"
    collects_stars: bool = False

    def name(self, lang: str) -> str:
        return pick(self.name_ja, self.name_en, lang)


@dataclass(frozen=True)
class BlockData:
    id: int
    start: time
    end: time
    title_ja: str
    title_en: str = ""
    icon: str = ""
    colour: str = ""  # the block's own, else ""
    reading: str = ""  # of the Japanese title, in kana
    member_ids: tuple[int, ...] = ()  # empty: the whole family
    activity_colour: str = "#5d6b80"  # its icon's, the same on every wall
    free: bool = False  # the stretch between two blocks, made by the planner
    leads_to: BlockData | None = None  # a free stretch: the block that ends it
    routines: tuple[tuple[int, int], ...] = ()  # (member id, routine id), one per member
    event_id: int | None = None  # a subscribed calendar's event, placed like a block

    def title(self, lang: str) -> str:
        return pick(self.title_ja, self.title_en, lang)

    @property
    def crosses_midnight(self) -> bool:
        return self.end <= self.start


@dataclass(frozen=True)
class PlanData:
    id: int
    name_ja: str
    name_en: str = ""
    weekdays: frozenset[int] = frozenset()  # 0 = Monday
    on_holidays: bool = False
    valid_from: date | None = None
    valid_until: date | None = None
    priority: int = 0
    blocks: tuple[BlockData, ...] = ()

    def name(self, lang: str) -> str:
        return pick(self.name_ja, self.name_en, lang)

    def in_range(self, day: date) -> bool:
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_until is None or day <= self.valid_until
        )


@dataclass(frozen=True)
class ChoreData:
    id: int
    title_ja: str
    title_en: str
    recurrence: Recurrence
    reading: str = ""  # of the Japanese title, in kana
    icon: str = ""
    time: time | None = None
    time_kind: str = "by"
    assignee_ids: tuple[int, ...] = ()  # in turn order
    rotate: bool = False
    garbage: bool = False

    def title(self, lang: str) -> str:
        return pick(self.title_ja, self.title_en, lang)

    def year_mark(self, day: date) -> str:
        """FIRST_OF_YEAR or LAST_OF_YEAR if `day` is a garbage chore's first or last of its year."""
        if not self.garbage:
            return ""
        bounds = self.recurrence.year_bounds(day.year)
        if bounds is None:
            return ""
        if day == bounds[1]:
            return LAST_OF_YEAR
        return FIRST_OF_YEAR if day == bounds[0] else ""


@dataclass(frozen=True)
class NoteData:
    id: int
    text_ja: str
    text_en: str
    start: date
    end: date
    icon: str = ""

    def text(self, lang: str) -> str:
        return pick(self.text_ja, self.text_en, lang)


# Events' blocks take ids from here down, away from the free stretches' -1, -2, ...
EVENT_IDS = 1_000_000_000


@dataclass(frozen=True)
class EventData:
    """An event of a subscribed calendar: timed (`start`/`end` instants) or
    all-day (`first_day` to `last_day`, both included).

    Its text is the calendar's own, in one language: `title_ja` or `title_en`
    by its script (see calendars.guess_lang), so the wall marks it rightly.
    """

    id: int
    title_ja: str
    title_en: str
    start: datetime | None = None
    end: datetime | None = None
    first_day: date | None = None
    last_day: date | None = None
    member_id: int | None = None  # None: the whole family's calendar
    colour: str = ""  # its member's, so the event reads as theirs

    @property
    def all_day(self) -> bool:
        return self.start is None

    def title(self, lang: str) -> str:
        return pick(self.title_ja, self.title_en, lang)

    def as_block(self) -> BlockData:
        """The event as a block, so the wall lays it out and counts it down like one.
        Its id is apart from the plan's blocks (positive) and free stretches (-1, -2, ...)."""
        assert self.start is not None and self.end is not None
        return BlockData(
            id=-EVENT_IDS - self.id,
            event_id=self.id,
            start=self.start.timetz().replace(tzinfo=None),
            end=self.end.timetz().replace(tzinfo=None),
            title_ja=self.title_ja,
            title_en=self.title_en,
            icon="calendar",
            colour=self.colour,
            member_ids=(self.member_id,) if self.member_id is not None else (),
        )


@dataclass(frozen=True)
class StepData:
    id: int
    title_ja: str
    title_en: str = ""
    reading: str = ""  # of the Japanese title, in kana
    icon: str = ""
    minutes: int | None = None  # how long it should take, if the parent said

    def title(self, lang: str) -> str:
        return pick(self.title_ja, self.title_en, lang)


@dataclass(frozen=True)
class RoutineData:
    id: int
    title_ja: str
    title_en: str = ""
    reading: str = ""
    icon: str = ""
    steps: tuple[StepData, ...] = ()  # in order
    stars: int | None = None  # for finishing it; None: the household's number

    def title(self, lang: str) -> str:
        return pick(self.title_ja, self.title_en, lang)


@dataclass(frozen=True)
class RewardData:
    id: int
    title_ja: str
    title_en: str = ""
    reading: str = ""
    icon: str = "gift"
    price: int = 1

    def title(self, lang: str) -> str:
        return pick(self.title_ja, self.title_en, lang)


@dataclass(frozen=True)
class Stars:
    """The family collects stars: how many things bring, what they buy, who has how many."""

    per_routine: int = 1
    per_chore: int = 1
    rewards: tuple[RewardData, ...] = ()  # cheapest first
    balances: dict[int, int] = field(default_factory=dict)  # member id -> stars left


@dataclass(frozen=True)
class Household:
    """Everything the planner needs, loaded once."""

    tz: ZoneInfo
    calendar: HolidayCalendar
    plans: tuple[PlanData, ...] = ()
    overrides: dict[date, int] = field(default_factory=dict)  # date -> plan id
    members: tuple[MemberData, ...] = ()
    chores: tuple[ChoreData, ...] = ()
    done: frozenset[tuple[int, date]] = frozenset()  # (chore id, date)
    notes: tuple[NoteData, ...] = ()
    routines: dict[int, RoutineData] = field(default_factory=dict)  # by id
    steps_done: frozenset[tuple[int, int, date]] = frozenset()  # (step id, member id, date)
    stars: Stars | None = None  # None: the family collects no stars
    events: tuple[EventData, ...] = ()
    cancelled: frozenset[tuple[int, date]] = frozenset()  # (chore id, date)
    closures: tuple[Closure, ...] = ()
    # What was worked out from this household for a day whatever the moment
    # (the chores due, the blocks placed): a wall asks again each time a block
    # starts or ends, and only the moment has changed. Not part of its value.
    memo: dict[tuple[object, ...], object] = field(
        default_factory=dict, init=False, compare=False, repr=False
    )
    # The part of it that depends on the plans alone, not on what was ticked:
    # shared with the copies with_ticks() makes, so that after a tap on the
    # wall only what a tap changes is worked out again.
    plans_memo: dict[tuple[object, ...], object] = field(
        default_factory=dict, init=False, compare=False, repr=False
    )

    def with_ticks(
        self,
        done: frozenset[tuple[int, date]],
        steps_done: frozenset[tuple[int, int, date]],
        balances: dict[int, int],
    ) -> Household:
        """This household with these chores and steps done and these star balances."""
        stars = replace(self.stars, balances=balances) if self.stars is not None else None
        ticked = replace(self, done=done, steps_done=steps_done, stars=stars)
        object.__setattr__(ticked, "plans_memo", self.plans_memo)
        return ticked

    def member(self, member_id: int) -> MemberData | None:
        for member in self.members:
            if member.id == member_id:
                return member
        return None


@dataclass(frozen=True)
class Holiday:
    name_ja: str
    name_en: str

    def name(self, lang: str) -> str:
        return pick(self.name_ja, self.name_en, lang)


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
    changes: a save loads a new one) and kept in its `memo` or `plans_memo`."""
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
            household.plans_memo, ("due", day, only), lambda: _due_on(household, day, only)
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


def day_view(
    household: Household,
    day: date,
    moment: datetime,
    members: frozenset[int] | None = None,
) -> DayView:
    """The wall for `day` as seen at `moment` (an aware datetime).

    `members` limits blocks and chores to those members (plus whole-family
    ones), as a Display that shows only the kids does.
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
        stars=star_views(household, members),
        all_day=all_day_events(household, day, members),
        closures=tuple(c for c in household.closures if c.span_around(day) is not None),
        moved_away=_remembered(
            household.plans_memo,
            ("moved away", day, members),
            lambda: moved_away(household, day, members),
        ),
        year_marks=year_marks(household, day, members),
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
        household.plans_memo, ("placed", day, members), lambda: _placing(household, day, members)
    )
    layout, _lanes = _remembered(
        household.plans_memo, ("layout", day, members), lambda: _layout(household, day, members)
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
        household.plans_memo, ("layout", day, members), lambda: _layout(household, day, members)
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


# Routines and stars ---------------------------------------------------------------------


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


# What a tap may tick: exactly what the wall draws, so a chore called off,
# closed or moved away, or a step not on the child's routine that day, is
# refused by the same rules that left it off the wall.


def chore_to_tick(
    household: Household, day: date, chore_id: int, only: frozenset[int] | None = None
) -> ChoreView | None:
    """The chore as the wall shows it on `day`, if a tap may tick it: due that day,
    on this wall, and not called off."""
    for view in chores_on(household, day, only):
        if view.chore.id == chore_id and not view.cancelled:
            return view
    return None


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


def to_get_ready(chores: tuple[ChoreView, ...], tz: object) -> tuple[ChoreView, ...]:
    """The morning's chores (and untimed ones) worth getting ready; never a cancelled one."""
    assert isinstance(tz, ZoneInfo)
    return tuple(
        c
        for c in chores
        if not c.cancelled and (c.due is None or c.due < at(c.date, GET_READY_BEFORE, tz))
    )


# Night hours and the morning after -------------------------------------------------


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


# Where one plan's night meets the next day's plan ------------------------------------


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
    family = Household(
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
