"""Put a backup back, after checking it and keeping the current database aside."""

import sqlite3
from pathlib import Path

from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import DatabaseError

from schedule.common.models import Revision
from schedule.data import backup
from schedule.management.base import FamilyDataCommand


class Command(FamilyDataCommand):
    help = (
        "Replace the database with a backup made by `manage.py backup`. The file is checked "
        "first; the current database is copied into the backups folder before anything changes "
        "(kept as it is, unchecked, when it is damaged)."
    )
    failure_prefix = "Not restored"
    # Restore is for the day the database is damaged or gone: nothing may need
    # to open it before the command has had its chance to replace it.
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="The backup file to put back.")
        parser.add_argument(
            "--no-input", action="store_false", dest="interactive", help="Do not ask to confirm."
        )

    def handle(self, *args, file, interactive=True, **options):
        try:
            contents = backup.check_restorable(file)
        except (backup.BackupError, OSError, sqlite3.Error, DatabaseError) as exc:
            raise CommandError(f"Not restored: {exc}") from None
        self.stdout.write(f"{file.name} holds: {contents.summary()}.")
        if interactive:
            try:
                answer = input("Replace the current database with it? Type 'yes' to go on: ")
            except EOFError:  # no terminal, e.g. `docker compose exec -T`
                answer = ""
            if answer.strip().lower() != "yes":
                raise CommandError("Not restored: not confirmed (--no-input skips the question).")
        try:
            before = Revision.both()
        except DatabaseError:
            # The database being replaced cannot be read, so what a running server
            # saw of it is unknown: jump further than any family's edits reach.
            before = (Revision.UNKNOWN_PAST, Revision.UNKNOWN_PAST)
        try:
            restored = backup.restore(file)
        except (backup.BackupError, OSError, sqlite3.Error, DatabaseError) as exc:
            raise CommandError(f"Not restored: {exc}") from None
        if restored.damaged:
            self.stdout.write(
                f"The database could not be read; its files are kept as they were in "
                f"{restored.aside}. Restart Hibi after this, so it opens the restored file."
            )
        else:
            self.stdout.write(f"The database as it was is kept in {restored.aside}")
        # A copy from an older Hibi is brought up to date; a current one is left as it is.
        call_command("migrate", interactive=False, verbosity=0)
        # Every wall must redraw and read the plans again, even one whose server
        # kept plans under a revision number the copy also has.
        Revision.count_past(before)
        self.stdout.write(self.style.SUCCESS(f"Restored {file.name}."))
