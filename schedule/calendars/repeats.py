"""A subscribed calendar's repeat rules, checked before recurring-ical-events
follows them.

The library asks dateutil for each series' occurrences from its DTSTART on
and caches every one, so a rule every second (FREQ=SECONDLY), one that
repeats a single moment forever (INTERVAL=0), one whose days never come (30
February: dateutil walks on to the year 9999) or a daily one since the year 1
would hold the worker for minutes and fill its memory long before reaching
the days kept. Each rule is therefore judged here first, from its parts: one
that cannot work is refused; one that began long ago is moved forward by
whole periods (the same occurrences from there on); and what the rest will
cost before the first day kept is counted, for a series and for the calendar.
"""

from __future__ import annotations

import math
import re
from datetime import date, datetime, time, timedelta

from schedule.calendars.fetch import Deadline, SyncProblem, printable

# What following a repeat may cost before the first day kept (the occurrences
# dateutil makes and caches from DTSTART on, and those a long event carries
# into the window), for one series and for the whole calendar.
SERIES_WORK = 50_000
CALENDAR_WORK = 200_000
# Occurrences asked of one series at once: a dense one is taken a span at a time.
SPAN_OCCURRENCES = 2_000
# Daylight saving time moves a wall clock by up to two hours.
DST = timedelta(hours=2)
FIXED = {
    "SECONDLY": timedelta(seconds=1),
    "MINUTELY": timedelta(minutes=1),
    "HOURLY": timedelta(hours=1),
    "DAILY": timedelta(days=1),
    "WEEKLY": timedelta(weeks=1),
}
MONTHS = {"MONTHLY": 1, "YEARLY": 12}
# The BY parts that add occurrences within one period (RFC 5545, 3.3.10).
TIME_PARTS = {
    "SECONDLY": (),
    "MINUTELY": ("BYSECOND",),
    "HOURLY": ("BYMINUTE", "BYSECOND"),
}
_ORDINAL = re.compile(r"^[+-]?\d+")


def in_time(deadline: Deadline) -> None:
    if deadline.passed():
        raise SyncProblem("too_slow", f"{deadline.seconds:g}")


