"""The wall left alone for days on an old engine, its clock sped up: what it holds on to.

The server's household clock and the page's script run `rate` times as fast
(a test clock: tests/oldengine/clock.py), so a day passes in minutes with
everything a day brings: real polls, blocks ending, the night screen,
midnight's reload and the nightly one. Every simulated hour a parent edits
the plans through the ORM, and the page is measured:

- nodes: the document's nodes outside the polled panel (these never change:
  a leak there is a leak), and the panel's elements against the server's
  render of the same minute and version (the script adds no element to what
  the server sent; it does fill in texts, so text nodes are not compared);
- listeners on the window and the document, intervals running, timeouts
  waiting (tests/oldengine/prelude.js counts what the page registers);
- memory: the JS heap after a collection where the engine tells it
  (Chromium's performance.memory), and the engine's processes' RSS and PSS;
- the screen: its clock, current blocks and countdowns against the server's
  idea of the moment (Session.screen_against), and the parent's last edit shown.

Used by tests/test_oldengine_soak.py (a day, in CI) and bench/oldengine_soak.py
(`make soak`: a week, and the idle wall's CPU); nothing here asserts.
"""

from __future__ import annotations

import time
from datetime import timedelta

from tests.oldengine.clock import FastClock, moment
from tests.oldengine.processes import family_of, memory_kb, total_cpu
from tests.oldengine.suite import Session

# Chromium's heap figure, exact and after a full collection (driver flags).
CHROMIUM_FLAGS = "--enable-precise-memory-info --js-flags=--expose-gc"

SAMPLE = """
var live = window.__hibi.live(), p = panel();
function count(root, what) {
  var n = 0, walk = document.createTreeWalker(root, what || 0xFFFFFFFF, null, false);
  for (var node = walk.currentNode; node; node = walk.nextNode()) { n += 1; }
  return n;
}
if (!p) { return null; }
/* The server's render of the same minute: what the panel holds changes with the
   moment inside a version too (an hour's dot fewer on a long block's timer). */
var shown = new Date(parseInt(p.getAttribute("data-now"), 10) +
                     parseInt(p.getAttribute("data-utc-offset"), 10) * 60000);
function two(n) { return (n < 10 ? "0" : "") + n; }
var at = shown.getUTCFullYear() + "-" + two(shown.getUTCMonth() + 1) + "-" +
  two(shown.getUTCDate()) + "T" + two(shown.getUTCHours()) + ":" + two(shown.getUTCMinutes());
/* Asked asynchronously (sample() waits for it): a synchronous request makes
   Chromium warn on the console, which would read as the wall's fault. */
var fresh = new XMLHttpRequest(), version = p.getAttribute("data-version");
window.__fresh = undefined;
fresh.onload = function () {
  var holder = document.implementation.createHTMLDocument("").createElement("div");
  holder.innerHTML = fresh.responseText;
  var rendered = holder.firstElementChild;
  window.__fresh = rendered && rendered.getAttribute("data-version") === version
    ? count(rendered, 1) : null;
};
fresh.onerror = function () { window.__fresh = null; };
fresh.open("GET", p.getAttribute("hx-get") + "?at=" + at, true);
fresh.send();
if (typeof gc === "function") { gc(); }
return {
  nodes: live.nodes,
  outside: live.nodes - count(p),
  panel: count(p, 1),
  globalListeners: live.globalListeners,
  listeners: live.listeners,
  intervals: live.intervals,
  timeouts: live.timeouts,
  heap: window.performance && performance.memory ? performance.memory.usedJSHeapSize : null,
  swaps: window.__hibi.swaps,
  shows: text(p).indexOf(EDITED) >= 0
};
"""
# The parent's hourly edit: the bath's English title, one way and back.
EDITS = ("Bath", "Tub")


def edit(session: Session, title: str) -> None:
    session.console.run(
        "from schedule.models import Block\n"
        "for b in Block.objects.filter(title_ja='お風呂'):\n"
        f"    b.title_en = {title!r}\n"
        "    b.save()\n"
    )


def sample(session: Session, clock: FastClock, edited: str) -> dict:
    """One measurement; the page may be reloading itself: then it is asked again."""
    for _ in range(20):
        page = session.page(SAMPLE.replace("EDITED", repr(edited)))
        if page is not None:
            break
        time.sleep(0.25)
    else:
        raise AssertionError("no wall to measure for 5 s")
    # The server's render of the same minute (a page reloading meanwhile has none).
    fresh = None
    if session.wait_for("window.__fresh !== undefined", 5):
        fresh = session.page("return window.__fresh === undefined ? null : window.__fresh;")
    screen = session.screen_against(clock)
    pids = session.browser.pids()
    return {
        "moment": clock.now().isoformat(timespec="minutes"),
        **page,
        "fresh": fresh,
        **memory_kb(pids),
        "cpu_s": round(total_cpu(pids), 2),
        "lag_s": screen["lag_s"],
        "wrong": screen["wrong"],
    }


