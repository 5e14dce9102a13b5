"""Is this server able to do its job? The probes behind `/healthz` and the write guard.

The container's health check is `/healthz`, so it must fail whenever a wall
or a parent would: when the family's tables cannot be read, when nothing can
be written (a held lock, a read-only or full disk), when the database file was
deleted or replaced under the running server. Each probe is bounded in time
and none of them makes the walls redraw. Beside the probes, what a person
should look at without the server failing for it: the subscribed calendars
whose last fetch hit a problem (the walls keep their last good events).
"""

from __future__ import annotations

import logging
import shutil
import tempfile
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from django.conf import settings
from django.db import DatabaseError, connection, transaction
from django.db.backends.signals import connection_created

from schedule.common import household

log = logging.getLogger(__name__)

# How long the write probe waits for SQLite's write lock: shorter than the
# container's health check timeout (4 s), so a held lock reads as "locked",
# not as a health check that never answered.
PROBE_LOCK_WAIT_MS = 2000


@dataclass(frozen=True)
class Problem:
    """Why the server cannot do its job, in words for the person who runs it."""

    check: str
    reason: str


def sqlite_path() -> Path | None:
    if connection.vendor != "sqlite":
        return None
    name = str(settings.DATABASES["default"]["NAME"])
    if name == ":memory:" or name.startswith("file:"):
        return None
    return Path(name)


def watch_the_database_file() -> None:
    connection_created.connect(_remember_the_file, dispatch_uid="hibi-database-file")


def _remember_the_file(sender, connection, **kwargs) -> None:
    """Note which file a new SQLite connection opened, to notice it being swapped."""
    if connection.vendor != "sqlite":
        return
    path = sqlite_path()
    connection.hibi_inode = _inode(path) if path else None


def _inode(path: Path) -> int | None:
    try:
        return path.stat().st_ino
    except OSError:
        return None


def database_file_problem() -> Problem | None:
    """The SQLite file this connection writes to is gone or is another file now.

    SQLite keeps writing into a deleted file's inode: every change would be
    confirmed and then lost at the next restart.
    """
    path = sqlite_path()
    opened = getattr(connection, "hibi_inode", None)
    if path is None or connection.connection is None or opened is None:
        return None
    now = _inode(path)
    if now is None:
        return Problem("database", f"the database file {path} is gone")
    if now != opened:
        return Problem("database", f"the database file {path} was replaced; restart Hibi")
    return None


def read_problem(today: date) -> Problem | None:
    """Read what a wall reads: every family table the planner uses, and the displays."""
    from schedule import models
    from schedule.day.loading import load_household

    try:
        load_household(today)
        list(models.Display.objects.values_list("pk", "token"))
    except DatabaseError as exc:
        return Problem("read", f"the family's tables cannot be read: {exc}")
    return None


def write_problem() -> Problem | None:
    """Write one small row, as a tick or an admin save would, in a bounded time."""

    from schedule.common.models import Heartbeat

    try:
        with _lock_wait(PROBE_LOCK_WAIT_MS), transaction.atomic():
            Heartbeat.beat("healthz", household.now())
    except DatabaseError as exc:
        return Problem("write", f"the database cannot be written: {exc}")
    return None


class _lock_wait:
    """SQLite's busy timeout for the probe only, then back to the configured one."""

    def __init__(self, milliseconds: int) -> None:
        self.milliseconds = milliseconds
        self.before: int | None = None

    def __enter__(self) -> None:
        if connection.vendor != "sqlite":
            return
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA busy_timeout")
            self.before = cursor.fetchone()[0]
            cursor.execute(f"PRAGMA busy_timeout = {int(self.milliseconds)}")

    def __exit__(self, *exc_info) -> None:
        if self.before is None:
            return
        try:
            with connection.cursor() as cursor:
                cursor.execute(f"PRAGMA busy_timeout = {int(self.before)}")
        except DatabaseError:
            connection.close()  # reopened with the configured timeout


def data_dir_problem() -> Problem | None:
    """DATA_DIR takes a new file and has room for the database to grow and backups."""
    data_dir = Path(settings.DATA_DIR)
    try:
        with tempfile.NamedTemporaryFile(dir=data_dir, prefix=".healthz-"):
            pass
    except OSError as exc:
        return Problem("data_dir", f"{data_dir} is not writable: {exc.strerror or exc}")
    free_mb = shutil.disk_usage(data_dir).free // (1024 * 1024)
    if free_mb < settings.HEALTH_MIN_FREE_MB:
        limit = settings.HEALTH_MIN_FREE_MB
        return Problem("disk", f"only {free_mb} MB free in {data_dir} (HEALTH_MIN_FREE_MB={limit})")
    return None


def problems(today: date) -> list[Problem]:
    """Every probe, cheapest first; an unreadable database is not also probed for writes."""
    found = [p for p in (database_file_problem(), data_dir_problem()) if p]
    if any(p.check == "database" for p in found):
        return found
    if problem := read_problem(today):
        return [*found, problem]
    if problem := write_problem():
        found.append(problem)
    return found


def file_swapped_under_us() -> bool:
    """For the write paths: refuse to confirm a change that would be lost."""
    problem = database_file_problem()
    if problem is not None:
        log.error("Refusing a write: %s", problem.reason)
        connection.close()
        return True
    return False


def calendar_problems() -> list[dict] | None:
    """The subscribed calendars in use whose last fetch went wrong, each with
    its problem in plain words in every language of the admin; None when the
    database cannot tell. Information only: a hostile or broken calendar never
    makes this server unhealthy. Names and addresses stay out, as /healthz
    answers anyone who reaches the server; the id finds it in the admin."""
    from django.utils import translation

    from schedule.calendars.models import CalendarSubscription, describe_problem

    try:
        rows = list(
            CalendarSubscription.objects.filter(enabled=True)
            .exclude(error_code="")
            .order_by("pk")
            .values_list("pk", "error_code", "error_detail", "last_success_at")
        )
    except DatabaseError:
        return None
    found = []
    for pk, code, detail, last_success in rows:
        words = {}
        for language, _name in settings.LANGUAGES:
            with translation.override(language):
                words[language] = describe_problem(code, detail)
        found.append(
            {
                "id": pk,
                "problem": code,
                "message": words,
                # The wall keeps showing what this fetch brought.
                "last_success_at": last_success.isoformat() if last_success else None,
            }
        )
    return found
