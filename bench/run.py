"""Hibi's benchmarks: is the wall cheap for the server and for the tablet?

Everything is measured side by side in one run, on 127.0.0.1 only, against
the production settings and the production gunicorn config (its access log
included, written to a file as a container's log driver would), and written to
bench/results/latest.json. Times are reported, never asserted; the process
exits non-zero when a budget (BUDGETS, kept in step with README's Benchmarks)
is missed.

The run is a list of steps (STEPS at the bottom): each measures one thing,
adds its lines to the table and says which budgets it missed. A new
measurement is one more function and one more line there.

    python bench/run.py [--quick] [--skip-soak] [--only server,render,...]
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import timeit
import urllib.request
from collections.abc import Callable
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from datetime import time as clock
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
PYTHON = sys.executable
BIG = 1000  # blocks and chores in the big family, all of them shown on one day

BUDGETS = {
    # The poll that finds nothing changed is almost all a wall ever asks.
    "unchanged_poll_vs_hello": 0.85,
    "unchanged_poll_queries": 2,
    # A changed poll that another tablet's render already answered.
    "cached_poll_vs_hello": 0.6,
    # A changed poll that renders (a new moment), as a ratio to hello: reported,
    # not budgeted (DESIGN.md); a change that moves it by more than 1.3x is
    # weighed with bench/compare.py. Render CPU ms are reported, never budgets:
    # this machine's speed moves by the hour.
    "first_load_bytes": 60 * 1024,
    "poll_204_bytes": 400,
    # Every gunicorn process (master and workers), proportional set size,
    # after 10,000 mixed requests with the demo family.
    "server_pss_mib": 65.0,
    # Tablets polling every 15 s that one worker serves below half a core.
    "tablets_per_worker": 1000,
    "soak_heap_growth_mb": 1.0,
    "soak_dom_drift_pct": 2.0,
    # The wall on Chromium 49 (make old-engines), 1,000 changed polls.
    "old_tablet_heap_growth_mb": 1.0,
    "old_tablet_dom_drift_pct": 2.0,
}
TABLET_POLL_SECONDS = 15
# Tablets send this over plain http (brotli only over https).
TABLET_HEADERS = {"Accept-Encoding": "gzip, deflate", "User-Agent": "hibi-bench tablet"}


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S', time.gmtime())} UTC] {message}", flush=True)


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def base_env(data_dir: Path) -> dict[str, str]:
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith(("DJANGO", "DATABASE_URL", "SECRET_KEY", "WEB_CONCURRENCY"))
        and not key.startswith(("GUNICORN_", "ACCESS_LOG"))
    }
    env.update(
        DJANGO_SETTINGS_MODULE="bench.settings",
        SECRET_KEY="bench-only-secret-key-" + "x" * 40,
        DEBUG="0",
        ALLOWED_HOSTS="127.0.0.1,localhost",
        DATA_DIR=str(data_dir),
        PYTHONPATH=str(ROOT),
    )
    return env


def manage(env: dict[str, str], *args: str) -> str:
    result = subprocess.run(
        [PYTHON, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True
    )
    if result.returncode != 0:
        raise SystemExit(f"manage.py {' '.join(args)} failed:\n{result.stderr}")
    return result.stdout


def prepare(data_dir: Path, big: bool) -> dict[str, str]:
    env = base_env(data_dir)
    manage(env, "migrate", "--no-input", "-v0")
    manage(env, "demo_family")
    if big:
        subprocess.run(
            [PYTHON, "-c", "import django; django.setup(); from bench.family import "
             f"load_into_database as load; load({BIG}, {BIG})"],
            cwd=ROOT, env=env, check=True,
        )  # fmt: skip
    return env


def run_json(env: dict[str, str], script: str, *args: str) -> dict:
    """Run one of bench/'s in-process scripts with this family's environment."""
    out = subprocess.run(
        [PYTHON, str(ROOT / "bench" / script), *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    if out.returncode != 0:
        raise SystemExit(f"bench/{script} failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def probe(env: dict[str, str]) -> dict:
    """Ask the app (in-process) for the demo display's URLs and its due chores."""
    return run_json(env, "probe.py")


# --- The server ------------------------------------------------------------------------


@dataclass
class Server:
    base: str
    process: subprocess.Popen
    access_log: Path

    def pids(self) -> list[int]:
        return [self.process.pid, *worker_pids(self.process.pid)]

    def cpu_seconds(self) -> float:
        """User and system time of the master and every worker so far."""
        tick = os.sysconf("SC_CLK_TCK")
        total = 0
        for pid in self.pids():
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            total += int(fields[11]) + int(fields[12])
        return total / tick


