"""Garbage days as cities run them: closures, holiday lists, and where a moved collection lands.

A city's calendar says more than "Mondays and Thursdays": no collection from
12/31 to 1/4 (a *closure*; the burnables of 12/31 go out on 12/30, the
non-burnables of 1/1 a week later), "no collection on holidays, except on
海の日 and 山の日" (a *holiday list*), and a moved collection never lands on
a Sunday or inside a closure (the *no-collection days*). `fate()` answers,
for one day a chore's rule names, the day it is really due on, or that it is
dropped, and why. `recurrence.py` asks it for every occurrence, so the wall,
the admin's next dates and `show_day` all see the same answer.

Pure: plain values in, plain values out; no ORM, no request, no clock.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Protocol

# What happens to an occurrence that falls inside a closure.
DROP = "drop"  # no collection, no substitute
PREVIOUS = "previous"  # the last collection-able day before the closure
SHIFT = "shift"  # N days later (a week, in most cities)
ON_DATE = "date"  # on a date the city names
CLOSURE_ACTIONS = (DROP, PREVIOUS, SHIFT, ON_DATE)
# How a chore links to one closure: as the closure says, or not at all.
FOLLOW = "follow"
IGNORE = "ignore"
LINK_ACTIONS = (FOLLOW, IGNORE, *CLOSURE_ACTIONS)

# Holiday policies (recurrence.py's names for them).
KEEP = "keep"
SKIP = "skip"
NEXT_DAY = "next"

# Why an occurrence is not on the day the rule names.
HOLIDAY = "holiday"
CLOSURE = "closure"

# The limits that keep every move short, so that the due days of one year
# can be found by looking this far into the years around it.
MAX_CLOSURE_DAYS = 31
MAX_SHIFT_DAYS = 60
MAX_SUBSTITUTE_DISTANCE = timedelta(days=60)
# A move steps over no-collection days, closures and holidays for at most
# this many days; a chore with no collection-able day that near is dropped.
MAX_STEPS = 31
# How far any move can carry an occurrence (closure + substitute + steps).
MAX_MOVE = timedelta(days=MAX_CLOSURE_DAYS + 60 + MAX_STEPS + 1)


class Holidays(Protocol):
    """What the rules need to know of the public holidays (recurrence.HolidayCalendar)."""

    def is_holiday(self, day: date) -> bool: ...

    def names(self, day: date) -> frozenset[str]: ...


def add_years(day: date, years: int) -> date:
    """The same month and day `years` later; 29 February becomes the 28th.

    ValueError past the calendar's first or last year.
    """
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


@dataclass(frozen=True)
class Span:
    """One stretch of a closure: the days from `start` to `end`, both included.

    `years` is how many years after the closure's stored dates it lies (a
    yearly closure); a substitute date moves along by as many years.
    """

    start: date
    end: date
    years: int = 0

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.start <= day <= self.end


@dataclass(frozen=True)
class Closure:
    """Days without collection (年末年始, お盆), once or every year, and what they do by default."""

    id: int
    name_ja: str
    name_en: str
    start: date
    end: date
    yearly: bool = False
    action: str = SHIFT
    shift_days: int = 7
    move_to: date | None = None

    def name(self, lang: str) -> str:
        first, second = (
            (self.name_en, self.name_ja) if lang == "en" else (self.name_ja, self.name_en)
        )
        return first or second

    def _span(self, years: int) -> Span | None:
        """The stretch `years` after the stored one; None past the calendar's ends."""
        try:
            return Span(add_years(self.start, years), add_years(self.end, years), years)
        except ValueError:
            return None

    def span_around(self, day: date) -> Span | None:
        """The stretch of this closure that holds `day`, if one does."""
        if not self.yearly:
            return Span(self.start, self.end) if self.start <= day <= self.end else None
        # A yearly stretch starts in the year of `day` or, running over New
        # Year (12/31–1/4), in the year before.
        for years in (day.year - self.start.year - 1, day.year - self.start.year):
            span = self._span(years)
            if span is not None and day in span:
                return span
        return None

    def spans_between(self, first: date, last: date) -> list[Span]:
        """Every stretch of this closure that touches [first, last]."""
        if not self.yearly:
            return [Span(self.start, self.end)] if self.start <= last and first <= self.end else []
        found = []
        for years in range(first.year - self.start.year - 1, last.year - self.start.year + 1):
            span = self._span(years)
            if span is not None and span.start <= last and first <= span.end:
                found.append(span)
        return found


