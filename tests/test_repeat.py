"""The repeat translator: a family's words <-> RFC 5545 rules, and the one-line summary."""

import calendar
from datetime import date

import pytest
from django.utils import translation

from schedule.common.recurrence import Recurrence
from schedule.common.repeat import (
    LAST,
    Mode,
    Repeat,
    Unit,
    describe_repeat,
    repeat_from_rule,
    rule_from_repeat,
)

MO, TU, WE, TH, FR, SA, SU = range(7)

# rule as stored, what the friendly fields say about it
ROUND_TRIPS = [
    ("FREQ=WEEKLY;BYDAY=MO,TH", Repeat(Mode.WEEKLY, weekdays=(MO, TH))),
    ("FREQ=WEEKLY;BYDAY=TU", Repeat(Mode.WEEKLY, weekdays=(TU,))),
    ("FREQ=WEEKLY;INTERVAL=2;BYDAY=FR", Repeat(Mode.WEEKLY, weekdays=(FR,), week_interval=2)),
    ("FREQ=MONTHLY;BYDAY=2WE,4WE", Repeat(Mode.MONTHLY, weekdays=(WE,), month_weeks=(2, 4))),
    ("FREQ=MONTHLY;BYDAY=3WE", Repeat(Mode.MONTHLY, weekdays=(WE,), month_weeks=(3,))),
    ("FREQ=MONTHLY;BYDAY=-1FR", Repeat(Mode.MONTHLY, weekdays=(FR,), month_weeks=(LAST,))),
    (
        "FREQ=MONTHLY;BYDAY=1MO,1TH,3MO,3TH",
        Repeat(Mode.MONTHLY, weekdays=(MO, TH), month_weeks=(1, 3)),
    ),
    ("FREQ=DAILY", Repeat(Mode.INTERVAL, interval=1, unit=Unit.DAYS)),
    ("FREQ=DAILY;INTERVAL=3", Repeat(Mode.INTERVAL, interval=3, unit=Unit.DAYS)),
    ("FREQ=WEEKLY;INTERVAL=2", Repeat(Mode.INTERVAL, interval=2, unit=Unit.WEEKS)),
    ("", Repeat(Mode.DATES)),
]

# Rules the friendly fields cannot say exactly: kept as typed.
RAW_RULES = [
    "FREQ=YEARLY;BYMONTH=12;BYMONTHDAY=31",
    "FREQ=MONTHLY;BYDAY=1MO,3FR",
    "FREQ=MONTHLY;BYMONTHDAY=15",
    "FREQ=WEEKLY;BYDAY=MO;WKST=SU",
    "FREQ=WEEKLY;INTERVAL=6;BYDAY=SA",
    "FREQ=DAILY;COUNT=10",
]


@pytest.mark.parametrize(("rule", "repeat"), ROUND_TRIPS)
def test_stored_rule_reads_as_the_friendly_fields(rule, repeat):
    assert repeat_from_rule(rule) == repeat


@pytest.mark.parametrize(("rule", "repeat"), ROUND_TRIPS)
def test_friendly_fields_make_the_same_rule_and_read_back_the_same(rule, repeat):
    assert rule_from_repeat(repeat) == rule
    assert repeat_from_rule(rule_from_repeat(repeat)) == repeat


def test_the_2nd_and_4th_wednesday_has_its_own_friendly_form():
    assert rule_from_repeat(Repeat(Mode.MONTHLY, weekdays=(WE,), month_weeks=(4, 2))) == (
        "FREQ=MONTHLY;BYDAY=2WE,4WE"
    )


def test_equivalent_spellings_read_as_one_rule():
    assert repeat_from_rule("rrule:freq=weekly;byday=th,mo") == Repeat(
        Mode.WEEKLY, weekdays=(MO, TH)
    )
    assert repeat_from_rule("FREQ=WEEKLY;INTERVAL=1;BYDAY=MO") == Repeat(
        Mode.WEEKLY, weekdays=(MO,)
    )


@pytest.mark.parametrize("rule", RAW_RULES)
def test_a_rule_the_fields_cannot_say_falls_back_to_the_raw_field(rule):
    assert repeat_from_rule(rule) == Repeat(Mode.RAW, raw=rule)


