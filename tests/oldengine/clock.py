"""The test clock a server and its wall share (HIBI_CLOCK_* in config/settings.py):
it shows `start` at the real instant `epoch` and runs `rate` times as fast.

The test side computes the same moments as the server (schedule/common/household.py),
so a test can wait for a moment of the household's day (the block change at 17:20,
midnight) without asking anyone, and tell how far the page is behind.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

TOKYO = ZoneInfo("Asia/Tokyo")


def moment(text: str) -> datetime:
    """'2026-11-24T17:19:40' in the household's zone (the demo family's: Tokyo)."""
    return datetime.fromisoformat(text).replace(tzinfo=TOKYO)


@dataclass(frozen=True)
class FastClock:
    start: datetime
    rate: int = 1
    epoch: float = field(default_factory=time.time)

    def now(self) -> datetime:
        return self.at(time.time())

    def at(self, real: float) -> datetime:
        return (self.start + timedelta(seconds=(real - self.epoch) * self.rate)).astimezone(TOKYO)

    def real_seconds_until(self, when: datetime) -> float:
        return (when - self.now()).total_seconds() / self.rate

    def sleep_until(self, when: datetime) -> None:
        time.sleep(max(0.0, self.real_seconds_until(when)))

    def env(self) -> dict[str, str]:
        return {
            "HIBI_TEST_CLOCK": "1",
            "HIBI_CLOCK_START": self.start.isoformat(),
            "HIBI_CLOCK_EPOCH": repr(self.epoch),
            "HIBI_CLOCK_RATE": str(self.rate),
        }