class Repeats:
    """The repeat rules of one calendar, checked before recurring-ical-events
    follows them: it asks dateutil for each series' occurrences from DTSTART
    on and caches them all, so a rule every second, or every day since the
    year 1, would fill the worker's memory before reaching the days kept."""

    def __init__(self, first: date, last: date, deadline: Deadline) -> None:
        # Naive wall clock, as recurring-ical-events reads the window: in each
        # series' own zone.
        self.start = datetime.combine(first, time(0))
        self.end = datetime.combine(last + timedelta(days=1), time(0))
        self.deadline = deadline
        self.work = 0
        self.per_day: dict[str, float] = {}
        self.never: dict[str, bool] = {}

    def check(self, components: list) -> None:
        # How far moved occurrences lie from where they were: the library
        # widens each question to a series by that much.
        stretch: dict[str, timedelta] = {}
        for component in components:
            if "RECURRENCE-ID" in component and "DTSTART" in component:
                uid = str(component.get("UID", ""))
                moved = abs(_wall(component.DTSTART) - _wall(component["RECURRENCE-ID"].dt))
                stretch[uid] = max(stretch.get(uid, timedelta(0)), moved + _length(component))
        for component in components:
            if "RRULE" in component and "RECURRENCE-ID" not in component:
                uid = str(component.get("UID", ""))
                self._series(component, uid, stretch.get(uid, timedelta(0)))
                in_time(self.deadline)

    def _series(self, component, uid: str, stretch: timedelta) -> None:
        try:
            self._follow(component, uid, _length(component) + stretch + DST)
        except SyncProblem as problem:
            if problem.code != "bad_repeat":
                raise
            # Which event, in the family's words, then the rule itself.
            title = printable(str(component.get("SUMMARY", ""))).strip()[:80]
            detail = f"{title} ({problem.detail})" if title else problem.detail
            raise SyncProblem("bad_repeat", detail) from None

    def _follow(self, component, uid: str, carry: timedelta) -> None:
        """Check a series' rules, move it forward if it may, and count its cost.
        `carry`: how far before the window an occurrence may start and still
        show (its length, how far its moved occurrences went, a DST shift)."""
        rules = component["RRULE"]
        rules = rules if isinstance(rules, list) else [rules]
        start = component.DTSTART
        shapes = [_shape(rule, start) for rule in rules]
        for rule, shape in zip(rules, shapes, strict=True):
            if self._never_happens(rule, shape[0]):
                raise SyncProblem("bad_repeat", _text(rule))
        for rule in rules:
            if "COUNT" in rule and int(rule["COUNT"][0]) < 1:
                del rule["COUNT"]  # as the library does: no count at all, not a small one
        if len(rules) == 1:
            freq, interval, period, per_period, _per_day = shapes[0]
            count = int(rules[0]["COUNT"][0]) if "COUNT" in rules[0] else None
            if count is not None and count > _periods(self.end - _wall(start), period) * per_period:
                # It cannot run out before the last day kept: counting from
                # the moved start instead changes nothing those days show.
                del rules[0]["COUNT"]
                count = None
            if count is None:
                _move_forward(component, freq, interval, self.start - carry)
                start = component.DTSTART
        for rule, (_freq, _interval, period, per_period, _per_day) in zip(
            rules, shapes, strict=True
        ):
            before = _periods(self.start - _wall(start) + carry, period) * per_period
            if "COUNT" in rule:
                before = min(before, int(rule["COUNT"][0]))
            self.work += before
            if before > SERIES_WORK or self.work > CALENDAR_WORK:
                raise SyncProblem("bad_repeat", _text(rule))
        self.per_day[uid] = self.per_day.get(uid, 0) + sum(shape[4] for shape in shapes)

    def _never_happens(self, rule, freq: str) -> bool:
        """A rule whose days never come (30 February, the 6th Monday) sends dateutil
        on to the year 9999, day by day: seconds of work for nothing. Its days
        repeat every 400 years, so a copy from the year 9599 tells in no time."""
        import dateutil.rrule
        import icalendar

        parts = {
            key: value for key, value in rule.items() if key not in {"COUNT", "UNTIL", "INTERVAL"}
        }
        ordinals = any(_ORDINAL.match(str(day)) for day in parts.get("BYDAY", []))
        if not (ordinals or {"BYMONTHDAY", "BYYEARDAY", "BYWEEKNO", "BYSETPOS"} & parts.keys()):
            return False
        if freq not in MONTHS and "BYSETPOS" not in parts:
            # Below a month these BY parts only pick days: a yearly copy picks the same.
            parts = {
                key: value
                for key, value in parts.items()
                if key not in {"BYHOUR", "BYMINUTE", "BYSECOND", "BYSETPOS"}
            }
            parts["FREQ"] = ["YEARLY"]
            parts["BYDAY"] = [_ORDINAL.sub("", str(day)) for day in parts.get("BYDAY", [])]
            if not parts["BYDAY"]:
                del parts["BYDAY"]
        probe = icalendar.prop.vRecur(parts).to_ical().decode()
        if probe not in self.never:
            try:
                found = next(
                    iter(dateutil.rrule.rrulestr(probe, dtstart=datetime(9599, 1, 1))), None
                )
            except (ValueError, TypeError, OverflowError):
                found = None
            self.never[probe] = found is None
            in_time(self.deadline)
        return self.never[probe]

    def span(self, uid: str) -> timedelta:
        """How much of the window to ask a series for at once."""
        per_day = self.per_day.get(uid, 0)
        days = (self.end - self.start).days
        if per_day * days <= SPAN_OCCURRENCES:
            return self.end - self.start
        return max(timedelta(hours=1), timedelta(days=SPAN_OCCURRENCES / per_day))


