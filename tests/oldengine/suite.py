"""How the old-engine test modules run their checks: every selected engine at
once, each in a thread with its own gunicorn, Xvfb screen and browser, going
through the module's checks in order; a test per engine and check waits for
its result.

Shared by tests/test_oldengine.py (the wall at fixed moments),
tests/test_oldengine_clock.py (the tablet's real path: a running clock, taps,
cues, the chime, the drift), tests/test_oldengine_soak.py and
tests/test_oldengine_layout.py. What a check asserts comes from the engine
itself (the page's state, what tests/oldengine/prelude.js recorded, the
console) and from the server (its access log, its database).
"""

from __future__ import annotations

import contextlib
import itertools
import json
import re
import shutil
import sqlite3
import tempfile
import threading
import time
import traceback
import urllib.request
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from datetime import time as dt_time
from pathlib import Path

import pytest
from django.conf import settings

from scripts.old_engines import ENGINES, Engine
from tests.oldengine.clock import TOKYO, FastClock
from tests.oldengine.harness import Browser, Console, Screen, WallServer

ARTIFACTS = Path(settings.BASE_DIR) / "test-artifacts"
# A finger's smallest target: Apple's and Google's guidelines say 44 px (iOS
# points) and 48 dp; what a child taps on the wall is never smaller than 44 px.
TAP_PX = 44

# What an engine may say on its console without it being a fault of the wall.
# QtWebKit does not know CSP's frame-ancestors; X-Frame-Options: DENY still
# keeps the wall out of frames there (test_oldengine.py's framing check).
KNOWN_CONSOLE = (re.compile(r"Unrecognized Content-Security-Policy directive 'frame-ancestors'"),)
# htmx logs each error event's bare name to the console; which of those are faults
# is HTMX_FAULTS' call (a poll that a tap called off is no fault).
HTMX_LOG = re.compile(r"htmx:[A-Za-z:]+")
# htmx's events that mean the wall did not do what it should.
HTMX_FAULTS = {
    "htmx:swapError",
    "htmx:onLoadError",
    "htmx:invalidPath",
    "htmx:targetError",
    "htmx:badResponseUrl",
    "htmx:syntax:error",
}

# Helpers for the page, prepended to each script a check runs (ES5: PhantomJS too).
PAGE = """
function panel() { return document.getElementById("panel"); }
function has(el, name) { return !!el && (" " + el.className + " ").indexOf(" " + name + " ") >= 0; }
function text(el) { return el ? el.textContent.replace(/\\s+/g, " ").replace(/^ | $/g, "") : null; }
function chore(title) {
  var list = document.querySelectorAll("#panel .chore");
  for (var i = 0; i < list.length; i++) {
    if (text(list[i].querySelector(".main-text")) === title) { return list[i]; }
  }
  return null;
}
function shown(el) {
  if (!el) { return false; }
  var box = el.getBoundingClientRect();
  return box.width > 0 && box.height > 0 && getComputedStyle(el).visibility !== "hidden";
}
function heroes() {
  var found = [], list = document.querySelectorAll("#panel .hero.is-current .main-text");
  for (var i = 0; i < list.length; i++) { found.push(text(list[i])); }
  return found;
}
function rect(el) {
  if (!el) { return null; }
  var box = el.getBoundingClientRect();
  return [box.left, box.top, box.width, box.height];
}
function target(el) {
  if (!el) { return null; }
  var box = el.getBoundingClientRect(), x = box.left + box.width / 2, y = box.top + box.height / 2;
  var on = document.elementFromPoint(x, y);
  return {x: x, y: y, w: box.width, h: box.height, hit: !!on && (on === el || el.contains(on)),
          on: on ? on.tagName.toLowerCase() + "." + (on.getAttribute("class") || "") : null};
}
function swapsSince(at) {
  var found = [], events = window.__hibi.events;
  for (var i = 0; i < events.length; i++) {
    if (events[i].type === "htmx:afterSwap" && events[i].at >= at) { found.push(events[i].at); }
  }
  return found;
}
"""


# Every Session.open() of this run gets a # of its own.
LOADS = itertools.count(1)


# What the wall shows now, read in one go (one tick of the page's script made it).
SCREEN = """
var p = panel(), out = {clock: text(document.querySelector(".day .js-clock")), heroes: [],
  dayEnd: p ? parseInt(p.getAttribute("data-day-end"), 10) : 0, night: has(p, "is-night")};
var list = document.querySelectorAll("#panel .hero.is-current");
for (var i = 0; i < list.length; i++) {
  /* A gap between blocks has no title of its own: the wall calls it free time,
   * the server's now.json leaves its title empty. */
  out.heroes.push({title: has(list[i], "is-free") ? "" : text(list[i].querySelector(".main-text")),
                   left: text(list[i].querySelector('.js-left[lang="en"]'))});
}
return out;
"""
LEFT = re.compile(r"(?:(\d+) h)? ?(?:(\d+) min)? left")


