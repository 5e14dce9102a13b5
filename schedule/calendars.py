"""Calendars in: fetch a subscribed ICS calendar and keep its coming days' events.

The worker calls `sync()` for each subscription every CALENDAR_SYNC_MINUTES.
A calendar comes from someone else's server and may be slow, huge or
hostile, so each one gets CALENDAR_TIMEOUT_SECONDS in all, fetching and
reading together. The fetch (calendar_fetch.py) keeps to that deadline and to
CALENDAR_MAX_MB, follows only http/https and a few redirects, and asks with
ETag/If-Modified-Since so an unchanged calendar costs a 304. Its text is cut
down to what may reach the days kept (calendar_screen.py), read with
icalendar, Google's X-WR-TIMEZONE is made standard by x-wr-timezone, and the
repeats (RRULE, RDATE, EXDATE, moved RECURRENCE-ID) are expanded by
recurring-ical-events, after each rule is checked here: one that cannot work
(INTERVAL=0, a day that never comes) is refused, one that began long ago is
moved forward by whole periods, and the occurrences are taken lazily, a series
at a time, never more than CALENDAR_MAX_EVENTS. Whatever goes wrong, the
events of the last good fetch stay and the problem (which limit, in the
family's words) is stored for the admin and /healthz to show; the wall only
ever reads the stored events.
"""

from __future__ import annotations

import hashlib
import logging
import math
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import DatabaseError, transaction
from django.utils import timezone

from . import calendar_screen, planner
from .calendar_fetch import Deadline as Deadline
from .calendar_fetch import Fetched as Fetched
from .calendar_fetch import SyncProblem as SyncProblem
from .calendar_fetch import fetch as fetch
from .calendar_fetch import fetch_url as fetch_url
from .calendar_fetch import printable as printable
from .models import CalendarEvent, CalendarSubscription, Revision

log = logging.getLogger(__name__)

TITLE_LENGTH = CalendarEvent._meta.get_field("title").max_length
UID_LENGTH = CalendarEvent._meta.get_field("uid").max_length
# A timed event with no end lasts a moment; on the wall it gets a short block.
MOMENT = timedelta(minutes=15)

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


def guess_lang(text: str) -> str:
    """ "ja" when the text has kana or kanji, else "en": the event's own language,
    so that the wall marks it and kanji get Japanese glyphs."""
    for char in text:
        code = ord(char)
        if (
            0x3040 <= code <= 0x30FF  # hiragana, katakana
            or 0x3400 <= code <= 0x4DBF  # CJK extension A
            or 0x4E00 <= code <= 0x9FFF  # CJK ideographs
            or 0xFF66 <= code <= 0xFF9F  # half-width katakana
        ):
            return "ja"
    return "en"


@dataclass(frozen=True)
class Event:
    """One occurrence, ready to store."""

    uid: str
    title: str
    start: datetime | None = None
    end: datetime | None = None
    start_date: date | None = None
    end_date: date | None = None  # excluded

    @property
    def key(self) -> tuple:
        return (self.uid, self.title, self.start, self.end, self.start_date, self.end_date)


def parse(
    body: bytes,
    first: date,
    last: date,
    tz: ZoneInfo,
    deadline: Deadline | None = None,
    charset: str = "",
) -> list[Event]:
    """The occurrences between `first` and `last` (included); SyncProblem if
    not a calendar, or over a limit."""
    deadline = deadline or Deadline(settings.CALENDAR_TIMEOUT_SECONDS)
    text = calendar_screen.screen(calendar_screen.decode(body, charset), first, last)
    # Imported here: the web server loads this module for guess_lang() only,
    # and the calendar libraries would cost every wall worker memory.
    import icalendar
    import recurring_ical_events
    import x_wr_timezone

    try:
        calendar = icalendar.Calendar.from_ical(text)
        try:
            calendar = x_wr_timezone.to_standard(calendar)
        except Exception as exc:  # a zone nobody knows: the times stay as written
            log.info("X-WR-TIMEZONE ignored: %s", exc)
            calendar.pop("X-WR-TIMEZONE", None)
        _in_time(deadline)
        repeats = _Repeats(first, last, deadline)
        repeats.check(calendar.walk("VEVENT"))
        query = recurring_ical_events.of(calendar)
        events = [_event(component, tz) for component in _occurrences(query, repeats)]
    except SyncProblem:
        raise
    except Exception as exc:  # the libraries raise many kinds on broken input
        log.info("Not a calendar: %s", exc)
        raise SyncProblem("not_calendar", str(exc)[:200]) from None
    finally:
        # icalendar keeps every VTIMEZONE it reads in a cache for the whole
        # process, under the feed's own TZID: a feed that invents new ones at
        # each sync would grow it forever, and lend its zones to other feeds.
        icalendar.timezone.tzp.use_default()
    return [event for event in events if event is not None]


