"""The rules across rows: overlapping blocks, turns with nobody to take them."""

from datetime import time

import pytest

from schedule.validation import BlockSpan, blocks_overlap, overlaps, turns_have_people


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
