"""Recurrence rules and holiday policies, checked against dates computed by hand."""

import calendar
from datetime import date, timedelta

import pytest

from schedule.recurrence import Recurrence, RecurrenceError, holiday_calendar

START = date(2026, 1, 1)


def every_day(first: date, last: date):
    day = first
    while day <= last:
        yield day
        day += timedelta(days=1)


def test_mondays_and_thursdays():
    rule = Recurrence("FREQ=WEEKLY;BYDAY=MO,TH", START)
    got = rule.occurrences(date(2026, 11, 1), date(2026, 11, 30))
    expected = [
        d for d in every_day(date(2026, 11, 1), date(2026, 11, 30)) if d.weekday() in (0, 3)
    ]
    assert got == expected
    assert rule.is_due_on(date(2026, 11, 26))  # Thursday
    assert not rule.is_due_on(date(2026, 11, 25))


def nth_weekdays(year: int, month: int, weekday: int, which: tuple[int, ...]) -> list[date]:
    days = [
        date(year, month, d)
        for d in range(1, calendar.monthrange(year, month)[1] + 1)
        if date(year, month, d).weekday() == weekday
    ]
    return [days[n - 1] for n in which]


def test_second_and_fourth_wednesday_across_2026_and_2027():
    rule = Recurrence("FREQ=MONTHLY;BYDAY=2WE,4WE", START)
    got = rule.occurrences(date(2026, 1, 1), date(2027, 12, 31))
    expected = [
        day
        for year in (2026, 2027)
        for month in range(1, 13)
        for day in nth_weekdays(year, month, calendar.WEDNESDAY, (2, 4))
    ]
    assert got == expected
    assert len(got) == 48


def test_every_other_week_from_the_start_date():
    rule = Recurrence("FREQ=WEEKLY;INTERVAL=2;BYDAY=FR", date(2026, 11, 6))
    got = rule.occurrences(date(2026, 11, 1), date(2026, 12, 31))
    assert got == [date(2026, 11, 6), date(2026, 11, 20), date(2026, 12, 4), date(2026, 12, 18)]


def test_every_three_days():
    rule = Recurrence("FREQ=DAILY;INTERVAL=3", date(2026, 11, 1))
    got = rule.occurrences(date(2026, 11, 1), date(2026, 11, 12))
    assert got == [date(2026, 11, d) for d in (1, 4, 7, 10)]


def test_exception_and_extra_dates():
    rule = Recurrence(
        "FREQ=WEEKLY;BYDAY=MO",
        START,
        extra_dates=(date(2026, 11, 28),),
        exception_dates=(date(2026, 11, 16),),
    )
    got = rule.occurrences(date(2026, 11, 1), date(2026, 11, 30))
    assert got == [date(2026, 11, d) for d in (2, 9, 23, 28, 30)]
    # 11-23 is a holiday but the default policy keeps it.
    assert rule.is_due_on(date(2026, 11, 23))


def test_only_explicit_dates():
    rule = Recurrence("", START, extra_dates=(date(2026, 12, 5),))
    assert rule.occurrences(date(2026, 12, 1), date(2026, 12, 31)) == [date(2026, 12, 5)]


SUBSTITUTE_HOLIDAY = date(2027, 3, 22)  # 振替休日 for 春分の日 on Sunday 3-21


def test_2027_03_22_is_a_substitute_holiday():
    jp = holiday_calendar("JP")
    assert jp.is_holiday(SUBSTITUTE_HOLIDAY)
    assert jp.name(SUBSTITUTE_HOLIDAY, "ja") == "振替休日"
    assert jp.name(SUBSTITUTE_HOLIDAY, "en") == "Substitute Holiday"


@pytest.mark.parametrize(
    ("policy", "expected"),
    [
        ("keep", [date(2027, 3, 15), date(2027, 3, 22), date(2027, 3, 29)]),
        ("skip", [date(2027, 3, 15), date(2027, 3, 29)]),
        ("next", [date(2027, 3, 15), date(2027, 3, 23), date(2027, 3, 29)]),
    ],
)
def test_holiday_policy_on_a_monday_substitute_holiday(policy, expected):
    rule = Recurrence("FREQ=WEEKLY;BYDAY=MO", START, holiday_policy=policy)
    assert rule.occurrences(date(2027, 3, 14), date(2027, 3, 30)) == expected


def test_next_day_policy_jumps_over_a_run_of_holidays():
    # Golden Week 2027: 5-3, 5-4, 5-5 are holidays; a Monday 5-3 chore lands on 5-6.
    rule = Recurrence("FREQ=WEEKLY;BYDAY=MO", START, holiday_policy="next")
    assert rule.occurrences(date(2027, 5, 1), date(2027, 5, 8)) == [date(2027, 5, 6)]


def test_turn_counts_earlier_occurrences():
    rule = Recurrence("FREQ=WEEKLY;BYDAY=MO,TH", date(2026, 11, 2))
    assert rule.turn(date(2026, 11, 2)) == 0
    assert rule.turn(date(2026, 11, 5)) == 1
    assert rule.turn(date(2026, 11, 9)) == 2


def test_next_occurrences_returns_the_count_asked():
    rule = Recurrence("FREQ=MONTHLY;BYDAY=2WE,4WE", START)
    got = rule.next_occurrences(date(2026, 11, 23), 8)
    assert len(got) == 8
    assert got[0] == date(2026, 11, 25)
    assert all(d.weekday() == 2 for d in got)


