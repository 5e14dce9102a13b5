"""What the commands that copy the family's data (backup, restore, export, import) share."""

from __future__ import annotations

import logging
import sqlite3

from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError

log = logging.getLogger("schedule.commands")

# Failures a person can do something about: a database that cannot be opened
# or read, a folder that cannot be written, a disk that is full.
EXPECTED = (DatabaseError, sqlite3.Error, OSError)


class FamilyDataCommand(BaseCommand):
    """Says what went wrong in one line (and the log), never with a traceback.

    A traceback tells a person at a terminal on a bad day nothing they can act
    on; `--traceback` still shows it to whoever debugs.
    """

    def execute(self, *args, **options):
        try:
            return super().execute(*args, **options)
        except EXPECTED as exc:
            if options.get("traceback"):
                raise
            message = f"{self.failure_prefix}: {describe(exc)}"
            log.error("%s %s", self.__module__.rsplit(".", 1)[-1], message)
            raise CommandError(message) from None

    failure_prefix = "Failed"


def describe(exc: BaseException) -> str:
    if isinstance(exc, OSError) and exc.filename:
        return f"{exc.strerror or exc} ({exc.filename})"
    return str(exc) or exc.__class__.__name__
