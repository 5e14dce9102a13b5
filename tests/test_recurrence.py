"""Recurrence rules and holiday policies, checked against dates computed by hand."""

import calendar
import dataclasses
from datetime import date, timedelta

import holidays
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from schedule.common import collection
from schedule.common.recurrence import Recurrence, RecurrenceError, holiday_calendar

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


# --- Garbage calendars: closures, holiday lists, moves that skip days -----------------

NEW_YEAR = collection.Closure(
    1, "年末年始", "New Year", date(2026, 12, 31), date(2027, 1, 4), yearly=True, shift_days=7
)
OBON = collection.Closure(
    2, "お盆", "Obon", date(2026, 8, 13), date(2026, 8, 15), yearly=True, action=collection.DROP
)
FIRST, LAST = date(2026, 12, 1), date(2027, 12, 31)
JAPAN = holidays.country_holidays("JP", years=range(2025, 2030))


def garbage(rule, policy="keep", listed=(), closed=(0, 1, 2, 3, 4, 5, 6), no_collection=(6,)):
    """A garbage chore that follows both closures, as the loader builds it."""
    closures = collection.closure_rules(True, (NEW_YEAR, OBON), {})
    return Recurrence(
        rule,
        START,
        holiday_policy=policy,
        rules=collection.Rules(frozenset(listed), frozenset(no_collection), closures),
    )


def expected_days(weekdays, nth=None, policy="keep", listed=(), no_collection=(6,)):
    """The due days worked out day by day, straight from the city's words and
    the `holidays` package: an implementation of its own, not the one under test."""

    def new_year(day):
        return (day.month, day.day) >= (12, 31) or (day.month, day.day) <= (1, 4)

    def obon(day):
        return day.month == 8 and 13 <= day.day <= 15

    def collected(day):
        if day not in JAPAN:
            return True
        named = JAPAN[day] in listed
        return not named if policy == "keep" else named

    def forward(day):
        while day.weekday() in no_collection or new_year(day) or obon(day) or not collected(day):
            day += timedelta(days=1)
        return day

    out = set()
    day = FIRST - timedelta(days=40)
    while day <= LAST + timedelta(days=40):
        week_of_month = (day.day - 1) // 7 + 1
        if day.weekday() in weekdays and (nth is None or week_of_month in nth):
            if new_year(day):
                out.add(forward(day + timedelta(days=7)))
            elif obon(day):
                pass
            elif not collected(day):
                if policy == "next":
                    out.add(forward(day + timedelta(days=1)))
            else:
                out.add(day)
        day += timedelta(days=1)
    return sorted(d for d in out if FIRST <= d <= LAST)


def test_a_year_of_garbage_skipped_on_holidays_except_marine_day():
    rule = garbage("FREQ=WEEKLY;BYDAY=MO,FR", "skip", listed=("海の日",))
    got = rule.occurrences(FIRST, LAST)
    assert got == expected_days({0, 4}, policy="skip", listed=("海の日",))
    assert date(2027, 7, 19) in got  # 海の日, listed: collected anyway
    assert date(2027, 9, 20) not in got  # 敬老の日: skipped
    assert date(2027, 8, 13) not in got  # お盆: dropped, no substitute
    assert date(2027, 1, 1) not in got and date(2027, 1, 8) in got  # 元日 +7: a Friday anyway
    # 1/4 +7 is 成人の日, not collected on: the move goes on to the Tuesday.
    assert date(2027, 1, 11) not in got and date(2027, 1, 12) in got
    assert [f.raw for f in rule.moved_here(date(2027, 1, 12))] == [date(2027, 1, 4)]
    assert rule.moved_away(date(2027, 8, 13)) == collection.Fate(
        date(2027, 8, 13), None, collection.CLOSURE, OBON
    )


def test_a_year_of_garbage_collected_on_holidays_except_showa_day():
    rule = garbage("FREQ=WEEKLY;BYDAY=TH", "keep", listed=("昭和の日",))
    got = rule.occurrences(FIRST, LAST)
    assert got == expected_days({3}, listed=("昭和の日",))
    assert date(2027, 4, 29) not in got  # 昭和の日: skipped anyway
    assert date(2027, 2, 11) in got and date(2027, 9, 23) in got  # other holidays: collected
    assert date(2026, 12, 31) not in got  # 年末年始


def test_next_day_moves_step_over_the_days_without_collection():
    # Collected Monday to Thursday and on Saturday: a Thursday holiday's turn
    # cannot go to Friday, so it goes to Saturday.
    rule = garbage("FREQ=WEEKLY;BYDAY=TH", "next", no_collection=(4, 6))
    got = rule.occurrences(FIRST, LAST)
    assert got == expected_days({3}, policy="next", no_collection=(4, 6))
    assert date(2027, 2, 13) in got and date(2027, 2, 12) not in got
    assert date(2027, 5, 1) in got and date(2027, 9, 25) in got
    assert rule.moved_off_a_holiday(date(2027, 5, 1))


