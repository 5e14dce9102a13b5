"""How many sleeps until…: counted on the household's calendar, across
midnight, month ends and leap years, and "today!" on the day."""

from datetime import UTC, date, datetime, time

import pytest

from schedule.countdowns.selectors import next_day, on_year, sleeps_at, words
from schedule.models import CalendarEvent, CalendarSubscription, Countdown
from tests.conftest import TOKYO

pytestmark = pytest.mark.django_db


def at(day: str, clock: str = "19:00") -> datetime:
    return datetime.combine(date.fromisoformat(day), time.fromisoformat(clock), TOKYO)


def mark(day: str, title="運動会", yearly=False, shown=60, **more) -> Countdown:
    return Countdown.objects.create(
        title_ja=title, date=date.fromisoformat(day), yearly=yearly, show_days_before=shown,
        **more,
    )  # fmt: skip


def nights(moment: datetime) -> list[int]:
    return [s.nights for s in sleeps_at(moment)]


@pytest.mark.parametrize(
    ("moment", "day", "expected"),
    [
        (at("2026-01-30", "23:59"), "2026-02-01", 2),
        (at("2026-01-31", "00:00"), "2026-02-01", 1),  # one night fewer at midnight
        (at("2026-01-31", "23:59"), "2026-02-01", 1),
        (at("2026-02-01", "00:00"), "2026-02-01", 0),
        (at("2028-02-28"), "2028-03-01", 2),  # leap year: the 29th is a night too
        (at("2027-02-28"), "2027-03-01", 1),  # common year
        (at("2026-12-31", "23:58"), "2027-01-01", 1),  # the year's end is just a night
        (at("2026-04-30"), "2026-05-01", 1),
    ],
)
def test_sleeps_are_nights_on_the_household_s_calendar(moment, day, expected):
    mark(day)
    assert nights(moment) == [expected]


def test_a_moment_in_another_zone_counts_on_the_family_s_calendar():
    mark("2026-02-01")
    # 15:30 UTC on 31 January is already 00:30 on 1 February in Tokyo.
    moment = datetime(2026, 1, 31, 15, 30, tzinfo=UTC).astimezone(TOKYO)
    (sleeps,) = sleeps_at(moment)
    assert sleeps.today and sleeps.words_en == "Today!" and sleeps.words_ja == "きょう！"


def test_the_words_in_both_languages():
    assert words(1) == ("あと 1 かい ねたら", "1 more sleep")
    assert words(3) == ("あと 3 かい ねたら", "3 more sleeps")
    assert words(0) == ("きょう！", "Today!")


def test_a_one_off_day_is_gone_the_day_after():
    mark("2026-10-10")
    assert nights(at("2026-10-10")) == [0]
    assert nights(at("2026-10-11", "00:00")) == []


def test_a_birthday_comes_round_every_year():
    mark("2019-12-10", "はるの たんじょうび", yearly=True, shown=400)
    assert nights(at("2026-12-09")) == [1]
    assert nights(at("2026-12-10")) == [0]
    assert nights(at("2026-12-11")) == [364]


def test_a_29_february_birthday_is_the_28th_in_a_common_year():
    mark("2020-02-29", yearly=True)
    assert sleeps_at(at("2027-02-01"))[0].day == date(2027, 2, 28)
    assert sleeps_at(at("2028-02-01"))[0].day == date(2028, 2, 29)
    assert on_year(date(2020, 2, 29), 2027) == date(2027, 2, 28)
    assert next_day(date(2020, 2, 29), True, date(2027, 3, 1)) == date(2028, 2, 29)


def test_a_day_shows_only_from_its_showing_days():
    mark("2026-03-01", shown=7)
    assert nights(at("2026-02-21")) == []
    assert nights(at("2026-02-22")) == [7]


def test_the_nearest_day_first():
    mark("2026-05-05", "こどもの日")
    mark("2026-04-29", "昭和の日")
    assert [s.title_ja for s in sleeps_at(at("2026-04-20"))] == ["昭和の日", "こどもの日"]


def test_a_calendar_event_is_followed_when_it_moves():
    school = CalendarSubscription.objects.create(name="School", url="https://example.com/s.ics")
    event = CalendarEvent.objects.create(
        subscription=school, uid="sports", title="運動会", start_date=date(2026, 10, 10),
        end_date=date(2026, 10, 11),
    )  # fmt: skip
    mark("2026-10-10", subscription=school, event_uid="sports")
    assert nights(at("2026-10-01")) == [9]
    event.start_date, event.end_date = date(2026, 10, 12), date(2026, 10, 13)  # rained off
    event.save()
    assert nights(at("2026-10-01")) == [11]
    event.delete()  # the calendar no longer lists it: the remembered day stays
    assert nights(at("2026-10-01")) == [9]
