"""Away from home (planner/away.py): an away member's blocks, routines and chores
paused, their turns passed on, across the handover day of a custody week and
with two children who alternate weeks."""

from dataclasses import replace
from datetime import date, time, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from schedule import planner
from schedule.common import recurrence
from tests.conftest import block, household, tokyo

PAPA, MAMA, HARU, MIO = 1, 2, 3, 4
MEMBERS = tuple(
    planner.MemberData(id, ja, en)
    for id, ja, en in ((PAPA, "パパ", "Dad"), (MAMA, "ママ", "Mom"), (HARU, "はる", "Haru"),
                       (MIO, "みお", "Mio"))
)  # fmt: skip
KIDS = (HARU, MIO)
# Haru's week at the other parent's: Monday to Sunday, every other week; he is
# handed back on Sunday evening and on the wall again from Monday morning.
FIRST_MONDAY = date(2026, 11, 30)
SUNDAY = date(2026, 12, 6)
BACK_MONDAY = date(2026, 12, 7)

MORNING = planner.RoutineData(100, "あさのしたく", steps=(planner.StepData(11, "きがえ"),))
BEDTIME = planner.RoutineData(200, "ねるまえ", steps=(planner.StepData(21, "はみがき"),))


def every_day_plan() -> planner.PlanData:
    ready = replace(block(2, "07:45", "08:30", "じゅんび"), routines=((HARU, 100), (MIO, 100)))
    bedtime = replace(block(6, "20:00", "20:30", "ねるまえ", KIDS), routines=((HARU, 200),))
    return planner.PlanData(
        id=1,
        name_ja="毎日",
        weekdays=frozenset(range(7)),
        blocks=(
            block(1, "06:30", "07:00", "おはよう"),
            ready,
            block(3, "08:30", "16:30", "学校", KIDS),
            block(4, "16:30", "17:30", "スイミング", (HARU,)),
            block(5, "08:30", "17:00", "お仕事", (PAPA, MAMA)),
            bedtime,
            block(7, "20:30", "06:30", "おやすみ", KIDS),
        ),
    )


def custody(member: int, first: date, id: int = 1, weeks: int = 2) -> planner.AwayData:
    rule = f"FREQ=WEEKLY;INTERVAL={weeks}" if weeks > 1 else "FREQ=WEEKLY"
    return planner.AwayData(id, member, recurrence.Recurrence(rule=rule, start=first), days=7)


def once(member: int, first: date, days: int, id: int = 9) -> planner.AwayData:
    return planner.AwayData(
        id, member, recurrence.Recurrence(rule="", start=first, extra_dates=(first,)), days
    )


def daily_turns(members=KIDS, id=10) -> planner.ChoreData:
    return planner.ChoreData(
        id=id,
        title_ja="ルンバのスイッチ",
        title_en="Start the Roomba",
        recurrence=recurrence.Recurrence(rule="FREQ=DAILY", start=date(2026, 11, 23)),
        time=time(17, 20),
        assignee_ids=tuple(members),
        rotate=True,
    )


def chore_of(members, id=20, title="水やり") -> planner.ChoreData:
    return planner.ChoreData(
        id=id,
        title_ja=title,
        title_en=title,
        recurrence=recurrence.Recurrence(rule="FREQ=DAILY", start=date(2026, 11, 23)),
        assignee_ids=tuple(members),
    )


def family(away=(), chores=()) -> planner.Household:
    return household(
        plans=[every_day_plan()],
        members=MEMBERS,
        chores=chores,
        routines={100: MORNING, 200: BEDTIME},
        away=tuple(away),
    )


def view(home: planner.Household, day: date, hh_mm: str, only=None) -> planner.DayView:
    return planner.day_view(home, day, tokyo(day, hh_mm), only)


def people(view: planner.DayView, title: str) -> set[int] | None:
    """Who a block of `view` is for (its own day's), or None if it is not on the wall."""
    found = [b for b in view.blocks if b.title("ja") == title]
    return {m.id for m in found[0].members} if found else None


def routine_children(view: planner.DayView) -> set[int]:
    return {r.member.id for b in view.blocks if not b.from_yesterday for r in b.routines}


