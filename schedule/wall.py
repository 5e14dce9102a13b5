"""The wall's side of a request: the poll version, the heartbeat, and the view model.

Views find the Display here (with the family's revision, in one query), ask
for the version of what the wall would show at a moment, and get a `Wall`:
plain values the kiosk template prints without deciding anything — texts with
their `lang`, instants in milliseconds for the ticking script, the timeline's
geometry. What is happening at a moment is still the planner's business.

The poll version is "revision.date.k", k being how many of the day's
boundaries (a block starts or ends, the night starts or ends, the evening
switch to tomorrow's chores) have passed. Everything else the wall shows
changes only with the data (the revision) or the date, and the ticking
script moves the clock, the countdown and the highlight in between. The
boundaries of a day are kept per process, so an unchanged poll loads nothing.
"""

from __future__ import annotations

import bisect
import functools
import hashlib
import logging
import re
import threading
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.staticfiles import finders
from django.contrib.staticfiles.storage import staticfiles_storage
from django.db import DatabaseError, connection
from django.db.models import IntegerField, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import HttpRequest
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from . import planner
from .icons import is_icon
from .loading import load_household
from .models import Chore, Display, Revision
from .recurrence import RecurrenceError

log = logging.getLogger(__name__)

# From this time on the wall shows tomorrow's chores: the trash goes out
# early in the morning, so the family gets it ready the evening before.
TOMORROW_FROM = time(17, 0)
TOKEN = re.compile(r"[A-Za-z0-9_-]{1,64}")
AT = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}")
# `?at=` outside these years is a typo, and near date.min/max the day ± 1
# arithmetic of the loader would overflow.
YEARS = range(2000, 2101)
HOW_MANY_NEXT = 3
MORNING_BLOCKS = 3
# A pleasant colour for blocks that name none and have no single member.
PALETTE = ("#4f86c6", "#e0a030", "#5aa469", "#c0607a", "#8a6fc0", "#3aa0a8", "#d0703a")
# The countdown is a circle of radius 10 drawn with a 20-wide stroke: a disc
# whose visible arc (stroke-dasharray) shrinks as the block runs out.
PIE_CIRCUMFERENCE = 62.832
DATE_FORMATS = {"ja": "n月j日 (D)", "en": "l, j F"}
ASSETS = ("kiosk/kiosk.css", "kiosk/kiosk.js", "vendor/htmx-1.9.12.es5.js", "icons/sprite.svg")

LABELS = {
    "next": _("Next"),
    "chores": _("Chores"),
    "tomorrow": _("Tomorrow"),
    "everyone": _("Everyone"),
    "free": _("Free time"),
    "no_chores": _("No chores today"),
    "morning": _("Next morning"),
    "good_night": _("Good night"),
    "offline": _("Offline since %(time)s"),
    "by": _("by %(time)s"),
}

# The countdown under the current block, in the forms a child reads best:
# minutes under an hour, else hours and minutes. Japanese reads the counter 分
# as ふん or ぷん by the number's last digit (5 ごふん, 10 じゅっぷん), which the
# contexts let the catalogue spell; English has one form for both.
COUNTDOWN = {
    # Translators: keep a number and its word together with no-break spaces, so
    # a narrow wall wraps the countdown only between the hours and the minutes.
    "minutes": pgettext_lazy("countdown; 分 read ふん", "%(minutes)s min left"),
    "minutes_p": pgettext_lazy("countdown; 分 read ぷん", "%(minutes)s min left"),
    "hours": _("%(hours)s h left"),
    "hours_minutes": pgettext_lazy("countdown; 分 read ふん", "%(hours)s h %(minutes)s min left"),
    "hours_minutes_p": pgettext_lazy("countdown; 分 read ぷん", "%(hours)s h %(minutes)s min left"),
}
# Last digits after which 分 reads ぷん: いっぷん, さんぷん, よんぷん, ろっぷん,
# はっぷん, じゅっぷん (and ふん after 2, 5, 7, 9: にふん, ごふん, ななふん, きゅうふん).
PUN_DIGITS = frozenset("013468")


