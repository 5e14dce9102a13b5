"""When a chore is due: RFC 5545 recurrence rules plus public holidays.

The rule itself is parsed and expanded by python-dateutil and the holidays come
from the `holidays` package; this module only adds what neither knows about: a
chore's holiday policy (keep the day, skip it, or move to the next working
day), and the turn-taking index used for rotating assignees.
"""

from __future__ import annotations

import bisect
import functools
import threading
from array import array
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

import holidays
from dateutil import rrule

KEEP = "keep"
SKIP = "skip"
NEXT_DAY = "next"
HOLIDAY_POLICIES = (KEEP, SKIP, NEXT_DAY)

# Frequencies that make sense for a household chore; hourly rules would be
# expanded into dates anyway and only confuse the admin.
ALLOWED_FREQUENCIES = {"DAILY", "WEEKLY", "MONTHLY", "YEARLY"}

# How far back to look for an occurrence that a holiday run pushed forward.
# The longest run of Japanese holidays (Golden Week) is five days.
_NEXT_DAY_LOOKBACK = timedelta(days=14)

# How far ahead a rule must produce a date to count as "occurs at all".
OCCURRENCE_HORIZON = timedelta(days=3 * 366)


class RecurrenceError(ValueError):
    """A rule that cannot be parsed or that makes no sense for a chore."""


def _language_code(country_holidays: holidays.HolidayBase, lang: str) -> str | None:
    supported = getattr(country_holidays, "supported_languages", ()) or ()
    wanted = ("ja",) if lang == "ja" else ("en_US", "en_GB", "en")
    for code in wanted:
        if code in supported:
            return code
    return None


class HolidayCalendar:
    """Public holiday names of one country, in Japanese and in English."""

    def __init__(self, country: str = "JP") -> None:
        self.country = country
        base = holidays.country_holidays(country)
        self._by_lang = {
            lang: holidays.country_holidays(country, language=_language_code(base, lang))
            for lang in ("ja", "en")
        }
        # The holidays package fills in a year on first lookup; gunicorn's
        # threads share one calendar, so lookups take turns.
        self._lock = threading.Lock()

    def name(self, day: date, lang: str = "ja") -> str | None:
        with self._lock:
            return self._by_lang["en" if lang == "en" else "ja"].get(day)

    def is_holiday(self, day: date) -> bool:
        with self._lock:
            return day in self._by_lang["ja"]

    def between(self, first: date, last: date) -> list[tuple[date, str, str]]:
        """Holidays in [first, last] as (date, Japanese name, English name)."""
        out = []
        day = first
        while day <= last:
            if self.is_holiday(day):
                out.append((day, self.name(day, "ja") or "", self.name(day, "en") or ""))
            day += timedelta(days=1)
        return out


@functools.cache
def holiday_calendar(country: str = "JP") -> HolidayCalendar:
    return HolidayCalendar(country)


def _midnight(day: date) -> datetime:
    return datetime.combine(day, time())


def parse_rule(text: str, start: date) -> rrule.rrule:
    """Parse an RRULE body such as ``FREQ=WEEKLY;BYDAY=MO,TH``."""
    body = text.strip()
    if body.upper().startswith("RRULE:"):
        body = body[len("RRULE:") :]
    parts = dict(
        part.split("=", 1) if "=" in part else (part, "") for part in body.upper().split(";")
    )
    if "DTSTART" in parts:
        raise RecurrenceError("Put the start date in its own field, not in the rule.")
    if parts.get("FREQ") not in ALLOWED_FREQUENCIES:
        raise RecurrenceError("The rule needs FREQ=DAILY, WEEKLY, MONTHLY or YEARLY.")
    try:
        parsed = rrule.rrulestr(body, dtstart=_midnight(start))
    except (ValueError, TypeError, KeyError, IndexError) as exc:
        raise RecurrenceError(f"The rule could not be read: {exc}") from None
    if not isinstance(parsed, rrule.rrule):  # pragma: no cover - rrulestr on one RRULE
        raise RecurrenceError("Give exactly one rule.")
    return parsed


@dataclass(frozen=True)
class Recurrence:
    """A chore's calendar: a rule, extra dates, exception dates, a holiday policy."""

    rule: str
    start: date
    extra_dates: tuple[date, ...] = ()
    exception_dates: tuple[date, ...] = ()
    holiday_policy: str = KEEP
    calendar: HolidayCalendar = field(default_factory=holiday_calendar, compare=False)

    def __post_init__(self) -> None:
        if self.holiday_policy not in HOLIDAY_POLICIES:
            raise RecurrenceError(f"Unknown holiday policy {self.holiday_policy!r}.")
        if not self.rule.strip() and not self.extra_dates:
            raise RecurrenceError("Give a rule or at least one date.")

    @functools.cached_property
    def _ruleset(self) -> rrule.rruleset:
        rules = rrule.rruleset(cache=True)
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
        if not self.occurrences(self.start, self.start + OCCURRENCE_HORIZON, limit=1):
            raise RecurrenceError("This rule never happens.")

    def _moved(self, day: date) -> date | None:
        """Where a raw occurrence lands once the holiday policy is applied."""
        if self.holiday_policy == KEEP or not self.calendar.is_holiday(day):
            return day
        if self.holiday_policy == SKIP:
            return None
        while self.calendar.is_holiday(day):
            day += timedelta(days=1)
        return day

    @functools.cached_property
    def _by_year(self) -> dict[int, array]:
        return {}

    def _year(self, year: int) -> array:
        """Ordinals of the due days in `year`, computed once and kept.

        dateutil walks a rule from its start date on every query; a year at
        a time, cached, keeps a wall poll from re-walking years of a daily rule.
        """
        found = self._by_year.get(year)
        if found is not None:
            return found
        first, last = date(year, 1, 1), date(year, 12, 31)
        lookback = _NEXT_DAY_LOOKBACK if self.holiday_policy == NEXT_DAY else timedelta(0)
        begin = max(first - lookback, date.min + lookback)
        days = array("l")
        if last >= self.start or self.extra_dates:
            for moment in self._ruleset.between(_midnight(begin), _midnight(last), inc=True):
                day = self._moved(moment.date())
                if day is not None and first <= day <= last:
                    ordinal = day.toordinal()
                    if not days or days[-1] < ordinal:
                        days.append(ordinal)
        self._by_year[year] = days
        return days

    def occurrences(self, first: date, last: date, limit: int | None = None) -> list[date]:
        """The days in [first, last] on which the chore is due, in order."""
        out: list[date] = []
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
        return bool(self.occurrences(day, day))

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

    def turn(self, day: date) -> int:
        """How many times the chore was due before `day`: the rotation index."""
        if day <= self.start:
            return 0
        earlier = sum(len(self._year(year)) for year in range(self.start.year, day.year))
        return earlier + bisect.bisect_left(self._year(day.year), day.toordinal())


def dates_from_text(values: Iterable[str]) -> tuple[date, ...]:
    """ISO dates from stored strings, sorted and without repeats."""
    return tuple(sorted({date.fromisoformat(value) for value in values}))


@functools.lru_cache(maxsize=4096)
def shared(
    rule: str,
    start: date,
    extra_dates: tuple[date, ...],
    exception_dates: tuple[date, ...],
    holiday_policy: str,
    country: str,
) -> Recurrence:
    """One Recurrence per distinct rule, so dateutil's expansion cache is reused."""
    return Recurrence(
        rule=rule,
        start=start,
        extra_dates=extra_dates,
        exception_dates=exception_dates,
        holiday_policy=holiday_policy,
        calendar=holiday_calendar(country),
    )