@contextmanager
def gunicorn(env: dict[str, str], churn: bool = False, extra_env: dict[str, str] | None = None):
    """The production gunicorn config as it is, access log and all; the log goes
    to a file (as a container's log driver writes it) so it can be counted."""
    port = free_port()
    run_env = dict(env, HIBI_BENCH_CHURN="1" if churn else "0", **(extra_env or {}))
    log_path = Path(env["DATA_DIR"]) / f"gunicorn-{port}.log"
    with open(log_path, "w") as log_file:
        process = subprocess.Popen(
            [str(Path(PYTHON).parent / "gunicorn"), "--config", "config/gunicorn.conf.py",
             "--bind", f"127.0.0.1:{port}", "config.wsgi"],
            cwd=ROOT, env=run_env, stdout=log_file, stderr=log_file, start_new_session=True,
        )  # fmt: skip
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(300):
            try:
                with urllib.request.urlopen(base + "/healthz", timeout=2) as response:
                    if response.status == 200:
                        break
            except OSError:
                time.sleep(0.1)
        else:
            process.kill()
            raise SystemExit(f"gunicorn did not start:\n{log_path.read_text()[-3000:]}")
        yield Server(base, process, log_path)
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


def worker_pids(master: int) -> list[int]:
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == master:
                pids.append(int(entry.name))
    return pids


def wrk(
    url: str,
    seconds: float,
    connections: int = 16,
    method: str = "GET",
    bodies: tuple[str, ...] = (),
    headers: dict[str, str] | None = None,
    paths: tuple[str, ...] = (),
    timeout: str = "5s",
    threads: int = 2,
) -> dict:
    # Thousands of paths are too long for one environment variable.
    with tempfile.NamedTemporaryFile("w", suffix=".paths", delete=False) as listing:
        listing.write("\n".join(paths))
    env = dict(
        os.environ,
        WRK_METHOD=method,
        WRK_BODIES="|".join(bodies),
        WRK_PATHS_FILE=listing.name if paths else "",
        WRK_THREADS=str(threads),
        WRK_HEADERS="|".join(f"{k}: {v}" for k, v in (headers or {}).items()),
    )
    try:
        result = subprocess.run(
            ["wrk", f"-t{threads}", f"-c{connections}", f"-d{max(1, round(seconds))}s",
             f"--timeout={timeout}", "-s", str(ROOT / "bench" / "stats.lua"), url],
            env=env, capture_output=True, text=True, check=True,
        )  # fmt: skip
    finally:
        os.unlink(listing.name)
    line = next(x for x in reversed(result.stdout.splitlines()) if x.startswith("{"))
    stats = json.loads(line)
    seconds_run = stats["duration_us"] / 1e6
    errors = sum(stats[k] for k in stats if k.endswith("_errors")) + stats["timeouts"]
    return {
        "rps": round(stats["requests"] / seconds_run, 1),
        "p50_ms": round(stats["p50_us"] / 1000, 2),
        "p99_ms": round(stats["p99_us"] / 1000, 2),
        "max_ms": round(stats["max_us"] / 1000, 2),
        "requests": stats["requests"],
        "errors": errors,
        "timeouts": stats["timeouts"],
    }


def endpoints(info: dict) -> dict[str, dict]:
    """The requests each benchmark drives, from the probe's answer; every one
    with the headers a tablet sends, on a new connection (a tablet polls far
    less often than gunicorn keeps a connection alive)."""
    htmx = {"HX-Request": "true"}
    toggle_headers = {
        **htmx,
        "Cookie": f"csrftoken={info['csrf_cookie']}",
        "X-CSRFToken": info["csrf_token"],
        "Content-Type": "application/x-www-form-urlencoded",
    }
    return {
        "poll_unchanged": {"path": info["poll_unchanged"], "headers": htmx},
        # Another tablet was just given this version: the panel cache answers.
        "poll_cached": {"path": info["poll_changed"], "headers": htmx},
        # A different minute every time: rendered from the database each time.
        "poll_render": {"paths": tuple(info["renders"]), "headers": htmx},
        "wall_page": {"path": info["page"]},
        "now_json": {"path": info["now_json"]},
        # Each connection ticks and unticks its own chores: every request writes.
        "chore_toggle": {
            "paths": tuple(info["toggles"]),
            "method": "POST",
            "bodies": tuple(info["toggle_bodies"]),
            "headers": toggle_headers,
        },
    }


def drive(server: Server, spec: dict, seconds: float, connections: int = 16) -> dict:
    """One wrk slice, with the server's CPU time per request."""
    paths = spec.get("paths", ())
    url = server.base + (spec.get("path") or paths[0])
    headers = {**TABLET_HEADERS, **spec.get("headers", {}), "Connection": "close"}
    cpu = server.cpu_seconds()
    stats = wrk(url, seconds, connections, spec.get("method", "GET"), spec.get("bodies", ()),
                headers, paths)  # fmt: skip
    stats["cpu_ms"] = round((server.cpu_seconds() - cpu) * 1000 / max(stats["requests"], 1), 3)
    return stats


def settle(server: Server, quiet_ms: float = 20) -> None:
    """Wait until the server has finished what the last slice left queued: its
    CPU time stops growing (at most 30 s)."""
    deadline = time.monotonic() + 30
    last = server.cpu_seconds()
    while time.monotonic() < deadline:
        time.sleep(0.2)
        now = server.cpu_seconds()
        if (now - last) * 1000 < quiet_ms:
            return
        last = now


