"""The worker's loop: queue each periodic task when its time has come.

`manage.py hibi_worker` runs this loop in a thread beside django-tasks-db's
`db_worker`, which runs what is queued. The loop itself only decides *when*:
each periodic task is queued at most once per period, even by two loops
running by mistake (a compare-and-set on its row in Heartbeat), and not
again while an earlier one still waits in the queue.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import DatabaseError, close_old_connections, connection, transaction

from schedule.common import household
from schedule.common.models import Heartbeat
from schedule.nudges import tasks

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Periodic:
    name: str
    task: Any  # a django.tasks Task
    every: timedelta


def periodic() -> tuple[Periodic, ...]:
    """Read from the settings each time, so tests can change them."""
    return (
        Periodic("send_due", tasks.send_due, timedelta(seconds=settings.WORKER_TICK_SECONDS)),
        Periodic(
            "sync_calendars",
            tasks.sync_calendars,
            timedelta(minutes=settings.CALENDAR_SYNC_MINUTES),
        ),
        Periodic(
            "sync_weather", tasks.sync_weather, timedelta(minutes=settings.WEATHER_SYNC_MINUTES)
        ),
        Periodic("prune", tasks.prune, timedelta(hours=6)),
    )


def _claim(name: str, now: datetime, every: timedelta) -> bool:
    """True for exactly one caller per period: the row's time moves only forward."""
    key = f"queued:{name}"
    # A little slack, so a loop that wakes a hair early does not skip a period.
    if Heartbeat.objects.filter(name=key, at__lte=now - every + timedelta(seconds=0.5)).update(
        at=now
    ):
        return True
    _row, created = Heartbeat.objects.get_or_create(name=key, defaults={"at": now})
    return created


def _waiting(job: Periodic) -> bool:
    from django_tasks_db.models import DBTaskResult

    return DBTaskResult.objects.filter(task_path=job.task.module_path, status="READY").exists()


def enqueue_due(now: datetime | None = None) -> list[str]:
    """Queue the periodic tasks whose time has come; their names."""
    now = now or household.now()
    queued = []
    for job in periodic():
        with transaction.atomic():
            if _waiting(job) or not _claim(job.name, now, job.every):
                continue
            job.task.enqueue()
        queued.append(job.name)
    return queued


def loop(stop: threading.Event) -> None:
    """Until `stop` is set: queue what is due, then sleep one tick."""
    try:
        while True:
            try:
                enqueue_due()
            except DatabaseError as exc:
                # A locked or vanished database: the next tick tries again.
                log.warning("Worker loop: could not queue tasks: %s", exc)
            close_old_connections()
            if stop.wait(settings.WORKER_TICK_SECONDS):
                return
    finally:
        connection.close()


def last_run() -> datetime | None:
    return Heartbeat.objects.filter(name="worker").values_list("at", flat=True).first()


def state(now: datetime | None = None) -> tuple[str, datetime | None]:
    """("ok" | "late" | "never", when the worker last ran)."""
    at = last_run()
    if at is None:
        return "never", None
    now = now or household.now()
    late = now - at > timedelta(minutes=settings.WORKER_STALE_MINUTES)
    return ("late" if late else "ok"), at
