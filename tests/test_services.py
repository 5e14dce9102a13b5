"""Writes that must hold under races: ticking a chore or a step from two tablets at
once; the stars a tick settles; rewards, taking back, copies."""

import re
from datetime import date, time, timedelta

import pytest
from django.db import connection
from django.db.models import QuerySet

from schedule.models import (
    Block,
    Chore,
    ChoreAssignee,
    ChoreDone,
    Member,
    Plan,
    Revision,
    Reward,
    Routine,
    RoutineAssignment,
    RoutineStep,
    StarEntry,
    StarRules,
    StepDone,
    Totals,
)
from schedule.plans.services import copy_plan
from schedule.routines.services import copy_routine
from schedule.routines.stars import CannotTakeBack, NotEnoughStars, give_reward, take_back
from schedule.wall.ticks import tick_chore, tick_step

DAY = date(2026, 11, 24)

pytestmark = pytest.mark.django_db


@pytest.fixture
def chore():
    return Chore.objects.create(title_ja="ルンバ", rrule="FREQ=DAILY", start_date=date(2026, 1, 1))


def test_ticking_inserts_one_row_and_redraws_the_walls(chore):
    revision = Revision.current()
    tick_chore(chore, DAY, done=True)
    assert ChoreDone.objects.filter(chore=chore, date=DAY).count() == 1
    assert Revision.current() > revision


def test_a_tick_that_loses_the_race_to_another_tablet_does_not_fail(chore, monkeypatch):
    # The other tablet's row lands between this tap's look and its insert:
    # the unique constraint decides, quietly, instead of an IntegrityError.
    ChoreDone.objects.create(chore=chore, date=DAY)
    monkeypatch.setattr(QuerySet, "exists", lambda self: False)
    tick_chore(chore, DAY, done=True)
    assert ChoreDone.objects.filter(chore=chore, date=DAY).count() == 1


def test_unticking_what_another_tablet_already_unticked_does_nothing(chore):
    tick_chore(chore, DAY, done=False)
    tick_chore(chore, DAY, done=True)
    tick_chore(chore, DAY, done=False)
    tick_chore(chore, DAY, done=False)
    assert not ChoreDone.objects.filter(chore=chore, date=DAY).exists()


# Routines and stars --------------------------------------------------------------------


@pytest.fixture
def stars_on():
    StarRules(enabled=True, per_routine=1, per_chore=1).save()


@pytest.fixture
def haru():
    return Member.objects.create(name_ja="はる", collects_stars=True)


@pytest.fixture
def morning():
    routine = Routine.objects.create(title_ja="あさのしたく")
    for order, (icon, title) in enumerate([("toilet", "トイレ"), ("toothbrush", "はみがき")], 1):
        RoutineStep.objects.create(routine=routine, order=order, icon=icon, title_ja=title)
    return routine


def steps(routine):
    return list(routine.steps.all())


def ledger(member):
    return list(
        StarEntry.objects.filter(member=member).order_by("id").values_list("kind", "amount")
    )


def test_ticking_a_step_stores_one_row_and_redraws_the_walls_once(morning, haru):
    first, _second = steps(morning)
    revision = Revision.current()
    tick_step(first, haru, DAY, done=True)
    after_first = Revision.current()
    tick_step(first, haru, DAY, done=True)
    assert StepDone.objects.filter(step=first, member=haru, date=DAY).count() == 1
    assert revision < after_first == Revision.current()  # a second tap changes nothing
    tick_step(first, haru, DAY, done=False)
    tick_step(first, haru, DAY, done=False)
    assert not StepDone.objects.exists()
    assert Revision.current() > after_first


def test_a_step_tick_that_loses_the_race_to_another_tablet_does_not_fail(
    morning, haru, monkeypatch
):
    first, _second = steps(morning)
    StepDone.objects.create(step=first, member=haru, date=DAY)
    monkeypatch.setattr(QuerySet, "exists", lambda self: False)
    tick_step(first, haru, DAY, done=True)
    assert StepDone.objects.filter(step=first, member=haru, date=DAY).count() == 1


def test_finishing_a_routine_earns_its_stars_once_and_unticking_takes_them_back(
    stars_on, morning, haru
):
    first, second = steps(morning)
    tick_step(first, haru, DAY, done=True)
    assert ledger(haru) == []  # one step of two: nothing yet
    tick_step(second, haru, DAY, done=True)
    tick_step(second, haru, DAY, done=True)
    assert ledger(haru) == [("routine", 1)]
    tick_step(first, haru, DAY, done=False)
    assert ledger(haru) == [("routine", 1), ("routine", -1)]
    tick_step(first, haru, DAY, done=True)
    assert ledger(haru) == [("routine", 1), ("routine", -1), ("routine", 1)]
    assert StarEntry.totals()[haru.pk].balance == 1
    assert StarEntry.objects.filter(routine=morning).count() == 3


