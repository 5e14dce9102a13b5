"""The planner: which plan, which block is now, lanes, chores, midnight and DST."""

from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from schedule import planner
from schedule.common import collection, recurrence
from schedule.day.loading import load_household
from tests.conftest import TOKYO, block, household, tokyo

WEEKDAY = date(2026, 11, 25)  # a Wednesday after a working Tuesday
SATURDAY = date(2026, 11, 28)
LABOUR_THANKSGIVING = date(2026, 11, 23)  # 勤労感謝の日, a Monday


def demo_view(day: date, hh_mm: str) -> planner.DayView:
    return planner.day_view(load_household(day, TOKYO), day, tokyo(day, hh_mm))


def current_titles(view: planner.DayView, lang: str = "en") -> set[str]:
    return {b.title(lang) for b in view.current}


@pytest.mark.parametrize(
    ("hh_mm", "expected"),
    [
        ("06:00", {"Sleep"}),
        ("12:00", {"Lunch break", "Daycare & school"}),
        ("17:05", {"Clean-up"}),
        ("17:25", {"Roomba"}),
        ("21:00", {"Sleep"}),
        ("02:00", {"Sleep"}),
    ],
)
def test_demo_weekday_current_blocks(demo_display, hh_mm, expected):
    view = demo_view(WEEKDAY, hh_mm)
    assert view.plan.name_en == "Weekday"
    assert current_titles(view) == expected


def test_sleep_block_from_yesterday_is_current_at_2am(demo_display):
    view = demo_view(WEEKDAY, "02:00")
    (sleep,) = view.current
    assert sleep.from_yesterday
    assert sleep.start == tokyo(WEEKDAY - timedelta(days=1), "21:00")
    assert sleep.end == tokyo(WEEKDAY, "06:30")
    assert sleep.minutes_left == 270


def test_clean_up_progress_and_minutes_left_at_1705(demo_display):
    view = demo_view(WEEKDAY, "17:05")
    (clean_up,) = view.current
    assert clean_up.progress == pytest.approx(0.25)
    assert clean_up.minutes_left == 15
    assert [b.title("en") for b in view.next_blocks] == ["Roomba", "Bath", "Dinner"]


def test_past_blocks_are_marked_past(demo_display):
    view = demo_view(WEEKDAY, "17:25")
    by_title = {b.title("en"): b for b in view.blocks if not b.from_yesterday}
    assert by_title["Breakfast"].past
    assert by_title["Clean-up"].past
    assert not by_title["Roomba"].past
    assert not by_title["Bath"].past


def test_weekend_uses_the_day_off_plan(demo_display):
    assert demo_view(SATURDAY, "12:00").plan.name_en == "Day off"
    assert demo_view(WEEKDAY, "12:00").plan.name_en == "Weekday"


def test_public_holiday_on_a_monday_uses_the_holiday_plan(demo_display):
    view = demo_view(LABOUR_THANKSGIVING, "17:05")
    assert view.plan.name_en == "Day off"
    assert view.holiday.name("ja") == "勤労感謝の日"
    assert view.holiday.name("en") == "Labor Thanksgiving Day"


def test_one_off_override_beats_holiday_and_weekday(demo_display):
    from schedule.models import Plan, PlanOverride

    event = Plan.objects.create(name_ja="運動会", name_en="Sports day", weekdays=0)
    PlanOverride.objects.create(date=LABOUR_THANKSGIVING, plan=event)
    assert demo_view(LABOUR_THANKSGIVING, "10:00").plan.name_en == "Sports day"


def test_priority_decides_between_two_weekday_plans():
    low = planner.PlanData(id=1, name_ja="low", weekdays=frozenset({2}), priority=0)
    high = planner.PlanData(id=2, name_ja="high", weekdays=frozenset({2}), priority=5)
    assert planner.plan_for(household([low, high]), WEEKDAY) is high


def test_plan_date_range_limits_the_plan():
    summer = planner.PlanData(
        id=1,
        name_ja="夏休み",
        weekdays=frozenset(range(7)),
        priority=9,
        valid_from=date(2026, 7, 20),
        valid_until=date(2026, 8, 31),
    )
    normal = planner.PlanData(id=2, name_ja="平日", weekdays=frozenset(range(7)))
    family = household([summer, normal])
    assert planner.plan_for(family, date(2026, 8, 1)) is summer
    assert planner.plan_for(family, date(2026, 9, 1)) is normal


