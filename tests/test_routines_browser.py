"""A child's routine on the wall, tapped through in a real browser.

The demo family's weekday "おでかけの準備" (7:45-8:30) holds a five-step
morning routine for each child. Screenshots of a routine in progress and
finished, in ja and en, at 1024×600 and 600×1024 go to test-artifacts/.
"""

import os
import re

import pytest
from playwright.sync_api import expect

from schedule.models import Display, Member, StepDone
from tests import test_wall_browser as wall
from tests.test_wall_browser import ARTIFACTS, inside, wall_url

# The wall tests' fixtures: the demo family on a live server, a fresh page.
family = wall.family
open_page = wall.open_page

pytestmark = pytest.mark.browser

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

READY = "2026-11-24T07:50"
HARU_STEPS = ["トイレ", "顔をあらう", "着がえ", "歯みがき", "ランドセル"]
HARU_STEPS_EN = ["Toilet", "Wash face", "Get dressed", "Brush teeth", "School bag"]


@pytest.mark.parametrize(("width", "height"), [(1024, 600), (600, 1024)])
@pytest.mark.parametrize("language", [Display.Language.JA, Display.Language.EN])
def test_tapping_through_a_five_step_routine(
    live_server, family, open_page, width, height, language
):
    family.language = language
    family.save()
    page = open_page(wall_url(live_server, family, READY), width, height)
    haru = page.locator(".routine", has_text="Haru" if language == "en" else "はる")
    mio = page.locator(".routine", has_text="Mio" if language == "en" else "みお")
    expect(haru).to_have_count(1)
    expect(mio).to_have_count(1)  # two children on one card row
    names = HARU_STEPS_EN if language == "en" else HARU_STEPS
    for index, name in enumerate(names):
        expect(haru.locator(".step-now .step-title .main-text")).to_have_text(name)
        expect(haru.locator(".step.is-done")).to_have_count(index)
        button = haru.locator(".step-done")
        box = button.bounding_box()
        assert box["height"] >= 120 and inside(box, width, height), box
        picture = haru.locator(".step-picture").bounding_box()
        assert picture["width"] >= 160, picture
        if index == 2:
            page.screenshot(path=str(ARTIFACTS / f"routine-{language}-{width}x{height}-step3.png"))
        button.click()
    done = haru.locator(".routine-done")
    expect(done).to_be_visible()
    expect(haru.locator(".step.is-done")).to_have_count(5)
    expect(done).to_contain_text("All done!" if language == "en" else "ぜんぶ できた！")
    expect(haru.locator(".routine-then")).to_be_visible()  # then: work or school
    page.screenshot(path=str(ARTIFACTS / f"routine-{language}-{width}x{height}-finished.png"))
    haru_id = Member.objects.get(name_en="Haru").pk
    assert StepDone.objects.filter(member_id=haru_id).count() == 5
    assert StepDone.objects.exclude(member_id=haru_id).count() == 0  # みお's are hers
    assert page.errors == []


def test_a_step_tapped_while_the_server_is_away_is_shown_unsaved_and_lands_once_back(
    live_server, family, open_page
):
    page = open_page(wall_url(live_server, family, READY))
    haru = page.locator(".routine", has_text="はる")
    expect(haru.locator(".step-now .main-text")).to_have_text("トイレ")
    page.route("**/steps/**", lambda route: route.abort())
    haru.locator(".step-done").click()
    expect(page.locator(".routine.is-unsaved")).to_have_count(1)
    expect(haru.locator(".unsaved")).to_be_visible()
    assert StepDone.objects.count() == 0
    page.screenshot(path=str(ARTIFACTS / "routine-unsaved-1024x600.png"))
    page.unroute("**/steps/**")
    # The next answer from the server (a poll) brings the wall back online,
    # and the tap is sent again by itself.
    page.evaluate("htmx.trigger(document.getElementById('panel'), 'every')")
    page.evaluate("htmx.ajax('GET', document.getElementById('panel').getAttribute('hx-get'),"
                  " {source: '#panel', target: '#panel', swap: 'outerHTML'})")  # fmt: skip
    expect(haru.locator(".step-now .main-text")).to_have_text("顔をあらう", timeout=10_000)
    expect(page.locator(".routine.is-unsaved")).to_have_count(0)
    assert StepDone.objects.count() == 1


def test_a_step_ticked_by_mistake_is_taken_back_on_the_wall(live_server, family, open_page):
    page = open_page(wall_url(live_server, family, READY))
    haru = page.locator(".routine", has_text="はる")
    expect(haru.locator(".step-undo")).to_have_count(0)  # nothing to take back yet
    haru.locator(".step-done").click()
    expect(haru.locator(".step.is-done")).to_have_count(1)
    haru.locator(".step-done").click()
    expect(haru.locator(".step.is-done")).to_have_count(2)
    undo = haru.locator(".step-undo")
    assert undo.bounding_box()["height"] >= 48
    page.screenshot(path=str(ARTIFACTS / "routine-undo-1024x600.png"))
    undo.click()
    expect(haru.locator(".step.is-done")).to_have_count(1)
    expect(haru.locator(".step-now .main-text")).to_have_text("顔をあらう")
    assert StepDone.objects.count() == 1


def test_a_step_past_its_minutes_is_cued_without_a_request(
    live_server, family, open_page, settings
):
    from datetime import datetime

    from tests.conftest import TOKYO

    settings.WALL_POLL_SECONDS = 3600
    page = open_page(None)
    # The toilet is given 3 minutes from 7:45: it is due at 7:48.
    page.clock.install(time=datetime(2026, 11, 24, 7, 46, tzinfo=TOKYO))
    page.goto(wall_url(live_server, family, "2026-11-24T07:46"))
    haru = page.locator(".routine", has_text="はる")
    expect(haru).not_to_have_class(re.compile(r"\bis-cue\b"))
    requests = []
    page.on("request", lambda request: requests.append(request.url))
    page.clock.run_for(2 * 60_000 + 1_000)
    expect(haru).to_have_class(re.compile(r"\bis-cue\b"))
    assert requests == []
