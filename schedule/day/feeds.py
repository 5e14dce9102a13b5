"""Calendars out: the family's chores, date overrides and notes as an iCalendar feed.

A phone's calendar app (Google Calendar, Apple Calendar, TimeTree's import)
subscribes to `/ics/<token>.ics`. Each chore's day is one event, taken from
the planner itself, so public-holiday moves, skips and exceptions are the
wall's; a member's feed has the chores whose turn is theirs and those of
the whole family. UIDs are stable (the same chore on the same day is
always the same event), times carry their VTIMEZONE, and subscribed
calendars are never echoed back out.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings

from schedule import planner
from schedule.calendars.models import CalendarFeed
from schedule.common import household
from schedule.common.household import pick
from schedule.common.models import Revision
from schedule.day.loading import load_household
from schedule.plans.models import Note, PlanOverride

PRODID = "-//Hibi//Family schedule//EN"
# A chore with a time is shown as a short event at that time.
CHORE_LENGTH = timedelta(minutes=15)
DAYS_BEHIND = 30


def _both(ja: str, en: str) -> str:
    """Both languages when they differ: a phone's calendar has one title line."""
    if ja and en and ja != en:
        return f"{ja} / {en}"
    return ja or en


def _names(members: tuple[planner.MemberData, ...]) -> str:
    return "・".join(_both(m.name_ja, m.name_en) for m in members)


def chore_days(
    family: planner.Household, first: date, last: date, member_id: int | None
) -> list[planner.ChoreView]:
    """Every chore occurrence from `first` to `last`, as the wall would show it."""
    days: set[date] = set()
    for chore in family.chores:
        days.update(chore.recurrence.occurrences(first, last))
    only = frozenset({member_id}) if member_id is not None else None
    views = []
    for day in sorted(days):
        for view in planner.chores_on(family, day, only):
            # Turns: a member's feed has the days that are theirs, and the
            # chores nobody in particular does.
            if (
                member_id is None
                or not view.assignees
                or any(m.id == member_id for m in view.assignees)
            ):
                views.append(view)
    return views


# Built feeds by what they depend on: a year of chores takes a second or two
# to write out, and a family's phones ask for the same feed again and again.
_built: dict[tuple, bytes] = {}
KEEP_BUILT = 16


def cached(feed: CalendarFeed, now: datetime | None = None) -> bytes:
    """`build()`, kept until the family's data (the revision) or the date changes."""
    now = (now or household.now()).astimezone(ZoneInfo(settings.TIME_ZONE))
    key = (feed.pk, feed.token, feed.member_id, feed.name, Revision.current(), now.date(),
           settings.TIME_ZONE, settings.FEED_DAYS_AHEAD)  # fmt: skip
    if key not in _built:
        while len(_built) >= KEEP_BUILT:
            _built.pop(next(iter(_built)))
        _built[key] = build(feed, now)
    return _built[key]


def build(feed: CalendarFeed, now: datetime | None = None) -> bytes:
    # Imported here, as in calendars.py: a web worker that never serves a
    # feed should not carry the library.
    import icalendar

    tz = ZoneInfo(settings.TIME_ZONE)
    now = (now or household.now()).astimezone(tz)
    today = now.date()
    first, last = (
        today - timedelta(days=DAYS_BEHIND),
        today + timedelta(days=settings.FEED_DAYS_AHEAD),
    )
    stamp = now.astimezone(UTC).replace(microsecond=0)

    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("x-wr-calname", f"Hibi · {feed.name}")
    calendar.add("x-wr-timezone", settings.TIME_ZONE)

    def event(uid: str, summary: str, start, end, description: str = "") -> None:
        item = icalendar.Event()
        item.add("uid", f"{uid}@hibi")
        item.add("dtstamp", stamp)
        item.add("summary", summary)
        item.add("dtstart", start)
        item.add("dtend", end)
        if description:
            item.add("description", description)
        calendar.add_component(item)

    family = load_household(today, tz)
    for view in chore_days(family, first, last, feed.member_id):
        chore = view.chore
        title = _both(chore.title_ja, chore.title_en)
        uid = f"chore-{chore.id}-{view.date:%Y%m%d}"
        who = _names(view.assignees)
        if view.due is None:
            event(uid, title, view.date, view.date + timedelta(days=1), who)
            continue
        clock = f"{view.due.hour}:{view.due.minute:02d}"
        when = f"〜{clock} / by {clock}" if chore.time_kind == "by" else clock
        description = " · ".join(part for part in (when, who) if part)
        event(uid, title, view.due, view.due + CHORE_LENGTH, description)

    for override in PlanOverride.objects.filter(date__range=(first, last)).select_related("plan"):
        plan = _both(override.plan.name_ja, override.plan.name_en)
        summary = f"{plan} ({override.reason})" if override.reason else plan
        day = override.date
        event(f"override-{override.pk}-{day:%Y%m%d}", summary, day, day + timedelta(days=1))

    for note in Note.objects.filter(start_date__lte=last, end_date__gte=first):
        summary = _both(note.text_ja, note.text_en) or pick(note.text_ja, note.text_en)
        event(f"note-{note.pk}", summary, note.start_date, note.end_date + timedelta(days=1))

    calendar.add_missing_timezones()
    return calendar.to_ical()
