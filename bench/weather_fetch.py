"""The worker's weather fetch, measured: time, bytes and memory of one sync.

The recorded JMA documents (tests/fixtures/jma/) are served from a local
server on 127.0.0.1 (nothing reaches the internet), and schedule.weather's
sync() reads them as the worker does, through the calendars' bounded fetch.
Each case runs RUNS times in a fresh SQLite database; per case the median and
the slowest wall time, the bytes the server sent, the peak of Python's
allocations (tracemalloc) during one sync, and what the sync stored. The
process's peak RSS closes the file (after every case, so the worst of them).

    .venv/bin/python bench/weather_fetch.py   # writes bench/results/weather-fetch.txt

A figure, never an assertion: a test asserting a time fails on a busy machine.
"""

from __future__ import annotations

import gzip
import http.server
import logging
import os
import platform
import resource
import statistics
import sys
import tempfile
import threading
import time
import tracemalloc
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
DATA_DIR = tempfile.mkdtemp(prefix="hibi-weather-bench-")
os.environ.update(
    DJANGO_SETTINGS_MODULE="config.settings",
    SECRET_KEY="bench-only-secret-key-" + "x" * 40,
    DEBUG="0",
    DATA_DIR=DATA_DIR,
)

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402

from schedule.weather import jma, sync  # noqa: E402
from schedule.weather.models import WeatherPlace, WeatherReport  # noqa: E402

RUNS = 20
FIXTURES = ROOT / "tests" / "fixtures" / "jma"
RESULT = ROOT / "bench" / "results" / "weather-fetch.txt"
FORECAST_PATH = "/forecast/data/forecast/130000.json"
WARNINGS_PATH = "/warning/data/warning/130000.json"
EVENING = datetime(2026, 1, 5, 17, 20, tzinfo=ZoneInfo("Asia/Tokyo"))


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


FORECAST = fixture("forecast_130000_20260105T1700.json")
CUT_SHORT = fixture("forecast_130000_cut_short.json")
NONE = fixture("warning_130000_20260105T1630_none.json")
STORM = fixture("warning_130000_20260106T0642_storm.json")
# (case, forecast body, warnings body, gzip the answers)
CASES = [
    ("recorded forecast + no warnings", FORECAST, NONE, False),
    ("recorded forecast + storm warnings", FORECAST, STORM, False),
    ("the same, gzipped on the wire", FORECAST, STORM, True),
    ("malformed forecast (cut short)", CUT_SHORT, NONE, False),
    ("hostile: 511 KB of nested lists", b"[" * (511 * 1024) + b"]", NONE, False),
    ("hostile: 2 MB, over the 512 KB cap", b" " * (2 * 1024 * 1024), NONE, False),
]


class Server:
    """Serves one forecast and one warnings body, counting the bytes it sends."""

    def __init__(self) -> None:
        bench = self
        self.bodies: dict[str, bytes] = {}
        self.gzip = False
        self.sent = 0

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                body = bench.bodies.get(self.path.split("?")[0])
                if body is None:
                    self.send_response(404)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                if bench.gzip:
                    body = gzip.compress(body)
                    self.send_header("Content-Encoding", "gzip")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                try:
                    self.wfile.write(body)
                    bench.sent += len(body)
                except OSError:  # the client stopped reading at the size cap
                    pass

            def log_message(self, format, *args) -> None:
                pass

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}"


def one_sync(server: Server) -> tuple[float, int, int, str, list[str]]:
    WeatherReport.objects.all().delete()
    server.sent = 0
    tracemalloc.start()
    started = time.perf_counter()
    read = sync.sync(EVENING, force=True)
    seconds = time.perf_counter() - started
    _current, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    return seconds, server.sent, peak, WeatherPlace.objects.get().error_code, read


def main() -> None:
    # Each problem is in the table; the worker's log line would only repeat it.
    logging.getLogger("schedule.weather.sync").setLevel(logging.ERROR)
    call_command("migrate", "--no-input", verbosity=0)
    WeatherPlace.objects.create(office="130000", area="130010", city="1310300", point="44132")
    server = Server()
    jma.BASE = server.url
    lines = [
        "Hibi: the worker's weather fetch (bench/weather_fetch.py)",
        f"{datetime.now().astimezone():%Y-%m-%d %H:%M %Z} · Python {platform.python_version()}"
        f" · {platform.machine()} · {os.cpu_count()} CPUs · {RUNS} runs per case",
        "One sync = the forecast and the warnings of office 130000 from a local server,",
        "through calendars/fetch.py (one 10 s deadline, 512 KB per document).",
        "bytes: written by the server (over the cap, the socket's buffers took more than the",
        "worker read before it hung up); peak: Python's allocations during one sync.",
        "",
        f"{'case':<38} {'median ms':>9} {'max ms':>7} {'bytes':>9} {'peak KB':>8}"
        "  stored / problem",
    ]
    for name, forecast, warnings, zipped in CASES:
        server.bodies = {FORECAST_PATH: forecast, WARNINGS_PATH: warnings}
        server.gzip = zipped
        runs = [one_sync(server) for _ in range(RUNS)]
        times = [run[0] * 1000 for run in runs]
        _s, sent, _p, problem, read = runs[-1]
        peak = max(run[2] for run in runs)
        outcome = ", ".join(read) or "nothing"
        if problem:
            outcome += f" / {problem}"
        lines.append(
            f"{name:<38} {statistics.median(times):>9.1f} {max(times):>7.1f} {sent:>9,}"
            f" {peak / 1024:>8,.0f}  {outcome}"
        )
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss  # KB on Linux
    lines += ["", f"peak RSS of the bench process (Django, SQLite, all cases): {rss / 1024:.0f} MB"]
    RESULT.write_text("\n".join(lines) + "\n")
    print("\n".join(lines))


if __name__ == "__main__":
    main()
