"""Rows to planner data: a fixed number of queries, and bad rows left off with a reason."""

import logging
from datetime import date, time

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from schedule.day import loading
from schedule.models import Block, Chore, Member, Plan
from tests.conftest import TOKYO, tokyo

WEEKDAY = date(2026, 11, 25)

pytestmark = pytest.mark.django_db


def queries_to_load(day: date) -> int:
    with CaptureQueriesContext(connection) as captured:
        loading.load_household(day, TOKYO)
    return len(captured)


def test_loading_costs_the_same_queries_for_a_few_and_for_hundreds_of_rows(demo_display):
    few = queries_to_load(WEEKDAY)
    plan = Plan.objects.get(name_en="Weekday")
    kid = Member.objects.get(name_en="Haru")
    for n in range(300):
        block = Block.objects.create(plan=plan, start=time(3, 0), end=time(3, 1), title_en=f"b{n}")
        block.members.add(kid)
        Chore.objects.create(title_en=f"c{n}", rrule="FREQ=DAILY", start_date=date(2026, 1, 1))
    assert queries_to_load(WEEKDAY) == few


def test_a_chore_saved_around_validation_is_left_off_and_the_log_says_why(demo_display, caplog):
    broken = Chore.objects.create(
        title_en="Broken", rrule="FREQ=DAILY", start_date=date(2026, 1, 1)
    )
    Chore.objects.filter(pk=broken.pk).update(rrule="FREQ=DAILY;INTERVAL=0")
    with caplog.at_level(logging.WARNING, logger="schedule.day.loading"):
        family = loading.load_household(WEEKDAY, TOKYO)
    assert broken.pk not in {chore.id for chore in family.chores}
    assert len(family.chores) == Chore.objects.count() - 1
    assert f"Chore {broken.pk} is left off the wall" in caplog.text
    assert "INTERVAL" in caplog.text


def test_day_at_is_the_wall_of_that_moment(demo_display):
    view = loading.day_at(tokyo(WEEKDAY, "17:05"))
    assert [b.title("en") for b in view.current] == ["Clean-up"]
    assert view.moment.tzinfo == TOKYO


def test_a_plan_loads_with_its_blocks_in_order_and_their_members(demo_display):
    (weekday,) = loading.load_plans(Plan.objects.filter(name_en="Weekday"))
    starts = [b.start for b in weekday.blocks]
    assert starts == sorted(starts)
    work = next(b for b in weekday.blocks if b.title_en == "Work" and b.start == time(8, 30))
    parents = set(Member.objects.filter(name_en__in=["Dad", "Mom"]).values_list("pk", flat=True))
    assert set(work.member_ids) == parents
    assert weekday.weekdays == frozenset(range(5))


def test_plans_far_from_the_day_are_not_read(demo_display):
    Plan.objects.create(
        name_en="Summer 2020", weekdays=0b1111111, valid_from=date(2020, 7, 1),
        valid_until=date(2020, 8, 31), priority=99,
    )  # fmt: skip
    family = loading.load_household(WEEKDAY, TOKYO)
    assert "Summer 2020" not in {plan.name_en for plan in family.plans}


def test_loading_through_a_later_day_reads_its_overrides(demo_display):
    from schedule.models import PlanOverride

    day_off = Plan.objects.get(name_en="Day off")
    PlanOverride.objects.create(date=date(2026, 12, 24), plan=day_off)
    near = loading.load_household(WEEKDAY, TOKYO)
    far = loading.load_household(WEEKDAY, TOKYO, through=date(2026, 12, 31))
    assert date(2026, 12, 24) not in near.overrides
    assert far.overrides[date(2026, 12, 24)] == day_off.pk


