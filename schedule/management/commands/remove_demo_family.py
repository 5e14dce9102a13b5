"""Remove the demo family's members, plans, chores, routines, rewards, note and
wall, and nothing of the family's own (schedule/data/demo_rows.py says how
the two are told apart). The closures and the holidays stay."""

from django.core.management.base import BaseCommand
from django.utils import translation

from schedule.data import demo_rows


class Command(BaseCommand):
    help = "Remove the demo family but keep closures, holidays and everything the family added."

    def handle(self, *args, **options):
        with translation.override("en"):  # as the other commands: the kinds' names too
            self._remove()

    def _remove(self) -> None:
        if not demo_rows.demo_is_here():
            self.stdout.write("No demo family here: nothing removed.")
            return
        done = demo_rows.remove_demo_family()
        removed = ", ".join(f"{what}: {count}" for what, count in done.removed.items())
        self.stdout.write(self.style.SUCCESS(f"Removed the demo family ({removed or 'nothing'})."))
        for row, why in done.kept:
            reason = (
                "changed since the demo made it"
                if why == demo_rows.CHANGED
                else "the family's own rows depend on it"
            )
            self.stdout.write(f"Kept {row._meta.verbose_name} “{row}”: {reason}.")
        self.stdout.write("The closures (年末年始) and the public holidays stay.")
