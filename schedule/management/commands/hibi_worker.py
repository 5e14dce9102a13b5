"""Run Hibi's background worker: the periodic loop and django-tasks-db's db_worker.

python manage.py hibi_worker           # until Ctrl-C or SIGTERM
python manage.py hibi_worker --check   # the container's health check
"""

import logging
import threading

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.tasks.base import TaskResultStatus
from django.tasks.signals import task_finished

from schedule.nudges import worker

log = logging.getLogger("schedule.nudges.worker")


def _log_failure(sender, task_result, **kwargs) -> None:
    if task_result.status == TaskResultStatus.FAILED:
        detail = task_result.errors[-1].traceback if task_result.errors else ""
        log.error("Task %s failed:\n%s", task_result.task.name, detail)


class Command(BaseCommand):
    help = "Run the background worker: calendar syncs, nudges to phones, webhooks."

    def add_arguments(self, parser):
        parser.add_argument(
            "--check",
            action="store_true",
            help="Exit 0 if the worker ran lately, 1 if not (a health check).",
        )

    def handle(self, *args, **options):
        if options["check"]:
            status, at = worker.state()
            if status != "ok" or at is None:
                raise CommandError(f"worker {status}: last ran {at or 'never'}")
            self.stdout.write(f"ok: last ran {at.isoformat()}")
            return
        stop = threading.Event()
        # A daemon thread: db_worker owns the signals and ends the process on
        # Ctrl-C or SIGTERM (after the task it is running, if any).
        thread = threading.Thread(target=worker.loop, args=(stop,), name="hibi-loop", daemon=True)
        thread.start()
        # db_worker logs every task at verbosity 1: four lines every few
        # seconds for the periodic tasks. Quiet by default; failures are
        # logged here, and what the tasks find wrong they log themselves.
        task_finished.connect(_log_failure, dispatch_uid="hibi-worker-failures")
        self.stdout.write("hibi: worker started (calendars, nudges, webhooks)")
        try:
            call_command(
                "db_worker",
                interval=1,
                startup_delay=False,
                reload=False,
                verbosity=max(0, options["verbosity"] - 1),
            )
        finally:
            stop.set()
