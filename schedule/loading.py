"""Load the household from the database into the planner's plain data.

The one road from rows to the planner: the wall, the admin (its summary of
today, a plan's timeline, a chore's next dates) and `show_day` all come
through here. A fixed number of queries whatever the size of the family's
plans: each table is read once, and related rows are joined in Python.
"""

from __future__ import annotations

import functools
import logging
from collections import defaultdict
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db import connection
from django.db.models import Q, QuerySet, Sum

from . import calendars, collection, household, icons, models, planner, recurrence

log = logging.getLogger(__name__)
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
    family: planner.Household, around: date, through: date | None = None
) -> planner.Household:
    """`family` with what was ticked in the window: chores and routine steps done,
    and the stars they brought. Three queries: after a tap on the wall (most of
    the family's changes in a day) this is all the wall reads again."""
    first, last = window(around, through)
    done_sql, steps_sql, stars_sql = _ticks_sql(connection.vendor)
    window_params = [connection.ops.adapt_datefield_value(d) for d in (first, last)]
    with connection.cursor() as cursor:
        cursor.execute(done_sql, window_params)
        done = frozenset((chore, _day(on)) for chore, on in cursor.fetchall())
        cursor.execute(steps_sql, window_params)
        steps_done = frozenset((step, member, _day(on)) for step, member, on in cursor.fetchall())
        balances: dict[int, int] = {}
        if family.stars is not None:
            cursor.execute(stars_sql, [])
            balances = {member: int(total or 0) for member, total in cursor.fetchall()}
    return family.with_ticks(done, steps_done, balances)


def _day(value: date | str) -> date:
    return value if isinstance(value, date) else date.fromisoformat(value)


@functools.cache
def _ticks_sql(vendor: str) -> tuple[str, str, str]:
    """with_ticks()'s queries, as the ORM writes them for this database, built once
    per process: on the demo family, building them took longer than running
    them (some 1 ms each against 0.1). Each takes the window's first and last
    day, in that order, but the balances, which take nothing."""
    some_day = date(2000, 1, 1)
    window = {"date__range": (some_day, some_day)}
    # Sets, so no order: the models' own ordering would join and sort for nothing.
    queries = (
        models.ChoreDone.objects.filter(**window).order_by().values_list("chore_id", "date"),
        models.StepDone.objects.filter(**window, step__isnull=False)
        .order_by()
        .values_list("step_id", "member_id", "date"),
        models.StarEntry.objects.values("member_id")
        .annotate(balance=Sum("amount"))
        .order_by()
        .values_list("member_id", "balance"),
    )
    done, steps, stars = (query.query.sql_with_params() for query in queries)
    assert len(done[1]) == len(steps[1]) == 2 and not stars[1], "unexpected parameters"
    return done[0], steps[0], stars[0]


def load_planned(
    around: date, tz: ZoneInfo | None = None, through: date | None = None
) -> planner.Household:
    """What the family planned for the window (plans, chores, members, routines,
    notes, closures, calendars' events), without what was ticked: a parent's
    edit changes it, a tap on the wall does not (see with_ticks())."""
    tz = tz or household.zone()
    calendar = recurrence.holiday_calendar(settings.HOLIDAY_COUNTRY)

    first, last = window(around, through)
    overrides = dict(
        models.PlanOverride.objects.filter(date__range=(first, last)).values_list("date", "plan_id")
    )
    # Only the plans that can be in force in the window: a family may keep
    # years of seasonal plans, and the wall should not read them all.
    in_window = (Q(valid_from__isnull=True) | Q(valid_from__lte=last)) & (
        Q(valid_until__isnull=True) | Q(valid_until__gte=first)
    )
    plans = load_plans(models.Plan.objects.filter(in_window | Q(pk__in=set(overrides.values()))))
    members = load_members()

    assignees: dict[int, list[int]] = defaultdict(list)
    for chore_id, member_id in models.ChoreAssignee.objects.order_by(
        "chore_id", "order", "id"
    ).values_list("chore_id", "member_id"):
        assignees[chore_id].append(member_id)

    closures = load_closures()
    links = load_closure_links()

    chores = []
    fields = (
        "pk", "title_ja", "title_en", "title_reading", "icon", "time", "time_kind", "rotate",
        "is_garbage",
    )  # fmt: skip
    rule_fields = ("rrule", "start_date", "extra_dates", "exception_dates", "holiday_policy")
    city_fields = ("holiday_exceptions", "no_collection_days")
    for row in models.Chore.objects.values_list(*fields, *rule_fields, *city_fields):
        pk, title_ja, title_en, reading, icon, at, time_kind, rotate, garbage = row[: len(fields)]
        rule, start, extra, exceptions, policy, listed, quiet = row[len(fields) :]
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
    cancelled = frozenset(
        models.ChoreCancellation.objects.filter(date__range=(first, last)).values_list(
            "chore_id", "date"
        )
    )
    notes = tuple(
        planner.NoteData(
            id=n.pk,
            text_ja=n.text_ja,
            text_en=n.text_en,
            start=n.start_date,
            end=n.end_date,
            icon=n.icon,
        )
        for n in models.Note.objects.filter(start_date__lte=last, end_date__gte=first)
    )
    return planner.Household(
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
    )


def load_closures() -> tuple[collection.Closure, ...]:
    return tuple(closure.as_data() for closure in models.Closure.objects.all())


