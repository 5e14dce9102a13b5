"""Reading JMA's documents (and Open-Meteo's): the recorded forecast, the
warnings written from what is known of them, and documents that are broken."""

import json
from datetime import date, datetime
from pathlib import Path

import pytest

from schedule.calendars.fetch import SyncProblem
from schedule.weather import jma, openmeteo
from schedule.weather.documents import Forecast, InForce, Warnings
from tests.conftest import TOKYO

FIXTURES = Path(__file__).parent / "fixtures" / "jma"
FORECAST = (FIXTURES / "forecast_130000_20260105T1700.json").read_bytes()
STORM = (FIXTURES / "warning_130000_20260106T0642_storm.json").read_bytes()
LIFTED = (FIXTURES / "warning_130000_20260106T0720_lifted.json").read_bytes()
NONE = (FIXTURES / "warning_130000_20260105T1630_none.json").read_bytes()
ODD = (FIXTURES / "warning_130000_20260106T0650_odd.json").read_bytes()
TOKYO_AREAS = ("1310300", "130010")


def test_the_recorded_forecast_gives_tokyo_today_tomorrow_and_the_week():
    forecast = jma.parse_forecast(FORECAST, "130010", "44132")
    assert forecast.reported_at == datetime(2026, 1, 5, 17, 0, tzinfo=TOKYO)
    today, tomorrow, after = forecast.days[:3]
    assert (today.date, today.code, today.picture) == (date(2026, 1, 5), "111", "sun")
    assert today.text_ja == "晴れ 夜遅く くもり"  # JMA's words, full-width spaces made plain
    assert today.text_en == "Clear, cloudy later"
    assert (today.high, today.low, today.rain_chance) == (None, None, 10)
    assert (tomorrow.high, tomorrow.low, tomorrow.rain_chance) == (11, 2, 0)
    assert (after.picture, after.high, after.low, after.rain_chance) == ("cloud", 10, 1, 20)
    assert [d.date for d in forecast.days] == [date(2026, 1, d) for d in range(5, 13)]


def test_the_temperature_point_is_chosen_by_its_code_and_defaults_to_the_first():
    izu = jma.parse_forecast(FORECAST, "130020", "44172")
    assert (izu.days[1].high, izu.days[1].low) == (11, 5)
    assert izu.days[1].picture == "cloud"  # 200: くもり
    first = jma.parse_forecast(FORECAST, "130010", "")
    assert (first.days[1].high, first.days[1].low) == (11, 2)  # 44132 東京, the first named
    assert first.points[0] == ("44132", "東京")


def test_areas_are_matched_by_code_not_position():
    doc = json.loads(FORECAST)
    for report in doc:
        for series in report["timeSeries"]:
            series["areas"].reverse()
    again = jma.parse_forecast(json.dumps(doc).encode(), "130010", "44132")
    assert again.days == jma.parse_forecast(FORECAST, "130010", "44132").days


def test_a_low_from_a_morning_already_past_is_not_taken():
    doc = json.loads(FORECAST)
    doc[0]["reportDatetime"] = "2026-01-06T05:00:00+09:00"
    later = jma.parse_forecast(json.dumps(doc).encode(), "130010", "44132")
    tomorrow = later.day(date(2026, 1, 6))
    assert tomorrow.high == 11 and tomorrow.low is None


@pytest.mark.parametrize(
    ("body", "detail"),
    [
        ((FIXTURES / "forecast_130000_cut_short.json").read_bytes(), "not JSON"),
        (b"", "not JSON"),
        (b"\xff\xfe\x00", "not UTF-8"),
        (b'{"reportDatetime": "2026-01-05T17:00:00+09:00"}', "an array"),
        (b'[{"timeSeries": []}]', "reportDatetime"),
        (b'[{"reportDatetime": "yesterday", "timeSeries": []}]', "reportDatetime"),
        (b'[{"reportDatetime": "2026-01-05T17:00:00+09:00", "timeSeries": "x"}]', "not in"),
        (b"[" * 100_000, "not JSON"),
        (b"[" + b"1," * 300_000 + b"1]", "values"),
    ],
    ids=["cut short", "empty", "not utf-8", "object", "no time", "bad time", "no series",
         "deeply nested", "huge"],
)  # fmt: skip
def test_a_broken_forecast_is_a_problem_never_a_crash(body, detail):
    with pytest.raises(SyncProblem) as problem:
        jma.parse_forecast(body, "130010", "44132")
    assert problem.value.code == "not_weather"
    assert detail in problem.value.detail