VERSION = re.compile(r'data-version="([^"]+)"')


def unchanged_poll(server: Server, info: dict) -> str:
    """The poll of a wall that shows what it was last given: the version is
    asked now, since every tick of a chore changes it. A tick the last slice
    left waiting on the database's write lock may still land (settle() sees
    CPU, not waits), so the version is asked again until it holds."""
    page = info["page"].rstrip("/") + "/panel"
    for _ in range(20):
        status, _, body = raw_get(server.base, page, {"HX-Request": "true"})
        assert status == 200, status
        match = VERSION.search(body.decode())
        assert match, "the panel carries its version"
        path = f"{page}?v={match.group(1)}"
        if raw_get(server.base, path, {"HX-Request": "true"})[0] == 204:
            return path
        time.sleep(0.5)
    raise SystemExit("the wall's version kept changing: something writes without a tablet")


def spread(values: list[float]) -> dict:
    return {
        "median": round(statistics.median(values), 3),
        "min": round(min(values), 3),
        "max": round(max(values), 3),
        "rounds": [round(v, 3) for v in values],
    }


def revision(env: dict[str, str]) -> int:
    out = subprocess.run(
        [PYTHON, "-c", "import django; django.setup(); from schedule.models import Revision; "
         "print(Revision.current())"],
        cwd=ROOT, env=env, capture_output=True, text=True, check=True,
    )  # fmt: skip
    return int(out.stdout.strip())


# What the big family's server run drives: its renders take hundreds of ms
# (the render step times them), and 16 connections of them queue for many
# seconds, which would leak into the next slices.
LIGHT = ("poll_unchanged", "poll_cached", "now_json")


def server_throughput(
    env: dict[str, str], seconds: float, rounds: int, only: tuple[str, ...] = ()
) -> dict:
    """Every endpoint against "hello" in interleaved rounds: in each round a slice
    of hello, then a slice of each endpoint, so each ratio compares slices run
    seconds apart; the ratio's median and spread are over the rounds."""
    info = probe(env)
    specs = {k: v for k, v in endpoints(info).items() if not only or k in only}
    hello = {"path": "/bench/hello"}
    per_round: dict[str, list[dict]] = {name: [] for name in ("hello", *specs)}
    ratios: dict[str, list[float]] = {name: [] for name in specs}
    with gunicorn(env) as server:
        for spec in (hello, *specs.values()):  # every path once, at a gentle pace
            drive(server, spec, 1, connections=2)
            settle(server)
        toggles_before = revision(env)
        for _ in range(rounds):
            specs["poll_unchanged"]["path"] = unchanged_poll(server, info)
            settle(server)  # let requests wrk left behind finish first
            base = drive(server, hello, seconds)
            per_round["hello"].append(base)
            for name, spec in specs.items():
                settle(server)
                stats = drive(server, spec, seconds)
                per_round[name].append(stats)
                ratios[name].append(stats["rps"] / (base["rps"] or 1))
        written = revision(env) - toggles_before
    results = {}
    for name, runs in per_round.items():
        stats = merged(runs)
        stats["vs_hello"] = spread(ratios[name]) if name in ratios else spread([1.0] * rounds)
        results[name] = stats
        log(f"  {name:15} {stats['rps']:8.0f} req/s  x{stats['vs_hello']['median']:.3f} "
            f"({stats['vs_hello']['min']:.3f}-{stats['vs_hello']['max']:.3f})  "
            f"{stats['cpu_ms']:.2f} ms CPU/req  p99 {stats['p99_ms']} ms")  # fmt: skip
    if "chore_toggle" in results:
        toggles = results["chore_toggle"]["requests"]
        results["chore_toggle"]["writes_per_request"] = round(written / max(toggles, 1), 3)
    return results


def merged(runs: list[dict]) -> dict:
    """Several equal-length wrk runs as one: mean rate, the slower of the latencies."""
    return {
        "rps": round(sum(run["rps"] for run in runs) / len(runs), 1),
        "p50_ms": max(run["p50_ms"] for run in runs),
        "p99_ms": max(run["p99_ms"] for run in runs),
        "max_ms": max(run["max_ms"] for run in runs),
        "cpu_ms": round(statistics.median(run["cpu_ms"] for run in runs), 3),
        "requests": sum(run["requests"] for run in runs),
        "errors": sum(run["errors"] for run in runs),
        "timeouts": sum(run["timeouts"] for run in runs),
    }


def saturation(env: dict[str, str], seconds: float) -> list[dict]:
    """Ramp concurrency past saturation with real renders: do requests fail fast
    or queue for minutes?"""
    spec = endpoints(probe(env))["poll_render"]
    rows = []
    with gunicorn(env) as server:
        drive(server, spec, 1)
        for connections in (8, 32, 128, 512):
            stats = drive(server, spec, seconds, connections)
            rows.append({"connections": connections, **stats})
            log(f"  c={connections:4} {stats['rps']:7.0f} req/s p99 {stats['p99_ms']} ms "
                f"max {stats['max_ms']} ms errors {stats['errors']}")  # fmt: skip
    return rows


