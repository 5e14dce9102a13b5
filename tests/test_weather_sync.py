"""The worker's weather: fetched from a local server (never the internet) within
the calendars' limits, the last good forecast kept whatever goes wrong.

The figures of one whole sync (time, bytes, peak memory) are written to
test-artifacts/weather-fetch.json for the closing note.
"""

import gzip
import json
import time
import tracemalloc
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from django.conf import settings

from schedule.common.models import Revision
from schedule.nudges import tasks
from schedule.weather import jma, openmeteo, sync
from schedule.weather.models import WeatherPlace, WeatherReport
from schedule.weather.selectors import warnings_at, weather_at
from tests.conftest import TOKYO

pytestmark = pytest.mark.django_db

FIXTURES = Path(__file__).parent / "fixtures" / "jma"
FORECAST = (FIXTURES / "forecast_130000_20260105T1700.json").read_bytes()
STORM = (FIXTURES / "warning_130000_20260106T0642_storm.json").read_bytes()
NONE = (FIXTURES / "warning_130000_20260105T1630_none.json").read_bytes()
FORECAST_PATH = "/forecast/data/forecast/130000.json"
WARNINGS_PATH = "/warning/data/warning/130000.json"
ARTIFACT = Path(settings.BASE_DIR) / "test-artifacts" / "weather-fetch.json"

EVENING = datetime(2026, 1, 5, 17, 20, tzinfo=TOKYO)


def json_answer(body: bytes, **headers) -> tuple[int, dict, bytes]:
    return 200, {"Content-Type": "application/json", **headers}, body


@pytest.fixture
def jma_server(local_server, monkeypatch):
    monkeypatch.setattr(jma, "BASE", local_server.url)
    local_server.answers[FORECAST_PATH] = [json_answer(FORECAST)]
    local_server.answers[WARNINGS_PATH] = [json_answer(NONE)]
    return local_server


@pytest.fixture
def tokyo_place():
    place = WeatherPlace(office="130000", area="130010", city="1310300", point="44132")
    place.full_clean()
    place.save()
    return place


def asked(server, path: str) -> int:
    return sum(1 for _m, p, _h, _b in server.requests if p == path)


def test_a_sync_keeps_the_forecast_and_the_warnings_and_the_walls_redraw(jma_server, tokyo_place):
    before = Revision.current()
    assert sync.sync(EVENING) == ["forecast", "warnings"]
    assert Revision.current() > before
    weather = weather_at(EVENING + timedelta(minutes=10))
    assert weather.today.picture == "sun" and weather.today.word_ja == "はれ"
    assert (weather.tomorrow.high, weather.tomorrow.low, weather.tomorrow.rain_chance) == (11, 2, 0)
    assert weather.age == timedelta(minutes=30) and not weather.stale
    assert warnings_at(EVENING).known
    place = WeatherPlace.objects.get()
    assert place.last_success_at == EVENING and place.error_code == ""
    headers = jma_server.requests[0][2]
    assert headers["User-Agent"].startswith("Hibi") and "application/json" in headers["Accept"]


def test_the_forecast_is_fetched_again_only_after_jma_publishes_one(jma_server, tokyo_place):
    sync.sync(EVENING)
    revision = Revision.current()
    assert sync.sync(EVENING + timedelta(minutes=20)) == ["warnings"]
    assert asked(jma_server, FORECAST_PATH) == 1
    assert Revision.current() == revision, "the same documents again: nothing to redraw"
    assert WeatherReport.objects.filter(kind="warnings").count() == 1
    # 5:10 the next morning JMA's 5:00 forecast is there.
    assert sync.sync(datetime(2026, 1, 6, 5, 15, tzinfo=TOKYO)) == ["forecast", "warnings"]
    assert asked(jma_server, FORECAST_PATH) == 2


def test_an_unchanged_forecast_costs_a_304(jma_server, tokyo_place):
    jma_server.answers[FORECAST_PATH] = [
        json_answer(FORECAST, ETag='"v1"'),
        (304, {"ETag": '"v1"'}, b""),
    ]
    sync.sync(EVENING)
    later = EVENING + timedelta(hours=7)
    assert sync.sync(later, force=True) == ["forecast", "warnings"]
    sent = [h for _m, p, h, _b in jma_server.requests if p == FORECAST_PATH][-1]
    assert sent["If-None-Match"] == '"v1"'
    assert WeatherReport.objects.get(kind="forecast").checked_at == later


