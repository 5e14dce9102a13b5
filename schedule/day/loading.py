"""Load the household from the database into the planner's plain data.

The one road from rows to the planner: the wall, the admin (its summary of
today, a plan's timeline, a chore's next dates) and `show_day` all come
through here. A fixed number of queries whatever the size of the family's
plans: each table is read once, and related rows are joined in Python.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Collection
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Q, QuerySet, Sum

from schedule import models, planner
from schedule.announcements.selectors import load_announcements
from schedule.calendars.selectors import load_events
from schedule.common import collection, household, icons, recurrence
from schedule.family.selectors import load_away
from schedule.routines.selectors import load_routines, load_stars

log = logging.getLogger(__name__)

type Row = tuple[Any, ...]
# The bad chore rows already logged, as (id, row): a changed row is logged again.
_reported: set[tuple[int, str]] = set()


def day_at(
    moment: datetime | None = None, members: frozenset[int] | None = None
) -> planner.DayView:
    """What the wall shows at `moment` (default: now on the household's clock)."""
    moment = moment or household.now()
    day = moment.date()
    return planner.day_view(load_household(day, household.zone()), day, moment, members)


def load_household(
    around: date, tz: ZoneInfo | None = None, through: date | None = None
) -> planner.Household:
    """Everything needed for the day views of `around` ± 1 day (or up to `through`)."""
    return with_ticks(load_planned(around, tz, through), around, through)


def window(around: date, through: date | None = None) -> tuple[date, date]:
    """The days loaded for `around`: the day before, the day after, up to `through`."""
    return around - timedelta(days=1), max(around + timedelta(days=1), through or around)


def with_ticks(
    planned: planner.Planned, around: date, through: date | None = None
) -> planner.Household:
    """What was planned, with what was ticked in the window: chores and routine
    steps done, things packed in the bags, the stars they brought, and the
    announcements on the walls. Five queries: after a tap on the wall (most of
    the family's changes in a day) this is all the wall reads again."""
    first, last = window(around, through)
    balances: dict[int, int] = {}
    if planned.stars is not None:
        balances = {member: int(total or 0) for member, total in _balances()}
    announcements, dismissed = load_announcements(first, last, planned.tz)
    ticks = planner.Ticks(
        done=frozenset(_done(first, last)),
        steps_done=frozenset(_steps_done(first, last)),
        packed=frozenset(_packed(first, last)),
        balances=balances,
        announcements=announcements,
        dismissed=dismissed,
    )
    return planner.Household(planned, ticks)


# The queries of the wall's data, one per table. The rows go into sets and
# dicts, so no order: the models' own ordering would join and sort for nothing.
def _done(first: date, last: date) -> list[Row]:
    return list(
        models.ChoreDone.objects.filter(date__range=(first, last))
        .order_by()
        .values_list("chore_id", "date")
    )


def _steps_done(first: date, last: date) -> list[Row]:
    return list(
        models.StepDone.objects.filter(date__range=(first, last), step__isnull=False)
        .order_by()
        .values_list("step_id", "member_id", "date")
    )


def _packed(first: date, last: date) -> list[Row]:
    return list(
        models.BagPacked.objects.filter(date__range=(first, last))
        .order_by()
        .values_list("member_id", "date", "thing")
    )


def _balances() -> list[Row]:
    return list(
        models.StarEntry.objects.values("member_id")
        .annotate(balance=Sum("amount"))
        .order_by()
        .values_list("member_id", "balance")
    )


def _overrides(first: date, last: date) -> list[Row]:
    return list(
        models.PlanOverride.objects.filter(date__range=(first, last)).values_list("date", "plan_id")
    )


PLAN_FIELDS = (
    "pk", "name_ja", "name_en", "weekdays", "on_holidays", "valid_from", "valid_until", "priority",
)  # fmt: skip


# Only the plans that can be in force in the window (and those the window's
# overrides name): a family may keep years of seasonal plans, and the wall
# should not read them all.
def _plans_in_window(first: date, last: date, overridden: Collection[int]) -> list[Row]:
    return list(
        models.Plan.objects.filter(
            (Q(valid_from__isnull=True) | Q(valid_from__lte=last))
            & (Q(valid_until__isnull=True) | Q(valid_until__gte=first))
            | Q(pk__in=overridden)
        ).values_list(*PLAN_FIELDS)
    )


def _assignees() -> list[Row]:
    return list(
        models.ChoreAssignee.objects.order_by("chore_id", "order", "id").values_list(
            "chore_id", "member_id"
        )
    )


CHORE_FIELDS = (
    "pk", "title_ja", "title_en", "title_reading", "icon", "time", "time_kind", "rotate",
    "is_garbage",
)  # fmt: skip
RULE_FIELDS = ("rrule", "start_date", "extra_dates", "exception_dates", "holiday_policy")
CITY_FIELDS = ("holiday_exceptions", "no_collection_days")


def _chores() -> list[Row]:
    return list(models.Chore.objects.values_list(*CHORE_FIELDS, *RULE_FIELDS, *CITY_FIELDS))


def _cancelled(first: date, last: date) -> list[Row]:
    return list(
        models.ChoreCancellation.objects.filter(date__range=(first, last)).values_list(
            "chore_id", "date"
        )
    )


def _notes(first: date, last: date) -> list[Row]:
    return list(
        models.Note.objects.filter(start_date__lte=last, end_date__gte=first).values_list(
            "pk", "text_ja", "text_en", "start_date", "end_date", "icon"
        )
    )


def load_planned(
    around: date, tz: ZoneInfo | None = None, through: date | None = None
) -> planner.Planned:
    """What the family planned for the window (plans, chores, members, routines,
    notes, closures, calendars' events), without what was ticked: a parent's
    edit changes it, a tap on the wall does not (see with_ticks())."""
    tz = tz or household.zone()
    calendar = recurrence.holiday_calendar(settings.HOLIDAY_COUNTRY)

    first, last = window(around, through)
    overrides: dict[date, int] = dict(_overrides(first, last))
    plans = _plan_data(_plans_in_window(first, last, set(overrides.values())))
    members = load_members()

    assignees: dict[int, list[int]] = defaultdict(list)
    for chore_id, member_id in _assignees():
        assignees[chore_id].append(member_id)

    closures = load_closures()
    links = load_closure_links()

    chores = []
    for row in _chores():
        pk, title_ja, title_en, reading, icon, at, time_kind, rotate, garbage = row[
            : len(CHORE_FIELDS)
        ]
        rule, start, extra, exceptions, policy, listed, quiet = row[len(CHORE_FIELDS) :]
        try:
            rule = recurrence.shared(
                rule,
                start,
                recurrence.dates_from_text(extra),
                recurrence.dates_from_text(exceptions),
                policy,
                settings.HOLIDAY_COUNTRY,
                collection.rules_from_row(garbage, listed, quiet, closures, links.get(pk, {})),
            )
        except (recurrence.RecurrenceError, ValueError, TypeError) as exc:
            # A row saved around validation (by hand, or by an older Hibi)
            # must not take the wall down: the chore is left off, and said so
            # once per process, not on every poll.
            if (pk, repr(row)) not in _reported:
                _reported.add((pk, repr(row)))
                log.warning(
                    "Chore %s is left off the wall: its repeat rule does not work: %s", pk, exc
                )
            continue
        chores.append(
            planner.ChoreData(
                id=pk,
                title_ja=title_ja,
                title_en=title_en,
                reading=reading,
                recurrence=rule,
                icon=icon,
                time=at,
                time_kind=time_kind,
                assignee_ids=tuple(assignees[pk]),
                rotate=rotate,
                garbage=garbage,
            )
        )

    routine_ids = {r for p in plans for b in p.blocks for _m, r in b.routines}
    cancelled = frozenset(_cancelled(first, last))
    notes = tuple(
        planner.NoteData(id=pk, text_ja=ja, text_en=en, start=start, end=end, icon=icon)
        for pk, ja, en, start, end, icon in _notes(first, last)
    )
    return planner.Planned(
        events=load_events(first, last, tz),
        tz=tz,
        calendar=calendar,
        plans=plans,
        overrides=overrides,
        members=members,
        chores=tuple(chores),
        notes=notes,
        routines=load_routines(routine_ids),
        stars=load_stars(),
        cancelled=cancelled,
        closures=closures,
        away=load_away(),
    )


def load_closures() -> tuple[collection.Closure, ...]:
    return tuple(
        collection.Closure(
            id=pk, name_ja=ja, name_en=en, start=start, end=end, yearly=yearly, action=action,
            shift_days=shift_days, move_to=move_to,
        )
        for pk, ja, en, start, end, yearly, action, shift_days, move_to in _closures()
    )  # fmt: skip


def _closures() -> list[Row]:
    return list(
        models.Closure.objects.values_list(
            "pk",
            "name_ja",
            "name_en",
            "start_date",
            "end_date",
            "yearly",
            "action",
            "shift_days",
            "move_to",
        )
    )


def load_closure_links() -> dict[int, dict[int, collection.Link]]:
    """Every chore's links to closures, as {chore id: {closure id: link}}, in one query."""
    links: dict[int, dict[int, collection.Link]] = defaultdict(dict)
    for chore_id, closure_id, action, days, move_to in _closure_links():
        links[chore_id][closure_id] = collection.Link(action, days, move_to)
    return links


def _closure_links() -> list[Row]:
    return list(
        models.ChoreClosure.objects.values_list(
            "chore_id", "closure_id", "action", "shift_days", "move_to"
        )
    )


def load_members() -> tuple[planner.MemberData, ...]:
    return tuple(
        planner.MemberData(
            id=pk,
            name_ja=ja,
            name_en=en,
            colour=colour,
            icon=icon,
            collects_stars=stars,
            photo_key=photo,
            wake_at=wake_at,
        )
        for pk, ja, en, colour, icon, stars, photo, wake_at in _members()
    )


def _members() -> list[Row]:
    return list(
        models.Member.objects.values_list(
            "pk", "name_ja", "name_en", "colour", "icon", "collects_stars", "photo_key", "wake_at"
        )
    )


def load_plans(rows: QuerySet[models.Plan]) -> tuple[planner.PlanData, ...]:
    """These plans with their blocks, in five queries whatever their number."""
    return _plan_data(list(rows.values_list(*PLAN_FIELDS)))


def _plan_data(plan_rows: list[Row]) -> tuple[planner.PlanData, ...]:
    """Plans (rows of PLAN_FIELDS) with their blocks, in four more queries."""
    plan_ids = {row[0] for row in plan_rows}

    block_members: dict[int, list[int]] = defaultdict(list)
    for block_id, member_id in _block_members(plan_ids):
        block_members[block_id].append(member_id)

    block_routines: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for block_id, member_id, routine_id in _block_routines(plan_ids):
        block_routines[block_id].append((member_id, routine_id))

    chosen: dict[str, str] = dict(_icon_colours())
    blocks_by_plan: dict[int, list[planner.BlockData]] = defaultdict(list)
    for pk, plan_id, start, end, title_ja, title_en, reading, icon, colour in _blocks(plan_ids):
        blocks_by_plan[plan_id].append(
            planner.BlockData(
                id=pk,
                start=start,
                end=end,
                title_ja=title_ja,
                title_en=title_en,
                reading=reading,
                icon=icon,
                colour=colour,
                member_ids=tuple(sorted(block_members[pk])),
                activity_colour=chosen.get(icon) or icons.activity_colour(icon),
                routines=tuple(block_routines[pk]),
            )
        )

    return tuple(
        planner.PlanData(
            id=pk,
            name_ja=name_ja,
            name_en=name_en,
            weekdays=frozenset(models.Plan.weekdays_in(weekdays)),
            on_holidays=on_holidays,
            valid_from=valid_from,
            valid_until=valid_until,
            priority=priority,
            blocks=tuple(blocks_by_plan[pk]),
        )
        for pk, name_ja, name_en, weekdays, on_holidays, valid_from, valid_until, priority in (
            plan_rows
        )
    )


def _block_members(plan_ids: Collection[int]) -> list[Row]:
    return list(
        models.Block.members.through.objects.filter(block__plan_id__in=plan_ids).values_list(
            "block_id", "member_id"
        )
    )


def _block_routines(plan_ids: Collection[int]) -> list[Row]:
    return list(
        models.RoutineAssignment.objects.filter(block__plan_id__in=plan_ids)
        .order_by("member__order", "member_id")
        .values_list("block_id", "member_id", "routine_id")
    )


def _icon_colours() -> list[Row]:
    return list(models.IconColour.objects.values_list("icon", "colour"))


def _blocks(plan_ids: Collection[int]) -> list[Row]:
    return list(
        models.Block.objects.filter(plan_id__in=plan_ids)
        .order_by("start", "id")
        .values_list(
            "pk",
            "plan_id",
            "start",
            "end",
            "title_ja",
            "title_en",
            "title_reading",
            "icon",
            "colour",
        )
    )