def load_closure_links() -> dict[int, dict[int, collection.Link]]:
    """Every chore's links to closures, as {chore id: {closure id: link}}, in one query."""
    links: dict[int, dict[int, collection.Link]] = defaultdict(dict)
    for chore_id, closure_id, action, days, move_to in models.ChoreClosure.objects.values_list(
        "chore_id", "closure_id", "action", "shift_days", "move_to"
    ):
        links[chore_id][closure_id] = collection.Link(action, days, move_to)
    return links


def load_members() -> tuple[planner.MemberData, ...]:
    return tuple(
        planner.MemberData(
            id=m.pk,
            name_ja=m.name_ja,
            name_en=m.name_en,
            colour=m.colour,
            icon=m.icon,
            collects_stars=m.collects_stars,
        )
        for m in models.Member.objects.all()
    )


def load_routines(ids: set[int]) -> dict[int, planner.RoutineData]:
    """These routines with their steps in order, in one query whatever their number."""
    steps: dict[int, list[planner.StepData]] = defaultdict(list)
    heads: dict[int, tuple[str, str, str, str, int | None]] = {}
    for (
        routine_id, routine_ja, routine_en, routine_reading, routine_icon, stars,
        pk, title_ja, title_en, reading, icon, minutes,
    ) in (
        models.RoutineStep.objects.filter(routine_id__in=ids)
        .order_by("routine_id", "order", "id")
        .values_list(
            "routine_id", "routine__title_ja", "routine__title_en", "routine__title_reading",
            "routine__icon", "routine__stars",
            "pk", "title_ja", "title_en", "title_reading", "icon", "minutes",
        )
    ):  # fmt: skip
        heads[routine_id] = (routine_ja, routine_en, routine_reading, routine_icon, stars)
        steps[routine_id].append(planner.StepData(pk, title_ja, title_en, reading, icon, minutes))
    return {
        pk: planner.RoutineData(
            id=pk, title_ja=title_ja, title_en=title_en, reading=reading, icon=icon,
            steps=tuple(steps[pk]), stars=stars,
        )
        for pk, (title_ja, title_en, reading, icon, stars) in heads.items()
    }  # fmt: skip


def load_stars() -> planner.Stars | None:
    """The star rules and rewards (with_ticks() adds the balances); None while the
    family collects no stars."""
    rules = (
        models.StarRules.objects.filter(pk=1, enabled=True)
        .values_list("per_routine", "per_chore")
        .first()
    )
    if rules is None:
        return None
    rewards = tuple(
        planner.RewardData(
            id=r.pk, title_ja=r.title_ja, title_en=r.title_en, reading=r.title_reading,
            icon=r.icon, price=r.price,
        )
        for r in models.Reward.objects.order_by("price", "id")
    )  # fmt: skip
    return planner.Stars(rules[0], rules[1], rewards)


def load_plans(rows: QuerySet[models.Plan]) -> tuple[planner.PlanData, ...]:
    """These plans with their blocks, in five queries whatever their number."""
    plan_rows = list(rows)
    plan_ids = [plan.pk for plan in plan_rows]

    block_members: dict[int, list[int]] = defaultdict(list)
    for block_id, member_id in models.Block.members.through.objects.filter(
        block__plan_id__in=plan_ids
    ).values_list("block_id", "member_id"):
        block_members[block_id].append(member_id)

    block_routines: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for block_id, member_id, routine_id in (
        models.RoutineAssignment.objects.filter(block__plan_id__in=plan_ids)
        .order_by("member__order", "member_id")
        .values_list("block_id", "member_id", "routine_id")
    ):
        block_routines[block_id].append((member_id, routine_id))

    chosen = dict(models.IconColour.objects.values_list("icon", "colour"))
    blocks_by_plan: dict[int, list[planner.BlockData]] = defaultdict(list)
    for pk, plan_id, start, end, title_ja, title_en, reading, icon, colour in (
        models.Block.objects.filter(plan_id__in=plan_ids)
        .order_by("start", "id")
        .values_list(
            "pk", "plan_id", "start", "end", "title_ja", "title_en", "title_reading", "icon",
            "colour",
        )
    ):  # fmt: skip
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
            id=plan.pk,
            name_ja=plan.name_ja,
            name_en=plan.name_en,
            weekdays=frozenset(plan.weekday_list),
            on_holidays=plan.on_holidays,
            valid_from=plan.valid_from,
            valid_until=plan.valid_until,
            priority=plan.priority,
            blocks=tuple(blocks_by_plan[plan.pk]),
        )
        for plan in plan_rows
    )


def load_events(first: date, last: date, tz: ZoneInfo) -> tuple[planner.EventData, ...]:
    """Subscribed calendars' events touching `first`..`last`, in one query."""
    window_start = planner.at(first, time(0), tz)
    window_end = planner.at(last + timedelta(days=1), time(0), tz)
    timed = Q(start__lt=window_end, end__gt=window_start)
    all_day = Q(start_date__lte=last, end_date__gt=first)
    events = []
    for pk, title, start, end, start_date, end_date, member_id, colour in (
        models.CalendarEvent.objects.filter(timed | all_day, subscription__enabled=True)
        .order_by("start", "start_date", "id")
        .values_list(
            "pk",
            "title",
            "start",
            "end",
            "start_date",
            "end_date",
            "subscription__member_id",
            "subscription__member__colour",
        )
    ):
        ja = calendars.guess_lang(title) == "ja"
        events.append(
            planner.EventData(
                id=pk,
                title_ja=title if ja else "",
                title_en="" if ja else title,
                start=start.astimezone(tz) if start else None,
                end=end.astimezone(tz) if end else None,
                first_day=start_date,
                last_day=end_date - timedelta(days=1) if end_date else None,
                member_id=member_id,
                colour=colour or "",
            )
        )
    return tuple(events)
