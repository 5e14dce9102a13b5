"""Reading a city's garbage calendar in the 5374 format: small files of our own making."""

from datetime import date

import pytest
from django.utils import translation

from schedule.chores.garbage import city5374 as calendar5374
from schedule.chores.garbage.city5374 import CalendarError, read_areas, read_city, read_closures
from schedule.common.recurrence import Recurrence

# Two invented areas of an invented town, in the shape the 5374 project uses.
AREA_DAYS = """地名,センター,燃やすごみ,燃やさないごみ,びん・かん,古紙,粗大ごみ
みどり町,東センター,月 木,水2 水4,火2 金4:4 6 8 10 12 2,金1 金3,20270115 20270315
さくら町,西センター,火 金,水1 水3,月,木２ *1,
"""
CENTER = """名称,休止開始日,休止終了日
東センター,2026/12/31,2027/1/4
西センター,2026/12/29,2027/1/3
"""


@pytest.fixture(autouse=True)
def english():
    """The messages in English here; the admin's tests read them in Japanese."""
    with translation.override("en"):
        yield


def kinds(area: calendar5374.Area) -> dict[str, calendar5374.Kind]:
    return {kind.name: kind for kind in area.kinds}


def days_of(kind: calendar5374.Kind, first: date, last: date) -> list[date]:
    rule = Recurrence(kind.rule, date(2026, 1, 1), extra_dates=kind.dates)
    return rule.occurrences(first, last)


def test_a_weekday_list_is_every_week_on_those_days():
    city = read_city(AREA_DAYS)
    burnable = kinds(city.area("みどり町"))["燃やすごみ"]
    assert burnable.rule == "FREQ=WEEKLY;BYDAY=MO,TH"
    assert days_of(burnable, date(2027, 3, 1), date(2027, 3, 7)) == [
        date(2027, 3, 1),
        date(2027, 3, 4),
    ]


def test_wed2_wed4_is_the_2nd_and_4th_wednesday_of_the_month():
    kind = kinds(read_city(AREA_DAYS).area("みどり町"))["燃やさないごみ"]
    assert kind.rule == "FREQ=MONTHLY;BYDAY=2WE,4WE"
    assert days_of(kind, date(2027, 1, 1), date(2027, 2, 28)) == [
        date(2027, 1, 13),
        date(2027, 1, 27),
        date(2027, 2, 10),
        date(2027, 2, 24),
    ]


def test_months_after_the_colon_restrict_the_days_to_those_months():
    kind = kinds(read_city(AREA_DAYS).area("みどり町"))["びん・かん"]
    assert kind.rule == "FREQ=MONTHLY;BYDAY=2TU,4FR;BYMONTH=2,4,6,8,10,12"
    got = days_of(kind, date(2027, 1, 1), date(2027, 6, 30))
    # 2nd Tuesday and 4th Friday of February, April and June only.
    assert got == [
        date(2027, 2, 9),
        date(2027, 2, 26),
        date(2027, 4, 13),
        date(2027, 4, 23),
        date(2027, 6, 8),
        date(2027, 6, 25),
    ]


def test_explicit_dates_are_the_only_days_of_a_kind_without_weekdays():
    kind = kinds(read_city(AREA_DAYS).area("みどり町"))["粗大ごみ"]
    assert (kind.rule, kind.dates) == ("", (date(2027, 1, 15), date(2027, 3, 15)))


def test_an_empty_cell_means_the_kind_is_not_collected_in_that_area():
    area = read_city(AREA_DAYS).area("さくら町")
    assert "粗大ごみ" not in kinds(area)
    # Full-width digits read as ordinary ones; a remarks reference is kept aside.
    paper = kinds(area)["古紙"]
    assert (paper.rule, paper.notes) == ("FREQ=MONTHLY;BYDAY=2TH", ("*1",))


def test_centre_closures_belong_to_the_areas_of_that_centre():
    city = read_city(AREA_DAYS, CENTER)
    (east,) = city.closures_of(city.area("みどり町"))
    assert (east.start, east.end) == (date(2026, 12, 31), date(2027, 1, 4))
    (west,) = city.closures_of(city.area("さくら町"))
    assert (west.start, west.end) == (date(2026, 12, 29), date(2027, 1, 3))


def test_a_centre_closure_moves_the_areas_collections_a_week_later():
    city = read_city(AREA_DAYS, CENTER)
    area = city.area("みどり町")
    paper = kinds(area)["古紙"]  # 1st and 3rd Friday: 2027-01-01 is inside the closure
    rule = calendar5374.kind_recurrence(
        paper, date(2026, 1, 1), "keep", calendar5374.centre_closures(city, area), "JP"
    )
    assert rule.occurrences(date(2026, 12, 28), date(2027, 1, 16)) == [
        date(2027, 1, 8),
        date(2027, 1, 15),
    ]


