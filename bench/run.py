"""Hibi's benchmarks: is the wall cheap for the server and for the tablet?

Everything is measured side by side in one run, on 127.0.0.1 only, against
the production settings and gunicorn config, and written to
bench/results/latest.json. Times are reported, never asserted; the process
exits non-zero when a budget from DESIGN.md is missed.

    python bench/run.py [--quick] [--skip-soak] [--only server,queries,...]
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
import subprocess
import sys
import tempfile
import time
import timeit
import urllib.request
from contextlib import contextmanager
from datetime import date
from datetime import time as clock
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"
PYTHON = sys.executable
BIG = 1000  # blocks and chores in the big family

BUDGETS = {
    "unchanged_poll_vs_hello": 0.7,
    "changed_poll_vs_hello": 0.3,
    "unchanged_poll_queries": 2,
    "first_load_bytes": 60 * 1024,
    "poll_204_bytes": 400,
    "worker_rss_mb": 80,
    "soak_heap_growth_mb": 1.0,
    "soak_dom_drift_pct": 2.0,
    "old_tablet_heap_growth_mb": 1.0,
    "old_tablet_dom_drift_pct": 2.0,
}


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
        if not key.startswith(("DJANGO", "DATABASE_URL", "SECRET_KEY"))
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


def probe(env: dict[str, str]) -> dict:
    """Ask the app (in-process) for the demo display's URLs and a due chore."""
    out = subprocess.run(
        [PYTHON, str(ROOT / "bench" / "probe.py")],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout)


