"""gunicorn's access log, without a line for every unchanged wall poll.

A tablet asks every WALL_POLL_SECONDS whether its wall changed, and almost
always hears 204 No Content: thousands of lines a day per tablet that say
nothing, and writing each was 12–26 % of the cost of such a poll. Those polls
are counted instead, per wall, and each wall's count is written once every
ACCESS_LOG_POLL_MINUTES (15) minutes. Every other answer, a poll's too
(a changed wall, a refusal, an error), is logged line by line as before.
ACCESS_LOG_POLLS=1 logs every poll again.
"""

from __future__ import annotations

import os
import threading
import time

from gunicorn.glogging import Logger


def _polls_logged() -> bool:
    raw = os.environ.get("ACCESS_LOG_POLLS", "0").strip().lower()
    if raw in {"1", "true", "yes", "on"}:
        return True
    if raw in {"0", "false", "no", "off", ""}:
        return False
    raise ValueError(f"ACCESS_LOG_POLLS={raw!r} is not a boolean; use 1/0, true/false, yes/no.")


def _summary_seconds() -> float:
    raw = os.environ.get("ACCESS_LOG_POLL_MINUTES", "15")
    try:
        minutes = float(raw)
    except ValueError:
        minutes = 0.0
    if not minutes > 0:
        raise ValueError(f"ACCESS_LOG_POLL_MINUTES={raw!r} must be a number of minutes above 0.")
    return minutes * 60


class QuietPollsLogger(Logger):
    def __init__(self, cfg) -> None:
        super().__init__(cfg)
        self.log_polls = _polls_logged()
        self.summary_every = _summary_seconds()
        self._unchanged: dict[str, int] = {}
        self._since = time.monotonic()
        self._lock = threading.Lock()

    def access(self, resp, req, environ, request_time) -> None:
        if (
            not self.log_polls
            and resp.status_code == 204
            and req.method == "GET"
            and req.path.endswith("/panel")
        ):
            self._count(req.path)
            return
        super().access(resp, req, environ, request_time)

    def _count(self, path: str) -> None:
        now = time.monotonic()
        with self._lock:
            self._unchanged[path] = self._unchanged.get(path, 0) + 1
            if now - self._since < self.summary_every:
                return
            counts, self._unchanged = self._unchanged, {}
            minutes, self._since = (now - self._since) / 60, now
        for polled, count in sorted(counts.items()):
            self.access_log.info(
                "%s: %d unchanged polls (204) in the last %.0f minutes", polled, count, minutes
            )