def household_tz() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


def hh_mm(moment: datetime) -> str:
    return f"{moment.hour}:{moment.minute:02d}"


# Finding the display and the moment --------------------------------------------------


def displays():
    """Displays with the family's revision attached, so one query answers a poll."""
    revision = Revision.objects.filter(pk=1).values("value")[:1]
    return Display.objects.annotate(
        revision=Coalesce(Subquery(revision), Value(0), output_field=IntegerField())
    )


# The same question as `displays().filter(token=...)`, asked in plain SQL and
# turned into a Display by hand: on the unchanged poll, building the ORM query
# and the raw queryset cost more than running the query (72 µs against 25 µs),
# and that poll is most of what the server ever does.
_FIELDS = Display._meta.concrete_fields


@functools.cache
def _find_display_sql(vendor: str) -> tuple[str, list]:
    quote = connection.ops.quote_name
    columns = ", ".join(f"d.{quote(field.column)}" for field in _FIELDS)
    sql = (
        f"SELECT {columns}, COALESCE((SELECT r.value FROM {quote(Revision._meta.db_table)} r"
        f" WHERE r.id = 1), 0) FROM {quote(Display._meta.db_table)} d WHERE d.token = %s"
    )
    converters = []
    for field in _FIELDS:
        column = field.get_col(Display._meta.db_table)
        functions = connection.ops.get_db_converters(column)
        converters.append((column, functions + column.get_db_converters(connection)))
    return sql, converters


def find_display(token: str) -> Display | None:
    """The display with this token, or None; a malformed token never reaches the database."""
    if not TOKEN.fullmatch(token):
        return None
    sql, converters = _find_display_sql(connection.vendor)
    with connection.cursor() as cursor:
        cursor.execute(sql, [token])
        row = cursor.fetchone()
    if row is None:
        return None
    values = list(row[:-1])
    for index, (column, functions) in enumerate(converters):
        for convert in functions:
            values[index] = convert(values[index], column, connection)
    display = Display.from_db(connection.alias, [f.attname for f in _FIELDS], values)
    display.revision = row[-1]
    return display


def moment_from(raw: str | None, tz: ZoneInfo | None = None) -> datetime:
    """Now, or the moment `?at=YYYY-MM-DDTHH:MM` asks for; ValueError if malformed."""
    tz = tz or household_tz()
    if not raw:
        return timezone.now().astimezone(tz)
    if not AT.fullmatch(raw):
        raise ValueError(f"not YYYY-MM-DDTHH:MM: {raw!r}")
    naive = datetime.strptime(raw, "%Y-%m-%dT%H:%M")
    if naive.year not in YEARS:
        raise ValueError(f"year out of range: {raw!r}")
    return planner.at(naive.date(), naive.time(), tz)


def day_from(raw: str) -> date:
    """A YYYY-MM-DD date in the years the wall knows; ValueError otherwise."""
    if not re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", raw):
        raise ValueError(f"not YYYY-MM-DD: {raw!r}")
    day = date.fromisoformat(raw)
    if day.year not in YEARS:
        raise ValueError(f"year out of range: {raw!r}")
    return day


def note_seen(display: Display, request: HttpRequest, now: datetime | None = None) -> bool:
    """Record that this display asked, at most once a minute; True if it wrote.

    A queryset update, so the heartbeat neither bumps the revision nor runs
    the model's signals.
    """
    now = now or timezone.now()
    last = display.last_seen_at
    if last is not None and timedelta(0) <= now - last < Display.HEARTBEAT_EVERY:
        return False
    agent = request.headers.get("User-Agent", "")[:300]
    try:
        Display.objects.filter(pk=display.pk).update(last_seen_at=now, last_user_agent=agent)
    except DatabaseError as exc:
        # Best effort: a held write lock or a full disk must not cost the
        # tablet its answer, which needs only reads.
        log.warning("Display %s: could not note that it was seen: %s", display.pk, exc)
        return False
    display.last_seen_at, display.last_user_agent = now, agent
    return True


