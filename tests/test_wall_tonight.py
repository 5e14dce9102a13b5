"""Tonight and tomorrow on the wall's panel (schedule/wall/tonight.py and its
templates): what it prints at 7:00 and 19:00, in each language mode, with
readings, and when the poll's version moves for it."""

from datetime import date, datetime
from pathlib import Path

import pytest

from schedule.models import CallOffRule, Meal, WeatherPlace
from schedule.wall import polling
from schedule.wall.display import find_display
from schedule.weather import jma, sync
from schedule.weather.documents import InForce, Warnings
from tests.conftest import TOKYO

pytestmark = pytest.mark.django_db

FORECAST = Path(__file__).parent / "fixtures" / "jma" / "forecast_130000_20260105T1700.json"
STORM = (InForce("05", "発表"), InForce("03", "継続"), InForce("29", "発表"))


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=TOKYO)


@pytest.fixture
def wall(demo_display):
    place = WeatherPlace.load()
    forecast = jma.parse_forecast(FORECAST.read_bytes(), place.area, place.point)
    sync._keep_forecast(place.forecast_key, forecast, at("2026-01-05T17:20"))
    return demo_display


def storm(place: WeatherPlace) -> None:
    warnings = Warnings(at("2026-01-06T06:42"), "1310300", STORM)
    sync._keep_warnings(place.warnings_key, warnings, at("2026-01-06T06:45"))


def panel(client, display, moment: str) -> str:
    response = client.get(f"/d/{display.token}/panel?at={moment}")
    assert response.status_code == 200
    return response.content.decode()


def test_the_evening_strip_tomorrow_s_weather_dinner_and_bags(client, wall):
    html = panel(client, wall, "2026-01-05T19:00")
    assert '<div class="tn-item tn-weather is-sun">' in html
    assert '<span class="tn-high">11°</span>/<span class="tn-low">2°</span>' in html
    assert '<span lang="ja">あした</span>' in html
    assert '<span class="tn-main" lang="ja">焼き魚</span><span class="tn-sub" lang="en">' in html
    bags = '<span lang="ja">あしたの もちもの</span><span lang="en">Tomorrow&#x27;s bags</span>'
    assert bags in html
    assert '<span class="bag-main" lang="ja">体操服</span>' in html
    assert 'class="main has-bags"' in html


def test_before_dinner_is_over_today_s_dinner_and_no_bags_at_midday(client, wall):
    html = panel(client, wall, "2026-01-05T12:30")
    assert "カレーライス" in html and "焼き魚" not in html  # Monday's, lunch is long over
    assert 'class="bags"' not in html  # bags: the morning and the evening only


def test_one_language_walls_print_one_language(client, wall):
    wall.language = "en"
    wall.save()
    html = panel(client, wall, "2026-01-05T19:00")
    strip = html.split('<div class="tonight">', 1)[1].split("</header>", 1)[0]
    assert 'lang="ja"' not in strip
    assert "Grilled fish" in strip and "Tomorrow" in strip


def test_readings_over_the_kanji_where_the_wall_shows_them(client, wall):
    wall.show_readings = True
    wall.save()
    html = panel(client, wall, "2026-01-05T19:00")
    assert "<ruby>焼き魚<rt>やきざかな</rt></ruby>" in html
    assert "<ruby>体操服<rt>たいそうふく</rt></ruby>" in html


def test_a_storm_morning_the_warnings_and_school_called_off(client, wall):
    storm(WeatherPlace.load())
    before = panel(client, wall, "2026-01-06T06:59")
    assert "おやすみ かも" in before  # decided at 7:00
    html = panel(client, wall, "2026-01-06T07:00")
    assert '<div class="tn-item tn-alert">' in html
    assert "大雨警報・<wbr>暴風警報・<wbr>" in html  # the banner: warnings, not advisories
    assert "気象庁の<wbr>警報・<wbr>注意報 29" in html  # a code Hibi does not know, by its code
    assert '<span class="tn-flag" lang="ja">おやすみ</span>' in html
    assert "tn-dinner" not in html  # that morning the warning takes dinner's room
    assert "tn-call-off" not in panel(client, wall, "2026-01-06T16:30")  # school is out


def test_the_poll_s_version_moves_at_tonight_s_own_moments(client, wall):
    storm(WeatherPlace.load())
    display = find_display(wall.token)

    def counted(moment: str) -> int:
        return int(polling.version(display, at(moment)).rsplit(".", 1)[1])

    assert counted("2026-01-06T07:00") == counted("2026-01-06T06:59") + 1  # the rule decides
    assert counted("2026-01-06T10:00") > counted("2026-01-06T09:59")  # the bags go
    assert counted("2026-01-06T12:00") > counted("2026-01-06T11:59")  # tomorrow's bags


