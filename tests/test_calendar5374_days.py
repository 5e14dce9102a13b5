"""One cell of area_days.csv: each way the real files write days, and each word left out."""

from datetime import date

import pytest
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from schedule.chores.garbage.city5374_days import PART, WORD, Kind, read_cell
from schedule.common.recurrence import Recurrence

# Two years no test's own clock decides: the cells' dates are asked for in them.
FIRST, LAST = date(2027, 1, 1), date(2028, 12, 31)


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def cell(text: str, kind: str = "燃やすごみ") -> Kind:
    read = read_cell(text, "area_days.csv", 2, 3, kind)
    assert read.problems == [], [str(p) for p in read.problems]
    return read.kind


def left_out(text: str) -> list[str]:
    return [str(problem) for problem in read_cell(text, "area_days.csv", 7, 4, "古紙").problems]


def due(kind: Kind, first: date, last: date) -> list[date]:
    """The days the kind is collected in [first, last], its listed dates included."""
    rule = Recurrence(kind.rule, kind.first_day(FIRST), extra_dates=kind.dates_between(FIRST, LAST))
    return rule.occurrences(first, last)


# --- The forms a day list takes ----------------------------------------------------------


def test_weekdays_are_every_week_on_those_days():
    kind = cell("月 木")
    assert (kind.rule, kind.seasonal) == ("FREQ=WEEKLY;BYDAY=MO,TH", ())
    assert due(kind, date(2027, 3, 1), date(2027, 3, 7)) == [date(2027, 3, 1), date(2027, 3, 4)]


def test_a_weekday_with_a_number_is_that_one_of_the_month():
    kind = cell("火1 火3")
    assert kind.rule == "FREQ=MONTHLY;BYDAY=1TU,3TU"
    assert due(kind, date(2027, 6, 1), date(2027, 6, 30)) == [date(2027, 6, 1), date(2027, 6, 15)]


def test_full_width_digits_spaces_and_middle_dots_read_as_plain_ones():
    assert cell("水２・水４").rule == cell("水2 水4").rule == "FREQ=MONTHLY;BYDAY=2WE,4WE"
    assert cell("月\u3000木").rule == "FREQ=WEEKLY;BYDAY=MO,TH"


def test_months_after_a_colon_hold_the_days_to_those_months():
    kind = cell("金4:4 6 8 10 12 2")
    assert kind.rule == "FREQ=MONTHLY;BYDAY=4FR;BYMONTH=2,4,6,8,10,12"
    assert due(kind, date(2027, 1, 1), date(2027, 4, 30)) == [date(2027, 2, 26), date(2027, 4, 23)]


def test_parts_with_months_of_their_own_become_the_dates_of_two_years():
    # Ayabe: the 1st Wednesday, but the 2nd in May and January (after the holidays).
    kind = cell("水1:4 6 7 8 9 10 11 12 2 3; 水2:5 1")
    assert kind.rule == "" and len(kind.seasonal) == 2
    assert due(kind, date(2027, 1, 1), date(2027, 6, 30)) == [
        date(2027, 1, 13),  # January: the 2nd Wednesday
        date(2027, 2, 3),
        date(2027, 3, 3),
        date(2027, 4, 7),
        date(2027, 5, 12),  # May: the 2nd
        date(2027, 6, 2),
    ]
    assert len(kind.dates_between(FIRST, LAST)) == 24  # twelve months, two years
    assert kind.dates_between(FIRST, LAST)[-1] == date(2028, 12, 6)


def test_every_week_days_keep_their_rule_and_a_months_nth_day_joins_as_dates():
    # "月 木 日5:12": Mondays and Thursdays all year, and the 5th Sunday of December.
    kind = cell("月 木 日5:12")
    assert kind.rule == "FREQ=WEEKLY;BYDAY=MO,TH"
    assert [part.rule for part in kind.seasonal] == ["FREQ=MONTHLY;BYDAY=5SU;BYMONTH=12"]
    # December 2028 has five Sundays (the 31st); 2027 has four.
    assert kind.dates_between(FIRST, LAST) == (date(2028, 12, 31),)
    assert due(kind, date(2028, 12, 25), date(2028, 12, 31)) == [
        date(2028, 12, 25),
        date(2028, 12, 28),
        date(2028, 12, 31),
    ]


def test_every_other_week_counts_from_its_first_day_as_the_5374_app_does():
    kind = cell("隔月20150112")  # a Monday
    assert (kind.rule, kind.start) == ("FREQ=WEEKLY;INTERVAL=2;BYDAY=MO", date(2015, 1, 12))
    # 2015-01-12 + 14 × 313 days = 2027-01-11; then every other Monday.
    assert due(kind, date(2027, 1, 1), date(2027, 1, 31)) == [date(2027, 1, 11), date(2027, 1, 25)]


def test_two_days_every_other_week_in_the_same_weeks_are_one_rule():
    kind = cell("隔月20270104 隔木20270107")
    assert (kind.rule, kind.start) == ("FREQ=WEEKLY;INTERVAL=2;BYDAY=MO,TH", date(2027, 1, 4))
    assert due(kind, date(2027, 1, 1), date(2027, 1, 24)) == [
        date(2027, 1, 4),
        date(2027, 1, 7),
        date(2027, 1, 18),
        date(2027, 1, 21),
    ]


def test_every_other_week_beside_weekly_days_becomes_dates_from_its_first_day():
    kind = cell("火 隔金20270115")
    assert kind.rule == "FREQ=WEEKLY;BYDAY=TU"
    fridays = [d for d in kind.dates_between(FIRST, LAST) if d.month == 1 and d.year == 2027]
    assert fridays == [date(2027, 1, 15), date(2027, 1, 29)]