def shows_chore(display: Display, chore: Chore, day: date) -> bool:
    """Is `chore` due on `day` and on this display (its members filter)?"""
    try:
        if not chore.is_due_on(day):
            return False
    except (RecurrenceError, ValueError):
        return False  # a row saved around validation is on no wall
    shown = set(display.members.values_list("pk", flat=True))
    if not shown:
        return True
    assignees = set(chore.assignees.values_list("pk", flat=True))
    return not assignees or bool(assignees & shown)


# Loading and the poll version ---------------------------------------------------------


@dataclass(frozen=True)
class Loaded:
    """One display's data for a day: enough for today's and tomorrow's views."""

    household: planner.Household
    members: frozenset[int] | None

    def day(self, day: date, moment: datetime) -> planner.DayView:
        return planner.day_view(self.household, day, moment, self.members)


def load(display: Display, day: date) -> Loaded:
    """A fixed number of queries, whatever the size of the family's plans."""
    ids = frozenset(display.members.values_list("pk", flat=True))
    return Loaded(load_household(day, household_tz()), ids or None)


def nights(display: Display, day: date, tz: ZoneInfo) -> list[tuple[datetime, datetime]]:
    """The display's night hours that touch `day`, as (start, end) instants."""
    start, end = display.night_start, display.night_end
    if start is None or end is None or start == end:
        return []
    before, after = day - timedelta(days=1), day + timedelta(days=1)
    if start > end:  # 21:30–06:00: last night's end and tonight
        return [
            (planner.at(before, start, tz), planner.at(day, end, tz)),
            (planner.at(day, start, tz), planner.at(after, end, tz)),
        ]
    return [(planner.at(day, start, tz), planner.at(day, end, tz))]


def boundaries(display: Display, view: planner.DayView) -> tuple[datetime, ...]:
    """Every instant of the day at which the server would render the wall differently."""
    tz = view.moment.tzinfo
    assert isinstance(tz, ZoneInfo)
    instants = set(view.boundaries)
    for start, end in nights(display, view.date, tz):
        instants |= {start, end}
    instants.add(planner.at(view.date, TOMORROW_FROM, tz))
    return tuple(sorted(instants))


_times: dict[tuple[int, int, date], tuple[datetime, ...]] = {}
_times_lock = threading.Lock()
_TIMES_KEPT = 256


def _remember(key: tuple[int, int, date], times: tuple[datetime, ...]) -> None:
    with _times_lock:
        if len(_times) >= _TIMES_KEPT:
            _times.clear()  # old revisions and days; rebuilt on the next poll
        _times[key] = times


def forget_times() -> None:
    """Drop the per-process boundaries and panels (tests; a restored database)."""
    with _times_lock:
        _times.clear()
        _panels.clear()


# Rendered panels by (display, version, minute). A changed poll usually asks
# for what another poll (a second tablet, a reconnect) was just given; the
# version holds everything that changes the panel except the countdowns, and
# the minute bounds those to what the ticking script corrects on arrival.
_panels: dict[tuple[int, str, str], bytes] = {}
_PANELS_KEPT = 32


def cached_panel(display: Display, current: str, moment: datetime) -> bytes | None:
    return _panels.get((display.pk, current, f"{moment:%H%M}"))


def remember_panel(display: Display, current: str, moment: datetime, content: bytes) -> None:
    with _times_lock:
        if len(_panels) >= _PANELS_KEPT:
            _panels.clear()
        _panels[(display.pk, current, f"{moment:%H%M}")] = content


def knows_day(display: Display, moment: datetime) -> bool:
    """Has this process the boundaries of this display's day at this revision?"""
    return (display.pk, display.revision, moment.date()) in _times


def version(display: Display, moment: datetime, view: planner.DayView | None = None) -> str:
    """What the wall shows at `moment`, as a short string that changes when it changes.

    Needs `display.revision` (see `displays()`). Loads the day only when this
    process has not seen this display, revision and date yet, or uses `view`.
    """
    day = moment.date()
    key = (display.pk, display.revision, day)
    times = _times.get(key)
    if times is None:
        if view is None or view.date != day:
            view = load(display, day).day(day, moment)
        times = boundaries(display, view)
        _remember(key, times)
    passed = bisect.bisect_right(times, moment)
    return f"{display.revision}.{day:%Y%m%d}.{passed}"


