"""The repeat translator: a family's words <-> RFC 5545 rules, and the one-line summary."""

import pytest
from django.utils import translation

from schedule.repeat import (
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
