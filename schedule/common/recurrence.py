"""When a chore is due: RFC 5545 recurrence rules plus public holidays and closures.

The rule itself is parsed and expanded by python-dateutil and the holidays come
from the `holidays` package (as a table: holiday_table.py); this module only
adds what neither knows about: where each day the rule names really lands
(the holiday policy and its list of holidays, the closures and their
substitutes: `collection.fate()`), which days were moved here and why, the
first and last due day of a year, the turn-taking index used for rotating
assignees, and the limits that keep any rule a parent (or an imported file)
can write from hanging a worker: dates only between FIRST_DAY and LAST_DAY,
whole-day rules only, an interval of at least one, and every walk of a rule
stopped at LAST_DAY.
"""

from __future__ import annotations

import bisect
import datetime as datetime_module
import functools
import itertools
import types
from array import array
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from pathlib import Path

from dateutil import rrule

from schedule.common import collection, holiday_table

KEEP = collection.KEEP
SKIP = collection.SKIP
NEXT_DAY = collection.NEXT_DAY
HOLIDAY_POLICIES = (KEEP, SKIP, NEXT_DAY)

# Frequencies that make sense for a household chore; hourly rules would be
# expanded into dates anyway and only confuse the admin.
ALLOWED_FREQUENCIES = {"DAILY", "WEEKLY", "MONTHLY", "YEARLY"}
# Parts that split a day into hours, minutes or seconds: a chore is due on a
# day, and a rule with them makes thousands of occurrences per day to walk.
SUB_DAILY_PARTS = {"BYHOUR", "BYMINUTE", "BYSECOND"}
# Every date a chore can have lies in these years. A typo'd year (1026, 9999)
# would otherwise make dateutil walk centuries of a daily rule on every poll.
FIRST_DAY = date(1970, 1, 1)
LAST_DAY = date(2100, 12, 31)
# Large enough for any real rule ("every 52 weeks", "COUNT=520"), small
# enough that counting to it stays cheap.
MAX_INTERVAL = 1000
MAX_COUNT = 10_000


def _stop_dateutil_after(year: int) -> None:
    """Make dateutil give up on a rule once its walk passes `year`.

    dateutil ends a walk when an occurrence passes UNTIL or when the year
    passes datetime.MAXYEAR. A rule whose parts never meet ("every February
    30th") has no occurrence to pass UNTIL, so it walked day by day to 9999:
    21 s of a worker for a daily rule. Its module alone sees a `datetime`
    whose MAXYEAR is the last year a chore can have, plus one.
    """
    bounded = types.ModuleType("datetime")
    bounded.__dict__.update(vars(datetime_module))
    setattr(bounded, "MAXYEAR", year)  # noqa: B010 - a module's constant, made on purpose
    rrule.datetime = bounded


_stop_dateutil_after(LAST_DAY.year + 1)

# How far around a year to look for occurrences that a move carries into it:
# a holiday run pushes one forward, a closure's substitute forward or back.
_MOVE_REACH = collection.MAX_MOVE

# How far ahead a rule must produce a date to count as "occurs at all".
OCCURRENCE_HORIZON = timedelta(days=3 * 366)


class RecurrenceError(ValueError):
    """A rule that cannot be parsed or that makes no sense for a chore."""


class HolidayCalendar:
    """Public holiday names of one country, in Japanese and in English.

    A plain table read once per process (see holiday_table.py: the holidays
    package itself stays out of the server). Read-only after __init__, so
    gunicorn's threads share it without a lock.
    """

    def __init__(self, country: str = "JP") -> None:
        self.country = country
        self._names = holiday_table.load(country, _data_dir())

    def name(self, day: date, lang: str = "ja") -> str | None:
        names = self._names.get(day)
        if names is None:
            return None
        ja, en = names
        return (en or ja) if lang == "en" else (ja or en)

    def is_holiday(self, day: date) -> bool:
        return day in self._names

    # A chore's holiday list stores the holidays' Japanese names (else their
    # English ones): the same whichever language the parent used in the admin.
    # Both methods ask only name() and between(), whatever keeps the names.

    def names(self, day: date) -> frozenset[str]:
        """The holidays of `day` by the names a holiday list stores."""
        return frozenset(filter(None, (self.name(day, "ja") or "").split("; ")))

    def named(self, years: Iterable[int]) -> list[tuple[str, str, str]]:
        """Each holiday of these years once, in calendar order, as (stored name,
        Japanese name, English name): what the admin offers for a holiday list."""
        seen: dict[str, tuple[str, str, str]] = {}
        for year in sorted(years):
            for _day, ja, en in self.between(date(year, 1, 1), date(year, 12, 31)):
                japanese, english = ja.split("; "), en.split("; ")
                for index, name in enumerate(japanese):
                    other = english[index] if len(english) == len(japanese) else name
                    seen.setdefault(name, (name, name, other))
        return list(seen.values())

    def between(self, first: date, last: date) -> list[tuple[date, str, str]]:
        """Holidays in [first, last] as (date, Japanese name, English name)."""
        out = []
        day = first
        while day <= last:
            if self.is_holiday(day):
                out.append((day, self.name(day, "ja") or "", self.name(day, "en") or ""))
            day += timedelta(days=1)
        return out


