"""あしたの もちもの: each child's bag for a day, with pictures.

What the parents listed for the weekday, the date and the day's calendar
events, and rain gear when the forecast's chance of rain reaches the
family's level. Plain frozen data for the wall and the evening nudge.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.utils.translation import pgettext

from schedule import planner
from schedule.bags.models import BagItem, BagRules
from schedule.common.household import in_both
from schedule.weather.selectors import DayWeather

WEEKLY, ON_DATE, EVENT, RAIN = "weekly", "date", "event", "rain"
RAIN_GEAR_ICON = "umbrella"


@dataclass(frozen=True)
class BagThing:
    title_ja: str
    title_en: str
    reading: str
    icon: str
    why: str  # WEEKLY, ON_DATE, EVENT or RAIN
    item_id: int | None = None  # None: the rain gear the rules add

    def title(self, lang: str) -> str:
        return planner.pick(self.title_ja, self.title_en, lang)


@dataclass(frozen=True)
class Bag:
    member_id: int
    name_ja: str
    name_en: str
    colour: str
    icon: str
    day: date
    things: tuple[BagThing, ...]

    def name(self, lang: str) -> str:
        return planner.pick(self.name_ja, self.name_en, lang)


def _event_titles(day: date, member_id: int, events: tuple[planner.EventData, ...]) -> list[str]:
    """The titles of the day's events in the family's calendars and this child's."""
    titles = []
    for event in events:
        if event.member_id not in (None, member_id):
            continue
        if event.start is not None:
            on_day = event.start.date() == day
        else:
            on_day = event.first_day is not None and event.first_day <= day <= (
                event.last_day or event.first_day
            )
        if on_day:
            titles.append(f"{event.title_ja} {event.title_en}")
    return titles


@dataclass(frozen=True)
class Item:
    """A bag item as plain data (models.BagItem)."""

    id: int
    member_id: int
    title_ja: str
    title_en: str
    reading: str
    icon: str
    weekdays: int
    on_date: date | None
    event_word: str


@dataclass(frozen=True)
class Bags:
    """Every bag item (a family has a few dozen) and the rain rule, read once."""

    items: tuple[Item, ...]
    rain_from: int | None


def load_bags() -> Bags:
    items = tuple(
        Item(*row)
        for row in BagItem.objects.order_by("id").values_list(
            "id", "member_id", "title_ja", "title_en", "title_reading", "icon", "weekdays",
            "on_date", "event_word",
        )
    )  # fmt: skip
    return Bags(items, BagRules.load().rain_from if items else None)


def _why(item: Item, day: date, titles: list[str]) -> str | None:
    if item.on_date == day:
        return ON_DATE
    if item.weekdays & (1 << day.weekday()):
        return WEEKLY
    word = item.event_word.strip()
    if word and any(word.casefold() in title.casefold() for title in titles):
        return EVENT
    return None


def bags_from(
    data: Bags,
    day: date,
    members: tuple[planner.MemberData, ...],
    events: tuple[planner.EventData, ...] = (),
    weather: DayWeather | None = None,
) -> tuple[Bag, ...]:
    """Each child's bag on `day`: every member with a bag item, in the family's
    order (`members`), their things in the order the parents listed them, rain
    gear last. `events` are the calendars' events around the day, `weather`
    the day's forecast, if known."""
    owners = {item.member_id for item in data.items}
    rain = (
        data.rain_from is not None
        and weather is not None
        and weather.date == day
        and weather.rain_chance is not None
        and weather.rain_chance >= data.rain_from
    )
    gear_ja, gear_en = in_both(lambda: pgettext("bag", "Umbrella"))
    bags = []
    for member in members:
        if member.id not in owners:
            continue
        titles = _event_titles(day, member.id, events)
        things = []
        for item in data.items:
            if item.member_id != member.id:
                continue
            why = _why(item, day, titles)
            if why is not None:
                things.append(
                    BagThing(item.title_ja, item.title_en, item.reading, item.icon, why, item.id)
                )
        if rain:
            things.append(BagThing(gear_ja, gear_en, "", RAIN_GEAR_ICON, RAIN))
        bags.append(
            Bag(
                member.id,
                member.name_ja,
                member.name_en,
                member.colour,
                member.icon,
                day,
                tuple(things),
            )
        )
    return tuple(bags)


def bags_on(
    day: date,
    events: tuple[planner.EventData, ...] | None = None,
    weather: DayWeather | None = None,
) -> tuple[Bag, ...]:
    """bags_from() what is read now (the day's events too, unless given)."""
    from schedule.calendars.selectors import load_events
    from schedule.common import household
    from schedule.day.loading import load_members

    data = load_bags()
    if not data.items:
        return ()
    if events is None and any(item.event_word.strip() for item in data.items):
        events = load_events(day, day, household.zone())
    return bags_from(data, day, load_members(), events or (), weather)
