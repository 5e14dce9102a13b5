"""The wall on the old engines as a tablet lives it: no `?at=`, a clock that runs.

tests/test_oldengine.py shows the wall at fixed moments and moves the page's
clock by jumps; here the server's household clock runs (a test clock,
HIBI_CLOCK_* in config/settings.py: tests/oldengine/clock.py), from a chosen
moment, at real speed or faster, and the page's script runs at the same rate:

- at real speed, with the real poll interval (30 s) and the tablet's own clock
  8 s behind the server's: a minute passes, a block ends, midnight comes and the
  page reloads, the nightly hour comes and it reloads again;
- the warnings 5 and 2 minutes before a change, and the chime: silent, with
  "tap to turn the sound on" in both languages, until a finger taps the wall;
- the slow drift of the picture stays within its margin over the hours;
- a tap racing a poll at every minute of an hour, blocks changing in between;
- inside Fully Kiosk Browser (a stand-in `fully`, prelude.js): the battery
  reported, the warnings spoken, the screen dark for the night; a child's
  timer on the disc through a swap and a reload, to its end, and a long press.

Every engine of scripts/old_engines.py runs these, side by side (see
tests/oldengine/suite.py); nothing here reads the real date.
"""

from __future__ import annotations

import itertools
import time
from datetime import timedelta

import pytest

from tests.oldengine.clock import FastClock, moment
from tests.oldengine.suite import Session, Setup, checks, engines, report, run_engines

pytestmark = pytest.mark.oldengine

SLACK = 4  # seconds a busy machine may add to anything the page waits for
TICK = 5  # seconds between the page's ticks at real speed (kiosk.js TICK_MS)
REAL_POLL = 30  # the interval a family's tablet polls at (WALL_POLL_SECONDS' default)
TABLET = "tablet=-8000"  # the tablet's own clock, 8 s behind the server's (prelude.js)

CHECKS, check = checks()


def run_clock(s: Session, start: str, rate: int = 1, poll: int = 2) -> FastClock:
    """The server's household clock from `start` on (a Tokyo moment), restarting it."""
    s.server.env["WALL_POLL_SECONDS"] = str(poll)
    clock = FastClock(moment(start), rate)
    s.server.set_clock(clock)
    return clock


def clock_text(s: Session) -> str:
    return s.page('return text(document.querySelector(".day .js-clock"));')


def last_poll(s: Session, mark: int) -> int | None:
    polls = s.requests_since(mark, "/panel")
    return polls[-1].status if polls else None


def assert_screen_right(s: Session, clock: FastClock) -> None:
    found = s.screen_against(clock)
    assert not found["wrong"], found


FULLY = "return window.__hibi.fully;"

TIMER = """
var box = document.getElementById("timer"), chooser = document.getElementById("timer-choose");
var stored = window.name || null;
try {
  stored = window.localStorage.getItem("hibi-timer:" + location.pathname) || stored;
} catch (e) {}
return {there: !!box, shown: shown(box), choosing: shown(chooser), cue: has(box, "is-cue"),
        last: has(box, "is-cue-last"), stored: stored,
        left: box ? text(box.querySelector('.js-left[lang="en"]')) : null};
"""
# A finger held on the running timer: the engine's own mouse events, pressed
# now and let go by the page's long-press after HOLD_MS (the driver's taps
# press and let go at once).
HOLD = """
var e = document.createEvent("MouseEvents");
e.initMouseEvent("mousedown", true, true, window, 1, 0, 0, 0, 0,
                 false, false, false, false, 0, null);
document.getElementById("timer").dispatchEvent(e);
return true;
"""


def set_display(s: Session, **fields) -> None:
    values = ", ".join(f"{k}={v!r}" for k, v in fields.items())
    s.console.run(f"from schedule.models import Display\nDisplay.objects.update({values})")