def _in_time(deadline: Deadline) -> None:
    if deadline.passed():
        raise SyncProblem("too_slow", f"{deadline.seconds:g}")


class _Repeats:
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
                _in_time(self.deadline)

    def _series(self, component, uid: str, stretch: timedelta) -> None:
        rules = component["RRULE"]
        rules = rules if isinstance(rules, list) else [rules]
        start = component.DTSTART
        carry = _length(component) + stretch + DST
        shapes = [_shape(rule, start) for rule in rules]
        for rule, (freq, _interval, _period, _per_period, _per_day) in zip(
            rules, shapes, strict=True
        ):
            if self._never_happens(rule, freq):
                raise SyncProblem("bad_repeat", _text(rule))
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
        work = 0
        for rule, (_freq, _interval, period, per_period, _per_day) in zip(
            rules, shapes, strict=True
        ):
            before = _periods(self.start - _wall(start) + carry, period) * per_period
            if "COUNT" in rule:
                before = min(before, int(rule["COUNT"][0]))
            if before > SERIES_WORK:
                raise SyncProblem("bad_repeat", _text(rule))
            work += before
        self.work += work
        if self.work > CALENDAR_WORK:
            raise SyncProblem("bad_repeat", _text(rules[0]))
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
            _in_time(self.deadline)
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


def _occurrences(query, repeats: _Repeats) -> Iterator:
    """Each occurrence in the window once, lazily, a series at a time: never
    more than CALENDAR_MAX_EVENTS, and never more than a span's worth asked of
    dateutil at once. (The library's own after() iterator asks every series
    again for each of its adaptive spans, which costs a calendar of a few
    thousand events seconds.)"""
    most = settings.CALENDAR_MAX_EVENTS
    seen: set = set()
    for series in query.series:
        step = repeats.span(series.uid)
        at = repeats.start
        while at < repeats.end:
            _in_time(repeats.deadline)
            stop = min(at + step, repeats.end)
            for occurrence in series.between(at, stop):
                if occurrence.id in seen:
                    continue
                seen.add(occurrence.id)
                if len(seen) > most:
                    raise SyncProblem("too_many_repeats", str(most))
                yield occurrence.as_component(False)
            at = stop


def _event(component, tz: ZoneInfo) -> Event | None:
    if component.name != "VEVENT" or str(component.get("STATUS", "")).upper() == "CANCELLED":
        return None
    start = component.get("DTSTART")
    if start is None:
        return None
    start = start.dt
    end = component.get("DTEND")
    end = end.dt if end is not None else None
    if end is None and component.get("DURATION") is not None:
        end = start + component.get("DURATION").dt
    title = printable(str(component.get("SUMMARY", ""))).strip()[:TITLE_LENGTH] or "—"
    uid = printable(str(component.get("UID", ""))).strip()
    if not isinstance(start, datetime):  # an all-day event
        if isinstance(end, datetime):
            end = end.date()
        if end is None or end <= start:
            end = start + timedelta(days=1)
        return Event(uid[:UID_LENGTH] or title, title, start_date=start, end_date=end)
    start = _aware(start, tz)
    end = _aware(end, tz) if isinstance(end, datetime) else None
    if end is None or end <= start:
        end = start + MOMENT
    return Event(uid[:UID_LENGTH] or title, title, start=start, end=end)


