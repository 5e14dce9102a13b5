"""How a chore repeats, in a family's words and as an RFC 5545 rule.

A parent says "every week on Monday and Thursday" or "on the 2nd and 4th
Wednesday" (第2・第4水曜, as garbage calendars do); the chore stores
``FREQ=MONTHLY;BYDAY=2WE,4WE``. Cities read 第2水曜 two ways: the 2nd
Wednesday of the month (MONTHLY, the Nth occurrence) or the Wednesday of the
month's 2nd calendar week, weeks starting on Sunday (MONTH_WEEK); the latter
is the Wednesday among certain days of the month
(``FREQ=MONTHLY;BYDAY=WE;BYMONTHDAY=5,6,...,11``). `rule_from_repeat()` and `repeat_from_rule()`
translate between the two in one canonical spelling, and a stored rule that
the friendly words cannot say exactly reads back as RAW, kept as typed,
never lost. Pure: no ORM, no request; the admin's forms and lists use it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext, pgettext_lazy

from schedule.common import recurrence

WEEKDAY_CODES = ("MO", "TU", "WE", "TH", "FR", "SA", "SU")
SHORT_WEEKDAY_NAMES = (
    pgettext_lazy("short weekday", "Mon"),
    pgettext_lazy("short weekday", "Tue"),
    pgettext_lazy("short weekday", "Wed"),
    pgettext_lazy("short weekday", "Thu"),
    pgettext_lazy("short weekday", "Fri"),
    pgettext_lazy("short weekday", "Sat"),
    pgettext_lazy("short weekday", "Sun"),
)


class Mode(models.TextChoices):
    """The ways of saying how a chore repeats, as the admin offers them."""

    WEEKLY = "weekly", _("Every week on certain days")
    MONTHLY = (
        "monthly",
        _("The Nth weekday of the month (第2・第4水曜 = the 2nd and 4th Wednesday)"),
    )
    MONTH_WEEK = (
        "month_week",
        _(
            "The weekday in the Nth week of the month (the Wednesday of the 2nd week; "
            "weeks start on Sunday)"
        ),
    )
    INTERVAL = "interval", _("Every few days or weeks from the start date")
    DATES = "dates", _("Only on the dates I list")
    RAW = "raw", _("Advanced: a repeat rule (RRULE)")


class Unit(models.TextChoices):
    DAYS = "days", _("days")
    WEEKS = "weeks", _("weeks")


WEEK_INTERVALS = [
    (1, _("every week")),
    (2, _("every other week")),
    (3, _("every third week")),
    (4, _("every fourth week")),
]
LAST = -1
MONTH_WEEKS = [
    (1, _("1st")),
    (2, _("2nd")),
    (3, _("3rd")),
    (4, _("4th")),
    (5, _("5th")),
    (LAST, _("last")),
]


@dataclass(frozen=True)
class Repeat:
    """What the friendly fields say, before it becomes an RRULE."""

    mode: Mode
    weekdays: tuple[int, ...] = ()  # 0 = Monday; weekly and monthly modes
    week_interval: int = 1
    month_weeks: tuple[int, ...] = ()  # 1..5, or LAST
    interval: int = 1
    unit: Unit = Unit.DAYS
    raw: str = ""


def _month_week_order(week: int) -> int:
    return 6 if week == LAST else week


# Calendar weeks a city names: a month has at most six rows, the sixth rare.
CALENDAR_WEEKS = (1, 2, 3, 4, 5)


def calendar_week_days(weekday: int, week: int) -> list[int]:
    """The days of the month on which `weekday` (0 = Monday) of calendar week
    `week` can fall, weeks starting on Sunday: exactly one of them is that
    weekday in any month, whatever weekday the 1st is."""
    sunday_first = (weekday + 1) % 7
    first = 7 * (week - 1) + sunday_first - 5
    return [day for day in range(first, first + 7) if 1 <= day <= 31]


def rule_from_repeat(repeat: Repeat) -> str:
    """The RRULE body the friendly fields describe, in one canonical spelling."""
    days = [WEEKDAY_CODES[day] for day in sorted(set(repeat.weekdays))]
    if repeat.mode == Mode.WEEKLY:
        interval = f";INTERVAL={repeat.week_interval}" if repeat.week_interval > 1 else ""
        return f"FREQ=WEEKLY{interval};BYDAY={','.join(days)}"
    if repeat.mode == Mode.MONTHLY:
        weeks = sorted(set(repeat.month_weeks), key=_month_week_order)
        return "FREQ=MONTHLY;BYDAY=" + ",".join(f"{week}{day}" for week in weeks for day in days)
    if repeat.mode == Mode.MONTH_WEEK:
        # One weekday: the days of the month differ from weekday to weekday.
        weekday = sorted(set(repeat.weekdays))[0]
        month_days = sorted(
            day for week in set(repeat.month_weeks) for day in calendar_week_days(weekday, week)
        )
        return (
            f"FREQ=MONTHLY;BYDAY={WEEKDAY_CODES[weekday]};"
            f"BYMONTHDAY={','.join(str(day) for day in month_days)}"
        )
    if repeat.mode == Mode.INTERVAL:
        freq = "DAILY" if repeat.unit == Unit.DAYS else "WEEKLY"
        return f"FREQ={freq}" + (f";INTERVAL={repeat.interval}" if repeat.interval > 1 else "")
    if repeat.mode == Mode.DATES:
        return ""
    return repeat.raw.strip()


_NUMBERED_DAY = re.compile(r"^([+-]?\d)(MO|TU|WE|TH|FR|SA|SU)$")


def repeat_from_rule(rule: str) -> Repeat:
    """The friendly fields for a stored rule; RAW when they cannot say it exactly."""
    if not rule.strip():
        return Repeat(Mode.DATES)
    raw = Repeat(Mode.RAW, raw=rule.strip())
    parts = recurrence.rule_parts(rule)
    if parts is not None and "BYMONTHDAY" in parts:
        if set(parts) <= {"FREQ", "INTERVAL", "BYDAY", "BYMONTHDAY"}:
            return _calendar_weeks(parts) or raw
        return raw
    if parts is None or not set(parts) <= {"FREQ", "INTERVAL", "BYDAY"}:
        return raw
    interval_text = parts.get("INTERVAL", "1")
    if not interval_text.isdigit() or int(interval_text) < 1:
        return raw
    interval = int(interval_text)
    freq = parts.get("FREQ")
    byday = [day for day in parts.get("BYDAY", "").split(",") if day] if "BYDAY" in parts else []
    if "BYDAY" in parts and not byday:
        return raw

    if freq in ("DAILY", "WEEKLY") and not byday:
        return Repeat(
            Mode.INTERVAL, interval=interval, unit=Unit.DAYS if freq == "DAILY" else Unit.WEEKS
        )
    if freq == "WEEKLY" and all(day in WEEKDAY_CODES for day in byday):
        if interval > len(WEEK_INTERVALS):
            return raw
        weekdays = tuple(sorted({WEEKDAY_CODES.index(day) for day in byday}))
        return Repeat(Mode.WEEKLY, weekdays=weekdays, week_interval=interval)
    if freq == "MONTHLY" and interval == 1:
        pairs: set[tuple[int, int]] = set()
        for day in byday:
            match = _NUMBERED_DAY.match(day)
            if not match or int(match[1]) not in (1, 2, 3, 4, 5, LAST):
                return raw
            pairs.add((int(match[1]), WEEKDAY_CODES.index(match[2])))
        weeks = {week for week, _day in pairs}
        days_of_week = {day for _week, day in pairs}
        # "2nd and 4th Monday and Thursday" is every week with every day; a
        # rule that picks pairs unevenly (1st Monday, 3rd Friday) is not.
        if len(pairs) != len(weeks) * len(days_of_week):
            return raw
        return Repeat(
            Mode.MONTHLY,
            weekdays=tuple(sorted(days_of_week)),
            month_weeks=tuple(sorted(weeks, key=_month_week_order)),
        )
    return raw


def _calendar_weeks(parts: dict[str, str]) -> Repeat | None:
    """MONTH_WEEK, if the rule is exactly one weekday in whole calendar weeks."""
    if parts.get("FREQ") != "MONTHLY" or parts.get("INTERVAL", "1") != "1":
        return None
    code = parts.get("BYDAY", "")
    texts = parts["BYMONTHDAY"].split(",")
    if code not in WEEKDAY_CODES or not all(text.isdigit() for text in texts):
        return None
    weekday = WEEKDAY_CODES.index(code)
    days = {int(text) for text in texts}
    weeks = tuple(week for week in CALENDAR_WEEKS if set(calendar_week_days(weekday, week)) <= days)
    covered = {day for week in weeks for day in calendar_week_days(weekday, week)}
    if not weeks or covered != days:
        return None
    return Repeat(Mode.MONTH_WEEK, weekdays=(weekday,), month_weeks=weeks)


def list_separator() -> str:
    """How names and days are joined in a line: ", " in English, "・" in Japanese."""
    return str(pgettext_lazy("list separator", ", "))


def describe_repeat(rule: str) -> str:
    """A one-line summary of a stored rule for lists: "every week: Mon, Thu"."""
    repeat = repeat_from_rule(rule)
    separator = list_separator()
    days = separator.join(str(SHORT_WEEKDAY_NAMES[day]) for day in repeat.weekdays)
    if repeat.mode == Mode.WEEKLY:
        return f"{dict(WEEK_INTERVALS)[repeat.week_interval]}: {days}"
    if repeat.mode == Mode.MONTHLY:
        weeks = separator.join(str(dict(MONTH_WEEKS)[week]) for week in repeat.month_weeks)
        return str(_("monthly, %(weeks)s %(days)s") % {"weeks": weeks, "days": days})
    if repeat.mode == Mode.MONTH_WEEK:
        weeks = separator.join(str(dict(MONTH_WEEKS)[week]) for week in repeat.month_weeks)
        return str(_("monthly, %(days)s of the %(weeks)s week") % {"weeks": weeks, "days": days})
    if repeat.mode == Mode.INTERVAL:
        if repeat.interval == 1:
            return str(_("every day") if repeat.unit == Unit.DAYS else _("every week"))
        if repeat.unit == Unit.DAYS:
            text = ngettext("every %(count)d day", "every %(count)d days", repeat.interval)
        else:
            text = ngettext("every %(count)d week", "every %(count)d weeks", repeat.interval)
        return text % {"count": repeat.interval}
    if repeat.mode == Mode.DATES:
        return str(_("on the listed dates"))
    return repeat.raw