def whose(home: planner.Household, chore: planner.ChoreData, day: date) -> tuple[int, ...]:
    return tuple(m.id for m in planner.whose_turn(home, chore, day))


# --- Lanes and routines -------------------------------------------------------------


def test_an_away_childs_blocks_are_left_off_their_lane_and_the_others_keep_theirs():
    home = family([custody(HARU, FIRST_MONDAY)])
    wednesday = view(home, FIRST_MONDAY + timedelta(days=2), "10:00")
    assert people(wednesday, "学校") == {MIO}
    assert people(wednesday, "スイミング") is None  # only his: off the wall
    assert people(wednesday, "お仕事") == {PAPA, MAMA}
    assert people(wednesday, "おはよう") == set()  # the whole family's stays
    assert routine_children(wednesday) == {MIO}
    # The week after, he is home: everything of his is back.
    home_week = view(home, FIRST_MONDAY + timedelta(days=9), "10:00")
    assert people(home_week, "学校") == {HARU, MIO}
    assert people(home_week, "スイミング") == {HARU}
    assert routine_children(home_week) == {HARU, MIO}


def test_on_the_handover_sunday_evening_he_is_still_away_and_back_with_mondays_first_block():
    home = family([custody(HARU, FIRST_MONDAY)])
    sunday_evening = view(home, SUNDAY, "20:10")
    assert people(sunday_evening, "ねるまえ") == {MIO}
    assert routine_children(sunday_evening) == {MIO}
    # The night belongs to Sunday: past midnight it is still Mio's alone.
    night = view(home, BACK_MONDAY, "02:00")
    (sleep,) = night.current
    assert sleep.from_yesterday and {m.id for m in sleep.members} == {MIO}
    # Monday morning he is back: his routine, his school, his swimming.
    morning = view(home, BACK_MONDAY, "07:50")
    assert routine_children(morning) == {HARU, MIO}
    assert people(morning, "学校") == {HARU, MIO}
    assert people(morning, "スイミング") == {HARU}
    assert [(a.member.id, a.back_on) for a in view(home, SUNDAY, "12:00").away] == [
        (HARU, BACK_MONDAY)
    ]
    assert morning.away == ()


def test_a_wall_of_the_away_child_alone_shows_only_the_familys_blocks():
    home = family([custody(HARU, FIRST_MONDAY)])
    his = view(home, FIRST_MONDAY, "10:00", frozenset({HARU}))
    assert {b.title("ja") for b in his.blocks if not b.free and not b.from_yesterday} == {
        "おはよう",
        "じゅんび",
    }
    assert his.current == ()  # nothing of his at school time: the lanes are empty


def test_a_once_only_trip_covers_its_days_and_no_others():
    trip = once(MIO, date(2026, 12, 24), days=3)  # 12/24–12/26 at the grandparents'
    home = family([trip])
    week = [date(2026, 12, 23) + timedelta(days=n) for n in range(5)]
    assert [d for d in week if trip.covers(d)] == week[1:4]  # 12/24, 12/25, 12/26
    assert people(view(home, date(2026, 12, 25), "10:00"), "学校") == {HARU}
    assert people(view(home, date(2026, 12, 27), "10:00"), "学校") == {HARU, MIO}


# --- Chores and turns ---------------------------------------------------------------


def test_a_chore_only_of_the_away_child_is_paused_and_a_shared_one_goes_to_who_is_home():
    fish = chore_of((HARU,), id=21, title="金魚のえさ")
    plants = chore_of(KIDS, id=22, title="水やり")
    home = family([custody(HARU, FIRST_MONDAY)], [fish, plants])
    away_day = view(home, FIRST_MONDAY + timedelta(days=3), "10:00")
    due = {c.chore.id: {m.id for m in c.assignees} for c in away_day.chores}
    assert due == {22: {MIO}}
    assert planner.chore_to_tick(home, away_day.date, 21) is None  # nothing to tick
    back = view(home, BACK_MONDAY, "10:00")
    assert {c.chore.id: {m.id for m in c.assignees} for c in back.chores} == {
        21: {HARU},
        22: {HARU, MIO},
    }


