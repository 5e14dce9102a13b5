"""Calendars in: real ICS files served on 127.0.0.1, fetched and stored as the worker does.

The feeds in tests/ics/ are written after what Google (UTC times with
X-WR-TIMEZONE, a weekly event with EXDATE and a moved RECURRENCE-ID) and
iCloud (VTIMEZONE, TZID times, a night that changes to daylight saving time
in America/Los_Angeles) publish, plus a school's plain feed in Tokyo time.
"""

import time as clock
from datetime import UTC, date, datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from schedule import planner
from schedule.calendars import selectors
from schedule.calendars import subscriptions as calendars
from schedule.calendars.selectors import load_events
from schedule.data.demo import load_demo_family
from schedule.day.loading import load_household
from schedule.models import CalendarEvent, CalendarSubscription, Member
from schedule.wall import display as displays
from schedule.wall import polling, view_model
from schedule.wall import texts as wall_texts

ICS = Path(__file__).parent / "ics"
TOKYO = ZoneInfo("Asia/Tokyo")
MARCH_FIRST = datetime(2026, 3, 1, 12, 0, tzinfo=TOKYO)


def utc(*args) -> datetime:
    return datetime(*args, tzinfo=UTC)


def serve(server, path: str, name: str, **headers) -> None:
    server.answers[path] = [(200, {"Content-Type": "text/calendar", **headers},
                             (ICS / name).read_bytes())]  # fmt: skip


@pytest.fixture
def month_ahead(settings):
    settings.CALENDAR_DAYS_AHEAD = 30


def timed(subscription) -> list[tuple[str, datetime, datetime]]:
    return [
        (e.title, e.start, e.end)
        for e in subscription.events.filter(start__isnull=False).order_by("start")
    ]


def all_day(subscription) -> list[tuple[str, date, date]]:
    return [
        (e.title, e.start_date, e.end_date)
        for e in subscription.events.filter(start__isnull=True).order_by("start_date")
    ]


def test_a_google_feed_repeats_in_its_own_zone_skips_the_exdate_and_moves_the_exception(
    db, local_server, month_ahead
):
    serve(local_server, "/google.ics", "google.ics")
    subscription = CalendarSubscription.objects.create(
        name="Soccer", url=f"{local_server.url}/google.ics"
    )
    calendars.sync(subscription, MARCH_FIRST)
    subscription.refresh_from_db()
    # 9:00 in Los Angeles every Monday: 17:00 UTC in winter, 16:00 UTC from
    # 8 March (daylight saving time), which only X-WR-TIMEZONE tells.
    assert timed(subscription) == [
        ("Soccer practice", utc(2026, 3, 2, 17), utc(2026, 3, 2, 18)),
        ("Soccer practice", utc(2026, 3, 9, 16), utc(2026, 3, 9, 17)),
        # 16 March: EXDATE. 23 March: moved to Tuesday 10:00.
        ("Soccer practice (moved)", utc(2026, 3, 24, 17), utc(2026, 3, 24, 18)),
        ("Soccer practice", utc(2026, 3, 30, 16), utc(2026, 3, 30, 17)),
    ]
    assert all_day(subscription) == [("遠足", date(2026, 3, 5), date(2026, 3, 8))]
    assert subscription.event_count == 5
    assert subscription.error_code == ""
    assert subscription.last_success_at == MARCH_FIRST


def test_an_icloud_feed_with_vtimezone_keeps_the_dst_night_and_the_multi_day_events(
    db, local_server, month_ahead
):
    serve(local_server, "/icloud.ics", "icloud.ics")
    subscription = CalendarSubscription.objects.create(
        name="Family", url=f"{local_server.url}/icloud.ics"
    )
    calendars.sync(subscription, MARCH_FIRST)
    assert timed(subscription) == [
        ("ピアノ合宿", utc(2026, 3, 7, 1), utc(2026, 3, 7, 18)),  # overnight, Friday to Saturday
        # 1:00 PST to 4:00 PDT on the night the clocks go forward: two real hours.
        ("Night flight", utc(2026, 3, 8, 9), utc(2026, 3, 8, 11)),
    ]
    assert all_day(subscription) == [
        ("Dentist", date(2026, 3, 4), date(2026, 3, 5)),  # no DTEND: one day
        ("Spring camp", date(2026, 3, 10), date(2026, 3, 13)),
    ]


