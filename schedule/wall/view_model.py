"""What the kiosk template prints: plain values, formatted, nothing decided.

`build()` turns the planner's answers for a display at a moment into a
`Wall`: texts with their `lang` for the display's language mode, instants in
milliseconds for the ticking script, the countdown in the words a child
reads, the timeline's geometry (texts.py, timeline.py, cards.py). What
happens at a moment is the planner's business; this module only says it.
It is handed plain data (a `Screen`, the planner's household), never a row.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from django.conf import settings
from django.urls import reverse
from django.utils import translation

from schedule import planner
from schedule.family.models import Display
from schedule.tonight.selectors import tonight_from
from schedule.wall.banners import AnnouncementCard, announcement_cards
from schedule.wall.cards import (
    PIE_CIRCUMFERENCE,
    Bar,
    BlockCard,
    ChoreCard,
    Hero,
    NextLine,
    NoteCard,
    YearMarkGroup,
    _icon,
    block_cards,
    chore_cards,
    marks_to_show,
    year_mark_groups,
)
from schedule.wall.children import RoutineCard, StarCard, routine_cards, star_cards
from schedule.wall.display import Screen
from schedule.wall.polling import Loaded, version
from schedule.wall.skipped import OffCard, off_cards
from schedule.wall.texts import (
    LABELS,
    Text,
    formatted_date,
    hh_mm,
    label,
    languages,
    left_texts,
    ms,
    patterned,
    texts,
)
from schedule.wall.timeline import (
    TIMELINE_AFTER,
    TIMELINE_BEFORE,
    TIMELINE_EDGE,
    Tick,
    day_window,
    hour_ticks,
    now_left,
)
from schedule.wall.tonight import TonightCards, tonight_cards


@dataclass(frozen=True)
class TimerChoice:
    """A button of the child's timer: its minutes, drawn as the pie they make."""

    minutes: int
    pie: float


SPOKEN_LOCALES = {"ja": "ja-JP", "en": "en-US"}


@dataclass(frozen=True)
class Wall:
    screen: Screen
    moment: datetime
    version: str
    lang: str
    dates: tuple[Text, ...]
    holiday: tuple[Text, ...]
    clock: str
    blocks: tuple[BlockCard, ...]
    current_count: int
    chores: tuple[ChoreCard, ...]
    tomorrow: tuple[ChoreCard, ...]
    show_tomorrow: bool
    notes: tuple[NoteCard, ...]
    year_marks: tuple[YearMarkGroup, ...]
    lanes: int
    ticks: tuple[Tick, ...]
    timeline_from: int
    timeline_to: int
    night: bool
    night_spans: str  # "start end start end" in ms, for the script
    morning: tuple[BlockCard, ...]
    morning_chores: tuple[ChoreCard, ...]
    evening: int
    day_end: int
    utc_offset: int  # minutes, for the script's clock
    poll_url: str
    labels: dict[str, tuple[Text, ...]]
    offline_texts: tuple[Text, ...]
    reload_at: int
    now_left: float
    may_complete: bool
    all_day: tuple[tuple[Text, ...], ...] = ()  # subscribed calendars' all-day events
    cues: str = ""  # minutes before a block ends that the wall says what comes next: "5 2"
    chime: bool = False
    # The child's timer: its choices in minutes ("5 10 15"), the pies their
    # buttons draw, and its countdown's forms (the same as a block's).
    timers: tuple[TimerChoice, ...] = ()
    timer_texts: tuple[Text, ...] = ()
    # Fully Kiosk Browser's textToSpeech locale ("ja-JP"), or "" for the chime.
    speak: str = ""
    wake: int = 0  # ms: the morning's wake-up (planner.wake_up), for the night's countdown
    wake_texts: tuple[Text, ...] = ()
    awake: bool = False  # the wake-up has come: the night screen's awake picture
    ok_to_wake: bool = False
    announcements: tuple[AnnouncementCard, ...] = ()
    one_language: bool = False
    routines: tuple[RoutineCard, ...] = ()
    stars: tuple[StarCard, ...] = ()
    # The usual collections that are off today, and tomorrow (the evening box).
    off_today: tuple[OffCard, ...] = ()
    off_tomorrow: tuple[OffCard, ...] = ()
    # What a chore's tick address ends with: "?at=…" on a wall shown at a
    # moment of its own, else nothing.
    toggle_query: str = ""
    # Tonight and tomorrow: the weather, dinner, the sleeps, warnings, bags.
    tonight: TonightCards | None = None

    # The block cards as each of the wall's three drawings takes them.

    @functools.cached_property
    def heroes(self) -> tuple[Hero, ...]:
        return tuple(b.hero for b in self.blocks)

    @functools.cached_property
    def lines(self) -> tuple[NextLine, ...]:
        return tuple(b.line for b in self.blocks if not b.free)

    @functools.cached_property
    def bars(self) -> tuple[Bar, ...]:
        return tuple(b.bar for b in self.blocks if b.on_timeline)

    @property
    def has_next(self) -> bool:
        """Something comes next today: else the "then" heading has nothing under it."""
        return any(line.upcoming for line in self.lines)

    @property
    def has_bags(self) -> bool:
        """The children's bags are in the side column (the morning, the evening)."""
        return self.tonight is not None and bool(self.tonight.bags)

    @property
    def busy_with_routines(self) -> bool:
        """A routine is under way: it takes the side column until it is done."""
        return any(r.current is not None for r in self.routines)

    @property
    def soon(self) -> tuple[ChoreCard, ...]:
        """Today's chores due within the hour: beside a routine under way, which
        takes the side column, they stay in sight (the trash by 8:00 at 7:50)."""
        return tuple(c for c in self.chores if c.soon)

    @property
    def off_soon(self) -> tuple[OffCard, ...]:
        """...and the usual collections that are off, which would be due by then."""
        return tuple(o for o in self.off_today if o.soon)

    @property
    def has_soon(self) -> bool:
        return bool(self.soon or self.off_soon)

    @property
    def now(self) -> int:
        return ms(self.moment)

    @property
    def pie(self) -> float:
        """The disc's whole circumference, for the template and kiosk.js alike."""
        return PIE_CIRCUMFERENCE

    @property
    def timeline_edge(self) -> float:
        return TIMELINE_EDGE

    @property
    def timeline_before(self) -> int:
        return int(TIMELINE_BEFORE.total_seconds() * 1000)

    @property
    def timeline_after(self) -> int:
        return int(TIMELINE_AFTER.total_seconds() * 1000)