@check
def in_fully_kiosk_the_battery_is_reported_the_warnings_spoken_and_the_night_dark(s: Session):
    set_display(s, spoken_cues=True)
    try:
        # 30× real speed, as the chime's check: clean-up's warnings at 17:15 and
        # 17:18, Roomba at 17:20; the wall speaks both languages' walls in Japanese.
        clock = run_clock(s, "2026-11-23T17:08:00", rate=30)
        mark = s.mark()
        # From the last check's wall, "#fully" alone would be a jump within the
        # same page: a blank page first, so that the stand-in is there from the start.
        s.browser.open("about:blank")
        s.open(hash="fully")
        deadline = time.monotonic() + SLACK
        while not s.requests_since(mark, "/battery") and time.monotonic() < deadline:
            time.sleep(0.2)
        reports = s.requests_since(mark, "/battery")
        assert [r.status for r in reports] == [204], reports
        level = s.console.run(
            "from schedule.models import Display\n"
            "result = list(Display.objects.values_list('battery_level', 'battery_charging'))"
        )
        assert level == [[57, True]] or level == [(57, True)], level
        clock.sleep_until(moment("2026-11-23T17:16:00"))
        clock.sleep_until(moment("2026-11-23T17:18:30"))
        clock.sleep_until(moment("2026-11-23T17:20:30"))
        spoken = s.page(FULLY)["spoken"]
        s.figures["spoken"] = spoken
        assert [locale for _text, locale in spoken] == ["ja-JP"] * 3, spoken
        assert "5" in spoken[0][0] and "2" in spoken[1][0], spoken
        assert spoken[2][0] == "ルンバ", spoken
        assert s.page("return window.__hibi.plays.length;") == 0, "a chime as well as the voice"
        # The night, shown at a moment of its own (the clock still runs 30× as
        # fast): the screen off at once, on again at the night's end (6:00).
        s.open(at="2026-11-24T05:59", hash="fully&night")  # a page of its own on every engine
        assert s.page(FULLY)["screen"] == ["off"], s.page(FULLY)
        assert s.wait_for('window.__hibi.fully.screen.join() === "off,on"', 2 + SLACK), s.page(
            'return [panel().className, text(document.querySelector(".day .js-clock")),'
            " window.__hibi.fully.screen];"
        )
        s.assert_no_faults()
    finally:
        set_display(s, spoken_cues=False, battery_level=None, battery_charging=None)


@check
def a_childs_timer_outlives_a_swap_and_a_reload_warns_ends_and_stops_with_a_long_press(
    s: Session,
):
    # 30× real speed: a 5-minute timer lasts 10 s, its 2-minute warning after 6 s.
    # From 17:01, so that clean-up (until 17:20) is on for the whole check.
    run_clock(s, "2026-11-23T17:01:00", rate=30)
    s.open()
    assert not s.page(TIMER)["shown"]
    s.tap('document.querySelector("#panel .hero.is-current .hero-timer")', "the disc")
    assert s.wait_for('shown(document.getElementById("timer-choose"))', SLACK), "no choices"
    s.tap("document.querySelector('.js-timer-choice[data-minutes=\"5\"]')", "5 minutes")
    timer = s.page(TIMER)
    assert timer["shown"] and not timer["choosing"] and timer["left"] == "5 min left", timer
    s.figures["timer_taps"] = 2
    try:
        s.rename_block("お片付け", "おかたづけ")
        assert s.wait_for('heroes().indexOf("おかたづけ") >= 0', 2 + SLACK), "no swap"
        assert s.page(TIMER)["shown"], "the swap stopped the timer"
    finally:
        s.rename_block("おかたづけ", "お片付け")
    s.open()
    assert s.page(TIMER)["shown"], "the reload stopped the timer"
    # A short tap on the running timer leaves it running.
    s.tap('document.getElementById("timer")', "the timer")
    assert s.wait_for("(function () {" + TIMER + "})().last", 8 + SLACK), s.page(TIMER)
    assert s.page(TIMER)["shown"], "a short tap stopped it"
    assert s.wait_for("!(function () {" + TIMER + "})().shown", 6 + SLACK), "never ended"
    assert s.page(TIMER)["stored"] is None, "an ended timer is kept for the next reload"
    # One more, stopped by a finger held on it.
    s.tap('document.querySelector("#panel .hero.is-current .hero-timer")', "the disc")
    s.tap("document.querySelector('.js-timer-choice[data-minutes=\"15\"]')", "15 minutes")
    assert s.page(TIMER)["left"] == "15 min left"
    s.page(HOLD)
    assert s.wait_for("!(function () {" + TIMER + "})().shown", 1 + SLACK), "still running"
    s.shot("timer-stopped")
    s.assert_no_faults()
    # The next check opens the wall with "#tablet=…": from this wall's address
    # that would be a jump within the same page, not a fresh one.
    s.browser.open("about:blank")


