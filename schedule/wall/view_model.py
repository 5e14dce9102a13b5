"""What the kiosk template prints: plain values, formatted, nothing decided.

`build()` turns the planner's answers for a display at a moment into a
`Wall`: texts with their `lang` for the display's language mode, instants in
milliseconds for the ticking script, the countdown in the words a child
reads, the timeline's geometry. What happens at a moment is the planner's
business; this module only says it.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from django.conf import settings
from django.urls import reverse
from django.utils import formats, translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from .. import planner
from ..icons import is_icon
from ..models import Chore, Display

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise
from .polling import Loaded, nights, version

# The countdown is a circle of radius 10 drawn with a 20-wide stroke: a disc
# whose visible arc (stroke-dasharray) shrinks as the block runs out.
PIE_CIRCUMFERENCE = 62.832
DATE_FORMATS = {"ja": "n月j日 (D)", "en": "l, j F"}
SHORT_DATE_FORMATS = {"ja": "n/j (D)", "en": "D j M"}

LABELS: dict[str, str | _StrPromise] = {
    "next": _("Next"),
    "chores": _("Chores"),
    "tomorrow": _("Tomorrow"),
    "everyone": _("Everyone"),
    "free": _("Free time"),
    "no_chores": _("No chores today"),
    "morning": _("Next morning"),
    "good_night": _("Good night"),
    # On a chore whose tap never reached the server (the wall was offline).
    "not_saved": _("Not saved – tap again"),
    "offline": _("Offline since %(time)s"),
    "by": _("by %(time)s"),
    # The evening box: tomorrow's collection goes out in the morning, by then.
    "tomorrow_by": pgettext_lazy("wall", "by %(time)s tomorrow morning"),
    # A collection called off (a storm warning): crossed out, nothing moved.
    "cancelled": pgettext_lazy("wall", "Cancelled"),
    planner.FIRST_OF_YEAR: pgettext_lazy("wall", "First this year"),
    planner.LAST_OF_YEAR: pgettext_lazy("wall", "Last this year"),
}
# The year's first and last collections the wall lists at most, soonest first:
# the side column of a 1024×600 tablet holds no more beside the chores.
YEAR_MARKS_SHOWN = 2
# Labels said with a value, or only on some chores: not in Wall.labels.
_VALUED = {"offline", "by", "tomorrow_by"}

# The countdown under the current block, in the forms a child reads best:
# minutes under an hour, else hours and minutes. Japanese reads the counter 分
# as ふん or ぷん by the number's last digit (5 ごふん, 10 じゅっぷん), which the
# contexts let the catalogue spell; English has one form for both.
COUNTDOWN: dict[str, str | _StrPromise] = {
    # Translators: keep a number and its word together with no-break spaces, so
    # a narrow wall wraps the countdown only between the hours and the minutes.
    "minutes": pgettext_lazy("countdown; 分 read ふん", "%(minutes)s min left"),
    "minutes_p": pgettext_lazy("countdown; 分 read ぷん", "%(minutes)s min left"),
    "hours": _("%(hours)s h left"),
    "hours_minutes": pgettext_lazy("countdown; 分 read ふん", "%(hours)s h %(minutes)s min left"),
    "hours_minutes_p": pgettext_lazy("countdown; 分 read ぷん", "%(hours)s h %(minutes)s min left"),
}
TABLES = {"labels": LABELS, "countdown": COUNTDOWN}
# Last digits after which 分 reads ぷん: いっぷん, さんぷん, よんぷん, ろっぷん,
# はっぷん, じゅっぷん (and ふん after 2, 5, 7, 9: にふん, ごふん, ななふん, きゅうふん).
PUN_DIGITS = frozenset("013468")


def ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


def hh_mm(moment: datetime) -> str:
    return f"{moment.hour}:{moment.minute:02d}"


@dataclass(frozen=True)
class Text:
    lang: str
    text: str
    pattern: str = ""  # the same text with "#" where the script puts a number


def texts(ja: str, en: str, mode: str) -> tuple[Text, ...]:
    """The texts a display in `mode` shows, each with the language it is really in."""
    both = (Text("ja", ja), Text("en", en))
    if mode == Display.Language.BOTH:
        return tuple(t for t in both if t.text) or (Text("ja", ""),)
    first, second = (both[1], both[0]) if mode == Display.Language.EN else both
    return (first if first.text else second,)


def languages(mode: str) -> tuple[str, ...]:
    if mode == Display.Language.JA:
        return ("ja",)
    if mode == Display.Language.EN:
        return ("en",)
    return ("ja", "en")


def label(
    key: str, mode: str, table: Mapping[str, str | _StrPromise] = LABELS, /, **params: object
) -> tuple[Text, ...]:
    """A wall label in each language the display shows.

    A label not translated yet is English whatever the catalogue says, so it
    is marked `lang="en"` and shown once.
    """
    name = next((n for n, t in TABLES.items() if t is table), None)
    forms = _forms(key, mode, name) if name else _forms_of(key, mode, table)
    out: list[Text] = []
    for lang, text in forms:
        text = text % params if params else text
        if all(t.text != text for t in out):
            out.append(Text(lang, text))
    return tuple(out)


def _forms_of(
    key: str, mode: str, table: Mapping[str, str | _StrPromise]
) -> tuple[tuple[str, str], ...]:
    with translation.override("en"):
        english = str(table[key])
    out = []
    for lang in languages(mode):
        with translation.override(lang):
            text = str(table[key])
        out.append(("en" if text == english else lang, text))
    return tuple(out)


@functools.cache
def _forms(key: str, mode: str, table: str) -> tuple[tuple[str, str], ...]:
    """(lang, text) of a label before its values are filled in: they depend only
    on the catalogues, so each is looked up once per process, not per render
    (each lookup activates a language twice)."""
    return _forms_of(key, mode, TABLES[table])


def formatted_date(
    day: date, mode: str, formats_by_lang: Mapping[str, str] = DATE_FORMATS
) -> tuple[Text, ...]:
    out = []
    for lang in languages(mode):
        with translation.override(lang):
            out.append(Text(lang, formats.date_format(day, formats_by_lang[lang])))
    return tuple(out)


@dataclass(frozen=True)
class Chip:
    names: tuple[Text, ...]
    colour: str
    icon: str


@dataclass(frozen=True)
class BlockCard:
    id: int
    titles: tuple[Text, ...]
    icon: str
    colour: str
    start: int
    end: int
    start_label: str
    end_label: str
    chips: tuple[Chip, ...]
    current: bool
    past: bool
    upcoming: bool
    remaining: float  # 1 → 0 while current
    minutes_left: int
    left_texts: tuple[Text, ...]
    left: float  # timeline geometry, percent
    width: float
    top: float
    height: float
    on_timeline: bool
    event: bool = False  # a subscribed calendar's event, drawn apart from the plan's blocks

    @property
    def pie(self) -> float:
        """The countdown disc's visible arc (see PIE_CIRCUMFERENCE)."""
        return round(self.remaining * PIE_CIRCUMFERENCE, 3)


