"""The wall on a Fire tablet's engine: Chromium 49 (QtWebEngine 5.7), in the
old-engine harness of tests/oldengine/.

Two measurements, printed as one JSON line (bench/run.py stores it):

- idle: the wall polling at the family's interval (30 s) with nothing
  changing, for a minute: CPU seconds the page's renderer process used, and
  all of the engine's processes together (the latter includes drawing on
  Xvfb in software, which a tablet's GPU does instead);
- churn: every poll a changed panel (bench.settings' ChurnMiddleware), polls
  back to back, 1,000 swaps: the JS heap (after a forced garbage collection)
  and the DOM node count, both from the DevTools protocol, every 100 swaps.

    python bench/tablet.py [--polls 1000] [--idle-seconds 60]

Needs `make old-engines`. Nothing here is asserted; bench/run.py compares the
figures with the budgets in DESIGN.md.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import socket
import struct
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from scripts.old_engines import ENGINES  # noqa: E402
from tests.oldengine.harness import Browser, Screen, WallServer, free_port  # noqa: E402
from tests.oldengine.processes import cpu_seconds, family_of, renderer_of, total_cpu  # noqa: E402

ENGINE = next(engine for engine in ENGINES if engine.name == "chromium49")


class DevTools:
    """Just enough of a WebSocket client for Chrome 49's DevTools protocol."""

    def __init__(self, port: int):
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/json", timeout=10) as response:
            pages = [t for t in json.loads(response.read()) if t.get("type") == "page"]
        address = urlparse(pages[0]["webSocketDebuggerUrl"])
        self.sock = socket.create_connection((address.hostname, address.port), timeout=60)
        key = base64.b64encode(os.urandom(16)).decode()
        self.sock.sendall(
            (
                f"GET {address.path} HTTP/1.1\r\nHost: {address.netloc}\r\n"
                "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n"
            ).encode()
        )
        head = b""
        while b"\r\n\r\n" not in head:
            head += self.sock.recv(1)
        if b" 101 " not in head.split(b"\r\n", 1)[0]:
            raise RuntimeError(f"no WebSocket: {head!r}")
        self.next_id = 0

    def _exactly(self, size: int) -> bytes:
        data = b""
        while len(data) < size:
            chunk = self.sock.recv(size - len(data))
            if not chunk:
                raise ConnectionError("DevTools closed the connection")
            data += chunk
        return data

    def _send_text(self, text: str) -> None:
        data = text.encode()
        mask = os.urandom(4)
        size = len(data)
        if size < 126:
            header = struct.pack("!BB", 0x81, 0x80 | size)
        elif size < 65536:
            header = struct.pack("!BBH", 0x81, 0x80 | 126, size)
        else:
            header = struct.pack("!BBQ", 0x81, 0x80 | 127, size)
        masked = bytes(byte ^ mask[i % 4] for i, byte in enumerate(data))
        self.sock.sendall(header + mask + masked)

    def _message(self) -> str:
        parts = []
        while True:
            first, second = self._exactly(2)
            size = second & 0x7F
            if size == 126:
                (size,) = struct.unpack("!H", self._exactly(2))
            elif size == 127:
                (size,) = struct.unpack("!Q", self._exactly(8))
            parts.append(self._exactly(size))
            if first & 0x80:
                return b"".join(parts).decode()

    def send(self, method: str, **params) -> dict:
        self.next_id += 1
        self._send_text(json.dumps({"id": self.next_id, "method": method, "params": params}))
        while True:
            message = json.loads(self._message())
            if message.get("id") == self.next_id:
                if "error" in message:
                    raise RuntimeError(f"{method}: {message['error']}")
                return message.get("result", {})

    def evaluate(self, expression: str):
        result = self.send("Runtime.evaluate", expression=expression, returnByValue=True)
        return result["result"].get("value")