def _shape(rule, start) -> tuple[str, int, timedelta, int, float]:
    """(FREQ, INTERVAL, shortest period, occurrences a period at most, a day at
    most) of a rule that can be followed; SyncProblem("bad_repeat") otherwise."""
    import dateutil.rrule
    import icalendar

    if not isinstance(rule, icalendar.prop.vRecur):  # icalendar could not read it at all
        raise SyncProblem("bad_repeat", _text(rule))
    freq = str((rule.get("FREQ") or [""])[0]).upper()
    interval = (rule.get("INTERVAL") or [1])[0]
    if freq not in FIXED and freq not in MONTHS:
        raise SyncProblem("bad_repeat", _text(rule))
    if not isinstance(interval, int) or interval < 1:
        raise SyncProblem("bad_repeat", _text(rule))  # INTERVAL=0 repeats one moment forever
    if freq in TIME_PARTS and not isinstance(start, datetime):
        raise SyncProblem("bad_repeat", _text(rule))  # hours of a day that has none
    if freq in TIME_PARTS and "BYSETPOS" in rule:
        raise SyncProblem("bad_repeat", _text(rule))
    try:  # what dateutil refuses, the library would raise later (it mends UNTIL itself)
        parts = {key: value for key, value in rule.items() if key != "UNTIL"}
        dateutil.rrule.rrulestr(_text(icalendar.prop.vRecur(parts)), dtstart=_wall(start))
    except (ValueError, TypeError, OverflowError):
        raise SyncProblem("bad_repeat", _text(rule)) from None
    times = math.prod(
        len(rule.get(part, ())) or 1
        for part in TIME_PARTS.get(freq, ("BYHOUR", "BYMINUTE", "BYSECOND"))
    )
    per_period = _days(rule, freq) * times
    if "BYSETPOS" in rule:
        per_period = min(per_period, len(rule["BYSETPOS"]))
    if per_period > SERIES_WORK:
        raise SyncProblem("bad_repeat", _text(rule))
    if freq in FIXED:
        period = FIXED[freq] * interval
    else:
        period = timedelta(days=28 if freq == "MONTHLY" else 365) * interval
    return freq, interval, period, per_period, per_period * timedelta(days=1) / period


def _days(rule, freq: str) -> int:
    """The days one period of the rule may fall on, at most."""

    def count(part: str) -> int:
        return len(rule.get(part, ()))

    nth = [bool(_ORDINAL.match(str(day))) for day in rule.get("BYDAY", ())]
    if freq == "WEEKLY":
        return min(7, count("BYDAY") or 1)
    if freq == "MONTHLY":
        return min(31, count("BYMONTHDAY") or sum(1 if n else 5 for n in nth) or 1)
    if freq != "YEARLY":
        return 1
    if count("BYYEARDAY") or count("BYWEEKNO"):
        return min(366, count("BYYEARDAY") or 7 * count("BYWEEKNO"))
    months = count("BYMONTH")
    if count("BYMONTHDAY"):
        return min(366, (months or 12) * count("BYMONTHDAY"))
    if nth:
        return min(366, sum(1 if n else 5 for n in nth) * months if months else
                   sum(1 if n else 53 for n in nth))  # fmt: skip
    return months or 1


def _move_forward(component, freq: str, interval: int, latest: datetime) -> None:
    """Move DTSTART (and DTEND) forward by whole periods, to the last start no
    later than `latest`: the same occurrences from there on, without the
    dateutil making and keeping every one of them since the first."""
    start = component.DTSTART
    moved = None
    if freq in FIXED:
        steps = (latest - _wall(start)) // (FIXED[freq] * interval)
        if steps >= 1:
            moved = start + steps * FIXED[freq] * interval
    else:
        # Whole years, so that months and weekdays fall as before.
        years = math.lcm(interval * MONTHS[freq], 12) // 12
        steps = (latest.year - _wall(start).year) // years
        for step in range(steps, max(0, steps - 10), -1):
            try:
                candidate = start.replace(year=start.year + step * years)
            except ValueError:
                continue  # 29 February in a common year
            if _wall(candidate) <= latest:
                moved = candidate
                break
    if moved is None:
        return
    length = _length(component)
    component.DTSTART = moved
    if "DTEND" in component:
        component.DTEND = moved + length


def _periods(span: timedelta, period: timedelta) -> int:
    return max(0, math.ceil(span / period)) + 1


def _wall(moment: date) -> datetime:
    if isinstance(moment, datetime):
        return moment.replace(tzinfo=None)
    return datetime.combine(moment, time(0))


def _length(component) -> timedelta:
    """How long each occurrence lasts (RFC 5545: a day for a date without an end)."""
    start = component.get("DTSTART")
    end = component.get("DTEND")
    duration = component.get("DURATION")
    if end is not None:
        return max(timedelta(0), _wall(end.dt) - _wall(start.dt))
    if duration is not None and isinstance(duration.dt, timedelta):
        return max(timedelta(0), duration.dt)
    return timedelta(0) if isinstance(start.dt, datetime) else timedelta(days=1)


def _text(rule) -> str:
    return rule.to_ical().decode(errors="replace")
