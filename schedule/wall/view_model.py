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
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from django.conf import settings
from django.urls import reverse
from django.utils import formats, translation
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from schedule import planner
from schedule.chores.models import Chore
from schedule.common.colours import ink_on
from schedule.common.icons import is_icon
from schedule.family.models import Display

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise
from schedule.wall.polling import Loaded, nights, version

# The countdown is a Time Timer: a face of one hour, the time left drawn as a
# disc (a circle of radius 25 with a 50-wide stroke, its visible arc the
# stroke-dasharray) that shrinks to nothing at twelve o'clock, where the block
# ends. A longer block shows a dot beside the face for each whole hour more.
DISC_MINUTES = 60
PIE_CIRCUMFERENCE = 157.08
MOST_HOUR_DOTS = 8
DATE_FORMATS = {"ja": "n月j日 (D)", "en": "l, j F"}
# The timeline draws an hour before now and four after at a readable scale;
# the rest of the day is squeezed into its ends (kiosk.js moves the window).
TIMELINE_BEFORE = timedelta(hours=1)
TIMELINE_AFTER = timedelta(hours=4)
TIMELINE_EDGE = 10.0  # percent of the width for each squeezed end
SHORT_DATE_FORMATS = {"ja": "n/j (D)", "en": "D j M"}

