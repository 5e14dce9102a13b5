"""Calendars out: the feed a phone subscribes to, read back as a calendar app reads it."""

from collections import defaultdict
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import icalendar
import pytest
import recurring_ical_events
import time_machine

from schedule import planner
from schedule.data.demo import load_demo_family
from schedule.day import feeds
from schedule.day.loading import load_household
from schedule.models import (
    CalendarEvent,
    CalendarFeed,
    CalendarSubscription,
    Member,
    Note,
    Plan,
    PlanOverride,
)

TOKYO = ZoneInfo("Asia/Tokyo")
TODAY = date(2026, 11, 23)  # a public holiday (勤労感謝の日), a Monday


@pytest.fixture(autouse=True)
def short_feeds(settings):
    """A month is enough for most tests; the year test asks for its year."""
    settings.FEED_DAYS_AHEAD = 31
    feeds._built.clear()


@pytest.fixture
def family(db):
    with time_machine.travel(datetime(2026, 11, 23, 9, 0, tzinfo=TOKYO), tick=False):
        load_demo_family(TODAY)
        yield


def fetch(client, feed) -> icalendar.Calendar:
    response = client.get(feed.get_absolute_url())
    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    return icalendar.Calendar.from_ical(response.content)


def chore_dates(calendar: icalendar.Calendar, first: date, last: date) -> dict[int, list[date]]:
    """What a calendar app shows for each chore, by the feed's UIDs."""
    found = defaultdict(list)
    for event in recurring_ical_events.of(calendar).between(first, last + timedelta(days=1)):
        uid = str(event["UID"])
        if uid.startswith("chore-"):
            start = event["DTSTART"].dt
            day = start.astimezone(TOKYO).date() if isinstance(start, datetime) else start
            found[int(uid.split("-")[1])].append(day)
    return {chore: sorted(days) for chore, days in found.items()}


def test_a_year_of_garbage_days_in_the_feed_is_the_planners_year(client, family, settings):
    settings.FEED_DAYS_AHEAD = 366
    feed = CalendarFeed.objects.create(name="Family")
    calendar = fetch(client, feed)
    last = TODAY + timedelta(days=365)
    household = load_household(TODAY, TOKYO)
    expected = defaultdict(list)
    day = TODAY
    while day <= last:
        for view in planner.chores_on(household, day):
            expected[view.chore.id].append(day)
        day += timedelta(days=1)
    assert chore_dates(calendar, TODAY, last) == dict(expected)
    burnable = next(c.id for c in household.chores if c.title_en == "Burnable trash")
    assert date(2027, 1, 1) not in expected[burnable]  # closed on New Year's Day
    assert date(2026, 11, 26) in expected[burnable]


def test_holiday_moves_and_skips_reach_the_phone(client, family, settings):
    settings.FEED_DAYS_AHEAD = 366
    feed = CalendarFeed.objects.create(name="Family")
    dates = chore_dates(fetch(client, feed), TODAY, TODAY + timedelta(days=365))
    household = load_household(TODAY, TOKYO)
    by_title = {c.title_en: c.id for c in household.chores}
    holidays = household.calendar
    # 2nd and 4th Friday, skipped on a holiday.
    cans = dates[by_title["Cans, bottles & PET"]]
    assert cans and all(d.weekday() == 4 and not holidays.is_holiday(d) for d in cans)
    # 3rd Wednesday, or the next day when that is a holiday.
    for day in dates[by_title["Non-burnable trash"]]:
        third_wednesday = day.weekday() == 2 and 15 <= day.day <= 21
        moved = day.weekday() == 3 and holidays.is_holiday(day - timedelta(days=1))
        assert third_wednesday or moved


def test_the_feed_is_valid_icalendar_with_its_time_zone_and_stable_uids(client, family):
    feed = CalendarFeed.objects.create(name="Family")
    first = fetch(client, feed)
    second = fetch(client, feed)
    assert first["PRODID"] and first["VERSION"] == "2.0"
    zones = [tz for tz in first.walk("VTIMEZONE")]
    assert [str(z["TZID"]) for z in zones] == ["Asia/Tokyo"]
    uids = [str(e["UID"]) for e in first.walk("VEVENT")]
    assert len(uids) == len(set(uids))
    assert uids == [str(e["UID"]) for e in second.walk("VEVENT")]
    trash = next(e for e in first.walk("VEVENT") if "Burnable trash" in str(e["SUMMARY"]))
    assert trash["DTSTART"].params["TZID"] == "Asia/Tokyo"
    assert trash["DTSTART"].dt.time() == time(8, 0)


