"""What is for dinner: today's, and once dinner is over, tomorrow's.

Plain frozen data for the wall's evening column and the phones' evening
nudge. A date's own meal wins over its weekday's.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from django.db.models import Q

from schedule import planner
from schedule.meals.models import Meal, MealKind

# Without a dinner block in the day's plan, dinner is taken to be over then.
DINNER_OVER = time(20, 0)


@dataclass(frozen=True)
class MealView:
    kind: str
    date: date
    title_ja: str
    title_en: str
    reading: str = ""
    icon: str = ""
    one_off: bool = False  # this date's own, not the weekly one

    def title(self, lang: str) -> str:
        return planner.pick(self.title_ja, self.title_en, lang)


@dataclass(frozen=True)
class Menu:
    """Today's and tomorrow's meal of one kind, and which of them to show now."""

    kind: str
    today: MealView | None
    tomorrow: MealView | None
    after_dinner: bool  # dinner is over: tomorrow's is the one to show

    @property
    def shown(self) -> MealView | None:
        return self.tomorrow if self.after_dinner else self.today


def meals_on(days: tuple[date, ...], kind: str = MealKind.DINNER) -> dict[date, MealView]:
    """Each day's meal of `kind`, in one query."""
    weekdays = {day.weekday() for day in days}
    rows = Meal.objects.filter(Q(date__in=days) | Q(weekday__in=weekdays), kind=kind).values_list(
        "weekday", "date", "title_ja", "title_en", "title_reading", "icon"
    )
    weekly, dated = {}, {}
    for weekday, on, ja, en, reading, icon in rows:
        if on is not None:
            dated[on] = (ja, en, reading, icon)
        else:
            weekly[weekday] = (ja, en, reading, icon)
    found = {}
    for day in days:
        row = dated.get(day) or weekly.get(day.weekday())
        if row is not None:
            found[day] = MealView(kind, day, *row, one_off=day in dated)
    return found


def dinner_over(view: planner.DayView) -> datetime | None:
    """The end of the day's last dinner block, if its plan has one."""
    ends = [
        block.end
        for block in view.blocks
        if block.block.icon == "dinner" and not block.from_yesterday
    ]
    return max(ends) if ends else None


def menu_from(meals: dict[date, MealView], moment: datetime, over: datetime | None = None) -> Menu:
    """Today's and tomorrow's from `meals` (meals_on()); tomorrow's is the one
    shown once dinner is `over` (the dinner block's end, dinner_over(); else
    DINNER_OVER on the clock)."""
    today = moment.date()
    tomorrow = today + timedelta(days=1)
    if over is None:
        over = planner.at(today, DINNER_OVER, moment.tzinfo)  # type: ignore[arg-type]
    kind = next((meal.kind for meal in meals.values()), MealKind.DINNER)
    return Menu(kind, meals.get(today), meals.get(tomorrow), after_dinner=moment >= over)


def menu_at(moment: datetime, over: datetime | None = None, kind: str = MealKind.DINNER) -> Menu:
    """menu_from() with the two days' meals read now."""
    today = moment.date()
    return menu_from(meals_on((today, today + timedelta(days=1)), kind), moment, over)
