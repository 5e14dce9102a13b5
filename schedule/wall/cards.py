"""The cards the wall prints, one per block, chore, routine and child: plain
values, formatted, nothing decided (what happens at a moment is the planner's)."""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from django.urls import reverse

from schedule import planner
from schedule.chores.models import Chore
from schedule.common.colours import ink_on
from schedule.common.icons import is_icon
from schedule.wall.display import Screen
from schedule.wall.texts import (
    SHORT_DATE_FORMATS,
    YEAR_MARKS_SHOWN,
    Text,
    formatted_date,
    hh_mm,
    label,
    left_texts,
    ms,
    texts,
)
from schedule.wall.timeline import Timeline

if TYPE_CHECKING:
    pass


# The countdown is a Time Timer: a face of one hour, the time left drawn as a
# disc (a circle of radius 25 with a 50-wide stroke, its visible arc the
# stroke-dasharray) that shrinks to nothing at twelve o'clock, where the block
# ends. A longer block shows a dot beside the face for each whole hour more.
DISC_MINUTES = 60


PIE_CIRCUMFERENCE = 157.08


MOST_HOUR_DOTS = 8


@dataclass(frozen=True)
class Chip:
    names: tuple[Text, ...]
    colour: str
    icon: str
    ink: str  # the letters' colour on `colour`


@dataclass(frozen=True)
class JobCard:
    """A chore that is the block's job (the Roomba's switch): whose turn it is."""

    titles: tuple[Text, ...]
    chips: tuple[Chip, ...]


@dataclass(frozen=True)
class BlockCard:
    """A block as the wall prints it: in the hero cards, the "then" list and on
    the timeline (kiosk.js shows the current ones and moves on by itself)."""

    id: int
    titles: tuple[Text, ...]
    icon: str
    colour: str
    start: int  # ms
    end: int
    start_label: str
    end_label: str
    chips: tuple[Chip, ...]
    event: bool  # a subscribed calendar's event, drawn apart from the plan's blocks
    free: bool  # the stretch between two blocks
    jobs: tuple[JobCard, ...]
    current: bool
    past: bool
    upcoming: bool
    # The first upcoming one: the "then" of "first this, then that".
    then: bool
    minutes_left: int
    left_texts: tuple[Text, ...]
    # Timeline geometry, in percent.
    top: float
    height: float
    left: float
    width: float
    on_timeline: bool
    hours: int = 0  # whole hours left beyond the disc's hour

    @property
    def pie(self) -> float:
        """The disc's visible arc: the minutes left on a face of one hour."""
        minutes = self.minutes_left - 60 * self.hours
        return round(min(minutes, DISC_MINUTES) / DISC_MINUTES * PIE_CIRCUMFERENCE, 3)

    @property
    def hour_dots(self) -> range:
        """A dot for each whole hour left beyond the face (the script hides them as they pass)."""
        return range(min(self.hours, MOST_HOUR_DOTS))

    # What each of the wall's three drawings of a block prints, and nothing
    # more: the same value from minute to minute is drawn once ({% drawn %}).

    @property
    def hero(self) -> Hero:
        return Hero(
            self.titles, self.icon, self.colour, self.start, self.end, self.start_label,
            self.end_label, self.chips, self.jobs, self.free, self.event, self.current,
            self.left_texts, self.pie, self.hour_dots,
        )  # fmt: skip

    @property
    def line(self) -> NextLine:
        return NextLine(
            self.titles, self.icon, self.colour, self.start, self.start_label, self.upcoming,
            self.then, self.event,
        )  # fmt: skip

    @property
    def bar(self) -> Bar:
        return Bar(
            self.icon, self.colour, self.start, self.end, self.left, self.width, self.top,
            self.height, self.past, self.current, self.event,
        )  # fmt: skip


@dataclass(frozen=True)
class Hero:
    """A block's hero card: the disc, the title, the time left, whose it is."""

    titles: tuple[Text, ...]
    icon: str
    colour: str
    start: int
    end: int
    start_label: str
    end_label: str
    chips: tuple[Chip, ...]
    jobs: tuple[JobCard, ...]
    free: bool
    event: bool
    current: bool
    left_texts: tuple[Text, ...]
    pie: float
    hour_dots: range


