"""The wall in the old engines it was built for, served as a family serves it.

Every engine of scripts/old_engines.py (Chromium 49-61 through QtWebEngine,
WebKit 602 through QtWebKit, PhantomJS as a report) gets its own gunicorn
(config/gunicorn.conf.py, its own DATA_DIR with the demo family, polls every
POLL seconds) and its own Xvfb screen, and goes through CHECKS in order. The
engines run side by side in threads, so the module takes as long as the
slowest engine; each test below waits for one engine's result of one check.

What a check asserts comes from the engine itself (the page's state, errors
recorded by tests/oldengine/prelude.js, the console) and from the server
(its access log, the database). Screenshots go to
test-artifacts/oldengine-<engine>-<what>.png.

An engine that is not installed fails its tests with the command that
installs it (`make old-engines`; `make test` runs it first).
"""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
from django.conf import settings

from scripts.old_engines import ENGINES
from tests.oldengine.suite import Session, Setup, checks, engines, report, run_engines
from tests.wallmeasure import SMALLEST_DISC_PX, SMALLEST_SPLIT_DISC_PX, measure_script

pytestmark = pytest.mark.oldengine

POLL = 2  # seconds between the wall's polls on the test servers
SLACK = 4  # seconds a busy machine may add to anything the page waits for
# What a change may take beyond one poll interval to be on the screen: the
# server's answer, and the engine's parse and swap on a machine running
# several engines at once.
POLL_MARGIN_MS = 1000
# A tap's result (saved, and the fresh panel on the screen) within a second.
TAP_MS = 1000

WEEKDAY_MORNING = "2026-11-24T10:10"  # work and school; three chores
HOLIDAY_EVENING = "2026-11-23T17:05"  # clean-up, then the Roomba at 17:20
READY = "2026-11-24T07:50"  # getting ready to go: each child's morning routine
BEFORE_THE_ROOMBA = "2026-11-23T17:19"
NIGHT = "2026-11-24T22:10"
BEFORE_MIDNIGHT = "2026-11-24T23:58"

# Every icon the wall shows is an SVG <use> of the sprite; one is drawn when
# its referenced symbol was found and laid out (a non-empty bounding box).
ICONS = """
var uses = document.querySelectorAll("#panel use"), seen = 0, drawn = 0, missing = [];
for (var i = 0; i < uses.length; i++) {
  var svg = uses[i].parentNode;
  if (!shown(svg)) { continue; }
  seen += 1;
  var box = null;
  try { box = uses[i].getBBox(); } catch (e) { box = null; }
  if (box && box.width > 0 && box.height > 0) { drawn += 1; }
  else { missing.push(uses[i].getAttribute("xlink:href") || uses[i].getAttribute("href")); }
}
return {seen: seen, drawn: drawn, missing: missing.slice(0, 5)};
"""


CHECKS, check = checks()


@check
def htmx_and_the_walls_script_run_without_errors(s: Session) -> None:
    mark = s.mark()
    s.open(WEEKDAY_MORNING)
    assert s.page("return htmx.version;") == "1.9.12"
    assert s.page('return !!panel()["htmx-internal-data"];'), "htmx did not take the panel"
    time.sleep(2 * POLL + 1)
    s.assert_no_faults()
    loaded = s.server.access()[mark:]
    # css, 4 js (watchdog, domparser, htmx, kiosk)
    assert [a.status for a in loaded if "/static/" in a.path] == [200] * 5, loaded
    # The wall's script ticks: a minute later the clock says so, with no request.
    s.browser.advance(60_000)
    assert s.wait_for('text(document.querySelector(".day .js-clock")) === "10:11"', 5 + SLACK)


@check
def the_panel_polls_every_interval_and_gets_204(s: Session) -> None:
    s.open(WEEKDAY_MORNING)
    mark = s.mark()
    time.sleep(3 * POLL + 1)
    polls = s.requests_since(mark, "/panel")
    assert 3 <= len(polls) <= 5, polls
    assert {p.status for p in polls} == {204}
    assert all("v=" in p.path and "at=" in p.path for p in polls)
    s.assert_no_faults()