@dataclass(frozen=True)
class ChoreCard:
    id: int
    titles: tuple[Text, ...]
    icon: str
    due: int | None
    due_labels: tuple[Text, ...]
    chips: tuple[Chip, ...]
    done: bool
    toggle_url: str
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


@dataclass(frozen=True)
class Tick:
    left: float
    label: str


@dataclass(frozen=True)
class Wall:
    display: Display
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

    @property
    def now(self) -> int:
        return ms(self.moment)


def _icon(name: str, fallback: str) -> str:
    return name if is_icon(name) else fallback


def _chips(members: tuple[planner.MemberData, ...], mode: str) -> tuple[Chip, ...]:
    return tuple(
        Chip(texts(m.name_ja, m.name_en, mode), m.colour, _icon(m.icon, "person")) for m in members
    )


def _window(view: planner.DayView) -> tuple[datetime, datetime] | None:
    """The stretch of the day the timeline draws: today's own blocks, plus an
    hour of the one that runs into the night."""
    own = [b for b in view.blocks if not b.from_yesterday]
    if not own:
        return None
    start = min(b.start for b in own)
    ends = [b.end for b in own if b.end.date() == view.date]
    ends += [b.start + timedelta(hours=1) for b in own if b.end.date() != view.date]
    end = max(ends)
    if end <= start:
        end = start + timedelta(hours=1)
    return start, end


def _now_left(window: tuple[datetime, datetime] | None, moment: datetime) -> float:
    if window is None:
        return 0.0
    start, end = (t.timestamp() for t in window)
    return round(min(max((moment.timestamp() - start) / (end - start), 0.0), 1.0) * 100, 3)


def _ticks(window: tuple[datetime, datetime] | None) -> tuple[Tick, ...]:
    if window is None:
        return ()
    start, end = window
    span = end.timestamp() - start.timestamp()
    hour = start.replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
    out = []
    while hour < end:
        if hour.hour % 3 == 0:
            left = (hour.timestamp() - start.timestamp()) / span * 100
            out.append(Tick(round(left, 2), str(hour.hour)))
        hour += timedelta(hours=1)
    return tuple(out)


