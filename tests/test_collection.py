"""Closures, holiday lists and moves, one occurrence at a time (collection.py)."""

from datetime import date

import pytest

from schedule.common import collection
from schedule.common.recurrence import holiday_calendar

NEW_YEAR = collection.Closure(1, "年末年始", "New Year", date(2026, 12, 31), date(2027, 1, 4), True)
JP = holiday_calendar("JP")
OBON = (date(2027, 8, 13), date(2027, 8, 15))


@pytest.mark.parametrize(
    ("day", "span"),
    [
        (date(2030, 12, 31), (date(2030, 12, 31), date(2031, 1, 4))),
        (date(2031, 1, 2), (date(2030, 12, 31), date(2031, 1, 4))),
        (date(2020, 1, 4), (date(2019, 12, 31), date(2020, 1, 4))),
        (date(2030, 12, 30), None),
        (date(2031, 1, 5), None),
    ],
)
def test_a_yearly_closure_over_new_year_holds_the_same_days_every_year(day, span):
    found = NEW_YEAR.span_around(day)
    assert (found and (found.start, found.end)) == span


def test_a_one_off_closure_holds_only_its_own_year():
    once = collection.Closure(2, "工事", "Works", date(2027, 3, 1), date(2027, 3, 3))
    assert once.span_around(date(2027, 3, 2)) is not None
    assert once.span_around(date(2028, 3, 2)) is None
    assert once.spans_between(date(2027, 1, 1), date(2027, 12, 31)) == [
        collection.Span(date(2027, 3, 1), date(2027, 3, 3))
    ]


def test_a_yearly_closure_lists_one_stretch_a_year():
    spans = NEW_YEAR.spans_between(date(2027, 6, 1), date(2029, 6, 1))
    assert [(s.start, s.end) for s in spans] == [
        (date(2027, 12, 31), date(2028, 1, 4)),
        (date(2028, 12, 31), date(2029, 1, 4)),
    ]


@pytest.mark.parametrize(
    ("policy", "listed", "on_marine_day", "on_showa_day"),
    [
        ("keep", (), True, True),
        ("keep", ("昭和の日",), True, False),  # "collect on holidays except 昭和の日"
        ("skip", ("海の日",), True, False),  # "skip on holidays except 海の日"
        ("skip", (), False, False),
    ],
)
def test_a_holiday_list_turns_the_policy_around_for_the_holidays_it_names(
    policy, listed, on_marine_day, on_showa_day
):
    rules = collection.Rules(holiday_exceptions=frozenset(listed))
    assert collection.collected_on(date(2027, 7, 19), policy, rules, JP) is on_marine_day
    assert collection.collected_on(date(2027, 4, 29), policy, rules, JP) is on_showa_day
    assert collection.collected_on(date(2027, 7, 20), policy, rules, JP)  # no holiday


def test_a_closure_comes_before_the_holiday_policy():
    # 元日 inside 年末年始: the closure's week later, not the "skip" of the policy.
    rules = collection.Rules(closures=collection.closure_rules(True, (NEW_YEAR,), {}))
    fate = collection.fate(date(2027, 1, 1), "skip", rules, JP)
    assert fate == collection.Fate(date(2027, 1, 1), date(2027, 1, 8), "closure", NEW_YEAR)


def test_a_move_with_no_collection_day_within_reach_is_dropped():
    every_day = collection.Rules(no_collection_days=frozenset(range(7)))
    fate = collection.fate(date(2027, 1, 11), "next", every_day, JP)  # 成人の日
    assert fate.day is None and fate.reason == "holiday"


@pytest.mark.parametrize(
    ("start", "end", "yearly", "action", "days", "move_to", "problems"),
    [
        (date(2026, 12, 31), date(2027, 1, 4), True, "shift", 7, None, {}),
        (date(2027, 1, 4), date(2026, 12, 31), False, "shift", 7, None, {"end": "before_start"}),
        (date(2027, 1, 1), date(2027, 3, 1), False, "drop", 7, None, {"end": "too_long"}),
        (date(2028, 2, 29), date(2028, 3, 1), True, "drop", 7, None, {"start": "leap_day"}),
        (*OBON, True, "shift", 0, None, {"shift_days": "shift_range"}),
        (*OBON, True, "date", 7, None, {"move_to": "missing"}),
        (*OBON, True, "date", 7, date(2027, 8, 14), {"move_to": "inside"}),
        (*OBON, False, "date", 7, date(2027, 12, 1), {"move_to": "too_far"}),
        # A yearly closure's substitute is near one of its stretches, any year.
        (*OBON, True, "date", 7, date(2030, 8, 17), {}),
    ],
)  # fmt: skip
def test_closure_problems_are_found_by_field(start, end, yearly, action, days, move_to, problems):
    assert collection.closure_problems(start, end, yearly, action, days, move_to) == problems


def test_rules_from_a_row_read_its_bitmask_and_skip_what_is_not_a_name():
    rules = collection.rules_from_row(True, ["海の日", 3, None], 0b1000001, (NEW_YEAR,), {})
    assert rules.holiday_exceptions == frozenset({"海の日"})
    assert rules.no_collection_days == frozenset({0, 6})
    assert [rule.closure for rule in rules.closures] == [NEW_YEAR]
    assert collection.rules_from_row(False, "not a list", 0, (NEW_YEAR,), {}).closures == ()


def test_the_holiday_calendar_names_each_holiday_once_in_both_languages():
    named = {own: (ja, en) for own, ja, en in JP.named([2027])}
    assert named["海の日"] == ("海の日", "Marine Day")
    assert named["昭和の日"] == ("昭和の日", "Showa Day")
    assert JP.names(date(2027, 3, 22)) == frozenset({"振替休日"})
