"""What an engine's processes cost, read from /proc: CPU seconds and memory.

QtWebEngine runs Chromium's processes under the driver (a zygote, the page's
renderer, a GPU process); QtWebKit runs the page inside the driver itself. A
tablet's figure is the whole family's, as the tablet's memory holds them all.
Used by tests/test_oldengine_soak.py and bench/ (nothing here asserts).
"""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


def family_of(pid: int) -> list[int]:
    """The process and all its descendants."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parent = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except OSError:
                continue
            children.setdefault(parent, []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        current = todo.pop()
        found.append(current)
        todo.extend(children.get(current, []))
    return found


def renderer_of(pid: int) -> int:
    """QtWebEngine's page process: a descendant started with --type=renderer."""
    for candidate in family_of(pid):
        try:  # Chromium rewrites its command line as one string: search, not split
            command_line = Path(f"/proc/{candidate}/cmdline").read_bytes()
        except OSError:
            continue
        if b"--type=renderer" in command_line:
            return candidate
    raise RuntimeError("no renderer process found")


def total_cpu(pids: list[int]) -> float:
    total = 0.0
    for pid in pids:
        with contextlib.suppress(OSError):  # a process that ended meanwhile
            total += cpu_seconds(pid)
    return total


def memory_kb(pids: list[int]) -> dict[str, int]:
    """Resident (RSS) and proportional (PSS: shared pages split between the
    processes that share them) memory of the processes together, in KB."""
    rss = pss = 0
    for pid in pids:
        with contextlib.suppress(OSError):
            for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                name, _, rest = line.partition(":")
                if name in ("Rss", "Pss"):
                    value = int(rest.split()[0])
                    if name == "Rss":
                        rss += value
                    else:
                        pss += value
    return {"rss_kb": rss, "pss_kb": pss}
