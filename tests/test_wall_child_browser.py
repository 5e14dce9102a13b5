"""The wall as a child reads it from across the room, measured in a real browser.

At four screen sizes (the Fire 7 on its side and upright, an iPad, a phone),
in each language mode and at the demo week's moments that matter to a child
(getting up after a day off, the minutes before the 5 PM clean-up, the
Roomba's turn at 17:20, the gap before dinner, night, before waking), the
page's computed sizes are checked against the minimums a child needs, every
text is checked to be whole (not cut by its box, no ellipsis, no Japanese
word broken across lines), and axe-core looks for what a screen reader or a
weak eye would miss. The screenshots go to test-artifacts/child/.
"""

import json
import os
from datetime import date, datetime
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import expect

from schedule.data.demo import load_demo_family
from schedule.models import Block, Display
from tests.conftest import TOKYO
from tests.wallmeasure import (
    SMALLEST_COUNTDOWN_PX,
    SMALLEST_DISC_PX,
    SMALLEST_SPLIT_DISC_PX,
    SMALLEST_TITLE_PX,
    measure_script,
)

pytestmark = pytest.mark.browser

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts" / "child"
AXE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
MEASURED = ARTIFACTS / "measured.json"

VIEWPORTS = [(1024, 600), (600, 1024), (1024, 768), (375, 812)]
LANGUAGES = [Display.Language.BOTH, Display.Language.JA, Display.Language.EN]
MOMENTS = [
    "2026-11-30T06:45",  # Monday after the holiday weekend: getting up and dressed
    "2026-11-24T10:10",  # a weekday: work and school, two lanes at once
    "2026-11-23T16:55",  # five minutes before the clean-up: the cue
    "2026-11-23T17:19",  # the last minute of the clean-up
    "2026-11-23T17:20",  # the Roomba, and whose turn it is
    "2026-11-23T18:20",  # between bath and dinner
    "2026-11-24T22:30",  # night: the moon and the countdown to waking up
    "2026-11-25T05:30",  # before waking up
]


@pytest.fixture
def family(transactional_db):
    return load_demo_family(date(2026, 11, 23))


@pytest.fixture
def open_page(browser):
    contexts = []

    def open_page(width, height):
        # bypass_csp: axe-core is injected as an inline script, which the wall's CSP refuses.
        context = browser.new_context(viewport={"width": width, "height": height}, bypass_csp=True)
        contexts.append(context)
        page = context.new_page()
        page.errors = []
        page.on("pageerror", lambda error: page.errors.append(str(error)))
        return page

    yield open_page
    for context in contexts:
        context.close()


def wall_url(server, display, at):
    return f"{server.url}{display.get_absolute_url()}?at={at}"


def axe(page):
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: npm ci (make install-dev does)")
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "() => axe.run(document, {resultTypes: ['violations']})"
        ".then(r => r.violations.map(v => ({id: v.id, impact: v.impact,"
        " nodes: v.nodes.map(n => n.target.join(' ')).slice(0, 3)})))"
    )
    return [v for v in result if v["impact"] in ("serious", "critical")]


def _record(key, values):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    measured = json.loads(MEASURED.read_text()) if MEASURED.exists() else {}
    measured[key] = values
    MEASURED.write_text(json.dumps(measured, indent=1, sort_keys=True, ensure_ascii=False))


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize(("width", "height"), VIEWPORTS)
def test_the_wall_is_big_whole_and_accessible_at_every_moment(
    live_server, family, open_page, width, height, language
):
    family.language = language
    family.save()
    phone = width < 480
    page = open_page(width, height)
    problems, smallest = [], {"text": [], "title": [], "countdown": [], "disc": []}
    for at in MOMENTS:
        page.goto(wall_url(live_server, family, at))
        page.wait_for_function("document.getElementById('panel') !== null")
        page.wait_for_timeout(150)  # kiosk.js fits the titles after the first paint
        m = page.evaluate(measure_script(phone))
        where = f"{width}x{height} {language} {at}"
        problems += [f"{where}: {p}" for p in m["small"] + m["cut"] + m["broken"]]
        smallest["text"].append(m["smallest_text"])
        if not m["night"]:
            disc_minimum = SMALLEST_SPLIT_DISC_PX if m["split"] else SMALLEST_DISC_PX
            problems += [f"{where}: title {s}px" for s in m["titles"] if s < SMALLEST_TITLE_PX]
            problems += [
                f"{where}: countdown {s}px" for s in m["countdowns"] if s < SMALLEST_COUNTDOWN_PX
            ]
            problems += [f"{where}: disc {s:.0f}px" for s in m["discs"] if s < disc_minimum]
            smallest["title"] += m["titles"]
            smallest["countdown"] += m["countdowns"]
            smallest["disc"] += [round(d) for d in m["discs"]]
        if language == Display.Language.BOTH or at in (MOMENTS[0], MOMENTS[4]):
            shot = f"wall-{language}-{width}x{height}-{at.replace(':', '')}.png"
            page.screenshot(path=str(ARTIFACTS / shot))
        if at in (MOMENTS[2], MOMENTS[6]):  # a day and a night, each language
            problems += [f"{where}: axe {v}" for v in axe(page)]
    _record(
        f"{width}x{height} {language}",
        {k: min(v) if v else None for k, v in smallest.items()},
    )
    assert not problems, "\n".join(problems)
    assert page.errors == []