@check
def a_running_clock_moves_the_minute_and_the_block_and_polls_every_30_seconds(s: Session):
    clock = run_clock(s, "2026-11-23T17:18:45", poll=REAL_POLL)
    mark = s.mark()
    s.open(hash=TABLET)
    assert s.page("return window.__hibiShift;") == -8000, "the tablet's clock is the server's"
    assert_screen_right(s, clock)
    assert clock_text(s) == "17:18" and s.page("return heroes();") == ["お片付け"]
    # A minute passes: the clock and the countdown follow without the server.
    clock.sleep_until(moment("2026-11-23T17:19:00"))
    assert s.wait_for('text(document.querySelector(".day .js-clock")) === "17:19"', TICK + SLACK)
    assert_screen_right(s, clock)
    # The block ends at 17:20: the next one is current before any poll brings it.
    clock.sleep_until(moment("2026-11-23T17:20:00"))
    assert s.wait_for('heroes().join() === "ルンバ"', TICK + SLACK), s.page("return heroes();")
    changed = [p for p in s.requests_since(mark, "/panel") if p.status != 204]
    assert changed == [], f"a changed panel came before the page moved on by itself: {changed}"
    assert_screen_right(s, clock)
    # The next poll, 30 s after the last, brings the new version: a changed panel.
    # (The page loaded some 2 s after 17:18:45, so its polls come at about :17 and
    # :47 past each minute: none between 17:20 and the page's own move.)
    deadline = time.monotonic() + REAL_POLL + SLACK
    while time.monotonic() < deadline and last_poll(s, mark) != 200:
        time.sleep(0.5)
    polls = s.requests_since(mark, "/panel")
    assert all("at=" not in p.path and "v=" in p.path for p in polls), polls
    assert [p.status for p in polls][-1:] == [200], f"no changed panel after 17:20: {polls}"
    times = [e["at"] for e in s.page("return window.__hibi.events;")
             if e["type"] == "htmx:beforeSend" and e["id"] == "panel"]  # fmt: skip
    gaps = [round((b - a) / 1000, 1) for a, b in itertools.pairwise(times)]
    s.figures["poll_gaps_s"] = gaps
    assert all(abs(gap - REAL_POLL) <= 1.5 for gap in gaps), gaps
    assert_screen_right(s, clock)
    s.assert_no_faults()


def reloads_by_itself(
    s: Session, start: str, due: str, what: str, rate: int = 1, ahead: int = 0
) -> None:
    clock = run_clock(s, start, rate, poll=REAL_POLL)
    s.open(hash=TABLET)
    s.page("window.sameDocument = true; return true;")
    # A reload planned `ahead` minutes before it is due: a page loaded later plans the
    # next one, and a machine too busy to load it in time says so, not that it did not.
    assert clock.now() < moment(due) - timedelta(minutes=ahead), (
        f"too slow: the page loaded at {clock.now():%T}, {ahead} min or less before {what}"
    )
    mark = s.mark()
    clock.sleep_until(moment(due))
    reloaded = s.wait_for("window.sameDocument !== true", 10 + TICK + SLACK)
    assert reloaded, f"no reload at {what}: the server's clock {clock.now():%T}, the page's " + str(
        s.page(
            'return [text(document.querySelector(".day .js-clock")), '
            'document.getElementById("wall").getAttribute("data-reload-at")];'
        )
    )
    assert s.wait_for("!!window.htmx && !!panel()", SLACK), "no wall after the reload"
    pages = [a for a in s.server.access()[mark:] if a.path.startswith(f"/d/{s.server.token}/")]
    pages = [a for a in pages if "/panel" not in a.path and "/now.json" not in a.path]
    assert len(pages) >= 2 and {a.status for a in pages} == {200}, pages  # probe, reload
    assert all("at=" not in a.path for a in pages), pages
    assert_screen_right(s, clock)