def test_holiday_without_a_holiday_plan_falls_back_to_the_weekday_plan():
    weekday = planner.PlanData(id=1, name_ja="平日", weekdays=frozenset({0}))
    assert planner.plan_for(household([weekday]), LABOUR_THANKSGIVING) is weekday


def test_no_plan_means_an_empty_day():
    view = planner.day_view(household(), WEEKDAY, tokyo(WEEKDAY, "12:00"))
    assert view.plan is None
    assert view.blocks == ()
    assert view.current == ()


def test_overlapping_blocks_of_different_members_get_their_own_lanes():
    plan = planner.PlanData(
        id=1,
        name_ja="p",
        weekdays=frozenset(range(7)),
        blocks=(
            block(1, "08:30", "17:00", "work", members=[1]),
            block(2, "08:30", "16:30", "daycare", members=[2]),
            block(3, "17:00", "18:00", "bath"),
        ),
    )
    view = planner.day_view(household([plan]), WEEKDAY, tokyo(WEEKDAY, "12:00"))
    lanes = {b.title("en"): b.lane for b in view.blocks}
    assert lanes["work"] != lanes["daycare"]
    assert lanes["bath"] == 0
    assert view.lane_count == 2
    assert {b.title("en") for b in view.current} == {"work", "daycare"}


def test_display_member_filter_keeps_whole_family_blocks():
    plan = planner.PlanData(
        id=1,
        name_ja="p",
        weekdays=frozenset(range(7)),
        blocks=(
            block(1, "08:30", "17:00", "work", members=[1]),
            block(2, "08:30", "16:30", "daycare", members=[2]),
            block(3, "17:00", "18:00", "bath"),
        ),
    )
    view = planner.day_view(
        household([plan]), WEEKDAY, tokyo(WEEKDAY, "12:00"), members=frozenset({2})
    )
    assert [b.title("en") for b in view.blocks if not b.free] == ["daycare", "bath"]
    # The half hour the kids' wall shows nothing is free time, leading to the bath.
    (free,) = (b for b in view.blocks if b.free)
    assert (free.start, free.end) == (tokyo(WEEKDAY, "16:30"), tokyo(WEEKDAY, "17:00"))
    assert free.block.leads_to is not None and free.block.leads_to.title_en == "bath"


def test_naive_moment_is_refused():
    with pytest.raises(ValueError, match="aware"):
        planner.day_view(household(), WEEKDAY, datetime(2026, 11, 24, 12))


# --- Daylight saving time (a family in Los Angeles) ---------------------------

LA = ZoneInfo("America/Los_Angeles")
SPRING_FORWARD = date(2026, 3, 8)  # 02:00 -> 03:00
FALL_BACK = date(2026, 11, 1)  # 02:00 -> 01:00


def la_family() -> planner.Household:
    plan = planner.PlanData(
        id=1,
        name_ja="毎日",
        name_en="Every day",
        weekdays=frozenset(range(7)),
        blocks=(
            # A parent's shift: it does not end the family's sleep (see _placed_blocks).
            block(1, "01:00", "03:00", "night shift", members=[1]),
            block(2, "07:00", "08:00", "breakfast"),
            block(3, "21:00", "07:00", "sleep"),
        ),
    )
    return household([plan], tz=LA)


def test_spring_forward_night_block_lasts_one_hour():
    family = la_family()
    view = planner.day_view(family, SPRING_FORWARD, planner.at(SPRING_FORWARD, time(1, 30), LA))
    night = next(b for b in view.blocks if b.title("en") == "night shift")
    assert night.end - night.start == timedelta(hours=2)  # wall clock
    assert (night.end.astimezone(UTC) - night.start.astimezone(UTC)) == timedelta(hours=1)
    assert night.current
    assert night.minutes_left == 30
    assert night.progress == pytest.approx(0.5)


def test_spring_forward_sleep_from_yesterday_is_nine_hours():
    family = la_family()
    view = planner.day_view(family, SPRING_FORWARD, planner.at(SPRING_FORWARD, time(4), LA))
    sleep = next(b for b in view.blocks if b.from_yesterday)
    assert sleep.current
    real = sleep.end.astimezone(UTC) - sleep.start.astimezone(UTC)
    assert real == timedelta(hours=9)
    assert sleep.end.utcoffset() == timedelta(hours=-7)
    assert sleep.start.utcoffset() == timedelta(hours=-8)


