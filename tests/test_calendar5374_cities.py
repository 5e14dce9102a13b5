"""Four real cities' 5374 files, as published (tests/fixtures/5374/README.md): what they yield.

Each city writes the format its own way (encodings, line endings, headings,
month-limited days, listed dates, centre names); these tests pin what a
family of each city gets: how many areas, a known area's burnable days as a
rule and as dates, and the year-end closure and what it does to them.
"""

from datetime import date
from pathlib import Path

import pytest
from django.utils import translation

from schedule.chores.garbage import city5374 as calendar5374
from schedule.chores.garbage.city5374_files import SHIFT_JIS, UTF8, UTF8_BOM

CITIES = Path(__file__).parent / "fixtures" / "5374"
# Where the maintainers keep them, beside the clone (CI has it; a fresh clone may not).
SHARED = Path(__file__).resolve().parents[2] / "shared" / "5374"


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def texts(city: str) -> dict[str, calendar5374.Text]:
    folder = CITIES / city
    return {path.stem: calendar5374.read_text(path.read_bytes(), path.name) for path in
            sorted(folder.glob("*.csv"))}  # fmt: skip


def read(city: str) -> calendar5374.City:
    found = {name: text.text for name, text in texts(city).items()}
    return calendar5374.read_city(
        found["area_days"],
        found.get("center", ""),
        found.get("remarks", ""),
        found.get("description", ""),
    )


def kind_of(city: calendar5374.City, area: str, kind: str) -> calendar5374.Kind:
    found = city.area(area)
    assert found is not None, area
    return next(k for k in found.kinds if k.name == kind)


def due(city: calendar5374.City, area: str, kind: str, first: date, last: date) -> list[date]:
    """The kind's days in [first, last] as the wall sees them: the centre's closure applied."""
    rule = calendar5374.kind_recurrence(
        kind_of(city, area, kind),
        date(first.year, 1, 1),
        "keep",
        calendar5374.centre_closures(city, city.area(area)),
        "JP",
    )
    assert rule is not None
    return rule.occurrences(first, last)


@pytest.mark.parametrize(
    ("city", "rows", "importable", "kinds"),
    [
        ("kanazawa", 71, 71, 4),
        # Ayabe names nine kinds; four are never collected at the door (empty in every row).
        ("ayabe", 167, 167, 5),
        ("ikoma", 64, 64, 3),
        ("kameoka", 25, 25, 8),
    ],
)
def test_every_area_of_each_city_reads_and_nothing_is_left_out(city, rows, importable, kinds):
    found = read(city)
    assert (found.rows, len(found.areas), len(found.importable())) == (rows, rows, importable)
    assert found.problems == ()
    assert len({kind.name for area in found.areas for kind in area.kinds}) == kinds


@pytest.mark.parametrize(
    ("city", "file", "encoding", "ending"),
    [
        ("kanazawa", "area_days", UTF8, "LF"),
        ("kanazawa", "description", UTF8, "CR LF"),
        ("ayabe", "area_days", UTF8_BOM, "CR LF"),
        ("ikoma", "area_days", UTF8, "LF"),
        ("kameoka", "area_days", UTF8_BOM, "CR LF"),
        ("kameoka", "target", SHIFT_JIS, "LF"),  # one data set, two encodings
    ],
)
def test_each_file_is_read_in_the_encoding_it_was_saved_in(city, file, encoding, ending):
    text = texts(city)[file]
    assert (text.encoding, text.line_ending, text.problems) == (encoding, ending, ())


@pytest.mark.skipif(not SHARED.is_dir(), reason="the shared samples are not beside this clone")
def test_the_fixtures_are_the_shared_samples_byte_for_byte():
    shared = sorted(path.relative_to(SHARED) for path in SHARED.rglob("*.csv"))
    ours = sorted(path.relative_to(CITIES) for path in CITIES.rglob("*.csv"))
    assert shared == ours and len(ours) == 18
    for path in ours:
        assert (CITIES / path).read_bytes() == (SHARED / path).read_bytes(), path


# --- Kanazawa: the original layout --------------------------------------------------------


def test_kanazawa_weekdays_and_nth_weekdays():
    city = read("kanazawa")
    assert kind_of(city, "浅野", "燃やすごみ").rule == "FREQ=WEEKLY;BYDAY=MO,TH"
    assert kind_of(city, "浅野", "資源").rule == "FREQ=MONTHLY;BYDAY=1TU,3TU"
    assert due(city, "浅野", "燃やすごみ", date(2014, 3, 1), date(2014, 3, 10)) == [
        date(2014, 3, 3),
        date(2014, 3, 6),
        date(2014, 3, 10),
    ]


def test_kanazawas_year_end_closure_moves_a_first_friday_a_week_later():
    city = read("kanazawa")
    (closure,) = city.closures_of(city.area("此花"))
    assert (closure.centre, closure.start, closure.end) == (
        "東部管理センター",
        date(2013, 12, 29),
        date(2014, 1, 3),
    )
    # 金1: 2014-01-03 is inside the closure; the 5374 app moves it to the 10th.
    assert due(city, "此花", "燃やさないごみ", date(2013, 12, 1), date(2014, 1, 31)) == [
        date(2013, 12, 6),
        date(2014, 1, 10),
    ]
    # Mondays and Thursdays inside it land on the next week's own days: none is left.
    assert due(city, "此花", "燃やすごみ", date(2013, 12, 26), date(2014, 1, 9)) == [
        date(2013, 12, 26),
        date(2014, 1, 6),
        date(2014, 1, 9),
    ]


