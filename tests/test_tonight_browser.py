"""Tonight and tomorrow on the wall, in Debian's chromium (headless): at 7:00 with a
storm warning that calls school off, and at 19:00 with tomorrow's dinner, weather
and bags, on a 7-inch tablet both ways round (1024×600 and 600×1024).

Everything must be visible without scrolling and whole (tests/wallmeasure.py's
rules: no text under 18 px, none cut, none off the screen). The forecast is
the recorded JMA document (tests/fixtures/jma/), its days moved to the demo
family's week (the layout is tested here, the reading in test_weather_jma.py):
its first week of January is when the year's first collections crowd the side
column, and the demo's week is an ordinary one. The warnings are written from
what is known of JMA's (unverified). Screenshots go to test-artifacts/tonight/.
"""

import os
from dataclasses import replace
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from django.conf import settings

from schedule.data.demo import load_demo_family
from schedule.models import BagRules, CalendarEvent, CalendarSubscription, WeatherPlace
from schedule.weather import jma, sync
from schedule.weather.documents import InForce, Warnings
from tests.conftest import TOKYO
from tests.wallmeasure import measure_script

pytestmark = pytest.mark.browser

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts" / "tonight"
FORECAST = Path(__file__).parent / "fixtures" / "jma" / "forecast_130000_20260105T1700.json"
VIEWPORTS = [(1024, 600), (600, 1024)]
EVENING = "2026-11-25T19:00"  # Wednesday: dinner is over, tomorrow's bags and weather
MORNING = "2026-11-26T07:00"  # Thursday: a storm warning since 6:42, school is off
CALM_MORNING = "2026-11-26T07:00"  # the same Thursday, had the storm gone by 6:50
STORM_EVENING = "2026-11-26T19:00"  # the storm's day, evening: tomorrow's bags
RAINY_EVENING = "2026-11-26T19:00"  # an old forecast, and Friday's 20% rain in the bags
# The recorded forecast's Monday 5 January (reported at 17:00) is the demo's
# Wednesday 25 November.
MOVED = date(2026, 11, 25) - date(2026, 1, 5)


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=TOKYO)


@pytest.fixture
def family(transactional_db):
    display = load_demo_family(date(2026, 11, 23))
    place = WeatherPlace.load()
    recorded = jma.parse_forecast(FORECAST.read_bytes(), place.area, place.point)
    forecast = replace(
        recorded,
        reported_at=recorded.reported_at + MOVED,
        days=tuple(replace(day, date=day.date + MOVED) for day in recorded.days),
    )
    sync._keep_forecast(place.forecast_key, forecast, at("2026-11-25T17:20"))
    calm = Warnings(at("2026-11-25T16:30"), "1310300", ())
    sync._keep_warnings(place.warnings_key, calm, at("2026-11-25T21:00"))
    storm = (InForce("05", "発表"), InForce("03", "継続"), InForce("14", "継続"))
    sync._keep_warnings(place.warnings_key, Warnings(at("2026-11-26T06:42"), "1310300", storm),
                        at("2026-11-26T06:45"))  # fmt: skip
    school = CalendarSubscription.objects.create(name="学校", url="https://example.com/s.ics")
    CalendarEvent.objects.create(
        subscription=school, uid="lunch", title="お弁当の日", start_date=date(2026, 11, 26),
        end_date=date(2026, 11, 27),
    )  # fmt: skip
    return display


@pytest.fixture
def open_page(browser):
    contexts = []

    def open_page(width, height):
        context = browser.new_context(viewport={"width": width, "height": height})
        contexts.append(context)
        page = context.new_page()
        page.errors = []
        page.on("pageerror", lambda error: page.errors.append(str(error)))
        return page

    yield open_page
    for context in contexts:
        context.close()


def shown_inside(page, selector: str) -> list[str]:
    """Each element matching `selector`: whether it is drawn and on the screen."""
    return page.evaluate(
        """(selector) => [].slice.call(document.querySelectorAll(selector)).map((el) => {
            const r = el.getBoundingClientRect(), s = getComputedStyle(el);
            const drawn = r.width > 0 && r.height > 0 && s.display !== "none"
              && s.visibility !== "hidden";
            const inside = r.left >= -1 && r.top >= -1 && r.right <= innerWidth + 1
              && r.bottom <= innerHeight + 1;
            return (drawn && inside ? "ok " : "NOT SHOWN ") + el.textContent.trim().slice(0, 30);
        })""",
        selector,
    )


def look(page, server, display, moment: str, width: int, height: int, name: str) -> dict:
    page.goto(f"{server.url}{display.get_absolute_url()}?at={moment}")
    page.wait_for_function("document.getElementById('panel') !== null")
    page.wait_for_timeout(150)  # kiosk.js fits the titles after the first paint
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}-{width}x{height}.png"))
    return page.evaluate(measure_script(False))


@pytest.mark.parametrize(("width", "height"), VIEWPORTS)
def test_the_morning_of_a_storm_shows_the_warning_and_school_called_off(
    live_server, family, open_page, width, height
):
    page = open_page(width, height)
    measured = look(page, live_server, family, MORNING, width, height, "morning-storm")
    assert measured["small"] + measured["cut"] == []
    items = shown_inside(page, ".tn-item")
    assert all(line.startswith("ok") for line in items), items
    warning = page.inner_text(".tn-alert")
    assert "大雨警報・暴風警報" in warning and "Storm warning" in warning
    call_off = page.inner_text(".tn-call-off")
    assert "保育園・学校" in call_off and "はる" in call_off and "おやすみ" in call_off
    # That morning the warning takes the room of dinner and the sleeps.
    assert page.query_selector(".tn-dinner") is None
    strip = page.inner_text(".tonight")
    assert "きょう" in strip and "11°" in strip
    # School is off: Haru's 体操服 and お弁当 stay home, and Mio has nothing extra.
    assert page.query_selector(".bags") is None
    assert page.errors == []