def test_fall_back_night_block_lasts_three_hours():
    family = la_family()
    moment = datetime(2026, 11, 1, 9, 30, tzinfo=UTC).astimezone(LA)  # 01:30 PST, 2nd time
    view = planner.day_view(family, FALL_BACK, moment)
    night = next(b for b in view.blocks if b.title("en") == "night shift")
    assert (night.end.astimezone(UTC) - night.start.astimezone(UTC)) == timedelta(hours=3)
    assert night.current
    assert night.minutes_left == 90
    assert night.progress == pytest.approx(0.5)


def test_fall_back_breakfast_is_at_seven_local():
    view = planner.day_view(la_family(), FALL_BACK, planner.at(FALL_BACK, time(7, 30), LA))
    (breakfast,) = [b for b in view.current if not b.from_yesterday]
    assert breakfast.start.hour == 7
    assert breakfast.start.utcoffset() == timedelta(hours=-8)


# --- Chores -------------------------------------------------------------------


def chore(id, rule, members=(), rotate=False, at="08:00", policy="keep"):
    return planner.ChoreData(
        id=id,
        title_ja=f"chore{id}",
        title_en=f"chore{id}",
        recurrence=recurrence.Recurrence(rule=rule, start=date(2026, 1, 1), holiday_policy=policy),
        time=time.fromisoformat(at) if at else None,
        assignee_ids=tuple(members),
        rotate=rotate,
    )


def test_chores_due_today_and_tomorrow_with_done_state():
    trash = chore(1, "FREQ=WEEKLY;BYDAY=WE")
    cans = chore(2, "FREQ=WEEKLY;BYDAY=TH")
    family = household(chores=[trash, cans], done={(1, WEEKDAY)})
    view = planner.day_view(family, WEEKDAY, tokyo(WEEKDAY, "20:00"))
    assert [(c.chore.id, c.done) for c in view.chores] == [(1, True)]
    assert [c.chore.id for c in view.tomorrow_chores] == [2]
    assert view.chores[0].due == tokyo(WEEKDAY, "08:00")


def test_rotating_chore_alternates_between_assignees():
    members = [planner.MemberData(1, "はる", "Haru"), planner.MemberData(2, "みお", "Mio")]
    roomba = chore(1, "FREQ=DAILY", members=[1, 2], rotate=True)
    family = household(chores=[roomba], members=members)
    who = []
    for offset in range(4):
        day = WEEKDAY + timedelta(days=offset)
        (view,) = planner.day_view(family, day, tokyo(day, "12:00")).chores
        who.append(view.assignees[0].name_en)
    assert who in (["Haru", "Mio", "Haru", "Mio"], ["Mio", "Haru", "Mio", "Haru"])


def test_chore_without_rotation_lists_every_assignee():
    members = [planner.MemberData(1, "はる", "Haru"), planner.MemberData(2, "みお", "Mio")]
    family = household(chores=[chore(1, "FREQ=DAILY", members=[1, 2])], members=members)
    (view,) = planner.day_view(family, WEEKDAY, tokyo(WEEKDAY, "12:00")).chores
    assert [m.name_en for m in view.assignees] == ["Haru", "Mio"]


def test_chores_without_a_time_come_last():
    family = household(chores=[chore(1, "FREQ=DAILY", at=None), chore(2, "FREQ=DAILY")])
    view = planner.day_view(family, WEEKDAY, tokyo(WEEKDAY, "12:00"))
    assert [c.chore.id for c in view.chores] == [2, 1]


def test_notes_in_their_date_range():
    note = planner.NoteData(1, "おばあちゃん", "Grandma", date(2026, 11, 23), date(2026, 11, 25))
    family = household(notes=[note])
    assert planner.day_view(family, WEEKDAY, tokyo(WEEKDAY, "12:00")).notes == (note,)
    later = WEEKDAY + timedelta(days=1)
    assert planner.day_view(family, later, tokyo(later, "12:00")).notes == ()


# --- Invariants (hypothesis) -------------------------------------------------

clock = st.times().map(lambda t: t.replace(second=0, microsecond=0))


@st.composite
def plans(draw):
    count = draw(st.integers(min_value=0, max_value=8))
    blocks = []
    for index in range(count):
        start = draw(clock)
        end = draw(clock.filter(lambda t, s=start: t != s))
        members = draw(st.lists(st.integers(1, 3), max_size=2, unique=True))
        blocks.append(block(index + 1, start.isoformat(), end.isoformat(), members=members))
    return planner.PlanData(id=1, name_ja="p", weekdays=frozenset(range(7)), blocks=tuple(blocks))


