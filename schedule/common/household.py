"""The household's clock and language, each asked in one place.

Hibi serves one household: every wall clock, every "today" and every "now"
is read in its time zone (TIME_ZONE), and a page speaks the active language
(the parent's choice in the admin, else LANGUAGE_CODE). Code that needs the
zone, the moment or the language asks here; the planner is handed them.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import get_language

from schedule.common import bilingual


def zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def now() -> datetime:
    """This instant on the household's clock."""
    return timezone.now().astimezone(zone())


def today() -> date:
    return now().date()


def language() -> str:
    """ "ja" or "en": the language the current request (or command) speaks."""
    return (get_language() or settings.LANGUAGE_CODE)[:2]


def pick(ja: str, en: str, lang: str | None = None) -> str:
    """The text in `lang` (default: the active language), else the other one."""
    return bilingual.pick(ja, en, lang or language())


def in_both(write: Callable[[], object]) -> tuple[str, str]:
    """`write()` in Japanese and in English, (ja, en): for what a wall that shows
    both languages prints side by side, each marked with its own lang."""
    found = []
    for lang in ("ja", "en"):
        with translation.override(lang):
            found.append(str(write()))
    return found[0], found[1]