def test_one_activity_keeps_its_colour_on_two_walls_and_two_days(live_server, family, open_page):
    kids = Display.objects.create(name="子ども部屋 / Kids' room", language=Display.Language.JA)
    page = open_page(1024, 600)
    colours = set()
    for display, at in (
        (family, "2026-11-23T17:05"),
        (family, "2026-11-24T17:05"),
        (kids, "2026-11-24T17:05"),
    ):
        page.goto(wall_url(live_server, display, at))
        hero = page.locator(".hero.is-current", has_text="お片付け")
        expect(hero).to_have_count(1)
        colours.add(hero.evaluate("el => getComputedStyle(el).borderLeftColor"))
        tl = page.locator(".tl-block.is-current .tl-fill")
        colours.add(tl.first.evaluate("el => getComputedStyle(el).backgroundColor"))
    assert len(colours) == 1, colours
    # ...and it is the clean-up's own, the same in every plan that has one.
    assert len({b.colour for b in Block.objects.filter(title_ja="お片付け")}) == 1


def test_the_cues_come_at_five_and_two_minutes_and_the_switch_at_zero_without_a_request(
    live_server, family, open_page, settings
):
    settings.WALL_POLL_SECONDS = 3600  # no poll inside the minutes the clock is moved
    page = open_page(1024, 600)
    page.clock.install(time=datetime(2026, 11, 23, 16, 54, tzinfo=TOKYO))  # as ?at=
    page.goto(wall_url(live_server, family, "2026-11-23T16:54"))
    hero = page.locator(".hero.is-current")
    then = page.locator(".next-item.is-then")
    expect(page.locator(".hero.is-current.is-cue")).to_have_count(0)
    requests = []
    page.on("request", lambda request: requests.append(request.url))

    page.clock.run_for(61_000)  # 16:55:01: five minutes left
    expect(page.locator(".hero.is-current.is-cue")).to_have_count(1)
    expect(page.locator(".next-item.is-then.is-cue")).to_have_count(1)
    expect(then.locator(".main-text")).to_have_text("お片付け")
    icon = then.locator(".next-icon").bounding_box()["width"]
    page.screenshot(path=str(ARTIFACTS / "wall-cue-5-min-1024x600.png"))

    expect(page.locator(".hero.is-current.is-cue-last")).to_have_count(0)

    page.clock.run_for(2 * 60_000)  # 16:57: still the first warning
    expect(page.locator(".hero.is-current.is-cue-last")).to_have_count(0)

    page.clock.run_for(60_000)  # 16:58: two minutes left, the last warning
    expect(page.locator(".hero.is-current.is-cue.is-cue-last")).to_have_count(1)
    page.screenshot(path=str(ARTIFACTS / "wall-cue-2-min-1024x600.png"))

    page.clock.run_for(2 * 60_000)  # 17:00: the switch
    expect(hero.locator(".hero-title .main-text")).to_have_text("お片付け")
    page.screenshot(path=str(ARTIFACTS / "wall-switch-1024x600.png"))
    expect(page.locator(".hero.is-current.is-cue")).to_have_count(0)
    assert icon >= 72  # the next picture grew
    assert requests == []
