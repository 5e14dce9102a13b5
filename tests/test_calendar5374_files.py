"""The files of a 5374 data set as text (encodings, line endings) and center.csv's closures."""

from datetime import date

import pytest
from django.utils import translation

from schedule.chores.garbage.city5374 import read_city
from schedule.chores.garbage.city5374_days import CalendarError
from schedule.chores.garbage.city5374_files import (
    SHIFT_JIS,
    UTF8,
    UTF8_BOM,
    CentreClosure,
    read_centres,
    read_descriptions,
    read_remarks,
    read_text,
)

AREA_DAYS = (
    "地名,センター,燃やすごみ,燃やさないごみ\n"
    "みどり町,東センター,月 木,水2\n"
    "さくら町,東センター,火 金,水4\n"
)


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (AREA_DAYS.encode("utf-8"), UTF8),
        (AREA_DAYS.encode("utf-8-sig"), UTF8_BOM),
        (AREA_DAYS.encode("cp932"), SHIFT_JIS),
    ],
)
def test_each_file_is_read_in_its_own_encoding(data, encoding):
    read = read_text(data, "area_days.csv")
    assert (read.text, read.encoding, read.problems) == (AREA_DAYS, encoding, ())


@pytest.mark.parametrize(("ending", "name"), [("\r\n", "CR LF"), ("\r", "CR"), ("\n", "LF")])
def test_any_line_ending_reads_the_same_areas_on_the_same_lines(ending, name):
    text = read_text(AREA_DAYS.replace("\n", ending).encode("cp932"), "area_days.csv")
    assert text.line_ending == name
    city = read_city(text.text)
    assert city == read_city(AREA_DAYS)
    assert [area.line for area in city.areas] == [2, 3]


def test_a_utf_8_file_with_a_stray_byte_is_not_read_as_shift_jis():
    # Shift_JIS would read these bytes without an error, as nonsense.
    data = AREA_DAYS.encode("utf-8").replace("火 金".encode(), b"\x81\xff \xe7\x81\xab")
    read = read_text(data, "area_days.csv")
    assert read.encoding == UTF8 and "みどり町" in read.text
    (problem,) = read.problems
    assert problem.line == 3 and "are not UTF-8 (on lines 3)" in str(problem)
    city = read_city(read.text)
    assert [area.name for area in city.importable()] == ["みどり町", "さくら町"]
    (word,) = city.problems  # the damaged word, not the file
    assert (word.line, word.column, word.area) == (3, 3, "さくら町")


def test_a_file_that_is_not_text_is_refused_by_name():
    with pytest.raises(CalendarError, match=r"center\.csv: The file is neither UTF-8"):
        read_text("名称,休止開始日,休止終了日\n".encode("utf-16"), "center.csv")


# --- center.csv ------------------------------------------------------------------------


@pytest.mark.parametrize(
    "row",
    [
        "東センター,2026/12/29,2027/01/03",  # zero-padded
        "東センター,2026/12/29,2027/1/3",  # not padded (Ayabe, Ikoma, Kameoka)
        "東センター,20261229,20270103",  # as one number
        "東センター,2026-12-29,2027-1-3",
        "東センター ,２０２６/１２/２９,2027/1/3,",  # full width, a trailing empty cell
        "東センター,2026/12/29 0:00,2027/1/3 0:00:00",  # a spreadsheet's time of day
    ],
)
def test_a_closure_reads_from_each_way_cities_write_its_days(row):
    closures, problems = read_centres(f"名称,休止開始日,休止終了日\n{row}\n")
    assert problems == ()
    assert closures == (CentreClosure("東センター", date(2026, 12, 29), date(2027, 1, 3), 2),)


def test_a_closure_ending_before_it_starts_is_left_out_and_the_others_kept():
    closures, problems = read_centres(
        "名称,休止開始日,休止終了日\n東,2027/1/3,2026/12/29\n西,2026/12/30,2027/1/4\n"
    )
    assert [closure.centre for closure in closures] == ["西"]
    (problem,) = problems
    assert (problem.line, problem.column, problem.text) == (2, 3, "東,2027/1/3,2026/12/29")
    assert str(problem) == "center.csv, line 2, column 3: The last day is before the first."


@pytest.mark.parametrize(
    ("row", "column", "says"),
    [
        ("東,2026/12/29", 3, "Give the centre, the first and the last day"),
        ("東,12月29日,2027/1/3", 2, "“12月29日” is not a date"),
        ("東,2026/12/29,2027/13/3", 3, "“2027/13/3” is not a date"),
        ("東,2026/12/01,2027/3/1", 3, "A closure lasts at most 31 days"),
        (",2026/12/29,2027/1/3", 1, "The centre has no name"),
    ],
)
def test_a_centre_row_that_cannot_be_read_is_left_out_naming_its_column(row, column, says):
    closures, problems = read_centres(
        f"名称,休止開始日,休止終了日\n{row}\n南,2026/12/31,2027/1/3\n"
    )
    assert [closure.centre for closure in closures] == ["南"]
    (problem,) = problems
    assert (problem.line, problem.column) == (2, column) and says in str(problem)


# --- remarks.csv, description.csv ----------------------------------------------------------


def test_remarks_are_read_by_their_id():
    text = "ID,注意事項\n1,祝日も収集します。\n*2,12月31日は収集します。\n"
    assert read_remarks(text) == {"1": "祝日も収集します。", "2": "12月31日は収集します。"}


def test_a_kinds_description_is_kept_as_plain_text():
    text = (
        "label,sublabel,description,styles,bgcolor\n"
        "燃やすごみ,生ごみ・紙くず,<b>朝8時30分</b>までに出してください,img/a.svg,#ea3b13\n"
        "資源,,,img/b.svg,#77ae1f\n"
    )
    assert read_descriptions(text) == {
        "燃やすごみ": "生ごみ・紙くず / 朝8時30分までに出してください"
    }