def test_a_saturday_holidays_turn_never_lands_on_sunday():
    rule = garbage("FREQ=WEEKLY;BYDAY=SA", "next")
    # 2028-04-29 昭和の日 is a Saturday: not Sunday the 30th, Monday 5/1.
    assert rule.occurrences(date(2028, 4, 28), date(2028, 5, 2)) == [date(2028, 5, 1)]


def test_the_first_and_third_friday_after_new_year_move_a_week():
    rule = garbage("FREQ=MONTHLY;BYDAY=1FR,3FR")
    got = rule.occurrences(FIRST, LAST)
    assert got == expected_days({4}, nth={1, 3})
    assert date(2027, 1, 8) in got and date(2027, 1, 1) not in got
    (moved,) = rule.moved_here(date(2027, 1, 8))
    assert (moved.raw, moved.reason, moved.closure) == (date(2027, 1, 1), "closure", NEW_YEAR)
    assert rule.year_bounds(2027)[0] == date(2027, 1, 8)


def test_a_previous_day_substitute_brings_new_year_back_into_december():
    closures = collection.closure_rules(
        True, (NEW_YEAR,), {1: collection.Link(collection.PREVIOUS)}
    )
    rule = Recurrence(
        "FREQ=WEEKLY;BYDAY=MO,TH",
        START,
        rules=collection.Rules(no_collection_days=frozenset({6}), closures=closures),
    )
    # 12/31 (Thu) and 1/4 (Mon) both go out on Wednesday 12/30.
    assert rule.occurrences(date(2026, 12, 28), date(2027, 1, 10)) == [
        date(2026, 12, 28),
        date(2026, 12, 30),
        date(2027, 1, 7),
    ]
    assert {f.raw for f in rule.moved_here(date(2026, 12, 30))} == {
        date(2026, 12, 31),
        date(2027, 1, 4),
    }
    assert rule.year_bounds(2026)[1] == date(2026, 12, 30)


def test_a_substitute_date_follows_a_yearly_closure_into_each_year():
    closure = dataclasses.replace(NEW_YEAR, action=collection.ON_DATE, move_to=date(2027, 1, 6))
    rule = Recurrence(
        "FREQ=WEEKLY;BYDAY=FR",
        START,
        rules=collection.Rules(closures=collection.closure_rules(True, (closure,), {})),
    )
    assert date(2027, 1, 6) in rule.occurrences(date(2027, 1, 1), date(2027, 1, 10))
    assert date(2028, 1, 6) in rule.occurrences(date(2027, 12, 25), date(2028, 1, 10))


def test_a_chore_that_is_not_garbage_ignores_closures_unless_linked():
    assert collection.closure_rules(False, (NEW_YEAR, OBON), {}) == ()
    linked = collection.closure_rules(
        False, (NEW_YEAR, OBON), {2: collection.Link(collection.FOLLOW)}
    )
    assert [rule.closure for rule in linked] == [OBON]
    ignored = collection.closure_rules(True, (NEW_YEAR, OBON), {1: collection.Link("ignore")})
    assert [rule.closure for rule in ignored] == [OBON]


closure_strategy = st.builds(
    lambda start, length, yearly, action, shift, id: collection.Closure(
        id, "休み", "Closed", start, start + timedelta(days=length - 1), yearly, action, shift,
        start + timedelta(days=length + 2) if action == collection.ON_DATE else None,
    ),
    st.dates(date(2026, 1, 1), date(2027, 12, 31)),
    st.integers(1, 10),
    st.booleans(),
    st.sampled_from(collection.CLOSURE_ACTIONS),
    st.integers(1, 14),
    st.integers(1, 1000),
)  # fmt: skip


@settings(max_examples=60, deadline=None)
@given(
    no_collection=st.sets(st.integers(0, 6), min_size=1, max_size=3),
    days=st.sets(st.integers(0, 6), min_size=1, max_size=4),
    policy=st.sampled_from(["keep", "skip", "next"]),
    listed=st.sets(st.sampled_from(["海の日", "山の日", "昭和の日", "元日", "振替休日"])),
    closures=st.lists(closure_strategy, max_size=3),
)
def test_no_occurrence_is_ever_inside_a_closure_or_on_a_no_collection_day(
    no_collection, days, policy, listed, closures
):
    # The rule's own days are the parent's word; the rules keep every move off
    # the days without collection.
    weekdays = sorted(days - no_collection) or [min(set(range(7)) - no_collection)]
    codes = ",".join(("MO", "TU", "WE", "TH", "FR", "SA", "SU")[d] for d in weekdays)
    rules = collection.Rules(
        frozenset(listed), frozenset(no_collection), collection.closure_rules(True, closures, {})
    )
    rule = Recurrence(f"FREQ=WEEKLY;BYDAY={codes}", START, holiday_policy=policy, rules=rules)
    for day in rule.occurrences(date(2026, 1, 1), date(2028, 12, 31)):
        assert day.weekday() not in no_collection, day
        assert all(c.span_around(day) is None for c in closures), day
