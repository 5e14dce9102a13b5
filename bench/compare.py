"""Two versions of Hibi side by side in one run: is a change worth what it costs?

    python bench/compare.py --before ../wt-base [--seconds 3] [--rounds 5]

`--before` is another checkout of the repository (git worktree add ../wt-base
<commit>); this checkout is "after". Each gets the same families (the demo,
and the big one of bench/family.py as a scale check), its own production
gunicorn, and interleaved rounds: in each round, for each version, a slice of
a bare "hello", then of each wall request. A request's ratio to the hello of
its own round and version is what is compared, never milliseconds: the
machine's speed moves by the hour, both versions see the same hour.

Beside the throughput, each version's render of a changed panel (a new `?at=`
moment, through the whole stack with gzip) is timed in-process in the thread's
own CPU time (bench/render.py), taking turns likewise: on a machine busy with
other work the ratios to hello spread wide, the CPU time much less.

Writes bench/results/compare.json and compare.txt (a table).
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench import run as bench

AFTER = bench.ROOT
# The wall's requests compared: the poll that finds nothing changed (nearly
# every request of a day), and a changed poll rendered from the database (a
# new minute each time: the render a block's start or a tick costs).
REQUESTS = ("poll_unchanged", "poll_render")


def in_tree(tree: Path):
    """Point bench/run.py's helpers (cwd, PYTHONPATH, scripts) at `tree`."""
    bench.ROOT = tree


def prepared(tree: Path, folder: Path, big: bool) -> tuple[dict[str, str], dict]:
    in_tree(tree)
    env = bench.prepare(folder, big=big)
    bench.manage(env, "collectstatic", "--no-input", "-v0")
    return env, bench.probe(env)


def compare(before: Path, seconds: float, rounds: int) -> dict:
    trees = {"before": before, "after": AFTER}
    results: dict = {}
    with tempfile.TemporaryDirectory(prefix="hibi-compare-") as tmp:
        for family, big in (("demo", False), ("big", True)):
            bench.log(f"{family} family: preparing both versions")
            setups = {
                name: prepared(tree, Path(tmp) / f"{family}-{name}", big)
                for name, tree in trees.items()
            }
            ratios: dict[str, dict[str, list[float]]] = {
                n: {r: [] for r in REQUESTS} for n in trees
            }
            cpu: dict[str, dict[str, list[float]]] = {
                n: {r: [] for r in ("hello", *REQUESTS)} for n in trees
            }
            # A big family's render takes a tenth of a second: few connections,
            # or the queue of one slice spills into the next.
            connections = 2 if big else 16
            with ExitStack() as stack:
                servers = {}
                for name, tree in trees.items():
                    in_tree(tree)
                    servers[name] = stack.enter_context(bench.gunicorn(setups[name][0]))
                for number in range(rounds):
                    for name, tree in trees.items():
                        in_tree(tree)
                        server, (_env, info) = servers[name], setups[name]
                        specs = bench.endpoints(info)
                        specs["poll_unchanged"]["path"] = bench.unchanged_poll(server, info)
                        bench.settle(server)
                        hello = bench.drive(server, {"path": "/bench/hello"}, seconds, connections)
                        cpu[name]["hello"].append(hello["cpu_ms"])
                        for request in REQUESTS:
                            bench.settle(server)
                            stats = bench.drive(server, specs[request], seconds, connections)
                            ratios[name][request].append(stats["rps"] / (hello["rps"] or 1))
                            cpu[name][request].append(stats["cpu_ms"])
                    bench.log(f"  round {number + 1}/{rounds} done")
            # The same render in-process, in the thread's own CPU time (what a
            # busy machine's other work cannot add to), taking turns likewise.
            renders: dict[str, list[float]] = {n: [] for n in trees}
            for _number in range(rounds):
                for name, tree in trees.items():
                    in_tree(tree)
                    timed = bench.run_json(
                        setups[name][0], "render.py", "--renders", "10" if big else "30",
                        "--change", "moment",
                    )  # fmt: skip
                    renders[name].append(timed["cpu_ms"])
            results[family] = {
                name: {
                    **{
                        request: {
                            "vs_hello": bench.spread(ratios[name][request]),
                            "cpu_ms_median": bench.spread(cpu[name][request])["median"],
                        }
                        for request in REQUESTS
                    },
                    "render_cpu_ms": bench.spread(renders[name]),
                }
                for name in trees
            }
    in_tree(AFTER)
    return results


def table(results: dict, before: Path) -> str:
    lines = [
        f"Hibi before ({before}) and after ({AFTER}), one run, {time.strftime('%Y-%m-%d %H:%M')}",
        "Throughput as a ratio to a bare hello of the same round and version: "
        "median (min-max over rounds); after ÷ before of the medians",
    ]
    for family, versions in results.items():
        lines.append(f"\n{family} family")
        for request in REQUESTS:
            b = versions["before"][request]["vs_hello"]
            a = versions["after"][request]["vs_hello"]
            lines.append(
                f"  {request:15} before x{b['median']:.3f} ({b['min']:.3f}-{b['max']:.3f})"
                f"  after x{a['median']:.3f} ({a['min']:.3f}-{a['max']:.3f})"
                f"  after/before {a['median'] / b['median']:.2f}"
            )
        b, a = versions["before"]["render_cpu_ms"], versions["after"]["render_cpu_ms"]
        lines.append(
            f"  render CPU ms   before {b['median']:.2f} ({b['min']:.2f}-{b['max']:.2f})"
            f"  after {a['median']:.2f} ({a['min']:.2f}-{a['max']:.2f})"
            f"  after/before {a['median'] / b['median']:.2f}"
        )
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--before", type=Path, required=True, help="the other checkout")
    parser.add_argument("--seconds", type=float, default=3)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    before = args.before.resolve()
    results = compare(before, args.seconds, args.rounds)
    text = table(results, before)
    bench.RESULTS.mkdir(parents=True, exist_ok=True)
    (bench.RESULTS / "compare.json").write_text(json.dumps(results, indent=2))
    (bench.RESULTS / "compare.txt").write_text(text + "\n")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