def reload_at(moment: datetime) -> datetime:
    """The next nightly reload, at least a minute away so a reload never repeats itself."""
    tz = moment.tzinfo
    assert isinstance(tz, ZoneInfo)
    hour = time(settings.WALL_RELOAD_HOUR % 24)
    for days in range(3):
        candidate = planner.at(moment.date() + timedelta(days=days), hour, tz)
        if candidate > moment + timedelta(minutes=1):
            return candidate
    raise AssertionError("a reload hour comes every day")


@functools.lru_cache(maxsize=16)
def _plain_labels(mode: str, language: str | None) -> tuple[tuple[str, tuple[Text, ...]], ...]:
    """The labels said without a value, in a display's language mode: the same
    for every render, and some 25 catalogue lookups each."""
    return tuple((key, label(key, mode)) for key in LABELS if "%(" not in str(LABELS[key]))


def build(screen: Screen, moment: datetime, loaded: Loaded, version: str, at: str = "") -> Wall:
    """The wall of a display (`screen`) at `moment`, from already loaded data;
    `version` is what its poll sends back (polling.version())."""
    tz = moment.tzinfo
    assert isinstance(tz, ZoneInfo)
    mode = screen.language
    readings = screen.show_readings
    today = moment.date()
    view = loaded.day(today, moment)
    window = day_window(view)
    spans = planner.nights(screen.night_start, screen.night_end, today, tz)
    if screen.ok_to_wake:  # as polling.nights(): held until the awake picture has shown
        spans = planner.until_awake(loaded.household, spans, loaded.members)
    morning = planner.morning_after(loaded.household, moment, spans, loaded.members)
    morning_blocks: tuple[BlockCard, ...] = ()
    morning_chores: tuple[ChoreCard, ...] = ()
    wake_up = planner.wake_for(loaded.household, moment, spans, loaded.members)
    wake = ms(wake_up) if wake_up is not None else 0
    if morning is not None:
        morning_blocks = block_cards(morning.blocks, mode, readings=readings)
        morning_chores = chore_cards(morning.chores, mode, screen)
        if morning.blocks and not wake:
            wake = ms(morning.blocks[0].start)
    wake_left = max(0, -(-(wake - ms(moment)) // 60000)) if wake else 0
    tomorrow_day = today + timedelta(days=1)
    query = {"at": at} if at else {}
    poll_url = reverse("wall-panel", args=[screen.token])
    if query:
        poll_url += "?" + urlencode(query)
    holiday = texts(view.holiday.name_ja, view.holiday.name_en, mode) if view.holiday else ()
    lanes = max(view.lane_count, 1)
    blocks = block_cards(view.blocks, mode, window, lanes, view.next_blocks, moment, readings)
    offset = moment.utcoffset() or timedelta(0)
    # "This morning" once the night has passed midnight, "tomorrow morning" before.
    labels = dict(_plain_labels(mode, translation.get_language()))
    if wake and morning is not None and morning.blocks and morning.blocks[0].start.date() == today:
        labels["morning"] = labels["this_morning"]
    tonight = None
    if loaded.tonight is not None and loaded.tonight.day == today:
        family = loaded.household
        now = tonight_from(loaded.tonight, moment, view, family)
        bags = now.bags_shown(view.evening)
        tonight = tonight_cards(
            now, family, mode, readings, loaded.members, bags, _bag_url(screen.token, query)
        )
    return Wall(
        screen=screen,
        moment=moment,
        version=version,
        lang=languages(mode)[0],
        dates=formatted_date(today, mode),
        holiday=holiday,
        clock=hh_mm(moment),
        blocks=blocks,
        current_count=sum(b.current for b in blocks),
        chores=chore_cards(view.chores, mode, screen, soon=view.soon),
        tomorrow=chore_cards(view.tomorrow_chores, mode, screen, True, today=today),
        show_tomorrow=view.show_tomorrow,
        notes=tuple(
            NoteCard(texts(n.text_ja, n.text_en, mode), _icon(n.icon, "star")) for n in view.notes
        ),
        year_marks=year_mark_groups(marks_to_show(view), mode),
        lanes=lanes,
        ticks=hour_ticks(window, moment),
        timeline_from=ms(window[0]) if window else 0,
        timeline_to=ms(window[1]) if window else 0,
        night=planner.is_night(spans, moment),
        night_spans=" ".join(f"{ms(s)} {ms(e)}" for s, e in spans),
        morning=morning_blocks,
        morning_chores=morning_chores,
        evening=ms(view.evening),
        day_end=ms(planner.at(tomorrow_day, time(0), tz)),
        utc_offset=int(offset.total_seconds() // 60),
        poll_url=poll_url,
        labels=labels,
        offline_texts=patterned("offline", "time", hh_mm(moment), mode),
        reload_at=ms(reload_at(moment)),
        now_left=now_left(window, moment),
        may_complete=screen.may_complete,
        all_day=tuple(texts(e.title_ja, e.title_en, mode) for e in view.all_day),
        cues=" ".join(str(minutes) for minutes in screen.cues),
        chime=screen.chime,
        timers=tuple(TimerChoice(m, round(PIE_CIRCUMFERENCE * m / 60, 3)) for m in screen.timers),
        timer_texts=left_texts(max(screen.timers, default=0), mode) if screen.timers else (),
        speak=SPOKEN_LOCALES[languages(mode)[0]] if screen.spoken_cues else "",
        wake=wake,
        wake_texts=left_texts(wake_left, mode),
        awake=bool(wake) and ms(moment) >= wake,
        ok_to_wake=screen.ok_to_wake,
        announcements=announcement_cards(
            view, mode, screen.token, f"?{urlencode(query)}" if query else ""
        ),
        one_language=mode != Display.Language.BOTH,
        routines=routine_cards(view, mode, screen.token, at, readings, screen.show_stars),
        stars=star_cards(view, mode) if screen.show_stars else (),
        off_today=off_cards(view.moved_away, (), mode, readings, soon=view.moved_away_soon),
        off_tomorrow=off_cards(
            view.tomorrow_moved_away, view.tomorrow_chores, mode, readings, tomorrow=True
        ),
        toggle_query=f"?{urlencode(query)}" if query else "",
        tonight=tonight,
    )


def of_display(display: Display, moment: datetime, loaded: Loaded, at: str = "") -> Wall:
    """`build()` for a display found by display.find_display() (the row that
    knows its revision): where the request's row becomes plain data."""
    view = loaded.day(moment.date(), moment)
    return build(Screen.of(display), moment, loaded, version(display, moment, view, loaded), at)


def _bag_url(token: str, query: dict[str, str]) -> Callable[[int, date], str]:
    """The address a tap on a thing of a child's bag posts to, with the wall's moment."""
    tail = f"?{urlencode(query)}" if query else ""
    return lambda member_id, day: reverse("wall-bag", args=[token, member_id, day]) + tail