def raw_get(base: str, path: str, headers: dict[str, str]) -> tuple[int, bytes, bytes]:
    """One HTTP/1.1 request on a fresh socket: (status, header bytes, body bytes)."""
    host, port = base.removeprefix("http://").split(":")
    lines = [f"GET {path} HTTP/1.1", f"Host: {host}:{port}", "Connection: close"]
    lines += [f"{k}: {v}" for k, v in headers.items()]
    with socket.create_connection((host, int(port)), timeout=30) as sock:
        sock.sendall(("\r\n".join(lines) + "\r\n\r\n").encode())
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    raw = b"".join(chunks)
    head, _, body = raw.partition(b"\r\n\r\n")
    status = int(head.split(b" ", 2)[1])
    return status, head + b"\r\n\r\n", body


ASSET = re.compile(rb"""(?:src|href)=["'](/static/[^"'#?]+)""")


def transfer_bytes(env: dict[str, str]) -> dict:
    info = probe(env)
    sizes: dict = {}
    with gunicorn(env) as server:
        # Browsers offer brotli only over HTTPS, and always with gzip beside it.
        offers = {"gzip": "gzip, deflate", "br": "gzip, deflate, br"}
        for encoding, offer in offers.items():
            headers = {"Accept-Encoding": offer, "User-Agent": "hibi-bench"}
            status, head, body = raw_get(server.base, info["page"], headers)
            assert status == 200, status
            html = body
            if b"content-encoding: gzip" in head.lower():
                html = gzip.decompress(body)
            total = len(head) + len(body)
            assets = sorted(set(ASSET.findall(html)))
            per_asset = {}
            for asset in assets:
                _, asset_head, asset_body = raw_get(server.base, asset.decode(), headers)
                per_asset[asset.decode()] = len(asset_head) + len(asset_body)
                total += per_asset[asset.decode()]
            sizes[f"first_load_{encoding}"] = {
                "bytes": total,
                "page": len(head) + len(body),
                "assets": per_asset,
            }
        htmx = {"HX-Request": "true", **TABLET_HEADERS}
        status, head, body = raw_get(server.base, unchanged_poll(server, info), htmx)
        sizes["poll_204"] = {"status": status, "bytes": len(head) + len(body)}
        status, head, body = raw_get(server.base, info["poll_changed"], htmx)
        sizes["poll_200"] = {"status": status, "bytes": len(head) + len(body)}
    return sizes


def pss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
        if line.startswith("Pss:"):
            return int(line.split()[1]) / 1024
    return 0.0


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def memory(env: dict[str, str], requests: int = 10_000) -> dict:
    """The whole server's PSS (master and workers) after a wall's mix of requests."""
    info = probe(env)
    specs = endpoints(info)
    # A wall's day: mostly unchanged polls, some changes, a few loads and ticks.
    mix = [("poll_unchanged", 0.6), ("poll_cached", 0.1), ("poll_render", 0.1),
           ("wall_page", 0.1), ("now_json", 0.05), ("chore_toggle", 0.05)]  # fmt: skip
    with gunicorn(env) as server:
        for name, share in mix:
            if name == "poll_unchanged":
                specs[name]["path"] = unchanged_poll(server, info)
            sent = 0
            while sent < requests * share:
                sent += drive(server, specs[name], 1, connections=8)["requests"]
        processes = {
            str(pid): {"pss_mib": round(pss_mib(pid), 1), "rss_mib": round(rss_mib(pid), 1)}
            for pid in server.pids()
        }
    total = round(sum(p["pss_mib"] for p in processes.values()), 1)
    return {"requests": requests, "server_pss_mib": total, "processes": processes}


def first_request(env: dict[str, str]) -> dict:
    """How long the first tablet waits on a worker that has just started, against
    the second: the first pays for whatever a worker left to its first request."""
    info = probe(env)
    rows = []
    for _ in range(3):
        port = free_port()
        log_path = Path(env["DATA_DIR"]) / f"first-{port}.log"
        with open(log_path, "w") as log_file:
            process = subprocess.Popen(
                [str(Path(PYTHON).parent / "gunicorn"), "--config", "config/gunicorn.conf.py",
                 "--bind", f"127.0.0.1:{port}", "config.wsgi"],
                cwd=ROOT, env=env, stdout=log_file, stderr=log_file, start_new_session=True,
            )  # fmt: skip
        try:
            started = time.perf_counter()
            while True:  # the port opens when the master binds, before a worker runs
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=1).close()
                    break
                except OSError:
                    time.sleep(0.01)
            base = f"http://127.0.0.1:{port}"
            headers = {"HX-Request": "true", **TABLET_HEADERS}
            times = []
            for path in (info["page"], info["renders"][1], info["renders"][2]):
                began = time.perf_counter()
                status, _, _ = raw_get(base, path, headers)
                times.append((time.perf_counter() - began) * 1000)
                assert status == 200, status
            rows.append(
                {
                    "start_to_first_answer_ms": round((time.perf_counter() - started) * 1000
                                                      - sum(times[1:]), 1),
                    "first_ms": round(times[0], 1),
                    "second_ms": round(times[1], 1),
                }
            )  # fmt: skip
        finally:
            os.killpg(process.pid, signal.SIGTERM)
            process.wait(timeout=15)
    return {key: spread([row[key] for row in rows]) for key in rows[0]}