def test_kanazawas_remarks_are_upstreams_sample_and_attach_to_no_kind():
    city = read("kanazawa")
    assert all(kind.remarks == () for area in city.areas for kind in area.kinds)


# --- Ayabe: months after colons, two centres, padded columns -----------------------------


def test_ayabe_burnable_is_mondays_and_thursdays_with_the_5th_sunday_of_december():
    city = read("ayabe")
    burnable = kind_of(city, "奥上林地区(古屋以外)", "燃やして処理するごみ")
    assert (burnable.text, burnable.rule) == ("月 木 日5:12", "FREQ=WEEKLY;BYDAY=MO,TH")
    assert [part.rule for part in burnable.seasonal] == ["FREQ=MONTHLY;BYDAY=5SU;BYMONTH=12"]
    # December 2024 has a 5th Sunday (the 29th); 2025 has none.
    assert burnable.dates_between(date(2024, 1, 1), date(2025, 12, 31)) == (date(2024, 12, 29),)


def test_ayabe_month_limited_days_are_the_1st_wednesday_and_the_2nd_in_may_and_january():
    city = read("ayabe")
    kind = "燃やさないで処理するごみ"
    assert kind_of(city, "奥上林地区(古屋以外)", kind).rule == ""
    assert due(city, "奥上林地区(古屋以外)", kind, date(2026, 1, 1), date(2026, 6, 30)) == [
        date(2026, 1, 14),  # January: the 2nd Wednesday
        date(2026, 2, 4),
        date(2026, 3, 4),
        date(2026, 4, 1),
        date(2026, 5, 13),  # May: the 2nd
        date(2026, 6, 3),
    ]


def test_ayabes_two_centres_close_on_different_days():
    city = read("ayabe")
    monday_course = city.closures_of(city.area("奥上林地区(古屋以外)"))
    tuesday_course = city.closures_of(city.area("綾部地区(上町)"))
    assert [(c.start, c.end) for c in monday_course] == [(date(2025, 12, 30), date(2026, 1, 5))]
    assert [(c.start, c.end) for c in tuesday_course] == [(date(2025, 12, 31), date(2026, 1, 6))]
    # 1/1 (Thu) and 1/5 (Mon) are inside: moved a week, onto days collected anyway.
    assert due(
        city, "奥上林地区(古屋以外)", "燃やして処理するごみ", date(2025, 12, 25), date(2026, 1, 10)
    ) == [date(2025, 12, 25), date(2025, 12, 29), date(2026, 1, 8)]


# --- Ikoma: listed dates -----------------------------------------------------------------


def test_ikoma_burnable_is_the_dates_listed():
    city = read("ikoma")
    burnable = kind_of(city, "松美台", "燃えるごみ")
    assert (burnable.rule, len(burnable.dates)) == ("", 104)
    assert (burnable.dates[0], burnable.dates[-1]) == (date(2025, 3, 31), date(2026, 3, 30))
    assert due(city, "松美台", "燃えるごみ", date(2025, 4, 1), date(2025, 4, 30)) == [
        date(2025, 4, 3),
        date(2025, 4, 7),
        date(2025, 4, 10),
        date(2025, 4, 14),
        date(2025, 4, 17),
        date(2025, 4, 21),
        date(2025, 4, 24),
        date(2025, 4, 28),
    ]
    rule = kind_of(city, "松美台", "びん・缶・ペットボトル・われもの・有害ごみ").rule
    assert rule == "FREQ=MONTHLY;BYDAY=2WE,4WE"


def test_ikomas_new_year_closure_drops_the_1st_of_january_the_file_lists():
    city = read("ikoma")
    (closure,) = city.closures_of(city.area("松美台"))
    assert (closure.start, closure.end) == (date(2026, 1, 1), date(2026, 1, 3))
    assert date(2026, 1, 1) in kind_of(city, "松美台", "燃えるごみ").dates
    assert due(city, "松美台", "燃えるごみ", date(2025, 12, 25), date(2026, 1, 10)) == [
        date(2025, 12, 25),
        date(2025, 12, 29),
        date(2026, 1, 5),
        date(2026, 1, 8),
    ]


# --- Kameoka: no centre named, one centre in center.csv ----------------------------------


def test_kameoka_areas_name_no_centre_and_follow_the_only_one():
    city = read("kameoka")
    assert all(area.centre == "" for area in city.areas)
    (closure,) = city.closures_of(city.area("旭町"))
    assert (closure.centre, closure.start, closure.end) == (
        "桜塚クリーンセンターー",
        date(2023, 12, 31),
        date(2024, 1, 3),
    )
    assert kind_of(city, "旭町", "燃やすしかないごみ").rule == "FREQ=WEEKLY;BYDAY=TU,FR"
    # Tuesday 1/2 is inside the closure; a week later is a Tuesday collected anyway.
    assert due(city, "旭町", "燃やすしかないごみ", date(2023, 12, 25), date(2024, 1, 10)) == [
        date(2023, 12, 26),
        date(2023, 12, 29),
        date(2024, 1, 5),
        date(2024, 1, 9),
    ]
