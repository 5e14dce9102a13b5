"""The planner's chores (planner/chores.py, shown.py): the year's marks at New
Year, the collections that are off today and tomorrow, and what is due within
the hour, which the wall keeps in sight."""

from datetime import date, time, timedelta

import pytest

from schedule import planner
from schedule.common import collection, recurrence
from tests.conftest import household, tokyo

NEW_YEAR = collection.Closure(
    1, "年末年始", "New Year holidays", date(2026, 12, 31), date(2027, 1, 4), yearly=True
)
FOLLOWS_CLOSURES = collection.Rules(closures=collection.closure_rules(True, (NEW_YEAR,), {}))


def chore(id, title, rule, start=date(2026, 1, 1), policy="keep"):
    return planner.ChoreData(
        id=id,
        title_ja=title,
        title_en=title,
        recurrence=recurrence.Recurrence(
            rule, start, holiday_policy=policy, rules=FOLLOWS_CLOSURES
        ),
        time=time(8),
        garbage=True,
    )


# The demo family's ward, and a collection a parent added on 10 December.
BURNABLE = chore(1, "燃やすごみ", "FREQ=WEEKLY;BYDAY=MO,TH")
PLASTICS = chore(2, "プラスチック", "FREQ=WEEKLY;BYDAY=TU")
PAPER = chore(3, "古紙・古布", "FREQ=MONTHLY;BYDAY=1FR,3FR")
CANS = chore(4, "カン・ビン", "FREQ=MONTHLY;BYDAY=2FR,4FR", policy="skip")
BATTERIES = chore(5, "乾電池", "FREQ=WEEKLY;BYDAY=WE", start=date(2026, 12, 10))
WARD = household(chores=[BURNABLE, PLASTICS, PAPER, CANS, BATTERIES], closures=[NEW_YEAR])

AROUND_NEW_YEAR = [date(2026, 12, 28) + timedelta(days=n) for n in range(9)]  # 12/28-1/5


@pytest.mark.parametrize("day", AROUND_NEW_YEAR, ids=str)
def test_no_mark_says_this_year_of_another_year_nor_last_of_next_january(day):
    for mark in planner.year_marks(WARD, day):
        assert day < mark.date <= day + timedelta(days=planner.YEAR_MARK_DAYS)
        if mark.this_year:
            assert mark.date.year == day.year
        else:  # seen in December: next year's first, never its last
            assert mark.date.year == day.year + 1
            assert mark.kind == planner.FIRST_OF_YEAR
    for view in planner.chores_on(WARD, day):
        if view.year_mark:
            assert view.year_mark == view.chore.year_mark(day)


LAST, FIRST = planner.LAST_OF_YEAR, planner.FIRST_OF_YEAR


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        # Plastics go out for the last time on Tuesday 12/29, 乾電池 on Wednesday
        # 12/30; burnables' last was today.
        (
            date(2026, 12, 28),
            [
                ("プラスチック", date(2026, 12, 29), LAST, True),
                ("乾電池", date(2026, 12, 30), LAST, True),
            ],
        ),
        (
            date(2026, 12, 29),
            [
                ("乾電池", date(2026, 12, 30), LAST, True),
                ("プラスチック", date(2027, 1, 5), FIRST, False),
            ],
        ),
        # New Year's Eve: nothing of 2026 is left; January's firsts are next year's,
        # 乾電池's too (made in December, its first of 2027 is a true one).
        (
            date(2026, 12, 31),
            [
                ("プラスチック", date(2027, 1, 5), FIRST, False),
                ("乾電池", date(2027, 1, 6), FIRST, False),
                ("燃やすごみ", date(2027, 1, 7), FIRST, False),
            ],
        ),
        (
            date(2027, 1, 1),
            [
                ("プラスチック", date(2027, 1, 5), FIRST, True),
                ("乾電池", date(2027, 1, 6), FIRST, True),
                ("燃やすごみ", date(2027, 1, 7), FIRST, True),
                ("古紙・古布", date(2027, 1, 8), FIRST, True),  # 1/1 closed: a week later
                ("カン・ビン", date(2027, 1, 8), FIRST, True),
            ],
        ),
        (
            date(2027, 1, 5),
            [
                ("乾電池", date(2027, 1, 6), FIRST, True),
                ("燃やすごみ", date(2027, 1, 7), FIRST, True),
                ("古紙・古布", date(2027, 1, 8), FIRST, True),
                ("カン・ビン", date(2027, 1, 8), FIRST, True),
            ],
        ),
    ],
    ids=str,
)
def test_the_marks_around_new_year(day, expected):
    marks = planner.year_marks(WARD, day)
    assert [(m.chore.title_ja, m.date, m.kind, m.this_year) for m in marks] == expected


