"""The rules across rows: overlapping blocks, turns with nobody to take them, a
routine's steps and where it is used."""

from datetime import time

import pytest

from schedule.common import validation
from schedule.common.validation import (
    BlockSpan,
    blocks_overlap,
    opened_gaps,
    overlaps,
    shifted,
    turns_have_people,
)


@pytest.mark.parametrize(
    ("first", "second", "overlap"),
    [
        (("17:30", "18:15"), ("18:00", "19:00"), True),
        (("17:30", "18:15"), ("18:15", "19:00"), False),
        (("21:00", "06:30"), ("06:00", "07:00"), True),  # sleep runs into the morning
        (("21:00", "06:30"), ("06:30", "07:00"), False),
        (("21:00", "06:30"), ("20:30", "21:00"), False),
        (("23:00", "01:00"), ("00:30", "02:00"), True),
    ],
)
def test_blocks_overlap_on_the_24_hour_clock(first, second, overlap):
    times = [time.fromisoformat(t) for t in (*first, *second)]
    assert blocks_overlap(*times) is overlap
    assert blocks_overlap(*times[2:], *times[:2]) is overlap


def span(start, end, *members):
    return BlockSpan(time.fromisoformat(start), time.fromisoformat(end), frozenset(members))


def test_blocks_of_one_member_clash_and_each_is_reported_once():
    blocks = [span("17:00", "18:00", 1), span("17:30", "18:30", 1), span("17:45", "19:00", 1)]
    assert overlaps(blocks) == [(1, 0, frozenset({1})), (2, 0, frozenset({1}))]


def test_a_whole_family_block_clashes_with_anyones_and_different_people_may_overlap():
    assert overlaps([span("17:00", "18:00"), span("17:30", "18:30", 2)]) == [(1, 0, frozenset({2}))]
    assert overlaps([span("08:30", "12:00", 1), span("08:30", "16:30", 3)]) == []


def test_turns_need_somebody_to_take_them():
    assert not turns_have_people(rotate=True, assignees=0)
    assert turns_have_people(rotate=True, assignees=2)
    assert turns_have_people(rotate=False, assignees=0)


def test_a_following_block_moves_whole_and_a_night_keeps_its_morning():
    assert shifted(time(19), time(20, 30), 15) == (time(19, 15), time(20, 45))
    assert shifted(time(21), time(6, 30), 15) == (time(21, 15), time(6, 30))
    assert shifted(time(23), time(23, 45), 15) == (time(23, 15), time(0))


def test_a_following_block_may_not_be_pushed_into_another_day():
    assert shifted(time(23, 50), time(23, 55), 15) is None
    assert shifted(time(0, 10), time(1), -15) is None
    assert shifted(time(21), time(6, 30), 570) is None  # its start would reach its end


def test_the_gap_a_later_dinner_leaves_is_found_and_old_gaps_are_not():
    before = [span("17:30", "18:15"), span("18:15", "19:00"), span("20:00", "21:00")]
    after = [span("17:30", "18:15"), span("18:30", "19:00"), span("20:00", "21:00")]
    assert opened_gaps(before, after) == [(time(18, 15), time(18, 30))]


def test_a_gap_across_midnight_is_one_stretch():
    before = [span("21:00", "06:30")]
    after = [span("23:00", "01:00")]
    assert opened_gaps(before, after) == [(time(1), time(6, 30)), (time(21), time(23))]
    assert opened_gaps([span("23:00", "01:00")], []) == [(time(23), time(1))]


def test_a_routine_has_one_to_twelve_steps():
    assert validation.steps_problem(0) == validation.EMPTY
    assert validation.steps_problem(1) is None
    assert validation.steps_problem(12) is None
    assert validation.steps_problem(13) == validation.TOO_MANY


def test_a_routine_in_a_block_is_for_someone_in_the_block():
    assert validation.member_fits_block(frozenset({3, 4}), 3)
    assert not validation.member_fits_block(frozenset({3, 4}), 1)
    assert validation.member_fits_block(frozenset(), 1)  # nobody chosen: the whole family


def use(plan, block, member, routine):
    return validation.RoutineUse(plan, block, member, routine)


def test_a_child_has_one_routine_per_block_and_a_routine_once_per_plan():
    uses = [
        use(1, 10, 3, 100),  # はる's morning on weekdays
        use(1, 10, 4, 100),  # みお shares it: fine
        use(2, 20, 3, 100),  # and the day-off plan too: fine
        use(1, 10, 3, 101),  # a second routine for はる in the same block
        use(1, 11, 3, 100),  # the same routine for はる again that day
        use(1, 11, 4, 102),  # another routine for みお later that day: fine
    ]
    assert validation.routine_clashes(uses) == [
        (3, 0, validation.SAME_BLOCK),
        (4, 0, validation.SAME_PLAN),
    ]
