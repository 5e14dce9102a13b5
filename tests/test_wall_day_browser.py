"""A whole day on the wall, every five minutes, at every size a family hangs it.

Issue 27 walked a week as a family would, watching a Fire 7 at every moment of
the day, and found the wall hiding what mattered: the burnable trash due by
8:00 behind the morning routine, "then" gone beside two blocks at once, a
child's stars dropped in the evening, a heading with nothing under it. Here a
weekday (Thursday: burnables by 8:00 in the middle of the routine; Friday's
cans called off), a Sunday (the day-off plan; Monday's burnables off) and that
Monday (a one-off closure: no burnables, said beside the routine) are walked
at five-minute steps on the four sizes (the Fire 7 both ways, an iPad
upright, a 1280×800 tablet on its side). At each moment the page is checked
against what the planner says must be there (tests/wallwalk.py): each current
block, the next one when there is one, every chore due within the hour (or
the usual collection that is off then), each child's stars, all inside the
screen, not covered, not cut, without scrolling, and no heading over nothing.

The moments are swapped into one page as the wall's own poll swaps them
(htmx, `?at=`), so a moment costs a swap, not a page load; each moment's
panel is rendered once, by the same view, and given to the four sizes alike.
The numbers (moments, failures, seconds) go to test-artifacts/day-walk.json,
the screenshots of the issue's moments to test-artifacts/day/.
"""

import io
import json
import os
import time as clock
from datetime import date, datetime, time, timedelta
from pathlib import Path

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import translation
from PIL import Image, ImageDraw

from schedule.data.demo import load_demo_family
from schedule.models import Chore, ChoreCancellation, Closure, Member, MemberPhoto
from schedule.wall import display as displays
from schedule.wall import polling
from schedule.wall.texts import LABELS
from tests.conftest import TOKYO
from tests.wallwalk import CHECK

pytestmark = pytest.mark.browser

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts"
LAYOUTS = [(1024, 600), (600, 1024), (768, 1024), (1280, 800)]
THURSDAY = date(2026, 11, 26)  # burnables by 8:00, during the 7:45 routine
FRIDAY = date(2026, 11, 27)  # the 4th Friday: cans and bottles, called off
SUNDAY = date(2026, 11, 29)  # the day-off plan
MONDAY = date(2026, 11, 30)  # burnables' day, closed
DAYS = [THURSDAY, SUNDAY, MONDAY]
STEP = timedelta(minutes=5)
DUE_WITHIN = timedelta(hours=1)


@pytest.fixture
def family(transactional_db):
    """The demo family, with a call-off, a one-off closure and はる's photo."""
    display = load_demo_family(date(2026, 11, 23))
    cans = Chore.objects.get(title_en="Cans, bottles & PET")
    ChoreCancellation.objects.create(chore=cans, date=FRIDAY, reason="台風")
    Closure.objects.create(
        name_ja="清掃工場の点検",
        name_en="Plant inspection",
        start_date=MONDAY,
        end_date=MONDAY,
    )
    picture = io.BytesIO()
    face = Image.new("RGB", (120, 96), "#fde3c0")  # not square: a phone's photo rarely is
    draw = ImageDraw.Draw(face)
    draw.ellipse((34, 22, 86, 74), fill="#f4b183", outline="#5a3b1c", width=3)
    draw.ellipse((48, 40, 54, 46), fill="#2b2b2b")
    draw.ellipse((66, 40, 72, 46), fill="#2b2b2b")
    draw.arc((50, 48, 70, 64), 20, 160, fill="#2b2b2b", width=3)
    face.save(picture, format="JPEG")
    haru = Member.objects.get(name_en="Haru")
    haru.photo_key = MemberPhoto.objects.create(member=haru, image=picture.getvalue()).key
    haru.save()
    return display


def moments(day: date) -> list[datetime]:
    first = datetime.combine(day, time(0), TOKYO)
    return [first + STEP * n for n in range(int(timedelta(days=1) / STEP))]


def expected_at(display, moment: datetime) -> dict:
    """What the planner says the wall must show at `moment`."""
    found = displays.find_display(display.token)  # with its revision: loaded once a day
    view = polling.load(found, moment.date()).day(moment.date(), moment)
    with translation.override("ja"):
        free = str(LABELS["free"])

    def due_soon(due):
        return due is not None and moment < due <= moment + DUE_WITHIN

    return {
        "current": [free if b.free else b.block.title_ja for b in view.current],
        "next": view.next_blocks[0].block.title_ja if view.next_blocks else "",
        "due": [c.chore.title_ja for c in view.chores if not c.done and due_soon(c.due)]
        + [m.chore.title_ja for m in view.moved_away if due_soon(m.due)],
        "stars": [s.member.name_ja for s in view.stars] if display.show_stars else [],
    }


SWAP = """async (url) => {
  await htmx.ajax('GET', url, {target: '#panel', swap: 'outerHTML'});
  return document.getElementById('panel').getAttribute('data-now');
}"""


def panels(client, display, walk) -> dict[str, str]:
    """Each moment's panel as the server answers the wall's poll for it, rendered
    once for the four sizes (the server does not know a wall's size)."""
    url = reverse("wall-panel", args=[display.token])
    answers = {}
    for day in DAYS:
        for moment, _expected in walk[day]:
            at = f"{moment:%Y-%m-%dT%H:%M}"
            response = client.get(f"{url}?at={at}", headers={"HX-Request": "true"})
            assert response.status_code == 200
            answers[at] = response.content.decode()
    return answers


