"""Load the family's plans from a JSON export (`manage.py export`)."""

import json
import sys
from pathlib import Path

from django.core.management.base import CommandError

from schedule.data import backup, portable
from schedule.management.base import FamilyDataCommand, log


class Command(FamilyDataCommand):
    help = (
        "Import an export into an empty database, or replace the family on purpose with "
        "--replace (the current database is backed up first)."
    )
    failure_prefix = "Not imported"

    def add_arguments(self, parser):
        parser.add_argument("file", help="The export to read; - reads stdin.")
        parser.add_argument(
            "--replace", action="store_true", help="Delete the current family first."
        )

    def handle(self, *args, file, replace=False, **options):
        try:
            text = sys.stdin.read() if file == "-" else Path(file).read_text(encoding="utf-8")
            document = json.loads(text)
        except (OSError, UnicodeDecodeError) as exc:
            raise CommandError(f"Cannot read {file}: {exc}") from None
        except json.JSONDecodeError as exc:
            raise CommandError(f"{file} is not JSON: {exc}") from None
        if replace and portable.has_family():
            try:
                aside = backup.create(label="before-import")
            except (backup.BackupError, OSError) as exc:
                raise CommandError(f"Not imported: could not keep a copy first: {exc}") from None
            self.stdout.write(f"The database as it was is kept in {aside}")
        try:
            counts = portable.import_family(document, replace=replace)
        except portable.ImportRefused as exc:
            log.warning("Import of %s refused: %s", file, exc)
            raise CommandError(f"Not imported: {exc}") from None
        summary = ", ".join(f"{n} {key.replace('_', ' ')}" for key, n in counts.items() if n)
        self.stdout.write(self.style.SUCCESS(f"Imported {summary or 'nothing'}."))