def soak(session: Session, start: str, hours: int, rate: int = 480, poll: int = 2) -> dict:
    """`hours` simulated hours from `start` (a Tokyo moment); every sample and a summary."""
    session.server.env["WALL_POLL_SECONDS"] = str(poll)
    clock = FastClock(moment(start), rate)
    session.server.set_clock(clock)
    edit(session, EDITS[0])
    session.open(hash="bench")
    mark = session.mark()
    first = moment(start).replace(minute=0, second=0) + timedelta(hours=1)
    samples = []
    for hour in range(hours):
        clock.sleep_until(first + timedelta(hours=hour, minutes=30))
        edited = EDITS[hour % 2]
        samples.append({"hour": hour, **sample(session, clock, edited)})
        edit(session, EDITS[(hour + 1) % 2])  # shown by the next hour's sample
    polls = session.requests_since(mark, "/panel")
    return {
        "engine": session.engine.name,
        "rate": rate,
        "poll_seconds": poll,
        "hours": hours,
        "polls": len(polls),
        "changed_polls": sum(1 for p in polls if p.status == 200),
        # Each reload asks for the page twice: the probe, then the reload itself.
        "page_loads": sum(
            1
            for a in session.server.access()[mark:]
            if a.path.split("?")[0] == f"/d/{session.server.token}/"
        ),
        "samples": samples,
        "summary": summary(samples),
    }


def per_day(samples: list[dict], key: str, skip_hours: int = 3) -> float | None:
    """Growth of `key` per simulated day: the least-squares slope after the first hours."""
    points = [(s["hour"], s[key]) for s in samples[skip_hours:] if s.get(key) is not None]
    if len(points) < 3:
        return None
    n = len(points)
    mean_x = sum(x for x, _ in points) / n
    mean_y = sum(y for _, y in points) / n
    spread = sum((x - mean_x) ** 2 for x, _ in points)
    slope = sum((x - mean_x) * (y - mean_y) for x, y in points) / spread
    return slope * 24


def summary(samples: list[dict]) -> dict:
    kb = 1024
    heap = per_day(samples, "heap")
    return {
        "outside_nodes": sorted({s["outside"] for s in samples}),
        "panel_vs_fresh": sorted({s["panel"] - s["fresh"] for s in samples if s["fresh"]}),
        "nodes_min_max": [min(s["nodes"] for s in samples), max(s["nodes"] for s in samples)],
        "global_listeners": sorted({s["globalListeners"] for s in samples}),
        "intervals": sorted({s["intervals"] for s in samples}),
        "timeouts_max": max(s["timeouts"] for s in samples),
        "heap_mb_per_day": round(heap / kb / kb, 3) if heap is not None else None,
        "rss_mb_per_day": round((per_day(samples, "rss_kb") or 0) / kb, 3),
        "pss_mb_per_day": round((per_day(samples, "pss_kb") or 0) / kb, 3),
        "rss_mb_first_last": [
            round(samples[0]["rss_kb"] / kb, 1),
            round(samples[-1]["rss_kb"] / kb, 1),
        ],
        "lag_s_max": max((s["lag_s"] for s in samples if s["lag_s"] is not None), default=None),
        "wrong": [(s["moment"], w) for s in samples for w in s["wrong"]],
        "edits_not_shown": [s["moment"] for s in samples[1:] if not s["shows"]],
    }


def idle_cpu(session: Session, start: str, seconds: float, poll: int = 30) -> dict:
    """The wall doing nothing but tick and poll, at real speed, for `seconds`: the
    CPU the engine's processes used, in percent of one core."""
    session.server.env["WALL_POLL_SECONDS"] = str(poll)
    session.server.set_clock(FastClock(moment(start), 1))
    session.open(hash="bench")
    time.sleep(10)  # the first paint and the sprite settle
    pids = family_of(session.browser.process.pid)
    mark = session.mark()
    before, began = total_cpu(pids), time.monotonic()
    time.sleep(seconds)
    used, elapsed = total_cpu(pids) - before, time.monotonic() - began
    polls = session.requests_since(mark, "/panel")
    return {
        "engine": session.engine.name,
        "seconds": round(elapsed),
        "poll_seconds": poll,
        "polls": len(polls),
        "cpu_pct_of_a_core": round(100 * used / elapsed, 2),
    }
