"""Announcements as the planner takes them (planner.AnnouncementData), with the
walls that put each away: read with the ticks (day/loading.with_ticks), since
they come and go without a change to the plans."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from schedule import planner
from schedule.announcements.models import Announcement


def load_announcements(
    first: date, last: date, tz: ZoneInfo
) -> tuple[tuple[planner.AnnouncementData, ...], frozenset[tuple[int, int]]]:
    """The announcements touching `first`..`last`, and the (announcement, wall)
    pairs dismissed, in one query: a row per wall chosen and wall that dismissed
    it (a few, at most), so that a tap's reload stays one query longer, not three."""
    start = planner.at(first, time(0), tz)
    end = planner.at(last + timedelta(days=1), time(0), tz)
    rows = (
        Announcement.objects.filter(starts_at__lt=end, ends_at__gt=start)
        .order_by()
        .values_list(
            "pk", "text_ja", "text_en", "icon", "starts_at", "ends_at", "chime",
            "displays__id", "dismissals__display_id",
        )
    )  # fmt: skip
    heads: dict[int, tuple[Any, ...]] = {}
    walls: dict[int, set[int]] = defaultdict(set)
    dismissed: set[tuple[int, int]] = set()
    for row in rows:
        pk: int = row[0]
        heads[pk] = tuple(row[:7])
        if row[7] is not None:
            walls[pk].add(row[7])
        if row[8] is not None:
            dismissed.add((pk, row[8]))
    found = tuple(
        planner.AnnouncementData(
            id=pk, text_ja=ja, text_en=en, icon=icon, start=starts.astimezone(tz),
            end=ends.astimezone(tz), walls=frozenset(walls[pk]), chime=chime,
        )
        for pk, ja, en, icon, starts, ends, chime in heads.values()
    )  # fmt: skip
    return found, frozenset(dismissed)