@functools.cache
def asset_version() -> str:
    """Changes when the wall's script, style, icons or template change (an upgrade)."""
    digest = hashlib.sha256()
    for name in ASSETS:
        digest.update(staticfiles_storage.url(name).encode())
        found = finders.find(name)
        if isinstance(found, str):
            digest.update(Path(found).read_bytes())
    template = Path(settings.BASE_DIR) / "templates" / "schedule" / "kiosk.html"
    if template.exists():
        digest.update(template.read_bytes())
    return digest.hexdigest()[:12]


# The view model ------------------------------------------------------------------------


@dataclass(frozen=True)
class Text:
    lang: str
    text: str
    pattern: str = ""  # the same text with "#" where the script puts a number


def texts(ja: str, en: str, mode: str) -> tuple[Text, ...]:
    """The texts a display in `mode` shows, each with the language it is really in."""
    both = (Text("ja", ja), Text("en", en))
    if mode == Display.BOTH:
        return tuple(t for t in both if t.text) or (Text("ja", ""),)
    first, second = (both[1], both[0]) if mode == Display.EN else both
    return (first if first.text else second,)


def languages(mode: str) -> tuple[str, ...]:
    return {Display.JA: ("ja",), Display.EN: ("en",)}.get(mode, ("ja", "en"))


def label(key: str, mode: str, table: dict = LABELS, **params) -> tuple[Text, ...]:
    """A wall label in each language the display shows.

    A label not translated yet is English whatever the catalogue says, so it
    is marked `lang="en"` and shown once.
    """
    with translation.override("en"):
        english = str(table[key])
    out: list[Text] = []
    for lang in languages(mode):
        with translation.override(lang):
            text = str(table[key])
        if text == english:
            lang = "en"
        text = text % params if params else text
        if all(t.text != text for t in out):
            out.append(Text(lang, text))
    return tuple(out)


def formatted_date(day: date, mode: str) -> tuple[Text, ...]:
    out = []
    for lang in languages(mode):
        with translation.override(lang):
            out.append(Text(lang, formats.date_format(day, DATE_FORMATS[lang])))
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
    for index, b in enumerate(blocks):
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
                titles=texts(b.block.title_ja, b.block.title_en, mode),
                icon=_icon(b.block.icon, "clock"),
                colour=b.colour or PALETTE[index % len(PALETTE)],
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


def _chore_cards(
    chores: tuple[planner.ChoreView, ...], mode: str, display: Display, at: str
) -> tuple[ChoreCard, ...]:
    cards = []
    for c in chores:
        due_labels: tuple[Text, ...] = ()
        if c.due is not None:
            clock = hh_mm(c.due)
            # One language is enough next to a clock time.
            due_labels = (
                label("by", mode, time=clock)[:1]
                if c.chore.time_kind == "by"
                else (Text("", clock),)
            )
        url = reverse("wall-chore", args=[display.token, c.chore.id, c.date.isoformat()])
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
            )
        )
    return tuple(cards)


def _morning(
    loaded: Loaded, moment: datetime, spans: list[tuple[datetime, datetime]]
) -> planner.DayView | None:
    """The morning after the night the wall is in or heading for."""
    for _start, end in spans:
        if moment < end:
            return loaded.day(end.date(), end)
    return None


