"""The planner's inputs: plain, frozen data loaded once from the rooms
(day/loading.py builds them), and the few constants of a wall's day."""

from __future__ import annotations

import functools
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from schedule.common.bilingual import pick
from schedule.common.collection import Closure
from schedule.common.recurrence import HolidayCalendar, Recurrence
from schedule.common.years import year_ends

# How many blocks the wall lists under "Next", and the night screen of the morning.
HOW_MANY_NEXT = 3


MORNING_BLOCKS = 3


# From this time on the wall shows tomorrow's chores: the trash goes out
# early in the morning, so the family gets it ready the evening before.
EVENING = time(17, 0)


# Tomorrow's chores worth getting ready the evening before: the morning's.
GET_READY_BEFORE = time(12, 0)


# A chore due this soon stays in sight whatever else the wall shows (a routine
# under way takes the side column): the trash by 8:00 during the 7:45 routine.
DUE_SOON = timedelta(hours=1)


# The first and last collection of the year are marked this many days ahead.
YEAR_MARK_DAYS = 7


FIRST_OF_YEAR = "first"


LAST_OF_YEAR = "last"


@dataclass(frozen=True)
class MemberData:
    id: int
    name_ja: str
    name_en: str
    colour: str = "#3366cc"
    icon: str = "person"
    collects_stars: bool = False
    photo_key: str = ""  # their photo's key (Member.photo_url), "" without one
    wake_at: time | None = None  # their own OK-to-wake time; None: their first block's

    def name(self, lang: str) -> str:
        return pick(self.name_ja, self.name_en, lang)


@dataclass(frozen=True)
class AwayData:
    """A member away from home (a custody week, a stay at the grandparents'):
    `days` days from each first day `recurrence` names (once, or every other
    week from a date), both ends included."""

    id: int
    member_id: int
    recurrence: Recurrence  # the first day of each time away
    days: int = 1

    def covers(self, day: date) -> bool:
        back = day - timedelta(days=self.days - 1)
        return bool(self.recurrence.occurrences(back, day, limit=1))

    def days_away(self, first: date, last: date) -> Iterator[date]:
        """Every day in [first, last] the member is away, in order (a day twice if
        two times away overlap)."""
        back = first - timedelta(days=self.days - 1)
        for start in self.recurrence.occurrences(back, last):
            for offset in range(self.days):
                day = start + timedelta(days=offset)
                if first <= day <= last:
                    yield day


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
        """FIRST_OF_YEAR or LAST_OF_YEAR if `day` is a garbage chore's first or
        last collection of its year (years.year_ends: the rule's real ones)."""
        if not self.garbage:
            return ""
        ends = year_ends(self.recurrence, day.year)
        if ends is None:
            return ""
        if day == ends[1]:
            return LAST_OF_YEAR
        return FIRST_OF_YEAR if day == ends[0] else ""


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


@dataclass(frozen=True)
class AnnouncementData:
    """A message on the walls from `start` to `end` ("ごはん できたよ!"): on
    every wall, or only on `walls` (displays' ids)."""

    id: int
    text_ja: str
    text_en: str
    start: datetime
    end: datetime
    icon: str = ""
    walls: frozenset[int] = frozenset()  # empty: every wall
    chime: bool = False

    def text(self, lang: str) -> str:
        return pick(self.text_ja, self.text_en, lang)

    def on_wall(self, wall: int | None) -> bool:
        return wall is None or not self.walls or wall in self.walls


# Events' blocks take ids from here down, away from the free stretches' -1, -2, ...
EVENT_IDS = 1_000_000_000


