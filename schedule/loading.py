"""Load the household from the database into the planner's plain data.

A fixed number of queries whatever the size of the family's plans: each
table is read once, and related rows are joined in Python.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings

from . import models, planner, recurrence


def load_household(around: date, tz: ZoneInfo | None = None) -> planner.Household:
    """Everything needed for the day views of `around` ± 1 day."""
    tz = tz or ZoneInfo(settings.TIME_ZONE)
    calendar = recurrence.holiday_calendar(settings.HOLIDAY_COUNTRY)

    block_members: dict[int, list[int]] = defaultdict(list)
    for block_id, member_id in models.Block.members.through.objects.values_list(
        "block_id", "member_id"
    ):
        block_members[block_id].append(member_id)

    blocks_by_plan: dict[int, list[planner.BlockData]] = defaultdict(list)
    for block in models.Block.objects.all():
        blocks_by_plan[block.plan_id].append(
            planner.BlockData(
                id=block.pk,
                start=block.start,
                end=block.end,
                title_ja=block.title_ja,
                title_en=block.title_en,
                icon=block.icon,
                colour=block.colour,
                member_ids=tuple(sorted(block_members[block.pk])),
            )
        )

    plans = tuple(
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
        for plan in models.Plan.objects.all()
    )
    overrides = dict(
        models.PlanOverride.objects.filter(
            date__range=(around - timedelta(days=1), around + timedelta(days=1))
        ).values_list("date", "plan_id")
    )
    members = tuple(
        planner.MemberData(
            id=m.pk, name_ja=m.name_ja, name_en=m.name_en, colour=m.colour, icon=m.icon
        )
        for m in models.Member.objects.all()
    )

    assignees: dict[int, list[int]] = defaultdict(list)
    for chore_id, member_id in models.ChoreAssignee.objects.order_by(
        "chore_id", "order", "id"
    ).values_list("chore_id", "member_id"):
        assignees[chore_id].append(member_id)

    chores = []
    for chore in models.Chore.objects.all():
        try:
            rule = chore.recurrence()
        except (recurrence.RecurrenceError, ValueError):
            continue  # an invalid row (saved around validation) must not take the wall down
        chores.append(
            planner.ChoreData(
                id=chore.pk,
                title_ja=chore.title_ja,
                title_en=chore.title_en,
                recurrence=rule,
                icon=chore.icon,
                time=chore.time,
                time_kind=chore.time_kind,
                assignee_ids=tuple(assignees[chore.pk]),
                rotate=chore.rotate,
            )
        )

    done = frozenset(
        models.ChoreDone.objects.filter(
            date__range=(around - timedelta(days=1), around + timedelta(days=1))
        ).values_list("chore_id", "date")
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
        for n in models.Note.objects.filter(
            start_date__lte=around + timedelta(days=1), end_date__gte=around - timedelta(days=1)
        )
    )
    return planner.Household(
        tz=tz,
        calendar=calendar,
        plans=plans,
        overrides=overrides,
        members=members,
        chores=tuple(chores),
        done=done,
        notes=notes,
    )
