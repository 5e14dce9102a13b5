"""The announcement banner over a wall: its words in the display's languages, its
picture, when it ends and the address that puts it away on this wall."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse

from schedule import planner
from schedule.common.icons import is_icon
from schedule.wall.texts import Text, ms, texts

# The picture of an announcement without one of its own.
ANNOUNCEMENT_ICON = "heart"


@dataclass(frozen=True)
class AnnouncementCard:
    id: int
    texts: tuple[Text, ...]
    icon: str
    starts: int  # ms: a chime rings only for an announcement that has just come
    ends: int  # ms: the poll's version changes then, and the banner goes
    chime: bool
    dismiss_url: str


def announcement_cards(
    view: planner.DayView, mode: str, token: str, query: str = ""
) -> tuple[AnnouncementCard, ...]:
    """The banners of the announcements on at the view's moment, newest first."""
    return tuple(
        AnnouncementCard(
            id=a.id,
            texts=texts(a.text_ja, a.text_en, mode),
            icon=a.icon if is_icon(a.icon) else ANNOUNCEMENT_ICON,
            starts=ms(a.start),
            ends=ms(a.end),
            chime=a.chime,
            dismiss_url=reverse("wall-dismiss", args=[token, a.id]) + query,
        )
        for a in view.announcing
    )