def test_turns_pass_to_the_next_child_home_and_the_order_resumes_when_he_is_back():
    roomba = daily_turns()
    plain = family(chores=[roomba])
    home = family([custody(HARU, FIRST_MONDAY)], [roomba])
    before = [whose(home, roomba, FIRST_MONDAY - timedelta(days=n)) for n in (2, 1)]
    # The week before, nobody away: the plain rotation.
    assert before == [whose(plain, roomba, FIRST_MONDAY - timedelta(days=n)) for n in (2, 1)]
    assert before == [(MIO,), (HARU,)]
    week = [whose(home, roomba, FIRST_MONDAY + timedelta(days=n)) for n in range(7)]
    assert week == [(MIO,)] * 7
    # Mio took Sunday's turn, so Monday is Haru's: the order goes on after her.
    assert [whose(home, roomba, BACK_MONDAY + timedelta(days=n)) for n in range(4)] == [
        (HARU,),
        (MIO,),
        (HARU,),
        (MIO,),
    ]


def test_two_children_who_alternate_weeks_each_take_every_turn_of_their_week_home():
    roomba = daily_turns()
    home = family([custody(HARU, FIRST_MONDAY, 1), custody(MIO, BACK_MONDAY, 2)], [roomba])
    for week, home_child in enumerate((MIO, HARU, MIO, HARU)):
        monday = FIRST_MONDAY + timedelta(weeks=week)
        days = [monday + timedelta(days=n) for n in range(7)]
        assert {whose(home, roomba, day) for day in days} == {(home_child,)}
        shown = view(home, days[3], "17:00")
        assert people(shown, "学校") == {home_child}
        assert [c.assignees[0].id for c in shown.chores] == [home_child]


def test_a_day_both_are_away_pauses_the_chore_and_uses_no_turn():
    roomba = daily_turns()
    trip = date(2026, 12, 2)
    home = family([once(HARU, trip, 1, id=1), once(MIO, trip, 1, id=2)], [roomba])
    plain = family(chores=[roomba])
    assert whose(home, roomba, trip) == ()
    assert [c.chore.id for c in view(home, trip, "17:00").chores] == []
    # The next day is whoever's turn the paused day would have been.
    assert whose(home, roomba, trip + timedelta(days=1)) == whose(plain, roomba, trip)


def test_a_parent_away_leaves_the_childrens_turns_as_they_were():
    roomba = daily_turns()
    home = family([custody(PAPA, FIRST_MONDAY)], [roomba])
    plain = family(chores=[roomba])
    for n in range(21):
        day = FIRST_MONDAY + timedelta(days=n)
        assert whose(home, roomba, day) == whose(plain, roomba, day)


def test_stars_for_a_chore_go_to_who_took_the_turn():
    roomba = daily_turns()
    away = (custody(HARU, FIRST_MONDAY),)
    tuesday = FIRST_MONDAY + timedelta(days=1)
    assert planner.takers(KIDS, True, roomba.recurrence, tuesday, away) == (MIO,)
    assert planner.takers(KIDS, False, roomba.recurrence, tuesday, away) == (MIO,)


@settings(max_examples=60, deadline=None)
@given(st.lists(st.sets(st.sampled_from((11, 12, 13)), max_size=3), min_size=5, max_size=40))
def test_each_occurrence_goes_to_the_first_child_home_after_the_last_taker(gone_by_day):
    """The rule itself: whatever the days away, a turn never goes to a child who is
    away, and each goes to the next one home in the order after the last taker."""
    kids = (11, 12, 13)
    first = date(2027, 3, 1)
    rule = recurrence.Recurrence(rule="FREQ=DAILY", start=first)
    away = tuple(
        once(kid, first + timedelta(days=n), 1, id=100 * n + kid)
        for n, gone in enumerate(gone_by_day)
        for kid in gone
    )
    last = None
    for n, gone in enumerate(gone_by_day):
        taken = planner.takers(kids, True, rule, first + timedelta(days=n), away)
        if gone == set(kids):
            assert taken == ()
            continue
        (taker,) = taken
        assert taker not in gone
        start = 0 if last is None else kids.index(last) + 1
        order = [kids[(start + step) % 3] for step in range(3)]
        assert taker == next(kid for kid in order if kid not in gone)
        last = taker