def test_a_whole_weekday_and_weekend_every_five_minutes_hide_nothing_due(
    live_server, family, browser, client, settings
):
    settings.WALL_POLL_SECONDS = 3600  # the walk swaps the panels itself
    started = clock.monotonic()
    walk = {day: [(m, expected_at(family, m)) for m in moments(day)] for day in DAYS}
    answers = panels(client, family, walk)
    prepared = round(clock.monotonic() - started, 1)
    panel = f"{live_server.url}{reverse('wall-panel', args=[family.token])}?at="
    problems, counted, took = [], {}, {}

    def answer(route):
        at = route.request.url.split("?at=")[1].replace("%3A", ":")
        route.fulfill(status=200, content_type="text/html; charset=utf-8", body=answers[at])

    for width, height in LAYOUTS:
        context = browser.new_context(viewport={"width": width, "height": height})
        page = context.new_page()
        page.route(f"{panel}*", answer)
        errors = []
        page.on("pageerror", lambda error, errors=errors: errors.append(str(error)))
        # Opened at the walk's last moment: the page's nightly reload is then
        # after every moment swapped in, and never interrupts the walk.
        last = walk[DAYS[-1]][-1][0]
        page.goto(f"{live_server.url}{family.get_absolute_url()}?at={last:%Y-%m-%dT%H:%M}")
        checked, layout_started = 0, clock.monotonic()
        for day in DAYS:
            for moment, expected in walk[day]:
                at = f"{moment:%Y-%m-%dT%H:%M}"
                now = page.evaluate(SWAP, panel + at)
                assert int(now) == int(moment.timestamp() * 1000), f"{at}: not swapped in"
                found = page.evaluate(CHECK, expected)
                problems += [f"{width}x{height} {at}: {p}" for p in found["problems"]]
                checked += 1
        problems += [f"{width}x{height}: script error {e}" for e in errors]
        counted[f"{width}x{height}"] = checked
        took[f"{width}x{height}"] = round(clock.monotonic() - layout_started, 1)
        context.close()
    seconds = round(clock.monotonic() - started, 1)
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "day-walk.json").write_text(
        json.dumps(
            {
                "days": [d.isoformat() for d in DAYS],
                "step_minutes": STEP.seconds // 60,
                "moments_per_layout": counted,
                "moments_checked": sum(counted.values()),
                "failures": len(problems),
                "seconds": seconds,
                "seconds_to_render_the_panels_and_ask_the_planner": prepared,
                "seconds_per_layout": took,
                "load_average": os.getloadavg()[0],
            },
            indent=1,
        )
    )
    assert sum(counted.values()) == len(LAYOUTS) * len(DAYS) * 288
    assert not problems, "\n".join(problems[:60])


SHOTS = [
    ("0750-routine-and-burnables", datetime(2026, 11, 26, 7, 50, tzinfo=TOKYO)),
    ("1655-two-at-once", datetime(2026, 11, 26, 16, 55, tzinfo=TOKYO)),
    ("1900-evening", datetime(2026, 11, 26, 19, 0, tzinfo=TOKYO)),
    ("1231-0730-new-years-eve", datetime(2026, 12, 31, 7, 30, tzinfo=TOKYO)),
]


@pytest.mark.parametrize(("width", "height"), [(1024, 600), (600, 1024)])
def test_the_moments_of_the_issue_show_what_is_due_what_comes_next_and_every_childs_stars(
    live_server, family, browser, width, height
):
    folder = ARTIFACTS / "day"
    folder.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    for name, moment in SHOTS:
        page.goto(f"{live_server.url}{family.get_absolute_url()}?at={moment:%Y-%m-%dT%H:%M}")
        page.wait_for_timeout(100)
        found = page.evaluate(CHECK, expected_at(family, moment))
        page.screenshot(path=str(folder / f"wall-{name}-{width}x{height}.png"))
        assert found["problems"] == [], (name, found["problems"])
    # 7:50: the burnables are due by 8:00 beside both children's routines.
    page.goto(f"{live_server.url}{family.get_absolute_url()}?at=2026-11-26T07:50")
    soon = page.locator(".soon .chore", has_text="燃やすごみ")
    assert soon.is_visible()
    assert page.locator(".routine").count() == 2
    # New Year's Eve: no burnables today, and why, before 8:00.
    page.goto(f"{live_server.url}{family.get_absolute_url()}?at=2026-12-31T07:30")
    off = page.locator(".chore-off", has_text="燃やすごみ")
    assert off.is_visible()
    assert "年末年始" in off.inner_text() and "きょうは なし" in off.inner_text()
    assert page.locator(".year-marks .label").first.inner_text().startswith("らいねん")
    context.close()


READING_SIZES = """() => {
  function sizes(selector) {
    return [].slice.call(document.querySelectorAll(selector)).filter(function (el) {
      return el.getBoundingClientRect().width > 0;
    }).map(function (el) { return parseFloat(getComputedStyle(el).fontSize); });
  }
  return {
    chores: sizes('.chore .chore-title rt'),
    blocks: sizes('.hero.is-current .hero-title rt, .next-item.is-then .next-title rt'),
  };
}"""


@pytest.mark.parametrize(("width", "height"), LAYOUTS)
def test_a_chores_reading_is_as_large_as_a_blocks(live_server, family, browser, width, height):
    family.show_readings = True
    family.save()
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    # 7:10: breakfast (あさごはん) on, the burnables (もやすごみ) due by 8:00.
    page.goto(f"{live_server.url}{family.get_absolute_url()}?at=2026-11-26T07:10")
    page.wait_for_timeout(100)
    found = page.evaluate(READING_SIZES)
    assert found["chores"] and found["blocks"], found
    assert min(found["chores"]) >= max(found["blocks"]), found
    assert min(found["chores"]) >= 18
    if (width, height) == (1024, 600):
        page.screenshot(path=str(ARTIFACTS / "wall-readings-1024x600.png"))
    context.close()