@dataclass(frozen=True)
class NextLine:
    """A block's line in the "then" list."""

    titles: tuple[Text, ...]
    icon: str
    colour: str
    start: int
    start_label: str
    upcoming: bool
    then: bool
    event: bool


@dataclass(frozen=True)
class Bar:
    """A block on the day's line."""

    icon: str
    colour: str
    start: int
    end: int
    left: float
    width: float
    top: float
    height: float
    past: bool
    current: bool
    event: bool


@dataclass(frozen=True)
class ChoreCard:
    id: int
    titles: tuple[Text, ...]
    icon: str
    due: int | None
    due_labels: tuple[Text, ...]
    chips: tuple[Chip, ...]
    done: bool
    toggle_url: str  # without the wall's own query (Wall.toggle_query)
    missed_after: int | None = None  # ms: undone after this, it fades to "missed"
    when: tuple[Text, ...] = ()  # tomorrow's: "あしたの あさ 8:00 までに"
    cancelled: bool = False
    flags: tuple[Text, ...] = ()  # "cancelled", "last this year": a word or two beside it


@dataclass(frozen=True)
class YearMarkCard:
    """A garbage chore's last (or first) collection of the year, in the days before it."""

    titles: tuple[Text, ...]
    icon: str
    dates: tuple[Text, ...]


@dataclass(frozen=True)
class YearMarkGroup:
    """The year's last (or first) collections coming up, under one heading."""

    flags: tuple[Text, ...]  # "ことし さいご · Last this year"
    marks: tuple[YearMarkCard, ...]


@dataclass(frozen=True)
class NoteCard:
    texts: tuple[Text, ...]
    icon: str


def _icon(name: str, fallback: str) -> str:
    return name if is_icon(name) else fallback


@functools.lru_cache(maxsize=1024)
def _chips(members: tuple[planner.MemberData, ...], mode: str) -> tuple[Chip, ...]:
    return tuple(
        Chip(texts(m.name_ja, m.name_en, mode), m.colour, _icon(m.icon, "person"), ink_on(m.colour))
        for m in members
    )


def block_cards(
    blocks: tuple[planner.BlockView, ...],
    mode: str,
    window: tuple[datetime, datetime] | None = None,
    lanes: int = 1,
    upcoming: tuple[planner.BlockView, ...] = (),
    moment: datetime | None = None,
    readings: bool = False,
) -> tuple[BlockCard, ...]:
    """The blocks' cards at `moment`, placed on the timeline when it has a `window`."""
    line = Timeline(window, moment) if window is not None and moment is not None else None
    then = upcoming[0] if upcoming else None
    cards = []
    for b in blocks:
        left = width = 0.0
        on_timeline = False
        if line is not None:
            s = max(b.start.timestamp(), line.first)
            e = min(b.end.timestamp(), line.last)
            on_timeline = e > s
            if on_timeline:
                left = line.place(s)
                width = line.place(e) - left
        title_reading = b.block.reading if readings else ""
        cards.append(
            BlockCard(
                id=b.block.id,
                titles=label("free", mode)
                if b.free
                else texts(b.block.title_ja, b.block.title_en, mode, title_reading),
                icon=_icon(b.block.icon, "clock"),
                colour=b.colour,
                start=ms(b.start),
                end=ms(b.end),
                start_label=hh_mm(b.start),
                end_label=hh_mm(b.end),
                chips=_chips(b.members, mode),
                event=b.event is not None,
                free=b.free,
                jobs=tuple(
                    JobCard(
                        texts(
                            j.chore.title_ja,
                            j.chore.title_en,
                            mode,
                            j.chore.reading if readings else "",
                        ),
                        _chips(j.assignees, mode),
                    )
                    for j in b.jobs
                ),
                current=b.current,
                past=b.past,
                upcoming=b in upcoming,
                then=b is then,
                minutes_left=b.minutes_left,
                left_texts=left_texts(b.minutes_left, mode),
                top=round(b.lane / lanes * 100, 3),
                height=round(100 / lanes, 3),
                left=round(left, 3),
                width=round(width, 3),
                on_timeline=on_timeline,
                hours=max(0, b.minutes_left - 1) // 60 if b.minutes_left > DISC_MINUTES else 0,
            )
        )
    return tuple(cards)


