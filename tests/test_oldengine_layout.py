"""The same parts of the wall in the same places on every engine, at both Fire 7 layouts.

Debian's Chromium (Playwright, headless: the modern reference) and each old
engine show the same wall at the same moments on a 1024×600 and a 600×1024
screen; the parts a child and a parent look for (the current block, its
countdown, the clock, the chores, the notes, the timeline, tonight's strip
beside the date, the bags, an announcement's banner) must be there or
not there alike, and where they are, no further apart than PLACE_PX. A part the
side column or the top line leaves out for room (kiosk.js's fitSide, fitTop)
is a part not there.

The moments are chosen, never today's: a weekday morning (two things at once,
chores missed, a note and the stars), a holiday evening (tomorrow's chores),
getting ready (the routines and the bags), a Saturday morning and the demo
day's dinner (its announcement over the wall).
"""

from __future__ import annotations

import os
import time

import pytest
from playwright.sync_api import sync_playwright

from tests.conftest import CHROMIUM
from tests.oldengine.harness import WallServer
from tests.oldengine.suite import Session, Setup, checks, engines, report, run_engines

pytestmark = pytest.mark.oldengine


SIZES = ((1024, 600), (600, 1024))
MOMENTS = (
    "2026-11-24T10:10",
    "2026-11-23T17:05",
    "2026-11-24T07:50",
    "2026-11-28T09:00",
    "2026-11-23T18:20",  # "dinner is ready!" (data/demo.py: 18:15 to 18:25 on the demo day)
)
# How far apart a part may be between two engines: fonts differ by a pixel a line.
PLACE_PX = 12

# Each part: the box around its visible elements, or null when none is shown.
PARTS = """
var parts = {
  block: "#panel .hero.is-current",
  countdown: "#panel .hero.is-current .hero-timer, #panel .hero.is-current .js-left",
  clock: "#panel .day .js-clock",
  chores: "#panel .side .chores",
  notes: "#panel .side .note",
  stars: "#panel .side .star-row",
  timeline: "#panel .timeline",
  routines: "#panel .side .routine",
  bags: "#panel .side .bags",
  tonight: "#panel .top .tonight .tn-item",
  announcement: "#panel .announcements .announcement"
};
function visible(el) {
  for (var a = el; a && a.nodeType === 1; a = a.parentNode) {
    var style = getComputedStyle(a);
    if (style.display === "none" || style.visibility === "hidden") { return false; }
  }
  var box = el.getBoundingClientRect();
  return box.width > 0 && box.height > 0;
}
var out = {};
for (var name in parts) {
  var list = document.querySelectorAll(parts[name]), box = null;
  for (var i = 0; i < list.length; i++) {
    if (!visible(list[i])) { continue; }
    var r = list[i].getBoundingClientRect();
    box = box ? [Math.min(box[0], r.left), Math.min(box[1], r.top),
                 Math.max(box[2], r.right), Math.max(box[3], r.bottom)]
              : [r.left, r.top, r.right, r.bottom];
  }
  out[name] = box ? box.map(function (v) { return Math.round(v); }) : null;
}
return out;
"""

CHECKS, check = checks()
REFERENCE: dict[tuple[str, int, int], dict] = {}


def measure(s: Session, at: str, width: int, height: int) -> dict:
    s.open(at, width, height)
    time.sleep(0.7)  # the first tick has fitted titles and the side column
    return s.page(PARTS)


def differences(old: dict, modern: dict) -> list[str]:
    found = []
    for part, box in modern.items():
        mine = old[part]
        if (mine is None) != (box is None):
            found.append(f"{part}: {'shown' if mine else 'not shown'} here, "
                         f"{'shown' if box else 'not shown'} on modern Chromium")  # fmt: skip
        elif mine and max(abs(a - b) for a, b in zip(mine, box, strict=True)) > PLACE_PX:
            found.append(f"{part}: {mine} here, {box} on modern Chromium")
    return found


# Differences understood and left as they are, each exactly: anything else, or
# this one on another engine, size or moment, still fails. WebKit 602 rounds a
# line's height to whole pixels (27 px where Chromium draws 27.5), so its chore
# rows are ~2 px shorter and the note, the first thing a full side column leaves
# out, fits with 5 px to spare where modern Chromium is 3 px over and drops it.
# Both follow the rule (nothing due is cut, the note goes first); making them
# agree means whole-pixel line heights everywhere and every layout checked again
# (the closing note of stop 32).
KNOWN = {
    ("webkit602", 1024, 600, "2026-11-24T10:10"): [
        "notes: shown here, not shown on modern Chromium"
    ],
}


def same_parts_as_modern_chromium(s: Session, width: int, height: int) -> None:
    found = {}
    for at in MOMENTS:
        parts = measure(s, at, width, height)
        s.figures[f"{at} {width}x{height}"] = parts
        wrong = differences(parts, REFERENCE[(at, width, height)])
        if wrong and wrong == KNOWN.get((s.engine.name, width, height, at)):
            s.figures[f"{at} {width}x{height} known"] = wrong
            continue
        if wrong:
            found[at] = wrong
            s.shot(f"parts-{at[5:].replace(':', '')}-{width}x{height}")
    assert not found, found
    s.assert_no_faults()


@check
def the_parts_are_where_modern_chromium_has_them_on_a_landscape_1024x600_screen(s: Session):
    same_parts_as_modern_chromium(s, 1024, 600)


@check
def the_parts_are_where_modern_chromium_has_them_on_a_portrait_600x1024_screen(s: Session):
    same_parts_as_modern_chromium(s, 600, 1024)


@pytest.fixture(scope="module")
def reference(tmp_path_factory):
    """Modern Chromium's parts at every moment and size, from a server of its own
    with the same demo family (no Playwright in the engines' threads)."""
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: apt-get install chromium (.ci/run does)")
    work = tmp_path_factory.mktemp("layout-reference")
    server = WallServer(work / "data", 30, HIBI_STATIC_ROOT=str(work / "static"))
    server.prepare()
    server.start()
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=CHROMIUM, headless=True, args=["--no-sandbox"]
            )
            for width, height in SIZES:
                page = browser.new_page(viewport={"width": width, "height": height})
                for at in MOMENTS:
                    page.goto(server.wall_url(at))
                    time.sleep(0.7)
                    REFERENCE[(at, width, height)] = page.evaluate(f"() => {{ {PARTS} }}")
                page.close()
            browser.close()
    finally:
        server.stop()
    return REFERENCE


@pytest.fixture(scope="module")
def runs(request, reference):
    yield from run_engines(request, CHECKS, Setup(poll=30), "layout")


@pytest.mark.parametrize("engine", engines(), ids=lambda engine: engine.name)
@pytest.mark.parametrize("check_name", list(CHECKS))
def test_the_parts_of_the_wall(runs, engine, check_name):
    report(runs, engine, check_name)