zones = st.sampled_from([TOKYO, LA, ZoneInfo("Europe/Berlin")])
days = st.dates(min_value=date(2026, 1, 1), max_value=date(2027, 12, 31))


@settings(max_examples=150, deadline=None)
@given(plan=plans(), tz=zones, day=days, moment_clock=clock)
def test_planner_invariants(plan, tz, day, moment_clock):
    family = household([plan], tz=tz)
    moment = planner.at(day, moment_clock, tz)
    view = planner.day_view(family, day, moment)

    # Each lane has at most one current block.
    current_lanes = [b.lane for b in view.current]
    assert len(current_lanes) == len(set(current_lanes))
    # Progress stays within [0, 1]; minutes left are never negative.
    for b in view.blocks:
        assert 0.0 <= b.progress <= 1.0
        assert b.minutes_left >= 0
        assert b.end > b.start
    # Blocks are in start order.
    starts = [b.start for b in view.blocks]
    assert starts == sorted(starts)
    # The day's blocks are the plan's blocks plus yesterday's that run past midnight.
    todays = sorted(b.block.id for b in view.blocks if not b.from_yesterday and not b.free)
    carried = sorted(b.block.id for b in view.blocks if b.from_yesterday)
    assert todays == sorted(x.id for x in plan.blocks)
    assert carried == sorted(x.id for x in plan.blocks if x.crosses_midnight)
    # Current blocks are exactly the ones whose span holds the moment.
    assert all(b.start <= moment < b.end for b in view.current)
    # Free stretches fill what lies between blocks, and lead to the block after.
    for free in (b for b in view.blocks if b.free):
        assert not any(b.start < free.end and free.start < b.end for b in view.blocks if not b.free)
        assert free.block.leads_to is not None
        assert any(b.start == free.end and b.block is free.block.leads_to for b in view.blocks)