def _aware(moment: datetime, tz: ZoneInfo) -> datetime:
    """A floating time (no zone) is the family's own wall clock."""
    if moment.tzinfo is None:
        return planner.at(moment.date(), moment.time(), tz)
    return moment


def window(today: date) -> tuple[date, date]:
    """The days kept: yesterday (for the night's carried events) to the days ahead."""
    return today - timedelta(days=1), today + timedelta(days=settings.CALENDAR_DAYS_AHEAD)


def sync(subscription: CalendarSubscription, now: datetime | None = None) -> None:
    """Fetch and store one subscription; a problem is stored, never raised."""
    now = now or timezone.now()
    tz = ZoneInfo(settings.TIME_ZONE)
    first, last = window(now.astimezone(tz).date())
    # One deadline for fetching and reading: a hostile calendar holds the
    # worker no longer than that, and the next calendar still syncs.
    deadline = Deadline(settings.CALENDAR_TIMEOUT_SECONDS)
    try:
        fetched = fetch(subscription.url, subscription.etag, subscription.last_modified, deadline)
        if fetched.body is None:
            events = None
        else:
            events = parse(fetched.body, first, last, tz, deadline, fetched.charset)
    except SyncProblem as problem:
        log.warning("Calendar %s (%s): %s", subscription.pk, subscription.name, problem)
        CalendarSubscription.objects.filter(pk=subscription.pk).update(
            last_sync_at=now, error_code=problem.code, error_detail=problem.detail
        )
        return
    with transaction.atomic():
        fields = {"last_sync_at": now, "last_success_at": now, "error_code": "", "error_detail": ""}
        if events is not None:
            fields.update(etag=fetched.etag[:300], last_modified=fetched.last_modified[:100])
            fields["event_count"] = _store(subscription, events)
        CalendarSubscription.objects.filter(pk=subscription.pk).update(**fields)


def _store(subscription: CalendarSubscription, events: list[Event]) -> int:
    """Replace the stored events when they changed; the walls redraw only then."""
    unique = {event.key: event for event in events}
    wanted = sorted(unique.values(), key=_order)
    stored = [
        Event(uid, title, start, end, start_date, end_date)
        for uid, title, start, end, start_date, end_date in subscription.events.values_list(
            "uid", "title", "start", "end", "start_date", "end_date"
        )
    ]
    if _fingerprint(stored) != _fingerprint(wanted):
        subscription.events.all().delete()
        CalendarEvent.objects.bulk_create(
            CalendarEvent(
                subscription=subscription,
                uid=event.uid,
                title=event.title,
                start=event.start,
                end=event.end,
                start_date=event.start_date,
                end_date=event.end_date,
            )
            for event in wanted
        )
        Revision.bump()
    return len(wanted)


def _order(event: Event) -> tuple:
    instant = event.start or datetime.combine(event.start_date or date.min, time(0), UTC)
    return (instant.timestamp(), event.uid, event.title)


def _fingerprint(events: list[Event]) -> str:
    digest = hashlib.sha256()
    for event in sorted(events, key=_order):
        start = event.start.timestamp() if event.start else None
        end = event.end.timestamp() if event.end else None
        digest.update(repr((event.uid, event.title, start, end, event.start_date,
                            event.end_date)).encode())  # fmt: skip
    return digest.hexdigest()


def sync_all(now: datetime | None = None) -> int:
    """Every subscription that is on; how many were fetched."""
    subscriptions = list(CalendarSubscription.objects.filter(enabled=True))
    for subscription in subscriptions:
        try:
            sync(subscription, now)
        except DatabaseError as exc:
            # A locked or full database: the others may still fit, and this
            # one is tried again at the next sync.
            log.warning("Calendar %s could not be stored: %s", subscription.pk, exc)
    return len(subscriptions)
