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
recurring-ical-events once each rule is checked (calendar_repeats.py: one that
cannot work is refused, one that began long ago is moved forward), lazily, a
series at a time, never more than CALENDAR_MAX_EVENTS. Whatever goes wrong, the
events of the last good fetch stay and the problem (which limit, in the
family's words) is stored for the admin and /healthz to show; the wall only
ever reads the stored events.
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import DatabaseError, transaction

from schedule import planner
from schedule.calendars import repeats as calendar_repeats
from schedule.calendars import screen as calendar_screen
from schedule.calendars.fetch import Deadline as Deadline
from schedule.calendars.fetch import Fetched as Fetched
from schedule.calendars.fetch import SyncProblem as SyncProblem
from schedule.calendars.fetch import fetch as fetch
from schedule.calendars.fetch import fetch_url as fetch_url
from schedule.calendars.fetch import printable as printable
from schedule.calendars.models import CalendarEvent, CalendarSubscription
from schedule.common import household
from schedule.common.models import Revision, counted_once

log = logging.getLogger(__name__)

TITLE_LENGTH = CalendarEvent._meta.get_field("title").max_length or 200
UID_LENGTH = CalendarEvent._meta.get_field("uid").max_length or 300
# A timed event with no end lasts a moment; on the wall it gets a short block.
MOMENT = timedelta(minutes=15)


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
    # Imported here: a wall worker that never syncs a calendar (the worker does)
    # need not carry the calendar libraries in its memory.
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
        calendar_repeats.in_time(deadline)
        repeats = calendar_repeats.Repeats(first, last, deadline)
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


def _occurrences(query, repeats: calendar_repeats.Repeats) -> Iterator:
    """Each occurrence in the window once, lazily, a series at a time (each
    series' between() is a generator): never more than CALENDAR_MAX_EVENTS,
    and never more than a span's worth asked of dateutil at once. The
    library's own lazy iterator, after(), asks every series again for each of
    its adaptive spans (down to 15 minutes): 3.5 s for 2,999 events in the
    days kept, 23 s for an ordinary 300-event calendar with an hourly rule,
    where this takes 0.6 s and 0.1 s."""
    most = settings.CALENDAR_MAX_EVENTS
    seen: set = set()
    for series in query.series:
        step = repeats.span(series.uid)
        at = repeats.start
        while at < repeats.end:
            calendar_repeats.in_time(repeats.deadline)
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
    # Cut before cleaning: the cleaning goes character by character.
    title = printable(str(component.get("SUMMARY", ""))[: TITLE_LENGTH * 2]).strip()
    title = title[:TITLE_LENGTH] or "—"
    uid = printable(str(component.get("UID", ""))[: UID_LENGTH * 2]).strip()
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
    now = now or household.now()
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
        # Before the events' rows, as every write the walls see does (writes.py):
        # a parent deleting this calendar locks the revision, then these rows.
        Revision.lock()
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
        with counted_once():
            _replace(subscription, wanted)
    return len(wanted)


def _replace(subscription: CalendarSubscription, wanted: list[Event]) -> None:
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