def shown_within(s: Session, since_ms: float, expression: str, budget_ms: float) -> float:
    """How long after `since_ms` (real time) the swap that made `expression` true came:
    the page's own record of its swaps, so the test's waiting adds nothing to it."""
    assert s.wait_for(expression, budget_ms / 1000 + SLACK), f"never shown: {expression}"
    swaps = s.page(f"return swapsSince({since_ms});")
    assert swaps, "shown without a swap"
    return swaps[0] - since_ms


@check
def a_change_shows_within_one_poll_and_every_icon_is_still_drawn(s: Session) -> None:
    s.open(WEEKDAY_MORNING)
    before = s.wait_for("(function () {" + ICONS + "})().drawn >= 10 && true", 5)
    icons = s.page(ICONS)
    assert before and icons["seen"] == icons["drawn"], icons
    s.shot("before-change")
    delays = []
    try:
        # Three edits at three points of the poll's cycle: each is on the wall
        # by the next poll, whenever in the interval the parent saved it.
        for n, (old, new) in enumerate((("お仕事", "おしごと"), ("おしごと", "お仕事")) * 2):
            time.sleep(POLL * n / 4)
            s.rename_block(old, new)
            saved = time.time() * 1000
            delay = shown_within(s, saved, f'heroes().indexOf("{new}") >= 0', POLL * 1000)
            delays.append(round(delay))
        s.figures["change_shown_ms"] = delays
        assert max(delays) <= POLL * 1000 + POLL_MARGIN_MS, (
            f"a change took {max(delays)} ms to show; the wall polls every {POLL} s: {delays}"
        )
        s.rename_block("お仕事", "おしごと")
        assert s.wait_for('heroes().indexOf("おしごと") >= 0', POLL + SLACK)
        time.sleep(0.5)
        after = s.page(ICONS)
        s.shot("after-change")
        assert after["seen"] >= icons["seen"] - 2, (icons, after)
        assert after["drawn"] == after["seen"], f"icons lost in the swap: {after}"
        s.assert_no_faults()
    finally:
        s.rename_block("おしごと", "お仕事")


@check
def without_an_html_domparser_or_a_url_constructor_the_wall_still_updates(s: Session) -> None:
    """What Safari 9.0 (iOS 9.0-9.2) lacks, taken away from this engine (prelude.js)."""
    s.open(WEEKDAY_MORNING, hash="emulate=safari9")
    assert s.page(
        'return window.__hibi.emulated === "safari9" && typeof URL !== "function"'
        ' && !!new DOMParser().parseFromString("<p>x</p>", "text/html").body;'
    ), "the page could not parse HTML as Safari 9.0 would need to"
    s.rename_block("お昼休み", "おひるやすみ")
    try:
        shows = s.wait_for('text(panel()).indexOf("おひるやすみ") >= 0', POLL + SLACK)
        assert shows, "no change reached the wall"
        assert s.page(ICONS)["drawn"] > 0
        s.assert_no_faults()
    finally:
        s.rename_block("おひるやすみ", "お昼休み")


@check
def the_clock_and_the_current_block_move_on_without_a_new_panel(s: Session) -> None:
    s.open(BEFORE_THE_ROOMBA)
    assert s.page("return heroes();") == ["お片付け"]
    mark = s.mark()
    s.browser.advance(70_000)
    moved = s.wait_for('heroes().join() === "ルンバ"', 5 + SLACK)
    assert moved, s.page("return heroes();")
    assert s.page('return text(document.querySelector(".day .js-clock"));') == "17:20"
    assert s.page('return document.querySelectorAll("#panel .tl-block.is-current").length;') == 1
    assert [p.status for p in s.requests_since(mark, "/panel") if p.status != 204] == []
    s.assert_no_faults()
    s.shot("after-boundary")