def _block_cards(
    blocks: tuple[planner.BlockView, ...],
    mode: str,
    window: tuple[datetime, datetime] | None = None,
    lanes: int = 1,
    upcoming: tuple[planner.BlockView, ...] = (),
) -> tuple[BlockCard, ...]:
    cards = []
    for b in blocks:
        left = width = 0.0
        on_timeline = False
        if window is not None:
            w_start, w_end = (t.timestamp() for t in window)
            span = w_end - w_start
            s = max(b.start.timestamp(), w_start)
            e = min(b.end.timestamp(), w_end)
            on_timeline = e > s
            if on_timeline:
                left = (s - w_start) / span * 100
                width = (e - s) / span * 100
        cards.append(
            BlockCard(
                id=b.block.id,
                titles=label("free", mode)
                if b.free
                else texts(b.block.title_ja, b.block.title_en, mode),
                icon=_icon(b.block.icon, "clock"),
                colour=b.colour,
                start=ms(b.start),
                end=ms(b.end),
                start_label=hh_mm(b.start),
                end_label=hh_mm(b.end),
                chips=_chips(b.members, mode),
                current=b.current,
                past=b.past,
                upcoming=b in upcoming,
                remaining=round(1 - b.progress, 4),
                minutes_left=b.minutes_left,
                left_texts=_left_texts(b.minutes_left, mode),
                left=round(left, 3),
                width=round(width, 3),
                top=round(b.lane / lanes * 100, 3),
                height=round(100 / lanes, 3),
                on_timeline=on_timeline,
                event=b.event is not None,
            )
        )
    return tuple(cards)


def _chore_urls(display: Display) -> Callable[[int, date], str]:
    """The tick address of a chore on a day, resolved once per render: reverse()
    for each of a big family's chores cost more than drawing them."""
    head, tail = reverse("wall-chore", args=[display.token, 1, "2000-01-01"]).split(
        "/1/2000-01-01/"
    )
    return lambda chore_id, day: f"{head}/{chore_id}/{day.isoformat()}/{tail}"


def _chore_cards(
    chores: tuple[planner.ChoreView, ...],
    mode: str,
    display: Display,
    at: str,
    tomorrow: bool = False,
) -> tuple[ChoreCard, ...]:
    """Chores as the wall lists them; `tomorrow`: in the evening box, where a
    "by" time is the next morning's deadline."""
    cards = []
    chore_url = _chore_urls(display)
    for c in chores:
        due_labels: tuple[Text, ...] = ()
        if c.due is not None:
            clock = hh_mm(c.due)
            by = "tomorrow_by" if tomorrow else "by"
            # One language is enough next to a clock time.
            due_labels = (
                label(by, mode, time=clock)[:1]
                if c.chore.time_kind == Chore.TimeKind.BY
                else (Text("", clock),)
            )
        flags: tuple[Text, ...] = ()
        if c.cancelled:
            flags = label("cancelled", mode)
        elif c.year_mark:
            flags = label(c.year_mark, mode)
        url = chore_url(c.chore.id, c.date)
        cards.append(
            ChoreCard(
                id=c.chore.id,
                titles=texts(c.chore.title_ja, c.chore.title_en, mode),
                icon=_icon(c.chore.icon, "star"),
                due=ms(c.due) if c.due is not None else None,
                due_labels=due_labels,
                chips=_chips(c.assignees, mode),
                done=c.done,
                toggle_url=url + (f"?{urlencode({'at': at})}" if at else ""),
                cancelled=c.cancelled,
                flags=flags,
            )
        )
    return tuple(cards)


def _marks_to_show(view: planner.DayView) -> tuple[planner.YearMark, ...]:
    """The soonest marks, less those the evening box already shows with their mark."""
    in_the_box = {(c.chore.id, c.date) for c in view.get_ready} if view.show_tomorrow else set()
    shown = [m for m in view.year_marks if (m.chore.id, m.date) not in in_the_box]
    return tuple(shown[:YEAR_MARKS_SHOWN])


def _year_mark_groups(marks: tuple[planner.YearMark, ...], mode: str) -> tuple[YearMarkGroup, ...]:
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


def _patterned(key: str, name: str, value: object, mode: str) -> tuple[Text, ...]:
    """A label with its value filled in, and with "#" for the script to fill in later."""
    filled = label(key, mode, **{name: value})
    patterns = label(key, mode, **{name: "#"})
    return tuple(Text(f.lang, f.text, p.text) for f, p in zip(filled, patterns, strict=True))