@dataclass(frozen=True)
class EventData:
    """An event of a subscribed calendar: timed (`start`/`end` instants) or
    all-day (`first_day` to `last_day`, both included).

    Its text is the calendar's own, in one language: `title_ja` or `title_en`
    by its script (see calendars/selectors.guess_lang), so the wall marks it rightly.
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
    balances: Mapping[int, int] = field(default_factory=dict)  # member id -> stars left


# What was worked out from a household for a day whatever the moment (the
# chores due, the blocks placed): a wall asks again each time a block starts or
# ends, and only the moment has changed. Not part of the household's value.
type Memo = dict[tuple[object, ...], object]


@dataclass(frozen=True)
class Planned:
    """What the family planned: it changes with a parent's edit, never with a tap.

    The wall keeps it by the plans' revision (wall/polling.py), apart from
    the Ticks, so that a tap reads the ticks again and not every plan."""

    tz: ZoneInfo
    calendar: HolidayCalendar
    plans: tuple[PlanData, ...] = ()
    overrides: Mapping[date, int] = field(default_factory=dict)  # date -> plan id
    members: tuple[MemberData, ...] = ()
    chores: tuple[ChoreData, ...] = ()
    notes: tuple[NoteData, ...] = ()
    routines: Mapping[int, RoutineData] = field(default_factory=dict)  # by id
    stars: Stars | None = None  # the rules and rewards; None: no stars
    events: tuple[EventData, ...] = ()
    cancelled: frozenset[tuple[int, date]] = frozenset()  # (chore id, date)
    closures: tuple[Closure, ...] = ()
    away: tuple[AwayData, ...] = ()  # every time away, past and coming: turns count them
    memo: Memo = field(default_factory=dict, init=False, compare=False, repr=False)


@dataclass(frozen=True)
class Ticks:
    """What was ticked on the walls in the days loaded: chores and routines' steps
    done, the things packed in the bags, and the stars each child has left."""

    done: frozenset[tuple[int, date]] = frozenset()  # (chore id, date)
    steps_done: frozenset[tuple[int, int, date]] = frozenset()  # (step id, member id, date)
    packed: frozenset[tuple[int, date, str]] = frozenset()  # (member id, date, thing's key)
    balances: Mapping[int, int] = field(default_factory=dict)  # member id -> stars left
    # Announcements are not planned: they come and go like a tap, and the
    # walls redraw for them without reading the plans again.
    announcements: tuple[AnnouncementData, ...] = ()
    dismissed: frozenset[tuple[int, int]] = frozenset()  # (announcement id, display id)


@dataclass(frozen=True)
class Household:
    """Everything the planner needs: what was planned, and what was ticked.

    Reads as one (household.chores, household.done); `planned` and `ticks`
    are two types, so that what is kept by the plans' revision can never hold
    a tick, and a tap makes a new Household of the same Planned."""

    planned: Planned
    ticks: Ticks = Ticks()
    memo: Memo = field(default_factory=dict, init=False, compare=False, repr=False)

    @classmethod
    def of(cls, **fields: Any) -> Household:
        """A household from its fields by name, planned and ticked alike (tests, pages)."""
        stars = fields.pop("stars", None)
        ticks = Ticks(
            done=fields.pop("done", frozenset()),
            steps_done=fields.pop("steps_done", frozenset()),
            balances=stars.balances if stars is not None else {},
            announcements=fields.pop("announcements", ()),
            dismissed=fields.pop("dismissed", frozenset()),
        )
        if stars is not None:
            stars = replace(stars, balances={})
        return cls(Planned(stars=stars, **fields), ticks)

    def ticked(self, ticks: Ticks) -> Household:
        return Household(self.planned, ticks)

    # What was planned, read through the household.

    @property
    def tz(self) -> ZoneInfo:
        return self.planned.tz

    @property
    def calendar(self) -> HolidayCalendar:
        return self.planned.calendar

    @property
    def plans(self) -> tuple[PlanData, ...]:
        return self.planned.plans

    @property
    def overrides(self) -> Mapping[date, int]:
        return self.planned.overrides

    @property
    def members(self) -> tuple[MemberData, ...]:
        return self.planned.members

    @property
    def chores(self) -> tuple[ChoreData, ...]:
        return self.planned.chores

    @property
    def notes(self) -> tuple[NoteData, ...]:
        return self.planned.notes

    @property
    def routines(self) -> Mapping[int, RoutineData]:
        return self.planned.routines

    @property
    def events(self) -> tuple[EventData, ...]:
        return self.planned.events

    @property
    def cancelled(self) -> frozenset[tuple[int, date]]:
        return self.planned.cancelled

    @property
    def closures(self) -> tuple[Closure, ...]:
        return self.planned.closures

    @property
    def away(self) -> tuple[AwayData, ...]:
        return self.planned.away

    # What was ticked.

    @property
    def done(self) -> frozenset[tuple[int, date]]:
        return self.ticks.done

    @property
    def steps_done(self) -> frozenset[tuple[int, int, date]]:
        return self.ticks.steps_done

    @property
    def packed(self) -> frozenset[tuple[int, date, str]]:
        return self.ticks.packed

    @property
    def announcements(self) -> tuple[AnnouncementData, ...]:
        return self.ticks.announcements

    @property
    def dismissed(self) -> frozenset[tuple[int, int]]:
        return self.ticks.dismissed

    @functools.cached_property
    def stars(self) -> Stars | None:
        rules = self.planned.stars
        return None if rules is None else replace(rules, balances=self.ticks.balances)

    def member(self, member_id: int) -> MemberData | None:
        for member in self.planned.members:
            if member.id == member_id:
                return member
        return None


@dataclass(frozen=True)
class Holiday:
    name_ja: str
    name_en: str

    def name(self, lang: str) -> str:
        return pick(self.name_ja, self.name_en, lang)