@check
def a_tapped_chore_is_saved_with_csrf_and_a_second_tap_undoes_it(s: Session) -> None:
    s.open(WEEKDAY_MORNING)
    mark = s.mark()
    plastics = 'chore("プラスチック").querySelector("button")'
    assert s.page('return !has(chore("プラスチック"), "is-done");')
    tapped = s.tap(plastics, "the plastics' chore")
    done = shown_within(s, tapped, 'has(chore("プラスチック"), "is-done")', TAP_MS)
    taps = s.requests_since(mark, "/done")
    assert [(t.method, t.status) for t in taps] == [("POST", 200)], taps  # 403 without CSRF
    assert s.done_rows("プラスチック", "2026-11-24") == 1
    s.shot("chore-done")
    tapped = s.tap(plastics, "the plastics' chore, done")
    undone = shown_within(s, tapped, '!has(chore("プラスチック"), "is-done")', TAP_MS)
    assert s.done_rows("プラスチック", "2026-11-24") == 0
    s.figures["tap_shown_ms"] = [round(done), round(undone)]
    assert max(done, undone) <= TAP_MS, f"a tap took {done:.0f} / {undone:.0f} ms to show"
    s.assert_no_faults()


# A poll is out and the server has begun to answer (its headers are in, the
# panel not yet swapped): the chore is tapped right then. The poll's answer is a
# changed panel (the revision moved), so both answers want to replace the panel.
# Tapping on the poll's readystatechange makes the race certain on every engine;
# a timer could fire after the poll had already been swapped in.
RACE = """
window.__race = {clicked: false, pollInFlightAtTap: null};
var armed = true;
document.body.addEventListener("htmx:beforeSend", function (evt) {
  if (!armed || evt.target.id !== "panel") { return; }
  armed = false;
  var poll = evt.detail.xhr;
  poll.addEventListener("readystatechange", function () {
    if (window.__race.clicked || poll.readyState < 2) { return; }
    window.__race.pollInFlightAtTap = poll.readyState < 4 || !window.__race.swapped;
    window.__race.clicked = true;
    chore("植物に水やり").querySelector("button").click();
  });
});
document.body.addEventListener("htmx:afterSwap", function () { window.__race.swapped = true; });
return true;
"""


@check
def a_tap_racing_a_poll_is_neither_lost_nor_an_error(s: Session) -> None:
    s.open(WEEKDAY_MORNING)
    s.shell("from schedule.models import Revision\nRevision.bump()")  # the next poll swaps
    s.page(RACE)
    assert s.wait_for("window.__race.clicked", POLL + SLACK), "no poll came to race"
    race = s.page("return window.__race;")
    assert race["pollInFlightAtTap"], f"the poll answered before the tap; no race: {race}"
    assert s.wait_for('has(chore("植物に水やり"), "is-done")', SLACK), "the tap was lost"
    time.sleep(2 * POLL + 1)  # later polls agree with the database
    assert s.page('return has(chore("植物に水やり"), "is-done");'), "the wall forgot the tap"
    assert s.done_rows("植物に水やり", "2026-11-24") == 1
    s.assert_no_faults()