def tablets(env: dict[str, str], count: int, seconds: float) -> dict:
    """`count` tablets polling every 15 s, paced as they would be, with an
    unchanged version (almost every poll of a day): the worker's CPU share."""
    info = probe(env)
    rate = count / TABLET_POLL_SECONDS
    with gunicorn(env) as server:
        path = unchanged_poll(server, info)
        host, port = server.base.removeprefix("http://").split(":")
        request = (f"GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nConnection: close\r\n"
                   "HX-Request: true\r\nAccept-Encoding: gzip, deflate\r\n"
                   "User-Agent: hibi-bench tablet\r\n\r\n").encode()  # fmt: skip
        statuses: dict[int, int] = {}
        lock = threading.Lock()

        def one() -> None:
            try:
                with socket.create_connection((host, int(port)), timeout=10) as sock:
                    sock.sendall(request)
                    reply = sock.recv(4096)
                status = int(reply.split(b" ", 2)[1])
            except (OSError, IndexError, ValueError):
                status = 0
            with lock:
                statuses[status] = statuses.get(status, 0) + 1

        time.sleep(1)
        workers = worker_pids(server.process.pid)
        cpu = server.cpu_seconds()
        began = time.monotonic()
        sent = 0
        pool: list[threading.Thread] = []
        while (elapsed := time.monotonic() - began) < seconds:
            due = int(elapsed * rate) + 1
            while sent < due:
                thread = threading.Thread(target=one)
                thread.start()
                pool.append(thread)
                sent += 1
            time.sleep(0.002)
        for thread in pool:
            thread.join()
        wall = time.monotonic() - began
        used = server.cpu_seconds() - cpu
    share = used / wall / max(len(workers), 1)
    per_poll_ms = used * 1000 / max(sent, 1)
    return {
        "tablets": count,
        "polls": sent,
        "statuses": {str(k): v for k, v in statuses.items()},
        "workers": len(workers),
        "cpu_share_per_worker": round(share, 3),
        "cpu_ms_per_poll": round(per_poll_ms, 3),
        # At half a core, one worker serves this many tablets of this poll.
        "tablets_at_half_core": int(0.5 * TABLET_POLL_SECONDS * 1000 / per_poll_ms),
    }


def access_log_lines(env: dict[str, str]) -> dict:
    """What the production access log writes for a wall's unchanged polls."""
    info = probe(env)
    with gunicorn(env) as server:
        spec = {"path": unchanged_poll(server, info), "headers": {"HX-Request": "true"}}
        before = len(server.access_log.read_text().splitlines())
        stats = drive(server, spec, 2, connections=4)
        time.sleep(0.5)
        after = len(server.access_log.read_text().splitlines())
    return {"polls": stats["requests"], "log_lines": after - before}


def planner_timing() -> dict:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    os.environ.setdefault("SECRET_KEY", "bench-only")
    import django

    django.setup()
    from bench.family import household
    from schedule import planner

    rows = {}
    day = date(2026, 11, 25)
    for size in (10, 100, 1000):
        family = household(size, size)
        moment = planner.at(day, clock(17, 5), family.tz)
        planner.day_view(family, day, moment)  # fill the recurrence caches
        runs = 20 if size < 1000 else 5

        def one_view(family=family, moment=moment):
            return planner.day_view(family, day, moment)

        seconds = min(timeit.repeat(one_view, number=runs, repeat=3)) / runs
        rows[str(size)] = round(seconds * 1000, 3)
    rows["growth_10_to_1000"] = round(rows["1000"] / rows["10"], 1)
    return rows


def soak(env: dict[str, str], polls: int) -> dict:
    info = probe(env)
    # Poll as fast as the throttled tablet can swap, so 3,000 polls fit in minutes.
    fast = dict(env, HIBI_BENCH_POLL_SECONDS="0.02")
    with gunicorn(fast, churn=True) as server:
        out = subprocess.run(
            [PYTHON, str(ROOT / "bench" / "soak.py"), "--polls", str(polls),
             "--url", server.base + info["page"]],
            cwd=ROOT, env=env, capture_output=True, text=True,
        )  # fmt: skip
    if out.returncode != 0:
        return {"error": out.stderr[-2000:]}
    return json.loads(out.stdout.strip().splitlines()[-1])


# --- The steps ---------------------------------------------------------------------------