def _data_dir() -> Path | None:
    """Where the holiday table is kept between starts: DATA_DIR, when Django is set up."""
    from django.conf import settings

    return Path(settings.DATA_DIR) if settings.configured else None


@functools.cache
def holiday_calendar(country: str = "JP") -> HolidayCalendar:
    return HolidayCalendar(country)


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time())


def rule_parts(text: str) -> dict[str, str] | None:
    """``FREQ=WEEKLY;BYDAY=MO`` as {"FREQ": "WEEKLY", "BYDAY": "MO"}, upper-cased;
    None if a part has no "=" or a name comes twice."""
    body = text.strip().upper()
    if body.startswith("RRULE:"):
        body = body[len("RRULE:") :]
    parts: dict[str, str] = {}
    for part in filter(None, body.split(";")):
        name, equals, value = part.partition("=")
        if not equals or name in parts:
            return None
        parts[name] = value
    return parts


def check_day(day: date, what: str = "A date") -> date:
    """`day`, if it lies in the years a chore can have; RecurrenceError otherwise."""
    if not FIRST_DAY <= day <= LAST_DAY:
        raise RecurrenceError(
            f"{what} {day.isoformat()} is outside {FIRST_DAY.year}–{LAST_DAY.year}."
        )
    return day


def _whole_number(parts: dict[str, str], name: str, largest: int) -> None:
    if name not in parts:
        return
    value = parts[name]
    if not value.isdigit() or not 1 <= int(value) <= largest:
        raise RecurrenceError(f"{name} must be a whole number from 1 to {largest}.")


def parse_rule(text: str, start: date) -> rrule.rrule:
    """Parse an RRULE body such as ``FREQ=WEEKLY;BYDAY=MO,TH``, bounded to LAST_DAY.

    The rule that comes back never walks past LAST_DAY, whatever it says: a
    rule that can never happen ("every February 30th") stops there instead of
    running to the year 9999, and COUNT is turned into the day it ends on.
    """
    check_day(start, "The start date")
    body = text.strip()
    if body.upper().startswith("RRULE:"):
        body = body[len("RRULE:") :]
    parts = rule_parts(body)
    if parts is None:
        raise RecurrenceError("Write the rule as NAME=VALUE parts separated by ';', each once.")
    if "DTSTART" in parts:
        raise RecurrenceError("Put the start date in its own field, not in the rule.")
    if parts.get("FREQ") not in ALLOWED_FREQUENCIES:
        raise RecurrenceError("The rule needs FREQ=DAILY, WEEKLY, MONTHLY or YEARLY.")
    if found := SUB_DAILY_PARTS & set(parts):
        raise RecurrenceError(f"A chore is due on days, not at hours: remove {sorted(found)}.")
    _whole_number(parts, "INTERVAL", MAX_INTERVAL)
    _whole_number(parts, "COUNT", MAX_COUNT)
    try:
        parsed = rrule.rrulestr(body, dtstart=_midnight(start))
    except (ValueError, TypeError, KeyError, IndexError, OverflowError) as exc:
        raise RecurrenceError(f"The rule could not be read: {exc}") from None
    if not isinstance(parsed, rrule.rrule):  # pragma: no cover - rrulestr on one RRULE
        raise RecurrenceError("Give exactly one rule.")
    return _bounded(parsed)


def _bounded(parsed: rrule.rrule) -> rrule.rrule:
    last = _midnight(LAST_DAY)
    until = parsed._until  # dateutil keeps UNTIL only here
    until = last if until is None else min(until.replace(tzinfo=None), last)
    # dateutil warns when COUNT and UNTIL are both set, so COUNT becomes the
    # date of its last occurrence, found on the already bounded rule.
    count = parsed._count
    try:
        bounded = parsed.replace(count=None, until=until)
        if count is not None:
            nth = next(itertools.islice(bounded, count - 1, None), None)
            if nth is not None:
                bounded = bounded.replace(until=nth)
    except (ValueError, OverflowError) as exc:
        raise RecurrenceError(f"The rule could not be read: {exc}") from None
    return bounded