def test_a_gzipped_forecast_is_read(jma_server, tokyo_place):
    jma_server.answers[FORECAST_PATH] = [json_answer(gzip.compress(FORECAST), **{
        "Content-Encoding": "gzip"})]  # fmt: skip
    assert "forecast" in sync.sync(EVENING)
    assert weather_at(EVENING).tomorrow.high == 11


def test_a_bad_document_keeps_the_last_good_forecast_with_its_age(jma_server, tokyo_place):
    sync.sync(EVENING)
    jma_server.answers[FORECAST_PATH] = [
        json_answer((FIXTURES / "forecast_130000_cut_short.json").read_bytes())
    ]
    next_morning = datetime(2026, 1, 6, 5, 15, tzinfo=TOKYO)
    assert sync.sync(next_morning) == ["warnings"]
    place = WeatherPlace.objects.get()
    assert place.error_code == "not_weather" and place.last_success_at == EVENING
    assert "天気" in _in_japanese(place)
    weather = weather_at(next_morning)
    assert weather.reported_at == datetime(2026, 1, 5, 17, 0, tzinfo=TOKYO)
    assert weather.today.date == next_morning.date() and weather.today.high == 11
    assert weather.age == timedelta(hours=12, minutes=15) and not weather.stale
    assert weather_at(next_morning + timedelta(hours=12)).stale  # a day old: said so


def test_a_stale_document_jma_still_serves_is_kept_and_said_old(jma_server, tokyo_place):
    """JMA's publishing stuck: two days on it still serves the 5 January 17:00
    forecast. It reads well, so it is kept and no problem is stored, but the
    wall is told its age; once its days are past, it has nothing to show."""
    two_days_on = datetime(2026, 1, 7, 12, 0, tzinfo=TOKYO)
    assert sync.sync(two_days_on) == ["forecast", "warnings"]
    assert WeatherPlace.objects.get().error_code == ""
    weather = weather_at(two_days_on)
    assert weather.stale and weather.age == timedelta(hours=43)
    assert weather.reported_at == datetime(2026, 1, 5, 17, 0, tzinfo=TOKYO)
    assert weather.today.date == date(2026, 1, 7)  # from the week's part of the document
    week_on = weather_at(datetime(2026, 1, 20, 7, 0, tzinfo=TOKYO))
    assert week_on.stale and week_on.today is None and week_on.tomorrow is None


def _in_japanese(place: WeatherPlace) -> str:
    from django.utils import translation

    with translation.override("ja"):
        return place.last_error


def test_no_network_is_a_stored_problem_not_an_error(tokyo_place, monkeypatch):
    monkeypatch.setattr(jma, "BASE", "http://127.0.0.1:9")  # nothing listens there
    assert sync.sync(EVENING) == []
    assert WeatherPlace.objects.get().error_code == "network"
    assert weather_at(EVENING) is None  # nothing was ever kept: nothing shown
    assert not warnings_at(EVENING).known


def test_a_document_over_the_size_limit_is_refused(jma_server, tokyo_place, settings):
    settings.WEATHER_MAX_KB = 16
    jma_server.answers[FORECAST_PATH] = [json_answer(b"[" + b" " * 20_000 + b"]")]
    sync.sync(EVENING)
    place = WeatherPlace.objects.get()
    assert (place.error_code, place.error_detail) == ("too_big", "0.02")


def test_a_redirect_to_a_file_is_refused(jma_server, tokyo_place):
    jma_server.answers[FORECAST_PATH] = [(302, {"Location": "file:///etc/passwd"}, b"")]
    sync.sync(EVENING)
    assert WeatherPlace.objects.get().error_code == "scheme"