@contextmanager
def gunicorn(env: dict[str, str], churn: bool = False, extra: tuple[str, ...] = ()):
    port = free_port()
    run_env = dict(env, HIBI_BENCH_CHURN="1" if churn else "0")
    process = subprocess.Popen(
        [
            str(Path(PYTHON).parent / "gunicorn"),
            "--config",
            "config/gunicorn.conf.py",
            "--bind",
            f"127.0.0.1:{port}",
            "--access-logfile",
            "/dev/null",
            *extra,
            "config.wsgi",
        ],
        cwd=ROOT,
        env=run_env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                with urllib.request.urlopen(base + "/healthz", timeout=1) as response:
                    if response.status == 200:
                        break
            except OSError:
                time.sleep(0.1)
        else:
            process.kill()
            raise SystemExit(f"gunicorn did not start:\n{process.stderr.read()}")
        yield base, process
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


def wrk(
    url: str,
    seconds: int,
    connections: int = 16,
    method: str = "GET",
    bodies: tuple[str, ...] = (),
    headers: dict[str, str] | None = None,
    timeout: str = "5s",
) -> dict:
    env = dict(
        os.environ,
        WRK_METHOD=method,
        WRK_BODIES="|".join(bodies),
        WRK_HEADERS="|".join(f"{k}: {v}" for k, v in (headers or {}).items()),
    )
    result = subprocess.run(
        [
            "wrk",
            "-t2",
            f"-c{connections}",
            f"-d{seconds}s",
            f"--timeout={timeout}",
            "-s",
            str(ROOT / "bench" / "stats.lua"),
            url,
        ],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
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
    """The requests each benchmark drives, from the probe's answer."""
    toggle_headers = {
        "Cookie": f"csrftoken={info['csrf_cookie']}",
        "X-CSRFToken": info["csrf_token"],
        "Content-Type": "application/x-www-form-urlencoded",
        "HX-Request": "true",
    }
    return {
        "hello": {"path": "/bench/hello"},
        "poll_unchanged": {"path": info["poll_unchanged"], "headers": {"HX-Request": "true"}},
        "poll_changed": {"path": info["poll_changed"], "headers": {"HX-Request": "true"}},
        "wall_page": {"path": info["page"]},
        "now_json": {"path": info["now_json"]},
        "chore_toggle": {
            "path": info["toggle"],
            "method": "POST",
            "bodies": tuple(info["toggle_bodies"]),
            "headers": toggle_headers,
        },
    }


def server_throughput(env: dict[str, str], seconds: int, rounds: int = 2) -> dict:
    """Each endpoint in short slices taking turns with "hello", so the ratio compares
    like with like even when something else on the machine changes the pace.

    Every request comes on a new connection, as a tablet's poll does (it polls far
    less often than gunicorn keeps a connection alive). It also keeps the numbers
    steady: kept-alive connections can all land on one worker, which halves a run.
    """
    info = probe(env)
    close = {"Connection": "close"}
    results = {}
    slice_seconds = max(1, seconds // 3)
    with gunicorn(env) as (base, _):
        hello_runs = []
        wrk(base + "/bench/hello", 1, headers=close)  # warm-up
        for name, spec in endpoints(info).items():
            if name == "hello":
                continue

            def drive(duration: int, spec=spec) -> dict:
                return wrk(base + spec["path"], duration, method=spec.get("method", "GET"),
                           bodies=spec.get("bodies", ()),
                           headers={**spec.get("headers", {}), **close})  # fmt: skip

            # A short warm-up so every worker has imported and cached what it needs.
            drive(1)
            hellos, runs = [], []
            for _ in range(rounds):
                time.sleep(0.3)  # let requests wrk left behind finish first
                hellos.append(wrk(base + "/bench/hello", slice_seconds, headers=close))
                runs.append(drive(slice_seconds))
            hello_runs.extend(hellos)
            stats = merged(runs)
            hello_rps = merged(hellos)["rps"]
            stats["hello_rps"] = hello_rps
            stats["vs_hello"] = round(stats["rps"] / (hello_rps or 1), 3)
            results[name] = stats
            log(f"  {name:15} {stats['rps']:8.0f} req/s (hello {hello_rps:.0f})  "
                f"x{stats['vs_hello']}  p99 {stats['p99_ms']} ms")  # fmt: skip
        hello = merged(hello_runs)
        results = {"hello": {**hello, "vs_hello": 1.0, "hello_rps": hello["rps"]}, **results}
    return results


def merged(runs: list[dict]) -> dict:
    """Several equal-length wrk runs as one: total rate, the slower of the latencies."""
    return {
        "rps": round(sum(run["rps"] for run in runs) / len(runs), 1),
        "p50_ms": max(run["p50_ms"] for run in runs),
        "p99_ms": max(run["p99_ms"] for run in runs),
        "max_ms": max(run["max_ms"] for run in runs),
        "requests": sum(run["requests"] for run in runs),
        "errors": sum(run["errors"] for run in runs),
        "timeouts": sum(run["timeouts"] for run in runs),
    }


def saturation(env: dict[str, str], seconds: int) -> list[dict]:
    """Ramp concurrency past saturation: do requests fail fast or queue for minutes?

    A new connection per request, as tablets poll (see server_throughput).
    """
    info = probe(env)
    rows = []
    headers = {"HX-Request": "true", "Connection": "close"}
    with gunicorn(env) as (base, _):
        wrk(base + info["poll_changed"], 1, headers=headers)  # warm-up
        for connections in (8, 32, 128, 512):
            stats = wrk(
                base + info["poll_changed"],
                seconds,
                connections=connections,
                headers=headers,
                timeout="10s",
            )
            rows.append({"connections": connections, **stats})
            log(
                f"  c={connections:4} {stats['rps']:7.0f} req/s p99 {stats['p99_ms']} ms "
                f"max {stats['max_ms']} ms errors {stats['errors']}"
            )
    return rows


def query_counts(env: dict[str, str]) -> dict:
    out = subprocess.run(
        [PYTHON, str(ROOT / "bench" / "probe.py"), "--queries"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(out.stdout)["queries"]


def raw_get(base: str, path: str, headers: dict[str, str]) -> tuple[int, bytes, bytes]:
    """One HTTP/1.1 request on a fresh socket: (status, header bytes, body bytes)."""
    host, port = base.removeprefix("http://").split(":")
    lines = [f"GET {path} HTTP/1.1", f"Host: {host}:{port}", "Connection: close"]
    lines += [f"{k}: {v}" for k, v in headers.items()]
    with socket.create_connection((host, int(port)), timeout=10) as sock:
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
    with gunicorn(env) as (base, _):
        # Browsers offer brotli only over HTTPS, and always with gzip beside it.
        offers = {"gzip": "gzip, deflate", "br": "gzip, deflate, br"}
        for encoding, offer in offers.items():
            headers = {"Accept-Encoding": offer, "User-Agent": "hibi-bench"}
            status, head, body = raw_get(base, info["page"], headers)
            assert status == 200, status
            html = body
            if b"content-encoding: gzip" in head.lower():
                html = gzip.decompress(body)
            total = len(head) + len(body)
            assets = sorted(set(ASSET.findall(html)))
            per_asset = {}
            for asset in assets:
                _, asset_head, asset_body = raw_get(base, asset.decode(), headers)
                per_asset[asset.decode()] = len(asset_head) + len(asset_body)
                total += per_asset[asset.decode()]
            sizes[f"first_load_{encoding}"] = {
                "bytes": total,
                "page": len(head) + len(body),
                "assets": per_asset,
            }
        status, head, body = raw_get(
            base, info["poll_unchanged"], {"HX-Request": "true", "Accept-Encoding": "gzip"}
        )
        sizes["poll_204"] = {"status": status, "bytes": len(head) + len(body)}
        status, head, body = raw_get(
            base, info["poll_changed"], {"HX-Request": "true", "Accept-Encoding": "gzip"}
        )
        sizes["poll_200"] = {"status": status, "bytes": len(head) + len(body)}
    return sizes


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


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return round(int(line.split()[1]) / 1024, 1)
    return 0.0


def memory(env: dict[str, str], requests: int = 10_000) -> dict:
    info = probe(env)
    # A wall's day: mostly unchanged polls, some changes, a few full loads.
    mix = [
        (info["poll_unchanged"], 0.6),
        (info["poll_changed"], 0.2),
        (info["page"], 0.1),
        (info["now_json"], 0.1),
    ]
    with gunicorn(env) as (base, process):
        for path, share in mix:
            sent = 0
            while sent < requests * share:
                stats = wrk(base + path, 1, connections=8, headers={"HX-Request": "true"})
                sent += stats["requests"]
        workers = {str(pid): rss_mb(pid) for pid in worker_pids(process.pid)}
    return {"requests": requests, "worker_rss_mb": workers}


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
    with gunicorn(fast, churn=True) as (base, _):
        out = subprocess.run(
            [PYTHON, str(ROOT / "bench" / "soak.py"), "--polls", str(polls),
             "--url", base + info["page"]],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
        )  # fmt: skip
    if out.returncode != 0:
        return {"error": out.stderr[-2000:]}
    return json.loads(out.stdout.strip().splitlines()[-1])


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


def check_budgets(results: dict) -> list[str]:
    missed = []
    for family in ("demo", "big"):
        server = results.get("server", {}).get(family)
        if not server:
            continue
        if server["poll_unchanged"]["vs_hello"] < BUDGETS["unchanged_poll_vs_hello"]:
            missed.append(
                f"{family}: unchanged poll {server['poll_unchanged']['vs_hello']} × hello"
            )
        if (
            family == "demo"
            and server["poll_changed"]["vs_hello"] < BUDGETS["changed_poll_vs_hello"]
        ):
            missed.append(f"demo: changed poll {server['poll_changed']['vs_hello']} × hello")
    queries = results.get("queries")
    if queries:
        if max(queries["demo"]["poll_unchanged"], queries["big"]["poll_unchanged"]) > 2:
            missed.append("unchanged poll makes more than 2 queries")
        for name, count in queries["demo"].items():
            if queries["big"][name] != count:
                missed.append(f"{name}: {count} queries (demo) vs {queries['big'][name]} (big)")
    sizes = results.get("bytes")
    if sizes:
        for encoding in ("gzip", "br"):
            if sizes[f"first_load_{encoding}"]["bytes"] > BUDGETS["first_load_bytes"]:
                missed.append(f"first load ({encoding}) over 60 KB")
        if sizes["poll_204"]["bytes"] > BUDGETS["poll_204_bytes"]:
            missed.append(f"204 poll is {sizes['poll_204']['bytes']} bytes on the wire")
    mem = results.get("memory")
    if mem:
        for pid, mb in mem["worker_rss_mb"].items():
            if mb >= BUDGETS["worker_rss_mb"]:
                missed.append(f"worker {pid} RSS {mb} MB")
    soak_result = results.get("soak")
    if soak_result:
        if "error" in soak_result:
            missed.append("soak failed to run")
        else:
            if soak_result["heap_growth_mb"] >= BUDGETS["soak_heap_growth_mb"]:
                missed.append(f"soak heap grew {soak_result['heap_growth_mb']} MB")
            if abs(soak_result["dom_drift_pct"]) > BUDGETS["soak_dom_drift_pct"]:
                missed.append(f"soak DOM nodes drifted {soak_result['dom_drift_pct']} %")
    tablet = results.get("old_tablet")
    if tablet:
        if "error" in tablet:
            missed.append("Chromium 49 tablet failed to run")
        else:
            if tablet["churn"]["heap_growth_mb"] >= BUDGETS["old_tablet_heap_growth_mb"]:
                missed.append(f"Chromium 49 heap grew {tablet['churn']['heap_growth_mb']} MB")
            if abs(tablet["churn"]["dom_drift_pct"]) > BUDGETS["old_tablet_dom_drift_pct"]:
                missed.append(f"Chromium 49 DOM nodes drifted {tablet['churn']['dom_drift_pct']} %")
    return missed


def table(results: dict) -> str:
    lines = [f"Hibi benchmarks — {results['machine']['cores']} cores, "
             f"{results['machine']['python']}, {results['date']}"]  # fmt: skip
    for family, server in results.get("server", {}).items():
        lines.append(f"\nServer ({family} family): req/s, p50/p99 ms, × hello")
        for name, s in server.items():
            lines.append(
                f"  {name:15} {s['rps']:9.0f} {s['p50_ms']:8.2f} {s['p99_ms']:8.2f}"
                f" {s['vs_hello']:6.2f}  errors {s['errors']}"
            )
    if "saturation" in results:
        lines.append("\nSaturation (changed poll): connections, req/s, p99 ms, max ms, errors")
        for row in results["saturation"]:
            lines.append(
                f"  {row['connections']:5} {row['rps']:9.0f} {row['p99_ms']:9.1f}"
                f" {row['max_ms']:9.1f} {row['errors']:6}"
            )
    if "queries" in results:
        lines.append("\nSQL queries per request: demo / big")
        for name, count in results["queries"]["demo"].items():
            lines.append(f"  {name:15} {count:3} / {results['queries']['big'][name]}")
    if "bytes" in results:
        b = results["bytes"]
        lines.append("\nBytes on the wire")
        lines.append(f"  first load gzip  {b['first_load_gzip']['bytes']:7}")
        lines.append(f"  first load br    {b['first_load_br']['bytes']:7}")
        lines.append(f"  poll 204         {b['poll_204']['bytes']:7}")
        lines.append(f"  poll 200         {b['poll_200']['bytes']:7}")
    if "memory" in results:
        rss = ", ".join(f"{v} MB" for v in results["memory"]["worker_rss_mb"].values())
        lines.append(f"\nWorker RSS after {results['memory']['requests']} requests: {rss}")
    if "planner" in results:
        p = results["planner"]
        lines.append(
            f"\nPlanner day view: 10 items {p['10']} ms, 100 {p['100']} ms, "
            f"1000 {p['1000']} ms (×{p['growth_10_to_1000']})"
        )
    if "soak" in results:
        s = results["soak"]
        if "error" in s:
            lines.append(f"\nSoak: failed: {s['error'][-300:]}")
        else:
            lines.append(
                f"\nTablet soak ({s['polls']} polls, CPU ×{s['cpu_throttle']}): heap "
                f"{s['heap_start_mb']} → {s['heap_end_mb']} MB (growth after poll 300: "
                f"{s['heap_growth_mb']} MB), DOM nodes {s['dom_start']} → {s['dom_end']} "
                f"({s['dom_drift_pct']} %), median swap-to-paint {s['median_swap_ms']} ms"
            )
    if "old_tablet" in results:
        t = results["old_tablet"]
        if "error" in t:
            lines.append(f"\nChromium 49 tablet: failed: {t['error'][-300:]}")
        else:
            c, i = t["churn"], t["idle"]
            lines.append(
                f"\n{t['engine']}: {c['polls']} changed polls: heap {c['heap_start_mb']} → "
                f"{c['heap_end_mb']} MB (growth after poll 300: {c['heap_growth_mb']} MB), "
                f"DOM nodes {c['dom_start']} → {c['dom_end']} ({c['dom_drift_pct']} %); "
                f"idle, polling every {i['poll_seconds']} s: page {i['renderer_cpu_s_per_min']} "
                f"CPU s/min, all its processes {i['all_processes_cpu_s_per_min']} CPU s/min"
            )
    missed = results.get("missed", [])
    lines.append("\nBudgets: " + ("all met" if not missed else "MISSED: " + "; ".join(missed)))
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="short runs, for trying it out")
    parser.add_argument("--skip-soak", action="store_true")
    parser.add_argument("--only", default="", help="comma-separated sections to run")
    args = parser.parse_args()
    only = set(filter(None, args.only.split(",")))
    want = lambda name: not only or name in only  # noqa: E731
    seconds = 3 if args.quick else 6
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
    with tempfile.TemporaryDirectory(prefix="hibi-bench-") as tmp:
        demo_env = prepare(Path(tmp) / "demo", big=False)
        big_env = prepare(Path(tmp) / "big", big=True)
        log("collectstatic")
        manage(demo_env, "collectstatic", "--no-input", "-v0")
        if want("planner"):
            log("planner")
            results["planner"] = planner_timing()
        if want("queries"):
            log("queries")
            results["queries"] = {"demo": query_counts(demo_env), "big": query_counts(big_env)}
        if want("server"):
            results["server"] = {}
            for family, env in (("demo", demo_env), ("big", big_env)):
                log(f"server throughput, {family} family")
                results["server"][family] = server_throughput(env, seconds)
        if want("saturation"):
            log("saturation")
            results["saturation"] = saturation(demo_env, max(3, seconds // 2))
        if want("bytes"):
            log("bytes")
            results["bytes"] = transfer_bytes(demo_env)
        if want("memory"):
            log("memory")
            results["memory"] = memory(big_env, 2_000 if args.quick else 10_000)
        if want("soak") and not args.skip_soak:
            log("tablet soak")
            results["soak"] = soak(demo_env, 300 if args.quick else 3000)
        if want("old_tablet") and not args.skip_soak:
            log("Chromium 49 tablet (make old-engines)")
            results["old_tablet"] = old_tablet(
                300 if args.quick else 1000, 20 if args.quick else 60
            )
    results["missed"] = check_budgets(results)
    RESULTS.mkdir(parents=True, exist_ok=True)
    (RESULTS / "latest.json").write_text(json.dumps(results, indent=2, ensure_ascii=False))
    if "old_tablet" in results:
        (RESULTS / "old-tablet.json").write_text(json.dumps(results["old_tablet"], indent=2))
    print(table(results))
    return 1 if results["missed"] else 0


if __name__ == "__main__":
    sys.exit(main())