def test_rules_are_summed_up_for_the_chore_list_in_japanese():
    with translation.override("ja"):
        assert describe_repeat("FREQ=WEEKLY;BYDAY=MO,TH") == "毎週: 月・木"
        assert describe_repeat("FREQ=MONTHLY;BYDAY=2WE,4WE") == "毎月 第2・第4 水曜日"
        assert describe_repeat("FREQ=WEEKLY;INTERVAL=2;BYDAY=FR") == "隔週: 金"
        assert describe_repeat("FREQ=DAILY;INTERVAL=3") == "3日ごと"
    with translation.override("en"):
        assert describe_repeat("FREQ=MONTHLY;BYDAY=2WE,4WE") == "monthly, 2nd, 4th Wed"
        assert describe_repeat("FREQ=YEARLY;BYMONTH=1") == "FREQ=YEARLY;BYMONTH=1"


# --- 第2水曜 read by weeks: the Wednesday of the month's 2nd calendar week -----------


def wednesdays_of_calendar_weeks(year: int, month: int, weeks: set[int]) -> list[date]:
    """The calendar as printed on a Japanese fridge (weeks from Sunday), row by row."""
    rows = calendar.Calendar(firstweekday=calendar.SUNDAY).monthdatescalendar(year, month)
    return [
        day
        for number, row in enumerate(rows, start=1)
        for day in row
        if number in weeks and day.month == month and day.weekday() == WE
    ]


def test_the_wednesday_of_the_2nd_and_4th_week_is_a_rule_of_its_own():
    rule = rule_from_repeat(Repeat(Mode.MONTH_WEEK, weekdays=(WE,), month_weeks=(2, 4)))
    assert rule == "FREQ=MONTHLY;BYDAY=WE;BYMONTHDAY=5,6,7,8,9,10,11,19,20,21,22,23,24,25"
    assert repeat_from_rule(rule) == Repeat(Mode.MONTH_WEEK, weekdays=(WE,), month_weeks=(2, 4))
    got = Recurrence(rule, date(2026, 1, 1)).occurrences(date(2027, 1, 1), date(2027, 12, 31))
    expected = [
        day for month in range(1, 13) for day in wednesdays_of_calendar_weeks(2027, month, {2, 4})
    ]
    assert got == expected
    # January 2027 starts on a Friday: the 2nd week's Wednesday is the 6th,
    # while the 2nd Wednesday is the 13th.
    assert got[0] == date(2027, 1, 6)
    nth = Recurrence("FREQ=MONTHLY;BYDAY=2WE,4WE", date(2026, 1, 1))
    assert nth.occurrences(date(2027, 1, 1), date(2027, 1, 31))[0] == date(2027, 1, 13)


@pytest.mark.parametrize("weekday", range(7))
@pytest.mark.parametrize("week", [1, 3, 5])
def test_every_weekday_of_every_calendar_week_round_trips_and_matches_the_calendar(weekday, week):
    repeat = Repeat(Mode.MONTH_WEEK, weekdays=(weekday,), month_weeks=(week,))
    rule = rule_from_repeat(repeat)
    assert repeat_from_rule(rule) == repeat
    got = Recurrence(rule, date(2026, 1, 1)).occurrences(date(2026, 1, 1), date(2027, 12, 31))
    rows = calendar.Calendar(firstweekday=calendar.SUNDAY)
    expected = [
        day
        for year in (2026, 2027)
        for month in range(1, 13)
        for number, row in enumerate(rows.monthdatescalendar(year, month), start=1)
        for day in row
        if number == week and day.month == month and day.weekday() == weekday
    ]
    assert got == expected


def test_both_readings_say_which_they_are_in_the_chore_list():
    by_weeks = "FREQ=MONTHLY;BYDAY=WE;BYMONTHDAY=5,6,7,8,9,10,11,19,20,21,22,23,24,25"
    with translation.override("ja"):
        assert describe_repeat(by_weeks) == "毎月 第2・第4週の水曜日"
    with translation.override("en"):
        assert describe_repeat(by_weeks) == "monthly, Wed of the 2nd, 4th week"


def test_days_of_the_month_that_are_not_whole_calendar_weeks_stay_raw():
    assert repeat_from_rule("FREQ=MONTHLY;BYDAY=WE;BYMONTHDAY=5,6,7").mode == Mode.RAW
    assert repeat_from_rule("FREQ=MONTHLY;BYDAY=WE,TH;BYMONTHDAY=5,6,7,8,9,10,11").mode == Mode.RAW
