"""Reading a city's garbage calendar in the 5374 format: small files of our own making."""

from datetime import date

import pytest
from django.utils import translation

from schedule import calendar5374
from schedule.calendar5374 import CalendarError, read_areas, read_city, read_closures
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
