"""Tonight and tomorrow in one read for the wall, the evening nudge with each
child's bag, the demo family that shows all of it, and the export that
carries it (format 4, and format 3 documents still read)."""

import json
from datetime import date, datetime, time, timedelta
from pathlib import Path

import pytest

from schedule import models
from schedule.data import portable
from schedule.data.demo import load_demo_family
from schedule.day.loading import day_at, load_household
from schedule.nudges import sending
from schedule.tonight.selectors import tonight_at
from schedule.weather import jma, sync
from schedule.weather.documents import InForce, Warnings
from tests.conftest import DEMO_DAY, TOKYO

pytestmark = pytest.mark.django_db

FORECAST = Path(__file__).parent / "fixtures" / "jma" / "forecast_130000_20260105T1700.json"
MONDAY = date(2026, 1, 5)


def at(clock: str, day: date = MONDAY) -> datetime:
    return datetime.combine(day, time.fromisoformat(clock), TOKYO)


@pytest.fixture
def forecast(demo_display):
    place = models.WeatherPlace.load()
    parsed = jma.parse_forecast(FORECAST.read_bytes(), place.area, place.point)
    sync._keep_forecast(place.forecast_key, parsed, at("17:20"))
    return parsed


def test_the_evening_column_at_19_30(forecast):
    moment = at("19:30")
    tonight = tonight_at(moment, day_at(moment), load_household(MONDAY, TOKYO))
    assert tonight.menu.after_dinner and tonight.menu.shown.title_ja == "焼き魚"  # Tuesday's
    assert tonight.weather.tomorrow.picture == "sun" and tonight.weather.tomorrow.high == 11
    assert tonight.bags_are_tomorrows and tonight.bag_day == date(2026, 1, 6)
    haru = tonight.bags[0]
    assert [t.title_ja for t in haru.things] == ["体操服"]  # 0% rain: no umbrella
    assert not tonight.warnings.known and tonight.call_offs == ()
    assert [s.title_en for s in tonight.sleeps] == []  # nothing within its days in January


def test_the_morning_shows_today_s_bag(forecast):
    moment = at("07:00", date(2026, 1, 6))
    tonight = tonight_at(moment)
    assert tonight.bag_day == date(2026, 1, 6) and not tonight.bags_are_tomorrows
    assert tonight.menu.shown.title_ja == "焼き魚"
    assert tonight.weather.today.high == 11 and tonight.weather.tomorrow.high == 10


def test_a_child_whose_school_a_storm_called_off_has_no_bag_that_morning(forecast):
    tuesday = date(2026, 1, 6)
    place = models.WeatherPlace.load()
    storm = Warnings(at("06:42", tuesday), "1310300", (InForce("05", "発表"),))
    sync._keep_warnings(place.warnings_key, storm, at("06:45", tuesday))

    def bags(clock: str) -> list[str]:
        return [bag.name_en for bag in tonight_at(at(clock, tuesday)).bags if bag.things]

    assert bags("06:59") == ["Haru"]  # not decided yet: the bag may still be needed
    assert bags("07:00") == []  # Haru's school is off; Mio's daycare is not, her bag is empty
    evening = tonight_at(at("19:00", tuesday))  # tomorrow is decided tomorrow
    assert evening.bags_are_tomorrows and "Haru" in [bag.name_en for bag in evening.bags]


def test_the_demo_family_s_sleeps_in_november(demo_display):
    tonight = tonight_at(at("19:00", DEMO_DAY))
    shown = [(s.title_en, s.nights) for s in tonight.sleeps]
    assert shown == [("Trip to Grandma's", 12), ("Haru's birthday", 17), ("New Year", 39)]


def test_tonight_is_never_an_error_with_nothing_set_up(db):
    tonight = tonight_at(at("19:00"))
    assert tonight.menu.shown is None and tonight.weather is None and tonight.bags == ()
    assert tonight.sleeps == () and tonight.call_offs == () and not tonight.warnings.known


def test_the_evening_nudge_lists_tomorrow_s_bags_with_the_weather(forecast):
    models.NudgeTarget.objects.create(
        name="Mum", apprise_url="json://127.0.0.1:9/", language="both", quiet_start=None,
        quiet_end=None,
    )  # fmt: skip
    (evening,) = [d for d in sending.due(at("19:05")) if d.occurrence.startswith("evening")]
    assert evening.occurrence == "evening:2026-01-06"
    lines = evening.body.splitlines()
    assert "あしたの天気：はれ 11°/2° 降水確率 0%" in lines
    assert "はるの持ち物：体操服" in lines
    assert "Haru's bag: Gym clothes" in lines
    assert not any("Mio" in line or "みお" in line for line in lines)  # nothing in her bag


def test_a_member_s_phone_hears_only_of_their_own_bag(forecast):
    mio = models.Member.objects.get(name_en="Mio")
    models.NudgeTarget.objects.create(
        name="Mio's tablet", member=mio, apprise_url="json://127.0.0.1:9/", language="en",
        quiet_start=None, quiet_end=None, evening_chores=False,
    )  # fmt: skip
    assert [d for d in sending.due(at("19:05")) if d.occurrence.startswith("evening")] == []


