"""The worker's jobs, as tasks of Django's tasks framework.

They are queued in the family's database (django-tasks-db's DatabaseBackend)
by the worker's loop (`worker.py`) or by the admin, and run by its
`db_worker`; the web server never runs them and never waits for them.
"""

from __future__ import annotations

from datetime import timedelta

from django.tasks import task

from schedule.calendars import subscriptions as calendars
from schedule.calendars.models import CalendarSubscription
from schedule.common import household
from schedule.common.models import Heartbeat
from schedule.nudges import sending as nudges

# Finished tasks are kept this long (for a look in the database), then removed.
KEEP_FINISHED = timedelta(days=1)


@task()
def send_due() -> int:
    """Nudges and webhooks that came due; also the worker's sign of life."""
    Heartbeat.beat("worker")
    return nudges.run()


@task()
def sync_calendars() -> int:
    Heartbeat.beat("worker")
    return calendars.sync_all()


@task()
def sync_calendar(subscription_id: int) -> bool:
    """One subscription now: after a parent adds or changes it."""
    subscription = CalendarSubscription.objects.filter(pk=subscription_id, enabled=True).first()
    if subscription is None:
        return False
    calendars.sync(subscription)
    return True


@task()
def sync_weather(force: bool = False) -> list[str]:
    """The family's forecast and warnings; `force`: the forecast too, due or not
    (after a parent changed the place)."""
    from schedule.weather import sync

    Heartbeat.beat("worker")
    return sync.sync(force=force)


@task()
def prune() -> int:
    """Forget finished tasks: the loop queues one every few seconds."""
    from django_tasks_db.models import DBTaskResult

    deleted, _by_model = DBTaskResult.objects.filter(
        finished_at__lt=household.now() - KEEP_FINISHED
    ).delete()
    return deleted