def test_overrides_and_notes_are_in_and_subscribed_events_are_not(client, family):
    school = Plan.objects.create(name_ja="学校行事", name_en="School event", weekdays=0)
    PlanOverride.objects.create(date=date(2026, 11, 28), plan=school, reason="運動会")
    subscription = CalendarSubscription.objects.create(name="Club", url="https://example.com/c")
    CalendarEvent.objects.create(
        subscription=subscription,
        uid="x",
        title="Someone else's event",
        start_date=date(2026, 11, 25),
        end_date=date(2026, 11, 26),
    )
    feed = CalendarFeed.objects.create(name="Family")
    events = {str(e["SUMMARY"]): e for e in fetch(client, feed).walk("VEVENT")}
    override = events["学校行事 / School event (運動会)"]
    assert override["DTSTART"].dt == date(2026, 11, 28)
    note = Note.objects.get()
    grandma = events["土曜日におばあちゃんが来るよ / Grandma visits on Saturday"]
    assert grandma["DTSTART"].dt == note.start_date
    assert grandma["DTEND"].dt == note.end_date + timedelta(days=1)
    assert "Someone else's event" not in events


def test_a_members_feed_has_their_turns_only(client, family):
    mio = Member.objects.get(name_en="Mio")
    haru = Member.objects.get(name_en="Haru")
    feed = CalendarFeed.objects.create(name="Mio", member=mio)
    roomba = [e for e in fetch(client, feed).walk("VEVENT") if "Roomba" in str(e["SUMMARY"])]
    household = load_household(TODAY, TOKYO)
    theirs = {
        view.date
        for offset in range(14)
        for view in planner.chores_on(household, TODAY + timedelta(days=offset))
        if view.chore.title_en == "Start the Roomba" and view.assignees[0].id == mio.pk
    }
    shown = {e["DTSTART"].dt.date() for e in roomba}
    assert theirs and theirs <= shown
    assert not any("Haru" in str(e.get("DESCRIPTION", "")) for e in roomba)
    assert haru.pk != mio.pk


def test_an_unknown_or_malformed_token_is_a_404(client, db):
    assert client.get("/ics/not-a-real-token-at-all.ics").status_code == 404
    assert client.get("/ics/..%2F..%2Fetc.ics").status_code == 404
    assert client.post(f"/ics/{CalendarFeed.objects.create(name='x').token}.ics").status_code == 405


def test_a_new_address_stops_the_old_one(admin_client, client, db):
    feed = CalendarFeed.objects.create(name="Family")
    old = feed.get_absolute_url()
    assert client.get(old).status_code == 200
    response = admin_client.post(f"/admin/schedule/calendarfeed/{feed.pk}/regenerate/")
    assert response.status_code == 302
    feed.refresh_from_db()
    assert feed.get_absolute_url() != old
    assert client.get(old).status_code == 404
    assert client.get(feed.get_absolute_url()).status_code == 200
    page = admin_client.get(f"/admin/schedule/calendarfeed/{feed.pk}/change/")
    assert f"http://testserver/ics/{feed.token}.ics" in page.content.decode()


def test_a_new_address_needs_a_post(admin_client, db):
    feed = CalendarFeed.objects.create(name="Family")
    assert (
        admin_client.get(f"/admin/schedule/calendarfeed/{feed.pk}/regenerate/").status_code == 405
    )
    token = feed.token
    feed.refresh_from_db()
    assert feed.token == token


def test_hibi_itself_can_subscribe_to_its_feed_over_http(live_server, transactional_db):
    """A real subscriber over a real connection: Hibi's own calendar client."""
    from schedule.calendars import subscriptions as calendars

    with time_machine.travel(datetime(2026, 11, 23, 9, 0, tzinfo=TOKYO), tick=False):
        load_demo_family(TODAY)
        feed = CalendarFeed.objects.create(name="Family")
        subscription = CalendarSubscription.objects.create(
            name="Ourselves", url=f"{live_server.url}{feed.get_absolute_url()}"
        )
        calendars.sync(subscription)
    subscription.refresh_from_db()
    assert subscription.error_code == ""
    titles = set(subscription.events.values_list("title", flat=True))
    assert "燃やすごみ / Burnable trash" in titles