@pytest.mark.parametrize(("width", "height"), VIEWPORTS)
def test_an_ordinary_morning_shows_today_s_weather_dinner_and_bags(
    live_server, family, open_page, width, height
):
    place = WeatherPlace.load()
    calm = Warnings(at("2026-11-26T06:50"), "1310300", ())
    sync._keep_warnings(place.warnings_key, calm, at("2026-11-26T06:55"))
    page = open_page(width, height)
    measured = look(page, live_server, family, CALM_MORNING, width, height, "morning")
    assert measured["small"] + measured["cut"] == []
    assert page.query_selector(".tn-alert") is None
    items = shown_inside(page, ".tn-item, .bag")
    assert all(line.startswith("ok") for line in items), items
    assert "きょう" in page.inner_text(".tonight")
    bags = page.inner_text(".bags")
    assert "きょうの もちもの" in bags and "体操服" in bags and "お弁当" in bags
    assert page.errors == []


def test_a_child_packs_the_morning_s_bag_by_tapping_each_thing(live_server, family, open_page):
    place = WeatherPlace.load()
    calm = Warnings(at("2026-11-26T06:50"), "1310300", ())
    sync._keep_warnings(place.warnings_key, calm, at("2026-11-26T06:55"))
    page = open_page(1024, 600)
    look(page, live_server, family, CALM_MORNING, 1024, 600, "morning-packing")
    gym = page.locator(".bag-thing", has_text="体操服")
    gym.locator("button").click()
    page.wait_for_selector(".bag-thing.is-packed")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "morning-packed-1024x600.png"))
    packed = page.locator(".bag-thing.is-packed")
    assert packed.count() == 1 and "体操服" in packed.inner_text()
    lunch = page.locator(".bag-thing", has_text="お弁当")
    assert lunch.get_attribute("class") == "bag-thing js-tap"  # not yet in
    measured = page.evaluate(measure_script(False))
    assert measured["small"] + measured["cut"] == []
    assert page.errors == []


@pytest.mark.parametrize(("width", "height"), VIEWPORTS)
def test_the_evening_of_the_storm_day_keeps_dinner_beside_an_old_forecast(
    live_server, family, open_page, width, height
):
    """No forecast since yesterday's: its age goes where its words were, so
    tomorrow's dinner keeps its place beside the date on a 1024 px line (the
    sleeps, a day with the date's event under it, make room first)."""
    page = open_page(width, height)
    measured = look(page, live_server, family, STORM_EVENING, width, height, "evening-storm")
    assert measured["small"] + measured["cut"] == []
    items = shown_inside(page, ".tn-weather, .tn-dinner, .bag")
    assert len(items) == 3 and all(line.startswith("ok") for line in items), items
    assert "11/25 の よほう" in page.inner_text(".tn-weather")
    assert "手巻きずし" in page.inner_text(".tn-dinner")
    assert "あしたの もちもの" in page.inner_text(".bags")
    assert page.errors == []


@pytest.mark.parametrize(("width", "height"), VIEWPORTS)
def test_the_evening_shows_tomorrow_s_dinner_weather_bags_and_sleeps(
    live_server, family, open_page, width, height
):
    page = open_page(width, height)
    measured = look(page, live_server, family, EVENING, width, height, "evening")
    assert measured["small"] + measured["cut"] == []
    assert page.query_selector(".tn-alert") is None  # nothing in force on Monday evening
    items = shown_inside(page, ".tn-item")
    assert len(items) == 3 and all(line.startswith("ok") for line in items), items
    strip = page.inner_text(".tonight")
    assert "うどん" in strip and "Udon" in strip  # Thursday's dinner
    assert "あした" in strip and "11°" in strip and "2°" in strip
    assert "10" in page.inner_text(".tn-sleeps")  # the trip, 10 nights away: no moons yet
    assert page.query_selector_all(".tn-sleeps .tn-moons svg") == []
    bags = shown_inside(page, ".bag")  # Mio has nothing extra: only Haru's bag
    assert len(bags) == 1 and all(line.startswith("ok") for line in bags), bags
    text = page.inner_text(".bags")
    assert "あしたの もちもの" in text and "体操服" in text and "お弁当" in text
    assert page.errors == []


def test_an_old_forecast_says_so_and_rain_puts_an_umbrella_in_the_bags(
    live_server, family, open_page
):
    BagRules.objects.update(rain_from=20)  # tomorrow (Friday): 20%
    page = open_page(1024, 600)
    measured = look(page, live_server, family, RAINY_EVENING, 1024, 600, "rainy-evening")
    assert measured["small"] + measured["cut"] == []
    assert "11/25 の よほう" in page.inner_text(".tonight")
    umbrellas = shown_inside(page, ".bag-thing.is-rain")  # Mio has a bag now too
    assert len(umbrellas) == 2 and all(line.startswith("ok") for line in umbrellas), umbrellas
    assert page.errors == []


def test_the_wall_without_any_weather_is_unchanged_but_for_the_strip(
    live_server, family, open_page
):
    """No forecast kept and no network: no weather on the wall, never an error."""
    from schedule.models import WeatherReport

    WeatherReport.objects.all().delete()
    page = open_page(1024, 600)
    look(page, live_server, family, EVENING, 1024, 600, "no-weather")
    assert page.query_selector(".tn-weather") is None
    assert page.query_selector(".tn-dinner") is not None
    assert datetime.now(UTC)  # the wall was opened at ?at=, not now
    assert page.errors == []