@dataclass
class Run:
    """What every step may use: the two families' environments and the run's pace."""

    demo: dict[str, str]
    big: dict[str, str]
    quick: bool
    skip_soak: bool
    seconds: int = field(init=False)
    rounds: int = field(init=False)

    def __post_init__(self) -> None:
        self.seconds = 2 if self.quick else 3
        self.rounds = 3 if self.quick else 5


def ratio(stats: dict) -> str:
    s = stats["vs_hello"]
    return f"{s['median']:.2f} ({s['min']:.2f}-{s['max']:.2f})"


def run_server(run: Run) -> dict:
    out = {}
    for family, env, only in (("demo", run.demo, ()), ("big", run.big, LIGHT)):
        log(f"server throughput, {family} family, {run.rounds} interleaved rounds")
        out[family] = server_throughput(env, run.seconds, run.rounds, only)
    return out


def lines_server(result: dict) -> list[str]:
    lines = []
    for family, server in result.items():
        lines.append(f"\nServer ({family} family): req/s, p50/p99 ms, CPU ms/request, "
                     "× hello: median (min-max over rounds)")  # fmt: skip
        for name, s in server.items():
            extra = (f"  writes/request {s['writes_per_request']}"
                     if "writes_per_request" in s else "")  # fmt: skip
            lines.append(f"  {name:15} {s['rps']:8.0f} {s['p50_ms']:7.2f} {s['p99_ms']:8.2f}"
                         f" {s['cpu_ms']:7.2f}  {ratio(s)}  errors {s['errors']}"
                         + extra)  # fmt: skip
    return lines


def missed_server(result: dict) -> list[str]:
    missed = []
    for family, server in result.items():
        unchanged = server["poll_unchanged"]["vs_hello"]["median"]
        if unchanged < BUDGETS["unchanged_poll_vs_hello"]:
            missed.append(f"{family}: unchanged poll {unchanged} × hello")
        cached = server["poll_cached"]["vs_hello"]["median"]
        if cached < BUDGETS["cached_poll_vs_hello"]:
            missed.append(f"{family}: cached changed poll {cached} × hello")
        for name, s in server.items():
            if s["errors"]:
                missed.append(f"{family}: {name} had {s['errors']} errors")
    return missed


def run_render(run: Run) -> dict:
    out = {}
    for family, env in (("demo", run.demo), ("big", run.big)):
        renders = "10" if family == "big" or run.quick else "40"
        log(f"render CPU, {family} family")
        out[family] = {
            change: run_json(env, "render.py", "--renders", renders, "--change", change)
            for change in ("moment", "tick", "edit")
        }
    return out


def lines_render(result: dict) -> list[str]:
    lines = ["\nOne real render of a changed panel (CPU ms of the thread, gzip as tablets ask):"]
    for family, modes in result.items():
        for mode, r in modes.items():
            what = {"moment": "new moment", "tick": "after a tick", "edit": "after an edit"}[mode]
            lines.append(f"  {family:4} {what:13} {r['cpu_ms']:8.2f} ms (min {r['cpu_ms_min']}, "
                         f"max {r['cpu_ms_max']}, {r['renders']} renders)  "
                         f"{r['gzip_bytes']} bytes gzipped")  # fmt: skip
    return lines


def missed_render(result: dict) -> list[str]:
    return []  # reported only: absolute milliseconds are no budget on a shared machine


def run_queries(run: Run) -> dict:
    return {
        "demo": run_json(run.demo, "probe.py", "--queries")["queries"],
        "big": run_json(run.big, "probe.py", "--queries")["queries"],
    }


def lines_queries(result: dict) -> list[str]:
    lines = ["\nSQL queries per request: demo / big"]
    for name, count in result["demo"].items():
        lines.append(f"  {name:15} {count:3} / {result['big'][name]}")
    return lines


def missed_queries(result: dict) -> list[str]:
    missed = []
    if max(result["demo"]["poll_unchanged"], result["big"]["poll_unchanged"]) > 2:
        missed.append("unchanged poll makes more than 2 queries")
    for name, count in result["demo"].items():
        if result["big"][name] != count:
            missed.append(f"{name}: {count} queries (demo) vs {result['big'][name]} (big)")
    return missed


def lines_saturation(result: list[dict]) -> list[str]:
    lines = ["\nSaturation (real renders, demo): connections, req/s, p99 ms, max ms, errors"]
    for row in result:
        lines.append(f"  {row['connections']:5} {row['rps']:9.0f} {row['p99_ms']:9.1f}"
                     f" {row['max_ms']:9.1f} {row['errors']:6}")  # fmt: skip
    return lines


def lines_bytes(b: dict) -> list[str]:
    return [
        "\nBytes on the wire",
        f"  first load gzip  {b['first_load_gzip']['bytes']:7}",
        f"  first load br    {b['first_load_br']['bytes']:7}",
        f"  poll 204         {b['poll_204']['bytes']:7}",
        f"  poll 200         {b['poll_200']['bytes']:7}",
    ]


