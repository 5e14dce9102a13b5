"""Tonight and tomorrow, in one read for the wall: dinner, the weather, the
warnings in force and what they call off, each child's bag and the sleeps
until the days the family is waiting for.

The wall's evening column, its tonight strip and its morning read this; it
reads each room's selector, and is itself plain frozen data.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from schedule import planner
from schedule.bags.selectors import Bag, bags_on
from schedule.countdowns.selectors import Sleeps, sleeps_at
from schedule.meals.selectors import Menu, dinner_over, menu_at
from schedule.weather.calloffs import CallOff, called_off
from schedule.weather.selectors import WarningsNow, Weather, warnings_at, weather_at

# Before noon the bag is today's (the morning's last look); from noon, tomorrow's.
BAG_FOR_TOMORROW_FROM = time(12, 0)


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


def tonight_at(
    moment: datetime,
    view: planner.DayView | None = None,
    family: planner.Household | None = None,
) -> Tonight:
    """Everything at `moment`. `view` (the wall's day) tells when dinner is
    over, and `family` lends its loaded plans and events; both are optional."""
    today = moment.date()
    weather = weather_at(moment)
    bag_day = today if moment.time() < BAG_FOR_TOMORROW_FROM else today + timedelta(days=1)
    forecast = None
    if weather is not None:
        forecast = weather.today if bag_day == today else weather.tomorrow
    return Tonight(
        moment=moment,
        menu=menu_at(moment, dinner_over(view) if view is not None else None),
        weather=weather,
        warnings=warnings_at(moment),
        call_offs=called_off(today, moment, family),
        bag_day=bag_day,
        bags=bags_on(bag_day, family.events if family is not None else None, forecast),
        sleeps=sleeps_at(moment),
    )