def test_a_slow_server_is_cut_at_the_deadline(jma_server, tokyo_place, settings):
    settings.WEATHER_TIMEOUT_SECONDS = 1

    def drip(handler):
        handler.send_response(200)
        handler.send_header("Content-Length", "100000")
        handler.end_headers()
        for _ in range(30):
            handler.wfile.write(b" ")
            handler.wfile.flush()
            time.sleep(0.1)

    jma_server.answers[FORECAST_PATH] = drip
    started = time.monotonic()
    sync.sync(EVENING)
    assert time.monotonic() - started < 2.5, "one deadline for both documents"
    assert WeatherPlace.objects.get().error_code == "timeout"


def test_a_place_switched_off_fetches_nothing(jma_server, tokyo_place):
    WeatherPlace.objects.update(enabled=False)
    assert sync.sync(EVENING) == []
    assert jma_server.requests == []


def test_another_place_s_forecast_is_not_shown(jma_server, tokyo_place):
    sync.sync(EVENING)
    WeatherPlace.objects.update(area="130020")
    assert weather_at(EVENING) is None


def test_warnings_older_than_three_days_are_pruned_but_the_newest_stays(jma_server, tokyo_place):
    sync.sync(EVENING)
    jma_server.answers[WARNINGS_PATH] = [json_answer(STORM)]
    sync.sync(datetime(2026, 1, 6, 6, 45, tzinfo=TOKYO))
    assert WeatherReport.objects.filter(kind="warnings").count() == 2
    sync.sync(datetime(2026, 1, 9, 7, 0, tzinfo=TOKYO))
    kept = WeatherReport.objects.filter(kind="warnings").values_list("reported_at", flat=True)
    assert list(kept) == [datetime(2026, 1, 6, 6, 42, tzinfo=TOKYO)]


def test_open_meteo_for_a_family_outside_japan(local_server, monkeypatch):
    monkeypatch.setattr(openmeteo, "BASE", f"{local_server.url}/v1/forecast")
    local_server.answers["/v1/forecast"] = [
        json_answer((FIXTURES / "openmeteo_35.68_139.77.json").read_bytes())
    ]
    place = WeatherPlace(provider="open-meteo", latitude="35.6812", longitude="139.7671")
    place.full_clean()
    place.save()
    assert sync.sync(EVENING) == ["forecast"]  # no warnings from Open-Meteo
    assert "latitude=35.6812" in local_server.requests[0][1]
    weather = weather_at(EVENING)
    assert weather.tomorrow.picture == "rain" and weather.tomorrow.rain_chance == 80
    assert not warnings_at(EVENING).known


def test_the_task_fetches_what_is_due(jma_server, tokyo_place, monkeypatch):
    monkeypatch.setattr(sync.timezone, "now", lambda: EVENING)
    assert tasks.sync_weather.call() == ["forecast", "warnings"]


def test_the_fetch_figures_for_the_closing_note(jma_server, tokyo_place):
    """One whole sync (the forecast and the warnings): wall time, bytes on the
    wire and the peak of Python's memory while it ran, and the same for a
    hostile answer at the size limit."""
    figures = {}
    for name, forecast in (
        ("recorded documents", FORECAST),
        ("hostile: 512 KB of nested lists", b"[" * (512 * 1024 - 1) + b"]"),
    ):
        WeatherReport.objects.all().delete()
        jma_server.answers[FORECAST_PATH] = [json_answer(forecast)]
        jma_server.answers[WARNINGS_PATH] = [json_answer(STORM)]
        tracemalloc.start()
        started = time.perf_counter()
        sync.sync(EVENING, force=True)
        seconds = time.perf_counter() - started
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        figures[name] = {
            "seconds": round(seconds, 3),
            "bytes": len(forecast) + len(STORM),
            "peak_python_kb": round(peak / 1024),
            "problem": WeatherPlace.objects.get().error_code,
        }
        assert peak < 20 * 1024 * 1024, "the worker stays small whatever it is sent"
    assert figures["recorded documents"]["problem"] == ""
    assert figures["hostile: 512 KB of nested lists"]["problem"] == "not_weather"
    ARTIFACT.parent.mkdir(exist_ok=True)
    ARTIFACT.write_text(json.dumps(figures, indent=2) + "\n")
