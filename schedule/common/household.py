"""The household's clock and language, each asked in one place.

Hibi serves one household: every wall clock, every "today" and every "now"
is read in its time zone (TIME_ZONE), and a page speaks the active language
(the parent's choice in the admin, else LANGUAGE_CODE). Code that needs the
zone, the moment or the language asks here; the planner is handed them.

The clock is the real one, except on a test server that sets a test clock
(HIBI_CLOCK_START, HIBI_CLOCK_RATE in config/settings.py): it then starts at a
chosen moment and may run fast, so the old engines' soak lives through a
week's minutes, midnights and nightly reloads in half an hour. The wall's
script is handed the same rate (clock_rate()) and runs with it.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core import checks
from django.utils import timezone, translation
from django.utils.translation import get_language

from schedule.common import bilingual

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ChosenClock:
    """A clock that shows `start` at the real instant `epoch` and runs `rate` times as fast."""

    start: datetime
    epoch: float  # Unix seconds
    rate: int

    def at(self, real: datetime) -> datetime:
        return self.start + timedelta(seconds=(real.timestamp() - self.epoch) * self.rate)


def chosen_clock() -> ChosenClock | None:
    """The test clock, if one is set and allowed (DEBUG or HIBI_TEST_CLOCK=1)."""
    start = getattr(settings, "TEST_CLOCK_START", None)
    if start is None or not getattr(settings, "TEST_CLOCK_ALLOWED", False):
        return None
    return ChosenClock(start, settings.TEST_CLOCK_EPOCH, settings.TEST_CLOCK_RATE)


def zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def now() -> datetime:
    """This instant on the household's clock."""
    real = timezone.now()
    clock = chosen_clock()
    return (clock.at(real) if clock else real).astimezone(zone())


def clock_rate() -> int:
    """How many times as fast as real time the household's clock runs (1 but on a test server)."""
    clock = chosen_clock()
    return clock.rate if clock else 1


def today() -> date:
    return now().date()


def language() -> str:
    """ "ja" or "en": the language the current request (or command) speaks."""
    return (get_language() or settings.LANGUAGE_CODE)[:2]


def pick(ja: str, en: str, lang: str | None = None) -> str:
    """The text in `lang` (default: the active language), else the other one."""
    return bilingual.pick(ja, en, lang or language())


def say_when_the_clock_is_a_test_clock() -> None:
    """One line in each process's log: a wall whose clock is not the real one must be
    noticed at once (called when the app is ready)."""
    clock = chosen_clock()
    if clock is not None:
        log.warning(
            "The household clock is a test clock: it showed %s at %s and runs %d× as fast "
            "(HIBI_CLOCK_START, HIBI_CLOCK_RATE); never on a family's server.",
            clock.start.isoformat(),
            datetime.fromtimestamp(clock.epoch, tz=clock.start.tzinfo).isoformat(),
            clock.rate,
        )


@checks.register()
def check_the_clock(app_configs: object = None, **kwargs: object) -> list[checks.CheckMessage]:
    """A test clock set on a server, used or not, is worth a warning in `manage.py check`."""
    if getattr(settings, "TEST_CLOCK_START", None) is None:
        return []
    clock = chosen_clock()
    if clock is None:
        return [
            checks.Warning(
                "HIBI_CLOCK_START is set but ignored: a test clock needs DEBUG=1 or "
                "HIBI_TEST_CLOCK=1.",
                hint="Remove HIBI_CLOCK_START (and HIBI_CLOCK_RATE) from a family's server.",
                id="hibi.W002",
            )
        ]
    return [
        checks.Warning(
            f"The household clock is a test clock: from {clock.start.isoformat()}, "
            f"{clock.rate}× as fast as real time.",
            hint="For tests only (tests/oldengine/, make soak): unset HIBI_CLOCK_START.",
            id="hibi.W001",
        )
    ]


def in_both(write: Callable[[], object]) -> tuple[str, str]:
    """`write()` in Japanese and in English, (ja, en): for what a wall that shows
    both languages prints side by side, each marked with its own lang."""
    found = []
    for lang in ("ja", "en"):
        with translation.override(lang):
            found.append(str(write()))
    return found[0], found[1]
