"""Families of a chosen size for the benchmarks, built in plain data or in the database."""

from __future__ import annotations

import random
from datetime import date, time
from zoneinfo import ZoneInfo

from schedule import planner
from schedule.common import recurrence

RULES = [
    "FREQ=WEEKLY;BYDAY=MO,TH",
    "FREQ=WEEKLY;BYDAY=TU",
    "FREQ=MONTHLY;BYDAY=2WE,4WE",
    "FREQ=MONTHLY;BYDAY=3FR",
    "FREQ=DAILY",
    "FREQ=DAILY;INTERVAL=3",
    "FREQ=WEEKLY;INTERVAL=2;BYDAY=FR",
]
POLICIES = ["keep", "skip", "next"]


def _clock(minute: int) -> time:
    minute %= 24 * 60
    return time(minute // 60, minute % 60)


def block_rows(count: int, seed: int = 1) -> list[dict]:
    """`count` blocks spread over the day in a few member lanes, none of zero length."""
    rng = random.Random(seed)
    rows = []
    for index in range(count):
        start = rng.randrange(0, 24 * 60)
        length = rng.randrange(5, 180)
        rows.append(
            {
                "start": _clock(start),
                "end": _clock(start + length),
                "title_ja": f"ブロック{index}",
                "title_en": f"Block {index}",
                "icon": "play",
                "member_index": index % 5,  # 4 = whole family
            }
        )
    return rows


def chore_rows(count: int, seed: int = 2) -> list[dict]:
    rng = random.Random(seed)
    return [
        {
            "title_ja": f"家事{index}",
            "title_en": f"Chore {index}",
            "rrule": rng.choice(RULES),
            "policy": rng.choice(POLICIES),
            "time": _clock(rng.randrange(6 * 60, 22 * 60)),
            "rotate": index % 10 == 0,
        }
        for index in range(count)
    ]


def household(blocks: int, chores: int) -> planner.Household:
    """A plain-data household for timing the planner alone."""
    members = tuple(planner.MemberData(i, f"人{i}", f"P{i}") for i in range(1, 5))
    block_data = tuple(
        planner.BlockData(
            id=i + 1,
            start=row["start"],
            end=row["end"],
            title_ja=row["title_ja"],
            title_en=row["title_en"],
            member_ids=() if row["member_index"] == 4 else (row["member_index"] + 1,),
        )
        for i, row in enumerate(block_rows(blocks))
    )
    plan = planner.PlanData(id=1, name_ja="毎日", weekdays=frozenset(range(7)), blocks=block_data)
    chore_data = tuple(
        planner.ChoreData(
            id=i + 1,
            title_ja=row["title_ja"],
            title_en=row["title_en"],
            recurrence=recurrence.shared(
                row["rrule"], date(2026, 1, 1), (), (), row["policy"], "JP"
            ),
            time=row["time"],
            assignee_ids=(1, 2),
            rotate=row["rotate"],
        )
        for i, row in enumerate(chore_rows(chores))
    )
    return planner.Household.of(
        tz=ZoneInfo("Asia/Tokyo"),
        calendar=recurrence.holiday_calendar("JP"),
        plans=(plan,),
        members=members,
        chores=chore_data,
    )


def big_block_rows(count: int) -> list[dict]:
    """`count` blocks of 7 minutes, in five lanes (four members and the whole
    family) that each fill the day one block after another."""
    rows = []
    for index in range(count):
        slot = index // 5
        start = (slot * 7) % (24 * 60 - 7)
        rows.append(
            {
                "start": _clock(start),
                "end": _clock(start + 7),
                "title_ja": f"ブロック{index}",
                "title_en": f"Block {index}",
                "icon": "play",
                "member_index": index % 5,  # 4 = whole family
            }
        )
    return rows


def big_chore_rows(count: int) -> list[dict]:
    """Half the chores every day, the others on one day of the month each: on any
    day about 520 of 1,000 are due, and the wall lists them all."""
    return [
        {
            "title_ja": f"家事{index}",
            "title_en": f"Chore {index}",
            "rrule": "FREQ=DAILY"
            if index % 2 == 0
            else f"FREQ=MONTHLY;BYMONTHDAY={index % 28 + 1}",
            "policy": POLICIES[index % 3],
            "time": _clock(6 * 60 + index % (16 * 60)),
            "rotate": index % 10 == 0,
        }
        for index in range(count)
    ]


def load_into_database(blocks: int, chores: int) -> None:
    """The demo family plus a big household whose data is all on the wall.

    One plan in force every day (above the demo's plans) holds `blocks`
    blocks, and about half the `chores` chores are due on any day: the
    benchmark asks what it costs to *show* that much, not only to keep it.
    """
    from django.db import transaction

    from schedule.models import Block, Chore, ChoreAssignee, Member, Plan, Revision

    with transaction.atomic():
        members = list(Member.objects.order_by("order", "id")[:4])
        plan = Plan.objects.create(
            name_ja="大家族",
            name_en="Big family",
            weekdays=0b1111111,
            on_holidays=True,
            priority=100,
        )
        rows = big_block_rows(blocks)
        created = Block.objects.bulk_create(
            [
                Block(
                    plan=plan,
                    start=row["start"],
                    end=row["end"],
                    title_ja=row["title_ja"],
                    title_en=row["title_en"],
                    icon=row["icon"],
                )
                for row in rows
            ]
        )
        through = Block.members.through
        through.objects.bulk_create(
            [
                through(block_id=block.pk, member_id=members[row["member_index"]].pk)
                for block, row in zip(created, rows, strict=True)
                if row["member_index"] < len(members)
            ]
        )
        chores_made = Chore.objects.bulk_create(
            [
                Chore(
                    title_ja=row["title_ja"],
                    title_en=row["title_en"],
                    rrule=row["rrule"],
                    holiday_policy=row["policy"],
                    time=row["time"],
                    rotate=row["rotate"],
                    start_date=date(2026, 1, 1),
                    icon="trash",
                )
                for row in big_chore_rows(chores)
            ]
        )
        ChoreAssignee.objects.bulk_create(
            [
                ChoreAssignee(chore=chore, member=member, order=order)
                for chore in chores_made
                for order, member in enumerate(members[:2])
            ]
        )
        Revision.bump()