def test_shift_jis_files_read_the_same_as_utf_8():
    sjis = calendar5374.decode(AREA_DAYS.encode("shift_jis"), "area_days.csv")
    bom = calendar5374.decode(AREA_DAYS.encode("utf-8-sig"), "area_days.csv")
    assert read_city(sjis, CENTER) == read_city(bom, CENTER) == read_city(AREA_DAYS, CENTER)


def test_a_file_in_another_encoding_is_refused_by_name():
    with pytest.raises(CalendarError, match="neither UTF-8 nor Shift_JIS"):
        calendar5374.decode(AREA_DAYS.encode("utf-16"), "area_days.csv")


@pytest.mark.parametrize(
    ("text", "line", "column", "says"),
    [
        ("地名,センター,燃やすごみ\nみどり町,東,月 毎週\n", 2, 3, "“毎週”"),
        ("地名,センター,燃やすごみ\nみどり町,東,水6\n", 2, 3, "“水6”"),
        ("地名,センター,燃やすごみ\nA,東,月\nB,東,火 金:13\n", 3, 3, "“13”"),
        ("地名,センター,燃やすごみ\nA,東,20270230\n", 2, 3, "“20270230”"),
        ("地名,センター,燃やすごみ\nA,東,月\nA,東,火\n", 3, 1, "comes twice"),
        ("地名,センター,燃やすごみ\nA,東,月,木\n", 2, 4, "4 columns"),
        ("地名,センター,燃やすごみ\n,東,月\n", 2, 1, "no name"),
        ("地名,センター,燃やすごみ\nA,東,:4 6\n", 2, 3, "weekdays"),
    ],
)
def test_a_malformed_row_is_refused_naming_its_line_and_column(text, line, column, says):
    with pytest.raises(CalendarError) as refused:
        read_areas(text)
    assert (refused.value.line, refused.value.column) == (line, column)
    assert f"area_days.csv, line {line}, column {column}: " in str(refused.value)
    assert says in str(refused.value)


@pytest.mark.parametrize(
    ("text", "line", "column"),
    [
        ("名称,休止開始日,休止終了日\n東,2026/12/31,2027/13/04\n", 2, 3),
        ("名称,休止開始日,休止終了日\n東,2027/01/04,2026/12/31\n", 2, 3),
        ("名称,休止開始日,休止終了日\n東,12月31日,2027/1/4\n", 2, 2),
        ("名称,休止開始日,休止終了日\n東,2026/12/01,2027/3/1\n", 2, 3),
    ],
)
def test_a_malformed_centre_row_is_refused_naming_its_line_and_column(text, line, column):
    with pytest.raises(CalendarError) as refused:
        read_closures(text)
    assert (refused.value.file, refused.value.line, refused.value.column) == (
        "center.csv",
        line,
        column,
    )


def test_a_first_row_without_kinds_of_garbage_is_refused():
    with pytest.raises(CalendarError, match="line 1"):
        read_areas("地名,センター\nA,東\n")


def test_an_area_whose_centre_is_not_in_the_centre_file_is_noted():
    city = read_city(AREA_DAYS, "名称,休止開始日,休止終了日\n東センター,2026/12/31,2027/1/4\n")
    assert any("西センター" in warning for warning in city.warnings)


@pytest.mark.parametrize(
    ("kind", "icon"),
    [
        ("燃やすごみ", "trash-burnable"),
        ("可燃ごみ", "trash-burnable"),
        ("燃やさないごみ", "trash"),
        ("燃えないごみ", "trash"),
        ("容器包装プラスチック", "recycle"),
        ("びん・かん", "bottle"),
        ("古紙・古布", "paper"),
        ("その他", "trash"),
    ],
)
def test_each_kind_gets_a_bundled_icon_from_its_name(kind, icon):
    assert calendar5374.guess_icon(kind) == icon


# --- What cannot be read is left out, never the city -------------------------------------


def test_a_row_that_cannot_be_read_leaves_the_other_areas_of_the_city_in():
    city = read_city(AREA_DAYS + "かえで町,東センター,月 毎週,水1,,,\n,東センター,火,,,,\n")
    assert [area.name for area in city.importable()] == ["みどり町", "さくら町", "かえで町"]
    assert city.rows == 4
    word, row = city.problems
    assert (word.line, word.column, word.area, word.text) == (4, 3, "かえで町", "毎週")
    assert kinds(city.area("かえで町"))["燃やすごみ"].rule == "FREQ=WEEKLY;BYDAY=MO"
    assert city.area("かえで町").problems == (word,)
    assert (row.line, row.column, row.leaves_out) == (5, 1, "row")
    assert str(row) == "area_days.csv, line 5, column 1: The area has no name."