@pytest.mark.parametrize(
    "bad",
    [
        "FREQ=SOMETIMES",
        "BYDAY=MO",
        "FREQ=WEEKLY;BYDAY=XX",
        "FREQ=HOURLY",
        "nonsense",
        "FREQ=WEEKLY;DTSTART=20260101",
    ],
)
def test_unreadable_rules_are_refused(bad):
    with pytest.raises(RecurrenceError):
        Recurrence(bad, START).validate()


def test_a_rule_that_never_happens_is_refused():
    with pytest.raises(RecurrenceError, match="never"):
        Recurrence("FREQ=YEARLY;BYMONTH=2;BYMONTHDAY=30", START).validate()


def test_a_rule_with_nothing_at_all_is_refused():
    with pytest.raises(RecurrenceError):
        Recurrence("", START)


# --- Limits: nothing a parent or an imported file writes can hang a worker ---------


@pytest.mark.parametrize(
    "bad",
    [
        "FREQ=DAILY;INTERVAL=0",
        "FREQ=WEEKLY;INTERVAL=0;BYDAY=MO",
        "FREQ=MONTHLY;INTERVAL=-1",
        "FREQ=DAILY;INTERVAL=abc",
        "FREQ=DAILY;INTERVAL=1001",
        "FREQ=DAILY;COUNT=0",
        "FREQ=DAILY;COUNT=10001",
        "FREQ=DAILY;BYHOUR=0,1,2",
        "FREQ=DAILY;BYHOUR=0,1;BYMINUTE=0,30;BYSECOND=0,7",
        "FREQ=WEEKLY;BYDAY=MO;BYMINUTE=5",
        "FREQ=MINUTELY",
        "FREQ=SECONDLY;INTERVAL=1",
    ],
)
def test_rules_that_would_spin_or_swell_are_refused_before_any_walk(bad):
    with pytest.raises(RecurrenceError):
        Recurrence(bad, START).validate()


@pytest.mark.parametrize(
    "start", [date(1026, 1, 1), date(1, 1, 1), date(9998, 1, 1), date(9999, 12, 31)]
)
def test_a_start_date_outside_1970_to_2100_is_refused(start):
    with pytest.raises(RecurrenceError, match="1970–2100"):
        Recurrence("FREQ=DAILY", start)


def test_extra_and_exception_dates_outside_the_years_are_refused():
    with pytest.raises(RecurrenceError):
        Recurrence("FREQ=DAILY", START, extra_dates=(date(9999, 1, 1),))
    with pytest.raises(RecurrenceError):
        Recurrence("FREQ=DAILY", START, exception_dates=(date(1, 1, 1),))


@pytest.mark.parametrize(
    "never",
    [
        "FREQ=DAILY;BYMONTH=2;BYMONTHDAY=30",
        "FREQ=WEEKLY;BYMONTH=2;BYMONTHDAY=31",
        "FREQ=DAILY;COUNT=5;BYMONTH=4;BYMONTHDAY=31",
        "FREQ=DAILY;INTERVAL=7;BYDAY=MO",  # every 7th day from a Thursday
    ],
)
def test_a_rule_whose_parts_never_meet_ends_its_walk_at_2100(never):
    # Without the bound dateutil walks a daily rule day by day to 9999 (21 s).
    rule = Recurrence(never, START)
    with pytest.raises(RecurrenceError, match="never"):
        rule.validate()
    assert rule.occurrences(date(2026, 1, 1), date(2100, 12, 31)) == []
    assert rule.next_occurrences(date(2026, 11, 1), 8) == []


def test_dateutil_gives_up_after_the_last_year_a_chore_can_have():
    from dateutil import rrule as dateutil_rrule

    assert dateutil_rrule.datetime.MAXYEAR == 2101
    assert dateutil_rrule.datetime.datetime is __import__("datetime").datetime


def test_no_date_after_2100_is_ever_due():
    rule = Recurrence("FREQ=DAILY", date(2100, 12, 30))
    assert rule.occurrences(date(2100, 12, 1), date(2101, 1, 10)) == [
        date(2100, 12, 30),
        date(2100, 12, 31),
    ]
    assert not rule.is_due_on(date(2101, 1, 1))


def test_count_ends_the_rule_on_its_last_occurrence():
    rule = Recurrence("FREQ=WEEKLY;BYDAY=MO;COUNT=3", date(2026, 11, 1))
    assert rule.occurrences(date(2026, 11, 1), date(2027, 1, 31)) == [
        date(2026, 11, 2),
        date(2026, 11, 9),
        date(2026, 11, 16),
    ]


def test_count_counts_the_rule_before_exception_dates_as_rfc_5545_says():
    rule = Recurrence(
        "FREQ=WEEKLY;BYDAY=MO;COUNT=3",
        date(2026, 11, 1),
        exception_dates=(date(2026, 11, 9),),
    )
    assert rule.occurrences(date(2026, 11, 1), date(2027, 1, 31)) == [
        date(2026, 11, 2),
        date(2026, 11, 16),
    ]


def test_a_daily_turn_from_1970_is_counted_in_one_walk():
    rule = Recurrence("FREQ=DAILY", date(1970, 1, 1))
    assert rule.turn(date(2026, 11, 26)) == (date(2026, 11, 26) - date(1970, 1, 1)).days
    # Every year from the start up to the one asked for is kept, 4 bytes a day.
    assert sum(len(days) * days.itemsize for days in rule._by_year.values()) < 100_000


def test_a_daily_rule_keeps_due_days_compactly_for_every_year():
    rule = Recurrence("FREQ=DAILY", date(1970, 1, 1))
    rule.occurrences(date(2100, 1, 1), date(2100, 12, 31))
    kept = sum(len(days) * days.itemsize for days in rule._by_year.values())
    assert len(rule._by_year) == 131
    assert kept == (date(2101, 1, 1) - date(1970, 1, 1)).days * 4