def countdown_form(minutes: int) -> tuple[str, dict[str, int]]:
    """Which COUNTDOWN text says `minutes`, and its values (kiosk.js mirrors this)."""
    hours, rest = divmod(max(0, minutes), 60)
    suffix = "_p" if str(rest)[-1] in PUN_DIGITS else ""
    if not hours:
        return "minutes" + suffix, {"minutes": rest}
    if not rest:
        return "hours", {"hours": hours}
    return "hours_minutes" + suffix, {"hours": hours, "minutes": rest}


def _left_texts(minutes: int, mode: str) -> tuple[Text, ...]:
    """The countdown in each language, with every form for the script to pick from
    ("|"-separated in COUNTDOWN's order, "#h" and "#m" for the numbers)."""
    key, values = countdown_form(minutes)
    filled = label(key, mode, COUNTDOWN, **values)
    patterns = _countdown_patterns(mode)
    if len(patterns) != len(filled):  # a form left untranslated
        return filled
    return tuple(
        Text(text.lang, text.text, pattern) for text, pattern in zip(filled, patterns, strict=True)
    )


@functools.cache
def _countdown_patterns(mode: str) -> tuple[str, ...]:
    """Per language, every COUNTDOWN form joined by "|": the same for every render."""
    forms = [label(k, mode, COUNTDOWN, hours="#h", minutes="#m") for k in COUNTDOWN]
    if any(len(form) != len(forms[0]) for form in forms):
        return ()
    return tuple("|".join(form[i].text for form in forms) for i in range(len(forms[0])))


def _reload_at(moment: datetime) -> datetime:
    """The next nightly reload, at least a minute away so a reload never repeats itself."""
    tz = moment.tzinfo
    assert isinstance(tz, ZoneInfo)
    hour = time(settings.WALL_RELOAD_HOUR % 24)
    for days in range(3):
        candidate = planner.at(moment.date() + timedelta(days=days), hour, tz)
        if candidate > moment + timedelta(minutes=1):
            return candidate
    raise AssertionError("a reload hour comes every day")


def build(display: Display, moment: datetime, loaded: Loaded, at: str = "") -> Wall:
    """The wall of `display` at `moment`, from already loaded data."""
    tz = moment.tzinfo
    assert isinstance(tz, ZoneInfo)
    mode = display.language
    today = moment.date()
    view = loaded.day(today, moment)
    window = _window(view)
    spans = nights(display, today)
    morning = planner.morning_after(loaded.household, moment, spans, loaded.members)
    morning_blocks: tuple[BlockCard, ...] = ()
    morning_chores: tuple[ChoreCard, ...] = ()
    if morning is not None:
        morning_blocks = _block_cards(morning.blocks, mode)
        morning_chores = _chore_cards(morning.chores, mode, display, at)
    tomorrow_day = today + timedelta(days=1)
    query = {"at": at} if at else {}
    poll_url = reverse("wall-panel", args=[display.token])
    if query:
        poll_url += "?" + urlencode(query)
    holiday = texts(view.holiday.name_ja, view.holiday.name_en, mode) if view.holiday else ()
    lanes = max(view.lane_count, 1)
    blocks = _block_cards(view.blocks, mode, window, lanes, view.next_blocks)
    offset = moment.utcoffset() or timedelta(0)
    return Wall(
        display=display,
        moment=moment,
        version=version(display, moment, view),
        lang=languages(mode)[0],
        dates=formatted_date(today, mode),
        holiday=holiday,
        clock=hh_mm(moment),
        blocks=blocks,
        current_count=sum(b.current for b in blocks),
        chores=_chore_cards(view.chores, mode, display, at),
        tomorrow=_chore_cards(view.get_ready, mode, display, at, tomorrow=True),
        show_tomorrow=view.show_tomorrow,
        notes=tuple(
            NoteCard(texts(n.text_ja, n.text_en, mode), _icon(n.icon, "star")) for n in view.notes
        ),
        year_marks=_year_mark_groups(_marks_to_show(view), mode),
        lanes=lanes,
        ticks=_ticks(window),
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
        labels={key: label(key, mode) for key in LABELS if key not in _VALUED},
        offline_texts=_patterned("offline", "time", hh_mm(moment), mode),
        reload_at=ms(_reload_at(moment)),
        now_left=_now_left(window, moment),
        may_complete=display.may_complete_chores,
        all_day=tuple(texts(e.title_ja, e.title_en, mode) for e in view.all_day),
    )