def test_an_area_named_twice_keeps_its_first_row():
    city = read_city(AREA_DAYS + "みどり町,西センター,火,,,,\n")
    assert city.area("みどり町").centre == "東センター"
    (problem,) = city.problems
    assert "The area “みどり町” comes twice (first on line 2)." in str(problem)


def test_blank_headings_at_the_end_and_padded_rows_are_read_as_if_absent():
    # Ayabe's file: two more headings, " " and "", and every row padded to match.
    padded = "\n".join(line + ", ," for line in AREA_DAYS.strip().split("\n")) + "\n"
    assert read_city(padded) == read_city(AREA_DAYS)
    assert read_city(padded).problems == ()


def test_headings_with_spaces_around_them_name_the_same_kinds():
    spaced = AREA_DAYS.replace("燃やすごみ,", " 燃やすごみ ,", 1).replace("地名", "\ufeff地名 ", 1)
    assert read_city(spaced) == read_city(AREA_DAYS)


def test_a_heading_broken_over_two_lines_is_one_name():
    city = read_city('地名,センター,"燃やす\nごみ"\nA,東,月\n')
    assert [kind.name for kind in city.area("A").kinds] == ["燃やす ごみ"]
    assert city.area("A").line == 3


def test_words_under_no_heading_are_left_out_and_the_row_kept():
    city = read_city("地名,センター,燃やすごみ,,古紙\nA,東,月,火,金1\nB,東,水,,,木2\n")
    assert [kind.name for kind in city.area("A").kinds] == ["燃やすごみ", "古紙"]
    under_blank, beyond = city.problems
    assert (under_blank.line, under_blank.column, under_blank.text) == (2, 4, "火")
    assert (beyond.line, beyond.column, beyond.text) == (3, 6, "木2")
    assert "This row has 6 columns; the first row names 5." in str(beyond)


def test_a_column_of_notes_is_kept_with_the_area_not_read_as_days():
    city = read_city("地名,センター,燃やすごみ,備考\nA,東,月 木,祝日も収集します\n")
    (area,) = city.areas
    assert [kind.name for kind in area.kinds] == ["燃やすごみ"]
    assert (area.notes, city.problems) == (("祝日も収集します",), ())


def test_a_column_no_cell_of_which_reads_as_days_is_one_problem_not_one_per_row():
    city = read_city("地名,センター,地区コード,燃やすごみ\nA,東,101,月\nB,東,102,火\nC,東,103,水\n")
    (problem,) = city.problems
    assert (problem.line, problem.column) == (1, 3)
    assert "No cell of the column “地区コード” reads as collection days" in str(problem)
    assert "“101” on line 2" in str(problem)
    assert all(area.problems == () for area in city.areas)


def test_a_city_whose_areas_name_no_centre_follows_its_only_centre():
    city = read_city(
        "地名,センター,燃やすごみ\nA,,月\nB,,火\n",
        "名称,休止開始日,休止終了日\n中央,2026/12/31,2027/1/3\n",
    )
    assert [c.centre for c in city.closures_of(city.area("B"))] == ["中央"]
    assert any("“中央”" in warning for warning in city.warnings)


def test_with_two_centres_an_area_naming_none_follows_neither():
    city = read_city(AREA_DAYS.replace("東センター", "", 1), CENTER)
    assert city.closures_of(city.area("みどり町")) == ()


def test_a_centre_row_that_cannot_be_read_leaves_the_other_centres_and_the_areas_in():
    city = read_city(AREA_DAYS, CENTER + "南センター,2027/1/4,2026/12/31\n")
    assert len(city.closures) == 2 and len(city.importable()) == 2
    (problem,) = city.problems
    assert (problem.file, problem.line, problem.column) == ("center.csv", 4, 3)


def test_remarks_and_descriptions_are_kept_with_the_kinds_they_belong_to():
    city = read_city(
        AREA_DAYS,
        remarks="ID,注意事項\n1,年末は12月30日まで\n",
        description="label,sublabel,description\n古紙,新聞・雑誌,ひもで縛って出してください\n",
    )
    paper = kinds(city.area("さくら町"))["古紙"]
    assert paper.remarks == ("年末は12月30日まで", "新聞・雑誌 / ひもで縛って出してください")
    assert kinds(city.area("みどり町"))["古紙"].remarks == (
        "新聞・雑誌 / ひもで縛って出してください",
    )