@dataclass(frozen=True)
class Recurrence:
    """A chore's calendar: a rule, extra dates, exception dates, a holiday policy,
    and the rules a city adds (collection.Rules: holiday list, closures, no-collection days)."""

    rule: str
    start: date
    extra_dates: tuple[date, ...] = ()
    exception_dates: tuple[date, ...] = ()
    holiday_policy: str = KEEP
    calendar: HolidayCalendar = field(default_factory=holiday_calendar, compare=False)
    rules: collection.Rules = collection.NO_RULES

    def __post_init__(self) -> None:
        if self.holiday_policy not in HOLIDAY_POLICIES:
            raise RecurrenceError(f"Unknown holiday policy {self.holiday_policy!r}.")
        if not self.rule.strip() and not self.extra_dates:
            raise RecurrenceError("Give a rule or at least one date.")
        check_day(self.start, "The start date")
        for day in (*self.extra_dates, *self.exception_dates):
            check_day(day)

    @functools.cached_property
    def _ruleset(self) -> rrule.rruleset:
        # No dateutil cache: the due days are kept per year (see _year), 4 bytes
        # a day instead of a datetime object per occurrence.
        rules = rrule.rruleset()
        if self.rule.strip():
            rules.rrule(parse_rule(self.rule, self.start))
        for day in self.extra_dates:
            rules.rdate(_midnight(day))
        for day in self.exception_dates:
            rules.exdate(_midnight(day))
        return rules

    def validate(self) -> None:
        """Raise RecurrenceError unless the rule parses and occurs at least once."""
        self._ruleset  # noqa: B018 - parsing is the check
        last = min(self.start + OCCURRENCE_HORIZON, LAST_DAY)
        if not self.occurrences(self.start, last, limit=1):
            raise RecurrenceError("This rule never happens.")

    def fate(self, raw: date) -> collection.Fate:
        """Where the occurrence the rule names for `raw` lands (see collection.fate)."""
        return collection.fate(raw, self.holiday_policy, self.rules, self.calendar)

    @functools.cached_property
    def _by_year(self) -> dict[int, array[int]]:
        return {}

    # Per year, the occurrences that did not stay on the day the rule names:
    # by the day they arrive on, and by the day they left. Few, so a dict.
    @functools.cached_property
    def _arrivals(self) -> dict[int, dict[int, tuple[collection.Fate, ...]]]:
        return {}

    @functools.cached_property
    def _departures(self) -> dict[int, dict[int, collection.Fate]]:
        return {}

    @functools.cached_property
    def _first_year(self) -> int:
        earliest = min([self.start, *self.extra_dates])
        if self.rules.closures:  # a substitute may come before the first occurrence
            earliest = max(earliest - _MOVE_REACH, FIRST_DAY)
        return earliest.year

    def _year(self, year: int) -> array[int]:
        """Ordinals of the due days in `year`, computed once and kept.

        dateutil walks a rule from its start date on every query, so the years
        not yet known up to `year` are found in one walk and kept; at most
        FIRST_DAY–LAST_DAY of a daily rule, 4 bytes a day. The walk reaches
        _MOVE_REACH beyond the years on both sides: a substitute can carry 1/1
        back to 12/30 of the year before, or a holiday's turn into the next.
        """
        found = self._by_year.get(year)
        if found is not None:
            return found
        if not self._first_year <= year <= LAST_DAY.year:
            return array("i")
        missing = [y for y in range(self._first_year, year + 1) if y not in self._by_year]
        first, last = date(missing[0], 1, 1), date(year, 12, 31)
        found_days: dict[int, set[int]] = {y: set() for y in missing}
        arrivals: dict[int, dict[int, list[collection.Fate]]] = {y: {} for y in missing}
        departures: dict[int, dict[int, collection.Fate]] = {y: {} for y in missing}
        walk_from = _midnight(max(first - _MOVE_REACH, FIRST_DAY))
        walk_to = _midnight(min(last + _MOVE_REACH, LAST_DAY))
        for moment in self._ruleset.between(walk_from, walk_to, inc=True):
            raw = moment.date()
            fate = self.fate(raw)
            day = fate.day
            if fate.day != raw and raw.year in departures:
                departures[raw.year][raw.toordinal()] = fate
            if day is None or day.year not in found_days or not FIRST_DAY <= day <= LAST_DAY:
                continue
            found_days[day.year].add(day.toordinal())
            if day != raw:
                arrivals[day.year].setdefault(day.toordinal(), []).append(fate)
        # Each year is stored whole in one step, its moves before its days:
        # threads that fill the same years at once compute the same values,
        # and a reader that finds a year's days finds its moves too.
        for y in missing:
            self._arrivals[y] = {k: tuple(v) for k, v in arrivals[y].items()}
            self._departures[y] = departures[y]
            self._by_year[y] = array("i", sorted(found_days[y]))
        return self._by_year[year]

    def occurrences(self, first: date, last: date, limit: int | None = None) -> list[date]:
        """The days in [first, last] on which the chore is due, in order."""
        out: list[date] = []
        # The last year first: one walk of the rule finds every year before it.
        self._year(min(last.year, LAST_DAY.year))
        for year in range(first.year, last.year + 1):
            days = self._year(year)
            lo = bisect.bisect_left(days, first.toordinal())
            hi = bisect.bisect_right(days, last.toordinal())
            for ordinal in days[lo:hi]:
                out.append(date.fromordinal(ordinal))
                if limit is not None and len(out) >= limit:
                    return out
        return out

    def is_due_on(self, day: date) -> bool:
        # occurrences(day, day), without its list: asked of every chore for
        # every day a wall shows.
        days = self._year(day.year)
        ordinal = day.toordinal()
        found = bisect.bisect_left(days, ordinal)
        return found < len(days) and days[found] == ordinal

    def next_occurrences(self, after: date, count: int) -> list[date]:
        """The next `count` due days on or after `after`, within the horizon."""
        out: list[date] = []
        first = after
        # Expand in slices so a daily rule does not generate three years.
        while len(out) < count and first <= after + OCCURRENCE_HORIZON:
            last = first + timedelta(days=120)
            out.extend(self.occurrences(first, last, limit=count - len(out)))
            first = last + timedelta(days=1)
        return out

    def moved_here(self, day: date) -> tuple[collection.Fate, ...]:
        """The occurrences that a holiday or a closure moved onto `day`."""
        if not FIRST_DAY <= day <= LAST_DAY:
            return ()
        self._year(day.year)
        return self._arrivals.get(day.year, {}).get(day.toordinal(), ())

    def moved_away(self, raw: date) -> collection.Fate | None:
        """What became of the occurrence the rule names for `raw`, if it is not due there."""
        if not FIRST_DAY <= raw <= LAST_DAY:
            return None
        self._year(raw.year)
        return self._departures.get(raw.year, {}).get(raw.toordinal())

    def moved_off_a_holiday(self, day: date) -> bool:
        """Is `day` due only because the holiday policy moved a holiday's turn here?"""
        return any(fate.reason == collection.HOLIDAY for fate in self.moved_here(day))

    def year_bounds(self, year: int) -> tuple[date, date] | None:
        """The first and the last due day of `year`, if the chore is due in it at all."""
        days = self._year(min(year, LAST_DAY.year)) if year <= LAST_DAY.year else array("i")
        if not days:
            return None
        return date.fromordinal(days[0]), date.fromordinal(days[-1])

    def turn(self, day: date) -> int:
        """How many times the chore was due before `day`: the rotation index."""
        self._year(min(day.year, LAST_DAY.year))
        earlier = sum(len(self._year(year)) for year in range(self._first_year, day.year))
        return earlier + bisect.bisect_left(self._year(day.year), day.toordinal())


def dates_from_text(values: Iterable[str]) -> tuple[date, ...]:
    """ISO dates from stored strings, sorted and without repeats."""
    return tuple(sorted({date.fromisoformat(value) for value in values}))


# A family has tens of chores; the bound is for a process that sees many
# edited versions of them. One entry holds at most ~200 KB (a daily rule's
# every day from FIRST_DAY to LAST_DAY).
@functools.lru_cache(maxsize=256)
def shared(
    rule: str,
    start: date,
    extra_dates: tuple[date, ...],
    exception_dates: tuple[date, ...],
    holiday_policy: str,
    country: str,
    rules: collection.Rules = collection.NO_RULES,
) -> Recurrence:
    """One Recurrence per distinct rule, so its due days are computed once per process.

    The rule is parsed here, so a rule that cannot be read fails where the
    caller can leave its chore out, not later in the middle of a wall.
    """
    found = Recurrence(
        rule=rule,
        start=start,
        extra_dates=extra_dates,
        exception_dates=exception_dates,
        holiday_policy=holiday_policy,
        calendar=holiday_calendar(country),
        rules=rules,
    )
    found._ruleset  # noqa: B018 - parsing is the check
    return found
