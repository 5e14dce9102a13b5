"""The tablet's own care (issue 30): Fully Kiosk's battery reported beside the
polls and the webhook at its thresholds (wall/views.py, nudges/battery.py),
the child's timer and the spoken warnings as the page offers them."""

from __future__ import annotations

import json
from datetime import datetime, timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from schedule.common.models import Revision
from schedule.models import Delivery, Display
from schedule.nudges import sending
from tests.conftest import TOKYO

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 24, 18, 15, tzinfo=TOKYO)
HOOK = "/api/webhook/hibi-tablet-plug"


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False) as traveller:
        yield traveller


@pytest.fixture
def wall(demo_display, local_server) -> Display:
    demo_display.battery_webhook_url = local_server.url + HOOK
    demo_display.save()
    return demo_display


def report(client, display: Display, **form):
    return client.post(reverse("wall-battery", args=[display.token]), form)


def calls(display: Display) -> list[dict]:
    rows = Delivery.objects.filter(channel=f"battery:{display.pk}").order_by("due_at", "pk")
    return [json.loads(row.body) for row in rows]


def test_a_report_is_stored_without_redrawing_any_wall(client, frozen, wall):
    before = Revision.current()
    response = report(client, wall, level="57", charging="1")
    assert response.status_code == 204
    wall.refresh_from_db()
    assert (wall.battery_level, wall.battery_charging) == (57, True)
    assert Revision.current() == before
    assert calls(wall) == []


@pytest.mark.parametrize(
    "form",
    [
        {},
        {"level": "57"},
        {"level": "101", "charging": "1"},
        {"level": "-1", "charging": "0"},
        {"level": "57.5", "charging": "0"},
        {"level": "５７", "charging": "0"},
        {"level": "57", "charging": "true"},
        {"level": "9" * 40, "charging": "1"},
    ],
)
def test_a_report_that_is_not_a_level_and_a_charging_state_is_a_400(client, frozen, wall, form):
    response = report(client, wall, **form)
    assert response.status_code == 400
    wall.refresh_from_db()
    assert wall.battery_level is None


@settings(max_examples=40, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(level=st.text(max_size=8), charging=st.text(max_size=3))
def test_whatever_the_form_says_the_answer_is_a_204_or_a_400(client, wall, level, charging):
    assert report(client, wall, level=level, charging=charging).status_code in {204, 400}


def test_an_unknown_wall_is_a_404_and_a_get_a_405(client, wall):
    assert (
        client.post("/d/" + "x" * 32 + "/battery", {"level": "5", "charging": "0"}).status_code
        == 404
    )
    assert client.get(reverse("wall-battery", args=[wall.token])).status_code == 405


def test_the_webhook_is_called_once_at_20_and_once_at_80_however_often_it_reports(
    client, frozen, wall
):
    for level, charging in [(50, 0), (21, 0), (20, 0), (19, 0), (15, 1), (40, 1), (79, 1)]:
        frozen.shift(timedelta(minutes=1))
        assert report(client, wall, level=str(level), charging=str(charging)).status_code == 204
    assert [(c["event"], c["level"], c["charging"]) for c in calls(wall)] == [
        ("battery_low", 20, False)
    ]
    for level in (80, 85, 100, 81):
        frozen.shift(timedelta(minutes=1))
        report(client, wall, level=str(level), charging="1")
    frozen.shift(timedelta(minutes=1))
    report(client, wall, level="18", charging="0")
    assert [(c["event"], c["level"]) for c in calls(wall)] == [
        ("battery_low", 20),
        ("battery_high", 80),
        ("battery_low", 18),
    ]


def test_the_worker_posts_the_call_to_home_assistant(client, frozen, wall, local_server):
    report(client, wall, level="12", charging="0")
    assert sending.run(NOW) == 1
    [body] = local_server.posts(HOOK)
    assert json.loads(body) == {
        "event": "battery_low",
        "source": "hibi",
        "display": wall.name,
        "level": 12,
        "charging": False,
    }


def test_without_a_webhook_the_level_is_kept_and_nothing_is_queued(client, frozen, demo_display):
    report(client, demo_display, level="10", charging="0")
    demo_display.refresh_from_db()
    assert (demo_display.battery_level, demo_display.battery_alert) == (10, "low")
    assert Delivery.objects.count() == 0


def test_the_admins_list_of_displays_shows_each_battery(admin_client, frozen, wall, client):
    report(client, wall, level="64", charging="1")
    Display.objects.create(name="Kitchen")
    page = admin_client.get(reverse("admin:schedule_display_changelist")).content.decode()
    assert "64 %" in page
    assert "hibi-battery-unknown" in page  # the kitchen's browser is not Fully Kiosk


def test_the_wall_offers_the_displays_timer_minutes_as_pies(client, wall):
    wall.timer_minutes = "15, 5,10"
    wall.save()
    page = client.get(wall.get_absolute_url() + "?at=2026-11-24T18:15").content.decode()
    assert [f'data-minutes="{m}"' in page for m in (5, 10, 15)] == [True] * 3
    assert page.index('data-minutes="5"') < page.index('data-minutes="15"')
    assert 'id="timer"' in page and "data-speak" not in page


def test_a_wall_without_timer_minutes_has_no_timer(client, wall):
    wall.timer_minutes = ""
    wall.save()
    page = client.get(wall.get_absolute_url() + "?at=2026-11-24T18:15").content.decode()
    assert 'id="timer"' not in page and "js-timer-choice" not in page


@pytest.mark.parametrize(
    ("language", "locale"), [("ja", "ja-JP"), ("both", "ja-JP"), ("en", "en-US")]
)
def test_a_speaking_wall_says_its_locale_for_fully_kiosk(client, wall, language, locale):
    wall.spoken_cues, wall.language = True, language
    wall.save()
    page = client.get(wall.get_absolute_url() + "?at=2026-11-24T18:15").content.decode()
    assert f'data-speak="{locale}"' in page


@pytest.mark.parametrize("minutes", ["0", "60", "5,10,15,20,25", "five"])
def test_timer_minutes_outside_1_to_59_or_more_than_four_are_refused(wall, minutes):
    wall.timer_minutes = minutes
    with pytest.raises(ValidationError) as refused:
        wall.full_clean()
    assert "timer_minutes" in refused.value.message_dict