def minutes_in(countdown: str | None) -> int | None:
    """'1 h 50 min left' -> 110, as the wall's English countdown says it."""
    found = LEFT.fullmatch(countdown or "")
    if not found or not any(found.groups()):
        return None
    hours, minutes = (int(part or 0) for part in found.groups())
    return 60 * hours + minutes


@dataclass
class Session:
    """What a check works with: one engine, its server and its page."""

    engine: Engine
    server: WallServer
    browser: Browser
    figures: dict = field(default_factory=dict)  # measured, for test-artifacts/
    _console: Console | None = None

    def open(self, at: str = "", width: int = 1024, height: int = 600, hash: str = "") -> None:
        # Always a #, a new one each time: a load without one is the page's own
        # reload (prelude.js), and an engine asked for the address it shows,
        # # and all, only scrolls.
        url = self.server.wall_url(at) + f"#{hash or 'open'}&load={next(LOADS)}"
        assert self.browser.open(url, width, height), "the page did not load"
        # The page's own scripts have run once DOMContentLoaded has passed.
        assert self.page("return !!window.htmx && !!panel();"), "no htmx or no panel"

    def page(self, body: str):
        return self.browser.js(PAGE + body)

    def wait_for(self, expression: str, timeout: float, every: float = 0.2) -> object:
        deadline = time.monotonic() + timeout
        while True:
            value = self.page(f"return ({expression});")
            if value or time.monotonic() > deadline:
                return value
            time.sleep(every)

    def tap(self, expression: str, what: str = "") -> float:
        """A finger on the element `expression` names, at its centre, through the
        window system; the real time of the tap (ms). Fails when the element is
        smaller than a finger or something else is on top of it there."""
        what = what or expression
        box = self.page(f"return target({expression});")
        assert box, f"nothing to tap: {what}"
        assert min(box["w"], box["h"]) >= TAP_PX, (
            f"{what} is {box['w']:.0f}×{box['h']:.0f} px: under {TAP_PX} px for a finger"
        )
        assert box["hit"], f"{what}: {box['on']} is on top of it at its centre"
        before = time.time() * 1000
        self.browser.tap(box["x"], box["y"])
        taps = self.page("return window.__hibi.taps;")
        assert taps and taps[-1] >= before - 50, f"{what}: the page felt no tap"
        return taps[-1]

    def shot(self, what: str) -> None:
        self.browser.shot(ARTIFACTS / f"oldengine-{self.engine.name}-{what}.png")

    def faults(self) -> list[str]:
        """Uncaught errors, htmx's error events and the console's complaints."""
        record = self.page("return window.__hibi;") or {"errors": [], "events": []}
        found = list(record["errors"])
        found += [f"{e['type']} on {e['tag']}#{e['id']}" for e in record["events"]
                  if e["type"] in HTMX_FAULTS]  # fmt: skip
        for message in self.browser.console():
            text = message["text"].strip()
            if HTMX_LOG.fullmatch(text):
                continue  # htmx naming one of its events; the prelude judged those
            if message["level"] >= 1 and not any(k.search(text) for k in KNOWN_CONSOLE):
                found.append(f"console: {text}")
        return found

    def assert_no_faults(self) -> None:
        faults = self.faults()
        assert not faults, "\n".join(faults)

    def mark(self) -> int:
        return len(self.server.access())

    def requests_since(self, mark: int, part: str) -> list:
        return [a for a in self.server.access()[mark:] if part in a.path]

    def shell(self, code: str) -> str:
        return self.server.shell(code)

    @property
    def console(self) -> Console:
        """A shell kept open on the server's database: an edit costs milliseconds."""
        if self._console is None:
            self._console = self.server.console()
        return self._console

    def rename_block(self, old: str, new: str) -> None:
        """An edit as the admin makes it: the model's save, which bumps the revision."""
        self.console.run(
            "from schedule.models import Block\n"
            f"for b in Block.objects.filter(title_ja={old!r}):\n"
            f"    b.title_ja = {new!r}\n"
            "    b.save()\n"
        )

    def step_rows(self, day: str) -> int:
        with sqlite3.connect(self.server.data_dir / "db.sqlite3", timeout=10) as db:
            (count,) = db.execute(
                "SELECT count(*) FROM schedule_stepdone WHERE date = ?", (day,)
            ).fetchone()
        return count

    def done_rows(self, chore: str, day: str) -> int:
        with sqlite3.connect(self.server.data_dir / "db.sqlite3", timeout=10) as db:
            (count,) = db.execute(
                "SELECT count(*) FROM schedule_choredone d JOIN schedule_chore c "
                "ON c.id = d.chore_id WHERE c.title_ja = ? AND d.date = ?",
                (chore, day),
            ).fetchone()
        return count

    def now_json(self, moment: datetime | None = None) -> dict:
        """What the server says the wall shows, now or at `moment` (its minute)."""
        url = f"{self.server.url}/d/{self.server.token}/now.json"
        if moment is not None:
            url += f"?at={moment:%Y-%m-%dT%H:%M}"
        with urllib.request.urlopen(url, timeout=10) as response:
            return json.loads(response.read())

    def screen_against(self, clock: FastClock, slack_s: float = 1.5) -> dict:
        """Is the screen right? Its clock no further behind the server's than a tick
        of the page's script and `slack_s` of real time (never ahead), and the
        current blocks and their countdowns what the server says for the minute the
        clock shows. Answers the screen, the lag (real seconds) and what is wrong."""
        shown = self.page(SCREEN)
        server_now = clock.now()
        if not shown["clock"] or not shown["dayEnd"]:
            return {"shown": shown, "lag_s": None, "wrong": ["no panel (reloading?)"]}
        day = (datetime.fromtimestamp(shown["dayEnd"] / 1000, TOKYO) - timedelta(days=1)).date()
        hours, minutes = (int(part) for part in shown["clock"].split(":"))
        minute = datetime.combine(day, dt_time(hours, minutes), TOKYO)
        wrong = []
        tick_s = max(0.1, 5 / clock.rate)  # kiosk.js's TICK_MS at this rate
        # The page's moment lies in the minute its clock shows: how long ago that
        # minute began on the server's clock, in simulated seconds.
        since = (server_now - minute).total_seconds()
        if since < -slack_s * clock.rate:
            wrong.append(f"the clock {shown['clock']} is ahead of the server's {server_now:%T}")
        if since - 60 > (tick_s + slack_s) * clock.rate:
            wrong.append(f"the clock {shown['clock']} is behind the server's {server_now:%T}")
        said = self.now_json(minute)
        expected = {b["title_ja"]: b["minutes_left"] for b in said["current"]}
        titles = {h["title"]: minutes_in(h["left"]) for h in shown["heroes"]}
        if set(titles) != set(expected):
            wrong.append(
                f"at {minute:%H:%M} the wall shows {sorted(titles)}, the server {sorted(expected)}"
            )
        else:
            wrong += [
                f"{title}: '{h['left']}', the server says {expected[title]} min"
                for h in shown["heroes"]
                if (title := h["title"]) and titles[title] != expected[title]
            ]
        return {"shown": shown, "lag_s": round((since - 30) / clock.rate, 2), "wrong": wrong}

    def close(self) -> None:
        if self._console is not None:
            self._console.close()
            self._console = None


