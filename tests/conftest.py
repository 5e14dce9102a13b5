"""Shared fixtures: the demo family, plain planner data, a fixed household zone,
Debian's chromium for the browser tests."""

import os
from datetime import date, datetime, time
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine

from schedule import planner
from schedule.common import recurrence
from schedule.data.demo import load_demo_family

TOKYO = ZoneInfo("Asia/Tokyo")
CHROMIUM = "/usr/bin/chromium"


def pytest_addoption(parser):
    parser.addoption(
        "--at",
        dest="hibi_at",
        default=os.environ.get("HIBI_TEST_AT", ""),
        metavar="MOMENT",
        help="Run the whole suite with the clock moved to MOMENT (ISO 8601 with its offset, "
        "e.g. 2026-12-31T23:58+09:00); also HIBI_TEST_AT. No test may depend on the date "
        "it runs at: CI runs the fast lane once more at a hard one.",
    )


@pytest.fixture(scope="session", autouse=True)
def _clock_for_the_run(request):
    """The whole run's clock, moved when --at (or HIBI_TEST_AT) says so.

    It keeps ticking from the chosen moment, as a real clock does; a test that
    needs a moment of its own still freezes it (time_machine) or passes it
    (?at=, the planner's arguments). Each xdist worker starts its own travel,
    as the option reaches every worker.
    """
    at = request.config.getoption("hibi_at")
    if not at:
        yield None
        return
    moment = datetime.fromisoformat(at)
    if moment.tzinfo is None:
        raise pytest.UsageError(f"--at {at}: give the offset too, e.g. {at}+09:00")
    with time_machine.travel(moment, tick=True):
        yield moment


def pytest_report_header(config):
    at = config.getoption("hibi_at")
    return f"clock moved to {at} (--at / HIBI_TEST_AT)" if at else None


def pytest_collection_modifyitems(items):
    """A test that runs the real commands against a database of its own (the
    `scratch` fixture of test_backup.py) is slow: `make check` leaves it out."""
    for item in items:
        if "scratch" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.slow)


@pytest.fixture(scope="module")
def browser():
    """Debian's chromium, headless, one per test module (never a downloaded browser)."""
    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: apt-get install chromium (.ci/run does)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture(scope="session", autouse=True)
def _live_server_one_request_at_a_time():
    """The live server answers one request at a time.

    On SQLite the test database lives in memory, so Django hands the live
    server's threads the test's own connection; a page and its scripts asked
    for at once would use that one connection from several threads together,
    and a signed-in walk once saw its session missing half-way (a script sent
    to the sign-in page). Answered in turn, every request sees the database
    whole. Without threads the server closes each connection after its answer,
    so the browser's parallel requests wait in the listen queue, not forever.
    """
    from django.core.servers.basehttp import WSGIServer
    from django.test.testcases import LiveServerThread

    class OneAtATime(WSGIServer):
        def __init__(self, *args, connections_override=None, **kwargs):
            super().__init__(*args, **kwargs)
            self.connections_override = connections_override

    threaded = LiveServerThread.server_class
    LiveServerThread.server_class = OneAtATime
    yield
    LiveServerThread.server_class = threaded


LANES_THAT_START_PROCESSES = ("slow", "browser", "container", "oldengine")


@pytest.fixture(autouse=True)
def _fast_tests_start_no_process(request, monkeypatch):
    """The fast lane (make check) is fast because its tests run in this process:
    a test that starts a server, a command or a browser is marked slow (or
    browser, container, oldengine), or it fails here and says so."""
    if any(request.node.get_closest_marker(lane) for lane in LANES_THAT_START_PROCESSES):
        return
    import subprocess

    started = subprocess.Popen.__init__

    def refuse(self, args, *rest, **kwargs):
        pytest.fail(
            f"{request.node.nodeid} starts a process ({args!r:.120}): mark it "
            "@pytest.mark.slow, so that make check stays fast",
            pytrace=False,
        )
        started(self, args, *rest, **kwargs)  # unreachable: fail() raises

    monkeypatch.setattr(subprocess.Popen, "__init__", refuse)


@pytest.fixture(autouse=True)
def _fresh_wall_caches():
    """Each test has its own database, so no test may see another's cached wall:
    the per-process caches are keyed by display id and revision, which repeat
    from test to test as each test's data is rolled back."""
    from schedule.wall import polling

    polling.forget_times()
    yield
    polling.forget_times()


@pytest.fixture(autouse=True)
def _no_reading_helper(request, monkeypatch):
    """Saving a kanji title in the admin starts a helper process that loads a
    110 MB dictionary (schedule/readings.py); tests propose no reading, except
    those of readings.py itself."""
    if request.module.__name__.endswith("test_readings"):
        return
    from schedule.common import readings

    monkeypatch.setattr(readings, "propose", lambda titles: ["" for _title in titles])


# The day the tests' demo family is loaded on (勤労感謝の日, a Monday holiday):
# its notes, closures and examples are laid out around it.
DEMO_DAY = date(2026, 11, 23)


@pytest.fixture
def demo_display(db):
    """The demo family, loaded as `make run` loads it, and its living-room display."""
    return load_demo_family(DEMO_DAY)


def tokyo(day: date, hh_mm: str) -> datetime:
    return planner.at(day, time.fromisoformat(hh_mm), TOKYO)


def block(id, start, end, title="block", members=()) -> planner.BlockData:
    return planner.BlockData(
        id=id,
        start=time.fromisoformat(start),
        end=time.fromisoformat(end),
        title_ja=title,
        title_en=title,
        member_ids=tuple(members),
    )


def household(
    plans=(),
    tz=TOKYO,
    chores=(),
    overrides=None,
    members=(),
    done=(),
    notes=(),
    cancelled=(),
    closures=(),
    routines=None,
    steps_done=(),
    stars=None,
):
    return planner.Household.of(
        tz=tz,
        calendar=recurrence.holiday_calendar("JP"),
        plans=tuple(plans),
        overrides=dict(overrides or {}),
        members=tuple(members),
        chores=tuple(chores),
        done=frozenset(done),
        notes=tuple(notes),
        cancelled=frozenset(cancelled),
        closures=tuple(closures),
        routines=dict(routines or {}),
        steps_done=frozenset(steps_done),
        stars=stars,
    )


class LocalServer:
    """A real HTTP server on 127.0.0.1 for the worker to talk to: calendars to
    fetch, a phone's nudge service or a home automation's webhook to call.

    `answers[path]` is a list of (status, headers, body) used one after the
    other (the last one repeats), or a function of the request handler that
    answers itself. Every request is kept in `requests` as (method, path,
    headers, body).
    """

    def __init__(self):
        import http.server
        import threading

        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                self.answer()

            def do_POST(self):
                self.answer()

            def answer(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                server.requests.append((self.command, self.path, dict(self.headers), body))
                found = server.answers.get(self.path.split("?")[0])
                if callable(found):
                    found(self)
                    return
                if not found:
                    self.send_response(404)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                status, headers, content = found[0] if len(found) == 1 else found.pop(0)
                self.send_response(status)
                for name, value in headers.items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(content)))
                self.end_headers()
                self.wfile.write(content)

            def log_message(self, format, *args):
                pass

        self.answers: dict = {}
        self.requests: list = []
        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"

    def posts(self, path: str) -> list[bytes]:
        return [body for method, p, _h, body in self.requests if method == "POST" and p == path]

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def local_server():
    server = LocalServer()
    yield server
    server.close()