@check
def offline_shows_a_badge_and_comes_back_without_a_reload(s: Session) -> None:
    s.open(WEEKDAY_MORNING)
    s.page("window.sameDocument = true; return true;")
    s.server.stop()
    try:
        assert s.wait_for('shown(document.getElementById("offline"))', 2 * POLL + SLACK)
        badge = s.page('return text(document.querySelector("#offline [lang=en]"));')
        assert re.fullmatch(r"Offline since 10:1\d", badge), badge
        assert s.page('return text(document.querySelector("#offline [lang=ja]"));')
        assert s.page("return heroes().length;") == 2, "the last good screen is gone"
        s.shot("offline")
        s.rename_block("保育園・学校", "ほいくえん・がっこう")
    finally:
        s.server.start()
    try:
        back = s.wait_for('!shown(document.getElementById("offline"))', 2 * POLL + SLACK)
        assert back, "the badge stayed after the server came back"
        assert s.wait_for('heroes().indexOf("ほいくえん・がっこう") >= 0', POLL + SLACK)
        assert s.page("return window.sameDocument === true;"), "the page reloaded"
        faults = [f for f in s.faults() if not f.startswith(("htmx:sendError", "console:"))]
        assert faults == []
    finally:
        s.rename_block("ほいくえん・がっこう", "保育園・学校")


@check
def a_tap_that_cannot_be_sent_says_not_saved_and_is_sent_again_once_back(s: Session) -> None:
    s.open(WEEKDAY_MORNING)
    s.server.stop()
    try:
        s.tap('chore("ルンバのスイッチ").querySelector("button")', "the Roomba's chore")
        marked = s.wait_for('has(chore("ルンバのスイッチ"), "is-unsaved")', SLACK)
        assert marked, "a tap that never reached the server looks like nothing happened"
        said = s.page(
            'var el = chore("ルンバのスイッチ").querySelectorAll(".unsaved [lang]"), out = {};'
            "for (var i = 0; i < el.length; i++) {"
            "  if (shown(el[i])) { out[el[i].getAttribute('lang')] = text(el[i]); } }"
            "return out;"
        )
        assert set(said) == {"ja", "en"} and all(said.values()), said
        s.shot("not-saved")
    finally:
        s.server.start()
    # Back online, the wall sends the tap again by itself, once.
    assert s.wait_for('!shown(document.getElementById("offline"))', 2 * POLL + SLACK)
    assert s.wait_for('has(chore("ルンバのスイッチ"), "is-done")', SLACK)
    assert s.page('return !has(chore("ルンバのスイッチ"), "is-unsaved");')
    assert s.done_rows("ルンバのスイッチ", "2026-11-24") == 1


@check
def a_childs_routine_is_tapped_through_step_by_step(s: Session) -> None:
    """The weekday's getting ready: はる's five steps, tapped one after another."""
    s.open(READY)
    card = 'document.querySelectorAll("#panel .routine")[0]'
    assert s.page(f"return !!{card} && shown({card}.querySelector('.step-done'));"), "no Done"
    for done in range(1, 6):
        s.tap(f"{card}.querySelector('.step-done')", f"step {done}'s Done")
        assert s.wait_for(f'{card}.querySelectorAll(".step.is-done").length === {done}', SLACK)
        if done == 2:
            s.shot("routine-step-3")
    assert s.wait_for(f"shown({card}.querySelector('.routine-done'))", SLACK)
    s.shot("routine-finished")
    assert s.step_rows(READY[:10]) == 5
    s.assert_no_faults()


@check
def the_night_screen_is_dark_with_the_clock(s: Session) -> None:
    s.open(NIGHT)
    assert s.page('return text(document.querySelector(".night-clock"));') == "22:10"
    assert s.page('return !shown(document.querySelector(".day"));')
    assert s.page("return getComputedStyle(panel()).backgroundColor;") == "rgb(0, 0, 0)"
    s.assert_no_faults()
    s.shot("night")


@check
def the_page_reloads_itself_after_the_date_changes(s: Session) -> None:
    s.open(BEFORE_MIDNIGHT)
    s.page("window.sameDocument = true; return true;")
    mark = s.mark()
    s.browser.advance(3 * 60_000)
    reloaded = s.wait_for("window.sameDocument !== true", 5 + 10 + SLACK)
    assert reloaded, "no reload after midnight"
    pages = [a for a in s.server.access()[mark:] if a.path.startswith(f"/d/{s.server.token}/?")]
    assert len(pages) >= 2 and {a.status for a in pages} == {200}, pages  # probe, reload
    assert s.wait_for("!!window.htmx && !!panel()", SLACK)


