"""What one real render of a wall costs: CPU time per changed panel, in-process.

Run with the bench environment (DJANGO_SETTINGS_MODULE=bench.settings,
DATA_DIR); prints one JSON object. Each request asks for a different `?at=`
moment, which no per-process cache answers, through the whole Django stack
(middleware, the view, the template, gzip as a tablet asks for it), timed in
the thread's own CPU time so that the other core's work does not count.

--change says what else changes before each render, as in a family's day:

- moment: nothing but the time (a block ends, the evening comes);
- tick: a chore is ticked done or undone on the wall (a real write, through
  ticks.tick_chore, alternating), the change a wall sees most;
- edit: a parent saves a block with a new title (a real save, through the
  ORM's signals), after which nothing loaded for an earlier render is valid.

    python bench/render.py [--renders N] [--change moment|tick|edit] [--profile]
"""

import argparse
import cProfile
import io
import json
import pstats
import statistics
import time
from datetime import date, datetime, timedelta

import django

django.setup()

from django.test import Client  # noqa: E402
from django.urls import reverse  # noqa: E402

from schedule.models import Block, Chore, Display  # noqa: E402
from schedule.wall import ticks  # noqa: E402

# A Tuesday: the plan in force has its blocks, and the chores are due.
DAY = date(2026, 11, 24)
HEADERS = {"HX-Request": "true", "Accept-Encoding": "gzip, deflate"}


def moments(count: int) -> list[str]:
    """`count` distinct minutes of the day, spread from 06:00."""
    first = datetime.combine(DAY, datetime.min.time()) + timedelta(hours=6)
    step = max(1, (16 * 60) // count)
    return [(first + timedelta(minutes=i * step)).strftime("%Y-%m-%dT%H:%M") for i in range(count)]


def changes(kind: str):
    """What happens before render number `index`, as a function of it."""
    if kind == "tick":
        chore = Chore.objects.filter(rrule="FREQ=DAILY").first() or Chore.objects.first()
        assert chore is not None, "the family has no chore to tick"
        return lambda index: ticks.tick_chore(chore, DAY, done=index % 2 == 0)
    if kind == "edit":
        block = Block.objects.order_by("id").first()
        assert block is not None, "the family has no block to edit"
        title = block.title_en

        def edit(index: int) -> None:
            block.title_en = f"{title} {index}"
            block.save()

        return edit
    return lambda index: None


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--renders", type=int, default=30)
    parser.add_argument("--profile", action="store_true", help="print cProfile's top functions")
    parser.add_argument("--change", choices=("moment", "tick", "edit"), default="moment")
    args = parser.parse_args()
    display = Display.objects.get(name__startswith="リビング")
    panel = reverse("wall-panel", args=[display.token])
    client = Client(SERVER_NAME="localhost", HTTP_USER_AGENT="hibi-bench")
    # The first render of a process pays for imports and the template's parse.
    started = time.perf_counter()
    first = client.get(f"{panel}?at=2026-11-24T05:59", headers=HEADERS)
    first_ms = (time.perf_counter() - started) * 1000
    times, sizes = [], []
    profiler = cProfile.Profile() if args.profile else None
    change = changes(args.change)
    for index, at in enumerate(moments(args.renders)):
        change(index)
        if profiler:
            profiler.enable()
        began = time.thread_time()
        response = client.get(f"{panel}?at={at}", headers=HEADERS)
        spent = time.thread_time() - began
        if profiler:
            profiler.disable()
        assert response.status_code == 200, response.status_code
        times.append(spent * 1000)
        sizes.append(len(response.content))
    out = {
        "renders": len(times),
        "cpu_ms": round(statistics.median(times), 2),
        "cpu_ms_min": round(min(times), 2),
        "cpu_ms_max": round(max(times), 2),
        "first_ms": round(first_ms, 1),
        "gzip_bytes": round(statistics.median(sizes)),
        "encoding": first.get("Content-Encoding", ""),
        "change": args.change,
    }
    if profiler:
        text = io.StringIO()
        pstats.Stats(profiler, stream=text).sort_stats("cumulative").print_stats(45)
        out["profile"] = text.getvalue()
    print(json.dumps(out))


if __name__ == "__main__":
    main()
