"""Subscribed calendars' events as the planner takes them (planner.EventData),
with the language each title is written in."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.db.models import Q

from schedule import models, planner

type Row = tuple[Any, ...]


def guess_lang(text: str) -> str:
    """ "ja" when the text has kana or kanji, else "en": the event's own language,
    so that the wall marks it and kanji get Japanese glyphs."""
    for char in text:
        code = ord(char)
        if (
            0x3040 <= code <= 0x30FF  # hiragana, katakana
            or 0x3400 <= code <= 0x4DBF  # CJK extension A
            or 0x4E00 <= code <= 0x9FFF  # CJK ideographs
            or 0xFF66 <= code <= 0xFF9F  # half-width katakana
        ):
            return "ja"
    return "en"


def load_events(first: date, last: date, tz: ZoneInfo) -> tuple[planner.EventData, ...]:
    """Subscribed calendars' events touching `first`..`last`, in one query."""
    window_start = planner.at(first, time(0), tz)
    window_end = planner.at(last + timedelta(days=1), time(0), tz)
    events = []
    for pk, title, start, end, start_date, end_date, member_id, colour in _events(
        window_start, window_end, first, last
    ):
        ja = guess_lang(title) == "ja"
        events.append(
            planner.EventData(
                id=pk,
                title_ja=title if ja else "",
                title_en="" if ja else title,
                start=start.astimezone(tz) if start else None,
                end=end.astimezone(tz) if end else None,
                first_day=start_date,
                last_day=end_date - timedelta(days=1) if end_date else None,
                member_id=member_id,
                colour=colour or "",
            )
        )
    return tuple(events)


def _events(window_start: datetime, window_end: datetime, first: date, last: date) -> list[Row]:
    return list(
        models.CalendarEvent.objects.filter(
            Q(start__lt=window_end, end__gt=window_start)
            | Q(start_date__lte=last, end_date__gt=first),
            subscription__enabled=True,
        )
        .order_by("start", "start_date", "id")
        .values_list(
            "pk",
            "title",
            "start",
            "end",
            "start_date",
            "end_date",
            "subscription__member_id",
            "subscription__member__colour",
        )
    )