def _before_noon(
    chores: tuple[planner.ChoreView, ...], tz: ZoneInfo
) -> tuple[planner.ChoreView, ...]:
    """The chores to get ready for the evening before: the morning's, and those with no time."""
    return tuple(c for c in chores if c.due is None or c.due < planner.at(c.date, time(12), tz))


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
    spans = nights(display, today, tz)
    night = any(start <= moment < end for start, end in spans)
    morning = _morning(loaded, moment, spans)
    morning_blocks: tuple[BlockCard, ...] = ()
    morning_chores: tuple[ChoreCard, ...] = ()
    if morning is not None:
        first = tuple(b for b in morning.blocks if not b.from_yesterday)
        morning_blocks = _block_cards(first[:MORNING_BLOCKS], mode)
        morning_chores = _chore_cards(_before_noon(morning.chores, tz), mode, display, at)
    tomorrow_day = today + timedelta(days=1)
    evening = planner.at(today, TOMORROW_FROM, tz)
    query = {"at": at} if at else {}
    poll_url = reverse("wall-panel", args=[display.token])
    if query:
        poll_url += "?" + urlencode(query)
    holiday = texts(view.holiday.name_ja, view.holiday.name_en, mode) if view.holiday else ()
    lanes = max(view.lane_count, 1)
    blocks = _block_cards(view.blocks, mode, window, lanes, view.next_blocks[:HOW_MANY_NEXT])
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
        tomorrow=_chore_cards(_before_noon(view.tomorrow_chores, tz), mode, display, at),
        show_tomorrow=moment >= evening,
        notes=tuple(
            NoteCard(texts(n.text_ja, n.text_en, mode), _icon(n.icon, "star")) for n in view.notes
        ),
        lanes=lanes,
        ticks=_ticks(window),
        timeline_from=ms(window[0]) if window else 0,
        timeline_to=ms(window[1]) if window else 0,
        night=night,
        night_spans=" ".join(f"{ms(s)} {ms(e)}" for s, e in spans),
        morning=morning_blocks,
        morning_chores=morning_chores,
        evening=ms(evening),
        day_end=ms(planner.at(tomorrow_day, time(0), tz)),
        utc_offset=int(offset.total_seconds() // 60),
        poll_url=poll_url,
        labels={key: label(key, mode) for key in LABELS if key not in {"offline", "by"}},
        offline_texts=_patterned("offline", "time", hh_mm(moment), mode),
        reload_at=ms(_reload_at(moment)),
        now_left=_now_left(window, moment),
        may_complete=display.may_complete_chores,
        all_day=tuple(texts(e.title_ja, e.title_en, mode) for e in view.all_day),
    )


def now_summary(display: Display, moment: datetime, loaded: Loaded) -> dict:
    """What is happening now, for Home Assistant's REST sensors."""
    view = loaded.day(moment.date(), moment)

    def block(b: planner.BlockView) -> dict:
        return {
            "id": b.block.id,
            "title_ja": b.block.title_ja,
            "title_en": b.block.title_en,
            "icon": b.block.icon,
            "start": b.start.isoformat(),
            "end": b.end.isoformat(),
            "minutes_left": b.minutes_left,
            "progress": round(b.progress, 4),
            "members": [m.id for m in b.members],
        }

    def chore(c: planner.ChoreView) -> dict:
        return {
            "id": c.chore.id,
            "title_ja": c.chore.title_ja,
            "title_en": c.chore.title_en,
            "icon": c.chore.icon,
            "date": c.date.isoformat(),
            "due": c.due.isoformat() if c.due else None,
            "time_kind": c.chore.time_kind,
            "assignees": [m.id for m in c.assignees],
            "done": c.done,
        }

    current = [block(b) for b in view.current]
    upcoming = view.next_blocks[0] if view.next_blocks else None
    return {
        "display": display.name,
        "time": moment.isoformat(),
        "date": view.date.isoformat(),
        "version": version(display, moment, view),
        "plan": (
            {"id": view.plan.id, "name_ja": view.plan.name_ja, "name_en": view.plan.name_en}
            if view.plan
            else None
        ),
        "holiday": (
            {"name_ja": view.holiday.name_ja, "name_en": view.holiday.name_en}
            if view.holiday
            else None
        ),
        "current": current,
        "minutes_left": min((b["minutes_left"] for b in current), default=None),
        "next": block(upcoming) if upcoming else None,
        "minutes_until_next": (
            int(-(-(upcoming.start.timestamp() - moment.timestamp()) // 60)) if upcoming else None
        ),
        "chores": [chore(c) for c in view.chores],
        "chores_due": len(view.chores),
        "chores_done": sum(c.done for c in view.chores),
    }
