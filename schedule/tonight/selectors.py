"""Tonight and tomorrow, in one read for the wall: dinner, the weather, the
warnings in force and what they call off, each child's bag and the sleeps
until the days the family is waiting for.

Two steps, as the planner's: `load_tonight()` reads every table once (a fixed
number of queries, whatever the family's size) into plain data that changes
only with the family's rows and the worker's reports, so the wall keeps it by
the plans' revision (wall/polling.py); `tonight_from()` says what it is at a
moment, purely. `tonight_at()` does both, for a caller that keeps nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from schedule import planner
from schedule.bags.selectors import Bag, Bags, bags_from, load_bags
from schedule.countdowns.selectors import Marked, Sleeps, load_marked, sleeps_from
from schedule.meals.selectors import DINNER_OVER, MealView, Menu, dinner_over, meals_on, menu_from
from schedule.weather.calloffs import CallOff, Rule, called_off_from, load_rules
from schedule.weather.documents import Forecast
from schedule.weather.models import WeatherPlace
from schedule.weather.selectors import (
    KeptWarnings,
    WarningsNow,
    Weather,
    kept_forecast,
    load_warnings,
    warnings_from,
    weather_from,
)

# Before noon the bag is today's (the morning's last look); from noon, tomorrow's.
BAG_FOR_TOMORROW_FROM = time(12, 0)
# The wall shows the bags when they are packed and checked: in the morning until
# then, and from the evening (the planner's, when tomorrow's chores show too).
BAGS_SHOWN_UNTIL = time(10, 0)


@dataclass(frozen=True)
class TonightData:
    """What tonight and tomorrow are made of, for `day` and the day after."""

    day: date
    meals: dict[date, MealView]
    forecast: Forecast | None
    warnings: tuple[KeptWarnings, ...]
    rules: tuple[Rule, ...]
    bags: Bags
    marked: tuple[Marked, ...]


@dataclass(frozen=True)
class Tonight:
    moment: datetime
    menu: Menu
    weather: Weather | None  # None: no forecast kept
    warnings: WarningsNow
    call_offs: tuple[CallOff, ...]  # today's, decided or (before their time) possible
    bag_day: date
    bags: tuple[Bag, ...]
    sleeps: tuple[Sleeps, ...]

    @property
    def bags_are_tomorrows(self) -> bool:
        return self.bag_day != self.moment.date()

    def bags_shown(self, evening: datetime) -> bool:
        """Whether the wall shows the bags now: in the morning until
        BAGS_SHOWN_UNTIL, and from `evening` (the day view's)."""
        return self.moment.time() < BAGS_SHOWN_UNTIL or self.moment >= evening


def load_tonight(day: date, tz) -> TonightData:
    place = WeatherPlace.load()
    warnings = load_warnings(place)
    return TonightData(
        day=day,
        meals=meals_on((day, day + timedelta(days=1))),
        forecast=kept_forecast(place),
        warnings=warnings,
        rules=load_rules() if warnings else (),
        bags=load_bags(),
        marked=load_marked(day, tz),
    )


def change_times(data: TonightData, view: planner.DayView) -> tuple[datetime, ...]:
    """The moments of the day at which tonight's part of the wall changes with
    no row changed: dinner is over, the bags turn to tomorrow's, a call-off
    rule decides. The wall's version counts them, so its poll redraws then."""
    tz = view.moment.tzinfo
    day = data.day
    times = [
        dinner_over(view) or planner.at(day, DINNER_OVER, tz),  # type: ignore[arg-type]
        planner.at(day, BAG_FOR_TOMORROW_FROM, tz),  # type: ignore[arg-type]
        planner.at(day, BAGS_SHOWN_UNTIL, tz),  # type: ignore[arg-type]
    ]
    times += [planner.at(day, rule.decide_at, tz) for rule in data.rules]  # type: ignore[arg-type]
    return tuple(sorted(set(times)))


def tonight_from(
    data: TonightData,
    moment: datetime,
    view: planner.DayView | None,
    family: planner.Household,
) -> Tonight:
    """Everything at `moment`, from `data` (of moment's day): `view` (the wall's
    day) tells when dinner is over, `family` the plan in force, the members and
    the calendars' events."""
    today = moment.date()
    weather = weather_from(data.forecast, moment)
    bag_day = today if moment.time() < BAG_FOR_TOMORROW_FROM else today + timedelta(days=1)
    forecast = None
    if weather is not None:
        forecast = weather.today if bag_day == today else weather.tomorrow
    call_offs = called_off_from(data.rules, data.warnings, today, moment, family)
    bags = bags_from(data.bags, bag_day, family.members, family.events, forecast)
    if bag_day == today:
        # School called off for a child: today's 体操服 stays home, and a bag
        # on the wall would say otherwise. Until the decision it stays shown.
        home = {m for off in call_offs if off.decided for b in off.blocks for m in b.member_ids}
        bags = tuple(bag for bag in bags if bag.member_id not in home)
    return Tonight(
        moment=moment,
        menu=menu_from(data.meals, moment, dinner_over(view) if view is not None else None),
        weather=weather,
        warnings=warnings_from(data.warnings, moment),
        call_offs=call_offs,
        bag_day=bag_day,
        bags=bags,
        sleeps=sleeps_from(data.marked, moment),
    )


def tonight_at(
    moment: datetime,
    view: planner.DayView | None = None,
    family: planner.Household | None = None,
) -> Tonight:
    """tonight_from() what is read now (the household too, unless given)."""
    if family is None:
        from schedule.day.loading import load_household

        family = load_household(moment.date(), moment.tzinfo)  # type: ignore[arg-type]
    return tonight_from(load_tonight(moment.date(), moment.tzinfo), moment, view, family)
