"""A city's garbage calendar into chores and closures, in one transaction."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, time

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from schedule.chores.garbage import city5374 as calendar5374
from schedule.chores.garbage.models import Closure
from schedule.chores.models import Chore
from schedule.common import validation
from schedule.common.models import SUNDAY


@dataclass(frozen=True)
class KindChoice:
    """What the family makes of one kind of garbage: its chore's title, icon and time."""

    kind: calendar5374.Kind
    title_ja: str
    title_en: str = ""
    icon: str = "trash"
    time: time | None = time(8, 0)
    holiday_policy: str = "keep"


@dataclass(frozen=True)
class CalendarImported:
    created: list[Chore]
    updated: list[Chore]
    closures: list[Closure]


class CalendarRefused(Exception):
    """The calendar could not be saved as it is; nothing was; the message says why."""


def import_garbage_calendar(
    city: calendar5374.City, area: calendar5374.Area, choices: list[KindChoice], today: date
) -> CalendarImported:
    """Chores (and the area's centre closures) from a city's calendar, all or nothing.

    Every row passes the same full validation as a parent's save in the admin.
    A chore with the same Japanese title is brought up to date rather than
    doubled, so next year's calendar replaces this year's; its assignees stay.
    """
    titles = [choice.title_ja for choice in choices]
    if len(set(titles)) != len(titles):
        twice = sorted({title for title in titles if titles.count(title) > 1})
        raise CalendarRefused(
            _("Two kinds would become one chore: %(titles)s. Give them different titles.")
            % {"titles": "、".join(twice)}
        )
    created: list[Chore] = []
    updated: list[Chore] = []
    closures: list[Closure] = []
    # A kind's seasonal rules (other months, another fortnight) become its dates
    # of this year and the next: the chore holds one rule.
    first, last = calendar5374.years_covered(today)
    with transaction.atomic():
        for centre in city.closures_of(area):
            name_ja, name_en = calendar5374.closure_name(centre.centre)
            closure = Closure.objects.filter(
                name_ja=name_ja, start_date=centre.start, end_date=centre.end
            ).first()
            if closure is None:
                closure = Closure(
                    name_ja=name_ja,
                    name_en=name_en,
                    start_date=centre.start,
                    end_date=centre.end,
                    yearly=False,
                    action=Closure.Action.SHIFT,
                    shift_days=7,
                )
                _save(closure, name_ja)
                closures.append(closure)
        if Closure.objects.count() > validation.MAX_CLOSURES:
            raise CalendarRefused(
                _("The household keeps at most %(count)d closures.")
                % {"count": validation.MAX_CLOSURES}
            )
        for choice in choices:
            chore = Chore.objects.filter(title_ja=choice.title_ja).first()
            if chore is None:
                chore = Chore()
                created.append(chore)
            else:
                updated.append(chore)
            chore.title_ja = choice.title_ja
            chore.title_en = choice.title_en
            chore.icon = choice.icon
            chore.time = choice.time
            chore.time_kind = Chore.TimeKind.BY
            chore.rrule = choice.kind.rule
            chore.start_date = choice.kind.first_day(first)
            chore.extra_dates = [day.isoformat() for day in choice.kind.dates_between(first, last)]
            chore.exception_dates = []
            chore.holiday_policy = choice.holiday_policy
            chore.is_garbage = True
            chore.no_collection_days = SUNDAY
            chore.version = (chore.version or 0) + 1
            _save(chore, choice.kind.name)
    return CalendarImported(created, updated, closures)


def _save(row: Chore | Closure, what: str) -> None:
    try:
        row.full_clean()
    except ValidationError as exc:
        problems = "; ".join(" ".join(messages) for messages in exc.message_dict.values())
        raise CalendarRefused(f"{what}: {problems}") from None
    row.save()