Check = Callable[[Session], None]


def checks() -> tuple[dict[str, Check], Callable[[Check], Check]]:
    """A module's ordered checks and the decorator that lists one."""
    found: dict[str, Check] = {}

    def check(fn: Check) -> Check:
        found[fn.__name__] = fn
        return fn

    return found, check


@dataclass
class Outcome:
    ok: bool
    message: str = ""
    seconds: float = 0.0


@dataclass
class Setup:
    """How a module's engines are run."""

    poll: int = 2  # seconds between the wall's polls on the test servers
    engines: tuple[str, ...] = ()  # only these engines (default: every one)
    workers: int = 0  # engines at once (default: all); fewer where timing is asserted
    browser_env: dict[str, str] = field(default_factory=dict)
    chromium_flags: str = ""


class EngineRun:
    """One engine through a module's checks, in order, in a thread of its own."""

    def __init__(
        self,
        engine: Engine,
        workdir: Path,
        checks: dict[str, Check],
        prepared: WallServer,
        setup: Setup,
        name: str,
    ):
        self.engine = engine
        self.name = name
        self.prepared = prepared
        self.setup = setup
        self.workdir = workdir / engine.name
        self.checks = checks
        self.outcomes: dict[str, Outcome] = {}
        self.figures: dict = {}
        self.ready = {name: threading.Event() for name in self.checks}

    def result(self, check_name: str, timeout: float = 1800) -> Outcome:
        if not self.ready[check_name].wait(timeout):
            return Outcome(False, f"{self.engine.name} did not reach {check_name} in time")
        return self.outcomes[check_name]

    def _finish(self, name: str, outcome: Outcome) -> None:
        self.outcomes[name] = outcome
        self.ready[name].set()

    def run(self) -> None:
        if not self.engine.installed():
            for name in self.checks:
                self._finish(
                    name,
                    Outcome(False, f"{self.engine.name} is not installed: run `make old-engines` "
                                   "(make test does; root for its Debian packages)"),
                )  # fmt: skip
            return
        server = screen = browser = session = None
        try:
            server = self.prepared.copy_of(self.workdir / "data")
            server.start()
            screen = Screen()
            browser = Browser(
                self.engine,
                screen,
                self.workdir / "engine.log",
                chromium_flags=self.setup.chromium_flags,
                env=self.setup.browser_env,
            )
            session = Session(self.engine, server, browser, self.figures)
            for name, fn in self.checks.items():
                started = time.monotonic()
                try:
                    fn(session)
                    outcome = Outcome(True)
                except Exception as error:  # a failed check must not stop the others
                    where = traceback.extract_tb(error.__traceback__)[-1]
                    outcome = Outcome(
                        False, f"{type(error).__name__}: {error} (line {where.lineno})"
                    )
                    if server.process is None:
                        server.start()
                outcome.seconds = round(time.monotonic() - started, 1)
                self._finish(name, outcome)
        except Exception as error:
            message = f"{self.engine.name} could not run: {type(error).__name__}: {error}"
            for name in self.checks:
                if name not in self.outcomes:
                    self._finish(name, Outcome(False, message))
        finally:
            for part in (session, browser, screen, server):
                if part is not None:
                    with contextlib.suppress(Exception):
                        part.close()
            log = self.workdir / "engine.log"
            if log.exists():
                ARTIFACTS.mkdir(exist_ok=True)
                shutil.copy(log, ARTIFACTS / f"oldengine-{self.engine.name}-{self.name}.log")