@dataclass(frozen=True)
class ClosureRule:
    """A closure as it applies to one chore: its own action, or the closure's."""

    closure: Closure
    action: str = SHIFT
    shift_days: int = 7
    move_to: date | None = None


@dataclass(frozen=True)
class Link:
    """A chore's word on one closure (the admin's inline row); FOLLOW takes the closure's."""

    action: str = FOLLOW
    shift_days: int | None = None
    move_to: date | None = None


def closure_rules(
    garbage: bool, closures: Iterable[Closure], links: Mapping[int, Link]
) -> tuple[ClosureRule, ...]:
    """The closures a chore follows, each with the action that applies to it.

    A garbage chore follows every closure, a chore that is not garbage only the
    closures it is linked to; a link can say "not this one" (IGNORE) or give an
    action of its own.
    """
    rules = []
    for closure in closures:
        link = links.get(closure.id)
        if link is None and not garbage:
            continue
        link = link or Link()
        if link.action == IGNORE:
            continue
        if link.action == FOLLOW:
            rules.append(ClosureRule(closure, closure.action, closure.shift_days, closure.move_to))
        else:
            days = link.shift_days if link.shift_days is not None else closure.shift_days
            rules.append(ClosureRule(closure, link.action, days, link.move_to))
    return tuple(rules)


@dataclass(frozen=True)
class Rules:
    """Everything besides the repeat rule that decides a chore's days."""

    holiday_exceptions: frozenset[str] = frozenset()
    no_collection_days: frozenset[int] = frozenset()  # 0 = Monday
    closures: tuple[ClosureRule, ...] = ()

    def closed_by(self, day: date) -> tuple[ClosureRule, Span] | None:
        """The first of this chore's closures that holds `day`, with its stretch."""
        for rule in self.closures:
            span = rule.closure.span_around(day)
            if span is not None:
                return rule, span
        return None


# A chore with nothing but its rule and holiday policy.
NO_RULES = Rules()


def rules_from_row(
    garbage: bool,
    listed: object,
    no_collection_days: int,
    closures: Iterable[Closure],
    links: Mapping[int, Link],
) -> Rules:
    """A chore's rules from its stored columns (a list of holiday names, a weekday
    bitmask) and the household's closures; whatever is not a name is ignored."""
    names = listed if isinstance(listed, list) else []
    return Rules(
        holiday_exceptions=frozenset(name for name in names if isinstance(name, str)),
        no_collection_days=frozenset(day for day in range(7) if no_collection_days & (1 << day)),
        closures=closure_rules(garbage, closures, links),
    )


@dataclass(frozen=True)
class Fate:
    """What became of one day the rule names: due on `day` (None: dropped), and why."""

    raw: date
    day: date | None
    reason: str = ""  # "", HOLIDAY or CLOSURE
    closure: Closure | None = None


def collected_on_holiday(policy: str, holiday_names: frozenset[str], rules: Rules) -> bool:
    """On a holiday: "keep" collects unless the holiday is listed; the others only if it is."""
    listed = bool(holiday_names & rules.holiday_exceptions)
    return not listed if policy == KEEP else listed


def collected_on(day: date, policy: str, rules: Rules, calendar: Holidays) -> bool:
    """Is `day` a day this chore's collection may be on, as far as holidays go?"""
    if policy == KEEP and not rules.holiday_exceptions:
        return True  # most chores: no need to ask the calendar at all
    if not calendar.is_holiday(day):
        return True
    return collected_on_holiday(policy, calendar.names(day), rules)


def collectable(day: date, policy: str, rules: Rules, calendar: Holidays) -> bool:
    """May a moved collection land on `day`? Not on a no-collection weekday, not
    inside a closure, not on a holiday this chore is not collected on."""
    return (
        day.weekday() not in rules.no_collection_days
        and rules.closed_by(day) is None
        and collected_on(day, policy, rules, calendar)
    )


