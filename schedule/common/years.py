"""A chore's first and last day of a calendar year, as the city's calendar tells them.

"ことし さいご" (the last collection this year) is the chore's last due day of
the year. "ことし はじめて" (the first this year) is the day the rule's first
collection of the year lands on, had the chore always been there: a chore a
parent created in December has no first collection of the year in December
(the rule's first of that year was in January, before the chore began); one
created on 2 January whose first collection is on the 5th has. So the first
is found on the same rule begun long enough before the year (by whole
intervals, so that "every other Tuesday" keeps its Tuesdays), and it counts
only if the chore itself is due that day.

Pure: plain values in, plain values out.
"""

from __future__ import annotations

import dataclasses
import functools
from datetime import date, timedelta

from schedule.common import collection
from schedule.common.recurrence import FIRST_DAY, Recurrence, rule_parts

# Far enough before 1 January that no occurrence which a closure or a holiday
# carries into the year is left out (collection.MAX_MOVE), plus a week.
_BEFORE_THE_YEAR = collection.MAX_MOVE + timedelta(days=7)


@functools.lru_cache(maxsize=1024)
def year_ends(rule: Recurrence, year: int) -> tuple[date | None, date] | None:
    """The first and last due day of `year`; the first is None when the chore's
    first that year is not the year's first collection (it began later in the
    year). None when the chore is not due in `year` at all."""
    bounds = rule.year_bounds(year)
    if bounds is None:
        return None
    first, last = bounds
    ever = _as_if_always(rule, date(year, 1, 1) - _BEFORE_THE_YEAR)
    if ever is not rule:
        found = ever.year_bounds(year)
        # The rule's first collection of the year came before the chore began
        # (or is a day the chore does not have): its first is not the year's.
        if found is None or found[0] != first:
            return None, last
    return first, last


def _as_if_always(rule: Recurrence, before: date) -> Recurrence:
    """`rule` begun on or before `before`, its occurrences in step with the real
    start (whole days, weeks or years of its interval earlier); `rule` itself
    when it began by then already, or when it has no repeating rule."""
    parts = rule_parts(rule.rule) if rule.rule.strip() else None
    if rule.start <= before or not parts:
        return rule
    interval = int(parts.get("INTERVAL") or 1)
    frequency = parts.get("FREQ")
    start = rule.start
    if frequency in ("DAILY", "WEEKLY"):
        step = interval * (7 if frequency == "WEEKLY" else 1)
        periods = -(-(start - before).days // step)
        start -= timedelta(days=periods * step)
    else:
        # Months and years: whole years of the interval, so that the month and
        # the day of the month a rule takes from its start stay the same.
        years = -(-(start.year - before.year + 1) // interval) * interval
        start = collection.add_years(start, -years)
    if start < FIRST_DAY:
        return rule
    # COUNT counts from the start: the rule as if always there has none.
    body = ";".join(f"{name}={value}" for name, value in parts.items() if name != "COUNT")
    return dataclasses.replace(rule, rule=body, start=start)
