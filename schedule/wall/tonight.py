"""Tonight and tomorrow on the wall: what templates/schedule/wall/tonight.html,
alert.html and bags.html print, from the tonight room's plain data.

A strip under the date (the weather of the day the family is thinking of,
dinner, the sleeps until the days they wait for, as moons), a red band while a
warning is in force or calls something off, and each child's bag in the side
column: today's in the morning, tomorrow's from noon. Texts in the display's
languages, each with its lang and, where the display shows them, its reading.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from django.utils.translation import pgettext_lazy

from schedule import planner
from schedule.bags.models import BagPacked
from schedule.tonight.selectors import Tonight
from schedule.wall.cards import Chip, _chips, _icon
from schedule.wall.texts import Text, label, texts
from schedule.weather.calloffs import CallOff

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise

LABELS: dict[str, str | _StrPromise] = {
    # Before the weather's picture: whose day it is.
    "weather_today": pgettext_lazy("wall weather", "Today"),
    "weather_tomorrow": pgettext_lazy("wall weather", "Tomorrow"),
    "bags_today": pgettext_lazy("wall", "Today's bags"),
    "bags_tomorrow": pgettext_lazy("wall", "Tomorrow's bags"),
    "called_off": pgettext_lazy("wall", "Called off"),
    "maybe_off": pgettext_lazy("wall", "Off if it lasts"),
    # An old forecast (no network since): when it was made, beside it.
    "forecast_of": pgettext_lazy("wall", "Forecast of %(time)s"),
}
# A week's moons at most: a child counts seven; further off, the number says it.
MOST_MOONS = 7
# The strip holds the nearest day to wait for: a 1024 px line has no room for more.
SLEEPS_SHOWN = 1


@dataclass(frozen=True)
class WeatherCard:
    picture: str  # an icon: sun, cloud, rain, snow
    label: tuple[Text, ...]
    words: tuple[Text, ...]
    high: str  # "11°", "" when not known
    low: str
    rain: str  # "20%", "" when not known
    old: tuple[Text, ...] = ()  # "Forecast of 17:00", when it is old


@dataclass(frozen=True)
class DinnerCard:
    day: tuple[Text, ...]  # "あした" once dinner is over and the meal is tomorrow's
    titles: tuple[Text, ...]
    icon: str


@dataclass(frozen=True)
class SleepsCard:
    icon: str
    titles: tuple[Text, ...]
    words: tuple[Text, ...]  # "あと 4 かい ねたら / 4 more sleeps": the night screen's
    moons: tuple[int, ...]  # one entry per moon drawn
    count: str  # the strip's: the nights as a number, "!" on the day
    today: bool


@dataclass(frozen=True)
class ThingCard:
    icon: str
    titles: tuple[Text, ...]
    rain: bool
    key: str = ""  # what a tap sends (BagPacked.thing): item-<id>, or rain
    packed: bool = False


@dataclass(frozen=True)
class BagCard:
    chip: Chip
    things: tuple[ThingCard, ...]
    # The morning's bag is packed on the wall, a tap a thing, as a routine's
    # steps; tomorrow's is only shown ("" then).
    tick_url: str = ""
    member_id: int = 0


@dataclass(frozen=True)
class AlertCard:
    """The warnings in force, together: the most serious one's picture and
    plain words, and every name."""

    picture: str
    names: tuple[Text, ...]
    plain: tuple[Text, ...]
    special: bool


@dataclass(frozen=True)
class CallOffCard:
    icon: str
    titles: tuple[Text, ...]
    flag: tuple[Text, ...]  # "Called off", or "Off if it lasts" before the decision
    reason: tuple[Text, ...]
    chips: tuple[Chip, ...]
    decided: bool


@dataclass(frozen=True)
class TonightCards:
    weather: WeatherCard | None
    dinner: DinnerCard | None
    sleeps: tuple[SleepsCard, ...]
    bags_label: tuple[Text, ...]
    bags: tuple[BagCard, ...]
    alerts: tuple[AlertCard, ...]
    call_offs: tuple[CallOffCard, ...]

    @property
    def strip(self) -> bool:
        return bool(self.weather or self.dinner or self.sleeps or self.alert)

    @property
    def alert(self) -> bool:
        return bool(self.alerts or self.call_offs)


def _pair(ja: str, en: str, mode: str, reading: str = "") -> tuple[Text, ...]:
    return texts(ja, en, mode, reading)


def _weather(tonight: Tonight, mode: str) -> WeatherCard | None:
    if tonight.weather is None:
        return None
    tomorrow = tonight.bags_are_tomorrows
    day = tonight.weather.tomorrow if tomorrow else tonight.weather.today
    if day is None or not day.picture:
        return None
    old: tuple[Text, ...] = ()
    if tonight.weather.stale:
        made = tonight.weather.reported_at.astimezone(tonight.moment.tzinfo)
        # The day says the age (JMA makes three a day); its hour would push
        # dinner off a 1024 px line.
        when = f"{made.month}/{made.day}"
        old = label("forecast_of", mode, LABELS, time=when)[:1]
    return WeatherCard(
        picture=day.picture,
        # The strip's small words in the first language only: a 1024 px line
        # holds the titles in both, not the labels as well.
        label=label("weather_tomorrow" if tomorrow else "weather_today", mode, LABELS)[:1],
        words=_pair(day.word_ja, day.word_en, mode)[:1],
        high=f"{day.high}°" if day.high is not None else "",
        low=f"{day.low}°" if day.low is not None else "",
        rain=f"{day.rain_chance}%" if day.rain_chance is not None else "",
        old=old,
    )


def _dinner(tonight: Tonight, mode: str, readings: bool) -> DinnerCard | None:
    meal = tonight.menu.shown
    if meal is None:
        return None
    tomorrow = label("weather_tomorrow", mode, LABELS)[:1]
    return DinnerCard(
        day=tomorrow if tonight.menu.after_dinner else (),
        titles=_pair(meal.title_ja, meal.title_en, mode, meal.reading if readings else ""),
        icon=_icon(meal.icon, "dinner"),
    )


def _sleeps(
    tonight: Tonight, mode: str, readings: bool, shown: frozenset[int] | None
) -> tuple[SleepsCard, ...]:
    cards = []
    for sleeps in tonight.sleeps:
        if shown is not None and sleeps.member_id is not None and sleeps.member_id not in shown:
            continue
        reading = sleeps.reading if readings else ""
        cards.append(
            SleepsCard(
                icon=_icon(sleeps.icon, "calendar"),
                titles=_pair(sleeps.title_ja, sleeps.title_en, mode, reading)[:1],
                words=_pair(sleeps.words_ja, sleeps.words_en, mode),
                moons=tuple(range(sleeps.nights)) if sleeps.nights <= MOST_MOONS else (),
                count=str(sleeps.nights) if sleeps.nights else "!",
                today=sleeps.today,
            )
        )
    return tuple(cards[:SLEEPS_SHOWN])


def _bags(
    tonight: Tonight,
    family: planner.Household,
    mode: str,
    readings: bool,
    shown: frozenset[int] | None,
    tick_url: Callable[[int, date], str] | None,
) -> tuple[BagCard, ...]:
    out = []
    for bag in tonight.bags:
        member = family.member(bag.member_id)
        if member is None or (shown is not None and bag.member_id not in shown):
            continue
        if not bag.things:
            continue  # nothing extra: the column keeps its room for the others
        things = []
        for thing in bag.things:
            key = BagPacked.key(thing.item_id)
            things.append(
                ThingCard(
                    _icon(thing.icon, "backpack"),
                    _pair(thing.title_ja, thing.title_en, mode, thing.reading if readings else ""),
                    thing.why == "rain",
                    key,
                    (bag.member_id, bag.day, key) in family.packed,
                )
            )
        url = "" if tonight.bags_are_tomorrows or tick_url is None else tick_url(member.id, bag.day)
        out.append(BagCard(_chips((member,), mode)[0], tuple(things), url, member.id))
    return tuple(out)


def _call_offs(
    tonight: Tonight, family: planner.Household, mode: str, readings: bool
) -> tuple[CallOffCard, ...]:
    cards = []
    for call_off in tonight.call_offs:
        if call_off.decided and tonight.moment >= _over(call_off, family):
            continue  # school is out anyway: the evening is tomorrow's
        titles = texts(
            "・".join(b.title_ja for b in call_off.blocks if b.title_ja),
            " & ".join(b.title_en for b in call_off.blocks if b.title_en),
            mode,
            "・".join(b.reading for b in call_off.blocks) if readings else "",
        )
        members = tuple(
            m
            for block in call_off.blocks
            for member_id in block.member_ids
            if (m := family.member(member_id)) is not None
        )
        cards.append(
            CallOffCard(
                icon=_icon(call_off.blocks[0].icon, "school"),
                titles=titles,
                flag=label("called_off" if call_off.decided else "maybe_off", mode, LABELS),
                reason=_pair(call_off.reason_ja, call_off.reason_en, mode),
                chips=tuple(
                    Chip(c.names[:1], c.colour, c.icon, c.ink) for c in _chips(members, mode)
                ),
                decided=call_off.decided,
            )
        )
    return tuple(cards)


def _over(call_off: CallOff, family: planner.Household) -> datetime:
    """When the last block called off would have ended (a block's end at or
    before its start is the next day's, as the planner reads it)."""
    ends = [
        planner.at(call_off.day + timedelta(days=int(b.end <= b.start)), b.end, family.tz)
        for b in call_off.blocks
    ]
    return max(ends)


def _alerts(tonight: Tonight, mode: str, readings: bool) -> tuple[AlertCard, ...]:
    """The warnings in force as one card: the most serious one's picture and
    plain words, and every name."""
    banner = tonight.warnings.banner
    if not banner:
        return ()
    first = banner[0]
    reading = "・".join(w.reading for w in banner) if readings else ""
    names = _pair(
        "・".join(w.name_ja for w in banner),
        ", ".join(w.name_en for w in banner),
        mode,
        reading if all(w.reading for w in banner) else "",
    )
    plain = _pair(first.plain_ja, first.plain_en, mode)[:1]
    return (AlertCard(first.picture, names, plain, first.level >= 3),)


def tonight_cards(
    tonight: Tonight,
    family: planner.Household,
    mode: str,
    readings: bool,
    shown: frozenset[int] | None,
    bags: bool = True,
    tick_url: Callable[[int, date], str] | None = None,
) -> TonightCards:
    """The wall's tonight and tomorrow for a display in `mode` that shows the
    members `shown` (None: everyone) and, if `readings`, furigana; the bags
    only if `bags` (in the morning and the evening); `tick_url(member id, day)`
    where the morning's bag may be packed by taps."""
    alerts = _alerts(tonight, mode, readings)
    call_offs = _call_offs(tonight, family, mode, readings)
    # A warning in force takes the room of dinner and the sleeps: that
    # morning, they matter least.
    quiet = not alerts and not call_offs
    tomorrow = tonight.bags_are_tomorrows
    return TonightCards(
        weather=_weather(tonight, mode),
        dinner=_dinner(tonight, mode, readings) if quiet else None,
        sleeps=_sleeps(tonight, mode, readings, shown) if quiet else (),
        bags_label=label("bags_tomorrow" if tomorrow else "bags_today", mode, LABELS),
        bags=_bags(tonight, family, mode, readings, shown, tick_url) if bags else (),
        alerts=alerts,
        call_offs=call_offs,
    )