@check
def the_page_reloads_itself_after_midnight_and_at_the_nightly_hour(s: Session):
    reloads_by_itself(s, "2026-11-24T23:59:45", "2026-11-25T00:00:10", "midnight")
    assert s.page('return text(document.querySelector(".day .date-text"));').startswith("11月25日")
    # The nightly reload is planned at least a minute ahead (a page loaded at 2:59:50
    # reloads the next night): from 2:55, at 10× real speed, 24 s for a slow start.
    reloads_by_itself(s, "2026-11-25T02:55:00", "2026-11-25T03:00:00", "3:00", rate=10, ahead=1)
    s.assert_no_faults()


SOUND = """
var prompt = document.getElementById("sound"), said = {};
var spans = prompt ? prompt.querySelectorAll("[lang]") : [];
for (var i = 0; i < spans.length; i++) { said[spans[i].getAttribute("lang")] = text(spans[i]); }
return {shown: shown(prompt), said: said, plays: window.__hibi.plays.length,
        playing: window.__hibi.playing.length};
"""
CUE = """
var hero = document.querySelector("#panel .hero.is-current"),
    then = document.querySelector("#panel .next-item.is-then");
return {cue: has(hero, "is-cue"), last: has(hero, "is-cue-last"), then: has(then, "is-cue")};
"""


@check
def the_warnings_come_5_and_2_minutes_before_a_change_and_chime_after_a_first_tap(s: Session):
    s.console.run("from schedule.models import Display\nDisplay.objects.update(chime=True)")
    try:
        # 30× real speed: clean-up ends at 17:20; its warnings at 17:15 and 17:18.
        # Started early, so that a slow start still finds the wall before them.
        clock = run_clock(s, "2026-11-23T17:08:00", rate=30)
        s.open()
        clock.sleep_until(moment("2026-11-23T17:14:00"))
        sound = s.page(SOUND)
        assert sound["shown"], "no 'tap to turn the sound on' on a wall with the chime"
        assert set(sound["said"]) == {"ja", "en"} and all(sound["said"].values()), sound
        early = s.page(CUE)
        # A machine too busy to look in time says so, not that the warning came early.
        assert clock.now() < moment("2026-11-23T17:15:00"), "too slow to look before 17:15"
        assert early == {"cue": False, "last": False, "then": False}
        clock.sleep_until(moment("2026-11-23T17:16:00"))
        assert s.page(CUE) == {"cue": True, "last": False, "then": True}, "no 5-minute warning"
        assert s.page(SOUND)["plays"] == 0, "a chime before anyone tapped: refused on tablets"
        s.tap('document.getElementById("sound")', "'tap to turn the sound on'")
        assert s.wait_for('!shown(document.getElementById("sound"))', SLACK), "still asks"
        # Debian's QtWebKit is built without <audio> (Safari's WebKit has it): there
        # the wall can only warn in pictures, and must not fail for it.
        sounds = s.page('return typeof document.querySelector(".js-chime").play === "function";')
        s.figures["chime"] = "played" if sounds else "no <audio> in this engine's build"
        assert s.page(SOUND)["plays"] == int(sounds), "the tap that turns the sound on chimes"
        clock.sleep_until(moment("2026-11-23T17:18:30"))
        assert s.page(CUE) == {"cue": True, "last": True, "then": True}, "no 2-minute warning"
        assert s.page(SOUND)["plays"] == 2 * sounds, "no chime with the 2-minute warning"
        clock.sleep_until(moment("2026-11-23T17:20:30"))
        assert s.page("return heroes();") == ["ルンバ"]
        sound = s.page(SOUND)
        assert sound["plays"] == 3 * sounds, "no chime at the change"
        # Whether the engine's media stack really played it (Xvfb has no sound card).
        s.figures["chime_playing_events"] = sound["playing"]
        assert_screen_right(s, clock)
        s.assert_no_faults()
    finally:
        s.console.run("from schedule.models import Display\nDisplay.objects.update(chime=False)")


