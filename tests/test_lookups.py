"""Integer `__in` lookups with numbers no column can hold (schedule/lookups.py)."""

import pytest

from schedule.models import ChoreDone, Member

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("huge", [2**63, 2**64, -(2**63) - 1, 10**30])
def test_an_id_beyond_64_bits_matches_no_row_instead_of_overflowing(huge):
    haru = Member.objects.create(name_ja="はる")
    assert not Member.objects.filter(pk__in=[huge]).exists()
    assert list(Member.objects.filter(pk__in=[huge, haru.pk])) == [haru]
    assert Member.objects.exclude(pk__in=[huge]).count() == 1


def test_ids_within_range_still_match_on_any_integer_column():
    haru = Member.objects.create(name_ja="はる", order=7)
    assert list(Member.objects.filter(order__in=[7, 2**70])) == [haru]
    assert not ChoreDone.objects.filter(pk__in=[2**63 - 1]).exists()