def test_a_new_forecast_or_menu_reaches_a_wall_that_keeps_its_data(client, wall):
    html = panel(client, wall, "2026-01-05T19:00")
    assert "焼き魚" in html
    Meal.objects.filter(title_ja="焼き魚").update(title_ja="さばの味噌煮")
    assert "さばの味噌煮" in panel(client, wall, "2026-01-05T19:00")


def test_nothing_set_up_nothing_shown(client, db):
    from schedule.models import Display

    display = Display.objects.create(name="Kitchen")
    html = panel(client, display, "2026-01-05T19:00")
    assert 'class="tonight"' not in html and 'class="bags"' not in html


def test_a_rule_on_a_block_no_longer_in_the_plan_is_quietly_nothing(client, wall):
    storm(WeatherPlace.load())
    CallOffRule.objects.update(block=None)  # the member's own blocks instead
    html = panel(client, wall, "2026-01-06T07:00")
    assert html.count("tn-call-off") >= 1
    assert date(2026, 1, 6).isoformat()  # the panel was asked at a moment of its own


def test_a_stale_forecast_shows_its_day_in_place_of_its_words_then_nothing(client, wall):
    html = panel(client, wall, "2026-01-07T07:00")  # the 5 January forecast, 38 h old
    assert '<span class="tn-old"><span lang="ja">1/5 の よほう</span>' in html
    weather = html.split("tn-weather")[1].split("</div>")[0]
    assert "<svg" in weather and "はれ" not in weather  # the picture says it
    html = panel(client, wall, "2026-01-20T07:00")  # its days are past: no weather at all
    assert "tn-weather" not in html and "tn-old" not in html


def _gym(html: str) -> str:
    """The line of Haru's 体操服 in the bags on the panel."""
    return next(li for li in html.split("<li ") if 'lang="ja">体操服<' in li)


def test_the_morning_s_bag_is_packed_a_tap_a_thing_and_a_second_tap_is_harmless(client, wall):
    from schedule.models import BagItem, BagPacked

    gym = BagItem.objects.get(title_ja="体操服")
    line = _gym(panel(client, wall, "2026-01-06T07:00"))
    url = f"/d/{wall.token}/bags/{gym.member_id}/2026-01-06/packed?at=2026-01-06T07%3A00"
    assert "js-tap" in line and f'hx-post="{url}"' in line and "is-packed" not in line
    assert f'"thing": "item-{gym.pk}"' in line and '"done": "1"' in line
    packed = {"done": "1", "thing": f"item-{gym.pk}"}
    for _ in range(2):
        response = client.post(url, packed, HTTP_HX_REQUEST="true")
        assert response.status_code == 200
    assert BagPacked.objects.get().thing == f"item-{gym.pk}"
    line = _gym(response.content.decode())
    assert "is-packed" in line and '"done": "0"' in line
    client.post(url, {"done": "0", "thing": f"item-{gym.pk}"}, HTTP_HX_REQUEST="true")
    assert not BagPacked.objects.exists()


def test_tomorrow_s_bag_and_a_wall_that_may_not_tick_only_show_the_things(client, wall):
    wall.may_complete_chores = True
    wall.save()
    html = panel(client, wall, "2026-01-05T19:00")  # tomorrow's: packed in the morning
    assert "bag-tap" not in html and 'lang="ja">体操服<' in html
    wall.may_complete_chores = False
    wall.save()
    html = panel(client, wall, "2026-01-06T07:00")
    assert "bag-tap" not in html and 'lang="ja">体操服<' in html


@pytest.mark.parametrize(
    ("thing", "day", "status"),
    [
        ("item-999999", "2026-01-06", 404),  # not in Haru's bag that day
        ("{gym}", "2026-01-07", 404),  # Wednesday: no gym
        ("umbrella", "2026-01-06", 400),
        ("rain", "2026-01-06", 404),  # 0% rain that Tuesday: no umbrella to pack
    ],
)
def test_only_a_thing_the_wall_shows_in_that_bag_can_be_packed(client, wall, thing, day, status):
    from schedule.models import BagItem, BagPacked

    gym = BagItem.objects.get(title_ja="体操服")
    url = f"/d/{wall.token}/bags/{gym.member_id}/{day}/packed"
    response = client.post(url, {"done": "1", "thing": thing.format(gym=f"item-{gym.pk}")})
    assert response.status_code == status
    assert not BagPacked.objects.exists()