def missed_bytes(sizes: dict) -> list[str]:
    missed = []
    for encoding in ("gzip", "br"):
        if sizes[f"first_load_{encoding}"]["bytes"] > BUDGETS["first_load_bytes"]:
            missed.append(f"first load ({encoding}) over 60 KB")
    if sizes["poll_204"]["bytes"] > BUDGETS["poll_204_bytes"]:
        missed.append(f"204 poll is {sizes['poll_204']['bytes']} bytes on the wire")
    return missed


def run_memory(run: Run) -> dict:
    return {"demo": memory(run.demo, 2_000 if run.quick else 10_000)}


def lines_memory(result: dict) -> list[str]:
    lines = ["\nWhole server (master + workers), after a wall's mix of requests:"]
    for family, m in result.items():
        each = ", ".join(f"{p['pss_mib']}/{p['rss_mib']}" for p in m["processes"].values())
        lines.append(f"  {family:4} {m['requests']:6} requests: PSS {m['server_pss_mib']} MiB "
                     f"(per process PSS/RSS MiB: {each})")  # fmt: skip
    return lines


def missed_memory(result: dict) -> list[str]:
    total = result["demo"]["server_pss_mib"]
    if total > BUDGETS["server_pss_mib"]:
        return [f"server PSS {total} MiB (demo) > {BUDGETS['server_pss_mib']}"]
    return []


def run_tablets(run: Run) -> dict:
    return tablets(run.demo, BUDGETS["tablets_per_worker"], 5 if run.quick else 15)


def lines_tablets(t: dict) -> list[str]:
    return [
        f"\n{t['tablets']} tablets polling every {TABLET_POLL_SECONDS} s (unchanged): "
        f"{t['cpu_share_per_worker'] * 100:.1f} % of a core per worker ({t['workers']} worker), "
        f"{t['cpu_ms_per_poll']} ms CPU per poll, statuses {t['statuses']}; "
        f"one worker serves {t['tablets_at_half_core']} such tablets at half a core"
    ]


def missed_tablets(t: dict) -> list[str]:
    missed = []
    if t["cpu_share_per_worker"] >= 0.5:
        missed.append(f"{t['tablets']} tablets take {t['cpu_share_per_worker']} of a core")
    if set(t["statuses"]) != {"204"}:
        missed.append(f"tablet polls answered {t['statuses']}")
    return missed


def run_first_request(run: Run) -> dict:
    return first_request(run.demo)


def lines_first_request(r: dict) -> list[str]:
    return [
        "\nA fresh server (median of 3 starts): "
        f"start to first answer {r['start_to_first_answer_ms']['median']} ms; the first page "
        f"{r['first_ms']['median']} ms, the next render {r['second_ms']['median']} ms"
    ]


def run_access_log(run: Run) -> dict:
    return access_log_lines(run.demo)


def lines_access_log(r: dict) -> list[str]:
    return [f"\nAccess log: {r['log_lines']} lines for {r['polls']} unchanged polls"]


def run_planner(run: Run) -> dict:
    return planner_timing()


def lines_planner(p: dict) -> list[str]:
    return [f"\nPlanner day view: 10 items {p['10']} ms, 100 {p['100']} ms, "
            f"1000 {p['1000']} ms (×{p['growth_10_to_1000']})"]  # fmt: skip


def run_soak(run: Run) -> dict:
    if run.skip_soak:
        return {}
    return soak(run.demo, 300 if run.quick else 3000)


def lines_soak(s: dict) -> list[str]:
    if not s:
        return []
    if "error" in s:
        return [f"\nSoak: failed: {s['error'][-300:]}"]
    return [
        f"\nTablet soak ({s['polls']} polls, CPU ×{s['cpu_throttle']}): heap "
        f"{s['heap_start_mb']} → {s['heap_end_mb']} MB (growth after poll 300: "
        f"{s['heap_growth_mb']} MB), DOM nodes {s['dom_start']} → {s['dom_end']} "
        f"({s['dom_drift_pct']} %), median swap-to-paint {s['median_swap_ms']} ms"
    ]


def missed_soak(s: dict) -> list[str]:
    if not s:
        return []
    if "error" in s:
        return ["soak failed to run"]
    missed = []
    if s["heap_growth_mb"] >= BUDGETS["soak_heap_growth_mb"]:
        missed.append(f"soak heap grew {s['heap_growth_mb']} MB")
    if abs(s["dom_drift_pct"]) > BUDGETS["soak_dom_drift_pct"]:
        missed.append(f"soak DOM nodes drifted {s['dom_drift_pct']} %")
    return missed


def old_tablet(polls: int, idle_seconds: int) -> dict:
    """The wall on Chromium 49 (a Fire tablet's WebView): bench/tablet.py."""
    out = subprocess.run(
        [PYTHON, str(ROOT / "bench" / "tablet.py"), "--polls", str(polls),
         "--idle-seconds", str(idle_seconds)],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )  # fmt: skip
    if out.returncode != 0:
        return {"error": (out.stderr or out.stdout)[-2000:]}
    return json.loads(out.stdout.strip().splitlines()[-1])


