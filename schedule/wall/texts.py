"""The wall's words: each text with the language it is really in, the labels and
the countdown in the forms a child reads, dates, furigana and where Japanese
may wrap."""

from __future__ import annotations

import functools
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING

from django.utils import formats, translation
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from schedule import planner
from schedule.family.models import Display

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise


DATE_FORMATS = {"ja": "n月j日 (D)", "en": "l, j F"}


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
    # OK-to-wake: under the sleeping picture, then under the awake one.
    "still_night": pgettext_lazy("wall", "Still sleeping time"),
    "may_get_up": pgettext_lazy("wall", "Time to get up!"),
    # Puts an announcement away on this wall.
    "dismiss": pgettext_lazy("wall", "OK"),
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
    # Under a child's own timer (the disc tapped): a long press stops it.
    "timer_hold": pgettext_lazy("wall", "Hold to stop"),
    # Said (Fully Kiosk's voice) when the child's timer runs out.
    "timer_done": pgettext_lazy("wall", "Time is up!"),
    # Over the child's timer's choices: 5, 10 or 15 minutes.
    "timer_choose": pgettext_lazy("wall", "How long?"),
    # The evening box: tomorrow's collection goes out in the morning, by then.
    "tomorrow_by": pgettext_lazy("wall", "by %(time)s tomorrow morning"),
    # A collection called off (a storm warning): crossed out, nothing moved.
    "cancelled": pgettext_lazy("wall", "Cancelled"),
    planner.FIRST_OF_YEAR: pgettext_lazy("wall", "First this year"),
    planner.LAST_OF_YEAR: pgettext_lazy("wall", "Last this year"),
    # Seen in the last days of December: January's first collection.
    "first_next_year": pgettext_lazy("wall", "First next year"),
    "last_next_year": pgettext_lazy("wall", "Last next year"),
    # A usual collection that is off (a closure, a holiday, a call-off), and why.
    "off_today": pgettext_lazy("wall", "No collection today"),
    "off_tomorrow": pgettext_lazy("wall", "No collection tomorrow"),
    # ...the same of a chore that is not a collection (the plants on a holiday).
    "not_today": pgettext_lazy("wall", "Not today"),
    "not_tomorrow": pgettext_lazy("wall", "Not tomorrow"),
    # Where a closure moved it: "instead on Thu 7 Jan".
    "instead_on": pgettext_lazy("wall", "instead on %(day)s"),
}


# The label of a year's mark seen from the year before.
NEXT_YEAR = {planner.FIRST_OF_YEAR: "first_next_year", planner.LAST_OF_YEAR: "last_next_year"}


# The year's first and last collections the wall lists at most, soonest first:
# the side column of a 1024×600 tablet holds no more beside the chores.
YEAR_MARKS_SHOWN = 2


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
    if table is COUNTDOWN:  # left_texts() keeps those, with their patterns
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


def patterned(key: str, name: str, value: object, mode: str) -> tuple[Text, ...]:
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
def left_texts(minutes: int, mode: str) -> tuple[Text, ...]:
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