def add_routines(steps_in_all: int) -> None:
    """Routines of 10 steps each for the kids, in every block of the weekday plan they
    are in, with every step ticked, and stars: the load must not grow with them."""
    from schedule.models import (
        Member,
        Routine,
        RoutineAssignment,
        RoutineStep,
        StarEntry,
        StepDone,
    )

    kids = list(Member.objects.filter(collects_stars=True))
    plan = Plan.objects.get(name_en="Weekday")
    for n in range(steps_in_all // 10):
        routine = Routine.objects.create(title_ja=f"ルーティン{n}")
        steps = RoutineStep.objects.bulk_create(
            RoutineStep(routine=routine, order=i, icon="star", title_ja=f"s{i}") for i in range(10)
        )
        kid = kids[n % 2]
        block = Block.objects.create(
            plan=plan, start=time(4, n % 60), end=time(4, n % 60, 30), title_en=f"r{n}"
        )
        RoutineAssignment.objects.create(block=block, member=kid, routine=routine)
        StepDone.objects.bulk_create(StepDone(step=s, member=kid, date=WEEKDAY) for s in steps)
        StarEntry.objects.create(member=kid, date=WEEKDAY, amount=1, kind="routine")


def test_loading_costs_the_same_queries_for_10_and_500_routine_steps(demo_display):
    add_routines(10)
    few = queries_to_load(WEEKDAY)
    add_routines(490)
    assert queries_to_load(WEEKDAY) == few
    family = loading.load_household(WEEKDAY, TOKYO)
    assert sum(len(r.steps) for r in family.routines.values()) >= 500
    assert len([t for t in family.steps_done if t[2] == WEEKDAY]) == 500


def test_the_loader_brings_routines_in_order_their_ticks_and_the_stars(demo_display):
    from schedule.models import Member, RoutineStep, StarEntry, StepDone

    haru, mio = Member.objects.get(name_en="Haru"), Member.objects.get(name_en="Mio")
    first = RoutineStep.objects.get(routine__title_en="Morning (Haru)", order=1)
    mios = RoutineStep.objects.get(routine__title_en="Morning (Mio)", order=1).routine_id
    StepDone.objects.create(step=first, member=haru, date=WEEKDAY)
    StarEntry.objects.create(member=haru, date=WEEKDAY, amount=7, kind="parent")
    family = loading.load_household(WEEKDAY, TOKYO)
    morning = family.routines[first.routine_id]
    assert [s.title_en for s in morning.steps] == [
        "Toilet", "Wash face", "Get dressed", "Brush teeth", "School bag",
    ]  # fmt: skip
    assert morning.steps[1].reading == "かおをあらう"
    assert (first.pk, haru.pk, WEEKDAY) in family.steps_done
    assert family.stars.balances == {haru.pk: 7}
    assert [r.price for r in family.stars.rewards] == [5, 12]
    ready = next(b for p in family.plans for b in p.blocks if b.title_ja == "おでかけの準備")
    assert ready.routines == ((haru.pk, first.routine_id), (mio.pk, mios))


def test_stars_are_not_loaded_while_the_family_collects_none(demo_display):
    from schedule.models import StarRules

    StarRules.objects.filter(pk=1).update(enabled=False)
    assert loading.load_household(WEEKDAY, TOKYO).stars is None


def test_closures_links_and_cancellations_cost_the_same_queries_for_few_and_many(demo_display):
    from schedule.models import ChoreCancellation, ChoreClosure, Closure

    few = queries_to_load(WEEKDAY)
    chores = [
        Chore.objects.create(title_en=f"g{n}", rrule="FREQ=DAILY", start_date=date(2026, 1, 1))
        for n in range(60)
    ]
    for n, chore in enumerate(chores):
        closure = Closure.objects.create(
            name_en=f"c{n}", start_date=date(2027, 2, 1 + n % 20), end_date=date(2027, 2, 21)
        )
        ChoreClosure.objects.create(chore=chore, closure=closure, action="drop")
        ChoreCancellation.objects.create(chore=chore, date=WEEKDAY)
    assert queries_to_load(WEEKDAY) == few
    family = loading.load_household(WEEKDAY, TOKYO)
    assert {(c.pk, WEEKDAY) for c in chores} <= family.cancelled
    linked = next(c for c in family.chores if c.id == chores[0].pk)
    assert [rule.closure.name_en for rule in linked.recurrence.rules.closures] == ["c0"]
    assert not linked.recurrence.is_due_on(date(2027, 2, 10))


@pytest.mark.skipif(connection.vendor != "sqlite", reason="SQLite's query plans")
def test_a_tap_reads_the_days_shown_not_the_familys_years_of_ticks(demo_display):
    """After every tap the wall reads the ticks again: by the window's dates (an
    index search), and each balance from the star index alone, so the read
    stays small as a family keeps years of chores, steps and stars."""
    day = date(2026, 11, 24)
    planned = loading.load_planned(day)
    with CaptureQueriesContext(connection) as queries:
        loading.with_ticks(planned, day)
    plans = {}
    with connection.cursor() as cursor:
        for query in queries.captured_queries:
            cursor.execute("EXPLAIN QUERY PLAN " + query["sql"])
            plans[query["sql"].split(" FROM ")[1].split()[0]] = " ".join(
                str(row[-1]) for row in cursor.fetchall()
            )
    assert "SEARCH" in plans['"schedule_choredone"'] and "date>" in plans['"schedule_choredone"']
    assert "SEARCH" in plans['"schedule_stepdone"'] and "date>" in plans['"schedule_stepdone"']
    assert "COVERING INDEX star_balance" in plans['"schedule_starentry"']
