"""Production settings plus a bench-only URL conf (the bare "hello" view)."""

import os

from config.settings import *  # noqa: F403
from config.settings import MIDDLEWARE

ROOT_URLCONF = "bench.urls"
LOGGING = {"version": 1, "disable_existing_loggers": False, "root": {"level": "WARNING"}}

# The soak forces a change on every poll: a bench-only middleware bumps the
# revision before each panel request when HIBI_BENCH_CHURN=1.
# First, so that the unchanged poll's shortcut (schedule/middleware.py) sees the change.
MIDDLEWARE = ["bench.urls.ChurnMiddleware", *MIDDLEWARE]

# The soak polls far faster than a real wall would (WALL_POLL_SECONDS has a
# floor of 2 s for families); only the benchmark may go below it.
if poll := os.environ.get("HIBI_BENCH_POLL_SECONDS"):
    WALL_POLL_SECONDS = float(poll)
