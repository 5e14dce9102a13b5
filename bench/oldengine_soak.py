"""A week of the wall left alone on Chromium 49 and WebKit 602, and the idle wall's CPU.

    python bench/oldengine_soak.py [--days 7] [--idle-minutes 10] [--only soak|idle]

- soak: the server's clock and the page's script 480 times as fast (a day in
  three minutes), real polls every 2 s, a parent's edit every simulated hour,
  each midnight's and each 3:00 reload (tests/oldengine/soak.py); every simulated
  hour the page's nodes, listeners, timers, JS heap (Chromium) and the engine's
  RSS/PSS, and whether the screen is right;
- idle: every target engine showing a weekday morning at real speed, polling
  every 30 s with nothing changing, for ten minutes: the CPU of the engine's
  processes, in percent of one core of this machine.

Both engines (all target engines for the idle run) run side by side, each with
its own gunicorn and Xvfb screen. Writes bench/results/oldengine-soak.json (every
sample) and bench/results/oldengine-soak.txt (per simulated day), and exits 1
when a goal of DESIGN.md is missed: nodes flat, memory growth under 1 MB per
simulated day, no timer leak, the screen right at every check, the idle wall
at most 1 % of a core. Needs `make old-engines`; `make soak` runs it.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import sys
import tempfile
import threading
import time
import traceback
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tests.oldengine.settings")
os.chdir(ROOT)

import django  # noqa: E402

django.setup()

from scripts.old_engines import ENGINES  # noqa: E402
from tests.oldengine.harness import Browser, Screen, WallServer  # noqa: E402
from tests.oldengine.soak import CHROMIUM_FLAGS, idle_cpu, per_day, soak  # noqa: E402
from tests.oldengine.suite import Session  # noqa: E402

RESULTS = ROOT / "bench" / "results"
SOAKED = ("chromium49", "webkit602")
START = "2026-11-23T05:00"  # the Monday holiday; a week of both plans follows
IDLE_AT = "2026-11-24T10:00"  # a weekday morning: work and school until the afternoon
GOALS = {"memory_mb_per_day": 1.0, "idle_cpu_pct": 1.0, "timeouts_waiting": 5}


def log(message: str) -> None:
    print(f"[soak {time.strftime('%H:%M:%S')}] {message}", flush=True)


def on_engine(name: str, prepared: WallServer, work: Path, job, results: dict) -> None:
    engine = next(e for e in ENGINES if e.name == name)
    server = screen = browser = session = None
    try:
        server = prepared.copy_of(work / name / "data")
        server.start()
        screen = Screen()
        browser = Browser(engine, screen, work / name / "engine.log", chromium_flags=CHROMIUM_FLAGS)
        session = Session(engine, server, browser)
        results[name] = job(session)
        log(f"{name}: done")
    except Exception:
        results[name] = {"error": traceback.format_exc()}
        log(f"{name}: failed\n{results[name]['error']}")
    finally:
        for part in (session, browser, screen, server):
            if part is not None:
                part.close()


def side_by_side(names, prepared: WallServer, work: Path, job) -> dict:
    results: dict = {}
    threads = [
        threading.Thread(target=on_engine, args=(name, prepared, work, job, results))
        for name in names
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


def days_of(samples: list[dict]) -> list[dict]:
    """Per simulated day: its samples' nodes, timers, listeners, memory and screen."""
    kb = 1024
    found = []
    for day in range(max(s["hour"] for s in samples) // 24 + 1):
        of_day = [s for s in samples if s["hour"] // 24 == day]
        # Like with like: the page the nightly reload brought, at 4:30 each day.
        fresh = next((s for s in of_day if s["moment"][11:13] == "04"), of_day[-1])
        heaps = [s["heap"] for s in of_day if s["heap"] is not None]
        found.append(
            {
                "day": day + 1,
                "date": of_day[0]["moment"][:10],
                "nodes": [min(s["nodes"] for s in of_day), max(s["nodes"] for s in of_day)],
                "outside_nodes": sorted({s["outside"] for s in of_day}),
                "panel_vs_fresh": sorted(
                    {s["panel"] - s["fresh"] for s in of_day if s["fresh"] is not None}
                ),
                "global_listeners": sorted({s["globalListeners"] for s in of_day}),
                "intervals": sorted({s["intervals"] for s in of_day}),
                "timeouts_max": max(s["timeouts"] for s in of_day),
                "heap_mb_max": round(max(heaps) / kb / kb, 2) if heaps else None,
                "rss_mb_at_4_30": round(fresh["rss_kb"] / kb, 1),
                "pss_mb_at_4_30": round(fresh["pss_kb"] / kb, 1),
                "wrong": sum(len(s["wrong"]) for s in of_day),
                "lag_s_max": max((s["lag_s"] or 0) for s in of_day),
            }
        )
    return found


def growth(days: list[dict], key: str) -> float | None:
    """MB per simulated day: the least-squares slope of the daily points from day 2 on."""
    points = [{"hour": d["day"], key: d[key]} for d in days[1:] if d[key] is not None]
    slope = per_day(points, key, skip_hours=0)
    return None if slope is None else round(slope / 24, 3)


def report(soaks: dict, idles: dict, args) -> tuple[list[str], list[str]]:
    lines = [
        f"Old engines left alone — {os.cpu_count()} cores, {platform.python_version()}, "
        f"{time.strftime('%Y-%m-%d %H:%M:%S')}",
        "",
    ]
    missed = []
    for name, result in soaks.items():
        if "error" in result:
            lines += [f"{name}: the soak failed", result["error"], ""]
            missed.append(f"{name}: the soak failed")
            continue
        days = days_of(result["samples"])
        result["days"] = days
        head = (
            f"{name}: {len(days)} simulated days at {result['rate']}× ({result['polls']} polls, "
            f"{result['changed_polls']} changed, {result['page_loads'] // 2} reloads, a parent's "
            "edit every hour)"
        )
        lines += [head, "  day date        nodes min-max  outside  elements-vs-fresh  listeners  "
                  "intervals  timeouts  heap MB  RSS MB  PSS MB  screen wrong  lag s"]  # fmt: skip
        for d in days:
            lines.append(
                f"  {d['day']:>3} {d['date']}  {d['nodes'][0]:>5}-{d['nodes'][1]:<5}  "
                f"{','.join(map(str, d['outside_nodes'])):>7}  "
                f"{','.join(map(str, d['panel_vs_fresh'])) or '-':>17}  "
                f"{','.join(map(str, d['global_listeners'])):>9}  "
                f"{','.join(map(str, d['intervals'])):>9}  {d['timeouts_max']:>8}  "
                f"{d['heap_mb_max'] if d['heap_mb_max'] is not None else '-':>7}  "
                f"{d['rss_mb_at_4_30']:>6}  {d['pss_mb_at_4_30']:>6}  {d['wrong']:>12}  "
                f"{d['lag_s_max']:>5}"
            )
        growths = {
            "heap": growth(days, "heap_mb_max"),
            "rss": growth(days, "rss_mb_at_4_30"),
            "pss": growth(days, "pss_mb_at_4_30"),
        }
        result["growth_mb_per_day"] = growths
        lines.append(
            "  growth per simulated day from day 2 on: "
            + ", ".join(f"{k} {v if v is not None else '-'} MB" for k, v in growths.items())
        )
        lines.append("")
        samples = result["samples"]
        if len({s["outside"] for s in samples}) != 1:
            missed.append(f"{name}: nodes outside the panel changed")
        if {s["panel"] - s["fresh"] for s in samples if s["fresh"] is not None} - {0}:
            missed.append(f"{name}: the panel's elements differ from a fresh render's")
        # kiosk.js's tick and drift and watchdog.js's check: the same three all week.
        if len({s["globalListeners"] for s in samples}) != 1 or {
            s["intervals"] for s in samples
        } != {3}:
            missed.append(f"{name}: listeners or intervals changed")
        if max(s["timeouts"] for s in samples) > GOALS["timeouts_waiting"]:
            missed.append(f"{name}: timeouts pile up")
        if any(s["wrong"] for s in samples):
            missed.append(f"{name}: the screen was wrong {sum(bool(s['wrong']) for s in samples)}×")
        # The JS heap where the engine tells it, else the engine's PSS.
        memory = growths["heap"] if growths["heap"] is not None else growths["pss"]
        if memory is not None and memory > GOALS["memory_mb_per_day"]:
            missed.append(f"{name}: memory grows {memory} MB per simulated day")
    if idles:
        lines.append(
            f"Idle wall at real speed ({IDLE_AT[11:]} on a weekday, polls every 30 s, nothing "
            "changing): CPU of the engine's processes, % of one core"
        )
        for name, result in idles.items():
            if "error" in result:
                lines.append(f"  {name:<11} failed")
                missed.append(f"{name}: the idle run failed")
                continue
            lines.append(
                f"  {name:<11} {result['cpu_pct_of_a_core']:>5} %  ({result['seconds']} s, "
                f"{result['polls']} polls)"
            )
            if result["cpu_pct_of_a_core"] > GOALS["idle_cpu_pct"]:
                missed.append(f"{name}: idle CPU {result['cpu_pct_of_a_core']} % > 1 %")
        lines.append("")
    lines.append("Goals: " + ("MISSED: " + "; ".join(missed) if missed else "all met"))
    return lines, missed


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--days", type=float, default=7)
    parser.add_argument("--idle-minutes", type=float, default=10)
    parser.add_argument("--only", choices=("soak", "idle"))
    args = parser.parse_args()
    missing = [e.name for e in ENGINES if e.target and not e.installed()]
    if missing:
        raise SystemExit(f"old engines missing: {', '.join(missing)}; run `make old-engines`")
    soaks: dict = {}
    idles: dict = {}
    with tempfile.TemporaryDirectory(prefix="hibi-soak-") as tmp:
        work = Path(tmp)
        prepared = WallServer(work / "prepared", 2, HIBI_STATIC_ROOT=str(work / "static"))
        prepared.prepare()
        if args.only != "idle":
            hours = round(args.days * 24)
            minutes = hours * 7.5 / 60
            log(f"soak: {hours} simulated hours on {', '.join(SOAKED)} (~{minutes:.0f} min)")
            soaks = side_by_side(SOAKED, prepared, work, lambda s: soak(s, START, hours))
        if args.only != "soak":
            targets = [e.name for e in ENGINES if e.target]
            log(f"idle: {args.idle_minutes} minutes on {', '.join(targets)}")
            idles = side_by_side(
                targets, prepared, work, lambda s: idle_cpu(s, IDLE_AT, args.idle_minutes * 60)
            )
    lines, missed = report(soaks, idles, args)
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "oldengine-soak.txt").write_text("\n".join(lines) + "\n")
    (RESULTS / "oldengine-soak.json").write_text(
        json.dumps({"soak": soaks, "idle": idles, "missed": missed}, indent=1)
    )
    print("\n".join(lines))
    sys.exit(1 if missed else 0)


if __name__ == "__main__":
    main()
