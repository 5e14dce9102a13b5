"""Write a checked, timestamped copy of the database into the backups folder."""

import sqlite3
from datetime import timedelta
from pathlib import Path

from django.conf import settings
from django.core.management.base import CommandError
from django.db import DatabaseError

from schedule.data import backup
from schedule.management.base import FamilyDataCommand


class Command(FamilyDataCommand):
    help = (
        "Copy the database consistently while Hibi runs, check the copy, "
        "and keep only the newest BACKUP_KEEP copies."
    )
    failure_prefix = "Not backed up"

    def add_arguments(self, parser):
        parser.add_argument(
            "--dir", type=Path, help="Where to write (default: BACKUP_DIR, i.e. DATA_DIR/backups)."
        )
        parser.add_argument(
            "--keep", type=int, help="How many copies to keep (default: BACKUP_KEEP)."
        )
        parser.add_argument(
            "--if-older-than",
            type=float,
            metavar="HOURS",
            help="Do nothing if the newest copy is younger than this (for an hourly loop).",
        )
        parser.add_argument(
            "--check", type=Path, metavar="FILE", help="Only check an existing copy."
        )

    def handle(self, *args, dir=None, keep=None, if_older_than=None, check=None, **options):
        try:
            if check is not None:
                contents = backup.check(check)
                self.stdout.write(self.style.SUCCESS(f"{check} is whole: {contents.summary()}"))
                return
            directory = dir or backup.backup_dir()
            keep = settings.BACKUP_KEEP if keep is None else keep
            if keep < 1:
                raise CommandError("--keep must be at least 1.")
            if if_older_than is not None:
                latest = backup.newest(directory)
                if latest and backup.is_recent(latest, timedelta(hours=if_older_than)):
                    self.stdout.write(f"{latest.name} is recent enough; no new copy.")
                    return
            path = backup.create(directory, keep=keep)
        except (backup.BackupError, OSError, sqlite3.Error, DatabaseError) as exc:
            raise CommandError(str(exc)) from None
        self.stdout.write(self.style.SUCCESS(f"Backed up to {path}"))