@pytest.mark.slow  # 10,080 day views
def test_at_every_minute_of_the_demo_week_the_wall_shows_one_thing_per_person(demo_display):
    """No contradicting "now" cards: something is always on, and nobody is in two
    blocks at once (a block of nobody in particular is everyone's)."""
    family = load_household(LABOUR_THANKSGIVING, TOKYO)
    people = {m.id for m in family.members}
    for offset in range(7):
        day = LABOUR_THANKSGIVING + timedelta(days=offset)
        family = load_household(day, TOKYO)
        for minute in range(0, 24 * 60):
            moment = planner.at(day, time(minute // 60, minute % 60), TOKYO)
            view = planner.day_view(family, day, moment)
            assert view.current, moment
            busy: list[int] = []
            for b in view.current:
                busy += [m.id for m in b.members] if b.members else sorted(people)
            assert len(busy) == len(set(busy)), (moment, [b.title("en") for b in view.current])


def test_the_night_before_a_day_off_ends_at_the_weekdays_wake_up(demo_display):
    # Sunday's day-off plan sleeps until 07:00; Monday 2026-11-30 wakes at 06:30.
    monday = date(2026, 11, 30)
    view = demo_view(monday, "06:45")
    assert [b.title("en") for b in view.current] == [
        next(b.title("en") for b in view.blocks if b.start == tokyo(monday, "06:30"))
    ]
    sleep = next(b for b in view.blocks if b.from_yesterday)
    assert sleep.end == tokyo(monday, "06:30")


def test_the_half_hour_between_a_weekdays_night_and_a_day_off_is_free_time(demo_display):
    saturday = date(2026, 11, 28)  # Friday's weekday night ends 06:30, Saturday wakes at 07:00
    view = demo_view(saturday, "06:45")
    (free,) = view.current
    assert free.free
    assert (free.start, free.end) == (tokyo(saturday, "06:30"), tokyo(saturday, "07:00"))
    assert free.minutes_left == 15
    assert free.block.leads_to is not None and free.block.leads_to.start == time(7, 0)
    assert all(not b.free for b in view.next_blocks)


# --- What else the wall shows at a moment: evening, nights, the morning after ------------


def test_tomorrows_chores_to_get_ready_show_from_the_evening(demo_display):
    before, after = demo_view(WEEKDAY, "16:59"), demo_view(WEEKDAY, "17:00")
    assert (before.show_tomorrow, after.show_tomorrow) == (False, True)
    assert after.evening == tokyo(WEEKDAY, "17:00")
    # Thursday's burnables go out by 8:00: worth getting ready the evening before;
    # Thursday's 17:20 Roomba is not.
    titles = [c.chore.title_en for c in after.get_ready]
    assert "Burnable trash" in titles and "Start the Roomba" not in titles
    assert all(c.date == WEEKDAY + timedelta(days=1) for c in after.get_ready)


def test_night_hours_across_midnight_touch_a_day_twice():
    spans = planner.nights(time(21, 30), time(6, 0), WEEKDAY, TOKYO)
    assert spans == (
        (tokyo(WEEKDAY - timedelta(days=1), "21:30"), tokyo(WEEKDAY, "06:00")),
        (tokyo(WEEKDAY, "21:30"), tokyo(WEEKDAY + timedelta(days=1), "06:00")),
    )
    assert planner.is_night(spans, tokyo(WEEKDAY, "05:59"))
    assert not planner.is_night(spans, tokyo(WEEKDAY, "06:00"))
    assert planner.is_night(spans, tokyo(WEEKDAY, "23:00"))


def test_no_night_hours_never_dim():
    assert planner.nights(None, None, WEEKDAY, TOKYO) == ()
    assert planner.nights(time(22), time(22), WEEKDAY, TOKYO) == ()


def test_the_morning_after_is_the_first_blocks_of_the_coming_morning(demo_display):
    family = load_household(WEEKDAY, TOKYO)
    spans = planner.nights(time(21, 30), time(6, 0), WEEKDAY, TOKYO)
    morning = planner.morning_after(family, tokyo(WEEKDAY, "23:00"), spans)
    assert morning is not None
    assert len(morning.blocks) == planner.MORNING_BLOCKS
    assert all(b.start.date() == WEEKDAY + timedelta(days=1) for b in morning.blocks)
    assert not any(b.from_yesterday for b in morning.blocks)
    # Before dawn the morning is this one.
    early = planner.morning_after(family, tokyo(WEEKDAY, "03:00"), spans)
    assert early is not None and early.blocks[0].start.date() == WEEKDAY


def test_the_wall_changes_at_every_boundary_the_night_and_the_evening(demo_display):
    view = demo_view(WEEKDAY, "12:00")
    spans = planner.nights(time(21, 30), time(6, 0), WEEKDAY, TOKYO)
    changes = planner.changes(view, spans)
    assert list(changes) == sorted(set(changes))
    assert tokyo(WEEKDAY, "17:00") in changes  # clean-up starts, and the evening
    assert tokyo(WEEKDAY, "17:20") in changes  # the Roomba
    assert tokyo(WEEKDAY, "21:30") in changes  # the night
    assert set(view.boundaries) <= set(changes)


def test_the_seams_between_the_demo_plans_are_a_cut_and_a_gap(demo_display):
    family = load_household(WEEKDAY, TOKYO)
    weekday = next(p for p in family.plans if p.name_en == "Weekday")
    day_off = next(p for p in family.plans if p.name_en == "Day off")
    assert planner.may_follow(weekday, day_off) and planner.may_follow(day_off, weekday)
    assert planner.midnight_seams(day_off, weekday, TOKYO, family.calendar) == [
        planner.Seam("cut", time(6, 30), time(7, 0))
    ]
    assert planner.midnight_seams(weekday, day_off, TOKYO, family.calendar) == [
        planner.Seam("gap", time(6, 30), time(7, 0))
    ]
    assert planner.midnight_seams(weekday, weekday, TOKYO, family.calendar) == []


def test_the_roomba_block_knows_whose_turn_it_is_to_start_the_roomba(demo_display):
    view = demo_view(WEEKDAY, "17:25")
    (roomba,) = view.current
    (job,) = roomba.jobs
    assert job.chore.title_en == "Start the Roomba"
    assert len(job.assignees) == 1  # they take turns
    clean_up = next(b for b in view.blocks if b.title("en") == "Clean-up")
    assert clean_up.jobs == ()


# Routines and stars ---------------------------------------------------------------------

PAPA = planner.MemberData(1, "パパ", "Dad")
HARU = planner.MemberData(3, "はる", "Haru", collects_stars=True)
MIO = planner.MemberData(4, "みお", "Mio", collects_stars=True)
MORNING = planner.RoutineData(
    100,
    "あさのしたく",
    "Morning",
    steps=(
        planner.StepData(11, "トイレ", icon="toilet", minutes=3),
        planner.StepData(12, "かおをあらう", icon="wash-face", minutes=3),
        planner.StepData(13, "きがえ", icon="clothes"),
    ),
)
BEDTIME = planner.RoutineData(200, "ねるまえ", steps=(planner.StepData(21, "はみがき"),))


def with_routine(data, routines):
    return replace(data, routines=tuple(routines))


def routine_family(done=(), stars=None, ready_members=(), uses=((3, 100), (4, 100))):
    ready = with_routine(block(1, "07:45", "08:30", "準備", ready_members), uses)
    school = block(2, "08:30", "16:30", "学校", (3, 4))
    work = block(3, "08:30", "17:00", "しごと", (1,))
    bed = with_routine(block(4, "20:30", "00:30", "ねるじゅんび"), [(3, 200)])
    blocks = (ready, school, work, bed)
    plan = planner.PlanData(1, "毎日", weekdays=frozenset(range(7)), blocks=blocks)
    return household(
        plans=[plan],
        members=[PAPA, HARU, MIO],
        routines={100: MORNING, 200: BEDTIME},
        steps_done=done,
        stars=stars,
    )


def routines_at(family, hh_mm, day=WEEKDAY, only=None):
    view = planner.day_view(family, day, tokyo(day, hh_mm), only)
    return view, {r.member.name_en: r for r in view.routines}


def test_each_childs_current_step_is_their_first_step_not_done():
    family = routine_family(done={(11, 3, WEEKDAY), (12, 3, WEEKDAY), (11, 4, WEEKDAY)})
    view, routines = routines_at(family, "07:50")
    (ready,) = view.current
    assert [r.member.name_en for r in ready.routines] == ["Haru", "Mio"]
    haru, mio = routines["Haru"], routines["Mio"]
    assert haru.current.step.title_ja == "きがえ"
    assert [(s.number, s.done, s.current) for s in haru.steps] == [
        (1, True, False),
        (2, True, False),
        (3, False, True),
    ]
    assert (haru.done_count, haru.finished, haru.day) == (2, False, WEEKDAY)
    assert mio.current.step.title_ja == "かおをあらう"
    assert mio.done_count == 1


def test_yesterdays_ticks_do_not_count_today():
    family = routine_family(done={(11, 3, WEEKDAY - timedelta(days=1))})
    _view, routines = routines_at(family, "07:50")
    assert routines["Haru"].current.step.id == 11


def test_a_finished_routine_has_no_current_step_and_says_what_comes_next():
    family = routine_family(done={(step, 3, WEEKDAY) for step in (11, 12, 13)})
    _view, routines = routines_at(family, "07:50")
    haru = routines["Haru"]
    assert haru.finished and haru.current is None and haru.done_count == 3
    assert haru.then.title_ja == "学校"  # the kids' next block, not the parents' work


def test_step_minutes_give_the_time_each_step_should_be_done_by():
    _view, routines = routines_at(routine_family(), "07:50")
    haru = routines["Haru"]
    assert [s.until for s in haru.steps] == [
        tokyo(WEEKDAY, "07:48"),
        tokyo(WEEKDAY, "07:51"),
        None,  # the third step has no minutes
    ]
    assert haru.minutes is None
    assert planner.RoutineView(MORNING, HARU, WEEKDAY, haru.steps[:2], None, 2, True, 0,
                               None).minutes == 6  # fmt: skip


def test_a_display_shows_only_the_routines_of_its_members():
    _view, routines = routines_at(routine_family(), "07:50", only=frozenset({4}))
    assert list(routines) == ["Mio"]
    _view, routines = routines_at(routine_family(), "07:50", only=frozenset({1}))
    assert routines == {}  # the parents' wall: the block shows, the kids' routines do not


def test_a_routine_of_someone_no_longer_in_the_block_is_left_off():
    family = routine_family(ready_members=(4,), uses=[(3, 100), (4, 100)])
    _view, routines = routines_at(family, "07:50")
    assert list(routines) == ["Mio"]


def test_a_bedtime_routine_past_midnight_keeps_the_evenings_ticks():
    evening = WEEKDAY - timedelta(days=1)
    family = routine_family(done={(21, 3, evening)})
    view = planner.day_view(family, WEEKDAY, tokyo(WEEKDAY, "00:10"))
    (bed,) = view.current
    assert bed.from_yesterday
    (routine,) = bed.routines
    assert routine.day == evening
    assert routine.finished
    assert [r.routine.id for r in planner.routines_on(family, WEEKDAY)] == [100, 100, 200]
    assert all(r.day == WEEKDAY for r in planner.routines_on(family, WEEKDAY))


def test_what_finishing_a_routine_brings_each_child():
    stars = planner.Stars(per_routine=2)
    _view, routines = routines_at(routine_family(stars=stars), "07:50")
    assert routines["Haru"].stars == 2
    family = routine_family(stars=stars)
    planned = replace(family.planned, routines={100: replace(MORNING, stars=5), 200: BEDTIME})
    family = planner.Household(planned, family.ticks)
    _view, routines = routines_at(family, "07:50")
    assert routines["Mio"].stars == 5
    _view, routines = routines_at(routine_family(stars=None), "07:50")
    assert routines["Haru"].stars == 0  # the family collects no stars


TREAT = planner.RewardData(1, "おやつ", price=5)
PARK = planner.RewardData(2, "こうえん", price=12)


@pytest.mark.parametrize(
    ("balance", "goal", "progress", "ready"),
    [
        (0, TREAT, 0.0, ()),
        (3, TREAT, 0.6, ()),
        (5, PARK, 0.4167, (TREAT,)),
        (20, PARK, 1.0, (TREAT, PARK)),  # everything in reach: the dearest
        (-2, TREAT, 0.0, ()),  # a star taken back below zero
    ],
)
def test_a_childs_stars_and_the_next_reward_to_save_for(balance, goal, progress, ready):
    stars = planner.Stars(rewards=(TREAT, PARK), balances={3: balance})
    view = planner.day_view(routine_family(stars=stars), WEEKDAY, tokyo(WEEKDAY, "07:50"))
    haru, mio = view.stars
    assert (haru.member, haru.balance, haru.goal, haru.progress, haru.ready) == (
        HARU, balance, goal, progress, ready,
    )  # fmt: skip
    assert (mio.balance, mio.goal) == (0, TREAT)
    assert PAPA not in {s.member for s in view.stars}  # collects none


def test_stars_follow_the_displays_members_and_the_familys_choice():
    stars = planner.Stars(rewards=(), balances={3: 4})
    view = planner.day_view(
        routine_family(stars=stars), WEEKDAY, tokyo(WEEKDAY, "07:50"), frozenset({3})
    )
    (haru,) = view.stars
    assert (haru.balance, haru.goal, haru.progress) == (4, None, 0.0)
    view = planner.day_view(routine_family(), WEEKDAY, tokyo(WEEKDAY, "07:50"))
    assert view.stars == ()


def test_whose_job_a_chore_is_follows_its_turns():
    rule = recurrence.Recurrence(rule="FREQ=DAILY", start=date(2026, 1, 1))
    days = [date(2026, 1, 1) + timedelta(days=n) for n in range(4)]
    assert [planner.takers((3, 4), True, rule, day) for day in days] == [(3,), (4,), (3,), (4,)]
    assert planner.takers((3, 4), False, rule, days[0]) == (3, 4)
    assert planner.takers((), True, rule, days[0]) == ()


# Subscribed calendars' events ---------------------------------------------------------


def swim(id=1, start="10:30", end="11:30", member=2, day=date(2026, 11, 24)):
    return planner.EventData(
        id=id,
        title_ja="",
        title_en="Swimming",
        start=tokyo(day, start),
        end=tokyo(day, end),
        member_id=member,
    )


def school_day(*events):
    school = planner.PlanData(
        id=1,
        name_ja="平日",
        weekdays=frozenset(range(5)),
        blocks=(block(1, "08:30", "16:30", "school", members=[2]),),
    )
    kids = (planner.MemberData(2, "みお", "Mio"), planner.MemberData(3, "はる", "Haru"))
    return planner.Household.of(
        tz=TOKYO,
        calendar=recurrence.holiday_calendar("JP"),
        plans=(school,),
        members=kids,
        events=tuple(events),
    )


def test_a_timed_event_is_placed_beside_the_block_it_overlaps_and_counts_down():
    day = date(2026, 11, 24)
    view = planner.day_view(school_day(swim()), day, tokyo(day, "10:45"))
    lesson = next(b for b in view.blocks if b.event is not None)
    school = next(b for b in view.blocks if b.event is None)
    assert (lesson.start, lesson.end) == (tokyo(day, "10:30"), tokyo(day, "11:30"))
    assert lesson.lane != school.lane and view.lane_count == 2
    assert lesson.current and lesson.minutes_left == 45
    assert [m.name("en") for m in lesson.members] == ["Mio"]
    assert lesson.title("ja") == "Swimming"  # its own text, whatever the wall's language


def test_a_members_event_is_left_out_of_a_display_for_the_others():
    day = date(2026, 11, 24)
    view = planner.day_view(school_day(swim()), day, tokyo(day, "10:45"), frozenset({3}))
    assert [b.event for b in view.blocks] == []


def test_an_overnight_event_shows_on_both_days_and_all_day_events_on_each_of_theirs():
    friday = date(2026, 11, 27)
    overnight = planner.EventData(
        id=5, title_ja="合宿", title_en="", start=tokyo(friday, "20:00"),
        end=tokyo(friday + timedelta(days=1), "09:00"),
    )  # fmt: skip
    camp = planner.EventData(
        id=6, title_ja="", title_en="Camp", first_day=friday, last_day=friday + timedelta(days=2)
    )
    household = school_day(overnight, camp)
    saturday = friday + timedelta(days=1)
    on_saturday = planner.day_view(household, saturday, tokyo(saturday, "08:00"))
    carried = [b for b in on_saturday.blocks if b.event is not None]
    assert [(b.event.id, b.from_yesterday, b.current) for b in carried] == [(5, True, True)]
    shown = [
        d
        for d in range(5)
        if planner.day_view(household, friday + timedelta(days=d), tokyo(friday, "12:00")).all_day
    ]
    assert shown == [0, 1, 2]


def test_an_event_with_no_length_is_not_a_block():
    day = date(2026, 11, 24)
    view = planner.day_view(school_day(swim(start="10:30", end="10:30")), day, tokyo(day, "10:30"))
    assert all(b.event is None for b in view.blocks)


NEW_YEAR = collection.Closure(1, "年末年始", "New Year", date(2026, 12, 31), date(2027, 1, 4), True)


def garbage_chore(id, rule):
    rules = collection.Rules(closures=collection.closure_rules(True, (NEW_YEAR,), {}))
    return planner.ChoreData(
        id=id,
        title_ja=f"ごみ{id}",
        title_en=f"trash {id}",
        recurrence=recurrence.Recurrence(rule, date(2026, 1, 1), rules=rules),
        time=time(8),
        garbage=True,
    )


def test_a_cancelled_collection_stays_on_its_day_and_is_never_got_ready_for():
    paper = garbage_chore(1, "FREQ=WEEKLY;BYDAY=TH")
    family = household(chores=[paper], cancelled=[(1, date(2026, 11, 26))])
    evening = planner.day_view(family, date(2026, 11, 25), tokyo(date(2026, 11, 25), "18:00"))
    assert [c.cancelled for c in evening.tomorrow_chores] == [True]
    assert evening.get_ready == ()
    day = planner.day_view(family, date(2026, 11, 26), tokyo(date(2026, 11, 26), "07:00"))
    assert [(c.chore.id, c.cancelled) for c in day.chores] == [(1, True)]


def test_the_day_view_knows_its_closure_and_the_collections_it_moved():
    paper = garbage_chore(1, "FREQ=MONTHLY;BYDAY=1FR")
    family = household(chores=[paper], closures=[NEW_YEAR])
    new_years_day = planner.day_view(family, date(2027, 1, 1), tokyo(date(2027, 1, 1), "09:00"))
    assert new_years_day.closures == (NEW_YEAR,)
    (gone,) = new_years_day.moved_away
    assert (gone.chore.id, gone.fate.day) == (1, date(2027, 1, 8))
    a_week_later = planner.day_view(family, date(2027, 1, 8), tokyo(date(2027, 1, 8), "07:00"))
    (view,) = a_week_later.chores
    assert [f.raw for f in view.moved_from] == [date(2027, 1, 1)]
    assert view.year_mark == planner.FIRST_OF_YEAR


def test_year_marks_show_the_nearest_first_or_last_collection_within_a_week():
    burnable = garbage_chore(1, "FREQ=WEEKLY;BYDAY=MO,TH")
    family = household(chores=[burnable])
    before = planner.year_marks(family, date(2026, 12, 21))  # 12/28 is 7 days ahead
    assert [(m.date, m.kind) for m in before] == [(date(2026, 12, 28), planner.LAST_OF_YEAR)]
    after = planner.year_marks(family, date(2026, 12, 31))
    assert [(m.date, m.kind) for m in after] == [(date(2027, 1, 7), planner.FIRST_OF_YEAR)]
    assert planner.year_marks(family, date(2026, 11, 1)) == ()