def test_the_planner_gets_the_overnight_event_on_both_days_and_the_camp_on_each_day(
    db, local_server, month_ahead
):
    serve(local_server, "/icloud.ics", "icloud.ics")
    subscription = CalendarSubscription.objects.create(
        name="Family", url=f"{local_server.url}/icloud.ics"
    )
    calendars.sync(subscription, MARCH_FIRST)

    def view(day):
        return planner.day_view(load_household(day, TOKYO), day, planner.at(day, time(9), TOKYO))

    # In Tokyo the piano camp runs from Saturday 10:00 to Sunday 3:00.
    saturday = [(b.start, b.from_yesterday) for b in view(date(2026, 3, 7)).blocks if b.event]
    sunday = [(b.end, b.from_yesterday) for b in view(date(2026, 3, 8)).blocks if b.event]
    assert saturday == [(planner.at(date(2026, 3, 7), time(10), TOKYO), False)]
    assert (planner.at(date(2026, 3, 8), time(3), TOKYO), True) in sunday
    camp_days = [
        day
        for day in range(8, 15)
        if any(e.title("en") == "Spring camp" for e in view(date(2026, 3, day)).all_day)
    ]
    assert camp_days == [10, 11, 12]


def test_an_unchanged_calendar_answers_304_and_the_events_stay(db, local_server, month_ahead):
    body = (ICS / "google.ics").read_bytes()

    def conditional(handler):
        if handler.headers.get("If-None-Match") == '"v1"':
            handler.send_response(304)
            handler.end_headers()
            return
        handler.send_response(200)
        handler.send_header("ETag", '"v1"')
        handler.send_header("Content-Length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)

    local_server.answers["/google.ics"] = conditional
    subscription = CalendarSubscription.objects.create(
        name="Soccer", url=f"{local_server.url}/google.ics"
    )
    calendars.sync(subscription, MARCH_FIRST)
    subscription.refresh_from_db()
    assert subscription.etag == '"v1"'
    later = datetime(2026, 3, 1, 12, 15, tzinfo=TOKYO)
    calendars.sync(subscription, later)
    subscription.refresh_from_db()
    statuses = [r[2].get("If-None-Match") for r in local_server.requests]
    assert statuses == [None, '"v1"']
    assert subscription.events.count() == 5
    assert subscription.last_success_at == later
    assert subscription.error_code == ""


def _slow(handler):
    clock.sleep(3)  # longer than the 1 s the test allows
    handler.send_response(200)
    handler.end_headers()


def _twenty_megabytes(handler):
    # HTTP/1.0 with no Content-Length: only reading tells how big it is.
    handler.send_response(200)
    handler.send_header("Content-Type", "text/calendar")
    handler.end_headers()
    chunk = b"X-PADDING:" + b"a" * 65526 + b"\r\n"
    try:
        for _ in range(20 * 16):
            handler.wfile.write(chunk)
    except OSError:
        pass  # the reader stopped at its limit


BROKEN = {
    "404": ([(404, {}, b"gone")], "not_found", "見つかりません", "was not found"),
    "timeout": (_slow, "timeout", "時間内に応答がありません", "did not answer in time"),
    "20 MB": (_twenty_megabytes, "too_big", "大きすぎます", "too big"),
    "garbage": (
        [(200, {"Content-Type": "text/calendar"}, bytes(range(256)) * 64)],
        "not_calendar",
        "カレンダーではありません",
        "not a calendar",
    ),
    "a web page": (
        [(200, {"Content-Type": "text/html"}, b"<html><body>Sign in</body></html>")],
        "not_calendar",
        "カレンダーではありません",
        "not a calendar",
    ),
}


@pytest.mark.parametrize("case", list(BROKEN))
def test_a_broken_calendar_keeps_the_old_events_and_the_admin_says_why_in_both_languages(
    case, db, admin_client, local_server, settings, month_ahead
):
    settings.CALENDAR_TIMEOUT_SECONDS = 1
    answer, code, in_japanese, in_english = BROKEN[case]
    serve(local_server, "/cal.ics", "google.ics")
    display = load_demo_family(date(2026, 3, 2))
    subscription = CalendarSubscription.objects.create(
        name="Soccer", url=f"{local_server.url}/cal.ics"
    )
    calendars.sync(subscription, MARCH_FIRST)
    local_server.answers["/cal.ics"] = answer
    calendars.sync(subscription, datetime(2026, 3, 1, 12, 15, tzinfo=TOKYO))

    subscription.refresh_from_db()
    assert subscription.error_code == code
    assert subscription.events.count() == 5  # the last good fetch
    assert subscription.last_success_at == MARCH_FIRST
    for language, words in (("ja", in_japanese), ("en", in_english)):
        page = admin_client.get(
            "/admin/schedule/calendarsubscription/", headers={"accept-language": language}
        )
        assert page.status_code == 200
        assert words in page.content.decode()
    wall_page = Client().get(f"{display.get_absolute_url()}?at=2026-03-02T10:00")
    assert wall_page.status_code == 200
    assert "Soccer practice" in wall_page.content.decode()


def test_only_http_and_https_are_fetched_and_webcal_is_https(db):
    assert calendars.fetch_url("webcal://p01-caldav.icloud.com/published/2/abc") == (
        "https://p01-caldav.icloud.com/published/2/abc"
    )
    subscription = CalendarSubscription(name="x", url="file:///etc/passwd")
    with pytest.raises(ValidationError):
        subscription.full_clean()
    subscription.save()
    calendars.sync(subscription)
    subscription.refresh_from_db()
    assert subscription.error_code == "scheme"


def test_the_events_script_decides_their_language():
    assert selectors.guess_lang("遠足") == "ja"
    assert selectors.guess_lang("スイミング") == "ja"
    assert selectors.guess_lang("Soccer practice") == "en"
    assert selectors.guess_lang("ｻｯｶｰ") == "ja"


@pytest.fixture
def swimming(db, local_server):
    """Mio's swimming school calendar and the demo family's Tuesday, 24 November."""
    display = load_demo_family(date(2026, 11, 23))
    serve(local_server, "/swim.ics", "tokyo.ics")
    mio = Member.objects.get(name_en="Mio")
    subscription = CalendarSubscription.objects.create(
        name="Swimming", url=f"{local_server.url}/swim.ics", member=mio
    )
    calendars.sync(subscription, datetime(2026, 11, 23, 20, 0, tzinfo=TOKYO))
    return display, mio


def test_the_wall_shows_a_members_event_in_a_lane_of_its_own_at_its_minutes(client, swimming):
    display, _mio = swimming
    moment = planner.at(date(2026, 11, 24), time(10, 45), TOKYO)
    display = displays.find_display(display.token)
    built = view_model.of_display(display, moment, polling.load(display, moment.date()))
    events = [card for card in built.blocks if card.event]
    plan_blocks = [card for card in built.blocks if not card.event]
    swim = events[0]
    assert swim.start == wall_texts.ms(planner.at(date(2026, 11, 24), time(10, 30), TOKYO))
    assert swim.end == wall_texts.ms(planner.at(date(2026, 11, 24), time(11, 30), TOKYO))
    assert swim.current and swim.minutes_left == 45
    assert [t.text for chip in swim.chips for t in chip.names] == ["みお", "Mio"]
    overlapping = [b for b in plan_blocks if b.start < swim.end and b.end > swim.start]
    assert overlapping and all(b.top != swim.top for b in overlapping)

    page = client.get(f"{display.get_absolute_url()}?at=2026-11-24T10:45").content.decode()
    assert '<span class="main-text" lang="en">Swimming lesson</span>' in page
    assert '<span class="main-text" lang="ja">スイミング発表会</span>' in page
    assert 'class="all-day"' in page and '<span lang="ja">運動会の<wbr>練習</span>' in page
    assert page.count("is-event") >= 3  # hero, next list and timeline


def test_the_wall_keeps_the_events_when_the_calendar_server_is_gone(client, swimming, local_server):
    display, _mio = swimming
    local_server.close()
    page = client.get(f"{display.get_absolute_url()}?at=2026-11-24T10:45").content.decode()
    assert "Swimming lesson" in page


def test_a_display_for_other_members_leaves_out_mios_events(client, swimming):
    display, mio = swimming
    display.members.set(Member.objects.exclude(pk=mio.pk))
    page = client.get(f"{display.get_absolute_url()}?at=2026-11-24T10:45").content.decode()
    assert "Swimming lesson" not in page


def test_a_new_fetch_with_other_events_makes_the_walls_redraw_and_the_same_does_not(
    db, local_server, month_ahead
):
    from schedule.models import Revision

    serve(local_server, "/google.ics", "google.ics")
    subscription = CalendarSubscription.objects.create(
        name="Soccer", url=f"{local_server.url}/google.ics"
    )
    calendars.sync(subscription, MARCH_FIRST)
    before = Revision.current()
    calendars.sync(subscription, MARCH_FIRST)
    assert Revision.current() == before
    serve(local_server, "/google.ics", "icloud.ics")
    calendars.sync(subscription, MARCH_FIRST)
    assert Revision.current() > before


def test_loading_events_costs_the_same_queries_for_one_or_many(db, django_assert_num_queries):
    subscription = CalendarSubscription.objects.create(name="x", url="https://example.com/x")
    day = date(2026, 11, 24)

    def add(n):
        CalendarEvent.objects.bulk_create(
            CalendarEvent(
                subscription=subscription,
                uid=f"e{i}",
                title=f"Event {i}",
                start=planner.at(day, time(9), TOKYO),
                end=planner.at(day, time(10), TOKYO),
            )
            for i in range(n)
        )

    add(1)
    with django_assert_num_queries(1):
        assert len(load_events(day, day, TOKYO)) == 1
    add(50)
    with django_assert_num_queries(1):
        assert len(load_events(day, day, TOKYO)) == 51


def test_adding_a_calendar_in_the_admin_asks_the_worker_to_fetch_it_now(
    admin_client, local_server, django_capture_on_commit_callbacks
):
    from django_tasks_db.models import DBTaskResult

    from schedule.nudges import tasks

    serve(local_server, "/swim.ics", "tokyo.ics")
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            "/admin/schedule/calendarsubscription/add/",
            {"name": "Swimming", "url": f"{local_server.url}/swim.ics", "enabled": "on"},
            headers={"accept-language": "en"},
            follow=True,
        )
    assert "fetched in the background" in response.content.decode()
    [queued] = DBTaskResult.objects.filter(status="READY")
    assert queued.task_path == "schedule.nudges.tasks.sync_calendar"
    assert local_server.requests == []  # the page did not wait for the fetch
    tasks.sync_calendar.call(*queued.task_result.args)
    assert CalendarSubscription.objects.get().error_code == ""
    assert [r[1] for r in local_server.requests] == ["/swim.ics"]


def test_a_calendar_address_that_is_not_a_calendar_address_is_refused_in_the_admin(admin_client):
    response = admin_client.post(
        "/admin/schedule/calendarsubscription/add/",
        {"name": "x", "url": "javascript:alert(1)", "enabled": "on"},
        headers={"accept-language": "ja"},
    )
    assert response.status_code == 200
    assert "webcal:// のどれかで始まる" in response.content.decode()
    assert not CalendarSubscription.objects.exists()