def test_a_routine_can_be_worth_more_or_nothing(stars_on, morning, haru):
    morning.stars = 3
    morning.save()
    for step in steps(morning):
        tick_step(step, haru, DAY, done=True)
    morning.stars = 0
    morning.save()
    for step in steps(morning):
        tick_step(step, haru, DAY + timedelta(days=1), done=True)
    assert ledger(haru) == [("routine", 3)]


def test_no_stars_while_the_family_collects_none_or_for_a_child_who_does_not(morning, haru):
    papa = Member.objects.create(name_ja="パパ")
    for step in steps(morning):
        tick_step(step, haru, DAY, done=True)
    StarRules(enabled=True).save()
    for step in steps(morning):
        tick_step(step, papa, DAY, done=True)
    assert not StarEntry.objects.exists()


def test_a_ticked_chore_earns_the_star_of_the_child_whose_turn_it_is(stars_on, chore, haru):
    mio = Member.objects.create(name_ja="みお", collects_stars=True)
    chore.rotate = True
    chore.save()
    ChoreAssignee.objects.create(chore=chore, member=haru, order=0)
    ChoreAssignee.objects.create(chore=chore, member=mio, order=1)
    today, tomorrow = DAY, DAY + timedelta(days=1)
    tick_chore(chore, today, done=True)
    tick_chore(chore, tomorrow, done=True)
    first_turn = StarEntry.objects.get(date=today).member
    second_turn = StarEntry.objects.get(date=tomorrow).member
    assert {first_turn, second_turn} == {haru, mio}
    tick_chore(chore, today, done=False)
    totals = StarEntry.totals()
    assert (totals[first_turn.pk], totals[second_turn.pk]) == (Totals(0, 0), Totals(1, 0))
    assert StarEntry.objects.filter(chore=chore).count() == 3  # +1, +1, then -1


def test_a_tick_asks_the_same_sql_however_often_the_chore_was_tapped(stars_on, chore, haru):
    """Each new SQL text is a statement SQLite prepares and keeps per connection:
    a tick's queries must not grow with the taps of the day (an IN list did)."""
    ChoreAssignee.objects.create(chore=chore, member=haru, order=0)

    def statements(taps: int) -> set[str]:
        for tap in range(taps):
            tick_chore(chore, DAY, done=tap % 2 == 0)
        texts: set[str] = set()

        def record(execute, sql, params, many, context):
            texts.add(sql)  # the text SQLite prepares, before its values
            return execute(sql, params, many, context)

        with connection.execute_wrapper(record):
            tick_chore(chore, DAY, done=taps % 2 == 0)
        return {re.sub(r'"s\d+_x\d+"', "SAVEPOINT", sql) for sql in texts}

    early, late = statements(2), statements(20)
    assert StarEntry.objects.filter(chore=chore).count() == 23  # a row per tap
    assert early == late


def test_a_star_taken_back_stays_taken_back_whatever_the_child_taps(stars_on, morning, haru):
    for step in steps(morning):
        tick_step(step, haru, DAY, done=True)
    given = StarEntry.objects.get()
    correction = take_back(given)
    assert (correction.amount, correction.corrects, correction.kind) == (-1, given, "routine")
    first, _second = steps(morning)
    tick_step(first, haru, DAY, done=False)
    tick_step(first, haru, DAY, done=True)
    assert ledger(haru) == [("routine", 1), ("routine", -1)]
    with pytest.raises(CannotTakeBack):
        take_back(given)
    with pytest.raises(CannotTakeBack):
        take_back(correction)
    assert StarEntry.objects.count() == 2


def test_a_reward_spends_stars_and_never_more_than_a_child_has(haru):
    treat = Reward.objects.create(title_ja="おやつ", price=3)
    StarEntry.objects.create(member=haru, date=DAY, amount=4, kind=StarEntry.Kind.PARENT)
    spent = give_reward(treat, haru, DAY)
    assert (spent.amount, spent.kind, spent.reward) == (-3, "reward", treat)
    assert spent.what_ja == "おやつ"
    with pytest.raises(NotEnoughStars) as short:
        give_reward(treat, haru, DAY)
    assert short.value.balance == 1
    assert StarEntry.totals()[haru.pk] == Totals(earned=4, spent=3)