def test_a_collection_added_in_december_is_never_the_years_first_in_december():
    first_time = date(2026, 12, 16)  # Wednesday: 乾電池's first day ever
    assert planner.chores_on(WARD, first_time)[0].chore.title_ja == "乾電池"
    assert BATTERIES.year_mark(first_time) == ""
    assert not [m for m in planner.year_marks(WARD, date(2026, 12, 10)) if m.chore.id == 5]
    # Its last of 2026 is marked (Wednesday 12/30, the day before the closure).
    assert BATTERIES.year_mark(date(2026, 12, 30)) == planner.LAST_OF_YEAR
    # ...and next year it has a true first.
    assert BATTERIES.year_mark(date(2027, 1, 6)) == planner.FIRST_OF_YEAR


def test_the_collections_off_today_and_tomorrow_say_when_and_why():
    thursday = date(2026, 12, 31)  # burnables' day, inside the closure
    view = planner.day_view(WARD, thursday, tokyo(thursday, "07:30"))
    (gone,) = view.moved_away
    assert (gone.chore.id, gone.fate.reason, gone.fate.day) == (1, "closure", date(2027, 1, 7))
    assert gone.due == tokyo(thursday, "08:00")
    assert gone.holiday is None
    # The evening before, it is tomorrow's.
    wednesday = thursday - timedelta(days=1)
    evening = planner.day_view(WARD, wednesday, tokyo(wednesday, "19:00"))
    assert [m.chore.id for m in evening.tomorrow_moved_away] == [1]


def test_a_collection_a_holiday_takes_away_is_said_with_the_holidays_name():
    cans = chore(9, "カン・ビン", "FREQ=WEEKLY;BYDAY=MO", policy="skip")
    family = household(chores=[cans])
    monday = date(2026, 11, 23)  # 勤労感謝の日
    view = planner.day_view(family, monday, tokyo(monday, "07:00"))
    (gone,) = view.moved_away
    assert gone.fate.day is None  # skipped, not moved
    assert gone.holiday.name("ja") == "勤労感謝の日"
    assert gone.holiday.name("en") == "Labor Thanksgiving Day"


@pytest.mark.parametrize(
    ("hh_mm", "soon"),
    [("06:59", False), ("07:00", True), ("07:59", True), ("08:00", False), ("09:00", False)],
)
def test_a_chore_is_due_soon_from_an_hour_before_until_its_deadline(hh_mm, soon):
    thursday = date(2026, 11, 26)
    view = planner.day_view(WARD, thursday, tokyo(thursday, hh_mm))
    assert [c.chore.id for c in view.soon] == ([1] if soon else [])
    closed = date(2026, 12, 31)  # the same hour, the burnables off for New Year
    off = planner.day_view(WARD, closed, tokyo(closed, hh_mm))
    assert [m.chore.id for m in off.moved_away_soon] == ([1] if soon else [])


def test_the_wall_changes_when_a_chore_comes_due_soon_and_when_its_deadline_passes():
    thursday = date(2026, 11, 26)
    view = planner.day_view(WARD, thursday, tokyo(thursday, "12:00"))
    instants = planner.changes(view, ())
    assert tokyo(thursday, "07:00") in instants
    assert tokyo(thursday, "08:00") in instants
    closed = date(2026, 12, 31)
    view = planner.day_view(WARD, closed, tokyo(closed, "12:00"))
    assert tokyo(closed, "07:00") in planner.changes(view, ())