def test_the_letter_after_kaku_that_is_not_the_dates_weekday_is_noted_and_the_date_wins():
    read = read_cell("隔月20270105", "area_days.csv", 4, 3, "燃やすごみ")  # a Tuesday
    assert read.problems == []
    assert read.kind.rule == "FREQ=WEEKLY;INTERVAL=2;BYDAY=TU"
    (warning,) = read.warnings
    assert "line 4" in warning and "2027-01-05" in warning


def test_listed_dates_are_the_only_days_of_a_cell_without_weekdays():
    kind = cell("20270331 20270403 20270407")
    assert (kind.rule, kind.dates) == ("", (date(2027, 3, 31), date(2027, 4, 3), date(2027, 4, 7)))


def test_dates_and_nth_weekdays_in_one_cell_are_a_rule_and_its_dates():
    kind = cell("火1 火3 20270330")
    assert (kind.rule, kind.dates) == ("FREQ=MONTHLY;BYDAY=1TU,3TU", (date(2027, 3, 30),))


def test_a_remarks_reference_is_kept_as_a_note():
    kind = cell("木2 *1")
    assert (kind.rule, kind.notes) == ("FREQ=MONTHLY;BYDAY=2TH", ("*1",))


def test_months_may_be_written_as_a_range_or_with_their_kanji():
    assert cell("金1:4-9").rule == "FREQ=MONTHLY;BYDAY=1FR;BYMONTH=4,5,6,7,8,9"
    assert cell("金1:10～3").rule == "FREQ=MONTHLY;BYDAY=1FR;BYMONTH=1,2,3,10,11,12"
    assert cell("金1:4月 5月").rule == "FREQ=MONTHLY;BYDAY=1FR;BYMONTH=4,5"


def test_a_date_written_with_slashes_reads_as_one_written_as_digits():
    assert cell("2027/3/31 20270403").dates == (date(2027, 3, 31), date(2027, 4, 3))


# --- What is left out, and why -------------------------------------------------------------


def test_a_typod_date_among_good_ones_leaves_out_that_word_only():
    read = read_cell("20270331 2027043 20270407", "area_days.csv", 9, 3, "燃えるごみ")
    assert read.kind.dates == (date(2027, 3, 31), date(2027, 4, 7))
    (problem,) = read.problems
    assert (problem.line, problem.column, problem.text, problem.leaves_out) == (
        9,
        3,
        "2027043",
        WORD,
    )
    assert str(problem) == (
        "area_days.csv, line 9, column 3: “2027043” has 7 digits; a date has 8, such as 20270105."
    )


@pytest.mark.parametrize(
    ("text", "kept", "says"),
    [
        ("水2 4", "FREQ=MONTHLY;BYDAY=2WE", "“4” is a number without its weekday"),
        ("月 毎週", "FREQ=WEEKLY;BYDAY=MO", "“毎週” (古紙) is not a collection day"),
        ("水6 水2", "FREQ=MONTHLY;BYDAY=2WE", "“水6” (古紙) is not a collection day"),
        ("20270230 金1", "FREQ=MONTHLY;BYDAY=1FR", "“20270230” is not a date between 1970"),
        ("金1 202704100", "FREQ=MONTHLY;BYDAY=1FR", "“202704100” has 9 digits"),
        ("隔月2027 火", "FREQ=WEEKLY;BYDAY=TU", "every other week needs its first day"),
    ],
)
def test_a_word_that_is_not_a_day_is_left_out_and_the_rest_of_the_cell_kept(text, kept, says):
    read = read_cell(text, "area_days.csv", 7, 4, "古紙")
    assert read.kind.rule == kept
    (problem,) = read.problems
    assert says in str(problem) and str(problem).startswith("area_days.csv, line 7, column 4: ")


@pytest.mark.parametrize(
    ("text", "kept", "says"),
    [
        ("水1:4 13; 水2:5", "FREQ=MONTHLY;BYDAY=2WE;BYMONTH=5", "“13” after “:” is not a month"),
        ("水1:; 水2:5", "FREQ=MONTHLY;BYDAY=2WE;BYMONTH=5", "Write the months after “:”"),
        (":4 6; 月", "FREQ=WEEKLY;BYDAY=MO", "need weekdays before it"),
    ],
)
def test_a_part_whose_months_cannot_be_read_is_left_out_whole(text, kept, says):
    read = read_cell(text, "area_days.csv", 7, 4, "古紙")
    assert read.kind.rule == kept
    (problem,) = read.problems
    assert says in str(problem) and problem.leaves_out == PART


def test_a_cell_of_nothing_but_words_left_out_makes_no_kind():
    read = read_cell("毎週 4", "area_days.csv", 7, 4, "古紙")
    assert read.kind.is_empty() and len(read.problems) == 2


def test_the_reasons_read_in_japanese_in_a_japanese_admin():
    (problem,) = read_cell("20270331 2027043", "area_days.csv", 9, 3, "燃えるごみ").problems
    with translation.override("ja"):
        assert str(problem) == (
            "area_days.csv の 9 行目、3 列目: 「2027043」は7桁です。"
            "日付は「20270105」のように8桁で書いてください。"
        )


@given(st.text(alphabet="月火水木金日隔週*:;・ 0123456789２　", max_size=40))
def test_any_cell_reads_as_a_kind_and_its_problems_never_an_exception(text):
    read = read_cell(text, "area_days.csv", 2, 3, "燃やすごみ")
    assert all(problem.column == 3 and str(problem) for problem in read.problems)
    if not read.kind.is_empty():
        Recurrence(
            read.kind.rule or "FREQ=YEARLY",
            read.kind.first_day(FIRST),
            extra_dates=read.kind.dates_between(FIRST, LAST),
        )
