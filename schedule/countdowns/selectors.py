"""How many sleeps until each marked day: as nights (a moon each on the wall)
and in words, "today!" on the day itself.

Counted on the household's calendar: the count drops by one at midnight,
not 24 hours after the last drop, and a month's or a year's end is just
another night. A yearly day on 29 February is kept on the 28th in a common
year (the day before it would have been).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, tzinfo

from django.db.models import Q
from django.utils.translation import ngettext, pgettext

from schedule import planner
from schedule.calendars.models import CalendarEvent
from schedule.common.household import in_both
from schedule.countdowns.models import Countdown


@dataclass(frozen=True)
class Sleeps:
    countdown_id: int
    title_ja: str
    title_en: str
    reading: str
    icon: str
    member_id: int | None
    day: date
    nights: int  # 0 on the day itself
    words_ja: str  # あと 3かい ねたら / 3 more sleeps / きょう！
    words_en: str

    @property
    def today(self) -> bool:
        return self.nights == 0

    def title(self, lang: str) -> str:
        return planner.pick(self.title_ja, self.title_en, lang)


def on_year(day: date, year: int) -> date:
    """`day`'s month and day in `year`; 29 February is the 28th in a common year."""
    try:
        return day.replace(year=year)
    except ValueError:
        return day.replace(year=year, day=28)


def next_day(countdown_day: date, yearly: bool, today: date) -> date | None:
    """The day counted to, seen from `today`: None once a one-off day is past."""
    if not yearly:
        return countdown_day if countdown_day >= today else None
    found = on_year(countdown_day, today.year)
    return found if found >= today else on_year(countdown_day, today.year + 1)


def words(nights: int) -> tuple[str, str]:
    if nights == 0:
        return in_both(lambda: pgettext("sleeps", "Today!"))
    return in_both(
        lambda: (
            ngettext("%(count)d more sleep", "%(count)d more sleeps", nights) % {"count": nights}
        )
    )


@dataclass(frozen=True)
class Marked:
    """A day counted to, as plain data: its own date, or where its calendar
    event is now (`followed`)."""

    id: int
    title_ja: str
    title_en: str
    reading: str
    icon: str
    member_id: int | None
    day: date
    yearly: bool
    show_days_before: int
    followed: date | None = None


def load_marked(today: date, tz: tzinfo) -> tuple[Marked, ...]:
    """Every marked day, each followed event's day looked up (two queries)."""
    countdowns = list(Countdown.objects.all())
    followed = _event_days(countdowns, today, tz)
    return tuple(
        Marked(
            c.pk,
            c.title_ja,
            c.title_en,
            c.title_reading,
            c.icon,
            c.member_id,
            c.date,
            c.yearly,
            c.show_days_before,
            followed.get((c.subscription_id or 0, c.event_uid)),
        )
        for c in countdowns
    )


def _event_days(countdowns: list[Countdown], today: date, tz) -> dict[tuple[int, str], date]:
    """Where the calendars have each followed event now (its first day from today on)."""
    wanted = [(c.subscription_id, c.event_uid) for c in countdowns if c.event_uid]
    if not wanted:
        return {}
    query = Q()
    for subscription_id, uid in wanted:
        query |= Q(subscription_id=subscription_id, uid=uid)
    found: dict[tuple[int, str], date] = {}
    rows = CalendarEvent.objects.filter(query).values_list(
        "subscription_id", "uid", "start", "start_date"
    )
    for subscription_id, uid, start, start_date in rows:
        day = start.astimezone(tz).date() if start is not None else start_date
        key = (subscription_id, uid)
        if day is not None and day >= today and (key not in found or day < found[key]):
            found[key] = day
    return found


def sleeps_from(marked: tuple[Marked, ...], moment: datetime) -> tuple[Sleeps, ...]:
    """Every marked day within its showing days, the nearest first."""
    today = moment.date()
    found = []
    for mark in marked:
        followed = mark.followed if mark.followed is not None and mark.followed >= today else None
        day = next_day(followed or mark.day, mark.yearly and not followed, today)
        if day is None:
            continue
        nights = (day - today).days
        if nights > mark.show_days_before:
            continue
        words_ja, words_en = words(nights)
        found.append(
            Sleeps(
                mark.id,
                mark.title_ja,
                mark.title_en,
                mark.reading,
                mark.icon,
                mark.member_id,
                day,
                nights,
                words_ja,
                words_en,
            )
        )
    return tuple(sorted(found, key=lambda sleeps: (sleeps.nights, sleeps.countdown_id)))


def sleeps_at(moment: datetime) -> tuple[Sleeps, ...]:
    """sleeps_from() the marked days read now."""
    tz = moment.tzinfo
    assert tz is not None
    return sleeps_from(load_marked(moment.date(), tz), moment)
