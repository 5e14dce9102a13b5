"""How often one token may announce: at most PER_MINUTE in any minute, so a
looping automation cannot keep the walls flashing (429 and Retry-After).

Counted in the process's memory: Hibi runs one gunicorn worker by default
(config/gunicorn.conf.py), whose threads share it; with WEB_CONCURRENCY=N the
limit holds per worker, N times the rate at most.
"""

from __future__ import annotations

import math
import threading
import time
from collections import deque

PER_MINUTE = 30
WINDOW = 60.0  # seconds


class Limiter:
    def __init__(self, per_window: int = PER_MINUTE, window: float = WINDOW) -> None:
        self.per_window, self.window = per_window, window
        self._seen: dict[object, deque[float]] = {}
        self._lock = threading.Lock()

    def take(self, key: object, now: float | None = None) -> int:
        """Count a request of `key`; 0 if it may go on, else the whole seconds to wait."""
        now = time.monotonic() if now is None else now
        with self._lock:
            seen = self._seen.setdefault(key, deque())
            while seen and seen[0] <= now - self.window:
                seen.popleft()
            if len(seen) >= self.per_window:
                return max(1, math.ceil(seen[0] + self.window - now))
            seen.append(now)
            return 0

    def forget(self) -> None:
        with self._lock:
            self._seen.clear()


tokens = Limiter()