def _chore_urls(token: str) -> Callable[[int, date], str]:
    """The tick address of a chore on a day, resolved once per render: reverse()
    for each of a big family's chores cost more than drawing them."""
    head, tail = reverse("wall-chore", args=[token, 1, "2000-01-01"]).split("/1/2000-01-01/")
    return lambda chore_id, day: f"{head}/{chore_id}/{day.isoformat()}/{tail}"


# How long after an "at" chore's time it still counts as on time.
AT_GRACE = timedelta(hours=1)


def chore_cards(
    chores: tuple[planner.ChoreView, ...],
    mode: str,
    screen: Screen,
    tomorrow: bool = False,
) -> tuple[ChoreCard, ...]:
    """Chores as the wall lists them; `tomorrow`: in the evening box, where a
    "by" time is the next morning's deadline, and which leaves out what was
    called off."""
    chore_url = _chore_urls(screen.token)
    return tuple(
        _chore_card(c, mode, screen.show_readings, tomorrow, chore_url)
        for c in chores
        if not (tomorrow and c.cancelled)
    )


def _chore_card(
    c: planner.ChoreView,
    mode: str,
    readings: bool,
    tomorrow: bool,
    chore_url: Callable[[int, date], str],
) -> ChoreCard:
    """A chore's card: its tick address, when it is due and when it counts as missed."""
    due_labels: tuple[Text, ...] = ()
    when: tuple[Text, ...] = ()
    missed_after = None
    if c.due is not None:
        clock = hh_mm(c.due)
        by = c.chore.time_kind == Chore.TimeKind.BY
        # One language is enough next to a clock time.
        due_labels = label("by", mode, time=clock)[:1] if by else (Text("", clock),)
        missed_after = ms(c.due if by else c.due + AT_GRACE)
        if tomorrow:
            # Collections go out in the morning by their time, not the night before.
            morning = c.due.hour < planner.GET_READY_BEFORE.hour
            key = ("tomorrow_by" if morning else "tomorrow_by_day") if by else "tomorrow_at"
            when = label(key, mode, time=clock)[:1]  # as the due time: one language
    flags: tuple[Text, ...] = ()
    if c.cancelled:
        flags = label("cancelled", mode)
    elif c.year_mark:
        flags = label(c.year_mark, mode)
    url = chore_url(c.chore.id, c.date)
    return ChoreCard(
        id=c.chore.id,
        titles=texts(c.chore.title_ja, c.chore.title_en, mode, c.chore.reading if readings else ""),
        icon=_icon(c.chore.icon, "star"),
        due=ms(c.due) if c.due is not None else None,
        due_labels=due_labels,
        chips=_chips(c.assignees, mode),
        done=c.done,
        toggle_url=url,
        missed_after=missed_after,
        when=when,
        cancelled=c.cancelled,
        flags=flags,
    )


def marks_to_show(view: planner.DayView) -> tuple[planner.YearMark, ...]:
    """The soonest marks, less those the evening box already shows with their mark."""
    in_the_box = {(c.chore.id, c.date) for c in view.get_ready} if view.show_tomorrow else set()
    shown = [m for m in view.year_marks if (m.chore.id, m.date) not in in_the_box]
    return tuple(shown[:YEAR_MARKS_SHOWN])


def year_mark_groups(marks: tuple[planner.YearMark, ...], mode: str) -> tuple[YearMarkGroup, ...]:
    """The marks under their heading (last this year, first this year), soonest first."""
    groups: dict[str, list[YearMarkCard]] = {}
    for m in marks:
        groups.setdefault(m.kind, []).append(
            YearMarkCard(
                titles=texts(m.chore.title_ja, m.chore.title_en, mode),
                icon=_icon(m.chore.icon, "star"),
                dates=formatted_date(m.date, mode, SHORT_DATE_FORMATS)[:1],
            )
        )
    return tuple(YearMarkGroup(label(kind, mode), tuple(cards)) for kind, cards in groups.items())