DRIFT = """
var box = document.querySelector(".js-drift").getBoundingClientRect();
return [box.left, box.top, box.right - innerWidth, box.bottom - innerHeight];
"""


@check
def the_picture_drifts_within_its_margin_over_the_hours(s: Session):
    # 480× real speed: a drift step every 4 minutes is one every half second.
    run_clock(s, "2026-11-24T10:00:00", rate=480)
    s.open()
    seen = []
    for _ in range(40):  # 10 s: some 80 minutes of the household's day
        seen.append([round(v, 1) for v in s.page(DRIFT)])
        time.sleep(0.25)
    places = {(left, top) for left, top, _right, _bottom in seen}
    s.figures["drift_places"] = len(places)
    assert len(places) >= 5, f"the picture hardly moved: {sorted(places)}"
    # The drifting layer is 8 px larger than the screen on every side: no edge shows.
    for left, top, right, bottom in seen:
        assert left <= 0 and top <= 0 and right >= 0 and bottom >= 0, (left, top, right, bottom)
        assert min(left, top, -right, -bottom) >= -16, (left, top, right, bottom)
    s.assert_no_faults()


# At every minute the page's clock turns, a poll goes out from the panel (as
# htmx's own timer sends it: the same request, the same events) and, once the
# server has begun to answer (or, every other minute, has answered all but the
# swap), the Roomba's chore is tapped: each answer wants to replace the panel.
# A tap on the poll's readystatechange makes the race certain on every engine;
# a finger's tap could not be timed into that window. A race ends when its
# tap's answer is in; a poll the wall called off because a tap was still out is
# sent again. Each race notes whether the wall showed what the previous tap wanted.
RACES = """
var races = window.__races = [], current = null, lastClock = null, tapXhr = null;
function roomba() { return chore("ルンバのスイッチ"); }
function sendPoll() {
  var p = panel();
  current.sent = Date.now();
  /* Not behind a poll already out: htmx would queue it, and a queued htmx.ajax's
   * promise, rejected when the tap calls it off, is one nobody catches. */
  if ((p["htmx-internal-data"] || {}).xhr) { return; }
  current.sends += 1;
  var sent = htmx.ajax("GET", p.getAttribute("hx-get"), {source: p, target: p, swap: "outerHTML"});
  if (sent && sent.then) { sent.then(null, function () {}); }  /* the tap calls the poll off */
}
document.body.addEventListener("htmx:beforeSend", function (evt) {
  var entry = current;
  if (entry && entry.tappedAt && evt.target.getAttribute("hx-post")) {
    entry.tap = "sent";
    tapXhr = evt.detail.xhr;
  }
  if (!entry || entry.polled || evt.target !== panel()) { return; }
  var poll = evt.detail.xhr, p = panel();
  entry.polled = true;
  poll.addEventListener("readystatechange", function () {
    if (entry.inFlight !== null || poll.readyState < entry.at) { return; }
    entry.inFlight = poll.readyState < 4 || panel() === p;
    entry.tappedAt = Date.now();
    roomba().querySelector("button").click();
  });
});
/* By its request: htmx tells of a request whose button the answer replaced on an
 * element still in the page, as that element's own. */
document.addEventListener("htmx:afterRequest", function (evt) {
  if (current && current.tap && evt.detail.xhr === tapXhr) {
    current.over = true;
    current.tap = evt.detail.xhr.status;
    current.tookMs = Date.now() - current.tappedAt;
  }
});
function race() {
  if (current && !current.over) {
    if (current.tappedAt && Date.now() - current.tappedAt > 3000) {
      var out = (panel()["htmx-internal-data"] || {}).xhr;
      current.over = true;
      current.stuck = {tap: current.tap ? tapXhr.readyState : null,
                       panelXhr: out ? out.readyState : null};
    }
    else if (!current.polled && Date.now() - current.sent > 150) { sendPoll(); }
    return;
  }
  var shownClock = text(document.querySelector(".day .js-clock"));
  if (shownClock === lastClock || races.length >= 60) { return; }
  lastClock = shownClock;
  var previous = races[races.length - 1];
  if (previous) { previous.shown = has(roomba(), "is-done") === previous.wanted; }
  /* Every other minute the tap comes once the poll's answer is complete but not
   * yet swapped in (readyState 4), else as soon as its headers are in. */
  current = {clock: shownClock, wanted: !has(roomba(), "is-done"), inFlight: null,
             at: races.length % 2 ? 4 : 2,
             polled: false, over: false, tappedAt: 0, sent: 0, tap: null, began: Date.now(),
             stuck: false, sends: 0, tookMs: null};
  races.push(current);
  sendPoll();
}
window.__raceTimer = setInterval(race, 20);
return true;
"""


