"""The planner's inputs: plain, frozen data loaded once from the rooms
(day/loading.py builds them), and the few constants of a wall's day."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from schedule.common.collection import Closure
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
