"""Chores from a city's garbage calendar in the 5374 format (area_days.csv, center.csv, ...).

What cannot be read is listed (file, line, column, what it says, why) and left
out; every other area still reads. Creating chores from files with such
problems needs --skip-unreadable: a script should not drop a city's days
unnoticed, where the admin's page shows them before the parent confirms.
"""

from __future__ import annotations

import textwrap
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, no_translations

from schedule.chores.garbage import city5374 as calendar5374
from schedule.chores.garbage import services
from schedule.chores.models import Chore
from schedule.common import household, recurrence
from schedule.day import loading

PREVIEW_DATES = 8
# Lines a phone's terminal shows whole (375 px, a small font).
WIDTH = 44
OTHER_FILES = ("center", "remarks", "description")


class Command(BaseCommand):
    help = (
        "Create the garbage chores of one area from a 5374-format calendar "
        "(area_days.csv, and center.csv for the centre's closures; UTF-8 or Shift_JIS). "
        "Shows the next dates of each kind first; --dry-run stops there."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "file", help="area_days.csv, or the folder of a city's 5374 files (data/)"
        )
        parser.add_argument("--area", help="the area's name, as in the file's first column")
        parser.add_argument("--center", help="center.csv: when the collection centre is closed")
        parser.add_argument("--remarks", help="remarks.csv: the notes a day list points at (*1)")
        parser.add_argument("--description", help="description.csv: a line per kind of garbage")
        parser.add_argument("--time", default="08:00", help="put out by HH:MM (default 08:00)")
        parser.add_argument(
            "--holidays",
            choices=recurrence.HOLIDAY_POLICIES,
            default=recurrence.KEEP,
            help="on a public holiday: keep (collected), skip, or next (the next day)",
        )
        parser.add_argument("--dry-run", action="store_true", help="show, create nothing")
        parser.add_argument(
            "--skip-unreadable",
            action="store_true",
            help="create the chores even if parts of the files cannot be read (listed)",
        )

    # In English, as the other commands speak; the city's own words stay as written.
    @no_translations
    def handle(self, *args, **options):
        city = self.read(options)
        importable = [area.name for area in city.importable()]
        self.stdout.write(
            self.wrap(
                f"{city.rows} areas in area_days.csv; {len(importable)} can be imported; "
                f"{len(city.problems)} parts left out."
            )
        )
        for warning in city.warnings:
            self.stderr.write(self.wrap(f"note: {warning}"))
        for problem in city.problems:
            text = f" [{problem.text}]" if problem.text else ""
            self.stderr.write(self.wrap(f"left out: {problem}{text} {problem.left_out()}"))
        if not options["area"]:
            raise CommandError("Give --area, one of: " + ", ".join(importable), returncode=2)
        area = city.area(options["area"])
        if area is None:
            names = ", ".join(importable[:30])
            raise CommandError(
                f"No area {options['area']!r} in the file. Areas: {names}", returncode=2
            )
        if not area.kinds:
            raise CommandError(f"{area.name}: no kind of garbage is collected there.", returncode=2)
        try:
            put_out_by = datetime.strptime(options["time"], "%H:%M").time()
        except ValueError:
            raise CommandError(
                f"--time {options['time']!r} is not a time like 08:00.", returncode=2
            ) from None
        kinds = self.preview(city, area, options["holidays"])
        if options["dry_run"]:
            return
        if not kinds:
            raise CommandError(f"{area.name}: no kind has a day to come.", returncode=2)
        if city.problems and not options["skip_unreadable"]:
            raise CommandError(
                f"{city.problems[0]}\n{len(city.problems)} parts of the files cannot be read "
                "(listed above); nothing was created. Give --skip-unreadable to create the "
                "chores from what can be read.",
                returncode=2,
            )
        choices = [
            services.KindChoice(
                kind=kind,
                title_ja=kind.name,
                icon=self.icon_for(kind),
                time=put_out_by,
                holiday_policy=options["holidays"],
            )
            for kind in kinds
        ]
        try:
            done = services.import_garbage_calendar(city, area, choices, household.today())
        except services.CalendarRefused as exc:
            raise CommandError(f"Nothing was created. {exc}") from None
        self.stdout.write(
            f"Created {len(done.created)} chores, updated {len(done.updated)}, "
            f"added {len(done.closures)} closures."
        )

    def read(self, options) -> calendar5374.City:
        paths = self.paths(options)
        texts = {}
        try:
            for name, path in paths.items():
                read = calendar5374.read_text(path.read_bytes(), path.name)
                texts[name] = read.text
                self.stdout.write(f"{path.name}: {read.encoding}, {read.line_ending}")
                for problem in read.problems:
                    self.stderr.write(self.wrap(f"left out: {problem}"))
            return calendar5374.read_city(
                texts["area_days"], *(texts.get(name, "") for name in OTHER_FILES)
            )
        except OSError as exc:
            raise CommandError(f"{exc.filename}: {exc.strerror}") from None
        except calendar5374.CalendarError as exc:
            raise CommandError(str(exc), returncode=2) from None

    def paths(self, options) -> dict[str, Path]:
        """The files to read: named one by one, or found in the city's folder."""
        given = Path(options["file"])
        folder = given if given.is_dir() else None
        paths = {"area_days": folder / "area_days.csv" if folder else given}
        for name in OTHER_FILES:
            if options[name]:
                paths[name] = Path(options[name])
            elif folder and (folder / f"{name}.csv").is_file():
                paths[name] = folder / f"{name}.csv"
        return paths

    def wrap(self, text: str) -> str:
        return textwrap.fill(text, WIDTH, subsequent_indent="  ", break_on_hyphens=False)

    def icon_for(self, kind: calendar5374.Kind) -> str:
        existing = Chore.objects.filter(title_ja=kind.name).values_list("icon", flat=True).first()
        return existing or calendar5374.guess_icon(kind.name)

    def preview(
        self, city: calendar5374.City, area: calendar5374.Area, policy: str
    ) -> list[calendar5374.Kind]:
        """Each kind's next dates; the kinds that have any dates to make chores of."""
        today = household.today()
        first, last = calendar5374.years_covered(today)
        closures = (*loading.load_closures(), *calendar5374.centre_closures(city, area))
        calendar = recurrence.holiday_calendar(settings.HOLIDAY_COUNTRY)
        self.stdout.write(f"{area.name} (centre: {area.centre or '-'})")
        for problem in area.problems:
            self.stdout.write(self.wrap(f"  left out: {problem}"))
        kinds = []
        for kind in area.kinds:
            written = kind.text if len(kind.text) <= 60 else kind.text[:59] + "…"
            self.stdout.write(f"  {kind.name} [{written}] {kind.rule or '-'}")
            if kind.seasonal:
                count = len(kind.dates_between(first, last))
                self.stdout.write(
                    self.wrap(f"    and {count} dates listed for {first.year}–{last.year}")
                )
            for remark in kind.remarks:
                self.stdout.write(self.wrap(f"    note: {remark}"))
            rule = calendar5374.kind_recurrence(
                kind, first, policy, closures, settings.HOLIDAY_COUNTRY
            )
            if rule is None:
                self.stdout.write(f"    no date in {first.year}–{last.year}: left out")
                continue
            kinds.append(kind)
            days = []
            for day in rule.next_occurrences(today, PREVIEW_DATES):
                text = f"{day:%m-%d}({'月火水木金土日'[day.weekday()]})"
                if calendar.is_holiday(day):
                    text += "*"
                moved = [fate.raw for fate in rule.moved_here(day)]
                if moved:
                    text += "<" + ",".join(f"{raw:%m-%d}" for raw in moved)
                days.append(text)
            self.stdout.write(
                textwrap.fill(
                    " ".join(days), WIDTH, initial_indent="    ", subsequent_indent="    "
                )
                if days
                else "    (no date to come)"
            )
        return kinds
