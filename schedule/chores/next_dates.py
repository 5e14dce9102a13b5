"""A chore's next dates as its pages list them (the chore's page, a city's import
preview): each with its weekday, what a holiday or a closure did to it, and why."""

from __future__ import annotations

from datetime import date, timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from schedule.common import collection, recurrence
from schedule.common.models import WEEKDAY_NAMES

if TYPE_CHECKING:
    pass

NEXT_DATES_SHOWN = 8


def why_moved(fate: collection.Fate, lang: str) -> str:
    """What moved a collection, in a parent's words: the closure's name or "holiday"."""
    if fate.closure is not None:
        return fate.closure.name(lang)
    return str(_("public holiday"))


def upcoming_rows(rule: recurrence.Recurrence, today: date, lang: str) -> list[dict]:
    """The next due days with their weekday, any public holiday, and what moved them there."""
    calendar = recurrence.holiday_calendar(settings.HOLIDAY_COUNTRY)
    return [
        {
            "date": day,
            "weekday": WEEKDAY_NAMES[day.weekday()],
            "holiday": calendar.name(day, lang) or "",
            "moved": rule.moved_off_a_holiday(day),
            "moved_from": [
                {"date": fate.raw, "why": why_moved(fate, lang)}
                for fate in rule.moved_here(day)
                if fate.closure is not None
            ],
            "who": "",
            "cancelled": False,
        }
        for day in rule.next_occurrences(today, NEXT_DATES_SHOWN)
    ]


def away_rows(rule: recurrence.Recurrence, first: date, last: date, lang: str) -> list[dict]:
    """The days in [first, last] the rule names but the chore is not due on, and where it went."""
    rows = []
    day = first
    while day <= last:
        fate = rule.moved_away(day)
        if fate is not None:
            rows.append(
                {
                    "date": day,
                    "weekday": WEEKDAY_NAMES[day.weekday()],
                    "to": fate.day,
                    "to_weekday": WEEKDAY_NAMES[fate.day.weekday()] if fate.day else "",
                    "why": why_moved(fate, lang),
                }
            )
        day += timedelta(days=1)
    return rows
