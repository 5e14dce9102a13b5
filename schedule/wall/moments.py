"""`?at=`: the moment a wall is shown at, for previews, tests and Home Assistant.

Without it a wall shows now on the household's clock. The page and now.json
refuse a malformed `?at=` with a 400, so a person who typed it sees why. The
poll never does: a tablet that was once handed a bad `?at=` would otherwise
be answered 400 forever and show itself offline; it is shown now instead,
and the log says what it asked.
"""

from __future__ import annotations

import logging
import re
from datetime import datetime

from django.http import HttpRequest

from schedule import planner
from schedule.common import household
from schedule.common.converters import YEARS

log = logging.getLogger(__name__)

AT = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}")


def moment_from(raw: str | None) -> datetime:
    """Now, or the moment `YYYY-MM-DDTHH:MM` names; ValueError if malformed."""
    if not raw:
        return household.now()
    if not AT.fullmatch(raw):
        raise ValueError(f"not YYYY-MM-DDTHH:MM: {raw!r}")
    naive = datetime.strptime(raw, "%Y-%m-%dT%H:%M")
    if naive.year not in YEARS:
        raise ValueError(f"year out of range: {raw!r}")
    return planner.at(naive.date(), naive.time(), household.zone())


def requested(request: HttpRequest, fall_back: bool = False) -> tuple[str, datetime]:
    """(the `?at=` as given, the moment it names); ValueError when malformed,
    unless `fall_back`, which answers ("", now) instead, for the poll."""
    raw = request.GET.get("at", "")
    try:
        return raw, moment_from(raw)
    except ValueError as exc:
        if not fall_back:
            log.info("Refused %s: %s", request.path, exc)
            raise
        log.warning("Poll %s with a bad ?at= (%s); answering for now", request.path, exc)
        return "", household.now()