LABELS: dict[str, str | _StrPromise] = {
    "next": _("Next"),
    # Above the block that follows the current one: "first this, then that".
    "then": _("Then"),
    "chores": _("Chores"),
    # A routine's big button: the child did the step shown.
    "step_done": pgettext_lazy("wall", "Done!"),
    "routine_finished": pgettext_lazy("wall", "All done!"),
    "stars": pgettext_lazy("wall", "Stars"),
    # Takes back the last step ticked by mistake.
    "undo": pgettext_lazy("wall", "Undo"),
    "tomorrow": _("Tomorrow"),
    "everyone": _("Everyone"),
    "free": _("Free time"),
    "no_chores": _("No chores today"),
    "morning": _("Tomorrow morning"),
    "this_morning": _("This morning"),
    "until_wake": _("Until wake-up"),
    "good_night": _("Good night"),
    # A chore whose time has passed undone: faded, not alarming all evening.
    "missed": _("Missed"),
    "tomorrow_by_day": _("Tomorrow by %(time)s"),
    "tomorrow_at": _("Tomorrow at %(time)s"),
    # On a chore whose tap never reached the server (the wall was offline).
    "not_saved": _("Not saved – tap again"),
    "offline": _("Offline since %(time)s"),
    # A wall with the chime on: tablets play no sound until someone touches the screen.
    "sound_on": _("Tap to turn the sound on"),
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
    reading: str = ""  # kana over the kanji (furigana), on displays that show them

    @functools.cached_property
    def html(self) -> SafeString:
        """The text, escaped, with its reading as ruby, and with places to wrap.

        Japanese wraps only at "・", spaces and after a particle (the CSS says
        keep-all), so a title never breaks inside a word: "保育園・学校" may
        become two lines at the dot, never "保育園・学 / 校"; "家族で / あそぶ".
        Where title and reading have the same parts, each part carries its own
        ruby, so the two can wrap together.
        """
        if self.lang != "ja":
            return conditional_escape(self.text)
        parts = self.text.split("・")
        readings = self.reading.split("・") if self.reading else []
        if readings and len(readings) != len(parts):
            parts, readings = [self.text], [self.reading]
        out = []
        for index, part in enumerate(parts):
            if readings and readings[index] and readings[index] != part:
                out.append(format_html("<ruby>{}<rt>{}</rt></ruby>", part, readings[index]))
            else:
                out.append(mark_safe("<wbr>".join(conditional_escape(p) for p in phrases(part))))
        return mark_safe("・<wbr>".join(out))


# Particles that end a phrase when they follow a kanji or katakana word:
# "家族で|あそぶ", "植物に|水やり", "ルンバの|スイッチ".
PARTICLES = frozenset("でにをはがのとへも")


def _is_word_char(char: str) -> bool:
    return "\u4e00" <= char <= "\u9fff" or "\u30a0" <= char <= "\u30ff" or char == "々"


def phrases(text: str) -> list[str]:
    """Japanese `text` cut where a line may wrap without breaking a word: after
    a particle that follows a kanji or katakana word (a rough rule, and a safe
    one: a place it misses only keeps two phrases together)."""
    pieces, start = [], 0
    # Two characters at least on each side: "着が / え" and "勤労感謝の / 日"
    # would be an ending and a word cut off, not two phrases.
    for index in range(1, len(text) - 2):
        if text[index] in PARTICLES and _is_word_char(text[index - 1]) and index > start:
            following = text[index + 1]
            if following not in PARTICLES and following not in "ゃゅょっー、。）」":
                pieces.append(text[start : index + 1])
                start = index + 1
    pieces.append(text[start:])
    return pieces


# Every block and chore asks for its texts on every render: the same few
# thousand at most, and a cached Text keeps its escaped HTML (with ruby and
# wrap points) from one render to the next.
@functools.lru_cache(maxsize=4096)
def texts(ja: str, en: str, mode: str, reading: str = "") -> tuple[Text, ...]:
    """The texts a display in `mode` shows, each with the language it is really in
    (`reading`: the Japanese text's kana, for a display that shows readings)."""
    both = (Text("ja", ja, reading=reading), Text("en", en))
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
    if table is COUNTDOWN:  # _left_texts() keeps those, with their patterns
        return _fill(forms, tuple(params.items()))
    return _filled(forms, tuple(params.items()))


def _fill(
    forms: tuple[tuple[str, str], ...], params: tuple[tuple[str, object], ...]
) -> tuple[Text, ...]:
    out: list[Text] = []
    for lang, text in forms:
        text = text % dict(params) if params else text
        if all(t.text != text for t in out):
            out.append(Text(lang, text))
    return tuple(out)


# "by 8:00" on each of a big family's chores.
_filled = functools.lru_cache(maxsize=4096)(_fill)


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
    ink: str  # the letters' colour on `colour`


@dataclass(frozen=True)
class JobCard:
    """A chore that is the block's job (the Roomba's switch): whose turn it is."""

    titles: tuple[Text, ...]
    chips: tuple[Chip, ...]


@dataclass(frozen=True)
class BlockFace:
    """What a block's card shows whatever the moment: made once for the plans
    a wall loaded (Loaded.lasting), as a big family's thousand blocks cost more
    to make again each render than to draw."""

    id: int
    titles: tuple[Text, ...]
    icon: str
    colour: str
    start: int
    end: int
    start_label: str
    end_label: str
    chips: tuple[Chip, ...]
    top: float  # timeline geometry, percent
    height: float
    event: bool  # a subscribed calendar's event, drawn apart from the plan's blocks
    free: bool  # the stretch between two blocks
    jobs: tuple[JobCard, ...]
    # What markup.py drew of this face, kept with it.
    drawn: dict[str, tuple[str, ...]] = field(default_factory=dict, compare=False, repr=False)


class _OnFace[T]:
    """A BlockCard's field that no moment changes: read from its face."""

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    def __get__(self, card: BlockCard, owner: type | None = None) -> T:
        return getattr(card.face, self.name)  # type: ignore[no-any-return]


@dataclass(frozen=True)
class BlockCard:
    face: BlockFace
    current: bool
    past: bool
    upcoming: bool
    # The first upcoming one: the "then" of "first this, then that".
    then: bool
    minutes_left: int
    left_texts: tuple[Text, ...]
    left: float  # timeline geometry, percent
    width: float
    on_timeline: bool
    hours: int = 0  # whole hours left beyond the disc's hour

    id = _OnFace[int]()
    titles = _OnFace[tuple[Text, ...]]()
    icon = _OnFace[str]()
    colour = _OnFace[str]()
    start = _OnFace[int]()
    end = _OnFace[int]()
    start_label = _OnFace[str]()
    end_label = _OnFace[str]()
    chips = _OnFace[tuple[Chip, ...]]()
    top = _OnFace[float]()
    height = _OnFace[float]()
    event = _OnFace[bool]()
    free = _OnFace[bool]()
    jobs = _OnFace[tuple[JobCard, ...]]()

    @property
    def pie(self) -> float:
        """The disc's visible arc: the minutes left on a face of one hour."""
        minutes = self.minutes_left - 60 * self.hours
        return round(min(minutes, DISC_MINUTES) / DISC_MINUTES * PIE_CIRCUMFERENCE, 3)

    @property
    def hour_dots(self) -> range:
        """A dot for each whole hour left beyond the face (the script hides them as they pass)."""
        return range(min(self.hours, MOST_HOUR_DOTS))


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
    # What markup.py drew of this card, kept with it.
    drawn: dict[object, tuple[str, ...]] = field(default_factory=dict, compare=False, repr=False)


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
    at: int = 0  # ms, for the script to place it as the window moves


@dataclass(frozen=True)
class StepCard:
    titles: tuple[Text, ...]
    icon: str
    done: bool
    current: bool


@dataclass(frozen=True)
class RoutineCard:
    """One child's routine in the current block: the step to do drawn big, a
    button to say it is done, the steps done and to come as small pictures."""

    member: Chip
    member_id: int
    titles: tuple[Text, ...]
    colour: str  # the block's
    steps: tuple[StepCard, ...]
    current: StepCard | None  # None once every step is done
    done_count: int
    tick_url: str  # ticks the current step ("" when finished)
    undo_url: str  # unticks the last step done ("" before the first)
    stars: int  # what finishing it brings
    then_titles: tuple[Text, ...] = ()  # what comes after it for this child
    then_icon: str = ""
    # ms: when the current step should be done, by the minutes of it and the
    # steps before it (0 unless each has minutes); the wall cues it then.
    until: int = 0
    undo_icon: str = ""  # the picture of the step the undo button takes back


@dataclass(frozen=True)
class StarCard:
    """A child's stars and the reward they save for: small, not a leaderboard."""

    member: Chip
    balance: int
    goal_titles: tuple[Text, ...]
    goal_icon: str
    goal_price: int
    percent: int  # towards the goal


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
    cues: str = ""  # minutes before a block ends that the wall says what comes next: "5 2"
    chime: bool = False
    wake: int = 0  # ms: the morning's first block, for the night's countdown
    wake_texts: tuple[Text, ...] = ()
    one_language: bool = False
    routines: tuple[RoutineCard, ...] = ()
    stars: tuple[StarCard, ...] = ()
    # What a chore's tick address ends with: "?at=…" on a wall shown at a
    # moment of its own, else nothing. Apart from the cards, which are kept
    # from moment to moment (Loaded.lasting).
    toggle_query: str = ""

    @property
    def busy_with_routines(self) -> bool:
        """A routine is under way: it takes the side column until it is done."""
        return any(r.current is not None for r in self.routines)

    @property
    def now(self) -> int:
        return ms(self.moment)

    @property
    def timeline_before(self) -> int:
        return int(TIMELINE_BEFORE.total_seconds() * 1000)

    @property
    def timeline_after(self) -> int:
        return int(TIMELINE_AFTER.total_seconds() * 1000)


def _icon(name: str, fallback: str) -> str:
    return name if is_icon(name) else fallback


@functools.lru_cache(maxsize=1024)
def _chips(members: tuple[planner.MemberData, ...], mode: str) -> tuple[Chip, ...]:
    return tuple(
        Chip(texts(m.name_ja, m.name_en, mode), m.colour, _icon(m.icon, "person"), ink_on(m.colour))
        for m in members
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


class _Timeline:
    """Where an instant sits on the timeline, in percent of its width, at a moment.

    An hour before the moment and four after take the middle (80 %) at one
    scale; whatever of the day lies before or after that is squeezed into 10 %
    at each end, so the evening routine is readable while it comes, and a
    four-hour workday does not crowd out ten-minute blocks. kiosk.js draws the
    same with `place()` as time passes.
    """

    def __init__(self, window: tuple[datetime, datetime], moment: datetime) -> None:
        self.first, self.last = (t.timestamp() for t in window)
        now = moment.timestamp()
        self.lo = max(self.first, min(now - TIMELINE_BEFORE.total_seconds(), self.last))
        self.hi = min(self.last, max(now + TIMELINE_AFTER.total_seconds(), self.first))
        self.left = TIMELINE_EDGE if self.lo > self.first else 0.0
        self.right = 100 - TIMELINE_EDGE if self.hi < self.last else 100.0

    def place(self, instant: float) -> float:
        t = min(max(instant, self.first), self.last)
        if t <= self.lo:
            return self._scale(t, self.first, self.lo, 0.0, self.left)
        if t <= self.hi:
            return self._scale(t, self.lo, self.hi, self.left, self.right)
        return self._scale(t, self.hi, self.last, self.right, 100.0)

    @staticmethod
    def _scale(t: float, a: float, b: float, x: float, y: float) -> float:
        return x if b <= a else x + (t - a) / (b - a) * (y - x)


def _now_left(window: tuple[datetime, datetime] | None, moment: datetime) -> float:
    if window is None:
        return 0.0
    return round(_Timeline(window, moment).place(moment.timestamp()), 3)


def _ticks(window: tuple[datetime, datetime] | None, moment: datetime) -> tuple[Tick, ...]:
    """Every whole hour of the day: the script shows those in the readable window."""
    if window is None:
        return ()
    line = _Timeline(window, moment)
    start, end = window
    hour = start.replace(minute=0, second=0, microsecond=0) + timedelta(hours=1)
    out = []
    while hour < end:
        instant = hour.timestamp()
        out.append(Tick(round(line.place(instant), 2), str(hour.hour), ms(hour)))
        hour += timedelta(hours=1)
    return tuple(out)


def _block_cards(
    blocks: tuple[planner.BlockView, ...],
    mode: str,
    window: tuple[datetime, datetime] | None = None,
    lanes: int = 1,
    upcoming: tuple[planner.BlockView, ...] = (),
    moment: datetime | None = None,
    readings: bool = False,
    faces: dict[tuple[object, ...], BlockFace] | None = None,
) -> tuple[BlockCard, ...]:
    """The blocks' cards at `moment`; their faces are taken from `faces` (and
    kept there) when they were made before."""
    line = _Timeline(window, moment) if window is not None and moment is not None else None
    faces = {} if faces is None else faces
    if len(faces) > LASTING_KEPT:
        faces.clear()
    then = upcoming[0] if upcoming else None
    cards = []
    for b in blocks:
        key = (b.block.id, b.block.event_id, b.free, b.start, b.end, b.lane, lanes, mode, readings)
        face = faces.get(key)
        if face is None:
            face = faces[key] = _face(b, mode, lanes, readings)
        left = width = 0.0
        on_timeline = False
        if line is not None:
            s = max(b.start.timestamp(), line.first)
            e = min(b.end.timestamp(), line.last)
            on_timeline = e > s
            if on_timeline:
                left = line.place(s)
                width = line.place(e) - left
        cards.append(
            BlockCard(
                face=face,
                current=b.current,
                past=b.past,
                upcoming=b in upcoming,
                then=b is then,
                minutes_left=b.minutes_left,
                left_texts=_left_texts(b.minutes_left, mode),
                left=round(left, 3),
                width=round(width, 3),
                on_timeline=on_timeline,
                hours=max(0, b.minutes_left - 1) // 60 if b.minutes_left > DISC_MINUTES else 0,
            )
        )
    return tuple(cards)


# Block faces and chore cards kept per loaded plans (Loaded.lasting): a day's
# blocks and chores, the next morning's; past this many, they are made again.
LASTING_KEPT = 8192


def _face(b: planner.BlockView, mode: str, lanes: int, readings: bool) -> BlockFace:
    return BlockFace(
        id=b.block.id,
        titles=label("free", mode)
        if b.free
        else texts(b.block.title_ja, b.block.title_en, mode, b.block.reading if readings else ""),
        icon=_icon(b.block.icon, "clock"),
        colour=b.colour,
        start=ms(b.start),
        end=ms(b.end),
        start_label=hh_mm(b.start),
        end_label=hh_mm(b.end),
        chips=_chips(b.members, mode),
        top=round(b.lane / lanes * 100, 3),
        height=round(100 / lanes, 3),
        event=b.event is not None,
        free=b.free,
        jobs=tuple(
            JobCard(
                texts(
                    j.chore.title_ja, j.chore.title_en, mode, j.chore.reading if readings else ""
                ),
                _chips(j.assignees, mode),
            )
            for j in b.jobs
        ),
    )


def _chore_urls(display: Display) -> Callable[[int, date], str]:
    """The tick address of a chore on a day, resolved once per render: reverse()
    for each of a big family's chores cost more than drawing them."""
    head, tail = reverse("wall-chore", args=[display.token, 1, "2000-01-01"]).split(
        "/1/2000-01-01/"
    )
    return lambda chore_id, day: f"{head}/{chore_id}/{day.isoformat()}/{tail}"


# How long after an "at" chore's time it still counts as on time.
AT_GRACE = timedelta(hours=1)


def _chore_cards(
    chores: tuple[planner.ChoreView, ...],
    mode: str,
    display: Display,
    tomorrow: bool = False,
    made: dict[tuple[object, ...], Any] | None = None,
) -> tuple[ChoreCard, ...]:
    """Chores as the wall lists them; `tomorrow`: in the evening box, where a
    "by" time is the next morning's deadline, and which leaves out what was
    called off. A card made before for the same plans is taken from `made`
    (and kept there): after a tap, only the chore tapped needs a new one."""
    made = {} if made is None else made
    if len(made) > LASTING_KEPT:
        made.clear()
    cards = []
    chore_url = _chore_urls(display)
    for c in chores:
        if tomorrow and c.cancelled:
            continue
        key = ("chore card", c.chore.id, c.date, tomorrow, c.done, mode, display.show_readings)
        card = made.get(key)
        if card is None:
            card = made[key] = _chore_card(c, mode, display, tomorrow, chore_url)
        cards.append(card)
    return tuple(cards)


def _chore_card(
    c: planner.ChoreView,
    mode: str,
    display: Display,
    tomorrow: bool,
    chore_url: Callable[[int, date], str],
) -> ChoreCard:
    """A chore's card, as the moment does not change it."""
    readings = display.show_readings
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


@functools.lru_cache(maxsize=2048)  # a day's minutes in each language mode
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


def _step_url(display: Display, step: planner.StepView, day: date, at: str) -> str:
    url = reverse("wall-step", args=[display.token, step.step.id, day])
    return url + (f"?{urlencode({'at': at})}" if at else "")


def _routine_cards(
    view: planner.DayView, mode: str, display: Display, at: str, readings: bool
) -> tuple[RoutineCard, ...]:
    """The routines of the current blocks, a card for each child."""

    def shown_reading(reading: str) -> str:
        return reading if readings else ""

    cards = []
    for block in view.current:
        for r in block.routines:
            steps = tuple(
                StepCard(
                    texts(s.step.title_ja, s.step.title_en, mode, shown_reading(s.step.reading)),
                    _icon(s.step.icon, "star"),
                    s.done,
                    s.current,
                )
                for s in r.steps
            )
            current = next((c for c in steps if c.current), None)
            last_done = next((s for s in reversed(r.steps) if s.done), None)
            then = r.then
            cards.append(
                RoutineCard(
                    member=_chips((r.member,), mode)[0],
                    member_id=r.member.id,
                    titles=texts(r.routine.title_ja, r.routine.title_en, mode),
                    colour=block.colour,
                    steps=steps,
                    current=current,
                    done_count=r.done_count,
                    tick_url=_step_url(display, r.current, r.day, at) if r.current else "",
                    undo_url=_step_url(display, last_done, r.day, at) if last_done else "",
                    stars=r.stars,
                    then_titles=texts(then.title_ja, then.title_en, mode) if then else (),
                    then_icon=_icon(then.icon, "star") if then else "",
                    until=ms(r.current.until) if r.current and r.current.until else 0,
                    undo_icon=_icon(last_done.step.icon, "star") if last_done else "",
                )
            )
    return tuple(cards)


def _star_cards(view: planner.DayView, mode: str) -> tuple[StarCard, ...]:
    cards = []
    for s in view.stars:
        goal = s.goal
        cards.append(
            StarCard(
                member=_chips((s.member,), mode)[0],
                balance=s.balance,
                goal_titles=texts(goal.title_ja, goal.title_en, mode) if goal else (),
                goal_icon=_icon(goal.icon, "gift") if goal else "",
                goal_price=goal.price if goal else 0,
                percent=round(100 * s.progress),
            )
        )
    return tuple(cards)


def build(display: Display, moment: datetime, loaded: Loaded, at: str = "") -> Wall:
    """The wall of `display` at `moment`, from already loaded data."""
    tz = moment.tzinfo
    assert isinstance(tz, ZoneInfo)
    mode = display.language
    readings = display.show_readings
    today = moment.date()
    view = loaded.day(today, moment)
    window = _window(view)
    spans = nights(display, today)
    morning = planner.morning_after(loaded.household, moment, spans, loaded.members)
    morning_blocks: tuple[BlockCard, ...] = ()
    morning_chores: tuple[ChoreCard, ...] = ()
    wake = 0
    if morning is not None:
        morning_blocks = _block_cards(morning.blocks, mode, readings=readings, faces=loaded.lasting)
        morning_chores = _chore_cards(morning.chores, mode, display, made=loaded.lasting)
        if morning.blocks:
            wake = ms(morning.blocks[0].start)
    wake_left = max(0, -(-(wake - ms(moment)) // 60000)) if wake else 0
    tomorrow_day = today + timedelta(days=1)
    query = {"at": at} if at else {}
    poll_url = reverse("wall-panel", args=[display.token])
    if query:
        poll_url += "?" + urlencode(query)
    holiday = texts(view.holiday.name_ja, view.holiday.name_en, mode) if view.holiday else ()
    lanes = max(view.lane_count, 1)
    blocks = _block_cards(
        view.blocks, mode, window, lanes, view.next_blocks, moment, readings, loaded.lasting
    )
    offset = moment.utcoffset() or timedelta(0)
    # "This morning" once the night has passed midnight, "tomorrow morning" before.
    labels = {key: label(key, mode) for key in LABELS if "%(" not in str(LABELS[key])}
    if wake and morning is not None and morning.blocks[0].start.date() == today:
        labels["morning"] = labels["this_morning"]
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
        chores=_chore_cards(view.chores, mode, display, made=loaded.lasting),
        tomorrow=_chore_cards(view.tomorrow_chores, mode, display, True, loaded.lasting),
        show_tomorrow=view.show_tomorrow,
        notes=tuple(
            NoteCard(texts(n.text_ja, n.text_en, mode), _icon(n.icon, "star")) for n in view.notes
        ),
        year_marks=_year_mark_groups(_marks_to_show(view), mode),
        lanes=lanes,
        ticks=_ticks(window, moment),
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
        offline_texts=_patterned("offline", "time", hh_mm(moment), mode),
        reload_at=ms(_reload_at(moment)),
        now_left=_now_left(window, moment),
        may_complete=display.may_complete_chores,
        all_day=tuple(texts(e.title_ja, e.title_en, mode) for e in view.all_day),
        cues=" ".join(str(minutes) for minutes in display.cues),
        chime=display.chime,
        wake=wake,
        wake_texts=_left_texts(wake_left, mode),
        one_language=mode != Display.Language.BOTH,
        routines=_routine_cards(view, mode, display, at, readings),
        stars=_star_cards(view, mode) if display.show_stars else (),
        toggle_query=f"?{urlencode(query)}" if query else "",
    )
