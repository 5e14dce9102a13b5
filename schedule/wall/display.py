"""Which tablet is asking, and what it may do: the Display lookup, its heartbeat, its chores.

Every wall request starts here. The lookup brings the family's revision in
the same query, so an unchanged poll costs one query in all.
"""

from __future__ import annotations

import functools
import logging
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any

from django.db import DatabaseError, connection
from django.http import HttpRequest

from schedule.common import household
from schedule.common.models import Revision
from schedule.family.models import Display

log = logging.getLogger(__name__)


# The display and the family's Revision in one query, asked in plain SQL and
# turned into a Display by hand: on the unchanged poll, building the same ORM
# query (a Subquery annotation) cost more than running it (72 µs against 25 µs),
# and that poll is most of what the server ever does (make bench: the
# unchanged poll at 0.75x hello with it, 0.62x with the ORM query).
_FIELDS = Display._meta.concrete_fields


@functools.cache
def _find_display_sql(vendor: str) -> tuple[str, list[tuple[Any, list[Any]]]]:
    quote = connection.ops.quote_name
    columns = ", ".join(f"d.{quote(str(field.column))}" for field in _FIELDS)
    revision = quote(Revision._meta.db_table)
    sql = (
        f"SELECT {columns},"
        f" COALESCE((SELECT r.value FROM {revision} r WHERE r.id = 1), 0),"
        f" COALESCE((SELECT r.plans FROM {revision} r WHERE r.id = 1), 0)"
        f" FROM {quote(Display._meta.db_table)} d WHERE d.token = %s"
    )
    converters = []
    for field in _FIELDS:
        column = field.get_col(Display._meta.db_table)
        functions = connection.ops.get_db_converters(column)
        converters.append((column, functions + column.get_db_converters(connection)))
    return sql, converters


def find_display(token: str) -> Display | None:
    """The display with this token, or None (the URL converter vouches for its shape)."""
    sql, converters = _find_display_sql(connection.vendor)
    with connection.cursor() as cursor:
        cursor.execute(sql, [token])
        row = cursor.fetchone()
    if row is None:
        return None
    values = list(row[:-2])
    for index, (column, functions) in enumerate(converters):
        for convert in functions:
            values[index] = convert(values[index], column, connection)
    display = Display.from_db(connection.alias, [f.attname for f in _FIELDS], values)
    display.revision, display.plans_revision = row[-2:]
    return display


def note_seen(display: Display, request: HttpRequest, now: datetime | None = None) -> bool:
    """Record that this display asked, at most once a minute; True if it wrote.

    A queryset update, so the heartbeat neither bumps the revision nor runs
    the model's signals.
    """
    now = now or household.now()
    last = display.last_seen_at
    if last is not None and timedelta(0) <= now - last < Display.HEARTBEAT_EVERY:
        return False
    agent = request.headers.get("User-Agent", "")[:300]
    try:
        Display.objects.filter(pk=display.pk).update(last_seen_at=now, last_user_agent=agent)
    except DatabaseError as exc:
        # Best effort: a held write lock or a full disk must not cost the
        # tablet its answer, which needs only reads.
        log.warning("Display %s: could not note that it was seen: %s", display.pk, exc)
        return False
    display.last_seen_at, display.last_user_agent = now, agent
    return True


# Loading and the poll version ---------------------------------------------------------


@dataclass(frozen=True)
class Screen:
    """What a wall needs of its display, read from its row once: how it speaks,
    what it may do, when its nights are."""

    token: str
    name: str
    theme: str
    language: str
    show_readings: bool
    may_complete: bool
    show_stars: bool
    chime: bool
    cues: tuple[int, ...]
    night_start: time | None
    night_end: time | None
    ok_to_wake: bool = False
    timers: tuple[int, ...] = ()
    spoken_cues: bool = False

    @classmethod
    def of(cls, display: Display) -> Screen:
        return cls(
            token=display.token,
            name=display.name,
            theme=display.theme,
            language=display.language,
            show_readings=display.show_readings,
            may_complete=display.may_complete_chores,
            show_stars=display.show_stars,
            chime=display.chime,
            cues=tuple(display.cues),
            night_start=display.night_start,
            night_end=display.night_end,
            ok_to_wake=display.ok_to_wake,
            timers=display.timers,
            spoken_cues=display.spoken_cues,
        )