def sample(devtools: DevTools, reads: int = 3) -> dict:
    """Heap and DOM nodes after a forced GC, the least of a few reads: polls run
    back to back, and a read can land while a just-parsed answer (a second
    panel's worth of nodes) waits for the next collection."""
    heaps, nodes = [], []
    for _ in range(reads):
        devtools.send("HeapProfiler.collectGarbage")
        heaps.append(devtools.evaluate("performance.memory.usedJSHeapSize"))
        nodes.append(devtools.send("Memory.getDOMCounters")["nodes"])
        time.sleep(0.05)
    return {"heap": min(heaps), "nodes": min(nodes)}


def idle(server: WallServer, browser: Browser, seconds: int) -> dict:
    browser.open(server.wall_url() + "#bench")
    time.sleep(5)  # the first paint and the sprite settle
    renderer = renderer_of(browser.process.pid)
    processes = family_of(browser.process.pid)
    before_renderer, before_all = cpu_seconds(renderer), total_cpu(processes)
    mark = len(server.access())
    time.sleep(seconds)
    polls = [a for a in server.access()[mark:] if "/panel" in a.path]
    per_minute = 60 / seconds
    return {
        "seconds": seconds,
        "poll_seconds": 30,
        "polls": len(polls),
        "polls_changed": sum(1 for p in polls if p.status != 204),
        "renderer_cpu_s_per_min": round((cpu_seconds(renderer) - before_renderer) * per_minute, 3),
        "all_processes_cpu_s_per_min": round((total_cpu(processes) - before_all) * per_minute, 3),
    }


def churn(server: WallServer, browser: Browser, devtools_port: int, polls: int) -> dict:
    browser.open(server.wall_url() + "#bench")
    devtools = DevTools(devtools_port)
    samples = []
    started = time.monotonic()
    next_sample = 0
    while next_sample <= polls and time.monotonic() - started < 900:
        swaps = devtools.evaluate("window.__hibi.swaps")
        if swaps >= next_sample:
            samples.append({"polls": swaps, **sample(devtools)})
            next_sample += 100
        else:
            time.sleep(0.2)
    # As the soak does: growth from poll 300 on, once the engine has compiled
    # and cached what the swaps need (the heap climbs ~0.4 MB before that).
    baseline = next((s for s in samples if s["polls"] >= 300), samples[0])
    last = samples[-1]
    mb = 1024 * 1024
    return {
        "polls": last["polls"],
        "seconds": round(time.monotonic() - started, 1),
        "heap_start_mb": round(samples[0]["heap"] / mb, 3),
        "heap_at_300_mb": round(baseline["heap"] / mb, 3),
        "heap_end_mb": round(last["heap"] / mb, 3),
        "heap_growth_mb": round((last["heap"] - baseline["heap"]) / mb, 3),
        "dom_start": samples[0]["nodes"],
        "dom_at_300": baseline["nodes"],
        "dom_end": last["nodes"],
        "dom_drift_pct": round(100 * (last["nodes"] - baseline["nodes"]) / baseline["nodes"], 2),
        "samples": samples,
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--polls", type=int, default=1000)
    parser.add_argument("--idle-seconds", type=int, default=60)
    args = parser.parse_args()
    if not ENGINE.installed():
        raise SystemExit("Chromium 49 is not installed: run `make old-engines`")

    with tempfile.TemporaryDirectory(prefix="hibi-tablet-") as tmp:
        work = Path(tmp)
        server = WallServer(work / "data", poll_seconds=30)
        server.prepare()
        screen = Screen()
        port = free_port()
        browser = Browser(
            ENGINE,
            screen,
            work / "engine.log",
            chromium_flags="--enable-precise-memory-info",
            env={"QTWEBENGINE_REMOTE_DEBUGGING": f"127.0.0.1:{port}"},
        )
        try:
            server.start()
            result = {"engine": ENGINE.engine, "idle": idle(server, browser, args.idle_seconds)}
            server.stop()
            # Every poll a changed panel, polls as fast as the engine swaps.
            server.env.update(
                DJANGO_SETTINGS_MODULE="bench.oldengine_settings",
                HIBI_BENCH_CHURN="1",
                HIBI_BENCH_POLL_SECONDS="0.05",
            )
            server.start()
            result["churn"] = churn(server, browser, port, args.polls)
        finally:
            browser.close()
            screen.close()
            server.stop()
    print(json.dumps(result))


if __name__ == "__main__":
    main()