def test_a_phone_that_wants_no_bags_gets_none(forecast):
    models.NudgeTarget.objects.create(
        name="Dad", apprise_url="json://127.0.0.1:9/", evening_bags=False, evening_chores=False
    )
    assert [d for d in sending.due(at("19:05")) if d.occurrence.startswith("evening")] == []


# The demo family, and the export that carries it -----------------------------------------


def counts() -> dict[str, int]:
    kinds = (models.Meal, models.BagItem, models.BagRules, models.Countdown,
             models.CallOffRule, models.WeatherPlace)  # fmt: skip
    return {kind.__name__: kind.objects.count() for kind in kinds}


def test_the_demo_family_has_all_of_it_and_loading_it_twice_changes_nothing(demo_display):
    first = counts()
    assert first == {"Meal": 8, "BagItem": 5, "BagRules": 1, "Countdown": 3, "CallOffRule": 2,
                     "WeatherPlace": 1}  # fmt: skip
    before = portable.export_family()
    load_demo_family(DEMO_DAY)
    again = portable.export_family()
    assert counts() == first
    for key in portable.ADDED_IN[4]:
        assert again[key] == before[key], key


def test_export_and_import_carry_tonight_and_tomorrow(demo_display):
    document = json.loads(portable.dumps(portable.export_family()))
    assert document["version"] == 4
    assert document["weather_places"][0]["city"] == "1310300"
    assert document["call_off_rules"][0]["warnings"] == ["05", "33"]
    portable.import_family(document, replace=True)
    again = json.loads(portable.dumps(portable.export_family()))
    assert {k: v for k, v in again.items() if k != "exported_at"} == {
        k: v for k, v in document.items() if k != "exported_at"
    }


def test_an_export_of_version_3_imports_with_empty_new_tables(demo_display):
    document = portable.export_family()
    document["version"] = 3
    for key in portable.ADDED_IN[4]:
        del document[key]
    models.NudgeTarget.objects.create(name="Mum", apprise_url="json://127.0.0.1:9/")
    document["nudge_targets"] = portable.export_family()["nudge_targets"]
    for row in document["nudge_targets"]:
        del row["evening_bags"]
    counts_by_kind = portable.import_family(document, replace=True)
    assert counts_by_kind["meals"] == 0 and counts_by_kind["bag_items"] == 0
    assert models.NudgeTarget.objects.get().evening_bags is True
    assert models.Plan.objects.exists()


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (lambda d: d["meals"][0].update(weekday=9), r"meals\[0\]"),
        (lambda d: d["call_off_rules"][0].update(warnings="05"), r"call_off_rules\[0\]"),
        (lambda d: d["bag_items"][0].update(icon="no-such-icon"), r"bag_items\[0\]: icon"),
        (lambda d: d["weather_places"][0].update(area="270010"), r"weather_places\[0\]"),
        (lambda d: d["bag_rules"][0].update(id=2), "does not fit together"),
        (lambda d: d["countdowns"][0].update(date="2026-02-30"), r"countdowns\[0\]\.date"),
    ],
)
def test_import_checks_tonight_s_rows_like_the_admin(demo_display, change, message):
    document = json.loads(portable.dumps(portable.export_family()))
    change(document)
    with pytest.raises(portable.ImportRefused, match=message):
        portable.import_family(document, replace=True)
    assert models.Meal.objects.count() == 8  # nothing replaced


def test_weather_reports_stay_out_of_the_export_and_an_import_keeps_the_place_s(forecast):
    """They are JMA's, not the family's: an import elsewhere fetches them again,
    and an import over this database still shows this place's forecast."""
    from schedule.weather.selectors import weather_at

    document = portable.export_family()
    assert "weather_reports" not in document
    portable.import_family(document, replace=True)
    assert weather_at(at("19:00")).tomorrow.high == 11


def test_the_weather_place_of_the_demo_is_tokyo_minato(demo_display):
    place = models.WeatherPlace.load()
    assert str(place) == "港区"
    assert (place.office, place.area, place.point) == ("130000", "130010", "44132")
    assert datetime.now(TOKYO) - timedelta(days=1) < datetime.now(TOKYO)  # no real date used


def test_removing_the_demo_removes_its_menu_bags_sleeps_and_rules(demo_display):
    """The place and the rain rule stay, like the star rules: a family's settings."""
    from schedule.data import demo_rows

    demo_rows.remove_demo_family()
    assert counts() == {"Meal": 0, "BagItem": 0, "BagRules": 1, "Countdown": 0,
                        "CallOffRule": 0, "WeatherPlace": 1}  # fmt: skip
    assert not models.Member.objects.exists()


def test_a_meal_the_family_changed_stays_when_the_demo_goes(demo_display):
    from schedule.data import demo_rows

    curry = models.Meal.objects.get(title_ja="カレーライス")
    curry.title_ja, curry.version = "カレーうどん", curry.version + 1  # as the admin saves it
    curry.save()
    demo_rows.remove_demo_family()
    assert list(models.Meal.objects.values_list("title_ja", flat=True)) == ["カレーうどん"]
