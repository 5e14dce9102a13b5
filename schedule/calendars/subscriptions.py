"""Calendars in: fetch a subscribed ICS calendar and keep its coming days' events.

The worker calls `sync()` for each subscription every CALENDAR_SYNC_MINUTES.
A fetch is bounded in time (CALENDAR_TIMEOUT_SECONDS) and size
(CALENDAR_MAX_MB), asks with ETag/If-Modified-Since so an unchanged calendar
costs a 304, and follows only http/https. The calendar is read with
icalendar, Google's X-WR-TIMEZONE is made standard by x-wr-timezone, and the
repeats (RRULE, RDATE, EXDATE, moved RECURRENCE-ID) are expanded by
recurring-ical-events. Whatever goes wrong, the events of the last good
fetch stay and the problem is stored for the admin to show; the wall only
ever reads the stored events.
"""

from __future__ import annotations

import hashlib
import logging
import socket
import urllib.error
import urllib.request
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from urllib.parse import urlsplit, urlunsplit
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import DatabaseError, transaction
from django.utils import timezone

from schedule import planner
from schedule.calendars.models import CalendarEvent, CalendarSubscription
from schedule.common.models import Revision

log = logging.getLogger(__name__)

TITLE_LENGTH = CalendarEvent._meta.get_field("title").max_length
UID_LENGTH = CalendarEvent._meta.get_field("uid").max_length
# A timed event with no end lasts a moment; on the wall it gets a short block.
MOMENT = timedelta(minutes=15)
USER_AGENT = "Hibi family calendar (calendar subscription)"


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


def fetch_url(url: str) -> str:
    """The address to fetch: webcal:// is https:// by another name."""
    parts = urlsplit(url.strip())
    scheme = parts.scheme.lower()
    if scheme in {"webcal", "webcals"}:
        scheme = "https"
    return urlunsplit((scheme, parts.netloc, parts.path, parts.query, ""))


def printable(text: str) -> str:
    """Text from outside with control characters (NUL among them, which
    PostgreSQL refuses) turned into spaces."""
    return "".join(char if char.isprintable() else " " for char in text)


class SyncProblem(Exception):
    """Why a calendar could not be read: a code of models.PROBLEMS and a detail."""

    def __init__(self, code: str, detail: str = "") -> None:
        super().__init__(f"{code}: {detail}")
        self.code = code
        self.detail = printable(detail)[:300]


class _HttpOnlyRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, req, fp, code, msg, headers, newurl):
        if urlsplit(newurl).scheme.lower() not in {"http", "https"}:
            raise SyncProblem("scheme", newurl)
        return super().redirect_request(req, fp, code, msg, headers, newurl)


@dataclass(frozen=True)
class Fetched:
    body: bytes | None  # None: not modified since the last fetch
    etag: str = ""
    last_modified: str = ""


def fetch(url: str, etag: str = "", last_modified: str = "") -> Fetched:
    """GET the calendar, within the time and size limits; SyncProblem otherwise."""
    address = fetch_url(url)
    if urlsplit(address).scheme not in {"http", "https"}:
        raise SyncProblem("scheme", address)
    headers = {"User-Agent": USER_AGENT, "Accept": "text/calendar, */*;q=0.5"}
    if etag:
        headers["If-None-Match"] = etag
    if last_modified:
        headers["If-Modified-Since"] = last_modified
    opener = urllib.request.build_opener(_HttpOnlyRedirects())
    limit = settings.CALENDAR_MAX_MB * 1024 * 1024
    timeout = settings.CALENDAR_TIMEOUT_SECONDS
    try:
        with opener.open(urllib.request.Request(address, headers=headers), timeout=timeout) as got:
            declared = got.headers.get("Content-Length")
            if declared and declared.isdigit() and int(declared) > limit:
                raise SyncProblem("too_big", str(settings.CALENDAR_MAX_MB))
            body = got.read(limit + 1)
            if len(body) > limit:
                raise SyncProblem("too_big", str(settings.CALENDAR_MAX_MB))
            return Fetched(body, got.headers.get("ETag", ""), got.headers.get("Last-Modified", ""))
    except urllib.error.HTTPError as exc:
        if exc.code == 304:
            return Fetched(None, etag, last_modified)
        if exc.code in {404, 410}:
            raise SyncProblem("not_found", str(exc.code)) from None
        raise SyncProblem("http", str(exc.code)) from None
    except TimeoutError:
        raise SyncProblem("timeout", str(timeout)) from None
    except urllib.error.URLError as exc:
        if isinstance(exc.reason, TimeoutError | socket.timeout):
            raise SyncProblem("timeout", str(timeout)) from None
        raise SyncProblem("network", str(exc.reason)) from None
    except (OSError, ValueError) as exc:  # a reset connection, a malformed address
        raise SyncProblem("network", str(exc)) from None


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


def parse(body: bytes, first: date, last: date, tz: ZoneInfo) -> list[Event]:
    """The occurrences between `first` and `last` (included); SyncProblem if not a calendar."""
    # Imported here: the web server loads this module for guess_lang() only,
    # and the calendar libraries would cost every wall worker memory.
    import icalendar
    import recurring_ical_events
    import x_wr_timezone

    try:
        calendar = icalendar.Calendar.from_ical(body)
        calendar = x_wr_timezone.to_standard(calendar)
        occurrences = recurring_ical_events.of(calendar).between(first, last + timedelta(days=1))
        events = [_event(component, tz) for component in occurrences]
    except SyncProblem:
        raise
    except Exception as exc:  # the libraries raise many kinds on broken input
        log.info("Not a calendar: %s", exc)
        raise SyncProblem("not_calendar", str(exc)[:200]) from None
    return [event for event in events if event is not None]


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
    try:
        fetched = fetch(subscription.url, subscription.etag, subscription.last_modified)
        events = None if fetched.body is None else parse(fetched.body, first, last, tz)
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
