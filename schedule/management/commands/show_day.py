"""Print what the wall would show for a date and time, as a table or JSON."""

import json
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from schedule import planner
from schedule.common import collection, household
from schedule.day import serialise
from schedule.day.loading import load_household


def _parse_date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError:
        message = f"--date {value!r} is not a date like 2026-11-23."
        raise CommandError(message, returncode=2) from None


def _parse_time(value: str) -> time:
    try:
        parsed = datetime.strptime(value, "%H:%M")
    except ValueError:
        raise CommandError(f"--at {value!r} is not a time like 17:05.", returncode=2) from None
    return parsed.time()


def beyond_the_wall(day: date, tz: ZoneInfo) -> dict:
    """Subscribed calendars, feeds, phones for nudges, and what was sent that day."""
    from schedule.calendars.models import CalendarFeed, CalendarSubscription
    from schedule.nudges.models import Delivery, NudgeTarget

    def member(row) -> int | None:
        return row.member_id

    start = planner.at(day, time(0), tz)
    end = planner.at(day + timedelta(days=1), time(0), tz)
    return {
        "subscriptions": [
            {
                "id": s.pk,
                "name": s.name,
                "member": member(s),
                "enabled": s.enabled,
                "last_sync_at": s.last_sync_at.isoformat() if s.last_sync_at else None,
                "events": s.event_count,
                "problem": s.last_error or None,
            }
            for s in CalendarSubscription.objects.all()
        ],
        "feeds": [
            {"id": f.pk, "name": f.name, "member": member(f), "path": f.get_absolute_url()}
            for f in CalendarFeed.objects.all()
        ],
        "nudge_targets": [
            {
                "id": t.pk,
                "name": t.name,
                "member": member(t),
                "enabled": t.enabled,
                "evening_chores": t.evening_chores,
                "block_starts": t.block_starts,
                "overdue_chores": t.overdue_chores,
            }
            for t in NudgeTarget.objects.all()
        ],
        "sent": [
            {
                "kind": d.kind,
                "to": d.channel,
                "occurrence": d.occurrence,
                "title": d.title,
                "due_at": d.due_at.isoformat(),
                "status": d.status,
                "attempts": d.attempts,
                "problem": d.problem or None,
            }
            for d in Delivery.objects.filter(due_at__gte=start, due_at__lt=end).order_by("due_at")
        ],
    }


class Command(BaseCommand):
    help = (
        "Show the day as the wall would: plan, blocks, chores and notes, with the "
        "closures, moved and cancelled collections (--json: the same document as a "
        "wall's now.json, with the calendars, feeds, phones and what was sent that day)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--date", help="YYYY-MM-DD (default: today)")
        parser.add_argument("--at", help="HH:MM (default: now, or 12:00 on another date)")
        parser.add_argument("--json", action="store_true", help="Print JSON instead of a table.")
        parser.add_argument("--lang", choices=["ja", "en"], default=None)

    def handle(self, *args, **options):
        tz = household.zone()
        now = household.now()
        day = _parse_date(options["date"]) if options["date"] else now.date()
        if options["at"]:
            moment = planner.at(day, _parse_time(options["at"]), tz)
        elif day == now.date():
            moment = now
        else:
            moment = planner.at(day, time(12), tz)
        lang = options["lang"] or settings.LANGUAGE_CODE
        family = load_household(day, tz)
        view = planner.day_view(family, day, moment)
        if options["json"]:
            document = serialise.day_json(view, family.members)
            # show_day's own part, never in now.json: the feeds' secret tokens
            # are not for whoever holds a wall's address.
            with translation.override(lang):  # the problems, in the asked language
                document["beyond_the_wall"] = beyond_the_wall(day, tz)
            self.stdout.write(json.dumps(document, ensure_ascii=False, indent=2))
            return
        self.stdout.write(self.table(view, lang))

    def table(self, view: planner.DayView, lang: str) -> str:
        lines = [
            f"{view.date:%Y-%m-%d (%a)} {view.moment:%H:%M}  "
            f"{view.plan.name(lang) if view.plan else '-'}"
            + (f"  [{view.holiday.name(lang)}]" if view.holiday else "")
        ]
        for b in view.blocks:
            mark = ">" if b.current else ("." if b.past else " ")
            who = ", ".join(m.name(lang) for m in b.members)
            extra = f"  ({b.minutes_left} min left)" if b.current else ""
            lines.append(
                f" {mark} {b.start:%H:%M}-{b.end:%H:%M} [{b.lane}] {b.title(lang)}"
                + (f" ({who})" if who else "")
                + extra
            )
        for closure in view.closures:
            span = closure.span_around(view.date)
            assert span is not None  # the view holds only the closures of its day
            lines.append(f"closed: {closure.name(lang)} {span.start:%m-%d}..{span.end:%m-%d}")
        for title, chores in (("chores", view.chores), ("tomorrow", view.tomorrow_chores)):
            lines.append(f"{title}:")
            for c in chores:
                due = f"{c.chore.time_kind} {c.due:%H:%M}" if c.due else ""
                who = ", ".join(m.name(lang) for m in c.assignees)
                mark = "-" if c.cancelled else ("x" if c.done else " ")
                extra = "".join(
                    f" (moved from {fate.raw:%m-%d}: {self.why(fate, lang)})"
                    for fate in c.moved_from
                )
                extra += " (cancelled)" if c.cancelled else ""
                extra += f" ({c.year_mark} of the year)" if c.year_mark else ""
                lines.append(f"  [{mark}] {c.title(lang)} {due} {who}".rstrip() + extra)
        for gone in view.moved_away:
            fate = gone.fate
            where = f"moved to {fate.day:%m-%d}" if fate.day else "dropped"
            lines.append(f"not today: {gone.chore.title(lang)} {where} ({self.why(fate, lang)})")
        for soon in view.year_marks:
            lines.append(
                f"soon: {soon.chore.title(lang)} {soon.date:%m-%d} {soon.kind} of the year"
            )
        for n in view.notes:
            lines.append(f"note: {n.text(lang)}")
        return "\n".join(lines)

    def why(self, fate: collection.Fate, lang: str) -> str:
        if fate.closure is not None:
            return fate.closure.name(lang)
        return "holiday"
