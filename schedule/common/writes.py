"""Writes the walls see, one at a time and whole: a tap on a wall, a parent's save.

Every change the walls could show bumps the one Revision row (signals.py),
which PostgreSQL then keeps locked until the transaction ends. A tap that
bumped it and then locked a child's row, against a tap or a parent's save
that locked the child's row and then bumped it, each waited for the other
until PostgreSQL gave up on one of them: a 503 (issue #24). So a write takes
the revision row first, before any other row (`Revision.lock()`), and waits
there for the write that holds it; no two writes can then hold a row each
that the other wants next. It is the order SQLite always had, whose
transactions take its one write lock as they begin.

What can still fail that way (a deadlock with a write that came in by another
path, a serialization failure, SQLite's "database is locked") is tried again
a few times after a short, jittered pause. It is always the whole transaction
that is tried again, never the part after the failure: the rollback undid all
of the attempt, so the write is applied exactly once. Inside a transaction
someone else began, nothing is retried here: the failure goes up to whoever
began it.
"""

from __future__ import annotations

import functools
import logging
import random
import time
from collections.abc import Callable

from django.db import DatabaseError, transaction
from django.http import HttpRequest, HttpResponse

from schedule.common.models import Revision

log = logging.getLogger(__name__)

# What a browser may send without meaning to change anything.
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})

ATTEMPTS = 3
FIRST_PAUSE = 0.05  # seconds before the second try; twice that before the third
# A write that already waited this long (SQLite's busy timeout, PostgreSQL's
# lock_timeout: DB_WRITE_TIMEOUT) is behind a writer that is still busy: the
# 503 asks to come back later rather than making the tablet wait once more.
GIVE_UP_AFTER = 5.0  # seconds

# PostgreSQL's SQLSTATEs for "this transaction lost a race; run it again".
RETRIED_STATES = {"40P01": "deadlock", "40001": "serialization failure"}


def worth_retrying(exc: DatabaseError) -> str | None:
    """Why a whole new attempt may succeed where this one failed, or None if it may not."""
    cause = exc.__cause__
    state = getattr(cause, "sqlstate", None) or getattr(cause, "pgcode", None)
    if state in RETRIED_STATES:
        return RETRIED_STATES[state]
    if "database is locked" in str(exc):
        return "database locked"
    return None


def run[T](work: Callable[[], T], what: str, undo: Callable[[], None] | None = None) -> T:
    """`work()` in a transaction of its own that locks the revision row first; run
    again whole when the database gave up on it for a reason worth retrying.

    `undo` forgets what an attempt did outside the database (a message queued
    for the parent), since the rollback only undoes the database's part.
    """
    if transaction.get_connection().in_atomic_block:
        with transaction.atomic():
            Revision.lock()
            return work()
    started = time.monotonic()
    attempt = 1
    while True:
        try:
            with transaction.atomic():
                Revision.lock()
                return work()
        except Exception as exc:
            if undo is not None:
                undo()
            why = worth_retrying(exc) if isinstance(exc, DatabaseError) else None
            waited = time.monotonic() - started
            if why is None or attempt == ATTEMPTS or waited >= GIVE_UP_AFTER:
                raise
            log.warning(
                "%s: %s, attempt %d of %d after %.1f s; trying it again",
                why,
                what,
                attempt,
                ATTEMPTS,
                waited,
            )
        time.sleep(FIRST_PAUSE * 2 ** (attempt - 1) * random.uniform(0.5, 1.5))
        attempt += 1


def atomic_write[**P, T](func: Callable[P, T]) -> Callable[P, T]:
    """A function that writes what the walls show, run as `run()` runs it."""

    @functools.wraps(func)
    def write(*args: P.args, **kwargs: P.kwargs) -> T:
        return run(functools.partial(func, *args, **kwargs), func.__qualname__)

    return write


def atomic_post(
    view: Callable[..., HttpResponse],
) -> Callable[..., HttpResponse]:
    """A view whose POST writes what the walls show, run as `run()` runs it; its GET
    is left as it was (a page is read without holding anyone off)."""

    @functools.wraps(view)
    def posted(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        if request.method in SAFE_METHODS:
            return view(request, *args, **kwargs)
        queue = getattr(getattr(request, "_messages", None), "_queued_messages", None)
        kept = len(queue) if queue is not None else 0

        def undo() -> None:
            # "Saved" said by an attempt that was rolled back would be a lie;
            # an upload is read again from its start.
            if queue is not None:
                del queue[kept:]
            for _name, uploads in request.FILES.lists():
                for upload in uploads:
                    upload.seek(0)

        return run(lambda: view(request, *args, **kwargs), f"{request.method} {request.path}", undo)

    return posted


def non_atomic_post(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """An admin view whose POST waits on something slow outside the database (a
    phone's nudge service): it must not hold every other write off meanwhile."""
    view.non_atomic_post = True  # type: ignore[attr-defined]
    return view