def test_a_copied_routine_has_the_same_steps_and_is_used_nowhere(morning, haru):
    plan = Plan.objects.create(name_ja="平日", weekdays=0b11111)
    ready = Block.objects.create(plan=plan, start=time(7, 45), end=time(8, 30), title_ja="準備")
    RoutineAssignment.objects.create(block=ready, member=haru, routine=morning)
    copy = copy_routine(morning)
    assert copy.title_ja == "あさのしたく（コピー）"
    assert [(s.order, s.icon, s.title_ja) for s in copy.steps.all()] == [
        (s.order, s.icon, s.title_ja) for s in morning.steps.all()
    ]
    assert not copy.uses.exists()
    assert morning.steps.count() == 2  # the original keeps its own


def test_a_copied_plan_keeps_the_routines_of_its_blocks(morning, haru):
    plan = Plan.objects.create(name_ja="平日", weekdays=0b11111)
    ready = Block.objects.create(plan=plan, start=time(7, 45), end=time(8, 30), title_ja="準備")
    RoutineAssignment.objects.create(block=ready, member=haru, routine=morning)
    copy = copy_plan(plan)
    (use,) = RoutineAssignment.objects.filter(block__plan=copy)
    assert (use.member, use.routine, use.block.title_ja) == (haru, morning, "準備")
    assert use.block != ready


# --- A city's calendar: all or nothing ----------------------------------------------------


def test_a_refused_kind_leaves_no_chore_and_no_closure_behind():
    from schedule.chores.garbage import city5374 as calendar5374
    from schedule.chores.garbage.services import (
        CalendarRefused,
        KindChoice,
        import_garbage_calendar,
    )
    from schedule.models import Closure

    city = calendar5374.read_city(
        "地名,センター,燃やすごみ,古紙\nみどり町,東,月 木,金1\n",
        "名称,休止開始日,休止終了日\n東,2026/12/31,2027/1/4\n",
    )
    area = city.area("みどり町")
    burnable, paper = area.kinds
    choices = [
        KindChoice(burnable, "燃やすごみ", icon="trash-burnable"),
        KindChoice(paper, "古紙", icon="../../etc/passwd"),  # refused by the icon's check
    ]
    with pytest.raises(CalendarRefused, match="古紙"):
        import_garbage_calendar(city, area, choices, DAY)
    assert not Chore.objects.exists() and not Closure.objects.exists()


def test_two_kinds_named_alike_would_be_one_chore_and_are_refused():
    from schedule.chores.garbage import city5374 as calendar5374
    from schedule.chores.garbage.services import (
        CalendarRefused,
        KindChoice,
        import_garbage_calendar,
    )

    city = calendar5374.read_city("地名,センター,燃やすごみ,可燃ごみ\nA,,月,木\n")
    area = city.area("A")
    choices = [KindChoice(kind, "ごみ") for kind in area.kinds]
    with pytest.raises(CalendarRefused, match="ごみ"):
        import_garbage_calendar(city, area, choices, DAY)
    assert not Chore.objects.exists()


def test_an_every_other_week_kind_starts_on_its_first_day_and_seasonal_days_become_dates():
    from schedule.chores.garbage import city5374 as calendar5374
    from schedule.chores.garbage.services import KindChoice, import_garbage_calendar

    city = calendar5374.read_city(
        "地名,センター,びん,古紙\nA,,隔水20250108,水1:4 6 7 8 9 10 11 12 2 3; 水2:5 1\n"
    )
    area = city.area("A")
    bottles, paper = area.kinds
    import_garbage_calendar(
        city, area, [KindChoice(bottles, "びん"), KindChoice(paper, "古紙")], DAY
    )
    every_other = Chore.objects.get(title_ja="びん")
    assert (every_other.rrule, every_other.start_date, every_other.extra_dates) == (
        "FREQ=WEEKLY;INTERVAL=2;BYDAY=WE",
        date(2025, 1, 8),
        [],
    )
    assert every_other.is_due_on(date(2027, 1, 6)) and not every_other.is_due_on(date(2027, 1, 13))
    monthly = Chore.objects.get(title_ja="古紙")
    first, last = calendar5374.years_covered(DAY)
    assert monthly.rrule == "" and len(monthly.extra_dates) == 12 * (last.year - first.year + 1)
    assert all(first.isoformat() <= day <= last.isoformat() for day in monthly.extra_dates)


def test_calling_a_collection_off_twice_is_one_cancellation_and_bringing_it_back_removes_it(
    chore,
):
    from schedule.chores.services import cancel_chore
    from schedule.models import ChoreCancellation

    revision = Revision.current()
    assert cancel_chore(chore, DAY, True, "台風")
    assert not cancel_chore(chore, DAY, True)
    assert ChoreCancellation.objects.get().reason == "台風"
    assert Revision.current() > revision  # the walls redraw
    assert cancel_chore(chore, DAY, False)
    assert not ChoreCancellation.objects.exists()