def run_engines(
    request: pytest.FixtureRequest, checks: dict[str, Check], setup: Setup, name: str
) -> Iterator[dict[str, EngineRun]]:
    """Every engine the module's selected tests name starts (`-k chromium49`,
    `-k night` run only those), goes through the selected checks, and leaves
    its outcomes and figures in test-artifacts/oldengine-<name>.json."""
    selected = [
        params
        for item in request.session.items
        if item.module is request.module
        and "engine" in (params := getattr(getattr(item, "callspec", None), "params", {}))
    ]
    chosen = {params["check_name"] for params in selected}
    engines = {params["engine"].name for params in selected}
    workdir = Path(tempfile.mkdtemp(prefix=f"hibi-{name}-"))
    ARTIFACTS.mkdir(exist_ok=True)
    prepared = WallServer(
        workdir / "prepared", setup.poll, HIBI_STATIC_ROOT=str(workdir / "static")
    )
    prepared.prepare()  # once; each engine's server gets a copy of its database
    found = {
        e.name: EngineRun(
            e, workdir, {k: fn for k, fn in checks.items() if k in chosen}, prepared, setup, name
        )
        for e in ENGINES
        if e.name in engines
    }
    workers = min(setup.workers or len(found), len(found)) or 1
    pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix=name)
    futures = [pool.submit(run.run) for run in found.values()]
    yield found
    for future in futures:
        future.result()
    pool.shutdown()
    shutil.rmtree(workdir, ignore_errors=True)
    # The table engine × check, with each failure's reason, each check's time and
    # what the checks measured.
    table = {
        engine: {
            "checks": {check: asdict(outcome) for check, outcome in run.outcomes.items()},
            "figures": run.figures,
        }
        for engine, run in found.items()
    }
    (ARTIFACTS / f"oldengine-{name}.json").write_text(json.dumps(table, indent=1, default=str))


def report(runs: dict[str, EngineRun], engine: Engine, check_name: str) -> None:
    outcome = runs[engine.name].result(check_name)
    if outcome.ok:
        return
    if not engine.target:
        pytest.xfail(f"{engine.engine} is older than the wall promises: {outcome.message}")
    pytest.fail(outcome.message, pytrace=False)


def engines(*names: str) -> list[Engine]:
    """The engines a module runs on (all of scripts/old_engines.py's by default)."""
    return [e for e in ENGINES if not names or e.name in names]