def test_an_area_the_forecast_does_not_have_is_a_problem():
    with pytest.raises(SyncProblem, match="270010"):
        jma.parse_forecast(FORECAST, "270010", "")


def test_an_unknown_weather_code_is_drawn_by_its_hundreds():
    assert jma.picture("399")[0] == "rain"
    assert jma.picture("999") == ("", "", "")
    assert jma.picture("x") == ("", "", "")


def test_warnings_in_force_for_the_family_s_municipality():
    warnings = jma.parse_warnings(STORM, TOKYO_AREAS)
    assert warnings.reported_at == datetime(2026, 1, 6, 6, 42, tzinfo=TOKYO)
    assert warnings.area == "1310300"
    assert warnings.in_force == (
        InForce("05", "発表"), InForce("03", "継続"), InForce("14", "継続"),
    )  # fmt: skip
    assert "暴風" in warnings.headline


def test_lifted_warnings_are_not_in_force():
    warnings = jma.parse_warnings(LIFTED, TOKYO_AREAS)
    assert [w.code for w in warnings.in_force] == ["15", "14"]


def test_no_warnings_reads_as_none_in_force():
    warnings = jma.parse_warnings(NONE, TOKYO_AREAS)
    assert warnings.in_force == ()


def test_the_class10_area_stands_in_when_the_municipality_is_missing():
    warnings = jma.parse_warnings(STORM, ("1320100", "130010"))  # 八王子市: not in the file
    assert warnings.area == "130010"
    assert [w.code for w in warnings.in_force] == ["05", "03", "14"]


def test_odd_warnings_are_read_as_far_as_they_make_sense():
    warnings = jma.parse_warnings(ODD, TOKYO_AREAS)
    assert [(w.code, w.status) for w in warnings.in_force] == [
        ("29", "発表"),  # unknown to Hibi's table: kept, shown by its code
        ("33", "特別警報から警報"),  # an unknown status is not "lifted"
        ("05", ""),  # no status: listed, so taken as in force
    ]
    # 1310400's warnings are not a list: it says nothing, so the area stands in.
    assert jma.parse_warnings(ODD, ("1310400", "130010")).area == "130010"


@pytest.mark.parametrize(
    "body",
    [b"[]", b"{}", b'{"reportDatetime": "2026-01-06T06:42:00+09:00", "areaTypes": 5}', b"null"],
)
def test_a_warnings_document_without_the_family_s_area_is_a_problem(body):
    with pytest.raises(SyncProblem) as problem:
        jma.parse_warnings(body, TOKYO_AREAS)
    assert problem.value.code == "not_weather"


def test_what_is_stored_reads_back_and_damage_reads_as_nothing():
    forecast = jma.parse_forecast(FORECAST, "130010", "44132")
    again = Forecast.from_json(forecast.reported_at, json.loads(json.dumps(forecast.as_json())))
    assert again == forecast
    broken = Forecast.from_json(forecast.reported_at, {"days": [{"date": "x"}, 5], "points": 3})
    assert broken.days == () and broken.points == ()
    warnings = jma.parse_warnings(STORM, TOKYO_AREAS)
    assert Warnings.from_json(warnings.reported_at, warnings.as_json()) == warnings
    assert Warnings.from_json(warnings.reported_at, "junk").in_force == ()


def test_open_meteo_days_with_their_pictures():
    body = (FIXTURES / "openmeteo_35.68_139.77.json").read_bytes()
    fetched_at = datetime(2026, 1, 5, 18, 0, tzinfo=TOKYO)
    forecast = openmeteo.parse_forecast(body, fetched_at)
    assert forecast.reported_at == fetched_at
    assert [(d.picture, d.high, d.low, d.rain_chance) for d in forecast.days] == [
        ("cloud", 10, 2, 5),
        ("rain", 8, 3, 80),
        ("snow", 4, 0, None),  # -0.5 rounds to 0; a null chance stays unknown
    ]
    with pytest.raises(SyncProblem):
        openmeteo.parse_forecast(b'{"daily": {}}', fetched_at)


def test_open_meteo_is_asked_for_the_family_s_place_and_zone():
    url = openmeteo.forecast_url(35.6812, 139.7671, "Asia/Tokyo")
    assert url.startswith("https://api.open-meteo.com/v1/forecast?latitude=35.6812")
    assert "timezone=Asia%2FTokyo" in url and "precipitation_probability_max" in url