def step(day: date, direction: int, policy: str, rules: Rules, calendar: Holidays) -> date | None:
    """`day`, or the first collection-able day from it in `direction` (+1 or -1)."""
    for _ in range(MAX_STEPS):
        if collectable(day, policy, rules, calendar):
            return day
        day += timedelta(days=direction)
    return None


def fate(raw: date, policy: str, rules: Rules, calendar: Holidays) -> Fate:
    """Where the occurrence the rule names for `raw` is really due.

    A closure comes first: 元日 inside 年末年始 follows the closure's
    substitute, not the holiday policy. Then the holiday: kept, skipped or
    moved to the next day, unless the holiday is on the chore's list.
    """
    closed = rules.closed_by(raw)
    if closed is not None:
        rule, span = closed
        return Fate(
            raw, _substitute(raw, rule, span, policy, rules, calendar), CLOSURE, rule.closure
        )
    if collected_on(raw, policy, rules, calendar):
        return Fate(raw, raw)
    if policy == NEXT_DAY:
        return Fate(raw, step(raw + timedelta(days=1), 1, policy, rules, calendar), HOLIDAY)
    return Fate(raw, None, HOLIDAY)


def _substitute(
    raw: date, rule: ClosureRule, span: Span, policy: str, rules: Rules, calendar: Holidays
) -> date | None:
    if rule.action == PREVIOUS:
        return step(span.start - timedelta(days=1), -1, policy, rules, calendar)
    if rule.action == SHIFT:
        days = min(max(rule.shift_days, 1), MAX_SHIFT_DAYS)
        return step(raw + timedelta(days=days), 1, policy, rules, calendar)
    if rule.action == ON_DATE and rule.move_to is not None:
        # The date is given for the stretch nearest to it; each year's
        # stretch takes it along by as many years.
        home = nearest_span(rule.closure, rule.move_to)
        target = add_years(rule.move_to, span.years - home.years)
        if abs(target - span.start) > MAX_SUBSTITUTE_DISTANCE + timedelta(MAX_CLOSURE_DAYS):
            return None  # a row saved around validation; never a move of months
        return step(target, 1, policy, rules, calendar)
    return None


def closure_problems(
    start: date, end: date, yearly: bool, action: str, shift_days: int, move_to: date | None
) -> dict[str, str]:
    """What is wrong with a closure's dates and action, by field, in plain English.

    The models word these for parents; the import and the admin ask the same.
    """
    problems: dict[str, str] = {}
    if end < start:
        problems["end"] = "before_start"
    elif (end - start).days + 1 > MAX_CLOSURE_DAYS:
        problems["end"] = "too_long"
    if yearly and ((start.month, start.day) == (2, 29) or (end.month, end.day) == (2, 29)):
        problems["start"] = "leap_day"
    if action == SHIFT and not 1 <= shift_days <= MAX_SHIFT_DAYS:
        problems["shift_days"] = "shift_range"
    problems.update(substitute_problems(start, end, yearly, action, move_to))
    return problems


def substitute_problems(
    start: date, end: date, yearly: bool, action: str, move_to: date | None
) -> dict[str, str]:
    """A substitute date is needed for ON_DATE, outside the closure, and near it."""
    if action != ON_DATE:
        return {}
    if move_to is None:
        return {"move_to": "missing"}
    closure = Closure(0, "", "", start, end, yearly)
    if closure.span_around(move_to) is not None:
        return {"move_to": "inside"}
    span = nearest_span(closure, move_to)
    if not span.start - MAX_SUBSTITUTE_DISTANCE <= move_to <= span.end + MAX_SUBSTITUTE_DISTANCE:
        return {"move_to": "too_far"}
    return {}


def nearest_span(closure: Closure, day: date) -> Span:
    """The stretch of `closure` nearest to `day` (a yearly one has one every year)."""
    try:
        spans = closure.spans_between(day - timedelta(days=366), day + timedelta(days=366))
    except OverflowError:  # `day` at the calendar's very ends
        spans = []
    if not spans:  # a one-off closure far from `day`
        return Span(closure.start, closure.end)
    return min(spans, key=lambda span: min(abs(span.start - day), abs(span.end - day)))
