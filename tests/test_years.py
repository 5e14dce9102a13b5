"""A chore's first and last collection of a year (common/years.py): what the
wall's 「ことし はじめて」 and 「ことし さいご」 are said of."""

from datetime import date

import pytest

from schedule.common import collection
from schedule.common.recurrence import Recurrence
from schedule.common.years import _as_if_always, year_ends

# The ward's New Year closure, as the demo family has it: 12/31-1/4, a week later.
NEW_YEAR = collection.Closure(
    1, "年末年始", "New Year holidays", date(2026, 12, 31), date(2027, 1, 4), yearly=True
)
CLOSED = collection.Rules(closures=collection.closure_rules(True, (NEW_YEAR,), {}))


def garbage(rule: str, start: date, **more) -> Recurrence:
    return Recurrence(rule, start, rules=CLOSED, **more)


BURNABLES = "FREQ=WEEKLY;BYDAY=MO,TH"


def test_a_chore_there_all_year_has_its_first_after_new_year_and_its_last_before_it():
    burnables = garbage(BURNABLES, date(2026, 1, 1))
    # 2026: 1/1 (Thu) is closed, Monday 1/5 is the first; 12/31 is closed, 12/28 the last.
    assert year_ends(burnables, 2026) == (date(2026, 1, 5), date(2026, 12, 28))
    # 2027: 1/1 and 1/4 are closed (a week later: 1/8, 1/11); Thursday 1/7 is the first.
    assert year_ends(burnables, 2027)[0] == date(2027, 1, 7)


def test_a_chore_created_in_december_has_no_first_of_the_year_in_december():
    new = garbage("FREQ=WEEKLY;BYDAY=TH", date(2026, 12, 10))
    assert new.year_bounds(2026)[0] == date(2026, 12, 10)  # its own first day...
    first, last = year_ends(new, 2026)
    assert first is None  # ...is not the year's first collection
    assert last == date(2026, 12, 24)  # 12/31 is closed: a week later, in 2027
    assert year_ends(new, 2027)[0] == date(2027, 1, 7)  # next year it has one


def test_a_chore_created_mid_year_has_no_first_that_year_but_a_true_last():
    new = garbage(BURNABLES, date(2026, 6, 10))
    assert year_ends(new, 2026) == (None, date(2026, 12, 28))


@pytest.mark.parametrize(
    ("start", "first"),
    [
        # Made on 2 January, before the first collection (Thursday 1/7): it is the year's first.
        (date(2027, 1, 2), date(2027, 1, 7)),
        (date(2027, 1, 7), date(2027, 1, 7)),  # made on the day itself
        # Made on 1/8, after the year's first: Monday 1/11 is only its own first.
        (date(2027, 1, 8), None),
    ],
)
def test_a_chore_created_in_early_january_has_the_first_only_if_the_year_had_none_before(
    start, first
):
    assert year_ends(garbage(BURNABLES, start), 2027)[0] == first


def test_an_every_other_week_chore_keeps_its_weeks_when_traced_back():
    fortnightly = garbage("FREQ=WEEKLY;INTERVAL=2;BYDAY=TU", date(2027, 3, 2))
    ever = _as_if_always(fortnightly, date(2026, 8, 1))
    assert ever.start <= date(2026, 8, 1)
    later = (date(2027, 3, 1), date(2027, 6, 30))
    assert ever.occurrences(*later) == fortnightly.occurrences(*later)
    # Its rule's first of 2027 was in January, before it began.
    assert year_ends(fortnightly, 2027)[0] is None
    assert ever.occurrences(date(2027, 1, 1), date(2027, 1, 31))[0] == date(2027, 1, 5)


def test_a_monthly_chore_created_mid_year_traced_back_keeps_its_day_of_the_month():
    paper = garbage("FREQ=MONTHLY;BYDAY=1FR,3FR", date(2026, 7, 20))
    ever = _as_if_always(paper, date(2025, 8, 1))
    later = (date(2026, 7, 20), date(2026, 12, 31))
    assert ever.occurrences(*later) == paper.occurrences(*later)
    assert year_ends(paper, 2026)[0] is None
    # 2027: 1/1 (the first Friday) is closed, a week later; 1/8 is the first.
    assert year_ends(paper, 2027)[0] == date(2027, 1, 8)


def test_a_chore_counted_from_december_has_its_last_but_no_first():
    three = garbage("FREQ=WEEKLY;BYDAY=MO;COUNT=3", date(2026, 12, 7))
    assert year_ends(three, 2026) == (None, date(2026, 12, 21))
    assert year_ends(three, 2027) is None


def test_explicit_dates_are_their_own_first_and_last():
    dates = Recurrence("", date(2026, 3, 1), extra_dates=(date(2026, 3, 1), date(2026, 9, 1)))
    assert year_ends(dates, 2026) == (date(2026, 3, 1), date(2026, 9, 1))


def test_a_chore_due_once_a_year_has_one_collection_both_first_and_last():
    once = garbage("FREQ=YEARLY;BYMONTH=6;BYMONTHDAY=15", date(2026, 1, 1))
    assert year_ends(once, 2026) == (date(2026, 6, 15), date(2026, 6, 15))
