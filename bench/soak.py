"""Tablet soak: thousands of changed polls in a CPU-throttled Chromium.

Loads the wall from a running server whose every poll returns a changed panel
(HIBI_BENCH_CHURN=1), throttles the CPU 4× through the DevTools protocol to
stand in for a Fire 7, and samples the JS heap and DOM node count (after a
forced garbage collection) every 100 polls. Prints one JSON line.
"""

import argparse
import json
import statistics
import time

from playwright.sync_api import sync_playwright

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

# Count swaps and time each from the response's arrival to the next frame
# after the settle, in a buffer allocated up front so measuring does not grow
# the heap being measured.
HOOK = """
(function () {
  var soak = window.__soak = {count: 0, times: new Float64Array(%(polls)d + 100), start: 0};
  document.body.addEventListener('htmx:beforeSwap', function () {
    soak.start = performance.now();
  });
  document.body.addEventListener('htmx:afterSettle', function () {
    var began = soak.start;
    requestAnimationFrame(function () {
      setTimeout(function () {
        if (soak.count < soak.times.length) { soak.times[soak.count] = performance.now() - began; }
        soak.count += 1;
      }, 0);
    });
  });
})();
"""


OFFLINE = {"offline": True, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1}
ONLINE = {"offline": False, "latency": 0, "downloadThroughput": -1, "uploadThroughput": -1}


def metrics(cdp) -> dict:
    """Heap and DOM nodes after a GC, read between polls.

    Polls run back to back, so a read at a random moment often lands while a
    parsed answer waits to be swapped in and counts a second panel. The
    network is cut for a moment (the wall copes: it is its offline path) so
    the read sees the settled page.
    """
    cdp.send("Network.emulateNetworkConditions", OFFLINE)
    time.sleep(0.5)
    cdp.send("HeapProfiler.collectGarbage")
    values = {m["name"]: m["value"] for m in cdp.send("Performance.getMetrics")["metrics"]}
    cdp.send("Network.emulateNetworkConditions", ONLINE)
    return {"heap": values["JSHeapUsedSize"], "nodes": int(values["Nodes"])}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", required=True)
    parser.add_argument("--polls", type=int, default=3000)
    parser.add_argument("--throttle", type=float, default=4)
    parser.add_argument("--budget-seconds", type=int, default=480)
    args = parser.parse_args()

    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path="/usr/bin/chromium", headless=True, args=CHROMIUM_ARGS
        )
        context = browser.new_context(viewport={"width": 1024, "height": 600}, bypass_csp=True)
        page = context.new_page()
        cdp = context.new_cdp_session(page)
        cdp.send("Performance.enable")
        cdp.send("Network.enable")
        cdp.send("Emulation.setCPUThrottlingRate", {"rate": args.throttle})
        page.goto(args.url)
        page.evaluate(HOOK % {"polls": args.polls})

        samples = []
        started = time.monotonic()
        next_sample = 0
        while next_sample <= args.polls:
            count = page.evaluate("window.__soak.count")
            if count >= next_sample:
                samples.append({"polls": count, **metrics(cdp)})
                next_sample += 100
                continue
            if time.monotonic() - started > args.budget_seconds:
                break
            time.sleep(0.2)
        count = page.evaluate("window.__soak.count")
        times = page.evaluate(
            "Array.prototype.slice.call(window.__soak.times, 0, Math.min(window.__soak.count, "
            "window.__soak.times.length))"
        )
        browser.close()

    baseline = next((s for s in samples if s["polls"] >= 300), samples[0])
    last = samples[-1]
    mb = 1024 * 1024
    print(
        json.dumps(
            {
                "polls": count,
                "cpu_throttle": args.throttle,
                "seconds": round(time.monotonic() - started, 1),
                "heap_start_mb": round(samples[0]["heap"] / mb, 2),
                "heap_at_300_mb": round(baseline["heap"] / mb, 2),
                "heap_end_mb": round(last["heap"] / mb, 2),
                "heap_growth_mb": round((last["heap"] - baseline["heap"]) / mb, 3),
                "dom_start": samples[0]["nodes"],
                "dom_at_300": baseline["nodes"],
                "dom_end": last["nodes"],
                "dom_drift_pct": round(
                    100 * (last["nodes"] - baseline["nodes"]) / baseline["nodes"], 2
                ),
                "median_swap_ms": round(statistics.median(times), 1) if times else None,
                "samples": samples,
            }
        )
    )


if __name__ == "__main__":
    main()
