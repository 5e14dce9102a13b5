"""Chores from a city's garbage calendar in the 5374 format (area_days.csv + center.csv)."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, no_translations

from schedule import calendar5374, loading, services
from schedule.common import household, recurrence
from schedule.models import Chore

PREVIEW_DATES = 8


class Command(BaseCommand):
    help = (
        "Create the garbage chores of one area from a 5374-format calendar "
        "(area_days.csv, and center.csv for the centre's closures; UTF-8 or Shift_JIS). "
        "Shows the next dates of each kind first; --dry-run stops there."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="area_days.csv")
        parser.add_argument("--area", help="the area's name, as in the file's first column")
        parser.add_argument("--center", help="center.csv: when the collection centre is closed")
        parser.add_argument("--time", default="08:00", help="put out by HH:MM (default 08:00)")
        parser.add_argument(
            "--holidays",
            choices=recurrence.HOLIDAY_POLICIES,
            default=recurrence.KEEP,
            help="on a public holiday: keep (collected), skip, or next (the next day)",
        )
        parser.add_argument("--dry-run", action="store_true", help="show, create nothing")

    # In English, as the other commands speak; the city's own words stay as written.
    @no_translations
    def handle(self, *args, **options):
        city = self.read(options["file"], options["center"])
        for warning in city.warnings:
            self.stderr.write(f"note: {warning}")
        if not options["area"]:
            raise CommandError(
                "Give --area, one of: " + ", ".join(area.name for area in city.areas),
                returncode=2,
            )
        area = city.area(options["area"])
        if area is None:
            names = ", ".join(a.name for a in city.areas[:30])
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
        self.preview(city, area, options["holidays"])
        if options["dry_run"]:
            return
        choices = [
            services.KindChoice(
                kind=kind,
                title_ja=kind.name,
                icon=self.icon_for(kind),
                time=put_out_by,
                holiday_policy=options["holidays"],
            )
            for kind in area.kinds
        ]
        try:
            done = services.import_garbage_calendar(city, area, choices, household.today())
        except services.CalendarRefused as exc:
            raise CommandError(f"Nothing was created. {exc}") from None
        self.stdout.write(
            f"Created {len(done.created)} chores, updated {len(done.updated)}, "
            f"added {len(done.closures)} closures."
        )

    def read(self, path: str, center: str | None) -> calendar5374.City:
        try:
            text = calendar5374.decode(Path(path).read_bytes(), Path(path).name)
            centre_text = (
                calendar5374.decode(Path(center).read_bytes(), Path(center).name) if center else ""
            )
            areas, warnings = calendar5374.read_areas(text, Path(path).name)
            closures = calendar5374.read_closures(centre_text, Path(center).name) if center else ()
        except OSError as exc:
            raise CommandError(f"{exc.filename}: {exc.strerror}") from None
        except calendar5374.CalendarError as exc:
            raise CommandError(str(exc), returncode=2) from None
        return calendar5374.City(areas, closures, tuple(warnings))

    def icon_for(self, kind: calendar5374.Kind) -> str:
        existing = Chore.objects.filter(title_ja=kind.name).values_list("icon", flat=True).first()
        return existing or calendar5374.guess_icon(kind.name)

    def preview(self, city: calendar5374.City, area: calendar5374.Area, policy: str) -> None:
        today = household.today()
        closures = (*loading.load_closures(), *calendar5374.centre_closures(city, area))
        calendar = recurrence.holiday_calendar(settings.HOLIDAY_COUNTRY)
        self.stdout.write(f"{area.name} (centre: {area.centre or '-'})")
        for kind in area.kinds:
            rule = calendar5374.kind_recurrence(
                kind, today.replace(month=1, day=1), policy, closures, settings.HOLIDAY_COUNTRY
            )
            days = []
            for day in rule.next_occurrences(today, PREVIEW_DATES):
                text = f"{day:%m-%d}({'月火水木金土日'[day.weekday()]})"
                if calendar.is_holiday(day):
                    text += "*"
                moved = [fate.raw for fate in rule.moved_here(day)]
                if moved:
                    text += "<" + ",".join(f"{raw:%m-%d}" for raw in moved)
                days.append(text)
            self.stdout.write(f"  {kind.name} [{kind.text}] {kind.rule or '-'}")
            self.stdout.write("    " + " ".join(days) if days else "    (no date to come)")
