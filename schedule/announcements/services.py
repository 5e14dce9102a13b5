"""Writes of announcements: one sent (the row and its walls, counted once) and one
put away on a wall; each whole, in the walls' lock order (common/writes.py)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime, timedelta

from schedule.announcements.models import Announcement, AnnouncementDismissal, AnnouncementToken
from schedule.common import household
from schedule.common.models import counted_once
from schedule.common.writes import atomic_write
from schedule.family.models import Display


@atomic_write
def announce(
    *,
    text_ja: str = "",
    text_en: str = "",
    icon: str = "",
    minutes: int,
    displays: Iterable[Display] = (),
    chime: bool = False,
    token: AnnouncementToken | None = None,
    now: datetime | None = None,
) -> Announcement:
    """An announcement on the walls from now for `minutes` (every wall if no `displays`);
    the caller has checked the values (forms.AnnouncementForm, views.parse_request)."""
    now = now or household.now()
    with counted_once():  # the row and its walls: the walls redraw once
        made = Announcement.objects.create(
            text_ja=text_ja,
            text_en=text_en,
            icon=icon,
            starts_at=now,
            ends_at=now + timedelta(minutes=minutes),
            chime=chime,
            token=token,
        )
        walls = list(displays)
        if walls:
            made.displays.set(walls)
    return made


@atomic_write
def dismiss(announcement: Announcement, display: Display) -> None:
    """Put `announcement` away on `display`; a second tap (or a second tablet's) is harmless."""
    if AnnouncementDismissal.objects.filter(announcement=announcement, display=display).exists():
        return  # nothing changes: no wall redraws
    AnnouncementDismissal.objects.bulk_create(
        [AnnouncementDismissal(announcement=announcement, display=display)],
        ignore_conflicts=True,
    )