@check
def a_tap_racing_a_poll_at_every_minute_of_an_hour_is_never_lost(s: Session):
    # 30× real speed, a minute in two seconds: an hour of holiday evening, with
    # clean-up starting at 17:00, the Roomba at 17:20 and both their warnings in it.
    clock = run_clock(s, "2026-11-23T16:15:00", rate=30)  # 30 s for a slow start
    s.open()
    mark = s.mark()
    clock.sleep_until(moment("2026-11-23T16:30:00"))
    s.page(RACES)
    # A race a minute from here on: a machine too busy to start them in time says so.
    assert clock.now() < moment("2026-11-23T16:31:00"), f"too slow: races from {clock.now():%T}"
    clock.sleep_until(moment("2026-11-23T17:30:00"))
    s.wait_for("window.__races.length >= 60", 10 + SLACK)
    time.sleep(1)
    s.page("clearInterval(window.__raceTimer); return true;")
    races = s.page("return window.__races;")
    s.figures["races_stuck"] = [(r["clock"], r["stuck"]) for r in races if r["stuck"]]
    s.figures["polls_sent_again"] = sum(r["sends"] - 1 for r in races)
    # The last tap's result, as the others' were read when the next race began.
    last = races[-1]
    last["shown"] = s.page('return has(chore("ルンバのスイッチ"), "is-done");') == last["wanted"]
    minutes = [r["clock"] for r in races]
    s.figures["races"] = len(races)
    assert len(set(minutes)) == 60, f"not a race at every minute: {minutes}"
    assert all(r["inFlight"] for r in races), [r for r in races if not r["inFlight"]]
    # A lost tap is told with the page's bookkeeping of its race (which readyState
    # it came at, whether its request went out, how long it took) and the server's
    # answers to the taps: enough to tell a wall's fault from the machine's.
    lost = [r for r in races if not r["shown"]]
    taps = s.requests_since(mark, "/done")
    assert not lost, f"taps the wall did not show: {lost}; the server's answers: {taps}"
    assert len(taps) == 60 and {t.status for t in taps} == {200}, taps
    assert s.done_rows("ルンバのスイッチ", "2026-11-23") == int(races[-1]["wanted"])
    assert_screen_right(s, clock)
    s.assert_no_faults()


@pytest.fixture(scope="module")
def runs(request):
    yield from run_engines(request, CHECKS, Setup(), "clock")


@pytest.mark.parametrize("engine", engines(), ids=lambda engine: engine.name)
@pytest.mark.parametrize("check_name", list(CHECKS))
def test_the_wall_on_a_running_clock(runs, engine, check_name):
    report(runs, engine, check_name)