def layout_fits(s: Session, width: int, height: int) -> None:
    for name, at in (("weekday", WEEKDAY_MORNING), ("evening", HOLIDAY_EVENING)):
        s.open(at, width, height)
        time.sleep(0.5)
        boxes = s.page(
            "var out = {heroes: [], pies: [],"
            '  clock: rect(document.querySelector(".day .js-clock"))},'
            '  list = document.querySelectorAll("#panel .hero.is-current");'
            "for (var i = 0; i < list.length; i++) {"
            "  out.heroes.push(rect(list[i]));"
            "  out.pies.push(rect(list[i].querySelector('.pie'))); }"
            "window.scrollTo(300, 300);"
            "out.scrolled = [window.pageXOffset, window.pageYOffset];"
            "out.viewport = [window.innerWidth, window.innerHeight];"
            "return out;"
        )
        assert boxes["viewport"] == [width, height], boxes["viewport"]
        assert boxes["heroes"], "no current block"
        for box in [*boxes["heroes"], *boxes["pies"], boxes["clock"]]:
            x, y, w, h = box
            assert w > 0 and h > 0 and x >= 0 and y >= 0, (name, box)
            assert x + w <= width + 0.5 and y + h <= height + 0.5, (name, box, boxes)
        assert boxes["scrolled"] == [0, 0], (name, boxes["scrolled"])
        # What a child needs, as on a modern engine (tests/test_wall_child_browser.py).
        child = s.page(f"return ({measure_script(phone=False)})();")
        assert child["small"] + child["cut"] + child["broken"] == [], (name, child)
        smallest = SMALLEST_SPLIT_DISC_PX if child["split"] else SMALLEST_DISC_PX
        assert min(child["discs"]) >= smallest, (name, child["discs"])
        s.shot(f"{name}-{width}x{height}")
        s.assert_no_faults()


@check
def the_layout_keeps_the_day_on_a_landscape_1024x600_screen(s: Session) -> None:
    layout_fits(s, 1024, 600)


@check
def the_layout_keeps_the_day_on_a_portrait_600x1024_screen(s: Session) -> None:
    layout_fits(s, 600, 1024)


@check
def the_wall_refuses_to_be_framed(s: Session) -> None:
    s.open(WEEKDAY_MORNING)
    s.page(
        'var frame = document.createElement("iframe");'
        "frame.id = 'framed'; frame.src = location.href; frame.width = 400; frame.height = 300;"
        "document.body.appendChild(frame); return true;"
    )
    time.sleep(3)
    framed = s.page(
        'var frame = document.getElementById("framed"), doc = null;'
        "try { doc = frame.contentDocument; } catch (e) { return false; }"
        'return !!(doc && doc.getElementById("wall"));'
    )
    assert framed is False, "the wall was drawn inside a frame"


# The run --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def runs(request):
    yield from run_engines(request, CHECKS, Setup(poll=POLL), "results")


@pytest.mark.parametrize("engine", engines(), ids=lambda engine: engine.name)
@pytest.mark.parametrize("check_name", list(CHECKS))
def test_the_wall_on_an_old_engine(runs, engine, check_name):
    report(runs, engine, check_name)


def test_the_readme_lists_every_tested_engine():
    readme = (Path(settings.BASE_DIR) / "README.md").read_text()
    section = readme.split("## Tested engines", 1)[-1].split("\n## ", 1)[0]
    assert section != readme, "README.md has no 'Tested engines' section"
    rows = [line for line in section.splitlines() if line.startswith("|")]
    for engine in ENGINES:
        row = next((r for r in rows if f"| {engine.engine} |" in r), None)
        assert row is not None, f"README's table has no row for {engine.engine}"
        assert engine.devices in row, f"the row for {engine.engine} should say: {engine.devices}"
