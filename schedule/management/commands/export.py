"""Write the family's plans as JSON (to stdout or a file), readable by any Hibi database."""

import os
from pathlib import Path

from django.core.management.base import CommandError
from django.db import DatabaseError

from schedule.data import portable
from schedule.management.base import FamilyDataCommand


class Command(FamilyDataCommand):
    help = "Export members, plans, blocks, chores, notes and displays as portable JSON."
    failure_prefix = "Not exported"

    def add_arguments(self, parser):
        parser.add_argument("--output", "-o", type=Path, help="File to write (default: stdout).")

    def handle(self, *args, output=None, **options):
        try:
            text = portable.dumps(portable.export_family())
        except DatabaseError as exc:
            raise CommandError(f"Cannot read the database: {exc}") from None
        if output is None:
            self.stdout.write(text, ending="")
            return
        partial = output.with_name(f".{output.name}.partial")
        try:
            partial.write_text(text, encoding="utf-8")
            os.replace(partial, output)
        finally:
            partial.unlink(missing_ok=True)
        self.stderr.write(f"Exported to {output}")