def run_old_tablet(run: Run) -> dict:
    if run.skip_soak:
        return {}
    result = old_tablet(300 if run.quick else 1000, 20 if run.quick else 60)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "old-tablet.json").write_text(json.dumps(result, indent=2))
    return result


def lines_old_tablet(t: dict) -> list[str]:
    if not t:
        return []
    if "error" in t:
        return [f"\nChromium 49 tablet: failed: {t['error'][-300:]}"]
    c, i = t["churn"], t["idle"]
    return [
        f"\n{t['engine']}: {c['polls']} changed polls: heap {c['heap_start_mb']} → "
        f"{c['heap_end_mb']} MB (growth after poll 300: {c['heap_growth_mb']} MB), "
        f"DOM nodes {c['dom_start']} → {c['dom_end']} ({c['dom_drift_pct']} %); "
        f"idle, polling every {i['poll_seconds']} s: page {i['renderer_cpu_s_per_min']} "
        f"CPU s/min, all its processes {i['all_processes_cpu_s_per_min']} CPU s/min"
    ]


def missed_old_tablet(t: dict) -> list[str]:
    if not t:
        return []
    if "error" in t:
        return ["Chromium 49 tablet failed to run"]
    missed = []
    if t["churn"]["heap_growth_mb"] >= BUDGETS["old_tablet_heap_growth_mb"]:
        missed.append(f"Chromium 49 heap grew {t['churn']['heap_growth_mb']} MB")
    if abs(t["churn"]["dom_drift_pct"]) > BUDGETS["old_tablet_dom_drift_pct"]:
        missed.append(f"Chromium 49 DOM nodes drifted {t['churn']['dom_drift_pct']} %")
    return missed


@dataclass(frozen=True)
class Step:
    name: str
    run: Callable[[Run], object]
    lines: Callable[[object], list[str]]  # its part of the printed table
    missed: Callable[[object], list[str]] = lambda _result: []


STEPS = [
    Step("planner", run_planner, lines_planner),  # type: ignore[arg-type]
    Step("render", run_render, lines_render, missed_render),  # type: ignore[arg-type]
    Step("queries", run_queries, lines_queries, missed_queries),  # type: ignore[arg-type]
    Step("server", run_server, lines_server, missed_server),  # type: ignore[arg-type]
    Step("tablets", run_tablets, lines_tablets, missed_tablets),  # type: ignore[arg-type]
    Step("first_request", run_first_request, lines_first_request),  # type: ignore[arg-type]
    Step("access_log", run_access_log, lines_access_log),  # type: ignore[arg-type]
    Step("saturation", lambda run: saturation(run.demo, run.seconds), lines_saturation),  # type: ignore[arg-type]
    Step("bytes", lambda run: transfer_bytes(run.demo), lines_bytes, missed_bytes),  # type: ignore[arg-type]
    Step("memory", run_memory, lines_memory, missed_memory),  # type: ignore[arg-type]
    Step("soak", run_soak, lines_soak, missed_soak),  # type: ignore[arg-type]
    Step("old_tablet", run_old_tablet, lines_old_tablet, missed_old_tablet),  # type: ignore[arg-type]
]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="short runs, for trying it out")
    parser.add_argument("--skip-soak", action="store_true")
    parser.add_argument("--only", default="", help="comma-separated steps to run")
    args = parser.parse_args()
    only = set(filter(None, args.only.split(",")))
    if not shutil.which("wrk"):
        raise SystemExit("wrk is missing: apt-get install wrk (make bench does this)")

    results: dict = {
        "date": time.strftime("%Y-%m-%d %H:%M:%S"),
        "machine": {
            "cores": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
        },
        "budgets": BUDGETS,
    }
    lines = [f"Hibi benchmarks — {results['machine']['cores']} cores, "
             f"{results['machine']['python']}, {results['date']}"]  # fmt: skip
    missed: list[str] = []
    with tempfile.TemporaryDirectory(prefix="hibi-bench-") as tmp:
        run = Run(
            demo=prepare(Path(tmp) / "demo", big=False),
            big=prepare(Path(tmp) / "big", big=True),
            quick=args.quick,
            skip_soak=args.skip_soak,
        )
        log("collectstatic")
        manage(run.demo, "collectstatic", "--no-input", "-v0")
        for step in STEPS:
            if only and step.name not in only:
                continue
            log(step.name)
            result = step.run(run)
            results[step.name] = result
            lines += step.lines(result)
            missed += step.missed(result)
    results["missed"] = missed
    lines.append("\nBudgets: " + ("all met" if not missed else "MISSED: " + "; ".join(missed)))
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "latest.json").write_text(json.dumps(results, indent=2, ensure_ascii=False))
    table = "\n".join(lines)
    (RESULTS / "latest.txt").write_text(table + "\n")
    print(table)
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
